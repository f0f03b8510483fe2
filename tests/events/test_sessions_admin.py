"""Workshops in the admin: inlines on the event, saving through the service, staff assignment."""

import html

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import EventSession, Registration, SessionPlace
from portal import roles
from portal.models import AuditLogEntry
from tests.factories import RoleUserFactory

from .factories import EventFactory, EventSessionFactory, SessionSlotFactory, member

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture(autouse=True)
def _consent(consent_text):
    return consent_text


@pytest.fixture
def coordinator_client(client):
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    return client


def _value(data, prefix, name, field, value):
    key = f"{prefix}{name}"
    if value is None:
        return
    if hasattr(value, "all"):
        data[key] = [v.pk for v in value.all()]
    elif isinstance(value, list | tuple):
        data[key] = [getattr(v, "pk", v) for v in value]
    elif hasattr(value, "tzinfo") and hasattr(value, "hour") and hasattr(value, "date"):
        local = timezone.localtime(value)
        data[f"{key}_0"], data[f"{key}_1"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")
    elif isinstance(value, bool):
        if value:
            data[key] = "on"
    elif hasattr(value, "pk"):
        data[key] = value.pk
    else:
        data[key] = value


def change_form_data(client, url) -> dict:
    """The change form's data as the browser would send it back unchanged (inlines included)."""
    context = client.get(url).context
    form = context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        _value(data, "", name, field, form.initial.get(name, field.initial))
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        count = len(formset.initial_forms)
        data[f"{formset.prefix}-TOTAL_FORMS"] = count
        data[f"{formset.prefix}-INITIAL_FORMS"] = count
        for one in formset.initial_forms:
            for name, field in one.fields.items():
                initial = one.initial.get(name, field.initial)
                _value(data, f"{one.prefix}-", name, field, initial)
    return data


def register(event, *sessions):
    user, organisation = member()
    return services.registration_create(
        event=event,
        participant=user,
        organisation=organisation,
        answers={},
        actor=user,
        sessions=list(sessions),
    )


def test_event_form_has_slot_and_workshop_inlines_limited_to_its_slots(coordinator_client):
    slot = SessionSlotFactory(title="Blok poranny")
    EventSessionFactory(slot=slot, title="Warsztat o klauzulach")
    SessionSlotFactory(title="Blok innego wydarzenia")
    response = coordinator_client.get(reverse("admin:events_event_change", args=[slot.event.pk]))
    content = html.unescape(response.content.decode())
    assert "Warsztat o klauzulach" in content
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is EventSession
    )
    choices = list(formset.forms[0].fields["slot"].queryset)
    assert choices == [slot]


def test_raising_workshop_places_in_the_event_form_promotes_the_waitlist(
    coordinator_client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=2)
    slot = SessionSlotFactory(event=event)
    session = EventSessionFactory(slot=slot, capacity=1)
    other = EventSessionFactory(slot=slot, capacity=5)
    register(event, session)
    register(event, other)
    event.capacity = 1  # make the next one wait for the event, then give the event room back
    event.save()
    waiting = register(event, session)
    event.capacity = 3
    event.save()
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_data(coordinator_client, url)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("sessions-") and key.endswith("-id") and value == session.pk
    )
    data[f"sessions-{index}-capacity"] = 2
    data[f"sessions-{index}-results"] = "Ustalenia warsztatu."
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context and [
        inline.formset.errors for inline in response.context["inline_admin_formsets"]
    ]
    waiting.refresh_from_db()
    session.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert session.capacity == 2 and session.results == "Ustalenia warsztatu."
    assert session.results_updated_at is not None
    assert AuditLogEntry.objects.filter(action="events.session.change").exists()


