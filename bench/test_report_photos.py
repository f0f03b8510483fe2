"""Benchmarks of report photos: the worker's cost per large photo, and an upload of 50 photos
(answered without processing them: the worker does that)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw

from events.images import photo_thumbnail, photo_web_version
from events.models import Event
from portal import roles
from tests.events.factories import EventFactory, ReportFactory, image_bytes
from tests.factories import RoleUserFactory


@pytest.fixture(scope="module")
def large_jpeg() -> bytes:
    """6300 × 6300 pixels (under the 40-megapixel limit): 119 MB of pixels at full size."""
    image = Image.new("RGB", (6300, 6300), (240, 240, 235))
    draw = ImageDraw.Draw(image)
    for step in range(0, 6300, 150):
        draw.line((0, step, 6300, 6300 - step), fill=(20, 90, 160), width=9)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def test_large_jpeg_web_version_and_thumbnail(benchmark, large_jpeg):
    """What the worker does for one photo (JPEG decoded at half scale)."""

    def process():
        web = photo_web_version(SimpleUploadedFile("duze.jpg", large_jpeg))
        return photo_thumbnail(web)

    thumbnail = benchmark.pedantic(process, rounds=3, iterations=1)
    assert thumbnail.size > 0


@pytest.mark.django_db
def test_upload_of_50_photos_is_answered_without_processing(benchmark, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = ReportFactory(event=EventFactory(state=Event.State.FINISHED))
    client = Client()
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    url = reverse("events:report_photos", args=[report.event.slug])
    content = image_bytes(size=(2400, 1800), fmt="JPEG")

    def upload():
        files = [SimpleUploadedFile(f"{n}.jpg", content, "image/jpeg") for n in range(50)]
        return client.post(url, {"action": "upload", "photos": files})

    response = benchmark.pedantic(upload, rounds=3, iterations=1)
    assert response.status_code == 302
