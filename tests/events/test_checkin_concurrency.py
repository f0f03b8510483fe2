"""Check-in under real concurrency: staff at two desks marking the same person at the same moment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import Attendance
from tests.concurrency import run_together
from tests.factories import StaffUserFactory

from .factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


def mark(registration, day, is_present, actor):
    def job():
        return services.attendance_mark(
            registration=registration, day=day, is_present=is_present, actor=actor
        ).pk

    return job


def test_simultaneous_marks_of_one_person_make_one_row_and_lose_no_change():
    registration = RegistrationFactory()
    day = timezone.localdate(registration.event.starts_at)
    staff = [StaffUserFactory() for _ in range(10)]
    for _round in range(3):
        Attendance.objects.all().delete()
        jobs = [mark(registration, day, index % 2 == 0, staff[index]) for index in range(10)]
        results, errors = run_together(jobs)
        assert errors == [None] * 10
        assert Attendance.objects.count() == 1
        attendance = Attendance.objects.get()
        assert set(results) == {attendance.pk}
        # The row holds the decision committed last: the newest history entry, written under the lock.
        last = attendance.history.order_by("-history_date", "-history_id").first()
        assert (attendance.is_present, attendance.marked_by_id) == (
            last.is_present,
            last.marked_by_id,
        )


def test_simultaneous_marks_of_different_days_and_people_are_all_kept():
    start = timezone.now() + timedelta(days=2)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(days=1, hours=8))
    registrations = [RegistrationFactory(event=event) for _ in range(4)]
    days = services.event_days(event)
    staff = StaffUserFactory()
    jobs = [mark(registration, day, True, staff) for registration in registrations for day in days]
    jobs += [
        mark(registration, day, True, staff) for registration in registrations for day in days
    ]  # double clicks
    _results, errors = run_together(jobs)
    assert errors == [None] * len(jobs)
    assert Attendance.objects.filter(is_present=True).count() == len(registrations) * len(days)
