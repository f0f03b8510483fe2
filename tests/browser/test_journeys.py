"""Cross-app journeys in Chromium, starting from the demo data (QA)."""

import re

import pytest

from advisory import demo as advisory_demo
from events import demo as events_demo
from partners import demo as partners_demo
from portal import demo as portal_demo

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    portal_demo.load()
    partners_demo.load()
    events_demo.load()
    advisory_demo.load()


def test_english_version_of_main_pages(page, demo_data):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("load")
    for path, name in [
        ("/", "journey-en-home"),
        ("/wydarzenia/", "journey-en-calendar"),
        ("/partnerzy/", "journey-en-catalogue"),
        ("/doradztwo/", "journey-en-advisory"),
        ("/konto/login/", "journey-en-login"),
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == "en", path
        assert page.locator("h1").count() == 1, path
        assert_accessible(page, name)


def test_partner_goes_from_home_to_a_confirmed_study_visit_place(page, demo_data):
    import time

    from django.core import mail
    from playwright.sync_api import expect

    from events.models import Registration

    page.goto("/konto/login/")
    page.locator("main form input[name=login]").fill("partner@demo.rops.local")
    page.locator("main form input[name=password]").fill("demo-partner-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/konto/login/" not in url)

    started = time.monotonic()
    page.goto("/")
    page.get_by_role("link", name="Zobacz kalendarz wydarzeń").click()
    # The study visit is a series of three dates with the same title: the first is the soonest.
    page.get_by_role(
        "link", name="Wizyta studyjna: usługi społeczne i spółdzielnie socjalne w Wielkopolsce"
    ).first.click()
    assert_accessible(page, "journey-events-detail")
    page.get_by_role("link", name="Zapisz się").click()
    # The demo project reports sex and year of birth to the monitoring system (asked once).
    page.get_by_role("group", name="Płeć").get_by_label("kobieta").check()
    page.get_by_label("Rok urodzenia").fill("1984")
    page.get_by_role("group", name="Przejazd autokarem").get_by_label("tak").check()
    page.get_by_role("group", name="Nocleg").get_by_label("pokój dwuosobowy").check()
    page.get_by_role("group", name="Dieta").get_by_label("wegetariańska").check()
    # Diet is health data: its own explicit consent (art. 9 RODO), no consent for the registration itself.
    page.get_by_label(re.compile("Wyrażam wyraźną zgodę na przetwarzanie")).check()
    assert_accessible(page, "journey-events-form")
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    expect(page.get_by_text("ma potwierdzone miejsce")).to_be_visible()
    elapsed = time.monotonic() - started
    assert elapsed < 60, elapsed
    assert_accessible(page, "journey-events-confirmed")

    registration = Registration.objects.get(
        participant__email="partner@demo.rops.local", event__slug="wizyta-studyjna-wielkopolska"
    )
    assert registration.status == Registration.Status.CONFIRMED
    details = registration.participant.monitoring_details
    assert (details.sex, details.birth_year) == ("K", 1984)
    sent = [m for m in mail.outbox if "partner@demo.rops.local" in m.to]
    assert any(name.endswith(".ics") for m in sent for name, *_ in m.attachments)
