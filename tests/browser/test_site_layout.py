"""Whole-site layout checks in Chromium: every page of every role on the demo data."""

import pytest

from advisory import demo as advisory_demo
from cooperation import demo as cooperation_demo
from events import demo as events_demo
from partners import demo as partners_demo
from portal import demo as portal_demo

from .site_pages import ROLES, assert_every_page_pattern_visited, crawl_role, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_EMAIL = (
    "sekretariat.wydzialu.polityki.spolecznej.i.zdrowia.publicznego@urzad-gminy-przykladowej.gov.pl"
)
LONG_WORD = "Wielofunkcyjnecentrumusługspołecznychiaktywizacjizawodowejmieszkańców" * 2


@pytest.fixture
def demo_data_with_long_values():
    """The demo data, plus long e-mails and unbroken words where people type them."""
    portal_demo.load()
    partners_demo.load()
    events_demo.load()
    advisory_demo.load()
    cooperation_demo.load()
    from advisory.models import AdvisoryRequest
    from partners.models import Organisation

    request = AdvisoryRequest.objects.exclude(status="draft").order_by("pk").first()
    AdvisoryRequest.objects.filter(pk=request.pk).update(
        contact_email=LONG_EMAIL, preferred_dates=LONG_WORD
    )
    organisation = Organisation.objects.filter(
        memberships__user__email=partners_demo.DEMO_PARTNER_EMAIL
    ).first()
    Organisation.objects.filter(pk=organisation.pk).update(email=LONG_EMAIL, description=LONG_WORD)


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_every_page_of_every_role_reflows_at_360_px(
    chromium, live_server, demo_data_with_long_values
):
    """WCAG 1.4.10: no page scrolls sideways at 360 CSS px (wide tables scroll inside their region)."""
    overflowing: list[str] = []
    visited = []
    for role, email, password in ROLES:
        context = chromium.new_context(
            locale="pl-PL",
            timezone_id="Europe/Warsaw",
            base_url=live_server.url,
            viewport={"width": 360, "height": 740},
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        if email:
            sign_in(page, email, password)

        def check(page, path, role=role):
            extra = _overflow(page)
            if extra > 0:
                overflowing.append(f"{role} {path}: +{extra} px")

        visited += crawl_role(page, role, check)
        context.close()
    assert not overflowing, "Pages scroll sideways at 360 px:\n" + "\n".join(overflowing)
    assert len(visited) > 150, len(visited)
    assert_every_page_pattern_visited(visited)


def test_long_email_in_a_request_does_not_widen_the_page_at_1280_px(
    page, demo_data_with_long_values
):
    from advisory.models import AdvisoryRequest

    request = AdvisoryRequest.objects.get(contact_email=LONG_EMAIL)
    page.set_viewport_size({"width": 1280, "height": 900})
    # The requester's page (staff sign-in now asks for a second factor).
    sign_in(page, advisory_demo.DEMO_JST_EMAIL, advisory_demo.DEMO_PASSWORD)
    page.goto(f"/doradztwo/wnioski/{request.pk}/")
    assert page.get_by_text(LONG_EMAIL).count() == 1
    assert _overflow(page) == 0
    panel = page.locator("aside .panel").filter(has=page.get_by_role("heading", name="Dane sprawy"))
    # The "Dane sprawy" panel keeps its long values inside its box, also with WCAG 1.4.12 text spacing.
    for spacing in (False, True):
        if spacing:
            page.add_style_tag(
                content="* { line-height: 1.5 !important; letter-spacing: 0.12em !important; "
                "word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
            )
        inside = panel.evaluate(
            """panel => { const box = panel.getBoundingClientRect();
                return [...panel.querySelectorAll('*')].every(el => {
                    const r = el.getBoundingClientRect();
                    return r.width === 0 || (r.left >= box.left - 0.5 && r.right <= box.right + 0.5); })
                    && panel.scrollWidth <= panel.clientWidth; }"""
        )
        assert inside, f"content leaves the 'Dane sprawy' panel (text spacing: {spacing})"
        assert _overflow(page) == 0
