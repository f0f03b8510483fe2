"""Capacity and waitlist under real concurrency: threads with their own PostgreSQL connections.

Each thread waits on a barrier so that all of them hit ``registration_create`` or
``registration_cancel`` at the same moment; a plain transactional test would hide the race.
"""

from collections import Counter

import pytest
from django.db import connection

from events import services
from events.models import Registration
from portal.models import OutboundEmail
from tests.concurrency import run_together
from tests.partners.factories import MembershipFactory, OrganisationFactory

from .factories import ConsentTextFactory, EventFactory

pytestmark = [pytest.mark.django_db(transaction=True)]
Status = Registration.Status


def registration_job(event, membership):
    def job():
        return services.registration_create(
            event=event,
            participant=membership.user,
            organisation=membership.organisation,
            answers={},
            actor=membership.user,
        ).pk

    return job


def queue(event):
    return list(
        Registration.objects.filter(event=event, status=Status.WAITLISTED)
        .order_by("waitlisted_at", "pk")
        .values_list("pk", flat=True)
    )


@pytest.mark.parametrize("round_number", range(3))
def test_fifty_concurrent_registrations_for_ten_places(round_number):
    assert connection.vendor == "postgresql"
    ConsentTextFactory()
    event = EventFactory(capacity=10)
    organisation = OrganisationFactory()
    memberships = [MembershipFactory(organisation=organisation) for _ in range(50)]

    results, errors = run_together([registration_job(event, m) for m in memberships])

    assert errors == [None] * 50
    registrations = Registration.objects.filter(event=event)
    statuses = Counter(registrations.values_list("status", flat=True))
    assert statuses == {Status.CONFIRMED: 10, Status.WAITLISTED: 40}
    # The lock serialises requests: the ten served first got the places, everyone after
    # them is queued in exactly the order they were served.
    confirmed_pks = sorted(
        registrations.filter(status=Status.CONFIRMED).values_list("pk", flat=True)
    )
    waiting = queue(event)
    assert max(confirmed_pks) < min(waiting)
    assert waiting == sorted(waiting)
    assert sorted(results) == sorted(confirmed_pks + waiting)
    # One notification per registration, of the right kind.
    for pk in confirmed_pks:
        assert (
            OutboundEmail.objects.filter(dedup_key__startswith=f"events:registration:{pk}:").count()
            == 1
        )
        assert OutboundEmail.objects.filter(
            dedup_key=f"events:registration:{pk}:confirmed:0"
        ).exists()
    assert OutboundEmail.objects.filter(dedup_key__contains=":waitlisted:").count() == 40


def test_concurrent_registrations_respect_per_organisation_limit():
    ConsentTextFactory()
    event = EventFactory(capacity=10, per_organisation_limit=2)
    organisations = [OrganisationFactory() for _ in range(6)]
    memberships = [MembershipFactory(organisation=organisations[i % 6]) for i in range(54)]

    _results, errors = run_together([registration_job(event, m) for m in memberships])

    assert errors == [None] * 54
    confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED)
    assert confirmed.count() == 10
    per_organisation = Counter(confirmed.values_list("organisation_id", flat=True))
    assert max(per_organisation.values()) <= 2
    assert Registration.objects.filter(event=event, status=Status.WAITLISTED).count() == 44


def test_double_submit_at_the_same_moment_creates_one_registration():
    ConsentTextFactory()
    event = EventFactory(capacity=10)
    membership = MembershipFactory()

    results, errors = run_together([registration_job(event, membership) for _ in range(8)])

    assert sum(result is not None for result in results) == 1
    assert {type(error).__name__ for error in errors if error} == {"AlreadyRegistered"}
    assert Registration.objects.filter(event=event, participant=membership.user).count() == 1


@pytest.mark.parametrize("round_number", range(2))
def test_cancellations_interleaved_with_registrations_promote_in_order_exactly_once(round_number):
    ConsentTextFactory()
    event = EventFactory(capacity=10)
    organisation = OrganisationFactory()
    # Ten confirmed and twenty waitlisted, registered one after another.
    initial = [
        services.registration_create(
            event=event, participant=m.user, organisation=organisation, answers={}, actor=m.user
        )
        for m in [MembershipFactory(organisation=organisation) for _ in range(30)]
    ]
    confirmed, waitlisted = initial[:10], initial[10:]
    assert all(r.status == Status.CONFIRMED for r in confirmed)
    initial_queue = queue(event)
    assert initial_queue == [r.pk for r in waitlisted]
    newcomers = [MembershipFactory(organisation=organisation) for _ in range(20)]

    cancel_jobs = [
        (lambda r=r: services.registration_cancel(registration=r, actor=r.participant).pk)
        for r in confirmed
    ]
    register_jobs = [registration_job(event, m) for m in newcomers]
    jobs = [
        job for pair in zip(cancel_jobs, register_jobs[:10], strict=True) for job in pair
    ] + register_jobs[10:]
    _results, errors = run_together(jobs)

    assert errors == [None] * 30
    statuses = Counter(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses == {Status.CONFIRMED: 10, Status.CANCELLED: 10, Status.WAITLISTED: 30}
    # Exactly the ten oldest waitlisted were promoted: nobody skipped, nobody twice.
    now_confirmed = set(
        Registration.objects.filter(event=event, status=Status.CONFIRMED).values_list(
            "pk", flat=True
        )
    )
    assert now_confirmed == set(initial_queue[:10])
    # Who is still waiting keeps their order; newcomers queue behind them.
    remaining = queue(event)
    assert remaining[:10] == initial_queue[10:]
    new_pks = set(
        Registration.objects.filter(
            event=event, participant__in=[m.user for m in newcomers]
        ).values_list("pk", flat=True)
    )
    assert set(remaining[10:]) == new_pks
    promotion_emails = OutboundEmail.objects.filter(dedup_key__contains=":promoted:")
    assert sorted(
        int(key.split(":")[2]) for key in promotion_emails.values_list("dedup_key", flat=True)
    ) == sorted(initial_queue[:10])
