"""Demo events of a Pomeranian ROPS: a study visit, meetings, a training, a conference; idempotent."""

from datetime import datetime, time, timedelta
from io import BytesIO

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from partners.models import Membership, Organisation, Subregion
from portal.models import FundingProject, User

from .images import photo_thumbnail
from .models import (
    AgendaItem,
    Attendance,
    ConsentText,
    Event,
    Institution,
    Material,
    Postulate,
    Question,
    Registration,
    Report,
    ReportPhoto,
    TargetGroup,
)

DEMO_PASSWORD = "demo-partner-2026"
DEMO_PARTNER_EMAIL = "partner@demo.rops.local"
DEMO_JST_EMAIL = "jst@demo.rops.local"

CONSENT_TEXT = """Administratorem Pani/Pana danych osobowych jest Regionalny Ośrodek Polityki Społecznej.

Dane (imię, nazwisko, adres e-mail, telefon, organizacja oraz odpowiedzi z formularza) przetwarzamy, aby zorganizować wydarzenie, zapewnić transport, nocleg i wyżywienie oraz rozliczyć projekt współfinansowany ze środków Unii Europejskiej (art. 6 ust. 1 lit. c i e RODO).

Informacje o potrzebach zdrowotnych lub dostępności (art. 9 ust. 2 lit. a RODO) podaje Pani/Pan dobrowolnie, wyłącznie po to, byśmy mogli je uwzględnić.

Dane przechowujemy przez okres trwałości projektu i archiwizacji jego dokumentacji. Ma Pani/Pan prawo dostępu do danych, ich sprostowania, ograniczenia przetwarzania, sprzeciwu oraz skargi do Prezesa Urzędu Ochrony Danych Osobowych."""

ORGANISER = "Regionalny Ośrodek Polityki Społecznej w Gdańsku"


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


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


def _organisation_of(user: User, fallback_name: str, kind: str) -> Organisation:
    membership = (
        Membership.objects.filter(user=user, status=Membership.Status.APPROVED)
        .select_related("organisation")
        .first()
    )
    if membership:
        return membership.organisation
    organisation, _ = Organisation.objects.get_or_create(
        name=fallback_name, defaults={"kind": kind, "city": "Gdańsk"}
    )
    Membership.objects.update_or_create(
        user=user,
        organisation=organisation,
        defaults={"status": Membership.Status.APPROVED, "role": Membership.Role.ADMIN},
    )
    return organisation


def _event(
    slug: str, *, target_kinds=(), subregion_slugs=(), agenda=(), questions=(), **fields
) -> Event:
    event, _ = Event.objects.update_or_create(slug=slug, defaults=fields)
    event.target_groups.set(
        [TargetGroup.objects.get_or_create(kind=kind)[0] for kind in target_kinds]
    )
    event.subregions.set(Subregion.objects.filter(slug__in=subregion_slugs))
    for day_offset, start, end, title, speaker, place, address in agenda:
        day = timezone.localdate(event.starts_at) + timedelta(days=day_offset)
        AgendaItem.objects.update_or_create(
            event=event,
            day=day,
            starts_at=start,
            defaults={
                "ends_at": end,
                "title": title,
                "speaker": speaker,
                "place": place,
                "address": address,
            },
        )
    for position, (label, kind, choices, required, help_text, *health) in enumerate(
        questions, start=1
    ):
        Question.objects.update_or_create(
            event=event,
            label=label,
            defaults={
                "kind": kind,
                "choices": choices,
                "is_required": required,
                "help_text": help_text,
                "position": position,
                "is_health_data": bool(health and health[0]),
            },
        )
    return event


def _register(
    event: Event, user: User, organisation: Organisation, consent: ConsentText, status: str
) -> None:
    if Registration.objects.filter(
        event=event, participant=user, status__in=Registration.ACTIVE
    ).exists():
        return
    now = timezone.now()
    Registration.objects.create(
        event=event,
        participant=user,
        organisation=organisation,
        registered_by=user,
        status=status,
        consent_text=consent,
        consented_at=now,
        created_at=now,
        status_changed_at=now,
        waitlisted_at=now if status == Registration.Status.WAITLISTED else None,
    )


