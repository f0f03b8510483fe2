"""Focus is visible on every control in every state (WCAG 2.4.7, 1.4.11).

Tabbing through key pages, each control's box is photographed focused and again after focus has
moved on: the two pictures must differ, and the focused control must carry a real outline whose
colour has at least 3:1 contrast against the background around it.
"""

import pytest

from advisory import demo as advisory_demo
from events import demo as events_demo
from partners import demo as partners_demo
from portal import demo as portal_demo

from .site_pages import PASSWORD_PARTNER, PASSWORD_STAFF, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TAB_STOPS = 70

FOCUS_STYLE_JS = """el => {
  const style = getComputedStyle(el);
  const parse = c => (c.match(/[\\d.]+/g) || []).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  // The background the outline is drawn on: the nearest ancestor with an opaque background.
  let node = el.parentElement, bg = [255, 255, 255];
  while (node) { const c = parse(getComputedStyle(node).backgroundColor);
                 if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { bg = c.slice(0, 3); break; } node = node.parentElement; }
  const ring = parse(style.outlineColor).slice(0, 3);
  const [a, b] = [lum(ring), lum(bg)].sort((x, y) => y - x);
  return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), contrast: (a + 0.05) / (b + 0.05),
           name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 40) + '"' };
}"""


@pytest.fixture
def demo_data():
    portal_demo.load()
    partners_demo.load()
    events_demo.load()
    advisory_demo.load()


def _box(handle, page):
    box = handle.bounding_box()
    if not box or box["width"] == 0 or box["height"] == 0:
        return None
    viewport = page.viewport_size
    margin = 6
    x, y = max(box["x"] - margin, 0), max(box["y"] - margin, 0)
    width = min(box["width"] + 2 * margin, viewport["width"] - x)
    height = min(box["height"] + 2 * margin, viewport["height"] - y)
    if width <= 0 or height <= 0:
        return None
    return {"x": x, "y": y, "width": width, "height": height}


def _check_focus_on_page(page, path: str) -> list[str]:
    """Tab through the page; return the controls whose focus is not visible."""
    page.goto(path)
    page.mouse.move(0, 0)
    problems: list[str] = []
    previous = None  # (handle, clip, screenshot when focused, name)
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        handle = page.evaluate_handle("document.activeElement")
        is_body = page.evaluate("el => el === document.body || el === null", handle)
        if previous is not None:
            prev_handle, clip, focused_shot, name = previous
            page.evaluate("el => el.scrollIntoView({block: 'center'})", prev_handle)
            clip = _box(prev_handle, page) or clip
            unfocused_shot = page.screenshot(clip=clip)
            if unfocused_shot == focused_shot:
                problems.append(f"{path}: {name} looks the same focused and unfocused")
            page.evaluate("el => el.scrollIntoView({block: 'center'})", handle)
        if is_body:
            break
        info = page.evaluate(FOCUS_STYLE_JS, handle)
        if info["style"] == "none" or info["width"] < 2:
            problems.append(f"{path}: {info['name']} has no focus outline")
        elif info["contrast"] < 3:
            problems.append(
                f"{path}: {info['name']} focus outline contrast {info['contrast']:.2f} < 3"
            )
        page.evaluate("el => el.scrollIntoView({block: 'center'})", handle)
        clip = _box(handle, page)
        previous = (handle, clip, page.screenshot(clip=clip), info["name"]) if clip else None
    return problems


def test_focus_is_visible_on_every_control_of_key_pages(chromium, live_server, demo_data):
    from events.models import Attendance

    # The forum's check-in page has people marked present and absent: pressed buttons.
    assert Attendance.objects.filter(
        registration__event__slug="forum-lgd-owes-jesien", is_present=True
    ).exists()
    problems: list[str] = []
    for email, password, paths in [
        (None, None, ["/", "/partnerzy/?powiat=abc"]),
        (
            partners_demo.DEMO_PARTNER_EMAIL,
            PASSWORD_PARTNER,
            ["/wydarzenia/wizyta-studyjna-wielkopolska/zapisy/", "/wydarzenia/moje-zgloszenia/"],
        ),
        (
            advisory_demo.DEMO_STAFF_EMAIL,
            PASSWORD_STAFF,
            ["/wydarzenia/forum-lgd-owes-jesien/obecnosc/", "/doradztwo/sprawy/"],
        ),
    ]:
        context = chromium.new_context(
            locale="pl-PL", base_url=live_server.url, viewport={"width": 1024, "height": 800}
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        if email:
            sign_in(page, email, password)
        for path in paths:
            problems += _check_focus_on_page(page, path)
        context.close()
    assert not problems, "\n".join(problems)


def test_pressed_check_in_button_shows_focus(page, demo_data):
    """After marking a person, the focused (now pressed) button still shows the focus ring."""
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in(page, advisory_demo.DEMO_STAFF_EMAIL, PASSWORD_STAFF)
    page.goto("/wydarzenia/forum-lgd-owes-jesien/obecnosc/")
    pressed = page.locator(".checkin-actions button[aria-pressed='true']").first
    pressed.scroll_into_view_if_needed()
    page.mouse.move(0, 0)
    before = page.evaluate(FOCUS_STYLE_JS, pressed.element_handle())
    unfocused = pressed.screenshot()
    pressed.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    after = page.evaluate(FOCUS_STYLE_JS, pressed.element_handle())
    assert page.evaluate(
        "el => el === document.activeElement && el.matches(':focus-visible')",
        pressed.element_handle(),
    )
    assert after["style"] != "none" and after["width"] >= 2 and after["contrast"] >= 3, after
    assert (before["style"], before["width"]) != (
        after["style"],
        after["width"],
    ) or pressed.screenshot() != unfocused
