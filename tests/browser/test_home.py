import pytest

from portal import demo

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_in_polish_then_english_is_accessible(page):
    demo.load()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.get_by_role("heading", level=1).inner_text() == "Pomorska ekonomia społeczna"
    assert page.get_by_role("navigation", name="Menu główne").is_visible()
    assert page.get_by_role("link", name="Deklaracja dostępności").is_visible()
    assert_accessible(page, "home-pl")

    # The skip link is the first thing a keyboard user reaches and it moves focus to the content.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Przejdź do treści"

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Polski").is_visible()
    assert_accessible(page, "home-en")


def test_sign_up_page_is_accessible_and_shows_errors_next_to_fields(page):
    demo.load()
    page.goto("/konto/signup/")
    assert_accessible(page, "signup")
    form = page.locator("main form")
    form.locator("input[name=email]").fill("zly-adres")
    form.locator("input[name=password1]").fill("abc")
    form.locator("input[name=password2]").fill("abc")
    form.locator("input[name=email]").evaluate("el => el.removeAttribute('type')")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "Wprowadź poprawny adres email" in page.content() or "poprawny adres e-mail" in page.content()
    assert_accessible(page, "signup-errors")
