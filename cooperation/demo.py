"""Demo cooperation data: the regional OWES platform with meetings and tasks (safe to run again)."""

from datetime import date, timedelta

from django.utils import timezone

from events.models import Event
from partners.models import Organisation
from portal.models import User

from .models import GroupMeeting, GroupMember, GroupTask, WorkingGroup

PLATFORM_NAME = "Regionalna Platforma Współpracy OWES"
OWES_NAMES = [
    "Ośrodek Wsparcia Ekonomii Społecznej Subregionu Południowego",
    "Ośrodek Wsparcia Ekonomii Społecznej „Metropolia”",
    "Słupski Ośrodek Wsparcia Ekonomii Społecznej",
    "Nadwiślański Ośrodek Wsparcia Ekonomii Społecznej",
]
MEETING_SLUGS = {
    "spotkanie-robocze-owes-lgd-ops": (
        "Omówiono wyniki monitoringu OWES za I półrocze oraz potrzeby szkoleniowe kadry.",
        "1. OWES przekażą dane o nowych miejscach pracy do końca miesiąca.\n2. Kolejne spotkanie w Chojnicach.",
    ),
    "forum-lgd-owes-jesien": (
        "Przedstawiono projekt regionalnego planu działań na rzecz ekonomii społecznej.",
        "Przyjęto harmonogram konsultacji planu z LGD i OPS.",
    ),
}


def load() -> None:
    load_survey()
    load_plan()
    coordinator = User.objects.filter(email="staff@demo.rops.local").first()
    owes = list(Organisation.objects.filter(name__in=OWES_NAMES, kind=Organisation.Kind.OWES))
    if coordinator is None or not owes:
        return
    group, _ = WorkingGroup.objects.update_or_create(
        name=PLATFORM_NAME,
        defaults={
            "kind": WorkingGroup.Kind.PLATFORM,
            "coordinator": coordinator,
            "is_public": True,
            "starts_on": date(2025, 1, 1),
            "description": "Platforma zrzeszająca ośrodki wsparcia ekonomii społecznej województwa. "
            "Spotyka się raz na kwartał, uzgadnia standardy usług i wspólne działania w regionie.",
        },
    )
    members = {}
    for organisation in owes:
        member, _ = GroupMember.objects.get_or_create(group=group, organisation=organisation)
        members[organisation.name] = member
        approved = User.objects.filter(
            memberships__organisation=organisation, memberships__status="approved"
        )
        member.delegates.add(*approved)
    for slug, (minutes, decisions) in MEETING_SLUGS.items():
        event = Event.objects.filter(slug=slug).first()
        if event is not None:
            GroupMeeting.objects.update_or_create(
                group=group, event=event, defaults={"minutes": minutes, "decisions": decisions}
            )
    today = timezone.localdate()
    south = members[OWES_NAMES[0]].organisation
    metro = members.get(OWES_NAMES[1], members[OWES_NAMES[0]]).organisation
    tasks = [
        (
            "Przekazać dane o nowych miejscach pracy w PES",
            south,
            today - timedelta(days=5),
            GroupTask.Status.IN_PROGRESS,
        ),
        (
            "Przygotować wspólny kalendarz szkoleń na przyszły rok",
            metro,
            today + timedelta(days=21),
            GroupTask.Status.OPEN,
        ),
        (
            "Zebrać uwagi do projektu planu działań",
            south,
            today + timedelta(days=35),
            GroupTask.Status.OPEN,
        ),
    ]
    for title, owner, deadline, status in tasks:
        GroupTask.objects.get_or_create(
            group=group,
            title=title,
            defaults={
                "owner": owner,
                "deadline": deadline,
                "status": status,
                "created_by": coordinator,
            },
        )


SURVEY_TITLE = "Roczna ankieta OWES: zatrudnienie i wsparcie PES"


