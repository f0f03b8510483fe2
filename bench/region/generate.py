"""Region-scale data for the benchmark: organisations, people, events, registrations, advisory cases.

At scale 1: 5,000 organisations, 20,000 people, 2,000 events, 100,000 registrations and 5,000
advisory cases, on top of the demo data (``load_demo``: region, pages, TERYT of pomorskie,
subregions, topics). Rows go in with COPY (people, e-mail addresses, memberships,
registrations) or ``bulk_create``: no services, no audit, no history, because the benchmark
needs the tables at region size, not their past.

Distributions follow the region: organisations seated in real TERYT gminas of pomorskie
(cities weigh more), mostly PES, then other institutions, OPS, JST, PCPR, CUS, LGD and a few
OWES; events mostly trainings and meetings, 70 % in the past (finished or cancelled), the rest
published, drafts or cancelled; registrations filling events to 40–130 % of their capacity
(over capacity: the waitlist, or cancelled after the event); advisory cases of JST in every
status of their life cycle.

The scenario fixtures (``fixtures=True``) are what the load generator needs, counted inside the
totals above: for each round a "storm" event of 100 places with its 500 signed-in people and 100
"spread" events with 500 others; 100 events starting tomorrow with 100 confirmed people each
(exactly 10,000 reminders due); an event with 1,000 confirmed people (attendance list); a
typical event page; a trivial page; a staff account with a second factor.

``grow`` adds more of the same rows (no fixtures), to measure query counts at 10x data.
"""

from __future__ import annotations

import json
import random
import time
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

SCALE_1 = {
    "organisations": 5_000,
    "people": 20_000,
    "events": 2_000,
    "registrations": 100_000,
    "advisory_cases": 5_000,
}

FIRST_NAMES = (
    "Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Elżbieta Zofia Joanna "
    "Magdalena Monika Aleksandra Natalia Justyna Beata Dorota Teresa Jolanta Piotr Krzysztof "
    "Andrzej Tomasz Paweł Jan Michał Marcin Jakub Adam Łukasz Mateusz Marek Grzegorz Wojciech "
    "Mariusz Dariusz Zbigniew Rafał Kamil"
).split()
LAST_NAMES = (
    "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
    "Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krajewski Kaczmarek Piotrowski "
    "Grabowski Zając Pawłowski Michalski Król Wieczorek Jabłoński Wróbel Nowakowski Majewski "
    "Olszewski Stępień Malinowski Jaworski Adamczyk Dudek Nowicki Pawlak Górski Witkowski "
    "Walczak Sikora Baran Rutkowski Michalak Szewczyk Ostrowski Tomaszewski Pietrzak Kaszuba "
    "Formela Szulc Bigus Konkol Labuda Treder Kreft Mielewczyk Okoń Hinz"
).split()
WORDS = (
    "Razem Szansa Przystań Horyzont Kaszuby Żuławy Bursztyn Mewa Latarnia Kociewie Wydma "
    "Przylądek Pomost Wspólnota Promyk Źródło Ogród Warsztat Dom Korzenie Most Kompas Sieć "
    "Dobro Pracownia Spichlerz Wiatrak Kuźnia Tratwa Żagiel"
).split()
EVENT_TOPICS = (
    "ekonomia społeczna w gminie",
    "zlecanie usług społecznych",
    "klauzule społeczne w zamówieniach",
    "centra usług społecznych",
    "lokalne plany rozwoju ekonomii społecznej",
    "spółdzielnie socjalne osób prawnych",
    "finansowanie PES z FEP 2021–2027",
    "reintegracja zawodowa i CIS",
    "usługi opiekuńcze i wytchnieniowe",
    "partnerstwa lokalne",
    "mieszkalnictwo wspomagane",
    "turystyka społeczna",
)

