"""The main journeys with the keyboard only (WCAG 2.1.1 and 2.4.7).

A signed-in person finds the study visit from the home page, registers for it, searches with the
header search box and switches the language, pressing only Tab, Shift+Tab, Enter, Space, arrows
and typing: no click, no ``fill``, no ``focus()``. At every focus stop on the way the focused
control must show a visible focus indicator (an outline of at least 2 px or a box-shadow; the
site's ring is ``:focus-visible`` in static/css/site.css) and be the element matching
``:focus-visible``, so the ring a keyboard user sees is the one measured.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from events import demo as events_demo
from partners import demo as partners_demo
from portal import demo as portal_demo

from .conftest import SCREENSHOT_DIR
from .site_pages import PASSWORD_PARTNER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STUDY_VISIT = "Wizyta studyjna: usługi społeczne i spółdzielnie socjalne w Wielkopolsce"
MAX_STOPS = 150

FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || '').trim();
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id, name: el.name || '',
    text: label.replace(/\\s+/g, ' ').slice(0, 120),
    required: !!el.required, checked: !!el.checked, value: el.value || '',
    focusVisible: el.matches(':focus-visible'),
    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
  };
}"""


class Keyboard:
    """Moves focus with the keyboard and records every stop whose focus is not visible."""

    def __init__(self, page):
        self.page = page
        self.stops = 0
        self.problems: list[str] = []

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED_JS)

    def check(self, info: dict | None) -> None:
        if info is None:
            return
        self.stops += 1
        visible = (info["outline"] != "none" and info["outlineWidth"] >= 2) or (
            info["boxShadow"] not in ("", "none")
        )
        if not (visible and info["focusVisible"]):
            self.problems.append(
                f"{self.page.url}: <{info['tag']} id={info['id']!r} name={info['name']!r}> "
                f"{info['text']!r} outline={info['outline']} {info['outlineWidth']}px "
                f"shadow={info['boxShadow']} focus-visible={info['focusVisible']}"
            )

    def press(self, key: str) -> dict | None:
        self.page.keyboard.press(key)
        info = self.focused()
        self.check(info)
        return info

    def tab_to(self, matches, what: str) -> dict:
        """Press Tab until the focused element satisfies ``matches(info)``."""
        for _ in range(MAX_STOPS):
            info = self.press("Tab")
            if info is not None and matches(info):
                return info
        raise AssertionError(f"{what}: not reached with Tab on {self.page.url}")

    def shot(self, name: str) -> None:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOT_DIR / f"keyboard-{name}.png"))


def _text(pattern: str):
    regex = re.compile(pattern)
    return lambda info: bool(regex.search(info["text"]))


def _fresh_page(keys: Keyboard) -> None:
    """After a navigation focus starts at the top of the document, like a new page load."""
    keys.page.wait_for_load_state("load")
    keys.page.mouse.move(0, 0)


@pytest.fixture
def demo_data():
    portal_demo.load()
    partners_demo.load()
    events_demo.load()


def test_main_journeys_with_the_keyboard_only(page, demo_data):
    from events.models import Registration

    page.set_viewport_size({"width": 1280, "height": 900})
    keys = Keyboard(page)
    started = time.monotonic()

    # Sign in: the form typed and sent with the keyboard.
    page.goto("/konto/login/")
    _fresh_page(keys)
    keys.tab_to(lambda info: info["name"] == "login", "e-mail field")
    page.keyboard.type(partners_demo.DEMO_PARTNER_EMAIL)
    keys.tab_to(lambda info: info["name"] == "password", "password field")
    page.keyboard.type(PASSWORD_PARTNER)
    keys.shot("login-password")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/konto/login/" not in url)

    # Find the event from the home page: the calendar link, then the event's title.
    page.goto("/")
    _fresh_page(keys)
    first = keys.press("Tab")
    assert first and "tresc" in page.evaluate("document.activeElement.getAttribute('href')"), (
        "the first Tab stop is the skip link"
    )
    keys.shot("skip-link")
    keys.tab_to(_text("^Zobacz kalendarz wydarzeń$"), "calendar link")
    keys.shot("home-calendar-link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/wydarzenia/$"))
    _fresh_page(keys)
    keys.tab_to(_text(re.escape(STUDY_VISIT)), "the study visit in the calendar")
    keys.shot("calendar-event-link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/wydarzenia/wizyta-studyjna-wielkopolska/$"))
    expect(page.locator("h1")).to_contain_text("Wizyta studyjna")

    # Register: "Zapisz się", then every field of the form with the keyboard.
    _fresh_page(keys)
    keys.tab_to(_text("^Zapisz się$"), "the registration link")
    keys.shot("event-register-link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/zapisy/$"))
    _fresh_page(keys)
    radio_groups_done: set[str] = set()
    shot_taken = False
    for _ in range(MAX_STOPS):
        info = keys.press("Tab")
        if info is None:
            continue
        in_form = page.evaluate("!!document.activeElement.closest('main form')")
        if info["tag"] == "button" and info["text"] == "Wyślij zgłoszenie":
            keys.shot("registration-submit")
            page.keyboard.press("Enter")
            break
        if in_form and info["type"] == "radio" and info["name"] not in radio_groups_done:
            # Tab enters a radio group on its first option; the arrow picks the next one.
            page.keyboard.press("ArrowDown")
            keys.check(keys.focused())
            if not shot_taken:
                keys.shot("registration-radio")
                shot_taken = True
            radio_groups_done.add(info["name"])
        elif in_form and info["type"] == "checkbox" and not info["checked"]:
            page.keyboard.press("Space")
            keys.check(keys.focused())
        elif in_form and info["name"].endswith("birth_year") and not info["value"]:
            page.keyboard.type("1984")
    else:
        raise AssertionError("the submit button was not reached with Tab")
    expect(page.get_by_text("ma potwierdzone miejsce")).to_be_visible()
    registration = Registration.objects.get(
        participant__email=partners_demo.DEMO_PARTNER_EMAIL,
        event__slug="wizyta-studyjna-wielkopolska",
    )
    assert registration.status == Registration.Status.CONFIRMED
    details = registration.participant.monitoring_details
    assert details.birth_year == 1984

    # Search with the header box, then open a result.
    page.goto("/")
    _fresh_page(keys)
    keys.tab_to(lambda info: info["id"] == "header-search-q", "the header search box")
    page.keyboard.type("kozmin")
    keys.shot("header-search")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/szukaj/\?q=kozmin"))
    _fresh_page(keys)
    keys.tab_to(_text(re.escape(STUDY_VISIT)), "the study visit among the results")
    keys.shot("search-result")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/wydarzenia/wizyta-studyjna-wielkopolska[\w-]*/$"))
    expect(page.locator("h1")).to_contain_text("Wizyta studyjna")

    # Change the language: the header button, pressed with Space; the person stays on the page.
    path = page.url.split(page.url.split("/wydarzenia/")[0], 1)[1]
    _fresh_page(keys)
    keys.tab_to(lambda info: info["tag"] == "button" and info["text"] == "English", "English")
    keys.shot("language-button")
    page.keyboard.press("Space")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith(path)
    _fresh_page(keys)
    keys.tab_to(lambda info: info["tag"] == "button" and info["text"] == "Polski", "Polski")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    assert page.url.endswith(path)

    elapsed = time.monotonic() - started
    assert keys.stops > 30, keys.stops
    assert not keys.problems, "focus not visible:\n" + "\n".join(keys.problems)
    print(f"keyboard journey: {keys.stops} focus stops in {elapsed:.1f} s")
    assert elapsed < 60, elapsed
