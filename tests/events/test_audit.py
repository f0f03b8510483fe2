"""Every events service writes an audit entry with its actor; staff exports and private downloads too."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Material, Registration
from portal import roles
from portal.models import AuditLogEntry
from tests.factories import RegionFactory, RoleUserFactory

from .factories import (
    AttendanceFactory,
    EventFactory,
    MaterialFactory,
    RegistrationFactory,
    ReportFactory,
    member,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, consent_text):
    settings.MEDIA_ROOT = tmp_path
    RegionFactory()


@pytest.fixture
def coordinator():
    return RoleUserFactory(role=roles.EVENTS_COORDINATOR)


def entries(action):
    return list(AuditLogEntry.objects.filter(action=action).order_by("pk"))


def the_entry(action, target):
    found = [e for e in entries(action) if e.object_id == str(target.pk)]
    assert len(found) == 1, (action, [e.summary for e in entries(action)])
    return found[0]


def committed(service, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return service(**kwargs)


def test_registration_lifecycle_records_each_actor(coordinator):
    event = EventFactory(capacity=1, requires_approval=True)
    user, organisation = member()
    registration = committed(
        services.registration_create,
        event=event,
        participant=user,
        organisation=organisation,
        answers={},
        actor=user,
    )
    entry = the_entry("events.registration.create", registration)
    assert entry.actor == user and entry.changes["information_clause"] == "2026-01"

    waiting_user, waiting_org = member()
    waiting = services.registration_create(
        event=event,
        participant=waiting_user,
        organisation=waiting_org,
        answers={},
        actor=waiting_user,
    )
    assert waiting.status == Status.WAITLISTED

    services.registration_approve(registration=registration, actor=coordinator)
    assert the_entry("events.registration.approve", registration).actor == coordinator
    services.registration_move_to_waitlist(registration=registration, actor=coordinator)
    assert the_entry("events.registration.waitlist", registration).actor == coordinator
    services.registration_reject(registration=registration, actor=coordinator)
    entry = the_entry("events.registration.reject", registration)
    assert entry.actor == coordinator and entry.changes == {"status": ["waitlisted", "rejected"]}

    # A place offered from the waitlist names the staff member whose action freed or added it.
    Event.objects.filter(pk=event.pk).update(capacity=2)
    services.waitlist_promote(event=event, actor=coordinator)
    assert the_entry("events.registration.promote", waiting).actor == coordinator
    services.registration_cancel(registration=waiting, actor=waiting_user)
    assert the_entry("events.registration.cancel", waiting).actor == waiting_user


def test_event_transitions_record_actor_and_the_task_records_the_system(coordinator):
    draft = EventFactory(state=Event.State.DRAFT)
    services.event_publish(event=draft, actor=coordinator)
    assert the_entry("events.event.publish", draft).actor == coordinator
    services.event_cancel(event=draft, actor=coordinator)
    entry = the_entry("events.event.cancel", draft)
    assert entry.actor == coordinator and entry.changes == {"state": ["published", "cancelled"]}

    ended = EventFactory(starts_at=timezone.now() - timedelta(days=2), registration_closes_at=None)
    present = RegistrationFactory(event=ended)
    AttendanceFactory(registration=present)
    services.events_finish_ended()
    entry = the_entry("events.event.finish", ended)
    assert entry.actor is None and entry.actor_label == "system"
    # The certificate is issued by the end of the event, recorded as the system's act.
    certificate = the_entry("events.certificate.issue", present.certificate)
    assert certificate.actor is None


def test_attendance_and_late_certificate_record_the_staff_member(coordinator):
    event = EventFactory(state=Event.State.FINISHED, starts_at=timezone.now() - timedelta(days=2))
    registration = RegistrationFactory(event=event)
    day = timezone.localdate(event.starts_at)
    attendance = services.attendance_mark(
        registration=registration, day=day, is_present=True, actor=coordinator
    )
    entry = the_entry("events.attendance.mark", attendance)
    assert entry.actor == coordinator and entry.changes == {"is_present": [None, True]}
    registration.refresh_from_db()
    assert the_entry("events.certificate.issue", registration.certificate).actor == coordinator
    # The same mark again changes nothing and records nothing.
    services.attendance_mark(registration=registration, day=day, is_present=True, actor=coordinator)
    assert len(entries("events.attendance.mark")) == 1


def test_admin_event_edit_and_report_publication_record_actor(client, coordinator):
    client.force_login(coordinator)
    report = ReportFactory(is_published=False, published_at=None)
    client.post(
        reverse("admin:events_report_changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [report.pk]},
    )
    assert the_entry("events.report.publish", report).actor == coordinator
    client.post(
        reverse("admin:events_report_changelist"),
        {"action": "unpublish", ACTION_CHECKBOX_NAME: [report.pk]},
    )
    assert the_entry("events.report.unpublish", report).actor == coordinator


def test_registration_export_is_recorded(client, coordinator):
    registration = RegistrationFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "export_admin_action", ACTION_CHECKBOX_NAME: [registration.pk]},
    )
    form = response.context["form"]
    formats = {
        label.lower(): value for value, label in form.fields["format"].choices if value != ""
    }
    columns = {
        name: "on"
        for name, field in form.fields.items()
        if field.__class__.__name__ == "BooleanField"
    }
    response = client.post(
        reverse("admin:events_registration_export"),
        {
            "format": formats["csv"],
            "export_items": [registration.pk],
            "resource": form.initial.get("resource", 0),
            **columns,
        },
    )
    assert (
        response.status_code == 200
        and registration.participant.email in response.content.decode("utf-8-sig")
    )
    [entry] = entries("events.registration.export")
    assert entry.actor == coordinator and entry.changes["registrations"] == [registration.pk]


def test_staff_downloads_of_private_files_are_recorded_participants_own_are_not(
    client, coordinator
):
    event = EventFactory(state=Event.State.FINISHED, starts_at=timezone.now() - timedelta(days=2))
    registration = RegistrationFactory(event=event)
    AttendanceFactory(registration=registration)
    certificate = services.certificate_issue(registration=registration, actor=None)
    private = MaterialFactory(event=event, visibility=Material.Visibility.PARTICIPANTS)
    certificate_url = reverse("events:certificate_download", args=[registration.pk])

    client.force_login(registration.participant)
    assert client.get(certificate_url).status_code == 200
    assert client.get(private.get_absolute_url()).status_code == 200
    assert not entries("events.certificate.download") and not entries("events.material.download")

    client.force_login(coordinator)
    assert client.get(certificate_url).status_code == 200
    assert client.get(private.get_absolute_url()).status_code == 200
    assert client.get(reverse("events:attendance_list_pdf", args=[event.slug])).status_code == 200
    assert the_entry("events.certificate.download", certificate).actor == coordinator
    assert the_entry("events.material.download", private).actor == coordinator
    assert the_entry("events.event.attendance_list_download", event).actor == coordinator


def test_new_information_clause_added_in_the_admin_is_recorded(client):
    from events.models import ConsentText

    admin_user = RoleUserFactory(role=roles.ROPS_ADMINISTRATOR)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:events_consenttext_add"),
        {"version": "2027-01", "text_pl": "Nowa klauzula.", "is_active": "on"},
    )
    assert response.status_code == 302
    clause = ConsentText.objects.get(version="2027-01")
    assert the_entry("events.consenttext.create", clause).actor == admin_user
