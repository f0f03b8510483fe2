"""After the event in the browser-facing views: check-in page, certificates, materials, photos, reports.

Every download is tried by an anonymous visitor, another partner, the participant and staff.
"""

import io
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from events import exceptions, services
from events.models import Attendance, Certificate, Event, Material, Registration
from tests.factories import RegionFactory, StaffUserFactory, UserFactory

from .factories import (
    AttendanceFactory,
    EventFactory,
    MaterialFactory,
    PostulateFactory,
    RegistrationFactory,
    ReportPhotoFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    RegionFactory()


def login(client, user):
    client.force_login(user)
    return client


# --- check-in ------------------------------------------------------------------------------


def test_checkin_page_is_staff_only(client):
    event = EventFactory()
    url = reverse("events:checkin", args=[event.slug])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    registration = RegistrationFactory(event=event)
    login(client, registration.participant)
    assert client.get(url).status_code == 404
    day = timezone.localdate(event.starts_at).isoformat()
    response = client.post(url, {"registration": registration.pk, "day": day, "present": "1"})
    assert response.status_code == 404 and not Attendance.objects.exists()


def test_checkin_lists_confirmed_participants_with_search(client):
    event = EventFactory()
    anna = RegistrationFactory(
        event=event, participant=UserFactory(first_name="Anna", last_name="Zawadzka")
    )
    RegistrationFactory(event=event, participant=UserFactory(first_name="Piotr", last_name="Kowal"))
    RegistrationFactory(
        event=event,
        status=Status.WAITLISTED,
        waitlisted_at=timezone.now(),
        participant=UserFactory(first_name="Ewa", last_name="Rezerwowa"),
    )
    login(client, StaffUserFactory())
    content = client.get(reverse("events:checkin", args=[event.slug])).content.decode()
    assert "Zawadzka" in content and "Kowal" in content and "Rezerwowa" not in content
    content = client.get(
        reverse("events:checkin", args=[event.slug]), {"szukaj": "zawadzka"}
    ).content.decode()
    assert "Zawadzka" in content and "Kowal" not in content
    assert f'id="r{anna.pk}"' in content


def test_checkin_post_marks_present_once_and_redirects_back(client):
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    staff = StaffUserFactory()
    login(client, staff)
    url = reverse("events:checkin", args=[event.slug])
    day = timezone.localdate(event.starts_at).isoformat()
    for _click in range(2):
        response = client.post(
            url, {"registration": registration.pk, "day": day, "present": "1", "szukaj": "x"}
        )
        location = response["Location"]
        assert response.status_code == 302 and location.startswith(f"{url}?")
        assert "szukaj=x" in location and location.endswith(f"#r{registration.pk}")
    attendance = Attendance.objects.get()
    assert attendance.is_present and attendance.marked_by == staff
    client.post(url, {"registration": registration.pk, "day": day, "present": "0"})
    attendance.refresh_from_db()
    assert attendance.is_present is False
    page = client.get(url).content.decode()
    assert "✗ nieobecność" in page and staff.email in page


def test_checkin_other_events_registration_or_bad_day_is_refused(client):
    event = EventFactory()
    foreign = RegistrationFactory()
    own = RegistrationFactory(event=event)
    login(client, StaffUserFactory())
    url = reverse("events:checkin", args=[event.slug])
    day = timezone.localdate(event.starts_at)
    assert (
        client.post(
            url, {"registration": foreign.pk, "day": day.isoformat(), "present": "1"}
        ).status_code
        == 404
    )
    response = client.post(
        url,
        {"registration": own.pk, "day": (day + timedelta(days=9)).isoformat(), "present": "1"},
        follow=True,
    )
    assert "nie odbywa się w tym dniu" in response.content.decode()
    response = client.post(
        url, {"registration": own.pk, "day": "wczoraj", "present": "tak"}, follow=True
    )
    assert (
        response.status_code == 200
        and "Nie udało się zapisać obecności" in response.content.decode()
    )
    assert not Attendance.objects.exists()


def test_checkin_multi_day_tabs_and_day_choice(client):
    start = timezone.now() + timedelta(days=5)
    event = EventFactory(
        type=Event.Type.STUDY_VISIT, starts_at=start, ends_at=start + timedelta(days=2)
    )
    registration = RegistrationFactory(event=event)
    login(client, StaffUserFactory())
    url = reverse("events:checkin", args=[event.slug])
    second = (timezone.localdate(start) + timedelta(days=1)).isoformat()
    response = client.post(url, {"registration": registration.pk, "day": second, "present": "1"})
    assert response["Location"].startswith(f"{url}?dzien={second}")
    assert Attendance.objects.get().day.isoformat() == second
    content = client.get(url, {"dzien": second}).content.decode()
    assert "Dzień 3" in content and 'aria-current="page">Dzień 2' in content


def test_attendance_pdf_shows_who_was_present(client):
    event = EventFactory()
    present = RegistrationFactory(event=event, participant=UserFactory(last_name="Obecna"))
    RegistrationFactory(event=event, participant=UserFactory(last_name="Nieobecny"))
    AttendanceFactory(registration=present)
    url = reverse("events:attendance_list_pdf", args=[event.slug])
    login(client, present.participant)
    assert client.get(url).status_code == 404
    login(client, StaffUserFactory())
    response = client.get(url)
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
    ).replace("\n", " ")
    assert "Według rejestracji obecności: obecność 1, nieobecność 0, nie oznaczono 1." in text
    assert "Obecna" in text and "Nieobecny" in text


