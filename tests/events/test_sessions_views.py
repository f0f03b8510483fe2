"""Workshops on the site: the agenda side by side, the choice at registration and its refusals."""

import html

import pytest
from django.urls import reverse

from events.models import Event, Registration, SessionPlace

from .factories import (
    EventFactory,
    EventSessionFactory,
    PostulateFactory,
    RegistrationFactory,
    SessionSlotFactory,
    member,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture(autouse=True)
def _consent(consent_text):
    return consent_text


@pytest.fixture
def workshops():
    event = EventFactory(capacity=30, type=Event.Type.WORKING_MEETING)
    slot = SessionSlotFactory(event=event, title="Praca w grupach")
    return {
        "event": event,
        "slot": slot,
        "a": EventSessionFactory(
            slot=slot, title="Ekonomia społeczna w strategii gminy", capacity=1, host="Jan Lis"
        ),
        "b": EventSessionFactory(slot=slot, title="Zlecanie zadań PES", capacity=10, room="Sala 2"),
    }


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_event_page_shows_the_slot_with_its_workshops_side_by_side(client, workshops):
    content = page(client.get(workshops["event"].get_absolute_url()))
    assert "Praca w grupach" in content
    assert '<ul class="session-grid">' in content
    assert "<h4>Ekonomia społeczna w strategii gminy</h4>" in content
    assert "Prowadzenie: Jan Lis" in content
    assert "Miejsce: Sala 2" in content
    assert "Wolne miejsca: 1 z 1" in content
    assert "Wolne miejsca: 10 z 10" in content


def test_registration_form_asks_one_workshop_per_slot_and_records_it(client, workshops):
    user, organisation = member()
    client.force_login(user)
    url = reverse("events:registration_create", args=[workshops["event"].slug])
    form_page = page(client.get(url))
    assert "Wybór warsztatów" in form_page
    assert "Praca w grupach" in form_page
    assert "wolne miejsca: 1 z 1" in form_page
    slot_field = f"s_{workshops['slot'].pk}"
    response = client.post(
        url,
        {"organisation": organisation.pk, "participant": user.pk, slot_field: workshops["a"].pk},
    )
    assert response.status_code == 302
    registration = Registration.objects.get(participant=user)
    assert registration.status == Status.CONFIRMED
    assert list(registration.session_places.values_list("session", flat=True)) == [
        workshops["a"].pk
    ]


def test_no_workshop_chosen_shows_a_polish_error_next_to_the_slot(client, workshops):
    user, organisation = member()
    client.force_login(user)
    url = reverse("events:registration_create", args=[workshops["event"].slug])
    response = client.post(url, {"organisation": organisation.pk, "participant": user.pk})
    assert response.status_code == 400
    content = page(response)
    assert "Prosimy wybrać warsztat w tym bloku." in content
    assert f'id="id_s_{workshops["slot"].pk}_error"' in content
    assert not Registration.objects.exists()


def test_full_workshop_is_refused_next_to_the_slot_and_nothing_changes(client, workshops):
    RegistrationFactory(event=workshops["event"])
    SessionPlace.objects.create(
        registration=Registration.objects.get(),
        slot=workshops["slot"],
        session=workshops["a"],
    )
    user, organisation = member()
    client.force_login(user)
    url = reverse("events:registration_create", args=[workshops["event"].slug])
    slot_field = f"s_{workshops['slot'].pk}"
    response = client.post(
        url,
        {"organisation": organisation.pk, "participant": user.pk, slot_field: workshops["a"].pk},
    )
    assert response.status_code == 400
    content = page(response)
    assert (
        "Warsztat „Ekonomia społeczna w strategii gminy” jest już pełny — proszę wybrać inny."
        in content
    )
    assert "brak wolnych miejsc" in content
    assert not Registration.objects.filter(participant=user).exists()


def test_a_workshop_of_another_event_is_not_a_valid_choice(client, workshops):
    user, organisation = member()
    client.force_login(user)
    url = reverse("events:registration_create", args=[workshops["event"].slug])
    other = EventSessionFactory()
    response = client.post(
        url,
        {
            "organisation": organisation.pk,
            "participant": user.pk,
            f"s_{workshops['slot'].pk}": other.pk,
        },
    )
    assert response.status_code == 400
    assert "Prosimy wybrać jeden z warsztatów z listy." in page(response)
    assert not Registration.objects.exists()


def test_finished_event_shows_workshop_results_and_their_postulates(client, workshops):
    event = workshops["event"]
    event.state = Event.State.FINISHED
    event.save()
    session = workshops["b"]
    session.results = "Uczestnicy opracowali wzór umowy o współpracy."
    session.save()
    PostulateFactory(event=event, session=session, text="Wspólne szkolenia dla JST i PES")
    content = page(client.get(event.get_absolute_url()))
    assert "Wyniki warsztatów" in content
    assert "Uczestnicy opracowali wzór umowy o współpracy." in content
    assert "Wspólne szkolenia dla JST i PES" in content
    assert "warsztat: Zlecanie zadań PES" in content


def test_confirmation_email_and_my_registrations_name_the_workshop(
    client, workshops, django_capture_on_commit_callbacks, mailoutbox
):
    user, organisation = member()
    client.force_login(user)
    url = reverse("events:registration_create", args=[workshops["event"].slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "organisation": organisation.pk,
                "participant": user.pk,
                f"s_{workshops['slot'].pk}": workshops["b"].pk,
            },
        )
    assert "Warsztat: Zlecanie zadań PES (Sala 2)" in mailoutbox[-1].body
    content = page(client.get(reverse("events:my_registrations")))
    assert "Warsztaty: Zlecanie zadań PES" in content
