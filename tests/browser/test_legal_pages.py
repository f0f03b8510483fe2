"""The legal pages in a browser: accessible, reflowing at 360 px, official ids as fragment targets."""

import pytest

from portal import demo

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("slug", ["deklaracja-dostepnosci", "rodo"])
def test_legal_page_is_accessible_and_reflows(page, slug):
    demo.load()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"/strony/{slug}/")
    assert_accessible(page, f"legal-{slug}")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_statement_parts_can_be_linked_by_their_official_ids(page):
    demo.load()
    page.goto("/strony/deklaracja-dostepnosci/#a11y-kontakt")
    heading = page.locator("#a11y-kontakt")
    assert heading.inner_text() == "Informacje zwrotne i dane kontaktowe"
    assert (
        page.locator("time#a11y-data-publikacja").get_attribute("datetime")
        == demo.DEMO_PUBLISHED_ON.isoformat()
    )
    assert (
        page.locator("time#a11y-data-aktualizacja").get_attribute("datetime")
        == demo.DEMO_UPDATED_ON.isoformat()
    )
