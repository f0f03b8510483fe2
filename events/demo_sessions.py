"""Demo of parallel sessions: the working meeting's three workshops of 10 places in one slot."""

from datetime import datetime, time

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from .models import AgendaItem, Event, EventSession, Registration, SessionPlace, SessionSlot

MEETING_SLUG = "spotkanie-robocze-owes-lgd-ops"
SLOT_TITLE = "Warsztaty w grupach mieszanych"
WORKSHOPS = [
    (
        "Wspólne wydarzenia OWES i LGD w subregionach",
        "Agnieszka Wróbel (ROPS)",
        "Sala B",
        "Kalendarz wspólnych targów, dni ekonomii społecznej i spotkań z przedsiębiorcami na 2027 rok.",
    ),
    (
        "Infrastruktura współpracy: lokale, sprzęt i transport",
        "Tomasz Kowalewski (OWES)",
        "Sala C",
        "Co możemy udostępniać sobie nawzajem i jak to rozliczać w projektach.",
    ),
    (
        "Indywidualne ścieżki wsparcia osób zagrożonych wykluczeniem",
        "Ewa Szymańska (MOPS)",
        "Sala D",
        "Przejście od pomocy społecznej do pracy w przedsiębiorstwie społecznym: kto co robi.",
    ),
]


def load() -> None:
    meeting = Event.objects.filter(slug=MEETING_SLUG).first()
    if meeting is None:
        return
    day = timezone.localdate(meeting.starts_at)
    with transaction.atomic():
        slot, _ = SessionSlot.objects.update_or_create(
            event=meeting,
            title=SLOT_TITLE,
            defaults={
                "starts_at": timezone.make_aware(datetime.combine(day, time(11, 15))),
                "ends_at": timezone.make_aware(datetime.combine(day, time(13, 0))),
                "position": 0,
            },
        )
        sessions = [
            EventSession.objects.update_or_create(
                event=meeting,
                slot=slot,
                title=title,
                defaults={
                    "host": host,
                    "room": room,
                    "description": description,
                    "capacity": 10,
                    "position": position,
                },
            )[0]
            for position, (title, host, room, description) in enumerate(WORKSHOPS)
        ]
        # The workshops replace the single agenda point of the first demo version.
        AgendaItem.objects.filter(event=meeting, title=SLOT_TITLE).delete()
        # People registered by the demo before the workshops existed get one each, spread evenly.
        without = (
            meeting.registrations.filter(status__in=Registration.ACTIVE)
            .exclude(session_places__slot=slot)
            .order_by("pk")
        )
        for registration in without:
            taken = dict(
                SessionPlace.objects.filter(slot=slot)
                .values("session")
                .annotate(count=Count("pk"))
                .values_list("session", "count")
            )
            session = min(sessions, key=lambda s: (taken.get(s.pk, 0), s.position))
            SessionPlace.objects.create(
                registration=registration,
                slot=slot,
                session=session,
                chosen_at=registration.created_at,
            )
