"""Two people acting on one case at the same moment: one wins, the other is told, nothing is lost."""

import pytest

from advisory import services
from advisory.exceptions import AdvisoryError, ConcurrentChange
from advisory.models import AdvisoryRequest, CaseEvent
from tests.concurrency import run_together as run_concurrently
from tests.factories import StaffUserFactory

from .conftest import CaseBuilder
from .factories import AdvisoryTopicFactory

Status = AdvisoryRequest.Status


def run_together(*calls):
    """Run the calls at once; return the result or the exception of each."""
    results, errors = run_concurrently(list(calls))
    return [
        error if error is not None else result
        for result, error in zip(results, errors, strict=True)
    ]


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_once_cannot_overwrite_each_other():
    AdvisoryTopicFactory()
    builder = CaseBuilder()
    case = builder.at(Status.SUBMITTED)
    anna, piotr = builder.staff, StaffUserFactory()

    results = run_together(
        lambda: services.request_transition(
            request_id=case.pk, action="accept", expected_version=case.version, actor=anna
        ),
        lambda: services.request_transition(
            request_id=case.pk,
            action="reject",
            expected_version=case.version,
            actor=piotr,
            reason="Poza zakresem.",
        ),
    )

    winners = [r for r in results if isinstance(r, AdvisoryRequest)]
    losers = [r for r in results if isinstance(r, AdvisoryError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], ConcurrentChange)
    fresh = AdvisoryRequest.objects.get(pk=case.pk)
    assert fresh.status == winners[0].status
    assert fresh.version == case.version + 1
    assert (
        fresh.events.filter(kind=CaseEvent.Kind.STATUS, from_status=Status.SUBMITTED).count() == 1
    )


@pytest.mark.django_db(transaction=True)
def test_two_staff_assigning_different_experts_at_once_keep_one_assignment():
    AdvisoryTopicFactory()
    builder = CaseBuilder()
    case = builder.at(Status.ACCEPTED)
    first, second = builder.expert, CaseBuilder().expert
    other_staff = StaffUserFactory()

    results = run_together(
        lambda: services.request_transition(
            request_id=case.pk,
            action="assign_expert",
            expected_version=case.version,
            actor=builder.staff,
            expert=first,
        ),
        lambda: services.request_transition(
            request_id=case.pk,
            action="assign_expert",
            expected_version=case.version,
            actor=other_staff,
            expert=second,
        ),
    )

    winner = next(r for r in results if isinstance(r, AdvisoryRequest))
    assert sum(isinstance(r, ConcurrentChange) for r in results) == 1
    fresh = AdvisoryRequest.objects.get(pk=case.pk)
    assert fresh.expert_id == winner.expert_id
    assert fresh.events.filter(to_status=Status.EXPERT_ASSIGNED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_get_distinct_numbers():
    AdvisoryTopicFactory()
    builder = CaseBuilder()
    drafts = [builder.draft() for _ in range(4)]

    results = run_together(
        *[
            (
                lambda d=d: services.request_transition(
                    request_id=d.pk, action="submit", expected_version=d.version, actor=d.requester
                )
            )
            for d in drafts
        ]
    )

    assert all(isinstance(r, AdvisoryRequest) for r in results), results
    numbers = set(AdvisoryRequest.objects.values_list("number", flat=True))
    assert len(numbers) == 4
