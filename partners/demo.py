"""Demo partner registry of województwo pomorskie: territory, subregions, organisations, people."""

from datetime import date
from pathlib import Path

from allauth.account.models import EmailAddress
from django.utils.text import slugify
from stdnum.pl import regon as stdnum_regon

from portal.models import User

from .models import (
    ContactPerson,
    Cooperation,
    Membership,
    Organisation,
    OrganisationStatus,
    Subregion,
    Tag,
    TerritorialUnit,
)
from .services import territory_import_terc

SAMPLE_TERC = Path(__file__).resolve().parent / "data" / "TERC_pomorskie_przyklad.csv"
DEMO_PARTNER_EMAIL = "partner@demo.rops.local"
DEMO_JST_EMAIL = "jst@demo.rops.local"
DEMO_CANDIDATE_EMAIL = "kandydat@demo.rops.local"
DEMO_PASSWORD = "demo-partner-2026"

SUBREGIONS = {
    "metropolitalny": (
        "Metropolitalny",
        ["2261", "2262", "2264", "2204", "2205", "2210", "2211", "2215"],
    ),
    "slupski": ("Słupski", ["2263", "2212", "2208"]),
    "poludniowy": ("Południowy", ["2202", "2203", "2206", "2201", "2213"]),
    "nadwislanski": ("Nadwiślański", ["2207", "2209", "2216", "2214"]),
}

K = Organisation.Kind
L = Organisation.LegalForm
J = Organisation.JstType

