"""Parallel workshops in Chromium: the agenda side by side (1280 px) and stacked (360 px), a person
choosing a workshop during registration, and staff adding a walk-in at check-in; axe on each page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event, Registration, SessionPlace
from tests.events.factories import (
    ConsentTextFactory,
    EventFactory,
    EventSessionFactory,
    RegistrationFactory,
    SessionSlotFactory,
)
from tests.factories import RegionFactory, StaffUserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def working_meeting():
    RegionFactory()
    ConsentTextFactory()
    start = (timezone.now() + timedelta(days=10)).replace(hour=9, minute=0)
    event = EventFactory(
        type=Event.Type.WORKING_MEETING,
        title="Spotkanie robocze OWES, LGD i OPS",
        slug="spotkanie-robocze",
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        capacity=40,
    )
    slot = SessionSlotFactory(
        event=event,
        title="Warsztaty w grupach mieszanych",
        starts_at=start + timedelta(hours=2),
        ends_at=start + timedelta(hours=4),
    )
    full = EventSessionFactory(
        slot=slot,
        title="Wspólne wydarzenia OWES i LGD",
        host="Agnieszka Wróbel",
        room="Sala B",
        capacity=1,
    )
    EventSessionFactory(
        slot=slot,
        title="Infrastruktura współpracy",
        host="Tomasz Kowalewski",
        room="Sala C",
        capacity=10,
    )
    EventSessionFactory(
        slot=slot,
        title="Indywidualne ścieżki wsparcia",
        host="Ewa Szymańska",
        room="Sala D",
        capacity=10,
    )
    holder = RegistrationFactory(event=event)
    SessionPlace.objects.create(registration=holder, slot=slot, session=full)
    return event


def test_person_chooses_a_workshop_during_registration(page, working_meeting):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(working_meeting.get_absolute_url())
    cards = page.locator(".session-card")
    expect(cards).to_have_count(3)
    boxes = [cards.nth(i).bounding_box() for i in range(3)]
    assert len({round(box["y"]) for box in boxes}) == 1, boxes  # side by side
    expect(cards.nth(0)).to_contain_text("Brak wolnych miejsc")
    assert_accessible(page, "sessions-event-1280")

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(working_meeting.get_absolute_url())
    boxes = [cards.nth(i).bounding_box() for i in range(3)]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"], boxes  # one column
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "sessions-event-360")

    membership = MembershipFactory(organisation=OrganisationFactory(name="OWES Pomorze"))
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, membership.user)
    page.goto(f"/wydarzenia/{working_meeting.slug}/zapisy/")
    group = page.get_by_role("group", name="Warsztaty w grupach mieszanych")
    expect(group).to_contain_text("brak wolnych miejsc")
    group.get_by_label("Wspólne wydarzenia OWES i LGD", exact=False).check()
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    group = page.get_by_role("group", name="Warsztaty w grupach mieszanych")
    expect(group).to_contain_text(
        "Warsztat „Wspólne wydarzenia OWES i LGD” jest już pełny — proszę wybrać inny."
    )
    assert not Registration.objects.filter(participant=membership.user).exists()
    assert_accessible(page, "sessions-registration-full-1280")

    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "sessions-registration-360")
    group = page.get_by_role("group", name="Warsztaty w grupach mieszanych")
    group.get_by_label("Infrastruktura współpracy", exact=False).check()
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    expect(page.get_by_text("ma potwierdzone miejsce")).to_be_visible()
    registration = Registration.objects.get(participant=membership.user)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.session_places.get().session.title == "Infrastruktura współpracy"


def test_staff_add_a_walk_in_at_the_workshop_check_in(page, working_meeting):
    start = timezone.now() - timedelta(hours=1)
    Event.objects.filter(pk=working_meeting.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=6)
    )
    OrganisationFactory(name="Fundacja Wspólny Dom")
    workshop = working_meeting.sessions.get(title="Infrastruktura współpracy")
    login(page, StaffUserFactory())
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"/wydarzenia/{working_meeting.slug}/obecnosc/?warsztat={workshop.pk}")
    expect(page.get_by_role("heading", name="Osoba spoza listy zgłoszeń")).to_be_visible()
    page.get_by_label("Znajdź organizację w rejestrze (nazwa lub NIP)").fill("Wspólny")
    page.get_by_role("button", name="Szukaj organizacji").click()
    expect(page.get_by_text("Lista: organizacje pasujące do „Wspólny”.")).to_be_visible()
    page.get_by_label("E-mail").fill("janina.las@example.org")
    page.get_by_label("Imię").fill("Janina")
    page.get_by_label("Nazwisko").fill("Las")
    page.get_by_label("Organizacja z rejestru partnerów").select_option(
        label="Fundacja Wspólny Dom"
    )
    page.get_by_label("Warsztat", exact=True).select_option(label="Infrastruktura współpracy")
    page.get_by_role("button", name="Dopisz jako obecną osobę").click()
    expect(
        page.get_by_text("Janina Las: dopisano spoza listy zgłoszeń, obecność zapisana.")
    ).to_be_visible()
    row = page.locator("tbody tr", has_text="Janina Las")
    expect(row).to_contain_text("spoza listy zgłoszeń")
    expect(row).to_contain_text("✓ obecność")
    expect(page.get_by_text("w tym spoza listy zgłoszeń: 1")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "sessions-checkin-walk-in-360")
    walk_in = Registration.objects.get(is_walk_in=True)
    assert walk_in.session_places.get().session == workshop
