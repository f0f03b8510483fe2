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
    form.get_by_label("Imię").fill("Jan")
    form.get_by_label("Nazwisko").fill("Kowalski")
    form.locator("input[name=email]").fill("zly-adres")
    form.locator("input[name=password1]").fill("abc")
    form.locator("input[name=password2]").fill("abc")
    form.locator("input[name=email]").evaluate("el => el.removeAttribute('type')")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert (
        "Wprowadź poprawny adres email" in page.content()
        or "poprawny adres e-mail" in page.content()
    )
    assert_accessible(page, "signup-errors")


def test_account_menu_offers_the_users_pages(page):
    from tests.factories import UserFactory
    from tests.partners.factories import JstFactory, MembershipFactory

    from .conftest import login

    demo.load()
    official = UserFactory()
    MembershipFactory(user=official, organisation=JstFactory())
    login(page, official)
    page.get_by_text("Moje konto").click()
    menu = page.locator(".account-menu ul")
    assert menu.get_by_role("link", name="Moje organizacje").is_visible()
    assert menu.get_by_role("link", name="Moje zgłoszenia na wydarzenia").is_visible()
    assert menu.get_by_role("link", name="Moje wnioski o doradztwo").is_visible()
    assert menu.get_by_role("link", name="Sprawy doradcze").count() == 0
    assert page.get_by_role("button", name="Wyloguj się").is_visible()
    assert_accessible(page, "account-menu")
    menu.get_by_role("link", name="Moje dane i ustawienia").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Moje dane"
    assert_accessible(page, "my-data")