# (key, kind, name, gmina TERYT, street, postal code, city, extra fields)
ORGANISATIONS = [
    (
        "owes-metro",
        K.OWES,
        "Ośrodek Wsparcia Ekonomii Społecznej „Metropolia”",
        "2261011",
        "ul. Stoczniowców 14",
        "80-864",
        "Gdańsk",
        {
            "served": "metropolitalny",
            "description": "Konsorcjum dwóch fundacji wspierające przedsiębiorstwa społeczne "
            "Gdańska, Gdyni, Sopotu i powiatów okalających: doradztwo biznesowe, dotacje na miejsca pracy, szkolenia.",
        },
    ),
    (
        "owes-slupsk",
        K.OWES,
        "Słupski Ośrodek Wsparcia Ekonomii Społecznej",
        "2263011",
        "ul. Mostnika 9",
        "76-200",
        "Słupsk",
        {
            "served": "slupski",
            "description": "Wspieramy spółdzielnie socjalne i organizacje pozarządowe z Ziemi Słupskiej "
            "i Lęborskiej w rozwoju działalności gospodarczej.",
        },
    ),
    (
        "owes-poludnie",
        K.OWES,
        "Ośrodek Wsparcia Ekonomii Społecznej Subregionu Południowego",
        "2202011",
        "ul. Kościerska 22",
        "89-600",
        "Chojnice",
        {
            "served": "poludniowy",
            "description": "Pomagamy zakładać i rozwijać przedsiębiorstwa społeczne w powiatach "
            "chojnickim, człuchowskim, kościerskim, bytowskim i starogardzkim. Prowadzimy inkubator i punkt doradczy.",
        },
    ),
    (
        "owes-wisla",
        K.OWES,
        "Nadwiślański Ośrodek Wsparcia Ekonomii Społecznej",
        "2207011",
        "ul. Braterstwa Narodów 5",
        "82-500",
        "Kwidzyn",
        {
            "served": "nadwislanski",
            "description": "Animacja lokalna, doradztwo i wsparcie finansowe dla podmiotów "
            "ekonomii społecznej z Powiśla i Żuław.",
        },
    ),
    (
        "lgd-sandry",
        K.LGD,
        "Lokalna Grupa Działania „Sandrowy Brzeg”",
        "2202043",
        "ul. Dworcowa 3",
        "89-650",
        "Czersk",
        {
            "description": "Stowarzyszenie wdrażające lokalną strategię rozwoju w gminach Borów Tucholskich."
        },
    ),
    (
        "lgd-wislany",
        K.LGD,
        "Lokalna Grupa Działania „Wiślany Szlak”",
        "2216053",
        "ul. Mickiewicza 11",
        "82-400",
        "Sztum",
        {
            "description": "Wspieramy inicjatywy mieszkańców Powiśla: turystykę, rękodzieło i lokalne produkty."
        },
    ),
    (
        "lgd-slowinska",
        K.LGD,
        "Lokalna Grupa Działania „Słowińska Przystań”",
        "2212011",
        "ul. Portowa 2",
        "76-270",
        "Ustka",
        {"description": "Rozwój obszarów nadmorskich i rybackich powiatu słupskiego."},
    ),
    (
        "lgd-zatoka",
        K.LGD,
        "Lokalna Grupa Działania „Zatoka i Mierzeja”",
        "2211031",
        "ul. Żeromskiego 8",
        "84-100",
        "Puck",
        {},
    ),
    (
        "mops-chojnice",
        K.OPS,
        "Miejski Ośrodek Pomocy Społecznej w Chojnicach (demo)",
        "2202011",
        "ul. Wysoka 1",
        "89-600",
        "Chojnice",
        {},
    ),
    (
        "gops-czersk",
        K.OPS,
        "Ośrodek Pomocy Społecznej w Czersku (demo)",
        "2202043",
        "ul. Kościuszki 20",
        "89-650",
        "Czersk",
        {},
    ),
    (
        "mops-kwidzyn",
        K.OPS,
        "Miejski Ośrodek Pomocy Społecznej w Kwidzynie (demo)",
        "2207011",
        "ul. Warszawska 8",
        "82-500",
        "Kwidzyn",
        {},
    ),
    (
        "gops-kiszewa",
        K.OPS,
        "Gminny Ośrodek Pomocy Społecznej w Starej Kiszewie (demo)",
        "2206082",
        "ul. Ogrodowa 4",
        "83-430",
        "Stara Kiszewa",
        {},
    ),
    (
        "pcpr-czluchow",
        K.PCPR,
        "Powiatowe Centrum Pomocy Rodzinie w Człuchowie (demo)",
        "2203011",
        "ul. Szczecińska 7",
        "77-300",
        "Człuchów",
        {},
    ),
    (
        "pcpr-tczew",
        K.PCPR,
        "Powiatowe Centrum Pomocy Rodzinie w Tczewie (demo)",
        "2214011",
        "ul. Pomorska 3",
        "83-110",
        "Tczew",
        {},
    ),
    (
        "jst-czersk",
        K.JST,
        "Gmina Czersk – Urząd Miejski (demo)",
        "2202043",
        "ul. Królowej Jadwigi 26",
        "89-650",
        "Czersk",
        {},
    ),
    (
        "jst-brusy",
        K.JST,
        "Gmina Brusy – Urząd Miejski (demo)",
        "2202023",
        "ul. Na Zaboriu 4",
        "89-632",
        "Brusy",
        {},
    ),
    (
        "jst-kiszewa",
        K.JST,
        "Gmina Stara Kiszewa – Urząd Gminy (demo)",
        "2206082",
        "ul. Ogrodowa 1",
        "83-430",
        "Stara Kiszewa",
        {},
    ),
    (
        "jst-slupsk",
        K.JST,
        "Miasto Słupsk – Urząd Miejski (demo)",
        "2263011",
        "pl. Zwycięstwa 3",
        "76-200",
        "Słupsk",
        {},
    ),
    (
        "jst-kwidzyn",
        K.JST,
        "Gmina Kwidzyn – Urząd Gminy (demo)",
        "2207032",
        "ul. Grudziądzka 30",
        "82-500",
        "Kwidzyn",
        {},
    ),
    (
        "jst-pow-chojnice",
        K.JST,
        "Powiat Chojnicki – Starostwo Powiatowe (demo)",
        "2202011",
        "ul. 31 Stycznia 56",
        "89-600",
        "Chojnice",
        {"jst_type": J.POWIAT},
    ),
    (
        "pes-stol",
        K.PES,
        "Spółdzielnia Socjalna „Kaszubski Stół”",
        "2206011",
        "ul. Rynek 6",
        "83-400",
        "Kościerzyna",
        {
            "legal_form": L.SOCIAL_COOPERATIVE,
            "tags": ["catering", "lokalne produkty"],
            "description": "Catering dla szkół i przedszkoli, obsługa spotkań i szkoleń, kuchnia regionalna.",
        },
    ),
    (
        "pes-cis",
        K.PES,
        "Centrum Integracji Społecznej „Nowy Start” w Debrznie",
        "2203033",
        "ul. Ogrodowa 12",
        "77-310",
        "Debrzno",
        {
            "legal_form": L.CIS,
            "tags": ["reintegracja zawodowa"],
            "description": "Warsztaty reintegracji zawodowej: ogrodnictwo, prace remontowe, gastronomia.",
        },
    ),
    (
        "pes-kis",
        K.PES,
        "Klub Integracji Społecznej w Czarnem",
        "2203023",
        "ul. Szkolna 2",
        "77-330",
        "Czarne",
        {"legal_form": L.KIS},
    ),
    (
        "pes-zaz",
        K.PES,
        "Zakład Aktywności Zawodowej „Pracownia pod Dębem”",
        "2201013",
        "ul. Leśna 15",
        "77-100",
        "Bytów",
        {
            "legal_form": L.ZAZ,
            "tags": ["rękodzieło", "usługi poligraficzne"],
            "description": "Zatrudniamy osoby z niepełnosprawnościami w pracowni poligraficznej i stolarskiej.",
        },
    ),
    (
        "pes-wtz",
        K.PES,
        "Warsztat Terapii Zajęciowej „Tęczowa Pracownia”",
        "2209011",
        "ul. Kościuszki 40",
        "82-200",
        "Malbork",
        {"legal_form": L.WTZ, "tags": ["rękodzieło"]},
    ),
    (
        "pes-fundacja",
        K.PES,
        "Fundacja „Zielony Dom”",
        "2262011",
        "ul. Morska 120",
        "81-225",
        "Gdynia",
        {
            "legal_form": L.FOUNDATION,
            "tags": ["zielona gospodarka", "usługi opiekuńcze"],
            "description": "Usługi opiekuńcze i wytchnieniowe, ogrody społeczne, edukacja ekologiczna.",
        },
    ),
    (
        "pes-stow",
        K.PES,
        "Stowarzyszenie „Razem w Sztumie”",
        "2216053",
        "ul. Reja 4",
        "82-400",
        "Sztum",
        {"legal_form": L.ASSOCIATION, "tags": ["turystyka"]},
    ),
    (
        "pes-sp-pracy",
        K.PES,
        "Spółdzielnia Pracy „Drewniana Chata”",
        "2202023",
        "ul. Tartaczna 9",
        "89-632",
        "Brusy",
        {"legal_form": L.WORKERS_COOPERATIVE, "tags": ["rękodzieło"]},
    ),
    (
        "pes-nonprofit",
        K.PES,
        "Przystań Smaków sp. z o.o. non-profit",
        "2264011",
        "ul. Haffnera 30",
        "81-717",
        "Sopot",
        {"legal_form": L.NONPROFIT_COMPANY, "tags": ["catering", "turystyka"]},
    ),
    (
        "pes-sierakowice",
        K.PES,
        "Spółdzielnia Socjalna „Kaszubska Pralnia”",
        "2205052",
        "ul. Kartuska 7",
        "83-340",
        "Sierakowice",
        {"legal_form": L.SOCIAL_COOPERATIVE, "tags": ["usługi porządkowe"]},
    ),
    (
        "cus-pruszcz",
        K.CUS,
        "Centrum Usług Społecznych w Pruszczu Gdańskim (demo)",
        "2204011",
        "ul. Wojska Polskiego 5",
        "83-000",
        "Pruszcz Gdański",
        {
            "description": "Usługi społeczne dla mieszkańców w jednym miejscu: opieka, "
            "asystencja, wsparcie rodzin i klub seniora."
        },
    ),
    (
        "rops",
        K.ROPS,
        "Regionalny Ośrodek Polityki Społecznej w Gdańsku",
        "2261011",
        "ul. Przykładowa 1",
        "80-001",
        "Gdańsk",
        {},
    ),
    (
        "konwent",
        K.OTHER,
        "Konwent Dyrektorów Ośrodków Pomocy Społecznej Województwa Pomorskiego (demo)",
        "2261011",
        "ul. Przykładowa 1",
        "80-001",
        "Gdańsk",
        {},
    ),
]

