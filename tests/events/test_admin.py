"""Staff tools in the admin: places at a glance, bulk actions, export, attendance list."""

import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.models import Event, Registration
from tests.factories import StaffUserFactory

from .factories import EventFactory, QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory())
    return client


def run_action(client, model, action, objects, follow=False, **extra):
    url = reverse(f"admin:events_{model}_changelist")
    return client.post(
        url,
        {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra},
        follow=follow,
    )


def test_event_changelist_shows_free_places_and_waitlist(staff_client):
    event = EventFactory(capacity=3, title="Forum OWES")
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Status.PENDING)
    RegistrationFactory(event=event, status=Status.WAITLISTED, waitlisted_at=timezone.now())
    content = staff_client.get(reverse("admin:events_event_changelist")).content.decode()
    assert "2 / 3 · wolne: 1 · rezerwa: 1" in content


def test_event_admin_add_page_renders(staff_client):
    assert staff_client.get(reverse("admin:events_event_add")).status_code == 200


def test_registration_changelist_filters_by_event_and_status(staff_client):
    event = EventFactory()
    confirmed = RegistrationFactory(event=event)
    other = RegistrationFactory()
    response = staff_client.get(
        reverse("admin:events_registration_changelist"),
        {"event__id__exact": event.pk, "status__exact": "confirmed"},
    )
    shown = list(response.context["cl"].result_list)
    assert shown == [confirmed] and other not in shown


def test_bulk_approve_and_reject(staff_client):
    event = EventFactory(capacity=3, requires_approval=True)
    first, second = (RegistrationFactory(event=event, status=Status.PENDING) for _ in range(2))
    third = RegistrationFactory(event=event, status=Status.PENDING)
    run_action(staff_client, "registration", "approve", [first, second])
    run_action(staff_client, "registration", "reject", [third])
    statuses = [
        r.status
        for r in Registration.objects.filter(pk__in=[first.pk, second.pk, third.pk]).order_by("pk")
    ]
    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.REJECTED]


def test_move_between_waitlist_and_confirmed_never_overbooks(staff_client):
    event = EventFactory(capacity=1)
    confirmed = RegistrationFactory(event=event)
    waiting = RegistrationFactory(
        event=event, status=Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    response = run_action(staff_client, "registration", "move_to_confirmed", [waiting], follow=True)
    assert "Brak wolnych miejsc" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED
    run_action(staff_client, "registration", "move_to_waitlist", [confirmed])
    run_action(staff_client, "registration", "move_to_confirmed", [waiting])
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert (confirmed.status, waiting.status) == (Status.WAITLISTED, Status.CONFIRMED)


def test_export_registrations_to_csv_and_xlsx(staff_client):
    event = EventFactory(title="Wizyta studyjna")
    question = QuestionFactory(event=event, label="Dieta")
    registration = RegistrationFactory(event=event, answers={str(question.pk): "wegańska"})
    # The export action shows a form to pick the format and columns, then exports.
    response = run_action(staff_client, "registration", "export_admin_action", [registration])
    form = response.context["form"]
    formats = {
        label.lower(): value for value, label in form.fields["format"].choices if value != ""
    }
    columns = {
        name: "on"
        for name, field in form.fields.items()
        if field.__class__.__name__ == "BooleanField"
    }
    for check in ("csv", "xlsx"):
        response = staff_client.post(
            reverse("admin:events_registration_export"),
            {
                "format": formats[check],
                "export_items": [registration.pk],
                "resource": form.initial.get("resource", 0),
                **columns,
            },
        )
        assert response.status_code == 200, response.content[:500]
        if check == "csv":
            text = response.content.decode("utf-8-sig")
            assert (
                registration.participant.email in text
                and "Dieta: wegańska" in text
                and "potwierdzone" in text
            )
        else:
            sheet = load_workbook(io.BytesIO(response.content)).active
            values = [cell.value for row in sheet.iter_rows() for cell in row]
            assert registration.participant.email in values


def test_attendance_list_pdf(staff_client):
    from pypdf import PdfReader

    event = EventFactory(title="Spotkanie robocze")
    registration = RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Status.WAITLISTED, waitlisted_at=timezone.now())
    response = run_action(staff_client, "event", "attendance_list_pdf", [event])
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Lista obecności" in text and registration.participant.last_name in text
    assert event.funding_project.cofinancing_notice[:30] in text.replace("\n", " ")


