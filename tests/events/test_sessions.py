"""Parallel sessions (workshops): one per slot, seats never exceeded, waitlist and staff assignment."""

import pytest
from django.test import TestCase

from events import exceptions, services, services_sessions
from events.models import Registration, SessionPlace
from portal import roles
from portal.models import AuditLogEntry, OutboundEmail
from tests.factories import RoleUserFactory

from .factories import EventFactory, EventSessionFactory, SessionSlotFactory, member

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture(autouse=True)
def _consent(consent_text):
    return consent_text


def committed(service, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return service(**kwargs)


def register(event, *sessions, organisation=None):
    user, organisation = member(organisation)
    return committed(
        services.registration_create,
        event=event,
        participant=user,
        organisation=organisation,
        answers={},
        actor=user,
        sessions=list(sessions),
    )


def chosen(registration) -> list[int]:
    return sorted(registration.session_places.values_list("session_id", flat=True))


@pytest.fixture
def workshop_event():
    """An event of 20 places with two slots: A/B (2 places each) and C/D (10 places each)."""
    event = EventFactory(capacity=20)
    first = SessionSlotFactory(event=event, title="Blok I")
    second = SessionSlotFactory(
        event=event, title="Blok II", starts_at=first.ends_at, ends_at=event.ends_at
    )
    return {
        "event": event,
        "a": EventSessionFactory(slot=first, capacity=2, title="Warsztat A"),
        "b": EventSessionFactory(slot=first, capacity=2, title="Warsztat B"),
        "c": EventSessionFactory(slot=second, capacity=10, title="Warsztat C"),
        "d": EventSessionFactory(slot=second, capacity=10, title="Warsztat D"),
    }


def test_registration_records_one_workshop_per_slot(workshop_event):
    w = workshop_event
    registration = register(w["event"], w["a"], w["d"])
    assert registration.status == Status.CONFIRMED
    assert chosen(registration) == sorted([w["a"].pk, w["d"].pk])
    entry = AuditLogEntry.objects.get(action="events.registration.create")
    assert entry.changes["sessions"] == [w["a"].pk, w["d"].pk]


def test_two_workshops_in_one_slot_are_refused_and_nothing_is_saved(workshop_event):
    w = workshop_event
    with pytest.raises(exceptions.SessionChoiceInvalid) as refused:
        register(w["event"], w["a"], w["b"], w["c"])
    assert "tylko jeden warsztat" in str(refused.value)
    assert refused.value.slot_id == w["a"].slot_id
    assert not Registration.objects.exists()
    assert not SessionPlace.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_slot_without_a_choice_is_refused(workshop_event):
    w = workshop_event
    with pytest.raises(exceptions.SessionChoiceInvalid) as refused:
        register(w["event"], w["a"])
    assert "Prosimy wybrać warsztat w bloku „Blok II" in str(refused.value)
    assert refused.value.slot_id == w["c"].slot_id
    assert not Registration.objects.exists()


def test_a_workshop_of_another_event_is_refused(workshop_event):
    w = workshop_event
    other = EventSessionFactory()
    with pytest.raises(exceptions.SessionChoiceInvalid):
        register(w["event"], w["a"], other)
    assert not Registration.objects.exists()


def test_event_without_slots_needs_no_choice():
    event = EventFactory(capacity=2)
    registration = register(event)
    assert registration.status == Status.CONFIRMED
    assert not registration.session_places.exists()


def test_full_workshop_is_refused_with_a_polish_message_while_the_event_has_places(
    workshop_event,
):
    w = workshop_event
    register(w["event"], w["a"], w["c"])
    register(w["event"], w["a"], w["c"])
    emails_before = OutboundEmail.objects.count()
    with pytest.raises(exceptions.SessionFull) as refused:
        register(w["event"], w["a"], w["c"])
    assert str(refused.value) == "Warsztat „Warsztat A” jest już pełny — proszę wybrać inny."
    assert refused.value.slot_id == w["a"].slot_id
    assert Registration.objects.count() == 2
    assert OutboundEmail.objects.count() == emails_before
    # Another workshop in the same slot is fine.
    assert register(w["event"], w["b"], w["c"]).status == Status.CONFIRMED


def test_full_event_waitlists_with_the_choice_and_promotes_when_a_seat_frees(workshop_event):
    w = workshop_event
    event = w["event"]
    event.capacity = 2
    event.save()
    first = register(event, w["a"], w["c"])
    register(event, w["b"], w["c"])
    waiting = register(event, w["a"], w["d"])  # the event is full: waitlisted, choice kept
    assert waiting.status == Status.WAITLISTED
    assert chosen(waiting) == sorted([w["a"].pk, w["d"].pk])
    committed(services.registration_cancel, registration=first, actor=first.participant)
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert services_seats(w["a"]) == 1


def services_seats(session):
    from events.session_rules import session_seats_taken

    return session_seats_taken(session)


def test_promotion_skips_a_person_whose_workshop_is_full_and_keeps_their_position(
    workshop_event,
):
    w = workshop_event
    event = w["event"]
    event.capacity = 3
    event.save()
    register(event, w["a"], w["c"])
    register(event, w["a"], w["c"])  # A is full now
    b_holder = register(event, w["b"], w["c"])  # the event is full now
    wants_a = register(event, w["a"], w["c"])
    wants_b = register(event, w["b"], w["d"])
    assert (wants_a.status, wants_b.status) == (Status.WAITLISTED, Status.WAITLISTED)
    # B's seat frees: the first in the queue wants the full A, so the second gets the place.
    committed(services.registration_cancel, registration=b_holder, actor=b_holder.participant)
    wants_a.refresh_from_db()
    wants_b.refresh_from_db()
    assert wants_a.status == Status.WAITLISTED
    assert wants_b.status == Status.CONFIRMED
    assert services_seats(w["a"]) == 2


def test_staff_cannot_confirm_from_the_waitlist_into_a_full_workshop(workshop_event):
    w = workshop_event
    event = w["event"]
    event.capacity = 2
    event.save()
    register(event, w["a"], w["c"])
    register(event, w["a"], w["c"])
    waiting = register(event, w["a"], w["d"])
    event.capacity = 3
    event.save()
    staff = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    with pytest.raises(exceptions.SessionFull):
        services.registration_move_to_confirmed(registration=waiting, actor=staff)
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED


def test_staff_assign_moves_a_person_and_the_freed_seat_goes_to_the_waitlist(workshop_event):
    w = workshop_event
    event = w["event"]
    event.capacity = 3
    event.save()
    first = register(event, w["a"], w["c"])
    register(event, w["a"], w["c"])
    register(event, w["b"], w["c"])  # event full
    waiting = register(event, w["a"], w["c"])
    staff = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    # The event is full, so moving `first` from A to B frees a seat in A but no event place.
    place = committed(
        services_sessions.session_place_assign, registration=first, session=w["b"], actor=staff
    )
    assert place.session == w["b"] and place.assigned_by == staff
    assert chosen(first) == sorted([w["b"].pk, w["c"].pk])
    assert AuditLogEntry.objects.filter(action="events.sessionplace.assign").count() == 1
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED
    # B is now full (2 of 2): a further move into B is refused.
    other = Registration.objects.filter(event=event, status=Status.CONFIRMED).exclude(
        pk__in=[first.pk]
    )
    a_holder = other.filter(session_places__session=w["a"]).get()
    with pytest.raises(exceptions.SessionFull):
        services_sessions.session_place_assign(registration=a_holder, session=w["b"], actor=staff)
    # Assigning the same workshop again changes nothing.
    again = services_sessions.session_place_assign(registration=first, session=w["b"], actor=staff)
    assert again.pk == place.pk
    assert AuditLogEntry.objects.filter(action="events.sessionplace.assign").count() == 1


def test_staff_assign_frees_a_seat_that_promotes_the_waitlist(workshop_event):
    w = workshop_event
    event = w["event"]
    register(event, w["a"], w["c"])
    mover = register(event, w["a"], w["c"])  # A full, the event still has places
    with pytest.raises(exceptions.SessionFull):
        register(event, w["a"], w["c"])
    event.capacity = 2
    event.save()
    waiting = register(event, w["a"], w["d"])
    assert waiting.status == Status.WAITLISTED
    event.capacity = 3
    event.save()
    staff = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    committed(
        services_sessions.session_place_assign, registration=mover, session=w["b"], actor=staff
    )
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_staff_assign_needs_the_permission(workshop_event):
    w = workshop_event
    registration = register(w["event"], w["a"], w["c"])
    for actor in (RoleUserFactory(role=None), RoleUserFactory(role=roles.REPORTING)):
        with pytest.raises(exceptions.NotAllowed):
            services_sessions.session_place_assign(
                registration=registration, session=w["b"], actor=actor
            )
    assert chosen(registration) == sorted([w["a"].pk, w["c"].pk])


def test_staff_assign_refuses_a_workshop_of_another_event(workshop_event):
    w = workshop_event
    registration = register(w["event"], w["a"], w["c"])
    staff = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    with pytest.raises(exceptions.SessionChoiceInvalid):
        services_sessions.session_place_assign(
            registration=registration, session=EventSessionFactory(), actor=staff
        )


def test_more_places_in_a_workshop_go_to_the_waitlist(workshop_event):
    w = workshop_event
    event = w["event"]
    register(event, w["a"], w["c"])
    register(event, w["a"], w["c"])
    event.capacity = 2
    event.save()
    waiting = register(event, w["a"], w["c"])
    event.capacity = 5
    event.save()
    session = w["a"]
    session.capacity = 3
    staff = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    promoted = committed(
        services_sessions.session_save,
        session=session,
        actor=staff,
        created=False,
        changed_fields=["capacity"],
    )
    assert [r.pk for r in promoted] == [waiting.pk]


def test_a_workshop_with_participants_cannot_move_to_another_slot(workshop_event):
    w = workshop_event
    register(w["event"], w["a"], w["c"])
    session = w["a"]
    session.slot = w["c"].slot
    staff = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    with pytest.raises(exceptions.InvalidTransition):
        services_sessions.session_save(
            session=session, actor=staff, created=False, changed_fields=["slot"]
        )


def test_a_slot_without_workshops_yet_asks_nothing():
    event = EventFactory(capacity=5)
    SessionSlotFactory(event=event)
    registration = register(event)
    assert registration.status == Status.CONFIRMED
    assert not registration.session_places.exists()
