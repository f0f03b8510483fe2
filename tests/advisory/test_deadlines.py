"""Working-day deadlines with Polish public holidays, overdue cases and the daily digest."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from advisory import selectors, services
from advisory.models import AdvisoryRequest, AdvisorySettings
from advisory.tasks import advisory_deadline_digest
from advisory.workdays import add_working_days, is_working_day, working_days_between
from portal.models import OutboundEmail
from tests.factories import StaffUserFactory, UserFactory

WARSAW = ZoneInfo("Europe/Warsaw")
Status = AdvisoryRequest.Status


def test_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 5, 1))  # Labour Day (Friday)
    assert not is_working_day(date(2026, 12, 24))  # Christmas Eve, a holiday since 2025
    assert not is_working_day(date(2026, 6, 4))  # Corpus Christi (movable)
    assert not is_working_day(date(2026, 5, 2))  # Saturday
    assert is_working_day(date(2026, 5, 4))


def test_add_working_days_skips_may_holidays():
    # Thu 30 April + 5 working days: 1 May is a holiday, 2-3 May a weekend.
    assert add_working_days(date(2026, 4, 30), 5) == date(2026, 5, 8)


def test_add_working_days_over_christmas_and_new_year():
    assert add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 4)
    assert working_days_between(date(2026, 12, 23), date(2027, 1, 4)) == 5


@pytest.mark.django_db
def test_submission_deadlines_use_configured_working_days(cases):
    limits = AdvisorySettings.load()
    limits.first_response_working_days = 5
    limits.resolution_working_days = 10
    limits.save()
    with time_machine.travel(datetime(2026, 4, 30, 12, 0, tzinfo=WARSAW), tick=False):
        case = cases.at(Status.SUBMITTED)
    assert case.first_response_due == date(2026, 5, 8)
    # 10 working days from 30 April: 4-8 May (5), 11-15 May (10).
    assert case.resolution_due == date(2026, 5, 15)


@pytest.mark.django_db
def test_overdue_and_near_deadline_selection(cases):
    with time_machine.travel(datetime(2026, 4, 30, 12, 0, tzinfo=WARSAW), tick=False):
        overdue = cases.at(Status.SUBMITTED)  # first response due 8 May
    with time_machine.travel(datetime(2026, 5, 11, 9, 0, tzinfo=WARSAW), tick=False):
        fresh = cases.at(Status.SUBMITTED)  # due 18 May
        answered = cases.step(cases.at(Status.SUBMITTED), "accept")  # now on the 30-day clock
    today = date(2026, 5, 12)
    listed = set(selectors.request_list_near_deadline(today=today).values_list("pk", flat=True))
    assert listed == {overdue.pk}
    assert selectors.is_overdue(AdvisoryRequest.objects.get(pk=overdue.pk), today=today)
    # On Thu 14 May the warning horizon (2 working days) is Mon 18 May: the fresh case is near.
    near_day = date(2026, 5, 14)
    near = set(selectors.request_list_near_deadline(today=near_day).values_list("pk", flat=True))
    assert near == {overdue.pk, fresh.pk}
    assert answered.pk not in near
    queue = selectors.request_queue_for_staff(user=cases.staff, overdue=True, today=today)
    assert list(queue.values_list("pk", flat=True)) == [overdue.pk]


@pytest.mark.django_db
def test_closed_cases_are_never_overdue(cases):
    with time_machine.travel(datetime(2026, 1, 5, 12, 0, tzinfo=WARSAW), tick=False):
        withdrawn = cases.step(cases.at(Status.SUBMITTED), "withdraw")
    assert withdrawn.due_on is None
    assert not selectors.request_list_near_deadline(today=date(2026, 6, 1)).exists()


@pytest.mark.django_db
def test_daily_digest_goes_to_staff_once_per_day(cases):
    with time_machine.travel(datetime(2026, 4, 30, 12, 0, tzinfo=WARSAW), tick=False):
        case = cases.at(Status.SUBMITTED)
    other_staff = StaffUserFactory()
    UserFactory()  # not staff: gets nothing
    OutboundEmail.objects.all().delete()
    with time_machine.travel(datetime(2026, 5, 12, 7, 0, tzinfo=WARSAW), tick=False):
        assert advisory_deadline_digest.delay().get() == 2
        advisory_deadline_digest.delay().get()  # the second run sends nothing new
    digests = OutboundEmail.objects.filter(dedup_key__startswith="advisory:digest:")
    assert sorted(digests.values_list("to", flat=True)) == sorted(
        [cases.staff.email, other_staff.email]
    )
    body = digests.first().body_text
    assert "PO TERMINIE" in body and case.number in body and f"/doradztwo/sprawy/{case.pk}/" in body


@pytest.mark.django_db
def test_digest_sends_nothing_when_no_case_needs_attention(cases):
    cases.at(Status.SUBMITTED)
    OutboundEmail.objects.all().delete()
    assert services.deadline_digest_send() == 0
    assert not OutboundEmail.objects.exists()
