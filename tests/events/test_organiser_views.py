"""The organiser's pages: series, speakers on the event page, messages (staff, two steps), copy in the admin."""

import html
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventMessage, EventSeries, EventSpeaker, Registration
from portal import roles
from portal.models import AuditLogEntry, OutboundEmail
from tests.factories import RoleUserFactory
from tests.partners.factories import OrganisationFactory

from .factories import AgendaItemFactory, EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def coordinator(client):
    user = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    client.force_login(user)
    return user


# --- public pages ----------------------------------------------------------------------------


def test_series_page_lists_every_public_date_with_free_places_and_hides_drafts(client):
    series = EventSeries.objects.create(
        title="Wizyty studyjne w Wielkopolsce", slug="wizyty-wielkopolska"
    )
    first = EventFactory(series=series, capacity=3, title="Termin majowy")
    RegistrationFactory(event=first)
    full = EventFactory(
        series=series,
        capacity=1,
        title="Termin czerwcowy",
        starts_at=timezone.now() + timedelta(days=40),
    )
    RegistrationFactory(event=full)
    EventFactory(series=series, state=Event.State.DRAFT, title="Termin w przygotowaniu")

    response = client.get(reverse("events:series_detail", args=["wizyty-wielkopolska"]))
    text = _text(response)
    assert response.status_code == 200
    assert "Wizyty studyjne w Wielkopolsce" in text
    assert "Termin majowy" in text and "2 wolne miejsca" in text
    assert "Termin czerwcowy" in text and "Brak wolnych miejsc" in text
    assert "Termin w przygotowaniu" not in text
    assert text.index("Termin majowy") < text.index("Termin czerwcowy")
    assert client.get(reverse("events:series_detail", args=["nie-ma"])).status_code == 404


def test_event_page_lists_speakers_with_organisation_and_on_the_agenda_items_they_lead(client):
    series = EventSeries.objects.create(title="Cykl spotkań", slug="cykl")
    event = EventFactory(series=series)
    panel = AgendaItemFactory(event=event, title="Panel o klauzulach społecznych")
    AgendaItemFactory(event=event, title="Przerwa kawowa", starts_at="12:00")
    speaker = EventSpeaker.objects.create(
        event=event,
        name="Ewa Lis",
        organisation_name="Instytucja Zarządzająca FEP 2021–2027",
        role=EventSpeaker.Role.AUTHORITY_GUEST,
    )
    speaker.agenda_items.set([panel])
    EventSpeaker.objects.create(
        event=event,
        name="Jan Kos",
        organisation=OrganisationFactory(name="OWES Pomorze"),
        role=EventSpeaker.Role.MODERATOR,
    )
    text = _text(client.get(event.get_absolute_url()))
    assert "Prelegenci i goście" in text
    assert "Ewa Lis" in text and "gość z instytucji zarządzającej" in text
    assert "Jan Kos" in text and "OWES Pomorze" in text
    assert "Prowadzi: Ewa Lis (Instytucja Zarządzająca FEP 2021–2027)" in text
    assert text.count("Prowadzi:") == 1
    assert reverse("events:series_detail", args=["cykl"]) in text
    assert "Napisz do uczestników" not in text


# --- messages to participants ----------------------------------------------------------------


def _people(event):
    confirmed = [RegistrationFactory(event=event) for _ in range(2)]
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    return confirmed


def test_messages_refused_to_anonymous_staff_without_role_and_read_only_roles(client):
    event = EventFactory()
    _people(event)
    url = reverse("events:event_messages", args=[event.slug])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.url
    for role in (None, roles.REPORTING, roles.REGISTRY_EDITOR):
        client.force_login(RoleUserFactory(role=role))
        assert client.get(url).status_code == 404
        post = client.post(
            url,
            {
                "step": "send",
                "audience": "confirmed",
                "subject": "A",
                "body": "B",
                "expected_count": 2,
            },
        )
        assert post.status_code == 404
    assert not EventMessage.objects.exists()


