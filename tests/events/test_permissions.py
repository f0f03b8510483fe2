"""The events permission matrix (docs/permissions.md, "Events"): one test per cell.

Every forbidden cell tries the action (page, download, POST, admin) and asserts 403/404 (or,
in an admin changelist the role may read, that the action is not offered) and that nothing
changed. Allowed cells check the same action works, so the refusals are not an accident.
"""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Attendance, Certificate, Event, Material, Registration, Report
from portal import roles
from portal.models import AuditLogEntry
from tests.factories import RegionFactory, RoleUserFactory
from tests.html_forms import PageForms, change_form

from .factories import (
    AttendanceFactory,
    EventFactory,
    MaterialFactory,
    RegistrationFactory,
    ReportFactory,
    ReportPhotoFactory,
    member,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status

ROLES = {
    "admin": roles.ROPS_ADMINISTRATOR,
    "coordinator": roles.EVENTS_COORDINATOR,
    "registry": roles.REGISTRY_EDITOR,
    "advisory": roles.ADVISORY_OFFICER,
    "reporting": roles.REPORTING,
    "no_role": None,  # staff with no permissions at all: must get nothing
    "partner": "partner",  # a member of a partner organisation, not staff, not the participant
}

# action -> roles allowed; every other role is a forbidden cell.
MATRIX = {
    "see_draft_event": {"admin", "coordinator", "registry", "advisory", "reporting"},
    "open_checkin_page": {"admin", "coordinator"},
    "mark_attendance": {"admin", "coordinator"},
    "download_attendance_list": {"admin", "coordinator", "reporting"},
    "download_others_certificate": {"admin", "coordinator"},
    "issue_certificates": {"admin", "coordinator"},
    "download_private_material": {"admin", "coordinator"},
    "see_unpublished_photo": {"admin", "coordinator", "reporting"},
    "cancel_others_registration_on_site": set(),  # staff cancel in the admin, with a confirmation
    "admin_list_registrations": {"admin", "coordinator", "reporting"},
    "admin_approve_registration": {"admin", "coordinator"},
    "admin_cancel_registration": {"admin", "coordinator"},
    "admin_export_registrations": {"admin", "coordinator"},
    "admin_export_postulates": {"admin", "coordinator", "reporting"},
    "admin_publish_event": {"admin", "coordinator"},
    "admin_cancel_event": {"admin", "coordinator"},
    "admin_edit_event": {"admin", "coordinator"},
    "admin_publish_report": {"admin", "coordinator"},
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    RegionFactory()


@pytest.fixture
def world():
    """One of everything the matrix acts on."""
    past = timezone.now() - timedelta(days=3)
    finished = EventFactory(state=Event.State.FINISHED, starts_at=past, title="Forum zakończone")
    attended = RegistrationFactory(event=finished)
    AttendanceFactory(registration=attended)
    services.certificate_issue(registration=attended, actor=None)
    late = RegistrationFactory(event=finished)  # marked present, certificate not issued yet
    Attendance.objects.create(
        registration=late,
        day=timezone.localdate(past),
        is_present=True,
        marked_by=attended.participant,
    )
    upcoming = EventFactory(requires_approval=True, title="Spotkanie z akceptacją")
    pending = RegistrationFactory(event=upcoming, status=Status.PENDING)
    confirmed = RegistrationFactory(event=upcoming)
    report = ReportFactory(event=finished, is_published=False, published_at=None)
    return {
        "finished": finished,
        "attended": attended,
        "upcoming": upcoming,
        "pending": pending,
        "confirmed": confirmed,
        "draft": EventFactory(state=Event.State.DRAFT, title="Szkic wydarzenia"),
        "private": MaterialFactory(event=finished, visibility=Material.Visibility.PARTICIPANTS),
        "report": report,
        "photo": ReportPhotoFactory(report=report),
    }


def make_user(role):
    if role == "partner":
        return member()[0]
    return RoleUserFactory(role=role)


def snapshot():
    """Everything an events action could change."""
    return {
        "events": sorted(Event.objects.values_list("pk", "state", "title")),
        "registrations": sorted(Registration.objects.values_list("pk", "status")),
        "attendance": sorted(Attendance.objects.values_list("pk", "is_present")),
        "certificates": sorted(Certificate.objects.values_list("pk", flat=True)),
        "reports": sorted(Report.objects.values_list("pk", "is_published")),
    }


def admin_action(client, model, action, objects, **extra):
    url = reverse(f"admin:events_{model}_changelist")
    return client.post(
        url, {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
    )


def run(action, client, world):
    """Try the action; return (response, kind) where kind is "page", "post" or an admin changelist model."""
    day = timezone.localdate(world["finished"].starts_at).isoformat()
    if action == "see_draft_event":
        return client.get(world["draft"].get_absolute_url()), "page"
    if action == "open_checkin_page":
        return client.get(reverse("events:checkin", args=[world["finished"].slug])), "page"
    if action == "mark_attendance":
        url = reverse("events:checkin", args=[world["finished"].slug])
        return client.post(
            url, {"registration": world["attended"].pk, "day": day, "present": "0"}
        ), "post"
    if action == "download_attendance_list":
        return client.get(
            reverse("events:attendance_list_pdf", args=[world["finished"].slug])
        ), "page"
    if action == "download_others_certificate":
        return client.get(
            reverse("events:certificate_download", args=[world["attended"].pk])
        ), "page"
    if action == "issue_certificates":
        return client.post(
            reverse("events:certificates_issue", args=[world["finished"].slug])
        ), "post"
    if action == "download_private_material":
        return client.get(world["private"].get_absolute_url()), "page"
    if action == "see_unpublished_photo":
        return client.get(world["photo"].get_absolute_url()), "page"
    if action == "cancel_others_registration_on_site":
        return client.post(
            reverse("events:registration_cancel", args=[world["confirmed"].pk])
        ), "post"
    if action == "admin_list_registrations":
        return client.get(reverse("admin:events_registration_changelist")), "page"
    if action == "admin_approve_registration":
        return admin_action(client, "registration", "approve", [world["pending"]]), "registration"
    if action == "admin_cancel_registration":
        return admin_action(
            client, "registration", "cancel", [world["confirmed"]], confirmed="yes"
        ), "registration"
    if action == "admin_export_registrations":
        url = reverse("admin:events_registration_export")
        return client.post(
            url, {"format": "0", "export_items": [world["confirmed"].pk], "resource": 0}
        ), "page"
    if action == "admin_export_postulates":
        return client.post(
            reverse("admin:events_postulate_export"), {"format": "0", "resource": 0}
        ), "page"
    if action == "admin_publish_event":
        return admin_action(client, "event", "publish", [world["draft"]]), "event"
    if action == "admin_cancel_event":
        return admin_action(
            client, "event", "cancel", [world["upcoming"]], confirmed="yes"
        ), "event"
    if action == "admin_edit_event":
        url = reverse("admin:events_event_change", args=[world["upcoming"].pk])
        # The change form as the admin renders it for this role, posted back with a new title:
        # a role that may edit gets it saved, not a page of errors about missing fields.
        fields = {"title": "Zmieniony tytuł"}
        page = client.get(url)
        if page.status_code == 200:
            parser = PageForms()
            parser.feed(page.content.decode())
            form = change_form(parser, url)
            if form is not None:
                fields = {
                    name: value for name, value in form["fields"].items() if value is not None
                }
                # The Polish title is the field of the default language (modeltranslation).
                fields["title_pl"] = "Zmieniony tytuł"
        return client.post(url, fields), "post"
    if action == "admin_publish_report":
        return admin_action(client, "report", "publish", [world["report"]]), "report"
    raise AssertionError(action)


FORBIDDEN = [
    (action, role) for action, allowed in MATRIX.items() for role in ROLES if role not in allowed
]
ALLOWED = [(action, role) for action, allowed in MATRIX.items() for role in sorted(allowed)]


@pytest.mark.parametrize(("action", "role"), FORBIDDEN)
def test_forbidden_cell_gets_403_or_404_and_changes_nothing(client, world, action, role):
    user = make_user(ROLES[role])
    client.force_login(user)
    before, audit_before = snapshot(), AuditLogEntry.objects.count()
    response, kind = run(action, client, world)
    if kind in ("page", "post"):
        expected = {302} if role == "partner" and action.startswith("admin_") else {403, 404}
        assert response.status_code in expected, (action, role, response.status_code)
    elif user.has_perm(f"events.view_{kind}"):
        # The role may read this admin list, but the action is not offered there.
        changelist = client.get(reverse(f"admin:events_{kind}_changelist"))
        assert changelist.status_code == 200
        action_form = changelist.context["action_form"]
        offered = (
            [name for name, _label in action_form.fields["action"].choices] if action_form else []
        )
        assert action.removeprefix("admin_").split("_")[0] not in offered
    else:
        expected = {302} if role == "partner" else {403}
        assert response.status_code in expected, (action, role, response.status_code)
    assert snapshot() == before
    assert AuditLogEntry.objects.count() == audit_before  # nothing done, nothing disclosed


@pytest.mark.parametrize(("action", "role"), ALLOWED)
def test_allowed_cell_works(client, world, action, role):
    client.force_login(make_user(ROLES[role]))
    before = snapshot()
    response, kind = run(action, client, world)
    if kind == "page":
        assert response.status_code == 200, (action, role, response.status_code)
        return
    assert response.status_code in (200, 302), (action, role, response.status_code)
    if action == "admin_edit_event":
        assert response.status_code == 302, response.context["adminform"].form.errors
        world["upcoming"].refresh_from_db()
        assert world["upcoming"].title == "Zmieniony tytuł"
    assert snapshot() != before, (action, role)


def test_staff_without_role_sees_no_staff_links_on_the_event_page(client, world):
    client.force_login(RoleUserFactory(role=None))
    content = client.get(world["finished"].get_absolute_url()).content.decode()
    assert reverse("events:checkin", args=[world["finished"].slug]) not in content
    assert reverse("admin:events_registration_changelist") not in content
    assert world["private"].get_absolute_url() not in content
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    content = client.get(world["finished"].get_absolute_url()).content.decode()
    assert reverse("events:checkin", args=[world["finished"].slug]) in content
    assert world["private"].get_absolute_url() in content


def test_services_refuse_an_actor_without_the_permission(world):
    """The admin and the site are not the only guards: the services check the actor too."""
    from events import exceptions

    nobody = RoleUserFactory(role=None)
    before = snapshot()
    calls = [
        lambda: services.registration_approve(registration=world["pending"], actor=nobody),
        lambda: services.registration_cancel(registration=world["confirmed"], actor=nobody),
        lambda: services.event_cancel(event=world["upcoming"], actor=nobody),
        lambda: services.event_publish(event=world["draft"], actor=nobody),
        lambda: services.report_publish(report=world["report"], actor=nobody),
        lambda: services.certificates_issue_for_event(event=world["finished"], actor=nobody),
        lambda: services.attendance_mark(
            registration=world["attended"],
            day=timezone.localdate(world["finished"].starts_at),
            is_present=False,
            actor=nobody,
        ),
    ]
    for call in calls:
        with pytest.raises(exceptions.EventsError):
            call()
    assert snapshot() == before


def test_admin_link_in_the_menu_only_for_staff_with_some_permission(client):
    client.force_login(RoleUserFactory(role=None))
    assert reverse("admin:index") not in client.get("/").content.decode()
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    assert reverse("admin:index") in client.get("/").content.decode()
