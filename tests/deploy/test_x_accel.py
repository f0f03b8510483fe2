"""Private files behind nginx: with PRIVATE_FILES_X_ACCEL_PREFIX the view authorises and nginx
sends the file (X-Accel-Redirect); without it Django streams the file itself."""

import pytest

from tests.events.factories import EventFactory, MaterialFactory

pytestmark = pytest.mark.django_db


def test_public_material_is_handed_to_nginx_when_configured(client, settings):
    settings.PRIVATE_FILES_X_ACCEL_PREFIX = "/protected-media/"
    material = MaterialFactory(event=EventFactory())
    response = client.get(material.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + material.file.name
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_missing_file_is_404_with_x_accel(client, settings):
    settings.PRIVATE_FILES_X_ACCEL_PREFIX = "/protected-media/"
    material = MaterialFactory(event=EventFactory())
    material.file.storage.delete(material.file.name)
    assert client.get(material.get_absolute_url()).status_code == 404


def test_without_the_setting_django_streams_the_file(client, settings):
    settings.PRIVATE_FILES_X_ACCEL_PREFIX = ""
    material = MaterialFactory(event=EventFactory())
    response = client.get(material.get_absolute_url())
    assert response.status_code == 200 and "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content).startswith(b"%PDF")
