"""Uploaded photos are processed by the worker, in bounded memory; the upload is answered at once
and the page shows how far the processing is."""

import io
import json
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from events import report_photos
from events.models import Event, ReportPhoto
from portal import roles
from tests.factories import RoleUserFactory
from tests.waiting import wait_until

from .factories import EventFactory, ReportFactory, image_bytes

PROJECT_ROOT = Path(__file__).resolve().parents[2]
State = ReportPhoto.State


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def coordinator(client):
    user = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    client.force_login(user)
    return user


@pytest.fixture
def report(db):
    return ReportFactory(event=EventFactory(slug="forum-zdjec", state=Event.State.FINISHED))


def photos_url(report):
    return reverse("events:report_photos", args=[report.event.slug])


def jpeg(name, size=(2400, 1800)):
    return SimpleUploadedFile(name, image_bytes(size=size, fmt="JPEG"), "image/jpeg")


@pytest.mark.django_db
def test_the_upload_is_answered_before_any_photo_is_processed(
    client, coordinator, report, media_root
):
    """No task runs in this test: whatever is ready after the POST was made in the request."""
    files = [jpeg(f"{number}.jpg") for number in range(3)]
    response = client.post(photos_url(report), {"action": "upload", "photos": files})
    assert response.status_code == 302
    photos = list(report.photos.order_by("position"))
    assert [photo.state for photo in photos] == [State.PROCESSING] * 3
    assert all(not photo.image and not photo.thumbnail for photo in photos)
    assert all((media_root / photo.original.name).is_file() for photo in photos)
    page = client.get(photos_url(report)).content.decode()
    assert "Przetwarzanie zdjęć: 0 z 3" in page
    assert '<progress max="3" value="0"' in page
    assert "<script>" not in page  # the progress is polled by a static file, as the CSP wants
    # Nothing to describe or publish yet.
    assert "Relacja nie ma jeszcze zdjęć." in page

    assert report_photos.report_photo_process(photo_id=photos[0].pk)
    page = client.get(photos_url(report)).content.decode()
    assert "Przetwarzanie zdjęć: 1 z 3" in page


@pytest.mark.django_db
def test_processing_makes_the_web_version_and_thumbnail_once_and_drops_the_original(
    client, coordinator, report, media_root, django_capture_on_commit_callbacks
):
    client.post(photos_url(report), {"action": "upload", "photos": [jpeg("sala.jpg")]})
    photo = report.photos.get()
    original = media_root / photo.original.name
    with django_capture_on_commit_callbacks(execute=True):  # the original goes after commit
        assert report_photos.report_photo_process(photo_id=photo.pk)
    assert not report_photos.report_photo_process(photo_id=photo.pk)  # a second run: nothing
    photo.refresh_from_db()
    assert photo.state == State.READY and not photo.original and not original.exists()
    assert (photo.width, photo.height) == (1600, 1200)
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) == 480
    assert "Przetwarzanie zdjęć" not in client.get(photos_url(report)).content.decode()


