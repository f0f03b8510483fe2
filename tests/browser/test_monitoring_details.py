"""Registration for an event whose funding project asks sex, year of birth and PESEL (Chromium, axe)."""

import pytest
from playwright.sync_api import expect

from events.models import Registration
from portal import roles
from reporting.models import MonitoringDetails
from tests.events.factories import ConsentTextFactory, EventFactory
from tests.factories import FundingProjectFactory, RoleUserFactory
from tests.partners.factories import MembershipFactory

from .conftest import SCREENSHOT_DIR, assert_accessible, login
from .test_reporting import _signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEMALE_1985 = "85010112345"


def _fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_participant_gives_the_details_once_with_a_polish_message_for_a_bad_pesel(page):
    ConsentTextFactory()
    project = FundingProjectFactory(
        requires_sex=True, requires_birth_year=True, requires_pesel=True
    )
    event = EventFactory(funding_project=project, title="Forum ekonomii społecznej")
    user = MembershipFactory().user
    login(page, user)

    page.goto(f"/wydarzenia/{event.slug}/zapisy/")
    expect(page.get_by_role("group", name="Dane uczestnika do sprawozdań projektu")).to_be_visible()
    page.get_by_role("group", name="Płeć").get_by_label("kobieta").check()
    page.get_by_label("Rok urodzenia").fill("1985")
    page.get_by_label("PESEL").fill("85010112346")
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    error = page.locator("#id_monitoring_pesel_error")
    expect(error).to_contain_text("nie zgadza się cyfra kontrolna")
    # The message is tied to the field for screen readers.
    assert "id_monitoring_pesel_error" in (
        page.get_by_label("PESEL").get_attribute("aria-describedby") or ""
    )
    assert not Registration.objects.exists() and not MonitoringDetails.objects.exists()
    assert_accessible(page, "monitoring-registration-errors")
    page.set_viewport_size({"width": 360, "height": 800})
    assert _fits(page)
    page.screenshot(
        path=str(SCREENSHOT_DIR / "monitoring-registration-errors-360.png"), full_page=True
    )
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("PESEL").fill(FEMALE_1985)
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    expect(page.get_by_text("ma potwierdzone miejsce")).to_be_visible()
    details = MonitoringDetails.objects.get(person=user)
    assert (details.sex, details.birth_year, details.pesel) == ("K", 1985, FEMALE_1985)

    # The next registration finds them filled in.
    second = EventFactory(funding_project=project, title="Warsztaty klauzul społecznych")
    page.goto(f"/wydarzenia/{second.slug}/zapisy/")
    expect(page.get_by_label("PESEL")).to_have_value(FEMALE_1985)
    expect(page.get_by_label("Rok urodzenia")).to_have_value("1985")
    expect(page.get_by_role("group", name="Płeć").get_by_label("kobieta")).to_be_checked()
    assert_accessible(page, "monitoring-registration-prefilled")
    page.set_viewport_size({"width": 360, "height": 800})
    assert _fits(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "monitoring-registration-360.png"), full_page=True)


def test_staff_open_the_monitoring_export_and_download_it(chromium, live_server):
    from tests.reporting.factories import PERIOD, build_world

    world = build_world()
    context, page = _signed_in_page(
        chromium, live_server, RoleUserFactory(role=roles.ROPS_ADMINISTRATOR)
    )
    try:
        page.goto("/raporty/")
        page.get_by_role("link", name="Eksport do monitorowania").click()
        page.get_by_label("Okres od").fill(PERIOD[0].isoformat())
        page.get_by_label("Okres do").fill(PERIOD[1].isoformat())
        page.get_by_label("Projekt finansujący").select_option(str(world.project.pk))
        page.get_by_role("button", name="Pokaż").click()
        expect(page.locator(".figures")).to_contain_text("3")
        assert_accessible(page, "reporting-monitoring")
        with page.expect_download() as download:
            page.get_by_role("link", name="Instytucje i osoby (XLSX, dwa arkusze)").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        page.set_viewport_size({"width": 360, "height": 800})
        assert _fits(page)
        page.screenshot(path=str(SCREENSHOT_DIR / "reporting-monitoring-360.png"), full_page=True)
    finally:
        context.close()