# Weights of partner kinds in the registry (PES dominate; a few OWES serve subregions).
KIND_WEIGHTS = {
    "pes": 55,
    "other": 14,
    "ops": 10,
    "jst": 6,
    "pcpr": 4,
    "cus": 3,
    "lgd": 3,
    "owes": 1,
}
LEGAL_FORM_WEIGHTS = {
    "stowarzyszenie": 30,
    "fundacja": 25,
    "spoldzielnia_socjalna": 20,
    "cis": 6,
    "kis": 5,
    "wtz": 5,
    "zaz": 3,
    "spoldzielnia_pracy": 3,
    "spolka_non_profit": 3,
}
EVENT_TYPE_WEIGHTS = {
    "training": 35,
    "meeting": 30,
    "working_meeting": 15,
    "conference": 10,
    "study_visit": 10,
}
CAPACITY_RANGE = {
    "training": (20, 40),
    "meeting": (30, 80),
    "working_meeting": (20, 40),
    "conference": (100, 300),
    "study_visit": (15, 30),
}
ADVISORY_STATUS_WEIGHTS = {
    "closed": 35,
    "completed": 10,
    "in_progress": 10,
    "submitted": 10,
    "scheduled": 8,
    "expert_assigned": 8,
    "accepted": 7,
    "waiting_for_jst": 4,
    "rejected": 4,
    "withdrawn": 3,
    "draft": 1,
}
ORGANISER = "Regionalny Ośrodek Polityki Społecznej w Gdańsku"
BENCH_DOMAIN = "bench.example.org"
STAFF_EMAIL = f"koordynator@{BENCH_DOMAIN}"
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TRIVIAL_PAGE_SLUG = "o-pomiarach"
# Nothing but the fixtures' reminder events may start this close to now.
QUIET_WINDOW = timedelta(days=3)


def _choices(rng: random.Random, weights: dict, k: int) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def _copy(model, rows: list[dict]) -> None:
    """COPY rows (dicts of attname -> value) into the model's table; unset fields get defaults."""
    if not rows:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        elif field.has_default():
            defaults[field.attname] = field.get_default()
        elif field.null:
            defaults[field.attname] = None
        else:
            defaults[field.attname] = ""
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for field in fields:
                    value = row.get(field.attname, defaults[field.attname])
                    if field.attname in json_fields:
                        value = json.dumps(value)
                    values.append(value)
                copy.write_row(values)