# --- certificates --------------------------------------------------------------------------


@pytest.fixture
def attended():
    event = EventFactory(state=Event.State.FINISHED, starts_at=timezone.now() - timedelta(days=3))
    colleague = UserFactory()
    registration = RegistrationFactory(event=event)
    Registration.objects.filter(pk=registration.pk).update(registered_by=colleague)
    registration.refresh_from_db()
    AttendanceFactory(registration=registration)
    services.certificate_issue(
        registration=registration, actor=None
    )  # as when the event was finished
    return registration


def test_certificate_download_permissions(client, attended):
    url = reverse("events:certificate_download", args=[attended.pk])
    assert client.get(url).status_code == 302  # anonymous: log in first
    login(client, UserFactory())  # another partner
    assert client.get(url).status_code == 404
    for allowed in (attended.participant, attended.registered_by, StaffUserFactory()):
        login(client, allowed)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    certificate = Certificate.objects.get()  # one number, whoever downloads and how often
    assert certificate.number.replace("/", "-") in response["Content-Disposition"]


def test_certificate_download_never_issues_one(client, attended):
    """A GET only serves an issued certificate: without one it is 404 and nothing is created."""
    Certificate.objects.all().delete()
    url = reverse("events:certificate_download", args=[attended.pk])
    for user in (attended.participant, StaffUserFactory()):
        login(client, user)
        assert client.get(url).status_code == 404
    assert not Certificate.objects.exists()
    login(client, attended.participant)
    content = client.get(reverse("events:my_registrations")).content.decode()
    assert url not in content and "w przygotowaniu" in content


def test_certificate_not_issued_for_absent_or_unfinished(attended):
    Certificate.objects.all().delete()
    Attendance.objects.update(is_present=False)
    with pytest.raises(exceptions.CertificateUnavailable):
        services.certificate_issue(registration=attended, actor=None)
    Attendance.objects.update(is_present=True)
    Event.objects.filter(pk=attended.event_id).update(state=Event.State.PUBLISHED)
    with pytest.raises(exceptions.CertificateUnavailable):
        services.certificate_issue(registration=attended, actor=None)
    assert not Certificate.objects.exists()


def test_my_registrations_offers_certificate_only_when_present(client, attended):
    other_event = EventFactory(
        state=Event.State.FINISHED, starts_at=timezone.now() - timedelta(days=9)
    )
    absent = RegistrationFactory(event=other_event, participant=attended.participant)
    login(client, attended.participant)
    content = client.get(reverse("events:my_registrations")).content.decode()
    assert reverse("events:certificate_download", args=[attended.pk]) in content
    assert reverse("events:certificate_download", args=[absent.pk]) not in content
    assert "brak potwierdzonej obecności" in content


# --- materials -----------------------------------------------------------------------------


@pytest.fixture
def materials():
    event = EventFactory(state=Event.State.FINISHED, starts_at=timezone.now() - timedelta(days=3))
    public = MaterialFactory(event=event, title="Prezentacja ROPS")
    private = MaterialFactory(
        event=event, title="Lista kontaktów grup", visibility=Material.Visibility.PARTICIPANTS
    )
    return event, public, private


def test_public_material_for_everyone(client, materials):
    event, public, _private = materials
    response = client.get(public.get_absolute_url())
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"


