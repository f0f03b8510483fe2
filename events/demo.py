"""Demo events of a Pomeranian ROPS: a study visit, meetings, a training, a conference; idempotent."""

from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from partners.models import Membership, Organisation, Subregion
from portal.models import FundingProject, User

from .models import AgendaItem, ConsentText, Event, Question, Registration, TargetGroup

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
        user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first_name, last_name=last_name)
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _organisation_of(user: User, fallback_name: str, kind: str) -> Organisation:
    membership = (
        Membership.objects.filter(user=user, status=Membership.Status.APPROVED).select_related("organisation").first()
    )
    if membership:
        return membership.organisation
    organisation, _ = Organisation.objects.get_or_create(name=fallback_name, defaults={"kind": kind, "city": "Gdańsk"})
    Membership.objects.update_or_create(
        user=user, organisation=organisation,
        defaults={"status": Membership.Status.APPROVED, "role": Membership.Role.ADMIN},
    )
    return organisation


def _event(slug: str, *, target_kinds=(), subregion_slugs=(), agenda=(), questions=(), **fields) -> Event:
    event, _ = Event.objects.update_or_create(slug=slug, defaults=fields)
    event.target_groups.set([TargetGroup.objects.get_or_create(kind=kind)[0] for kind in target_kinds])
    event.subregions.set(Subregion.objects.filter(slug__in=subregion_slugs))
    for day_offset, start, end, title, speaker, place, address in agenda:
        day = timezone.localdate(event.starts_at) + timedelta(days=day_offset)
        AgendaItem.objects.update_or_create(
            event=event, day=day, starts_at=start,
            defaults={"ends_at": end, "title": title, "speaker": speaker, "place": place, "address": address},
        )
    for position, (label, kind, choices, required, help_text) in enumerate(questions, start=1):
        Question.objects.update_or_create(
            event=event, label=label,
            defaults={"kind": kind, "choices": choices, "is_required": required, "help_text": help_text, "position": position},
        )
    return event


def _register(event: Event, user: User, organisation: Organisation, consent: ConsentText, status: str) -> None:
    if Registration.objects.filter(event=event, participant=user, status__in=Registration.ACTIVE).exists():
        return
    now = timezone.now()
    Registration.objects.create(
        event=event, participant=user, organisation=organisation, registered_by=user, status=status,
        consent_text=consent, consented_at=now, created_at=now, status_changed_at=now,
        waitlisted_at=now if status == Registration.Status.WAITLISTED else None,
    )