def _nip_sequence(start: int):
    """Checksum-valid NIPs with the prefix 98 (not issued by tax offices), in order."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    number = start
    while True:
        body = f"98{number:07d}"
        number += 1
        check = sum(w * int(d) for w, d in zip(weights, body, strict=True)) % 11
        if check != 10:
            yield body + str(check)


class _Log:
    def __init__(self, log):
        self.log = log or (lambda message: None)
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        self.log(f"[{time.monotonic() - self.started:6.1f} s] {message}")


def _territory():
    from partners.models import Subregion, TerritorialUnit

    gminas = list(
        TerritorialUnit.objects.filter(level=TerritorialUnit.Level.GMINA).select_related("parent")
    )
    if not gminas:
        from partners.demo import SAMPLE_TERC
        from partners.services import territory_import_terc

        territory_import_terc(data=SAMPLE_TERC.read_bytes(), actor=None)
        return _territory()
    # Urban gminas (RODZ 1) and city counties are where most organisations have their seat.
    weights = [
        8 if g.kind_code == "1" and g.teryt[2:4] >= "61" else 3 if g.kind_code == "1" else 1
        for g in gminas
    ]
    powiats = list(TerritorialUnit.objects.filter(level=TerritorialUnit.Level.POWIAT))
    return gminas, weights, powiats, list(Subregion.objects.all())


def _organisations(rng, batch: int, count: int, log) -> list:
    from partners.models import Organisation

    gminas, weights, _powiats, subregions = _territory()
    nips = _nip_sequence(batch * 1_000_000)
    kinds = _choices(rng, KIND_WEIGHTS, count)
    seats = rng.choices(gminas, weights=weights, k=count)
    objects = []
    for index, (kind, gmina) in enumerate(zip(kinds, seats, strict=True)):
        city = gmina.name
        word = rng.choice(WORDS)
        extra = {}
        if kind == "pes":
            legal_form = _choices(rng, LEGAL_FORM_WEIGHTS, 1)[0]
            label = Organisation.LegalForm(legal_form).label
            name = f"{str(label).capitalize()} „{word}” w {city}"
            extra["legal_form"] = legal_form
        elif kind == "jst":
            if gmina.kind_code == "1":
                jst_type = "miasto_npp" if gmina.teryt[2:4] >= "61" else "gmina_miejska"
            else:
                jst_type = "gmina_wiejska" if gmina.kind_code == "2" else "gmina_miejsko_wiejska"
            name = f"Gmina {city}" if jst_type != "miasto_npp" else f"Miasto {city}"
            extra["jst_type"] = jst_type
        elif kind == "ops":
            name = f"Gminny Ośrodek Pomocy Społecznej w {city}"
        elif kind == "pcpr":
            name = f"Powiatowe Centrum Pomocy Rodzinie w {city}"
        elif kind == "cus":
            name = f"Centrum Usług Społecznych w {city}"
        elif kind == "lgd":
            name = f"Lokalna Grupa Działania „{word}”"
        elif kind == "owes":
            name = f"Ośrodek Wsparcia Ekonomii Społecznej „{word}”"
            extra["served_subregion"] = rng.choice(subregions) if subregions else None
        else:
            name = f"Stowarzyszenie „{word}” {city}"
        name = f"{name} ({batch}-{index + 1})"
        objects.append(
            Organisation(
                kind=kind,
                name=name,
                short_name="",
                seat_gmina=gmina,
                street=f"ul. {rng.choice(LAST_NAMES)}a {rng.randint(1, 120)}",
                postal_code=f"8{rng.randint(0, 4)}-{rng.randint(0, 999):03d}",
                city=city,
                nip=next(nips) if rng.random() < 0.8 else None,
                krs=f"{batch * 1_000_000 + index + 1:010d}"
                if kind in ("pes", "lgd", "owes", "other") and rng.random() < 0.7
                else None,
                email=f"biuro{index}@org{batch}.{BENCH_DOMAIN}",
                phone=f"58 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                is_public=rng.random() < 0.7,
                is_verified=rng.random() < 0.95,
                description="Działamy na rzecz mieszkańców: " + ", ".join(rng.sample(WORDS, 3)),
                **extra,
            )
        )
    created = Organisation.objects.bulk_create(objects, batch_size=1000)
    log(f"{len(created)} organisations")
    return created


def _people(rng, batch: int, count: int, organisations: list, password: str, log):
    """People with verified e-mail addresses and approved memberships (a few pending, some in two
    organisations). Returns (user ids, {user id: organisation id of the approved membership})."""
    from allauth.account.models import EmailAddress

    from partners.models import Membership
    from portal.models import User

    now = timezone.now()
    domain = f"b{batch}.{BENCH_DOMAIN}"
    _copy(
        User,
        [
            {
                "password": password,
                "email": f"osoba{index}@{domain}",
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "date_joined": now - timedelta(days=rng.randint(0, 900)),
                "is_active": True,
                "is_staff": False,
                "is_superuser": False,
            }
            for index in range(count)
        ],
    )
    ids = list(
        User.objects.filter(email__endswith=f"@{domain}")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _copy(
        EmailAddress,
        [
            {"user_id": pk, "email": f"osoba{index}@{domain}", "verified": True, "primary": True}
            for index, pk in enumerate(ids)
        ],
    )
    # Larger institutions have more people: a skewed pick of organisations.
    org_weights = [
        {"ops": 6, "jst": 5, "cus": 5, "pcpr": 4, "owes": 6, "lgd": 3}.get(o.kind, 1)
        for o in organisations
    ]
    picks = rng.choices(organisations, weights=org_weights, k=count)
    member_of, memberships = {}, []
    seen_admin = set()
    for pk, organisation in zip(ids, picks, strict=True):
        pending = rng.random() < 0.05
        memberships.append(
            {
                "user_id": pk,
                "organisation_id": organisation.pk,
                "role": "member" if organisation.pk in seen_admin else "admin",
                "status": "pending" if pending else "approved",
                "position": rng.choice(["specjalista", "kierownik", "prezes", "koordynator", ""]),
                "requested_at": now - timedelta(days=rng.randint(1, 800)),
                "decided_at": None if pending else now - timedelta(days=rng.randint(0, 700)),
            }
        )
        seen_admin.add(organisation.pk)
        if not pending:
            member_of[pk] = organisation.pk
        if rng.random() < 0.1:
            second = rng.choice(organisations)
            if second.pk != organisation.pk:
                memberships.append(
                    {
                        "user_id": pk,
                        "organisation_id": second.pk,
                        "role": "member",
                        "status": "approved",
                        "requested_at": now - timedelta(days=30),
                        "decided_at": now - timedelta(days=29),
                    }
                )
    _copy(Membership, memberships)
    log(f"{len(ids)} people, {len(memberships)} memberships")
    return ids, member_of


_GMINAS: list = []


def _event(rng, *, title: str, slug: str, type_: str, starts_at, state: str, capacity: int):
    from events.models import Event

    gmina = rng.choice(_GMINAS)
    days = 2 if type_ in ("conference", "study_visit") and rng.random() < 0.3 else 1
    return Event(
        type=type_,
        title=title,
        slug=slug,
        summary=f"{title}: praktyka, przykłady z regionu i czas na pytania.",
        description=(
            "<p>Zapraszamy przedstawicieli samorządów, ośrodków pomocy społecznej i podmiotów "
            "ekonomii społecznej.</p><p>Program obejmuje wystąpienia ekspertów, warsztaty w "
            "grupach i dyskusję.</p>"
        ),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=6) + timedelta(days=days - 1),
        venue_name=f"Centrum Konferencyjne „{rng.choice(WORDS)}”",
        venue_street=f"ul. {rng.choice(LAST_NAMES)}a {rng.randint(1, 60)}",
        venue_postal_code=f"8{rng.randint(0, 4)}-{rng.randint(0, 999):03d}",
        venue_city=gmina.name,
        organiser=ORGANISER,
        contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        contact_email=f"wydarzenia@{BENCH_DOMAIN}",
        contact_phone="58 326 00 00",
        state=state,
        registration_opens_at=starts_at - timedelta(days=60),
        registration_closes_at=starts_at - timedelta(hours=12),
        capacity=capacity,
        per_organisation_limit=None,
        requires_approval=False,
    )


def _event_details(rng, events: list) -> None:
    """Agenda, questions, target groups and subregions of the events (what their pages show)."""
    from events.models import AgendaItem, Event, Question, TargetGroup
    from partners.models import Subregion

    groups = list(TargetGroup.objects.all())
    subregions = list(Subregion.objects.all())
    agenda, questions, event_groups, event_subregions = [], [], [], []
    for event in events:
        day = timezone.localtime(event.starts_at)
        for position in range(rng.randint(3, 6)):
            start = day + timedelta(minutes=75 * position)
            agenda.append(
                AgendaItem(
                    event=event,
                    day=start.date(),
                    starts_at=start.time(),
                    ends_at=(start + timedelta(minutes=60)).time(),
                    title=rng.choice(EVENT_TOPICS).capitalize(),
                    speaker=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                )
            )
        for position in range(rng.choice([0, 1, 2, 2, 3])):
            kind = ["text", "choice", "yes_no"][position % 3]
            questions.append(
                Question(
                    event=event,
                    kind=kind,
                    label=["Oczekiwania wobec spotkania", "Dieta", "Nocleg"][position],
                    choices="standardowa\nwegetariańska\nbezglutenowa" if kind == "choice" else "",
                    is_required=False,
                    is_health_data=kind == "choice",
                    position=position,
                )
            )
        for group in rng.sample(groups, min(len(groups), rng.randint(1, 3))):
            event_groups.append(
                Event.target_groups.through(event_id=event.pk, targetgroup_id=group.pk)
            )
        if subregions:
            for subregion in rng.sample(subregions, rng.randint(1, min(2, len(subregions)))):
                event_subregions.append(
                    Event.subregions.through(event_id=event.pk, subregion_id=subregion.pk)
                )
    AgendaItem.objects.bulk_create(agenda, batch_size=2000)
    Question.objects.bulk_create(questions, batch_size=2000)
    Event.target_groups.through.objects.bulk_create(event_groups, batch_size=2000)
    Event.subregions.through.objects.bulk_create(event_subregions, batch_size=2000)


def _base_events(rng, batch: int, count: int, log) -> list:
    from events.models import Event

    now = timezone.now()
    types = _choices(rng, EVENT_TYPE_WEIGHTS, count)
    objects = []
    for index, type_ in enumerate(types):
        past = rng.random() < 0.7
        if past:
            starts_at = now - timedelta(days=rng.uniform(1, 3 * 365))
            state = "cancelled" if rng.random() < 0.07 else "finished"
        else:
            starts_at = now + QUIET_WINDOW + timedelta(days=rng.uniform(0.5, 240))
            roll = rng.random()
            state = "draft" if roll < 0.1 else "cancelled" if roll < 0.15 else "published"
        starts_at = starts_at.replace(minute=0, second=0, microsecond=0, hour=9)
        if past and starts_at > now - timedelta(days=1):
            starts_at -= timedelta(days=1)
        low, high = CAPACITY_RANGE[type_]
        topic = rng.choice(EVENT_TOPICS)
        label = str(Event.Type(type_).label)
        title = f"{label.capitalize()}: {topic}"
        objects.append(
            _event(
                rng,
                title=title,
                slug=f"{slugify(title)[:80]}-{batch}-{index + 1}",
                type_=type_,
                starts_at=starts_at,
                state=state,
                capacity=rng.randint(low, high),
            )
        )
    events = Event.objects.bulk_create(objects, batch_size=1000)
    _event_details(rng, events)
    log(f"{len(events)} events with agenda, questions, target groups")
    return events


def _registration_rows(rng, event, people: list, member_of: dict, consent_id: int, statuses):
    """Rows for the given people at the event, with the given statuses (in decision order)."""
    rows = []
    moment = event.registration_opens_at or (event.starts_at - timedelta(days=30))
    for participant, status in zip(people, statuses, strict=True):
        moment = moment + timedelta(minutes=rng.randint(1, 120))
        decided = min(moment, event.starts_at - timedelta(hours=13))
        rows.append(
            {
                "event_id": event.pk,
                "participant_id": participant,
                "organisation_id": member_of[participant],
                "registered_by_id": participant,
                "status": status,
                "answers": {},
                "consent_text_id": consent_id,
                "consented_at": decided,
                "created_at": decided,
                "status_changed_at": decided,
                "waitlisted_at": decided if status == "waitlisted" else None,
                "revision": 0,
            }
        )
    return rows


def _base_registrations(rng, events: list, member_of: dict, consent_id: int, total: int, log):
    from events.models import Registration

    members = list(member_of)
    candidates = [e for e in events if e.state != "draft"]
    if not candidates or total <= 0:
        return 0
    # Fill factor per event, then scaled so the total comes out exactly.
    wanted = [e.capacity * rng.uniform(0.4, 1.3) for e in candidates]
    factor = total / sum(wanted)
    counts = [min(len(members), max(0, int(w * factor))) for w in wanted]
    shortfall = min(total, len(members) * len(counts)) - sum(counts)
    index = 0
    while shortfall > 0:
        if counts[index % len(counts)] < len(members):
            counts[index % len(counts)] += 1
            shortfall -= 1
        index += 1
    rows = []
    for event, count in zip(candidates, counts, strict=True):
        people = rng.sample(members, count)
        statuses = []
        for position in range(count):
            over = position >= event.capacity
            if event.state == "cancelled":
                statuses.append("cancelled")
            elif event.state == "finished":
                statuses.append("cancelled" if over or rng.random() < 0.05 else "confirmed")
            else:
                statuses.append(
                    "waitlisted" if over else "cancelled" if rng.random() < 0.04 else "confirmed"
                )
        rows.extend(_registration_rows(rng, event, people, member_of, consent_id, statuses))
    _copy(Registration, rows)
    log(f"{len(rows)} registrations")
    return len(rows)


def _advisory(rng, batch: int, count: int, organisations: list, people: list, log) -> None:
    from advisory.models import AdvisoryRequest, AdvisorySettings, AdvisoryTopic, Expert

    AdvisorySettings.load()
    topics = list(AdvisoryTopic.objects.filter(is_active=True)) or [
        AdvisoryTopic.objects.create(name="Ekonomia społeczna w strategii gminy")
    ]
    experts = Expert.objects.bulk_create(
        [
            Expert(
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                email=f"ekspert{batch}-{index}@{BENCH_DOMAIN}",
                affiliation="doradca ds. ekonomii społecznej",
            )
            for index in range(max(2, count // 125))
        ]
    )
    jst = [o for o in organisations if o.kind == "jst"] or organisations
    now = timezone.now()
    today = timezone.localdate()
    statuses = _choices(rng, ADVISORY_STATUS_WEIGHTS, count)
    objects = []
    for index, status in enumerate(statuses):
        submitted = now - timedelta(days=rng.uniform(0, 700)) if status != "draft" else None
        assigned = status not in ("draft", "submitted", "accepted", "rejected", "withdrawn")
        is_open = status in AdvisoryRequest.OPEN_STATUSES
        objects.append(
            AdvisoryRequest(
                number=f"DOR/B{batch}/{index + 1:06d}" if status != "draft" else None,
                organisation=rng.choice(jst),
                requester_id=rng.choice(people),
                status=status,
                description="Prosimy o wsparcie w przygotowaniu programu współpracy z PES. " * 3,
                documents_concerned="Strategia rozwiązywania problemów społecznych",
                preferred_form=rng.choice(["on_site", "online", "phone"]),
                contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                contact_email=f"sekretariat{index}@jst.{BENCH_DOMAIN}",
                rodo_consent_at=submitted,
                expert=rng.choice(experts) if assigned else None,
                rejection_reason="Wniosek poza zakresem doradztwa." if status == "rejected" else "",
                submitted_at=submitted,
                first_responded_at=submitted + timedelta(days=3)
                if submitted and status != "submitted"
                else None,
                completed_at=submitted + timedelta(days=40)
                if status in ("completed", "closed")
                else None,
                closed_at=submitted + timedelta(days=45) if status == "closed" else None,
                due_on=today + timedelta(days=rng.randint(-20, 40)) if is_open else None,
            )
        )
    created = AdvisoryRequest.objects.bulk_create(objects, batch_size=1000)
    through = AdvisoryRequest.topics.through
    through.objects.bulk_create(
        [
            through(advisoryrequest_id=case.pk, advisorytopic_id=topic.pk)
            for case in created
            for topic in rng.sample(topics, min(len(topics), rng.randint(1, 2)))
        ],
        batch_size=2000,
    )
    log(f"{len(created)} advisory cases, {len(experts)} experts")


def _analyze() -> None:
    # VACUUM too, not only ANALYZE: after a bulk load autovacuum would otherwise vacuum the new
    # rows during the measured rounds (10 ms of PostgreSQL CPU per registration POST in the
    # storm went to it), which a database in use does not do on every request.
    # (VACUUM cannot run in a transaction: the suite's generator test runs in one.)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def _password_hash() -> str:
    from django.contrib.auth.hashers import make_password

    # One hash for everybody: nobody signs in with a password (sessions are made directly).
    return make_password("bench-haslo-2026")


def _batch_number() -> int:
    from portal.models import User

    batches = {
        email.split("@", 1)[1].split(".", 1)[0]
        for email in User.objects.filter(email__endswith=f".{BENCH_DOMAIN}")
        .filter(email__startswith="osoba0@")
        .values_list("email", flat=True)
    }
    return len(batches) + 1


def _base(rng, *, batch: int, scale: float, fixture_counts: dict, log) -> dict:
    from events.models import ConsentText
    from events.selectors import consent_text_current

    counts = {name: max(1, round(value * scale)) for name, value in SCALE_1.items()}
    _GMINAS[:] = _territory()[0]
    organisations = _organisations(rng, batch, counts["organisations"], log)
    people, member_of = _people(rng, batch, counts["people"], organisations, _password_hash(), log)
    consent = consent_text_current() or ConsentText.objects.create(
        version="pomiary-1", text="Klauzula informacyjna RODO (dane do pomiarów)."
    )
    events = _base_events(
        rng, batch, max(1, counts["events"] - fixture_counts.get("events", 0)), log
    )
    registrations = _base_registrations(
        rng,
        events,
        member_of,
        consent.pk,
        counts["registrations"] - fixture_counts.get("registrations", 0),
        log,
    )
    _advisory(rng, batch, counts["advisory_cases"], organisations, people, log)
    return {
        "counts": counts,
        "organisations": organisations,
        "people": people,
        "member_of": member_of,
        "consent": consent,
        "registrations": registrations,
    }


def fixture_sizes(scale: float, rounds: int) -> dict:
    """Sizes of the scenario fixtures; at scale 1 exactly what the targets were set for."""

    def scaled(value: int, minimum: int = 1) -> int:
        return max(minimum, round(value * min(scale, 1.0)))

    sizes = {
        "rounds": rounds,
        "storm_people": scaled(500, 4),
        "storm_capacity": scaled(100, 1),
        "spread_events": scaled(100, 2),
        "reminder_events": scaled(100, 1),
        "reminder_people": scaled(100, 2),
        "attendance_people": scaled(1000, 2),
        "detail_registrations": scaled(120, 2),
    }
    sizes["events"] = rounds * (1 + sizes["spread_events"]) + sizes["reminder_events"] + 2
    sizes["registrations"] = (
        sizes["reminder_events"] * sizes["reminder_people"]
        + sizes["attendance_people"]
        + sizes["detail_registrations"]
    )
    return sizes


def _staff(member_password: str):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from portal.models import User

    staff = User.objects.filter(email=STAFF_EMAIL).first()
    if staff is None:
        staff = User.objects.create_superuser(
            STAFF_EMAIL, None, first_name="Anna", last_name="Koordynatorka"
        )
        staff.password = member_password
        staff.save(update_fields=["password"])
        EmailAddress.objects.create(user=staff, email=STAFF_EMAIL, verified=True, primary=True)
    if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(staff, STAFF_TOTP_SECRET)
    return staff


def _fixtures(rng, base: dict, sizes: dict, log) -> dict:
    from django.contrib.sites.models import Site

    from events.models import Event, Registration
    from portal.models import Page

    now = timezone.now()
    member_of = base["member_of"]
    members = list(member_of)
    consent = base["consent"]
    needed = sizes["storm_people"] * 2
    if len(members) < max(needed, sizes["attendance_people"], sizes["reminder_people"]):
        raise RuntimeError("Too few people with an approved membership for the scenario.")
    storm_people, spread_people = (
        members[: sizes["storm_people"]],
        members[sizes["storm_people"] : needed],
    )

    site = Site.objects.get_current()
    Page.objects.update_or_create(
        site=site,
        slug=TRIVIAL_PAGE_SLUG,
        defaults={
            "title": "O pomiarach wydajności",
            "body": "<p>Strona informacyjna używana jako punkt odniesienia pomiarów.</p>",
        },
    )
    staff = _staff(_password_hash())

    def future(days: float):
        return (now + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)

    rounds = []
    new_events = []
    for number in range(1, sizes["rounds"] + 1):
        storm = _event(
            rng,
            title=f"Forum ekonomii społecznej – runda {number}",
            slug=f"pomiar-burza-{number}",
            type_="conference",
            starts_at=future(20 + number),
            state="published",
            capacity=sizes["storm_capacity"],
        )
        spread = [
            _event(
                rng,
                title=f"Szkolenie w subregionie {index + 1} – runda {number}",
                slug=f"pomiar-rozproszone-{number}-{index + 1}",
                type_="training",
                starts_at=future(20 + number),
                state="published",
                # Room for everybody: spread, no registration waits (5 of 100 at scale 1).
                capacity=max(
                    sizes["storm_capacity"], -(-sizes["storm_people"] // sizes["spread_events"])
                ),
            )
            for index in range(sizes["spread_events"])
        ]
        rounds.append({"storm": storm, "spread": spread})
        new_events.extend([storm, *spread])
    reminder_events = [
        _event(
            rng,
            title=f"Spotkanie jutro nr {index + 1}",
            slug=f"pomiar-przypomnienia-{index + 1}",
            type_="meeting",
            starts_at=now + timedelta(days=1),
            state="published",
            capacity=sizes["reminder_people"] + 20,
        )
        for index in range(sizes["reminder_events"])
    ]
    attendance_event = _event(
        rng,
        title="Pomorski Kongres Ekonomii Społecznej",
        slug="pomiar-lista-obecnosci",
        type_="conference",
        starts_at=(now - timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0),
        state="published",
        capacity=sizes["attendance_people"],
    )
    attendance_event.ends_at = attendance_event.starts_at + timedelta(hours=7)
    detail_event = _event(
        rng,
        title="Szkolenie: zlecanie usług społecznych organizacjom pozarządowym",
        slug="pomiar-strona-wydarzenia",
        type_="training",
        starts_at=future(45),
        state="published",
        capacity=sizes["detail_registrations"] + 30,
    )
    new_events.extend([*reminder_events, attendance_event, detail_event])
    Event.objects.bulk_create(new_events, batch_size=1000)
    _event_details(rng, [*reminder_events, attendance_event, detail_event])

    rows = []
    for event in reminder_events:
        people = rng.sample(members, sizes["reminder_people"])
        rows += _registration_rows(
            rng, event, people, member_of, consent.pk, ["confirmed"] * len(people)
        )
    people = members[: sizes["attendance_people"]]
    rows += _registration_rows(
        rng, attendance_event, people, member_of, consent.pk, ["confirmed"] * len(people)
    )
    people = rng.sample(members[needed:] or members, sizes["detail_registrations"])
    rows += _registration_rows(
        rng, detail_event, people, member_of, consent.pk, ["confirmed"] * len(people)
    )
    for row in rows:
        # Decided in the past, even for the event that started yesterday.
        row["created_at"] = row["consented_at"] = row["status_changed_at"] = min(
            row["created_at"], now - timedelta(days=2)
        )
    _copy(Registration, rows)
    registered = set(people)
    # People for the signed-in pages and the query counts: members, not registered at the event.
    signed_in = [pk for pk in members[needed:] if pk not in registered][:20]

    # Events of the demo data must not start within the reminders' window either, nor have
    # a reminder of their own (Event.reminder_hours, where the portal has it) fall due during
    # the run: the run counts exactly the scenario's reminders.
    reminder_ids = [e.pk for e in reminder_events]
    for event in Event.objects.filter(
        starts_at__gt=now - timedelta(hours=1), starts_at__lte=now + QUIET_WINDOW
    ).exclude(pk__in=reminder_ids):
        event.starts_at += QUIET_WINDOW + timedelta(days=1)
        event.ends_at += QUIET_WINDOW + timedelta(days=1)
        event.registration_closes_at = None
        event.save(update_fields=["starts_at", "ends_at", "registration_closes_at"])
    if hasattr(Event, "reminder_hours"):
        soon = now + timedelta(hours=3)
        for event in Event.objects.filter(starts_at__gt=now).exclude(pk__in=reminder_ids):
            hours = event.reminder_hours if isinstance(event.reminder_hours, list) else []
            kept = [h for h in hours if event.starts_at - timedelta(hours=int(h)) > soon]
            if kept != hours:
                Event.objects.filter(pk=event.pk).update(reminder_hours=kept)
    log(f"scenario: {len(new_events)} events, {len(rows)} registrations")
    return {
        "staff": staff.pk,
        "trivial_path": f"/strony/{TRIVIAL_PAGE_SLUG}/",
        "rounds": [
            {
                "storm_event": r["storm"].pk,
                "storm_path": f"/wydarzenia/{r['storm'].slug}/zapisy/",
                "spread_events": [e.pk for e in r["spread"]],
                "spread_paths": [f"/wydarzenia/{e.slug}/zapisy/" for e in r["spread"]],
            }
            for r in rounds
        ],
        "storm_people": [[pk, member_of[pk]] for pk in storm_people],
        "spread_people": [[pk, member_of[pk]] for pk in spread_people],
        "signed_in_people": [[pk, member_of[pk]] for pk in signed_in],
        "clause_version": consent.version,
        "reminder_events": reminder_ids,
        "reminders_due": len(reminder_ids) * sizes["reminder_people"],
        "attendance_event": attendance_event.pk,
        "attendance_path": f"/wydarzenia/{attendance_event.slug}/obecnosc/lista.pdf",
        "attendance_people": sizes["attendance_people"],
        "detail_event": detail_event.pk,
        "detail_path": f"/wydarzenia/{detail_event.slug}/",
        "registration_path": f"/wydarzenia/{detail_event.slug}/zapisy/",
        "calendar_path": "/wydarzenia/",
        "catalogue_path": "/partnerzy/",
        "admin_queue_path": "/admin/advisory/advisoryrequest/",
        "sizes": sizes,
    }


def generate(*, scale: float = 1.0, seed: int = 2026, rounds: int = 3, log=None) -> dict:
    """Fill the (migrated, demo-loaded) database to region scale; return the scenario."""
    log = _Log(log)
    rng = random.Random(seed)
    sizes = fixture_sizes(scale, rounds)
    with transaction.atomic():
        base = _base(rng, batch=_batch_number(), scale=scale, fixture_counts=sizes, log=log)
        scenario = _fixtures(rng, base, sizes, log)
    _analyze()
    log("analyzed")
    scenario["counts"] = table_counts()
    return scenario


def grow(*, factor: float, seed: int = 2027, log=None) -> dict:
    """Add ``factor`` times the scale-1 rows again (no fixtures): 9 turns 1x into 10x."""
    log = _Log(log)
    rng = random.Random(seed)
    with transaction.atomic():
        _base(rng, batch=_batch_number(), scale=factor, fixture_counts={}, log=log)
    _analyze()
    log("analyzed")
    return table_counts()


def table_counts() -> dict:
    from advisory.models import AdvisoryRequest
    from events.models import Event, Registration
    from partners.models import Organisation
    from portal.models import User

    return {
        "organisations": Organisation.objects.count(),
        "people": User.objects.count(),
        "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
        "advisory_cases": AdvisoryRequest.objects.count(),
    }
