import pytest

from advisory import demo
from advisory.models import AdvisoryRequest, CaseEvent, Consultation, Expert
from portal import demo as portal_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_twice_without_duplicates():
    portal_demo.load()
    demo.load()
    counts = (
        AdvisoryRequest.objects.count(),
        CaseEvent.objects.count(),
        Consultation.objects.count(),
        Expert.objects.count(),
    )
    demo.load()
    assert (
        AdvisoryRequest.objects.count(),
        CaseEvent.objects.count(),
        Consultation.objects.count(),
        Expert.objects.count(),
    ) == counts
    statuses = set(AdvisoryRequest.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "in_progress", "completed"} <= statuses
    assert Expert.objects.get(email=demo.DEMO_EXPERT_EMAIL).user.check_password(demo.DEMO_PASSWORD)


def test_demo_cases_tell_a_consistent_story_and_only_a_really_late_one_is_overdue():
    """A case submitted today was shown overdue: deadlines now follow the submission day."""
    from django.utils import timezone

    from advisory import selectors
    from advisory.models import AdvisorySettings
    from advisory.workdays import add_working_days

    portal_demo.load()
    demo.load()
    today = timezone.localdate()
    limits = AdvisorySettings.load()
    submitted = AdvisoryRequest.objects.exclude(status="draft")
    assert submitted.count() == 3
    for case in submitted:
        submit_day = timezone.localtime(case.submitted_at).date()
        assert submit_day < today
        assert case.first_response_due == add_working_days(
            submit_day, limits.first_response_working_days
        )
        assert case.resolution_due == add_working_days(submit_day, limits.resolution_working_days)
        times = list(case.events.order_by("pk").values_list("created_at", flat=True))
        assert (
            times == sorted(times) and times[0] == case.submitted_at and times[-1] < timezone.now()
        )
        for consultation in case.consultations.all():
            assert timezone.localtime(case.scheduled_for).date() <= consultation.held_on <= today
        if selectors.is_overdue(case, today=today):
            assert case.status == "submitted" and case.first_response_due < today
    overdue = [case for case in submitted if selectors.is_overdue(case, today=today)]
    assert len(overdue) == 1  # the queue still shows one overdue case, honestly late
    completed = submitted.get(status="completed")
    assert completed.completed_at.date() < today and completed.due_on is None
