"""Demo advisory service: contact point, experts (one with an account) and cases in several stages."""

from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from partners.models import Membership, Organisation
from portal.models import FundingProject, User

from . import services
from .models import AdvisoryRequest, AdvisorySettings, AdvisoryTopic, CaseEvent, Expert
from .workdays import add_working_days, subtract_working_days

DEMO_PASSWORD = "demo-partner-2026"
DEMO_JST_EMAIL = "jst@demo.rops.local"
DEMO_EXPERT_EMAIL = "ekspert@demo.rops.local"
DEMO_STAFF_EMAIL = "staff@demo.rops.local"

EXPERTS = [
    (
        DEMO_EXPERT_EMAIL,
        "Tomasz",
        "Zielonka",
        "Doradca ds. strategii i programów społecznych",
        [
            "Miejsce ekonomii społecznej w dokumentach strategicznych",
            "Lokalny plan rozwoju ekonomii społecznej",
            "Programy dedykowane ekonomii społecznej",
        ],
    ),
    (
        "h.brzozowska@demo.rops.local",
        "Halina",
        "Brzozowska",
        "Radczyni prawna, zamówienia i zlecanie zadań",
        [
            "Zlecanie zadań publicznych podmiotom ekonomii społecznej",
            "Rady działalności pożytku publicznego",
        ],
    ),
    (
        "r.kaszubowski@demo.rops.local",
        "Rafał",
        "Kaszubowski",
        "Ekspert ds. współpracy samorządu z NGO",
        [
            "Obszary współpracy samorządu z podmiotami ekonomii społecznej",
            "Rola samorządu w rozwoju ekonomii społecznej",
        ],
    ),
]

# How many working days before today each demo case was submitted: the completed one within its
# deadline, the one in progress well inside it, and the submitted one honestly past the deadline
# for a first response (5 working days), so the queue shows one overdue case that really is.
SUBMITTED_WORKING_DAYS_AGO = {"completed": 20, "in_progress": 12, "submitted": 8}

CASES = [
    # (stage, topic names, description, documents, form)
    (
        "completed",
        ["Miejsce ekonomii społecznej w dokumentach strategicznych"],
        "Aktualizujemy strategię rozwiązywania problemów społecznych i chcemy, aby spółdzielnie socjalne oraz "
        "CIS znalazły w niej konkretne cele i wskaźniki.",
        "Strategia Rozwiązywania Problemów Społecznych Gminy na lata 2026–2032 (projekt)",
        "on_site",
    ),
    (
        "in_progress",
        ["Zlecanie zadań publicznych podmiotom ekonomii społecznej"],
        "Planujemy zlecić prowadzenie klubu seniora spółdzielni socjalnej. Potrzebujemy wsparcia w przygotowaniu "
        "ogłoszenia i zasad rozliczenia zadania.",
        "Roczny program współpracy z organizacjami pozarządowymi",
        "online",
    ),
    (
        "submitted",
        ["Rady działalności pożytku publicznego"],
        "Chcemy powołać gminną radę działalności pożytku publicznego i nie wiemy, od czego zacząć.",
        "",
        "phone",
    ),
    (
        "draft",
        ["Lokalny plan rozwoju ekonomii społecznej"],
        "Szkic: lokalny plan rozwoju ekonomii społecznej – diagnoza i cele.",
        "",
        "on_site",
    ),
]


def _user(email: str, first_name: str, last_name: str, *, staff: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, first_name=first_name, last_name=last_name
        )
        if staff:
            user.is_staff = user.is_superuser = True
            user.set_password("demo-rops-2026")
            user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _jst_official() -> tuple[User, Organisation]:
    user = _user(DEMO_JST_EMAIL, "Joanna", "Sołtysiak")
    membership = (
        Membership.objects.filter(
            user=user, organisation__kind=Organisation.Kind.JST, status=Membership.Status.APPROVED
        )
        .select_related("organisation")
        .first()
    )
    if membership is None:
        organisation, _ = Organisation.objects.get_or_create(
            kind=Organisation.Kind.JST,
            name="Urząd Gminy Przywidz (demo)",
            defaults={"city": "Przywidz"},
        )
        membership, _ = Membership.objects.update_or_create(
            user=user,
            organisation=organisation,
            defaults={
                "status": Membership.Status.APPROVED,
                "position": "inspektor ds. polityki społecznej",
            },
        )
    return user, membership.organisation


def _ensure_topics() -> None:
    """Recreate the seeded topic catalogue if a flush removed what the data migration wrote."""
    from importlib import import_module

    topics = import_module("advisory.migrations.0002_seed_topics").TOPICS
    for order, (name, description) in enumerate(topics, start=1):
        AdvisoryTopic.objects.get_or_create(
            name=name, defaults={"description": description, "order": order * 10}
        )