# Identifiers only for the invented social-economy entities and OWES (never for real public bodies).
WITH_IDENTIFIERS = {
    "owes-metro",
    "owes-slupsk",
    "owes-poludnie",
    "owes-wisla",
    "lgd-sandry",
    "lgd-wislany",
    "pes-stol",
    "pes-fundacja",
    "pes-stow",
    "pes-sp-pracy",
    "pes-nonprofit",
    "pes-sierakowice",
}


def demo_nip(seed: int) -> str:
    """Return a checksum-valid, invented NIP (prefix 999 is not issued by tax offices)."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    number = seed
    while True:
        body = f"999{number:06d}"
        check = sum(w * int(d) for w, d in zip(weights, body, strict=True)) % 11
        if check != 10:
            return body + str(check)
        number += 1


def demo_regon(seed: int) -> str:
    body = f"99{seed:06d}"
    return body + stdnum_regon.calc_check_digit(body)


def _user(email: str, first_name: str, last_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, first_name=first_name, last_name=last_name
        )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def load() -> None:
    territory_import_terc(data=SAMPLE_TERC.read_bytes(), actor=None)
    units = {u.teryt: u for u in TerritorialUnit.objects.all()}

    subregions = {}
    for slug, (name, powiat_codes) in SUBREGIONS.items():
        subregion, _ = Subregion.objects.update_or_create(slug=slug, defaults={"name": name})
        subregion.powiats.set([units[code] for code in powiat_codes])
        subregions[slug] = subregion

    organisations = {}
    for index, (key, kind, name, gmina_code, street, postal_code, city, extra) in enumerate(
        ORGANISATIONS, start=1
    ):
        extra = dict(extra)
        served = extra.pop("served", None)
        tags = extra.pop("tags", [])
        domain = key
        defaults = {
            "kind": kind,
            "seat_gmina": units[gmina_code],
            "street": street,
            "postal_code": postal_code,
            "city": city,
            "email": f"kontakt@{domain}.demo.rops.local",
            "phone": f"58 {600 + index:03d} {10 + index:02d} {20 + index:02d}",
            "website": f"https://{domain}.example.org" if kind in (K.OWES, K.LGD, K.PES) else "",
            "is_public": key != "konwent",
            "is_verified": True,
            "served_subregion": subregions[served] if served else None,
            **extra,
        }
        if key in WITH_IDENTIFIERS:
            defaults["nip"] = demo_nip(index * 37)
            defaults["regon"] = demo_regon(index * 41)
            if kind != K.OWES:
                defaults["krs"] = f"{9990000000 + index:010d}"
        organisation = Organisation.objects.filter(name=name).first() or Organisation(name=name)
        for field, value in defaults.items():
            setattr(organisation, field, value)
        organisation.full_clean()
        organisation.save()
        organisation.tags.set(
            [
                Tag.objects.get_or_create(slug=slugify(tag), defaults={"name": tag})[0]
                for tag in tags
            ]
        )
        organisations[key] = organisation

    for number, key in enumerate(
        ["owes-metro", "owes-slupsk", "owes-poludnie", "owes-wisla"], start=1
    ):
        OrganisationStatus.objects.update_or_create(
            organisation=organisations[key],
            kind=OrganisationStatus.Kind.OWES_ACCREDITATION,
            defaults={
                "decision_number": f"AKR-OWES/{number}/2024",
                "issued_by": "Minister właściwy do spraw zabezpieczenia społecznego",
                "valid_from": date(2024, 3, 1),
                "valid_until": date(2027, 2, 28),
            },
        )
    for number, key in enumerate(
        ["pes-stol", "pes-sierakowice", "pes-nonprofit", "pes-fundacja"], start=1
    ):
        OrganisationStatus.objects.update_or_create(
            organisation=organisations[key],
            kind=OrganisationStatus.Kind.SOCIAL_ENTERPRISE,
            defaults={
                "decision_number": f"PS.22.{number}.2025",
                "issued_by": "Wojewoda Pomorski",
                "valid_from": date(2025, 2, 1),
                "valid_until": None,
            },
        )

    cooperation = [
        (
            "owes-poludnie",
            "lgd-sandry",
            Cooperation.Kind.AGREEMENT,
            date(2024, 5, 10),
            "Wspólne spotkania informacyjne dla mieszkańców i punkt konsultacyjny w Czersku.",
        ),
        (
            "owes-wisla",
            "lgd-wislany",
            Cooperation.Kind.AGREEMENT,
            date(2024, 9, 2),
            "Wsparcie inicjatyw turystycznych i produktów lokalnych Powiśla.",
        ),
        ("owes-slupsk", "lgd-slowinska", Cooperation.Kind.PARTNERSHIP, date(2023, 11, 15), ""),
        (
            "pes-fundacja",
            "owes-metro",
            Cooperation.Kind.CONSORTIUM,
            date(2024, 3, 1),
            "Partner konsorcjum OWES odpowiedzialny za usługi animacyjne.",
        ),
        (
            "gops-czersk",
            "pes-stol",
            Cooperation.Kind.PARTNERSHIP,
            date(2025, 1, 15),
            "Zlecanie posiłków dla podopiecznych ośrodka.",
        ),
        ("mops-kwidzyn", "konwent", Cooperation.Kind.MEMBERSHIP, date(2019, 6, 1), ""),
    ]
    for source, target, kind, started_on, note in cooperation:
        Cooperation.objects.update_or_create(
            source=organisations[source],
            target=organisations[target],
            kind=kind,
            defaults={"started_on": started_on, "note": note},
        )

    partner = _user(DEMO_PARTNER_EMAIL, "Katarzyna", "Wiśniewska")
    jst = _user(DEMO_JST_EMAIL, "Tomasz", "Zieliński")
    candidate = _user(DEMO_CANDIDATE_EMAIL, "Paweł", "Nowicki")
    Membership.objects.update_or_create(
        user=partner,
        organisation=organisations["owes-poludnie"],
        defaults={
            "role": Membership.Role.ADMIN,
            "status": Membership.Status.APPROVED,
            "position": "koordynatorka OWES",
        },
    )
    Membership.objects.update_or_create(
        user=jst,
        organisation=organisations["jst-czersk"],
        defaults={
            "role": Membership.Role.MEMBER,
            "status": Membership.Status.APPROVED,
            "position": "inspektor ds. polityki społecznej",
        },
    )
    Membership.objects.get_or_create(
        user=candidate,
        organisation=organisations["owes-poludnie"],
        defaults={
            "role": Membership.Role.MEMBER,
            "status": Membership.Status.PENDING,
            "position": "doradca kluczowy",
        },
    )
    contacts = [
        ("owes-poludnie", "Katarzyna", "Wiśniewska", "koordynatorka OWES", partner, True),
        ("owes-metro", "Marta", "Kowalczyk", "kierowniczka ośrodka", None, True),
        ("owes-slupsk", "Rafał", "Dąbrowski", "doradca biznesowy", None, True),
        ("owes-wisla", "Agnieszka", "Lewandowska", "animatorka lokalna", None, True),
        ("jst-czersk", "Tomasz", "Zieliński", "inspektor ds. polityki społecznej", jst, False),
        ("pes-stol", "Elżbieta", "Kaczmarek", "prezeska zarządu", None, True),
    ]
    for key, first_name, last_name, role, user, is_public in contacts:
        ContactPerson.objects.update_or_create(
            organisation=organisations[key],
            first_name=first_name,
            last_name=last_name,
            defaults={
                "role": role,
                "user": user,
                "is_public": is_public,
                "email": f"{slugify(first_name)}.{slugify(last_name)}@demo.rops.local",
                "phone": "58 700 00 00",
            },
        )