def load_survey() -> None:
    """A survey sent to the region's OWES that the demo partner (an OWES administrator) can answer."""
    from datetime import datetime

    from .models import Question, Survey, SurveyResponse, SurveySection

    staff = User.objects.filter(email="staff@demo.rops.local").first()
    survey, created = Survey.objects.get_or_create(
        title=SURVEY_TITLE,
        defaults={
            "description": "Prosimy o dane za bieżący rok. Odpowiedzi posłużą do monitorowania regionalnego planu.",
            "created_by": staff,
        },
    )
    if created:
        employment = SurveySection.objects.create(
            survey=survey, title="Zatrudnienie w PES", position=1
        )
        support = SurveySection.objects.create(survey=survey, title="Wsparcie i plany", position=2)
        Question.objects.bulk_create(
            [
                Question(
                    section=employment,
                    position=1,
                    kind="number",
                    required=True,
                    text="Liczba nowych miejsc pracy w PES utworzonych z Państwa wsparciem",
                    help_text="Liczba całkowita, np. 12.",
                ),
                Question(
                    section=employment, position=2, kind="number", text="Liczba wspartych PES"
                ),
                Question(
                    section=support,
                    position=1,
                    kind="choice",
                    required=True,
                    text="Najczęstsza forma wsparcia",
                    choices="doradztwo biznesowe\ndotacje na miejsca pracy\nszkolenia\nanimacja lokalna",
                ),
                Question(
                    section=support,
                    position=2,
                    kind="yes_no",
                    text="Czy planują Państwo nowe partnerstwa w przyszłym roku?",
                ),
                Question(
                    section=support, position=3, kind="date", text="Data ostatniego spotkania z OPS"
                ),
                Question(section=support, position=4, kind="text", text="Uwagi i potrzeby"),
            ]
        )
    if survey.deadline is None or survey.deadline < timezone.now():
        survey.deadline = timezone.make_aware(
            datetime.combine(
                timezone.localdate() + timedelta(days=30), datetime.min.time().replace(hour=16)
            )
        )
    survey.status = Survey.Status.SENT
    survey.sent_at = survey.sent_at or timezone.now()
    survey.save()
    for organisation in Organisation.objects.filter(kind=Organisation.Kind.OWES, is_verified=True):
        SurveyResponse.objects.get_or_create(survey=survey, organisation=organisation)


PLAN_TITLE = "Regionalny plan działań na rzecz ekonomii społecznej 2026–2027"


def load_plan() -> None:
    """A small action plan: two priorities, their measures and actions, one done and one late."""
    from .models import ActionPlan, PlanAction, PlanMeasure, PlanPriority, Survey

    plan, _ = ActionPlan.objects.get_or_create(
        title=PLAN_TITLE,
        defaults={
            "starts_on": date(2026, 1, 1),
            "ends_on": date(2027, 12, 31),
            "description": "Plan uzgodniony z partnerami Regionalnej Platformy Współpracy OWES.",
        },
    )
    today = timezone.localdate()
    owes = list(Organisation.objects.filter(name__in=OWES_NAMES))
    structure = [
        (
            "1. Silne przedsiębiorstwa społeczne",
            "1.1. Wsparcie tworzenia miejsc pracy",
            [
                (
                    "Monitoring nowych miejsc pracy w PES",
                    today - timedelta(days=120),
                    today + timedelta(days=60),
                    PlanAction.Status.IN_PROGRESS,
                    ["spotkanie-robocze-owes-lgd-ops"],
                    True,
                ),
                (
                    "Wizyta studyjna dla PES z subregionów",
                    today - timedelta(days=200),
                    today - timedelta(days=30),
                    PlanAction.Status.DONE,
                    ["wizyta-studyjna-wielkopolska"],
                    False,
                ),
            ],
        ),
        (
            "2. Współpraca samorządów z ekonomią społeczną",
            "2.1. Zlecanie zadań publicznych PES",
            [
                (
                    "Szkolenia JST z klauzul społecznych",
                    today - timedelta(days=90),
                    today - timedelta(days=10),
                    PlanAction.Status.IN_PROGRESS,
                    ["szkolenie-zlecanie-zadan-pes"],
                    False,
                ),
                (
                    "Konsultacje planu z Konwentem OPS",
                    today,
                    today + timedelta(days=120),
                    PlanAction.Status.PLANNED,
                    ["spotkanie-konwentu-ops"],
                    False,
                ),
            ],
        ),
    ]
    survey = Survey.objects.filter(title=SURVEY_TITLE).first()
    for position, (priority_title, measure_title, actions) in enumerate(structure):
        priority, _ = PlanPriority.objects.get_or_create(
            plan=plan, title=priority_title, defaults={"position": position}
        )
        measure, _ = PlanMeasure.objects.get_or_create(priority=priority, title=measure_title)
        for index, (title, starts_on, ends_on, status, slugs, with_survey) in enumerate(actions):
            action, created = PlanAction.objects.get_or_create(
                measure=measure,
                title=title,
                defaults={
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "status": status,
                    "position": index,
                },
            )
            if created:
                action.organisations.set(owes[:2])
                action.events.set(Event.objects.filter(slug__in=slugs))
                if with_survey and survey is not None:
                    action.surveys.add(survey)
                indicator = _indicator()
                if indicator is not None:
                    action.indicators.add(indicator)


def _indicator():
    from reporting.models import Indicator

    return Indicator.objects.order_by("pk").first()