def test_cancel_event_from_admin_asks_then_notifies_and_records_actor(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    from portal import roles
    from portal.models import AuditLogEntry, OutboundEmail
    from tests.factories import RoleUserFactory

    coordinator = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    client.force_login(coordinator)
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    waiting = RegistrationFactory(
        event=event, status=Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    # The first click only asks (a plain form, no JavaScript); nothing changes yet.
    response = run_action(client, "event", "cancel", [event])
    assert response.status_code == 200 and "Tak, odwołaj wydarzenia" in response.content.decode()
    event.refresh_from_db()
    assert event.state == Event.State.PUBLISHED and not OutboundEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        run_action(client, "event", "cancel", [event], confirmed="yes")
    event.refresh_from_db()
    assert event.state == Event.State.CANCELLED
    # Through the outbox, to everyone holding a place or waiting for one.
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == sorted(
        [registration.participant.email, waiting.participant.email]
    )
    assert len(mailoutbox) == 2 and all("odwołane" in message.subject for message in mailoutbox)
    entry = AuditLogEntry.objects.get(action="events.event.cancel")
    assert entry.actor == coordinator and entry.object_id == str(event.pk)
    assert entry.changes == {"state": ["published", "cancelled"]}


def test_event_state_is_read_only_in_the_admin(staff_client):
    event = EventFactory()
    form = (
        staff_client.get(reverse("admin:events_event_change", args=[event.pk]))
        .context["adminform"]
        .form
    )
    assert "state" not in form.fields


def test_non_staff_cannot_open_registrations_admin(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("admin:events_registration_changelist"))
    assert response.status_code == 302


def test_registration_list_for_one_event_shows_places_summary(staff_client):
    event = EventFactory(capacity=4, title="Wizyta studyjna")
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Status.PENDING)
    content = staff_client.get(
        reverse("admin:events_registration_changelist"), {"event__id__exact": event.pk}
    ).content.decode()
    assert (
        "zajęte miejsca 2 z 4 (w tym oczekujące na akceptację: 1) · wolne: 2 · lista rezerwowa: 0"
        in content
    )
    assert "Eksport" in content  # the export button is still there


def test_raising_capacity_in_admin_promotes_waitlist_in_order(
    staff_client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    first = RegistrationFactory(event=event, status=Status.WAITLISTED, waitlisted_at=timezone.now())
    second = RegistrationFactory(
        event=event,
        status=Status.WAITLISTED,
        waitlisted_at=timezone.now() + timezone.timedelta(seconds=1),
    )
    url = reverse("admin:events_event_change", args=[event.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if name in ("target_groups", "subregions"):
            data[name] = [v.pk for v in value]
        elif (
            hasattr(value, "isoformat") and name.endswith("_at") or name in ("starts_at", "ends_at")
        ):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = (
                local.strftime("%Y-%m-%d"),
                local.strftime("%H:%M:%S"),
            )
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif hasattr(value, "pk"):
            data[name] = value.pk
        else:
            data[name] = value
    data["capacity"] = 2
    for prefix in (
        "agenda_items",
        "session_slots",
        "sessions",
        "speakers",
        "questions",
        "materials",
        "postulates",
        "messages",
    ):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.CONFIRMED, Status.WAITLISTED)


def test_history_revert_cannot_bypass_the_services(staff_client):
    registration = RegistrationFactory(status=Status.PENDING)
    version = registration.history.earliest()
    Registration.objects.filter(pk=registration.pk).update(status=Status.REJECTED)
    url = reverse(
        "admin:events_registration_simple_history", args=[registration.pk, version.history_id]
    )
    assert staff_client.get(url).status_code == 200  # history stays readable
    assert staff_client.post(url, {}).status_code == 403
    registration.refresh_from_db()
    assert registration.status == Status.REJECTED