def load() -> None:
    consent, _ = ConsentText.objects.get_or_create(
        version="2026-01", defaults={"text": CONSENT_TEXT}
    )
    project = FundingProject.objects.filter(is_active=True).first()
    partner = _user(DEMO_PARTNER_EMAIL, "Katarzyna", "Wiśniewska")
    jst = _user(DEMO_JST_EMAIL, "Tomasz", "Zieliński")
    partner_org = _organisation_of(
        partner, "Ośrodek Wsparcia Ekonomii Społecznej (demo)", Organisation.Kind.OWES
    )
    jst_org = _organisation_of(jst, "Urząd Gminy (demo)", Organisation.Kind.JST)
    colleague = _user("marek.szulc@demo.rops.local", "Marek", "Szulc")
    Membership.objects.update_or_create(
        user=colleague,
        organisation=partner_org,
        defaults={"status": Membership.Status.APPROVED, "position": "doradca kluczowy"},
    )
    common = {
        "organiser": ORGANISER,
        "funding_project": project,
        "contact_name": "Joanna Brzezińska",
        "contact_email": "wydarzenia@demo.rops.local",
        "contact_phone": "58 000 00 00",
    }
    K, T, Q = Organisation.Kind, Event.Type, Question.Kind
    # Diet and accessibility needs may reveal health: flagged, so they need the art. 9 consent.
    diet = ("Dieta", Q.CHOICE, "standardowa\nwegetariańska\nwegańska\nbezglutenowa", True, "", True)
    access = (
        "Potrzeby związane z dostępnością",
        Q.TEXT,
        "",
        False,
        "Np. tłumacz PJM, pętla indukcyjna, dostęp bez schodów, asystent.",
        True,
    )

    _event(
        "wizyta-studyjna-wielkopolska",
        type=T.STUDY_VISIT,
        title="Wizyta studyjna: usługi społeczne i spółdzielnie socjalne w Wielkopolsce",
        summary="Trzy dni w Koźminie Wielkopolskim i okolicznych gminach, które zlecają usługi społeczne spółdzielniom socjalnym i prowadzą centra usług społecznych.",
        description=(
            "Zapraszamy przedstawicieli samorządów, centrów usług społecznych i podmiotów ekonomii społecznej "
            "na trzydniowy wyjazd do Wielkopolski. Zobaczymy, jak gmina współpracuje ze spółdzielniami socjalnymi "
            "przy usługach opiekuńczych i cateringu, jak działa centrum usług społecznych oraz zakład aktywności "
            "zawodowej prowadzący pralnię i gastronomię.\n\n"
            "Organizator zapewnia przejazd autokarem z Gdańska (przystanek także w Tczewie), dwa noclegi "
            "i wyżywienie. Liczba miejsc jest ograniczona: jedna organizacja może zgłosić najwyżej dwie osoby."
        ),
        starts_at=_at(21, 7, 0),
        ends_at=_at(23, 19, 0),
        venue_name="Zbiórka: parking przy dworcu PKP Gdańsk Główny",
        venue_street="ul. Podwale Grodzkie 1",
        venue_postal_code="80-895",
        venue_city="Gdańsk",
        state=Event.State.PUBLISHED,
        capacity=25,
        per_organisation_limit=2,
        registration_opens_at=_at(-7, 9),
        registration_closes_at=_at(14, 23, 59),
        cancellation_deadline=_at(16, 12),
        target_kinds=[K.JST, K.CUS, K.PES, K.OPS],
        subregion_slugs=["poludniowy", "nadwislanski"],
        agenda=[
            (
                0,
                time(7, 0),
                time(12, 30),
                "Przejazd autokarem z Gdańska (przystanek w Tczewie o 7:40)",
                "",
                "",
                "",
            ),
            (
                0,
                time(13, 0),
                time(15, 30),
                "Gmina, która zleca usługi: współpraca urzędu ze spółdzielniami socjalnymi",
                "Zastępca burmistrza i kierowniczka referatu spraw społecznych",
                "Urząd Miejski w Koźminie Wielkopolskim",
                "ul. Rynek 1, 63-720 Koźmin Wielkopolski",
            ),
            (
                0,
                time(16, 0),
                time(18, 0),
                "Spółdzielnia Socjalna „Smaki Pola”: catering dla szkół i seniorów",
                "Prezeska spółdzielni",
                "Kuchnia spółdzielni",
                "ul. Polna 12, 63-720 Koźmin Wielkopolski",
            ),
            (
                0,
                time(19, 0),
                None,
                "Zakwaterowanie i kolacja",
                "",
                "Hotel „Pod Lipami”",
                "ul. Lipowa 3, 63-720 Koźmin Wielkopolski",
            ),
            (
                1,
                time(9, 0),
                time(12, 0),
                "Centrum Usług Społecznych: od diagnozy potrzeb do planu usług",
                "Dyrektor CUS i organizatorka usług",
                "Centrum Usług Społecznych w Wierzbnie",
                "ul. Szkolna 8, 62-300 Wierzbno",
            ),
            (
                1,
                time(13, 0),
                time(15, 30),
                "Zakład Aktywności Zawodowej: pralnia i gastronomia",
                "Kierownik ZAZ",
                "ZAZ „Dobre Ręce”",
                "ul. Przemysłowa 21, 62-300 Wierzbno",
            ),
            (
                1,
                time(16, 30),
                time(18, 0),
                "Warsztat: co przeniesiemy do naszych gmin?",
                "Moderatorka ROPS",
                "Sala w hotelu",
                "ul. Lipowa 3, 63-720 Koźmin Wielkopolski",
            ),
            (
                2,
                time(9, 0),
                time(11, 30),
                "Muzeum i spółdzielnia: turystyka społeczna na wsi",
                "Przewodnik spółdzielni „Zagroda”",
                "Zagroda Rzemiosł",
                "Kłosowo 5, 63-120 Kłosowo",
            ),
            (2, time(12, 0), time(19, 0), "Obiad i powrót do Gdańska", "", "", ""),
        ],
        questions=[
            (
                "Przejazd autokarem",
                Q.YES_NO,
                "",
                True,
                "Czy uczestnik jedzie z grupą autokarem organizatora?",
            ),
            (
                "Przystanek",
                Q.CHOICE,
                "Gdańsk\nTczew",
                False,
                "Gdzie uczestnik wsiądzie do autokaru?",
            ),
            (
                "Nocleg",
                Q.CHOICE,
                "pokój dwuosobowy\npokój jednoosobowy (jeśli dostępny)\nbez noclegu",
                True,
                "",
            ),
            diet,
            access,
        ],
        **common,
    )

    workshop = _event(
        "spotkanie-robocze-owes-lgd-ops",
        type=T.WORKING_MEETING,
        title="Spotkanie robocze OWES, LGD i OPS: wspólne działania na 2027 rok",
        summary="Warsztaty w grupach mieszanych i lista postulatów dla instytucji zarządzającej programem regionalnym.",
        # Formatted with the rich-text editor (headings, a list, bold): stored as sanitised HTML.
        description=(
            "<h3>Po co się spotykamy</h3>"
            "<p>Spotkanie przedstawicieli ośrodków wsparcia ekonomii społecznej, lokalnych grup działania i "
            "ośrodków pomocy społecznej. Po krótkich prezentacjach pracujemy w grupach mieszanych.</p>"
            "<h3>Trzy równoległe warsztaty</h3>"
            "<ul><li><p><strong>Wspólne wydarzenia</strong> w powiatach i subregionach,</p></li>"
            "<li><p><strong>infrastruktura współpracy</strong>: sale, sprzęt i transport partnerów,</p></li>"
            "<li><p><strong>indywidualne ścieżki wsparcia</strong> dla podmiotów ekonomii społecznej.</p></li></ul>"
            "<h4>Co powstanie</h4>"
            "<p>Wnioski z warsztatów przekażemy instytucji zarządzającej jako <em>postulaty regionu</em>; "
            "ich los można śledzić w rejestrze postulatów.</p>"
        ),
        starts_at=_at(10, 10),
        ends_at=_at(10, 15),
        venue_name="Sala konferencyjna ROPS",
        venue_street="ul. Okopowa 21/27",
        venue_postal_code="80-810",
        venue_city="Gdańsk",
        state=Event.State.PUBLISHED,
        capacity=40,
        per_organisation_limit=3,
        registration_opens_at=_at(-14, 9),
        registration_closes_at=_at(8, 16),
        cancellation_deadline=_at(9, 12),
        target_kinds=[K.OWES, K.LGD, K.OPS],
        subregion_slugs=["metropolitalny", "slupski", "poludniowy", "nadwislanski"],
        agenda=[
            (
                0,
                time(10, 0),
                time(10, 15),
                "Powitanie i cele spotkania",
                "Dyrektor ROPS",
                "Sala A",
                "",
            ),
            (
                0,
                time(10, 15),
                time(11, 0),
                "Ekonomia społeczna w nowej perspektywie programu regionalnego",
                "Przedstawiciel instytucji zarządzającej",
                "Sala A",
                "",
            ),
            # 11:15–13:00: three parallel workshops (events/demo_sessions.py).
            (
                0,
                time(13, 30),
                time(14, 30),
                "Prezentacja wyników i lista postulatów",
                "Moderatorzy grup",
                "Sala A",
                "",
            ),
            (0, time(14, 30), time(15, 0), "Podsumowanie", "Koordynatorka projektu", "Sala A", ""),
        ],
        questions=[diet, access],
        **common,
    )

    _event(
        "szkolenie-zlecanie-zadan-pes",
        type=T.TRAINING,
        title="Szkolenie: zlecanie zadań publicznych podmiotom ekonomii społecznej",
        summary="Tryby zlecania, klauzule społeczne, rozliczanie – praktyczne przykłady dla urzędników gmin i powiatów.",
        description="Szkolenie dla pracowników urzędów gmin i starostw oraz ośrodków pomocy społecznej. Zgłoszenia zatwierdza organizator.",
        starts_at=_at(30, 9, 30),
        ends_at=_at(30, 14, 30),
        venue_name="Centrum Szkoleniowe",
        venue_street="ul. Jagiellońska 11",
        venue_postal_code="76-200",
        venue_city="Słupsk",
        online_url="https://spotkania.example.org/szkolenie-zlecanie",
        state=Event.State.PUBLISHED,
        capacity=20,
        requires_approval=True,
        registration_opens_at=_at(-3, 9),
        registration_closes_at=_at(25, 16),
        target_kinds=[K.JST, K.OPS, K.PCPR],
        subregion_slugs=["slupski"],
        agenda=[
            (
                0,
                time(9, 30),
                time(11, 0),
                "Tryby zlecania zadań publicznych i klauzule społeczne",
                "mec. Ewa Grabowska",
                "Sala 2",
                "",
            ),
            (
                0,
                time(11, 15),
                time(13, 0),
                "Rozliczanie i kontrola – studia przypadków",
                "mec. Ewa Grabowska",
                "Sala 2",
                "",
            ),
            (0, time(13, 30), time(14, 30), "Pytania uczestników", "", "Sala 2", ""),
        ],
        questions=[("Stanowisko", Q.TEXT, "", True, ""), access],
        **common,
    )

    konwent = _event(
        "spotkanie-konwentu-ops",
        type=T.MEETING,
        title="Spotkanie Konwentu OPS: usługi społeczne a ekonomia społeczna",
        summary="Kameralne spotkanie dyrektorów ośrodków pomocy społecznej – wszystkie miejsca zajęte, działa lista rezerwowa.",
        starts_at=_at(12, 11),
        ends_at=_at(12, 14),
        venue_name="Miejski Ośrodek Pomocy Społecznej",
        venue_street="ul. Wodna 2",
        venue_postal_code="83-000",
        venue_city="Pruszcz Gdański",
        state=Event.State.PUBLISHED,
        capacity=3,
        registration_opens_at=_at(-10, 9),
        registration_closes_at=_at(11, 12),
        target_kinds=[K.OPS, K.CUS],
        subregion_slugs=["metropolitalny"],
        agenda=[
            (
                0,
                time(11, 0),
                time(14, 0),
                "Dyskusja o zlecaniu usług społecznych PES",
                "Przewodnicząca Konwentu",
                "Sala narad",
                "",
            )
        ],
        questions=[diet],
        **common,
    )

    conference = _event(
        "konferencja-ekonomia-spoleczna-pomorze",
        type=T.CONFERENCE,
        title="Regionalna konferencja ekonomii społecznej",
        summary="Dorobek OWES, dobre praktyki przedsiębiorstw społecznych i kierunki wsparcia na kolejne lata.",
        starts_at=_at(45, 10),
        ends_at=_at(45, 16),
        venue_name="Centrum Konferencyjne",
        venue_street="ul. Hucisko 5",
        venue_postal_code="80-110",
        venue_city="Gdańsk",
        state=Event.State.PUBLISHED,
        capacity=120,
        registration_opens_at=_at(-1, 9),
        registration_closes_at=_at(40, 16),
        target_kinds=[K.OWES, K.LGD, K.OPS, K.PCPR, K.JST, K.PES, K.CUS, K.OTHER],
        agenda=[
            (
                0,
                time(10, 0),
                time(11, 30),
                "Pięć lat koordynacji ekonomii społecznej w regionie",
                "ROPS",
                "Sala główna",
                "",
            ),
            (
                0,
                time(12, 0),
                time(14, 0),
                "Panel: przedsiębiorstwa społeczne na rynku usług",
                "Przedstawiciele PES",
                "Sala główna",
                "",
            ),
            (
                0,
                time(14, 30),
                time(16, 0),
                "Wręczenie wyróżnień dla partnerów",
                "Marszałek województwa",
                "Sala główna",
                "",
            ),
        ],
        questions=[diet, access],
        **common,
    )

    forum = _event(
        "forum-lgd-owes-jesien",
        type=T.MEETING,
        title="Forum LGD i OWES: wspólne wydarzenia w subregionach",
        summary="Spotkanie, na którym powstała lista wspólnych wydarzeń partnerów na najbliższy rok.",
        starts_at=_at(-35, 10),
        ends_at=_at(-35, 14),
        venue_name="Dom Kultury",
        venue_street="ul. Długa 5",
        venue_postal_code="83-400",
        venue_city="Kościerzyna",
        state=Event.State.FINISHED,
        capacity=30,
        target_kinds=[K.LGD, K.OWES],
        subregion_slugs=["poludniowy"],
        description=(
            "Przedstawiciele lokalnych grup działania i ośrodków wsparcia ekonomii społecznej z subregionu "
            "południowego uzgodnili kalendarz wspólnych wydarzeń i zebrali postulaty dla instytucji zarządzającej."
        ),
        agenda=[
            (
                0,
                time(10, 0),
                time(10, 30),
                "Powitanie i cele forum",
                "Koordynatorka projektu ROPS",
                "Sala widowiskowa",
                "",
            ),
            (
                0,
                time(10, 30),
                time(11, 30),
                "Co działa w subregionie: przegląd wspólnych inicjatyw LGD i OWES",
                "Doradcy kluczowi OWES",
                "Sala widowiskowa",
                "",
            ),
            (
                0,
                time(11, 45),
                time(13, 15),
                "Warsztaty w grupach mieszanych: wydarzenia, infrastruktura, ścieżki wsparcia",
                "Moderatorzy ROPS",
                "Sale warsztatowe",
                "",
            ),
            (
                0,
                time(13, 15),
                time(14, 0),
                "Lista postulatów i podsumowanie",
                "Moderatorzy grup",
                "Sala widowiskowa",
                "",
            ),
        ],
        **common,
    )

    _event(
        "spotkanie-pes-lebork-odwolane",
        type=T.MEETING,
        title="Spotkanie podmiotów ekonomii społecznej w Lęborku",
        summary="Spotkanie odwołane z przyczyn organizacyjnych; nowy termin podamy w kalendarzu.",
        starts_at=_at(18, 10),
        ends_at=_at(18, 13),
        venue_name="Starostwo Powiatowe",
        venue_street="ul. Czołgistów 5",
        venue_postal_code="84-300",
        venue_city="Lębork",
        state=Event.State.CANCELLED,
        capacity=25,
        target_kinds=[K.PES],
        subregion_slugs=["slupski"],
        **common,
    )

    _event(
        "szkic-wizyta-studyjna-warmia",
        type=T.STUDY_VISIT,
        title="Wizyta studyjna na Warmii (w przygotowaniu)",
        starts_at=_at(60, 7),
        ends_at=_at(61, 19),
        state=Event.State.DRAFT,
        capacity=20,
        **common,
    )

    # Registrations that show every state: the small meeting is full, with a waitlist.
    fillers = [
        _user(f"uczestnik{number}@demo.rops.local", first, last)
        for number, (first, last) in enumerate(
            [("Anna", "Malinowska"), ("Piotr", "Wójcik"), ("Beata", "Kamińska"), ("Jan", "Sikora")],
            start=1,
        )
    ]
    filler_org, _ = Organisation.objects.get_or_create(
        name="Miejski Ośrodek Pomocy Społecznej w Pruszczu Gdańskim (demo)",
        defaults={"kind": Organisation.Kind.OPS, "city": "Pruszcz Gdański"},
    )
    for person in fillers:
        Membership.objects.update_or_create(
            user=person, organisation=filler_org, defaults={"status": Membership.Status.APPROVED}
        )
    for person in fillers[:3]:
        _register(konwent, person, filler_org, consent, Registration.Status.CONFIRMED)
    _register(konwent, fillers[3], filler_org, consent, Registration.Status.WAITLISTED)
    for person in fillers:
        _register(workshop, person, filler_org, consent, Registration.Status.CONFIRMED)
    _register(conference, jst, jst_org, consent, Registration.Status.CONFIRMED)
    _register(conference, colleague, partner_org, consent, Registration.Status.CONFIRMED)

    _after_the_forum(
        forum,
        present=[
            (partner, partner_org),
            (jst, jst_org),
            (colleague, partner_org),
            (fillers[0], filler_org),
        ],
        absent=[(fillers[1], filler_org)],
        consent=consent,
    )
    from portal.demo import link_demo_news_to_event

    link_demo_news_to_event(Event.objects.get(slug="wizyta-studyjna-wielkopolska"))

    from . import demo_organiser, demo_sessions

    demo_sessions.load()

    demo_organiser.load(staff=_staff())


