"""The "Moje konto" menu at 200 % zoom (640 CSS px): a disclosure that fits, closes on Esc and
when focus leaves it (WCAG 1.4.4, 1.4.10, 2.1.1)."""

import pytest
from playwright.sync_api import expect

from portal import demo as portal_demo

from .site_pages import PASSWORD_STAFF, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [640, 360, 1280])
def test_account_menu_is_a_disclosure_that_fits_and_closes(page, width):
    portal_demo.load()
    page.set_viewport_size({"width": width, "height": 720})
    sign_in(page, portal_demo.DEMO_STAFF_EMAIL, PASSWORD_STAFF)
    page.goto("/wydarzenia/")
    button = page.get_by_role("button", name="Moje konto")
    menu = page.locator("#account-menu-list")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    # No word is cut: every link fits its line box.
    assert menu.evaluate(
        "m => [...m.querySelectorAll('a')].every(a => a.scrollWidth <= a.clientWidth + 1)"
    )

    # Esc closes it and puts focus back on the button.
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")

    # Keyboard: open with Enter, Tab through the links and out: the menu closes behind focus.
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    for _ in range(menu.get_by_role("link").count()):
        page.keyboard.press("Tab")
    expect(menu).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Wyloguj się")).to_be_focused()
    expect(menu).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")

    # A click elsewhere closes it too.
    button.click()
    expect(menu).to_be_visible()
    page.locator(".site-footer").click(position={"x": 2, "y": 2})
    expect(menu).to_be_hidden()