def test_participants_only_material_permissions(client, materials):
    event, _public, private = materials
    url = private.get_absolute_url()
    assert client.get(url).status_code == 404  # anonymous
    login(client, UserFactory())  # another partner
    assert client.get(url).status_code == 404
    waiting = RegistrationFactory(
        event=event, status=Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    login(client, waiting.participant)
    assert client.get(url).status_code == 404
    participant = RegistrationFactory(event=event).participant
    login(client, participant)
    assert client.get(url).status_code == 200
    login(client, StaffUserFactory())
    assert client.get(url).status_code == 200


def test_material_of_other_event_or_draft_is_404(client, materials):
    event, public, _private = materials
    other = EventFactory()
    assert (
        client.get(reverse("events:material_download", args=[other.slug, public.pk])).status_code
        == 404
    )
    Event.objects.filter(pk=event.pk).update(state=Event.State.DRAFT)
    assert client.get(public.get_absolute_url()).status_code == 404


def test_event_page_lists_materials_by_permission(client, materials):
    event, public, private = materials
    content = client.get(event.get_absolute_url()).content.decode()
    assert "Prezentacja ROPS" in content and "Lista kontaktów grup" not in content
    assert "dostępny tylko dla uczestników" in content
    login(client, RegistrationFactory(event=event).participant)
    content = client.get(event.get_absolute_url()).content.decode()
    assert "Lista kontaktów grup" in content and private.get_absolute_url() in content


# --- reports and photos --------------------------------------------------------------------


def test_published_report_with_photos_on_event_page_and_list(client):
    photo = ReportPhotoFactory(
        report__body="<p>Dobre spotkanie.</p><script>alert(1)</script>", credit="Jan Kos"
    )
    report = photo.report
    content = client.get(report.event.get_absolute_url()).content.decode()
    assert "Dobre spotkanie." in content and "<script>alert(1)" not in content
    assert f'alt="{photo.alt_text}"' in content and "Fot. Jan Kos" in content
    assert client.get(photo.get_absolute_url()).status_code == 200
    listing = client.get(reverse("events:report_list")).content.decode()
    assert report.title in listing


def test_unpublished_report_photos_are_staff_only(client):
    photo = ReportPhotoFactory(report__is_published=False, report__published_at=None)
    url = photo.get_absolute_url()
    assert client.get(url).status_code == 404
    login(client, RegistrationFactory(event=photo.report.event).participant)
    assert client.get(url).status_code == 404
    assert (
        photo.report.title not in client.get(photo.report.event.get_absolute_url()).content.decode()
    )
    assert photo.report.title not in client.get(reverse("events:report_list")).content.decode()
    login(client, StaffUserFactory())
    assert client.get(url).status_code == 200
    assert (
        "relacja nieopublikowana"
        in client.get(photo.report.event.get_absolute_url()).content.decode()
    )


def test_photo_of_draft_event_or_wrong_slug_is_404(client):
    photo = ReportPhotoFactory()
    assert (
        client.get(reverse("events:photo", args=[EventFactory().slug, photo.pk])).status_code == 404
    )
    Event.objects.filter(pk=photo.report.event_id).update(state=Event.State.DRAFT)
    assert client.get(photo.get_absolute_url()).status_code == 404


# --- postulates ----------------------------------------------------------------------------


def test_postulates_shown_once_event_finished(client):
    postulate = PostulateFactory(
        event__state=Event.State.PUBLISHED,
        status="forwarded",
        forwarded_on=timezone.localdate(),
        text="Regionalna platforma współpracy OWES i LGD",
    )
    event = postulate.event
    assert "Regionalna platforma" not in client.get(event.get_absolute_url()).content.decode()
    event.state = Event.State.FINISHED
    event.save()
    content = client.get(event.get_absolute_url()).content.decode()
    assert (
        "Postulaty ze spotkania" in content
        and "Regionalna platforma" in content
        and "przekazany" in content
    )


def test_material_file_missing_on_disk_is_404_not_500(client, materials):
    _event, public, _private = materials
    public.file.storage.delete(public.file.name)
    assert client.get(public.get_absolute_url()).status_code == 404
    assert pdf_bytes()  # the helper itself renders


def test_event_page_offers_certificate_to_present_participant_only(client, attended):
    url = reverse("events:certificate_download", args=[attended.pk])
    login(client, attended.participant)
    assert url in client.get(attended.event.get_absolute_url()).content.decode()
    login(client, UserFactory())
    assert url not in client.get(attended.event.get_absolute_url()).content.decode()
    Certificate.objects.all().delete()
    login(client, attended.participant)
    assert url not in client.get(attended.event.get_absolute_url()).content.decode()


def test_attendance_pdf_block_rows_keep_signature_column_and_days(client):
    # 10:00 Warsaw time tomorrow, so that the event spans exactly two calendar days at any hour.
    tomorrow = timezone.localdate() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, time(10, 0)))
    event = EventFactory(starts_at=start, ends_at=start + timedelta(days=1, hours=6))
    present = RegistrationFactory(event=event, participant=UserFactory(last_name="Dwudniowa"))
    AttendanceFactory(registration=present, day=timezone.localdate(start) + timedelta(days=1))
    login(client, StaffUserFactory())
    response = client.get(reverse("events:attendance_list_pdf", args=[event.slug]))
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
    ).replace("\n", " ")
    assert "Podpis" in text and "Dwudniowa" in text
    second_day = text[text.index("Dzień 2 z 2") :]
    assert "Dwudniowa" in second_day and "obecność" in second_day
    assert present.organisation.name in text
