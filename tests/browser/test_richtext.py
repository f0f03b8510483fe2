"""The rich-text editor in Chromium: staff format an event description without touching HTML
(heading, bold, list, table from the toolbar and the keyboard), save, and the page shows the
sanitised HTML; without JavaScript the same field is a plain textarea holding HTML."""

import pytest
from playwright.sync_api import expect

from events.models import Event
from tests.events.factories import EventFactory
from tests.factories import RegionFactory, StaffUserFactory

from .conftest import SCREENSHOT_DIR, assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_format_an_event_description_in_the_editor(page):
    RegionFactory()
    event = EventFactory(title="Spotkanie sieci OWES", slug="spotkanie-sieci", description="")
    staff = StaffUserFactory()
    csp_errors = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    login(page, staff)
    page.goto(f"/admin/events/event/{event.pk}/change/")
    editor = page.get_by_role("textbox", name="Opis [pl]")
    expect(editor).to_be_visible()
    expect(page.locator("textarea[name=description_pl]")).to_be_hidden()
    toolbar = page.get_by_role("toolbar", name="Formatowanie tekstu: Opis [pl]")

    editor.click()
    toolbar.get_by_role("button", name="Nagłówek 2").click()
    page.keyboard.type("Cel spotkania")
    page.keyboard.press("Enter")
    page.keyboard.type("Spotkanie jest ")
    toolbar.get_by_role("button", name="Pogrubienie").click()
    expect(toolbar.get_by_role("button", name="Pogrubienie")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.keyboard.type("bezpłatne")
    page.keyboard.press("Control+b")
    page.keyboard.type(".")
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Lista punktowana").click()
    page.keyboard.type("OWES")
    page.keyboard.press("Enter")
    page.keyboard.type("LGD")
    # Keyboard only: Esc goes to the toolbar, arrows move along it, Enter presses a button.
    page.keyboard.press("Escape")
    expect(toolbar.get_by_role("button", name="Lista punktowana")).to_be_focused()
    page.keyboard.press("Escape")
    expect(editor).to_be_focused()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "richtext-admin-event.png"), full_page=False)

    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    event.refresh_from_db()
    assert event.description == (
        "<h2>Cel spotkania</h2><p>Spotkanie jest <strong>bezpłatne</strong>.</p>"
        "<ul><li><p>OWES</p></li><li><p>LGD</p></li></ul>"
    )
    assert not csp_errors, csp_errors

    page.goto(event.get_absolute_url())
    about = page.locator("section[aria-labelledby=about-title]")
    expect(about.locator("h2", has_text="Cel spotkania")).to_be_visible()
    expect(about.locator("strong", has_text="bezpłatne")).to_be_visible()
    expect(about.locator("ul li")).to_have_count(2)
    assert_accessible(page, "richtext-event-page")


def test_editor_toolbar_table_and_link(page):
    RegionFactory()
    event = EventFactory(slug="tabela", description="<p>Plan</p>")
    login(page, StaffUserFactory())
    page.goto(f"/admin/events/event/{event.pk}/change/")
    editor = page.get_by_role("textbox", name="Opis [pl]")
    toolbar = page.get_by_role("toolbar", name="Formatowanie tekstu: Opis [pl]")
    expect(toolbar.get_by_role("button", name="Usuń tabelę")).to_have_attribute(
        "aria-disabled", "true"
    )
    editor.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Wstaw tabelę").click()
    page.keyboard.type("Godzina")
    expect(toolbar.get_by_role("button", name="Usuń tabelę")).to_have_attribute(
        "aria-disabled", "false"
    )
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.accept("javascript:alert(1)") if dialog.type == "prompt" else dialog.accept()

    page.on("dialog", answer)
    toolbar.get_by_role("button", name="Odnośnik").click()
    expect(editor).to_be_focused()
    assert "tylko do adresu https://" in dialogs[-1]
    page.keyboard.press("Tab")  # next cell
    page.keyboard.type("Temat")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    event.refresh_from_db()
    assert "<table><tbody><tr><th" in event.description
    assert "<p>Godzina</p></th><th" in event.description and "<p>Temat</p>" in event.description
    assert "javascript" not in event.description


def test_without_javascript_the_textarea_takes_html(chromium, live_server):
    RegionFactory()
    event = EventFactory(slug="bez-js", description="<p>Stary opis</p>")
    staff = StaffUserFactory()
    context = chromium.new_context(
        locale="pl-PL", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    try:
        login(page, staff)
        page.goto(f"/admin/events/event/{event.pk}/change/")
        textarea = page.locator("textarea[name=description_pl]")
        expect(textarea).to_be_visible()
        expect(page.get_by_role("toolbar")).to_have_count(0)
        textarea.fill('<h3 onclick="x()">Nowy</h3><script>alert(1)</script><p>opis</p>')
        page.locator("input[name=_continue]").click()
        page.wait_for_load_state()
        event.refresh_from_db()
        assert event.description == "<h3>Nowy</h3><p>opis</p>"
        assert Event.objects.filter(description__contains="script").count() == 0
    finally:
        context.close()
