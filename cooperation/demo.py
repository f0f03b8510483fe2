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
    coordinator = User.objects.filter(email="staff@demo.rops.local").first()
    owes = list(Organisation.objects.filter(name__in=OWES_NAMES, kind=Organisation.Kind.OWES))
    if coordinator is None or not owes:
        return
    group, _ = WorkingGroup.objects.update_or_create(
        name=PLATFORM_NAME,
        defaults={
            "kind": WorkingGroup.Kind.PLATFORM, "coordinator": coordinator, "is_public": True,
            "starts_on": date(2025, 1, 1),
            "description": "Platforma zrzeszająca ośrodki wsparcia ekonomii społecznej województwa. "
            "Spotyka się raz na kwartał, uzgadnia standardy usług i wspólne działania w regionie.",
        },
    )
    members = {}
    for organisation in owes:
        member, _ = GroupMember.objects.get_or_create(group=group, organisation=organisation)
        members[organisation.name] = member
        approved = User.objects.filter(memberships__organisation=organisation, memberships__status="approved")
        member.delegates.add(*approved)
    for slug, (minutes, decisions) in MEETING_SLUGS.items():
        event = Event.objects.filter(slug=slug).first()
        if event is not None:
            GroupMeeting.objects.update_or_create(group=group, event=event, defaults={"minutes": minutes, "decisions": decisions})
    today = timezone.localdate()
    south = members[OWES_NAMES[0]].organisation
    metro = members.get(OWES_NAMES[1], members[OWES_NAMES[0]]).organisation
    tasks = [
        ("Przekazać dane o nowych miejscach pracy w PES", south, today - timedelta(days=5), GroupTask.Status.IN_PROGRESS),
        ("Przygotować wspólny kalendarz szkoleń na przyszły rok", metro, today + timedelta(days=21), GroupTask.Status.OPEN),
        ("Zebrać uwagi do projektu planu działań", south, today + timedelta(days=35), GroupTask.Status.OPEN),
    ]
    for title, owner, deadline, status in tasks:
        GroupTask.objects.get_or_create(
            group=group, title=title,
            defaults={"owner": owner, "deadline": deadline, "status": status, "created_by": coordinator},
        )