# --- the finished forum: attendance, materials, a report with photos, postulates -------------


def _staff() -> User:
    staff = User.objects.filter(email="staff@demo.rops.local").first()
    if staff is None:
        staff = User.objects.create_superuser(
            "staff@demo.rops.local", "demo-rops-2026", first_name="Anna", last_name="Koordynatorka"
        )
    return staff


def _institution(name: str, short_name: str) -> Institution:
    institution, _ = Institution.objects.get_or_create(
        name=name, defaults={"short_name": short_name}
    )
    return institution


def _demo_photo(number: int, *, fmt: str = "PNG") -> bytes:
    """Draw a simple illustration (no photo files in the repository): a room, a workshop table, a
    board; later numbers repeat the three scenes in other wall colours."""
    kind = number % 3
    walls = [(226, 234, 240), (238, 228, 214), (222, 236, 224), (234, 226, 238)]
    image = Image.new("RGB", (1200, 800), walls[(number // 3) % len(walls)])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 560, 1200, 800), fill=(176, 148, 118))  # floor
    if kind == 0:  # rows of chairs facing a screen
        draw.rectangle((380, 80, 820, 330), fill=(250, 250, 250), outline=(60, 60, 60), width=6)
        draw.text((420, 180), "Wspolne wydarzenia LGD i OWES", fill=(20, 60, 110))
        for row in range(3):
            for seat in range(8):
                x, y = 160 + seat * 115, 430 + row * 110
                draw.rectangle((x, y, x + 70, y + 60), fill=(31, 94, 153))
    elif kind == 1:  # a workshop table with sticky notes
        draw.ellipse((250, 380, 950, 700), fill=(120, 84, 52))
        colours = [(255, 214, 64), (120, 200, 120), (255, 150, 150), (140, 190, 255)]
        for index in range(12):
            x, y = 330 + (index % 6) * 90, 450 + (index // 6) * 90
            draw.rectangle((x, y, x + 60, y + 60), fill=colours[index % 4])
    else:  # a flipchart with the list of postulates
        draw.rectangle((420, 60, 780, 620), fill=(255, 255, 255), outline=(80, 80, 80), width=5)
        for line in range(7):
            draw.line((460, 130 + line * 62, 740, 130 + line * 62), fill=(40, 90, 160), width=8)
        draw.line((470, 620, 420, 780), fill=(80, 80, 80), width=10)
        draw.line((730, 620, 780, 780), fill=(80, 80, 80), width=10)
    buffer = BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=80, optimize=True)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _after_the_forum(forum: Event, *, present, absent, consent) -> None:
    from . import documents

    staff = _staff()
    for person, organisation in [*present, *absent]:
        _register(forum, person, organisation, consent, Registration.Status.CONFIRMED)
    day = timezone.localdate(forum.starts_at)
    marked_at = forum.starts_at + timedelta(minutes=20)
    for people, is_present in ((present, True), (absent, False)):
        for person, _organisation in people:
            registration = forum.registrations.get(
                participant=person, status=Registration.Status.CONFIRMED
            )
            Attendance.objects.get_or_create(
                registration=registration,
                day=day,
                defaults={"is_present": is_present, "marked_by": staff, "marked_at": marked_at},
            )
            if is_present:
                # As the end-of-event task does: certificates exist before anyone downloads them.
                from .services import certificate_issue

                certificate_issue(registration=registration, actor=None)

    materials = [
        (
            "Prezentacja: wspólne wydarzenia LGD i OWES w subregionie",
            Material.Visibility.PUBLIC,
            [
                (
                    "Po co wspólny kalendarz?",
                    "Jedno miejsce z terminami targów, szkoleń i spotkań partnerów ułatwia planowanie.",
                ),
                (
                    "Co już działa",
                    "Wspólne stoiska na jarmarkach i dni otwarte spółdzielni socjalnych.",
                ),
                (
                    "Propozycje",
                    "Cztery wspólne wydarzenia w roku, po jednym w każdym powiecie subregionu.",
                ),
            ],
        ),
        (
            "Notatka z warsztatów w grupach",
            Material.Visibility.PARTICIPANTS,
            [
                (
                    "Grupa 1: wydarzenia",
                    "Targi ekonomii społecznej przy okazji dożynek powiatowych.",
                ),
                ("Grupa 2: infrastruktura", "Wspólna baza sal i sprzętu do wypożyczenia."),
                ("Grupa 3: ścieżki wsparcia", "Doradca OWES dyżuruje w biurze LGD raz w miesiącu."),
            ],
        ),
    ]
    for position, (title, visibility, sections) in enumerate(materials, start=1):
        if Material.objects.filter(event=forum, title=title).exists():
            continue
        content = documents.demo_material_pdf(event=forum, title=title, sections=sections)
        material = Material(
            event=forum,
            title=title,
            visibility=visibility,
            position=position,
            file_type="PDF",
            file_size=len(content),
            uploaded_by=staff,
        )
        material.file.save(f"{slugify(title)[:60]}.pdf", ContentFile(content), save=False)
        material.save()

    report, _ = Report.objects.update_or_create(
        event=forum,
        defaults={
            "title": "Wspólny kalendarz i pięć postulatów: relacja z forum LGD i OWES",
            "lead": "Ponad dwadzieścia osób z lokalnych grup działania i OWES zaplanowało wspólne wydarzenia na przyszły rok.",
            "body": (
                "<p>Forum w Kościerzynie otworzyła koordynatorka projektu, przypominając, co partnerzy zrobili razem "
                "w mijającym roku. Doradcy kluczowi OWES pokazali trzy inicjatywy, które warto powtórzyć.</p>"
                "<h3>Warsztaty</h3><p>W grupach mieszanych uczestnicy pracowali nad trzema tematami:</p>"
                "<ul><li>wspólne wydarzenia w powiatach,</li><li>infrastruktura współpracy,</li>"
                "<li>indywidualne ścieżki wsparcia dla podmiotów ekonomii społecznej.</li></ul>"
                "<p>Efektem jest lista postulatów, którą ROPS przekazał instytucji zarządzającej programem regionalnym.</p>"
            ),
            "is_published": True,
            "published_at": forum.ends_at + timedelta(days=2),
            "author": staff,
        },
    )
    photos = [
        (
            "Grafika poglądowa: sala z rzędami niebieskich krzeseł zwróconych do ekranu z tytułem prezentacji",
            "Prezentacja wspólnych inicjatyw LGD i OWES",
        ),
        (
            "Grafika poglądowa: okrągły stół warsztatowy z kolorowymi karteczkami pomysłów",
            "Praca w grupach mieszanych",
        ),
        ("Grafika poglądowa: flipchart z listą zapisanych postulatów", "Lista postulatów forum"),
        (
            "Grafika poglądowa: sala z krzesłami ustawionymi w podkowę przed ekranem",
            "Powitanie uczestników",
        ),
        (
            "Grafika poglądowa: stół z karteczkami w czterech kolorach, pogrupowanymi tematami",
            "Grupa „wspólne wydarzenia”",
        ),
        (
            "Grafika poglądowa: flipchart z sześcioma punktami zapisanymi niebieskim markerem",
            "Podsumowanie grupy „infrastruktura”",
        ),
        (
            "Grafika poglądowa: ekran z tytułem prezentacji doradców kluczowych OWES",
            "Doradcy OWES o dobrych praktykach",
        ),
        (
            "Grafika poglądowa: dwa stoły warsztatowe z karteczkami pomysłów",
            "Grupa „ścieżki wsparcia”",
        ),
        (
            "Grafika poglądowa: flipchart z głosowaniem kropkami nad postulatami",
            "Głosowanie nad kolejnością postulatów",
        ),
        (
            "Grafika poglądowa: pusta sala po zakończeniu forum, krzesła w rzędach",
            "Zakończenie forum",
        ),
    ]
    for position, (alt_text, caption) in enumerate(photos):
        if ReportPhoto.objects.filter(report=report, position=position).exists():
            continue
        web = ContentFile(_demo_photo(position, fmt="JPEG"), name=f"forum-{position + 1}.jpg")
        photo = ReportPhoto(
            report=report,
            alt_text=alt_text,
            caption=caption,
            credit="Joanna Brzezińska / ROPS",
            position=position,
            is_published=True,
            uploaded_by=staff,
        )
        photo.image.save(web.name, web, save=False)
        thumbnail = photo_thumbnail(web)
        photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
        photo.width, photo.height = 1200, 800
        photo.save()

    forwarded = timezone.localdate(forum.ends_at) + timedelta(days=7)
    managing_authority = _institution(
        "Instytucja Zarządzająca programem Fundusze Europejskie dla Pomorza 2021–2027", "IZ FEP"
    )
    board = _institution("Zarząd Województwa Pomorskiego", "ZWP")
    rops = _institution("Regionalny Ośrodek Polityki Społecznej", "ROPS")
    postulates = [
        (
            "Wspólny kalendarz wydarzeń LGD i OWES w każdym subregionie, prowadzony na portalu ROPS.",
            Postulate.Topic.JOINT_EVENTS,
            Postulate.Status.ACCEPTED,
            "ROPS uruchomi kalendarz w module wydarzeń portalu.",
        ),
        (
            "Możliwość finansowania wspólnych stoisk PES na wydarzeniach lokalnych w ramach projektów OWES.",
            Postulate.Topic.FINANCING,
            Postulate.Status.FORWARDED,
            "",
        ),
        (
            "Baza sal i sprzętu partnerów dostępna do wypożyczenia dla podmiotów ekonomii społecznej.",
            Postulate.Topic.INFRASTRUCTURE,
            Postulate.Status.FORWARDED,
            "",
        ),
        (
            "Comiesięczne dyżury doradcy OWES w biurach LGD jako element indywidualnej ścieżki wsparcia.",
            Postulate.Topic.SUPPORT_PATHS,
            Postulate.Status.REJECTED,
            "Zadanie mieści się w obecnych standardach OWES; do ustalenia w porozumieniach partnerów.",
        ),
        (
            "Regionalna platforma współpracy LGD, OWES i OPS spotykająca się dwa razy w roku.",
            Postulate.Topic.PLATFORM,
            Postulate.Status.PROPOSED,
            "",
        ),
    ]
    addressees = [rops, managing_authority, board, managing_authority, board]
    for position, (text, topic, status, note) in enumerate(postulates, start=1):
        institution = addressees[position - 1]
        decided = status in (Postulate.Status.ACCEPTED, Postulate.Status.REJECTED)
        Postulate.objects.update_or_create(
            event=forum,
            position=position,
            defaults={
                "text": text,
                "topic": topic,
                "status": status,
                "institution": institution,
                "addressee": institution.name,
                "forwarded_on": forwarded if status != Postulate.Status.PROPOSED else None,
                "decided_on": forwarded + timedelta(days=21) if decided else None,
                "decision_note": note,
            },
        )
