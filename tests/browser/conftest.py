"""Headless Chromium (Debian's package) driven by Playwright, and an axe-core check."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used
# synchronously there, which is safe in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(
        locale="pl-PL", timezone_id="Europe/Warsaw", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page, name: str) -> None:
    """Run axe-core in the page, save a screenshot, and fail on serious or critical violations."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in blocking
    )
    assert not blocking, f"axe-core found serious/critical violations on {name}:\n{details}"


def login(page, user, password: str = "haslo-testowe-123", totp_secret: str | None = None) -> None:
    """Sign in through the real login form (and the second-factor form for staff)."""
    sign_in(page, user.email, password, totp_secret=totp_secret)


def sign_in(page, email: str, password: str, totp_secret: str | None = None) -> None:
    """Type the e-mail and password, then, when the portal asks, a real TOTP code.

    Staff factories give accounts tests.factories.TEST_TOTP_SECRET; the demo staff account has
    portal.demo.DEMO_STAFF_TOTP_SECRET (pass it as ``totp_secret``).
    """
    page.goto("/konto/login/")
    form = page.locator("main form")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/konto/login/" not in url)
    if "/2fa/authenticate/" in page.url:
        enter_totp_code(page, email, totp_secret)


def enter_totp_code(page, email: str, totp_secret: str | None = None) -> None:
    """Type the current authenticator code on allauth's second-factor page."""
    from portal.models import User
    from tests.factories import TEST_TOTP_SECRET, totp_code

    user = User.objects.get(email=email)
    page.locator("main form input[name=code]").fill(
        totp_code(user, secret=totp_secret or TEST_TOTP_SECRET)
    )
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
