"""A staff member reads the dashboard, narrows it, and downloads the activity report (Chromium, axe)."""

import pytest
from playwright.sync_api import expect

from portal import roles
from tests.clients import SignedInClient
from tests.factories import RoleUserFactory
from tests.reporting.factories import PERIOD, build_world

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(chromium, live_server, user):
    client = SignedInClient()
    client.force_login(user)
    context = chromium.new_context(
        locale="pl-PL", timezone_id="Europe/Warsaw", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    return context, context.new_page()


def _figure(page, label: str) -> str:
    return page.locator(".figures div").filter(has_text=label).locator("dd").inner_text().strip()


def test_staff_changes_period_and_subregion_and_downloads_the_report(chromium, live_server):
    world = build_world()
    user = RoleUserFactory(role=roles.REPORTING)
    context, page = _signed_in_page(chromium, live_server, user)
    try:
        page.goto("/raporty/")
        page.get_by_label("Okres od").fill(PERIOD[0].isoformat())
        page.get_by_label("Okres do").fill(PERIOD[1].isoformat())
        page.get_by_label("Projekt finansujący").select_option(str(world.project.pk))
        page.get_by_role("button", name="Pokaż").click()
        expect(page.locator(".figures")).to_be_visible()
        assert _figure(page, "Osoby obecne") == "3"
        assert _figure(page, "Zrealizowane wydarzenia") == "2"
        assert_accessible(page, "reporting-dashboard")

        page.get_by_label("Subregion", exact=True).select_option(str(world.subregion.pk))
        page.get_by_role("button", name="Pokaż").click()
        expect(page.locator(".figures")).to_be_visible()
        assert _figure(page, "Osoby obecne") == "2"
        assert _figure(page, "Zrealizowane wydarzenia") == "1"

        page.set_viewport_size({"width": 360, "height": 800})
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        page.set_viewport_size({"width": 1280, "height": 900})

        with page.expect_download() as download:
            page.get_by_role("link", name="Dane tego pulpitu (XLSX)").click()
        assert download.value.suggested_filename.endswith(".xlsx")

        page.goto("/raporty/pokrycie/")
        assert_accessible(page, "reporting-coverage")
        page.goto("/raporty/wskazniki/")
        assert_accessible(page, "reporting-indicators")
        page.goto("/raporty/sprawozdania/")
        page.get_by_label("Okres od").fill(PERIOD[0].isoformat())
        page.get_by_label("Okres do").fill(PERIOD[1].isoformat())
        page.get_by_label("Rodzaj").select_option("activity")
        page.get_by_role("button", name="Przygotuj").click()
        # Tasks run in-process in the live server, so the report is ready on the next page.
        expect(page.get_by_role("link", name="Pobierz PDF")).to_be_visible()
        with page.expect_download() as pdf:
            page.get_by_role("link", name="Pobierz PDF").click()
        assert pdf.value.suggested_filename.endswith(".pdf")
        assert_accessible(page, "reporting-reports")
    finally:
        context.close()
