"""After the event in Chromium: materials, the photo report and postulates; staff check-in; the certificate."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Attendance, Event, Material
from tests.events.factories import (
    EventFactory,
    MaterialFactory,
    PostulateFactory,
    RegistrationFactory,
    ReportFactory,
    ReportPhotoFactory,
    image_bytes,
)
from tests.factories import RegionFactory, StaffUserFactory, UserFactory

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def finished_forum(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    RegionFactory()
    start = timezone.now() - timedelta(days=10)
    event = EventFactory(
        title="Forum LGD i OWES: wspólne wydarzenia",
        slug="forum-lgd-owes",
        state=Event.State.FINISHED,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
    )
    MaterialFactory(event=event, title="Prezentacja: wspólny kalendarz", position=1)
    MaterialFactory(
        event=event,
        title="Notatka z warsztatów",
        visibility=Material.Visibility.PARTICIPANTS,
        position=2,
    )
    report = ReportFactory(
        event=event,
        title="Relacja z forum w Kościerzynie",
        body="<p>Uczestnicy pracowali w trzech grupach.</p><ul><li>wydarzenia</li><li>infrastruktura</li></ul>",
    )
    for position, (alt, colour) in enumerate(
        [
            ("Sala z uczestnikami forum", (40, 90, 160)),
            ("Stół warsztatowy z karteczkami", (200, 150, 40)),
        ]
    ):
        ReportPhotoFactory(
            report=report,
            alt_text=alt,
            position=position,
            credit="Joanna Brzezińska",
            image=ContentFile(image_bytes(size=(900, 600), color=colour), name=f"f{position}.png"),
        )
    PostulateFactory(
        event=event,
        text="Wspólny kalendarz wydarzeń w subregionie",
        status="accepted",
        forwarded_on=timezone.localdate() - timedelta(days=5),
        decided_on=timezone.localdate(),
        decision_note="ROPS prowadzi kalendarz na portalu.",
    )
    PostulateFactory(event=event, text="Baza sal partnerów do wypożyczenia", topic="infrastructure")
    return event


def test_event_page_with_materials_report_and_postulates(page, finished_forum):
    page.goto(finished_forum.get_absolute_url())
    expect(page.get_by_role("heading", name="Materiały")).to_be_visible()
    expect(page.get_by_role("link", name="Prezentacja: wspólny kalendarz")).to_be_visible()
    expect(page.get_by_role("link", name="Notatka z warsztatów")).to_have_count(0)
    expect(page.get_by_text("dostępny tylko dla uczestników")).to_be_visible()
    gallery = page.locator(".gallery img")
    expect(gallery).to_have_count(2)
    # The photos really load (served through the permission-checking view).
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.gallery img')).every(i => i.complete && i.naturalWidth > 0)"
    )
    expect(page.get_by_role("img", name="Stół warsztatowy z karteczkami")).to_be_visible()
    expect(page.get_by_text("Fot. Joanna Brzezińska").first).to_be_visible()
    expect(page.get_by_role("heading", name="Postulaty ze spotkania")).to_be_visible()
    expect(page.get_by_text("przyjęty")).to_be_visible()
    assert_accessible(page, "events-after-event-page")

    with page.expect_download() as download:
        page.get_by_role("link", name="Prezentacja: wspólny kalendarz").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto("/wydarzenia/relacje/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Relacje z wydarzeń")
    assert_accessible(page, "events-report-list")
    page.get_by_role("link", name="Relacja z forum w Kościerzynie").click()
    expect(
        page.get_by_role("heading", name="Relacja: Relacja z forum w Kościerzynie")
    ).to_be_visible()


def test_staff_check_in_then_participant_downloads_certificate(page, finished_forum):
    anna = RegistrationFactory(
        event=finished_forum, participant=UserFactory(first_name="Anna", last_name="Zawadzka")
    )
    RegistrationFactory(
        event=finished_forum, participant=UserFactory(first_name="Piotr", last_name="Kowal")
    )
    login(page, StaffUserFactory())
    page.goto(f"/wydarzenia/{finished_forum.slug}/obecnosc/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rejestracja obecności")
    expect(page.locator("tbody tr")).to_have_count(2)
    assert_accessible(page, "events-checkin")

    page.get_by_label("Szukaj uczestnika").fill("zawadz")
    page.locator("#tresc").get_by_role("button", name="Szukaj", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Obecność: Anna Zawadzka", exact=True).click()
    expect(page.get_by_text("Anna Zawadzka: obecność zapisana.")).to_be_visible()
    row = page.locator("tbody tr", has_text="Zawadzka")
    expect(row).to_contain_text("✓ obecność")
    expect(page.locator("tbody tr")).to_have_count(1)  # the search is kept after the click
    expect(page.get_by_text("obecni 1 · nieobecni 0 · potwierdzone miejsca 2")).to_be_visible()
    assert_accessible(page, "events-checkin-marked")
    assert Attendance.objects.get(registration=anna).is_present

    page.context.clear_cookies()
    login(page, anna.participant)
    page.goto("/wydarzenia/moje-zgloszenia/")
    link = page.get_by_role("link", name="Zaświadczenie o udziale (PDF)")
    expect(link).to_be_visible()
    assert_accessible(page, "events-my-registrations-certificate")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("zaswiadczenie-ZU-")