def load() -> None:
    consent, _ = ConsentText.objects.get_or_create(version="2026-01", defaults={"text": CONSENT_TEXT})
    project = FundingProject.objects.filter(is_active=True).first()
    partner = _user(DEMO_PARTNER_EMAIL, "Katarzyna", "Wiśniewska")
    jst = _user(DEMO_JST_EMAIL, "Tomasz", "Zieliński")
    partner_org = _organisation_of(partner, "Ośrodek Wsparcia Ekonomii Społecznej (demo)", Organisation.Kind.OWES)
    jst_org = _organisation_of(jst, "Urząd Gminy (demo)", Organisation.Kind.JST)
    colleague = _user("marek.szulc@demo.rops.local", "Marek", "Szulc")
    Membership.objects.update_or_create(
        user=colleague, organisation=partner_org,
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
    diet = ("Dieta", Q.CHOICE, "standardowa\nwegetariańska\nwegańska\nbezglutenowa", True, "")
    access = ("Potrzeby związane z dostępnością", Q.TEXT, "", False,
              "Np. tłumacz PJM, pętla indukcyjna, dostęp bez schodów, asystent.")

    _event(
        "wizyta-studyjna-wielkopolska",
        type=T.STUDY_VISIT,
        title="Wizyta studyjna: usługi społeczne i spółdzielnie socjalne w Wielkopolsce",
        summary="Trzy dni w gminach, które zlecają usługi społeczne spółdzielniom socjalnym i prowadzą centra usług społecznych.",
        description=(
            "Zapraszamy przedstawicieli samorządów, centrów usług społecznych i podmiotów ekonomii społecznej "
            "na trzydniowy wyjazd do Wielkopolski. Zobaczymy, jak gmina współpracuje ze spółdzielniami socjalnymi "
            "przy usługach opiekuńczych i cateringu, jak działa centrum usług społecznych oraz zakład aktywności "
            "zawodowej prowadzący pralnię i gastronomię.\n\n"
            "Organizator zapewnia przejazd autokarem z Gdańska (przystanek także w Tczewie), dwa noclegi "
            "i wyżywienie. Liczba miejsc jest ograniczona: jedna organizacja może zgłosić najwyżej dwie osoby."
        ),
        starts_at=_at(21, 7, 0), ends_at=_at(23, 19, 0),
        venue_name="Zbiórka: parking przy dworcu PKP Gdańsk Główny", venue_street="ul. Podwale Grodzkie 1",
        venue_postal_code="80-895", venue_city="Gdańsk",
        state=Event.State.PUBLISHED, capacity=25, per_organisation_limit=2,
        registration_opens_at=_at(-7, 9), registration_closes_at=_at(14, 23, 59), cancellation_deadline=_at(16, 12),
        target_kinds=[K.JST, K.CUS, K.PES, K.OPS], subregion_slugs=["poludniowy", "nadwislanski"],
        agenda=[
            (0, time(7, 0), time(12, 30), "Przejazd autokarem z Gdańska (przystanek w Tczewie o 7:40)", "", "", ""),
            (0, time(13, 0), time(15, 30), "Gmina, która zleca usługi: współpraca urzędu ze spółdzielniami socjalnymi",
             "Zastępca burmistrza i kierowniczka referatu spraw społecznych", "Urząd Miasta i Gminy Nowe Pole",
             "ul. Rynek 1, 63-100 Nowe Pole"),
            (0, time(16, 0), time(18, 0), "Spółdzielnia Socjalna „Smaki Pola”: catering dla szkół i seniorów",
             "Prezeska spółdzielni", "Kuchnia spółdzielni", "ul. Polna 12, 63-100 Nowe Pole"),
            (0, time(19, 0), None, "Zakwaterowanie i kolacja", "", "Hotel „Pod Lipami”", "ul. Lipowa 3, 63-100 Nowe Pole"),
            (1, time(9, 0), time(12, 0), "Centrum Usług Społecznych: od diagnozy potrzeb do planu usług",
             "Dyrektor CUS i organizatorka usług", "Centrum Usług Społecznych w Wierzbnie",
             "ul. Szkolna 8, 62-300 Wierzbno"),
            (1, time(13, 0), time(15, 30), "Zakład Aktywności Zawodowej: pralnia i gastronomia",
             "Kierownik ZAZ", "ZAZ „Dobre Ręce”", "ul. Przemysłowa 21, 62-300 Wierzbno"),
            (1, time(16, 30), time(18, 0), "Warsztat: co przeniesiemy do naszych gmin?",
             "Moderatorka ROPS", "Sala w hotelu", "ul. Lipowa 3, 63-100 Nowe Pole"),
            (2, time(9, 0), time(11, 30), "Muzeum i spółdzielnia: turystyka społeczna na wsi",
             "Przewodnik spółdzielni „Zagroda”", "Zagroda Rzemiosł", "Kłosowo 5, 63-120 Kłosowo"),
            (2, time(12, 0), time(19, 0), "Obiad i powrót do Gdańska", "", "", ""),
        ],
        questions=[
            ("Przejazd autokarem", Q.YES_NO, "", True, "Czy jedziesz z grupą autokarem organizatora?"),
            ("Przystanek", Q.CHOICE, "Gdańsk\nTczew", False, "Gdzie wsiądziesz do autokaru?"),
            ("Nocleg", Q.CHOICE, "pokój dwuosobowy\npokój jednoosobowy (jeśli dostępny)\nbez noclegu", True, ""),
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
        description=(
            "Spotkanie przedstawicieli ośrodków wsparcia ekonomii społecznej, lokalnych grup działania i ośrodków "
            "pomocy społecznej. Po krótkich prezentacjach pracujemy w grupach nad wspólnymi wydarzeniami, "
            "infrastrukturą współpracy i indywidualnymi ścieżkami wsparcia. Wnioski przekażemy instytucji "
            "zarządzającej jako postulaty regionu."
        ),
        starts_at=_at(10, 10), ends_at=_at(10, 15),
        venue_name="Sala konferencyjna ROPS", venue_street="ul. Okopowa 21/27", venue_postal_code="80-810",
        venue_city="Gdańsk", state=Event.State.PUBLISHED, capacity=40, per_organisation_limit=3,
        registration_opens_at=_at(-14, 9), registration_closes_at=_at(8, 16), cancellation_deadline=_at(9, 12),
        target_kinds=[K.OWES, K.LGD, K.OPS], subregion_slugs=["metropolitalny", "slupski", "poludniowy", "nadwislanski"],
        agenda=[
            (0, time(10, 0), time(10, 15), "Powitanie i cele spotkania", "Dyrektor ROPS", "Sala A", ""),
            (0, time(10, 15), time(11, 0), "Ekonomia społeczna w nowej perspektywie programu regionalnego",
             "Przedstawiciel instytucji zarządzającej", "Sala A", ""),
            (0, time(11, 15), time(13, 0), "Warsztaty w grupach mieszanych", "Moderatorzy ROPS", "Sale B i C", ""),
            (0, time(13, 30), time(14, 30), "Prezentacja wyników i lista postulatów", "Moderatorzy grup", "Sala A", ""),
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
        starts_at=_at(30, 9, 30), ends_at=_at(30, 14, 30),
        venue_name="Centrum Szkoleniowe", venue_street="ul. Jagiellońska 11", venue_postal_code="76-200", venue_city="Słupsk",
        online_url="https://spotkania.example.org/szkolenie-zlecanie",
        state=Event.State.PUBLISHED, capacity=20, requires_approval=True,
        registration_opens_at=_at(-3, 9), registration_closes_at=_at(25, 16),
        target_kinds=[K.JST, K.OPS, K.PCPR], subregion_slugs=["slupski"],
        agenda=[
            (0, time(9, 30), time(11, 0), "Tryby zlecania zadań publicznych i klauzule społeczne", "mec. Ewa Grabowska", "Sala 2", ""),
            (0, time(11, 15), time(13, 0), "Rozliczanie i kontrola – studia przypadków", "mec. Ewa Grabowska", "Sala 2", ""),
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
        starts_at=_at(12, 11), ends_at=_at(12, 14),
        venue_name="Miejski Ośrodek Pomocy Społecznej", venue_street="ul. Wodna 2", venue_postal_code="83-000", venue_city="Pruszcz Gdański",
        state=Event.State.PUBLISHED, capacity=3,
        registration_opens_at=_at(-10, 9), registration_closes_at=_at(11, 12),
        target_kinds=[K.OPS, K.CUS], subregion_slugs=["metropolitalny"],
        agenda=[(0, time(11, 0), time(14, 0), "Dyskusja o zlecaniu usług społecznych PES", "Przewodnicząca Konwentu", "Sala narad", "")],
        questions=[diet],
        **common,
    )

    conference = _event(
        "konferencja-ekonomia-spoleczna-pomorze",
        type=T.CONFERENCE,
        title="Regionalna konferencja ekonomii społecznej",
        summary="Dorobek OWES, dobre praktyki przedsiębiorstw społecznych i kierunki wsparcia na kolejne lata.",
        starts_at=_at(45, 10), ends_at=_at(45, 16),
        venue_name="Centrum Konferencyjne", venue_street="ul. Hucisko 5", venue_postal_code="80-110", venue_city="Gdańsk",
        state=Event.State.PUBLISHED, capacity=120, registration_opens_at=_at(-1, 9), registration_closes_at=_at(40, 16),
        target_kinds=[K.OWES, K.LGD, K.OPS, K.PCPR, K.JST, K.PES, K.CUS, K.OTHER],
        agenda=[
            (0, time(10, 0), time(11, 30), "Pięć lat koordynacji ekonomii społecznej w regionie", "ROPS", "Sala główna", ""),
            (0, time(12, 0), time(14, 0), "Panel: przedsiębiorstwa społeczne na rynku usług", "Przedstawiciele PES", "Sala główna", ""),
            (0, time(14, 30), time(16, 0), "Wręczenie wyróżnień dla partnerów", "Marszałek województwa", "Sala główna", ""),
        ],
        questions=[diet, access],
        **common,
    )

    _event(
        "forum-lgd-owes-jesien",
        type=T.MEETING,
        title="Forum LGD i OWES: wspólne wydarzenia w subregionach",
        summary="Spotkanie, na którym powstała lista wspólnych wydarzeń partnerów na najbliższy rok.",
        starts_at=_at(-35, 10), ends_at=_at(-35, 14),
        venue_name="Dom Kultury", venue_street="ul. Długa 5", venue_postal_code="83-400", venue_city="Kościerzyna",
        state=Event.State.FINISHED, capacity=30,
        target_kinds=[K.LGD, K.OWES], subregion_slugs=["poludniowy"],
        **common,
    )

    _event(
        "spotkanie-pes-lebork-odwolane",
        type=T.MEETING,
        title="Spotkanie podmiotów ekonomii społecznej w Lęborku",
        summary="Spotkanie odwołane z przyczyn organizacyjnych; nowy termin podamy w kalendarzu.",
        starts_at=_at(18, 10), ends_at=_at(18, 13),
        venue_name="Starostwo Powiatowe", venue_street="ul. Czołgistów 5", venue_postal_code="84-300", venue_city="Lębork",
        state=Event.State.CANCELLED, capacity=25,
        target_kinds=[K.PES], subregion_slugs=["slupski"],
        **common,
    )

    _event(
        "szkic-wizyta-studyjna-warmia",
        type=T.STUDY_VISIT,
        title="Wizyta studyjna na Warmii (w przygotowaniu)",
        starts_at=_at(60, 7), ends_at=_at(61, 19), state=Event.State.DRAFT, capacity=20,
        **common,
    )

    # Registrations that show every state: the small meeting is full, with a waitlist.
    fillers = [
        _user(f"uczestnik{number}@demo.rops.local", first, last)
        for number, (first, last) in enumerate(
            [("Anna", "Malinowska"), ("Piotr", "Wójcik"), ("Beata", "Kamińska"), ("Jan", "Sikora")], start=1
        )
    ]
    filler_org, _ = Organisation.objects.get_or_create(
        name="Miejski Ośrodek Pomocy Społecznej w Pruszczu Gdańskim (demo)", defaults={"kind": Organisation.Kind.OPS, "city": "Pruszcz Gdański"}
    )
    for person in fillers:
        Membership.objects.update_or_create(user=person, organisation=filler_org, defaults={"status": Membership.Status.APPROVED})
    for person in fillers[:3]:
        _register(konwent, person, filler_org, consent, Registration.Status.CONFIRMED)
    _register(konwent, fillers[3], filler_org, consent, Registration.Status.WAITLISTED)
    for person in fillers:
        _register(workshop, person, filler_org, consent, Registration.Status.CONFIRMED)
    _register(conference, jst, jst_org, consent, Registration.Status.CONFIRMED)
    _register(conference, colleague, partner_org, consent, Registration.Status.CONFIRMED)
