"""Workshop seats under real concurrency: threads with their own PostgreSQL connections."""

from collections import Counter

import pytest
from django.db import connection

from events import exceptions, services
from events.models import Registration, SessionPlace
from events.session_rules import session_seats_taken
from tests.concurrency import run_together
from tests.partners.factories import MembershipFactory, OrganisationFactory

from .factories import ConsentTextFactory, EventFactory, EventSessionFactory, SessionSlotFactory

pytestmark = [pytest.mark.django_db(transaction=True)]
Status = Registration.Status


def registration_job(event, membership, session):
    def job():
        return services.registration_create(
            event=event,
            participant=membership.user,
            organisation=membership.organisation,
            answers={},
            actor=membership.user,
            sessions=[session],
        ).pk

    return job


def cancel_job(registration):
    def job():
        return services.registration_cancel(
            registration=registration, actor=registration.participant
        ).pk

    return job


def workshop(event_capacity: int, session_capacity: int):
    ConsentTextFactory()
    event = EventFactory(capacity=event_capacity)
    slot = SessionSlotFactory(event=event)
    session = EventSessionFactory(slot=slot, capacity=session_capacity, title="Warsztat A")
    EventSessionFactory(slot=slot, capacity=40, title="Warsztat B")
    organisation = OrganisationFactory()
    return event, session, organisation


def test_forty_concurrent_registrations_for_a_workshop_of_eight():
    assert connection.vendor == "postgresql"
    event, session, organisation = workshop(event_capacity=40, session_capacity=8)
    memberships = [MembershipFactory(organisation=organisation) for _ in range(40)]

    results, errors = run_together([registration_job(event, m, session) for m in memberships])

    # The event has room for all, so the 32 who came too late are refused, not queued.
    assert Counter(type(error).__name__ for error in errors if error) == {"SessionFull": 32}
    assert all(
        str(error) == "Warsztat „Warsztat A” jest już pełny — proszę wybrać inny."
        for error in errors
        if error
    )
    assert Registration.objects.filter(event=event, status=Status.CONFIRMED).count() == 8
    assert Registration.objects.filter(event=event).count() == 8
    assert session_seats_taken(session) == 8
    assert SessionPlace.objects.filter(session=session).count() == 8


def test_forty_concurrent_registrations_when_event_and_workshop_have_eight_places():
    event, session, organisation = workshop(event_capacity=8, session_capacity=8)
    memberships = [MembershipFactory(organisation=organisation) for _ in range(40)]

    results, errors = run_together([registration_job(event, m, session) for m in memberships])

    assert errors == [None] * 40
    statuses = Counter(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses == {Status.CONFIRMED: 8, Status.WAITLISTED: 32}
    assert session_seats_taken(session) == 8


def test_cancellations_interleaved_with_registrations_never_overbook_the_workshop():
    event, session, organisation = workshop(event_capacity=8, session_capacity=8)
    first = [MembershipFactory(organisation=organisation) for _ in range(12)]
    for membership in first:
        registration_job(event, membership, session)()
    confirmed = list(Registration.objects.filter(event=event, status=Status.CONFIRMED))
    assert len(confirmed) == 8
    newcomers = [MembershipFactory(organisation=organisation) for _ in range(12)]

    calls = [cancel_job(r) for r in confirmed[:4]]
    calls += [registration_job(event, m, session) for m in newcomers]
    results, errors = run_together(calls)

    assert [e for e in errors if e and not isinstance(e, exceptions.SessionFull)] == []
    assert session_seats_taken(session) == 8
    assert Registration.objects.filter(event=event, status=Status.CONFIRMED).count() == 8
    # The four waitlisted before the race were promoted in the order places were decided.
    early_waiting = Registration.objects.filter(
        event=event, participant__in=[m.user for m in first[8:]]
    )
    assert set(early_waiting.values_list("status", flat=True)) == {Status.CONFIRMED}
