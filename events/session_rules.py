"""Capacity rules of parallel sessions (workshops), used by the registration services.

A ``SessionPlace`` records the workshop a registration chose (or staff assigned) in one slot.
It holds a seat exactly when its registration holds a place at the event (pending or
confirmed), so no status has to be kept in step: cancelling, rejecting or moving a
registration to the waitlist frees its seats, and a promotion takes them again.

Every caller holds the event row lock (``select_for_update``) already; the session rows are
locked after it, always in primary-key order, so two writers never wait for each other in
opposite orders.
"""

from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from . import exceptions
from .models import Event, EventSession, Registration, SessionPlace, SessionSlot


def sessions_choice_clean(
    *, event: Event, sessions: Iterable[EventSession] | None
) -> dict[int, EventSession]:
    """Check a choice of workshops: one per slot of the event, every slot covered; key by slot.

    An event without slots accepts only an empty choice. An event read with the ``has_slots``
    annotation (the registration page) is not asked again.
    """
    chosen: dict[int, EventSession] = {}
    if not sessions and getattr(event, "has_slots", True) is False:
        return chosen
    for session in sessions or ():
        if session is None:
            continue
        if session.event_id != event.pk:
            raise exceptions.SessionChoiceInvalid(
                _("Wybrany warsztat nie należy do tego wydarzenia."), slot_id=session.slot_id
            )
        if session.slot_id in chosen and chosen[session.slot_id].pk != session.pk:
            raise exceptions.SessionChoiceInvalid(
                _(
                    "W jednym bloku można wybrać tylko jeden warsztat: „%(first)s” i „%(second)s” "
                    "odbywają się w tym samym czasie."
                )
                % {"first": chosen[session.slot_id].title, "second": session.title},
                slot_id=session.slot_id,
            )
        chosen[session.slot_id] = session
    # A slot staff have not filled with workshops yet asks nothing.
    slots = SessionSlot.objects.filter(event=event, sessions__isnull=False).distinct()
    for slot in slots.order_by("starts_at", "pk"):
        if slot.pk not in chosen:
            raise exceptions.SessionChoiceInvalid(
                _("Prosimy wybrać warsztat w bloku „%(slot)s”.") % {"slot": slot}, slot_id=slot.pk
            )
    return chosen


def sessions_lock(session_ids: Iterable[int]) -> dict[int, EventSession]:
    """Lock the session rows (after the event row) in primary-key order; return them by id."""
    ids = sorted(set(session_ids))
    if not ids:
        return {}
    return {
        session.pk: session
        for session in EventSession.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }


def seats_taken_filter(prefix: str = "") -> Q:
    """Places that hold a seat: the chosen workshop of a registration holding an event place."""
    return Q(**{f"{prefix}registration__status__in": Registration.HOLDING_PLACE})


def session_seats_taken(session: EventSession, *, excluding_registration_id=None) -> int:
    places = SessionPlace.objects.filter(seats_taken_filter(), session=session)
    if excluding_registration_id is not None:
        places = places.exclude(registration_id=excluding_registration_id)
    return places.count()


def session_has_room(session: EventSession, *, excluding_registration_id=None) -> bool:
    taken = session_seats_taken(session, excluding_registration_id=excluding_registration_id)
    return taken < session.capacity


def sessions_first_full(sessions: Iterable[EventSession]) -> EventSession | None:
    """Return the first chosen workshop without a free seat (None when all have room)."""
    sessions = list(sessions)
    if not sessions:
        return None
    taken = dict(
        SessionPlace.objects.filter(seats_taken_filter(), session__in=sessions)
        .values("session")
        .annotate(count=Count("pk"))
        .values_list("session", "count")
    )
    for session in sorted(sessions, key=lambda s: (s.slot_id, s.pk)):
        if taken.get(session.pk, 0) >= session.capacity:
            return session
    return None


def registration_sessions_first_full(registration: Registration) -> EventSession | None:
    """For a registration about to take a place: the first of its workshops that is full."""
    sessions = [
        place.session
        for place in SessionPlace.objects.filter(registration=registration).select_related(
            "session"
        )
    ]
    return sessions_first_full(sessions)


def session_places_create(
    *, registration: Registration, chosen: dict[int, EventSession], assigned_by=None
) -> list[SessionPlace]:
    # One by one (a slot or two), so that django-simple-history records each place.
    return [
        SessionPlace.objects.create(
            registration=registration,
            slot_id=slot_id,
            session=session,
            chosen_at=registration.created_at,
            assigned_by=assigned_by,
        )
        for slot_id, session in sorted(chosen.items())
    ]


def event_has_sessions(event: Event) -> bool:
    return EventSession.objects.filter(event=event).exists()


def registration_workshops(registration: Registration) -> list[EventSession]:
    """Return the workshops of a registration in slot order (for e-mails and pages)."""
    return [
        place.session
        for place in SessionPlace.objects.filter(registration=registration)
        .select_related("session")
        .order_by("slot__starts_at", "slot_id")
    ]
