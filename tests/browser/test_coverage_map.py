"""The coverage map drawn by the vendored Leaflet from imported boundaries: no tiles, nothing external."""

import pytest
from playwright.sync_api import expect

from portal import roles
from reporting.boundaries import boundaries_import
from tests.factories import RoleUserFactory
from tests.reporting.factories import PERIOD, build_world
from tests.reporting.test_boundaries import collection, feature, square

from .conftest import SCREENSHOT_DIR, assert_accessible
from .test_reporting import _signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coverage_map_draws_the_outlines_with_leaflet(chromium, live_server):
    world = build_world()
    boundaries_import(
        content=collection(
            feature(world.powiat_a.teryt, square(18.0, 54.2)),
            feature(world.powiat_b.teryt, square(18.2, 54.2)),
        )
    )
    context, page = _signed_in_page(chromium, live_server, RoleUserFactory(role=roles.REPORTING))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(
            f"/raporty/pokrycie/?start={PERIOD[0]}&end={PERIOD[1]}"
            f"&funding_project={world.project.pk}"
        )
        live = page.locator("#coverage-map")
        expect(live).to_be_visible()
        expect(live.locator("path.leaflet-interactive")).to_have_count(2)
        expect(page.locator("svg.coverage-map")).to_be_hidden()
        expect(page.get_by_role("button", name="Powiększ mapę")).to_be_visible()
        assert not errors, errors
        assert all(url.startswith(live_server.url) for url in requests), requests
        assert_accessible(page, "reporting-coverage-map")
        page.set_viewport_size({"width": 360, "height": 800})
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        page.screenshot(path=str(SCREENSHOT_DIR / "reporting-coverage-map-360.png"), full_page=True)
    finally:
        context.close()