def test_staff_compose_preview_with_count_then_send(
    client, coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory()
    confirmed = _people(event)
    url = reverse("events:event_messages", args=[event.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Pokaż podgląd i liczbę odbiorców" in _text(page)
    data = {"audience": "confirmed", "subject": "Zmiana sali", "body": "Sala B.\nPiętro 2."}

    preview = client.post(url, {**data, "step": "preview"})
    text = _text(preview)
    assert preview.status_code == 200
    assert "Wiadomość otrzymają 2 osoby (osoby z potwierdzonym miejscem)" in text
    assert "Wyślij do 2 osób" in text
    assert confirmed[0].participant.email in text
    assert not EventMessage.objects.exists()

    back = client.post(url, {**data, "step": "edit"})
    assert back.status_code == 200 and "Zmiana sali" in _text(back)
    assert not EventMessage.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {**data, "step": "send", "expected_count": "2"}, follow=True)
    message = EventMessage.objects.get()
    assert (message.recipient_count, message.sent_by) == (2, coordinator)
    assert "wysłana do 2 os." in _text(sent)
    assert "Zmiana sali" in _text(sent)  # the list of sent messages
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.participant.email for r in confirmed)
    assert AuditLogEntry.objects.filter(action="events.message.send", actor=coordinator).exists()

    # The same form posted again (a double click) is a new message only if staff confirm again.
    stale = client.post(url, {**data, "step": "send", "expected_count": "3"})
    assert stale.status_code == 200 and "Liczba odbiorców zmieniła się" in _text(stale)
    assert EventMessage.objects.count() == 1


def test_message_with_no_recipients_gets_a_polish_error_and_stores_nothing(client, coordinator):
    event = EventFactory()
    _people(event)
    url = reverse("events:event_messages", args=[event.slug])
    for step in ("preview", "send"):
        response = client.post(
            url,
            {
                "audience": "waitlisted",
                "subject": "Temat",
                "body": "Treść",
                "step": step,
                "expected_count": "0",
            },
        )
        assert response.status_code == 400
        assert "wiadomość nie ma odbiorców" in _text(response)
    assert not EventMessage.objects.exists()
    assert not OutboundEmail.objects.filter(dedup_key__startswith="events:message:").exists()


def test_message_form_requires_subject_and_body(client, coordinator):
    event = EventFactory()
    _people(event)
    response = client.post(
        reverse("events:event_messages", args=[event.slug]),
        {"audience": "confirmed", "subject": " ", "body": "", "step": "preview"},
    )
    assert response.status_code == 400
    assert "Prosimy poprawić zaznaczone pola formularza." in _text(response)


# --- the admin: copy, series, speakers ---------------------------------------------------------


def test_copy_page_in_the_admin_asks_for_a_date_then_creates_a_draft(client, coordinator):
    event = EventFactory(title="Wizyta studyjna", slug="wizyta")
    AgendaItemFactory(event=event)
    url = reverse("admin:events_event_copy", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Nowa data rozpoczęcia" in _text(page)
    assert Event.objects.count() == 1  # a GET copies nothing

    past = client.post(url, {"starts_on": (timezone.localdate() - timedelta(days=2)).isoformat()})
    assert past.status_code == 400
    assert "nie może być w przeszłości" in _text(past)
    assert Event.objects.count() == 1

    new_date = timezone.localdate(event.starts_at) + timedelta(days=14)
    done = client.post(url, {"starts_on": new_date.isoformat()})
    copy = Event.objects.exclude(pk=event.pk).get()
    assert done.status_code == 302
    assert done.url == reverse("admin:events_event_change", args=[copy.pk])
    assert copy.state == Event.State.DRAFT and copy.agenda_items.count() == 1
    assert timezone.localdate(copy.starts_at) == new_date


def test_copy_action_and_button_lead_to_the_copy_page(client, coordinator):
    event = EventFactory()
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "copy", ACTION_CHECKBOX_NAME: [event.pk]},
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:events_event_copy", args=[event.pk])
    change = _text(client.get(reverse("admin:events_event_change", args=[event.pk])))
    assert "Kopiuj wydarzenie" in change


def test_copy_refused_in_the_admin_without_the_permission(client):
    event = EventFactory()
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    url = reverse("admin:events_event_copy", args=[event.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"starts_on": (timezone.localdate() + timedelta(days=30)).isoformat()}
    )
    assert response.status_code == 403
    assert Event.objects.count() == 1
    change = _text(client.get(reverse("admin:events_event_change", args=[event.pk])))
    assert "Kopiuj wydarzenie" not in change


def test_message_admin_is_read_only(client, coordinator):
    assert client.get(reverse("admin:events_eventmessage_add")).status_code == 403
    assert client.get(reverse("admin:events_eventmessage_changelist")).status_code == 200


def test_series_admin_records_the_change(client, coordinator):
    response = client.post(
        reverse("admin:events_eventseries_add"),
        {"title_pl": "Wizyty 2027", "slug": "wizyty-2027", "description_pl": ""},
    )
    assert response.status_code == 302
    assert AuditLogEntry.objects.filter(action="events.series.create", actor=coordinator).exists()


def _event_form_data(client, event) -> dict:
    """The admin change form of the event as it stands, with empty inlines."""
    url = reverse("admin:events_event_change", args=[event.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if name in ("target_groups", "subregions"):
            data[name] = [v.pk for v in value]
        elif name == "reminder_hours":
            data[name] = field.prepare_value(value)
        elif hasattr(value, "isoformat") and (name.endswith("_at") or name.endswith("deadline")):
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
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data


def _with_speaker(data, event, **fields):
    data = {**data, "speakers-TOTAL_FORMS": 1}
    row = {"event": event.pk, "position": 0, "role": "authority_guest", **fields}
    data.update({f"speakers-0-{key}": value for key, value in row.items()})
    return data


def test_speaker_added_in_the_admin_takes_a_place_only_when_ticked(client, coordinator):
    event = EventFactory(capacity=3)
    panel = AgendaItemFactory(event=event, title="Panel")
    url = reverse("admin:events_event_change", args=[event.pk])
    data = _event_form_data(client, event)
    data.update({"agenda_items-TOTAL_FORMS": 0})
    response = client.post(
        url,
        _with_speaker(
            data,
            event,
            name="Ewa Lis",
            organisation_name="IZ FEP",
            agenda_items=[panel.pk],
            counts_toward_capacity="on",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    speaker = EventSpeaker.objects.get()
    assert list(speaker.agenda_items.all()) == [panel]
    event.refresh_from_db()
    assert event.places_reserved == 1
    assert AuditLogEntry.objects.filter(action="events.speaker.create", actor=coordinator).exists()


def test_speaker_without_a_name_or_account_is_refused_in_the_admin(client, coordinator):
    event = EventFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    response = client.post(url, _with_speaker(_event_form_data(client, event), event, name=" "))
    assert response.status_code == 200
    assert "Prosimy wskazać konto osoby albo wpisać jej imię i nazwisko." in _text(response)
    assert not EventSpeaker.objects.exists()


def test_reminders_typed_in_the_admin_are_stored_as_hours(client, coordinator):
    event = EventFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    data = _event_form_data(client, event)
    assert data["reminder_hours"] == "2 dni"
    response = client.post(url, {**data, "reminder_hours": "7 dni, 1 dzień, 3 h"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.reminder_hours == [168, 24, 3]
    bad = client.post(url, {**data, "reminder_hours": "tydzień"})
    assert bad.status_code == 200
    assert "Nie rozumiemy „tydzień”" in _text(bad)
    event.refresh_from_db()
    assert event.reminder_hours == [168, 24, 3]