@pytest.mark.django_db
def test_a_photo_that_cannot_be_read_is_listed_as_unreadable(
    client, coordinator, report, media_root
):
    client.post(photos_url(report), {"action": "upload", "photos": [jpeg("zgubione.jpg")]})
    photo = report.photos.get()
    photo.original.storage.delete(photo.original.name)  # lost from the disk before processing
    assert not report_photos.report_photo_process(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.state == State.FAILED
    page = client.get(photos_url(report)).content.decode()
    assert "Zdjęcia, których nie udało się odczytać" in page and "zgubione.jpg" in page
    assert "Przetwarzanie zdjęć" not in page


@pytest.mark.django_db
def test_photos_whose_task_was_lost_are_queued_again_by_the_beat_scan(
    client, coordinator, report, media_root
):
    client.post(photos_url(report), {"action": "upload", "photos": [jpeg("a.jpg")]})
    photo = report.photos.get()
    assert report_photos.report_photos_process_waiting() == 0  # just uploaded: its task is due
    ReportPhoto.objects.filter(pk=photo.pk).update(
        uploaded_at=timezone.now() - timedelta(minutes=10)
    )
    assert report_photos.report_photos_process_waiting() == 1  # runs in-process in the tests
    photo.refresh_from_db()
    assert photo.state == State.READY


@pytest.mark.django_db
def test_a_photo_still_processing_is_not_published(report, media_root):
    staff = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    photos = report_photos.report_photos_upload(
        report=report, files=[jpeg("a.jpg")], actor=staff, credit="Jan Kos"
    )
    ReportPhoto.objects.filter(pk=photos[0].pk).update(alt_text="Sala")
    assert report_photos.report_photos_publish(photos=photos, actor=staff) == 0
    assert not ReportPhoto.objects.get(pk=photos[0].pk).is_published


@pytest.mark.django_db
def test_a_png_over_the_lower_pixel_limit_is_refused_next_to_the_field(
    client, coordinator, report, media_root
):
    buffer = io.BytesIO()
    Image.new("RGB", (4100, 4000), (200, 200, 200)).save(buffer, "PNG")
    big_png = SimpleUploadedFile("plakat.png", buffer.getvalue(), "image/png")
    response = client.post(photos_url(report), {"action": "upload", "photos": [big_png]})
    assert response.status_code == 200
    content = response.content.decode()
    message = (
        "Zdjęcie „plakat.png” ma zbyt wiele pikseli. Proszę je zmniejszyć "
        "(np. do 4000 × 4000) i wysłać ponownie."
    )
    assert message in response.context["upload_form"].errors["photos"]
    assert f'<ul class="errorlist" id="id_photos_error"><li>{message}</li></ul>' in content
    assert 'aria-describedby="id_photos_helptext id_photos_error"' in content
    assert not ReportPhoto.objects.exists() and not any(media_root.rglob("*.png"))


def test_a_large_jpeg_is_decoded_in_bounded_memory(tmp_path):
    """6300 × 6300 pixels (under the 40-megapixel limit) decode to 119 MB at full size; the
    web version needs only a half-scale decode. Measured in a fresh process (Pillow's memory is
    outside Python's allocator, so tracemalloc would not see it)."""
    image = Image.new("RGB", (6300, 6300), (240, 240, 235))
    draw = ImageDraw.Draw(image)
    for step in range(0, 6300, 150):
        draw.line((0, step, 6300, 6300 - step), fill=(20, 90, 160), width=9)
    path = tmp_path / "duze.jpg"
    image.save(path, "JPEG", quality=80)
    del image, draw
    script = textwrap.dedent(
        f"""
        import io, json, resource, time
        import django
        django.setup()
        from portal.uploads import image_reencode
        data = open({str(path)!r}, "rb").read()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        web = image_reencode(io.BytesIO(data), max_side=1600)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        from PIL import Image
        size = Image.open(io.BytesIO(web.read())).size
        print(json.dumps({{"kb": peak - before, "seconds": seconds, "size": size}}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env={"DJANGO_SETTINGS_MODULE": "portal.settings.test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["size"] == [1600, 1600]
    assert measured["kb"] < 150 * 1024, measured


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_prepares_uploaded_photos(client, celery_worker):
    """The worker is another process: it reads the originals from the shared media folder."""
    report = ReportFactory(event=EventFactory(slug="forum-pracownik", state=Event.State.FINISHED))
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    files = [jpeg(f"{number}.jpg", size=(1800, 1200)) for number in range(4)]
    response = client.post(photos_url(report), {"action": "upload", "photos": files})
    assert response.status_code == 302
    wait_until(
        lambda: not report.photos.filter(state=State.PROCESSING).exists(),
        timeout=60,
        message="the worker did not prepare the photos",
    )
    photos = list(report.photos.all())
    try:
        assert [photo.state for photo in photos] == [State.READY] * 4
        assert all(photo.width == 1600 and photo.thumbnail for photo in photos)
        assert "Przetwarzanie zdjęć" not in client.get(photos_url(report)).content.decode()
    finally:
        for photo in photos:
            for field_file in (photo.image, photo.thumbnail, photo.original):
                if field_file:
                    field_file.storage.delete(field_file.name)
    assert settings.MEDIA_ROOT  # the worker and this test share it (portal.settings.test)
