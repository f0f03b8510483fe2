"""Cross-app journeys in Chromium, starting from the demo data (QA)."""

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
