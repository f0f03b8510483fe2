"""The postulates register in Chromium: staff filter by addressee and status, see the status
history and the reply; axe-core at 1280 px and the layout at 360 px."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event, Institution, Postulate
from portal import roles
from tests.events.factories import EventFactory, PostulateFactory
from tests.factories import RegionFactory, RoleUserFactory

from .conftest import SCREENSHOT_DIR, assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_filter_the_postulates_register(page):
    RegionFactory()
    iz = Institution.objects.create(
        name="Instytucja Zarządzająca FEP 2021–2027", short_name="IZ FEP"
    )
    board = Institution.objects.create(name="Zarząd Województwa Pomorskiego")
    start = timezone.now() - timedelta(days=30)
    forum = EventFactory(
        title="Forum LGD i OWES",
        state=Event.State.FINISHED,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
    )
    PostulateFactory(
        event=forum,
        text="Wspólny kalendarz wydarzeń",
        institution=iz,
        addressee=iz.name,
        status=Postulate.Status.ACCEPTED,
        forwarded_on=date.today() - timedelta(days=20),
        decided_on=date.today() - timedelta(days=5),
        decision_note="ROPS uruchomi kalendarz na portalu.",
    )
    PostulateFactory(
        event=forum, text="Stoiska PES na festynach", institution=board, addressee=board.name
    )
    login(page, RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    page.goto("/wydarzenia/postulaty/")
    expect(page.locator(".postulate-entry")).to_have_count(2)
    page.get_by_label("Adresat").select_option(label=iz.name)
    page.get_by_label("Status").select_option(label="przyjęty")
    page.get_by_role("button", name="Pokaż").click()
    entries = page.locator(".postulate-entry")
    expect(entries).to_have_count(1)
    expect(entries).to_contain_text("ROPS uruchomi kalendarz na portalu.")
    expect(entries.locator(".status-history li")).to_have_count(1)
    expect(page.get_by_role("link", name="Pobierz wybrane postulaty (XLSX)")).to_have_attribute(
        "href", f"/wydarzenia/postulaty/eksport.xlsx?adresat={iz.pk}&status=accepted"
    )
    assert_accessible(page, "postulate-register")
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=str(SCREENSHOT_DIR / "postulate-register-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= 360")
