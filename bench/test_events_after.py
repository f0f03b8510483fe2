"""Benchmarks after the event: the check-in page and attendance PDF for 500 participants, a certificate."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events import services
from events.models import Attendance, Event, Registration
from tests.events.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    ConsentTextFactory,
    EventFactory,
    RegistrationFactory,
)
from tests.factories import StaffUserFactory, UserFactory
from tests.partners.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _event_with_participants(count: int):
    """A finished one-day event with ``count`` confirmed people, 80 % of them marked (4 in 5 present)."""
    staff = StaffUserFactory()
    event = EventFactory(
        state=Event.State.FINISHED, starts_at=timezone.now() - timedelta(days=2), capacity=count
    )
    organisation = OrganisationFactory()
    consent = ConsentTextFactory()
    people = UserFactory.create_batch(count)
    now = timezone.now()
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            participant=person,
            organisation=organisation,
            registered_by=person,
            status=Registration.Status.CONFIRMED,
            consent_text=consent,
            consented_at=now,
        )
        for person in people
    )
    day = timezone.localdate(event.starts_at)
    Attendance.objects.bulk_create(
        Attendance(registration=r, day=day, is_present=index % 5 != 0, marked_by=staff)
        for index, r in enumerate(registrations[: count * 4 // 5])
    )
    return event, staff


@pytest.fixture
def big_event(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return _event_with_participants(500)


def test_checkin_page_500_participants(benchmark, big_event, django_assert_max_num_queries):
    event, staff = big_event
    client = Client()
    client.force_login(staff)
    url = f"/wydarzenia/{event.slug}/obecnosc/"
    with django_assert_max_num_queries(12):  # constant, whatever the number of participants
        assert client.get(url).status_code == 200
    response = benchmark(client.get, url)
    assert response.content.count(b'name="present" value="1"') == 500


def test_checkin_click(benchmark, big_event):
    event, staff = big_event
    registrations = list(event.registrations.all()[:200])
    day = timezone.localdate(event.starts_at)
    counter = iter(range(10_000))

    def click():
        registration = registrations[next(counter) % len(registrations)]
        return services.attendance_mark(
            registration=registration, day=day, is_present=True, actor=staff
        )

    benchmark.pedantic(click, rounds=100)


def test_attendance_pdf_500_participants(benchmark, big_event):
    event, staff = big_event
    client = Client()
    client.force_login(staff)
    response = benchmark.pedantic(
        client.get, args=(f"/wydarzenia/{event.slug}/obecnosc/lista.pdf",), rounds=3
    )
    assert response["Content-Type"] == "application/pdf"


def test_attendance_pdf_1000_participants(benchmark, settings, tmp_path):
    """The performance issue's figure: a 1,000-person list (target 1.5 s)."""
    settings.MEDIA_ROOT = tmp_path
    event, staff = _event_with_participants(1000)
    client = Client()
    client.force_login(staff)
    response = benchmark.pedantic(
        client.get, args=(f"/wydarzenia/{event.slug}/obecnosc/lista.pdf",), rounds=3
    )
    assert response["Content-Type"] == "application/pdf"


def test_certificate_download(benchmark):
    event = EventFactory(state=Event.State.FINISHED, starts_at=timezone.now() - timedelta(days=2))
    for hour in range(9, 16):
        AgendaItemFactory(
            event=event, starts_at=f"{hour:02d}:00", ends_at=f"{hour:02d}:45", title=f"Punkt {hour}"
        )
    registration = RegistrationFactory(event=event)
    AttendanceFactory(registration=registration)
    # A download never issues a certificate: staff or the end-of-event task do.
    services.certificate_issue(registration=registration, actor=None)
    client = Client()
    client.force_login(registration.participant)
    response = benchmark.pedantic(
        client.get, args=(f"/wydarzenia/zgloszenia/{registration.pk}/zaswiadczenie.pdf",), rounds=10
    )
    assert response.status_code == 200