def load() -> None:
    _ensure_topics()
    staff = _user(DEMO_STAFF_EMAIL, "Anna", "Koordynatorka", staff=True)
    official, organisation = _jst_official()

    settings_row = AdvisorySettings.load()
    if not settings_row.contact_name:
        settings_row.contact_name = "Katarzyna Wrzosek, koordynatorka doradztwa dla JST"
        settings_row.contact_email = "doradztwo@demo.rops.local"
        settings_row.contact_phone = "58 000 00 42"
    settings_row.funding_project = (
        settings_row.funding_project or FundingProject.objects.filter(is_active=True).first()
    )
    settings_row.save()

    experts = []
    for email, first_name, last_name, affiliation, topic_names in EXPERTS:
        user = _user(email, first_name, last_name) if email == DEMO_EXPERT_EMAIL else None
        expert, _ = Expert.objects.update_or_create(
            email=email,
            defaults={
                "user": user,
                "full_name": f"{first_name} {last_name}",
                "affiliation": affiliation,
                "phone": "58 000 00 5" + str(len(experts)),
            },
        )
        expert.topics.set(AdvisoryTopic.objects.filter(name__in=topic_names))
        experts.append(expert)
    demo_expert = experts[0]

    for stage, topic_names, description, documents, form in CASES:
        text = description
        if AdvisoryRequest.objects.filter(organisation=organisation, description=text).exists():
            continue
        case = services.request_draft_save(
            actor=official,
            organisation=organisation,
            topics=list(AdvisoryTopic.objects.filter(name__in=topic_names)),
            description=text,
            documents_concerned=documents,
            preferred_form=form,
            preferred_dates="wtorki i czwartki, 9:00–13:00",
            contact_name=official.get_full_name(),
            contact_email=official.email,
            contact_phone="58 000 11 22",
            rodo_consent=True,
        )
        if stage == "draft":
            continue
        case = _step(case, "submit", official)
        if stage == "submitted":
            _backdate(case, stage)
            continue
        case = _step(case, "accept", staff)
        case = _step(case, "assign_expert", staff, expert=demo_expert)
        case = _step(
            case, "schedule", demo_expert.user, scheduled_for=timezone.now() - timedelta(days=1)
        )
        case = _step(case, "start", demo_expert.user)
        services.case_message_post(
            request_id=case.pk,
            actor=demo_expert.user,
            body="Dziękuję za przesłane materiały. Proszę o dane o liczbie PES działających w gminie.",
        )
        services.case_message_post(
            request_id=case.pk,
            actor=staff,
            internal=True,
            body="Gmina korzystała już z doradztwa w 2025 r. – warto nawiązać do tamtych rekomendacji.",
        )
        services.case_message_post(
            request_id=case.pk,
            actor=official,
            body="W gminie działają dwie spółdzielnie socjalne i jeden CIS; dane przesyłamy w załączniku do strategii.",
        )
        if stage == "in_progress":
            _backdate(case, stage)
            continue
        for minutes, advice in (
            (
                120,
                "Wpisać do strategii cel operacyjny „Rozwój przedsiębiorczości społecznej” z dwoma wskaźnikami.",
            ),
            (
                90,
                "Zastosować klauzule społeczne w zamówieniach na usługi opiekuńcze i cateringowe.",
            ),
        ):
            services.consultation_record(
                request_id=case.pk,
                actor=demo_expert.user,
                held_on=timezone.localdate(),
                form=form,
                duration_minutes=minutes,
                recommendations=advice,
                notes="Spotkanie z zespołem ds. strategii; omówiono diagnozę i zapisy celów.",
            )
        case = _step(case, "complete", demo_expert.user)
        _backdate(case, stage)
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE, is_internal=False).exists()


def _backdate(case: AdvisoryRequest, stage: str) -> None:
    """Move a demo case, built just now through the services, into the past as one consistent story.

    The case is submitted SUBMITTED_WORKING_DAYS_AGO[stage] working days ago at 9:00; its timeline
    entries follow one another up to yesterday; consultations are held on the day they are
    recorded; deadlines are counted from the submission day as the service counts them.
    """
    Status = AdvisoryRequest.Status
    limits = AdvisorySettings.load()
    today = timezone.localdate()
    submit_day = subtract_working_days(today, SUBMITTED_WORKING_DAYS_AGO[stage])
    start = timezone.make_aware(datetime.combine(submit_day, time(9, 0)))
    end = timezone.make_aware(datetime.combine(today - timedelta(days=1), time(15, 0)))
    events = list(case.events.order_by("created_at", "pk"))
    step = (end - start) / max(len(events) - 1, 1)
    moments = {}
    for index, event in enumerate(events):
        moment = start + step * index
        CaseEvent.objects.filter(pk=event.pk).update(created_at=moment)
        moments.setdefault(event.to_status or event.kind, moment)
    consultation_events = [e for e in events if e.kind == CaseEvent.Kind.CONSULTATION]
    for consultation, event in zip(
        case.consultations.order_by("pk"), consultation_events, strict=False
    ):
        held = timezone.localtime(start + step * events.index(event)).date()
        consultation.__class__.objects.filter(pk=consultation.pk).update(held_on=held)
    first_due = add_working_days(submit_day, limits.first_response_working_days)
    resolution_due = add_working_days(submit_day, limits.resolution_working_days)
    due_on = {Status.SUBMITTED: first_due, Status.COMPLETED: None}.get(case.status, resolution_due)
    # The agreed consultation took place on the day the expert started the work.
    started = moments.get(Status.IN_PROGRESS)
    scheduled_for = (
        timezone.make_aware(datetime.combine(timezone.localtime(started).date(), time(10, 0)))
        if started
        else None
    )
    AdvisoryRequest.objects.filter(pk=case.pk).update(
        created_at=start - timedelta(days=1),
        submitted_at=moments.get(Status.SUBMITTED, start),
        first_responded_at=moments.get(Status.ACCEPTED),
        completed_at=moments.get(Status.COMPLETED),
        scheduled_for=scheduled_for,
        first_response_due=first_due,
        resolution_due=resolution_due,
        due_on=due_on,
    )
    if case.status == Status.COMPLETED:
        services.card_generate(request_id=case.pk)  # the card shows the dates just set


def _step(case: AdvisoryRequest, action: str, actor, **kwargs) -> AdvisoryRequest:
    return services.request_transition(
        request_id=case.pk, action=action, expected_version=case.version, actor=actor, **kwargs
    )
