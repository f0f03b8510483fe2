"""Photo reports in Chromium: staff upload three photos at once, describe and publish them; the
public gallery opens a photo in a dialog operated with the keyboard (arrows, Esc)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event
from tests.events.factories import EventFactory, ReportFactory, image_bytes
from tests.factories import RegionFactory, RoleUserFactory

from .conftest import SCREENSHOT_DIR, assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_three_photos_describe_publish_and_browse(page, settings, tmp_path):
    from portal import roles

    settings.MEDIA_ROOT = tmp_path
    RegionFactory()
    start = timezone.now() - timedelta(days=3)
    event = EventFactory(
        title="Forum partnerów",
        slug="forum-partnerow",
        state=Event.State.FINISHED,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
    )
    ReportFactory(event=event, title="Relacja z forum", body="<p>Było dobrze.</p>")
    files = []
    for index, colour in enumerate([(200, 40, 40), (40, 160, 60), (40, 60, 200)]):
        path = tmp_path / f"zdjecie-{index + 1}.jpg"
        path.write_bytes(image_bytes(size=(1200, 900), fmt="JPEG", color=colour))
        files.append(str(path))
    bad = tmp_path / "notatka.jpg"
    bad.write_bytes(b"tekst, nie obraz")

    login(page, RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    page.goto(f"/wydarzenia/{event.slug}/relacja/zdjecia/")
    photos_input = page.locator("input[type=file][name=photos]")
    assert photos_input.get_attribute("multiple") is not None

    # A file that is not an image: a Polish message, nothing stored.
    photos_input.set_input_files([files[0], str(bad)])
    page.get_by_role("button", name="Wyślij zdjęcia").click()
    expect(page.locator(".error-summary")).to_contain_text("notatka.jpg")
    expect(page.get_by_text("Relacja nie ma jeszcze zdjęć.")).to_be_visible()

    photos_input = page.locator("input[type=file][name=photos]")
    photos_input.set_input_files(files)
    expect(page.locator("[data-dropzone-status]")).to_contain_text("Wybrane pliki (3)")
    page.get_by_label("Autor zdjęć (opcjonalnie)").fill("Jan Kos")
    page.get_by_role("button", name="Wyślij zdjęcia").click()
    expect(page.locator(".messages, .messagelist, [role=status]").first).to_contain_text(
        "Przyjęto zdjęcia: 3"
    )
    rows = page.locator(".photo-row")
    expect(rows).to_have_count(3)
    assert_accessible(page, "report-photos-staff")
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=str(SCREENSHOT_DIR / "report-photos-staff-360.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    # Publishing without alt text is refused next to the field.
    rows.nth(0).get_by_label("Zaznacz").check()
    page.get_by_role("button", name="Zapisz i opublikuj zaznaczone").click()
    expect(page.locator(".photo-row.has-error")).to_have_count(1)
    expect(page.locator(".photo-row.has-error")).to_contain_text(
        "Tekst alternatywny jest wymagany przed publikacją"
    )

    for index, alt in enumerate(["Sala obrad", "Praca w grupach", "Wspólne zdjęcie"]):
        row = page.locator(".photo-row").nth(index)
        row.get_by_label("Tekst alternatywny").fill(alt)
        row.get_by_label("Zaznacz").check()
    page.get_by_role("button", name="Zapisz i opublikuj zaznaczone").click()
    expect(page.get_by_text("Opublikowano zdjęcia: 3.")).to_be_visible()

    # The public gallery, keyboard only.
    page.context.clear_cookies()
    page.goto(event.get_absolute_url())
    gallery = page.locator("[data-gallery]")
    expect(gallery.locator("img")).to_have_count(3)
    gallery.get_by_role("link", name="Sala obrad").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("img")).to_have_attribute("alt", "Sala obrad")
    expect(dialog).to_contain_text("Zdjęcie 1 z 3")
    expect(dialog).to_contain_text("Fot. Jan Kos")
    page.keyboard.press("ArrowRight")
    expect(dialog.locator("img")).to_have_attribute("alt", "Praca w grupach")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(dialog.locator("img")).to_have_attribute("alt", "Wspólne zdjęcie")
    assert_accessible(page, "report-gallery-dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(gallery.get_by_role("link", name="Wspólne zdjęcie")).to_be_focused()
    assert_accessible(page, "report-gallery")


def test_progress_of_photos_being_prepared_updates_and_the_page_reloads_when_done(
    page, settings, tmp_path
):
    """Photos the worker has not prepared yet (stored as sent, as an upload leaves them): the
    page counts them, the static script reads the count again, and reloads once all are ready."""
    from django.core.files.base import ContentFile

    from events import report_photos
    from events.models import ReportPhoto
    from portal import roles

    settings.MEDIA_ROOT = tmp_path
    RegionFactory()
    event = EventFactory(slug="forum-postepu", state=Event.State.FINISHED)
    report = ReportFactory(event=event)
    now = timezone.now()
    waiting = []
    for index in range(2):
        photo = ReportPhoto(
            report=report,
            position=index,
            uploaded_at=now,
            state=ReportPhoto.State.PROCESSING,
            original_name=f"zdjecie-{index}.jpg",
        )
        photo.original.save(
            f"zdjecie-{index}.jpg", ContentFile(image_bytes(size=(900, 600), fmt="JPEG"))
        )
        waiting.append(photo)

    login(page, RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    page.goto(f"/wydarzenia/{event.slug}/relacja/zdjecia/")
    progress = page.locator("[data-photo-progress-text]")
    expect(progress).to_have_text("Przetwarzanie zdjęć: 0 z 2")
    expect(page.get_by_role("link", name="Odśwież stronę")).to_be_visible()
    assert_accessible(page, "report-photos-progress")

    report_photos.report_photo_process(photo_id=waiting[0].pk)
    expect(progress).to_have_text("Przetwarzanie zdjęć: 1 z 2", timeout=15_000)
    expect(page.locator("progress")).to_have_attribute("value", "1")

    report_photos.report_photo_process(photo_id=waiting[1].pk)
    expect(page.locator(".photo-row")).to_have_count(2, timeout=15_000)
    expect(page.locator("[data-photo-progress]")).to_have_count(0)