def test_staff_assign_registrations_to_a_workshop_with_the_admin_action(coordinator_client):
    event = EventFactory(capacity=10)
    slot = SessionSlotFactory(event=event)
    first = EventSessionFactory(slot=slot, capacity=5, title="Pierwszy")
    second = EventSessionFactory(slot=slot, capacity=1, title="Drugi")
    a = register(event, first)
    b = register(event, first)
    url = reverse("admin:events_registration_changelist")
    ask = coordinator_client.post(
        url, {"action": "assign_session", ACTION_CHECKBOX_NAME: [a.pk, b.pk]}
    )
    assert ask.status_code == 200
    assert "Przydział do warsztatu" in html.unescape(ask.content.decode())
    done = coordinator_client.post(
        url,
        {
            "action": "assign_session",
            ACTION_CHECKBOX_NAME: [a.pk, b.pk],
            "confirmed": "yes",
            "session": second.pk,
        },
        follow=True,
    )
    content = html.unescape(done.content.decode())
    assert "Przydzielono do warsztatu „Drugi”: 1" in content
    assert "Warsztat „Drugi” jest już pełny — proszę wybrać inny." in content
    assert SessionPlace.objects.get(registration=a).session == second
    assert SessionPlace.objects.get(registration=b).session == first


def test_assign_action_is_not_offered_without_the_permission(client):
    event = EventFactory()
    slot = SessionSlotFactory(event=event)
    session = EventSessionFactory(slot=slot)
    registration = register(event, session)
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    response = client.post(
        reverse("admin:events_registration_changelist"),
        {
            "action": "assign_session",
            ACTION_CHECKBOX_NAME: [registration.pk],
            "confirmed": "yes",
            "session": EventSessionFactory(slot=slot).pk,
        },
    )
    # The reporting role reads registrations: the admin shows the list again instead of running
    # an action it does not offer, and the place stays as it was.
    assert response.status_code == 200
    assert "cl" in response.context
    assert SessionPlace.objects.get(registration=registration).session == session
    changelist = client.get(reverse("admin:events_registration_changelist"))
    action_form = changelist.context["action_form"]
    offered = [name for name, _label in action_form.fields["action"].choices] if action_form else []
    assert "assign_session" not in offered


def test_session_places_are_read_only_in_the_admin(coordinator_client):
    event = EventFactory()
    slot = SessionSlotFactory(event=event)
    session = EventSessionFactory(slot=slot)
    registration = register(event, session)
    place = SessionPlace.objects.get(registration=registration)
    changelist = coordinator_client.get(reverse("admin:events_sessionplace_changelist"))
    assert changelist.status_code == 200
    assert coordinator_client.get(reverse("admin:events_sessionplace_add")).status_code == 403
    change = coordinator_client.post(
        reverse("admin:events_sessionplace_change", args=[place.pk]), {"session": session.pk}
    )
    # The coordinator may view places but not change them: the admin refuses the POST.
    assert change.status_code == 403
    assert SessionPlace.objects.get(pk=place.pk).session == session


def test_walk_in_flag_is_read_only_and_filterable(coordinator_client):
    event = EventFactory()
    registration = register(event)
    Registration.objects.filter(pk=registration.pk).update(is_walk_in=True)
    url = reverse("admin:events_registration_changelist")
    content = html.unescape(
        coordinator_client.get(url, {"is_walk_in__exact": "1"}).content.decode()
    )
    assert registration.participant.email in content
    form = (
        coordinator_client.get(reverse("admin:events_registration_change", args=[registration.pk]))
        .context["adminform"]
        .form
    )
    assert "is_walk_in" not in form.fields


@pytest.mark.parametrize(
    ("role", "list_status", "can_change"),
    [
        (roles.ROPS_ADMINISTRATOR, 200, True),
        (roles.EVENTS_COORDINATOR, 200, True),
        (roles.REPORTING, 200, False),
        (roles.REGISTRY_EDITOR, 403, False),
        (None, 403, False),
    ],
)
def test_workshop_admin_follows_the_role_matrix(client, role, list_status, can_change):
    session = EventSessionFactory(title="Warsztat przed zmianą")
    client.force_login(RoleUserFactory(role=role))
    assert client.get(reverse("admin:events_eventsession_changelist")).status_code == list_status
    client.post(
        reverse("admin:events_eventsession_change", args=[session.pk]),
        {"title_pl": "Zmieniony", "capacity": 12, "host": "", "room": "", "description_pl": ""},
    )
    session.refresh_from_db()
    assert (session.title == "Zmieniony") is can_change
