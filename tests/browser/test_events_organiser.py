"""In Chromium: staff write to participants (compose → preview with the count → send),
the series page with dates and free places, speakers on the event page; axe-core and 360 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import EventMessage, EventSeries, EventSpeaker, Registration
from portal import roles
from portal.models import OutboundEmail
from tests.events.factories import AgendaItemFactory, EventFactory, RegistrationFactory
from tests.factories import RegionFactory, RoleUserFactory

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_360(page) -> bool:
    page.set_viewport_size({"width": 360, "height": 800})
    fits = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    return fits


def test_staff_compose_preview_with_count_and_send_a_message(page):
    RegionFactory()
    event = EventFactory(title="Spotkanie robocze OWES, LGD i OPS", slug="spotkanie-robocze")
    confirmed = [RegistrationFactory(event=event) for _ in range(3)]
    RegistrationFactory(
        event=event, status=Registration.Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    login(page, RoleUserFactory(role=roles.EVENTS_COORDINATOR))

    page.goto(event.get_absolute_url())
    page.get_by_role("link", name="Napisz do uczestników").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wiadomość do uczestników")
    page.get_by_label("Temat").fill("Zmiana sali: spotkanie w sali B")
    page.get_by_label("Treść").fill(
        "Dzień dobry,\nspotkanie odbędzie się w sali B na pierwszym piętrze.\nDo zobaczenia!"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page, "events-message-compose-1280")
    assert _fits_360(page)
    assert_accessible(page, "events-message-compose-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Pokaż podgląd i liczbę odbiorców").click()
    expect(page.get_by_role("status")).to_contain_text("Wiadomość otrzymają 3 osoby")
    expect(page.get_by_text("sali B na pierwszym piętrze", exact=False)).to_be_visible()
    assert not EventMessage.objects.exists()
    assert_accessible(page, "events-message-preview-1280")
    assert _fits_360(page)
    assert_accessible(page, "events-message-preview-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Wyślij do 3 osób").click()
    expect(page.get_by_text("wysłana do 3 os.", exact=False)).to_be_visible()
    expect(page.get_by_role("rowheader", name="Zmiana sali: spotkanie w sali B")).to_be_visible()
    assert_accessible(page, "events-message-sent-1280")
    message = EventMessage.objects.get()
    assert message.recipient_count == 3
    assert sorted(
        OutboundEmail.objects.filter(
            dedup_key__startswith=f"events:message:{message.pk}:"
        ).values_list("to", flat=True)
    ) == sorted(r.participant.email for r in confirmed)


def test_series_page_and_speakers_on_the_event_page(page):
    RegionFactory()
    series = EventSeries.objects.create(
        title="Wizyty studyjne w Wielkopolsce", slug="wizyty-wielkopolska"
    )
    start = timezone.now() + timedelta(days=21)
    events = [
        EventFactory(
            series=series,
            title=f"Wizyta studyjna – termin {number}",
            starts_at=start + timedelta(weeks=4 * (number - 1)),
            capacity=25,
        )
        for number in (1, 2, 3)
    ]
    RegistrationFactory(event=events[0])
    item = AgendaItemFactory(event=events[0], title="Zakład Aktywności Zawodowej: pralnia")
    host = EventSpeaker.objects.create(
        event=events[0],
        name="Kierownik ZAZ",
        organisation_name="ZAZ „Dobre Ręce”",
        role=EventSpeaker.Role.HOST,
    )
    host.agenda_items.set([item])

    page.goto(events[0].get_absolute_url())
    expect(page.get_by_role("heading", name="Prelegenci i goście")).to_be_visible()
    expect(page.get_by_text("Prowadzi: Kierownik ZAZ (ZAZ „Dobre Ręce”)")).to_be_visible()
    assert_accessible(page, "events-speakers-1280")
    page.get_by_role("link", name="wszystkie terminy i wolne miejsca", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wizyty studyjne w Wielkopolsce")
    expect(page.locator(".series-dates > li")).to_have_count(3)
    expect(page.get_by_text("24 wolne miejsca")).to_be_visible()
    assert_accessible(page, "events-series-1280")
    assert _fits_360(page)
    assert_accessible(page, "events-series-360")
