"""After the event: check-in marks, certificates, reports (services and selectors, on PostgreSQL)."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from events import exceptions, selectors, services
from events.models import Attendance, Certificate, Event, Registration
from tests.factories import RegionFactory, StaffUserFactory, UserFactory

from .factories import (
    AgendaItemFactory,
    AttendanceFactory,
    EventFactory,
    PostulateFactory,
    RegistrationFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


def first_day(event):
    return timezone.localdate(event.starts_at)


def test_attendance_mark_records_who_and_when_and_is_idempotent():
    staff, other_staff = StaffUserFactory(), StaffUserFactory()
    registration = RegistrationFactory()
    day = first_day(registration.event)
    with time_machine.travel("2026-05-04 10:00 +02:00", tick=False):
        first = services.attendance_mark(
            registration=registration, day=day, is_present=True, actor=staff
        )
    with time_machine.travel("2026-05-04 10:05 +02:00", tick=False):
        again = services.attendance_mark(
            registration=registration, day=day, is_present=True, actor=other_staff
        )
    assert Attendance.objects.count() == 1
    again.refresh_from_db()
    # The same click twice keeps the original record of who and when.
    assert again.pk == first.pk and again.marked_by == staff
    assert timezone.localtime(again.marked_at).strftime("%H:%M") == "10:00"

    with time_machine.travel("2026-05-04 10:07 +02:00", tick=False):
        services.attendance_mark(
            registration=registration, day=day, is_present=False, actor=other_staff
        )
    again.refresh_from_db()
    assert again.is_present is False and again.marked_by == other_staff
    assert timezone.localtime(again.marked_at).strftime("%H:%M") == "10:07"
    assert again.history.count() == 2  # created, then changed; the repeat wrote nothing


def test_attendance_mark_per_day_for_multi_day_event():
    start = timezone.now() + timedelta(days=3)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(days=2))
    registration = RegistrationFactory(event=event)
    staff = StaffUserFactory()
    days = services.event_days(event)
    assert len(days) == 3
    services.attendance_mark(registration=registration, day=days[0], is_present=True, actor=staff)
    services.attendance_mark(registration=registration, day=days[2], is_present=True, actor=staff)
    services.attendance_mark(registration=registration, day=days[1], is_present=False, actor=staff)
    assert selectors.attendance_days_by_registration(event=event) == {
        registration.pk: [days[0], days[2]]
    }
    with pytest.raises(exceptions.InvalidTransition, match="nie odbywa się"):
        services.attendance_mark(
            registration=registration, day=days[2] + timedelta(days=1), is_present=True, actor=staff
        )


def test_attendance_mark_refuses_non_staff_and_unconfirmed():
    registration = RegistrationFactory()
    day = first_day(registration.event)
    with pytest.raises(exceptions.CheckInNotAllowed):
        services.attendance_mark(
            registration=registration, day=day, is_present=True, actor=registration.participant
        )
    waiting = RegistrationFactory(
        event=registration.event, status=Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    with pytest.raises(exceptions.InvalidTransition, match="potwierdzonym miejscem"):
        services.attendance_mark(
            registration=waiting, day=day, is_present=True, actor=StaffUserFactory()
        )
    assert not Attendance.objects.exists()


def test_checkin_list_search_and_summary():
    event = EventFactory()
    day = first_day(event)
    anna = RegistrationFactory(
        event=event, participant=UserFactory(first_name="Anna", last_name="Zawadzka")
    )
    RegistrationFactory(event=event, participant=UserFactory(first_name="Piotr", last_name="Kowal"))
    RegistrationFactory(event=event, status=Status.CANCELLED)
    AttendanceFactory(registration=anna, day=day)
    rows = list(selectors.checkin_list(event=event, day=day))
    assert len(rows) == 2  # cancelled registration is not on the list
    assert [r.is_present for r in rows] == [None, True]  # Kowal (not marked), Zawadzka (present)
    assert [r.pk for r in selectors.checkin_list(event=event, day=day, search="zawadz")] == [
        anna.pk
    ]
    assert selectors.checkin_summary(event=event, day=day) == {
        "confirmed": 2,
        "present": 1,
        "absent": 0,
        "walk_ins": 0,
    }


def finished_registration(**kwargs):
    event = EventFactory(
        state=Event.State.FINISHED, starts_at=timezone.now() - timedelta(days=5), **kwargs
    )
    registration = RegistrationFactory(event=event)
    return registration


def test_certificate_issue_for_present_participant_once_with_unique_number():
    registration = finished_registration()
    AttendanceFactory(registration=registration)
    certificate = services.certificate_issue(registration=registration, actor=None)
    year = timezone.localdate(registration.event.starts_at).year
    assert certificate.number == f"ZU/{year}/{registration.event_id:04d}/{registration.pk:05d}"
    assert services.certificate_issue(registration=registration, actor=None).pk == certificate.pk
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize("case", ["absent", "not_marked", "not_finished", "cancelled"])
def test_certificate_refused(case):
    registration = finished_registration()
    if case == "absent":
        AttendanceFactory(registration=registration, is_present=False)
    elif case == "not_finished":
        AttendanceFactory(registration=registration)
        Event.objects.filter(pk=registration.event_id).update(state=Event.State.PUBLISHED)
    elif case == "cancelled":
        AttendanceFactory(registration=registration)
        Registration.objects.filter(pk=registration.pk).update(status=Status.CANCELLED)
    with pytest.raises(exceptions.CertificateUnavailable):
        services.certificate_issue(registration=registration, actor=None)
    assert not Certificate.objects.exists()


def test_certificate_pdf_shows_participant_event_organiser_hours_and_cofinancing():
    region = RegionFactory(centre_name="Regionalny Ośrodek Polityki Społecznej w Gdańsku")
    registration = finished_registration(title="Forum LGD i OWES")
    AgendaItemFactory(
        event=registration.event,
        starts_at="10:00",
        ends_at="12:30",
        title="Warsztaty w grupach",
        day=first_day(registration.event),
    )
    AgendaItemFactory(
        event=registration.event,
        starts_at="13:00",
        ends_at="14:00",
        title="Postulaty",
        day=first_day(registration.event),
    )
    AttendanceFactory(registration=registration)
    certificate = services.certificate_issue(registration=registration, actor=None)
    pdf = services.certificate_render(certificate=certificate, region=region)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(
        "\n", " "
    )
    participant = registration.participant
    assert "Zaświadczenie" in text and certificate.number in text
    assert participant.last_name in text and "Forum LGD i OWES" in text
    assert "Regionalny Ośrodek Polityki Społecznej w Gdańsku" in text
    assert "3 godz. 30 min" in text
    assert "Warsztaty w grupach" in text
    assert registration.event.funding_project.cofinancing_notice[:30] in text


def test_report_publish_keeps_first_date_and_postulates_visibility():
    report = ReportFactory(
        is_published=False, published_at=None, event__state=Event.State.PUBLISHED
    )
    staff = StaffUserFactory()
    PostulateFactory(event=report.event)
    assert not selectors.postulate_list_public(event=report.event, report=report).exists()
    with time_machine.travel("2026-03-01 12:00 +01:00", tick=False):
        services.report_publish(report=report, actor=staff)
    services.report_unpublish(report=report, actor=staff)
    report = services.report_publish(report=report, actor=staff)
    assert timezone.localdate(report.published_at).isoformat() == "2026-03-01"
    assert selectors.postulate_list_public(event=report.event, report=report).count() == 1
    assert list(selectors.report_list_published()) == [report]
