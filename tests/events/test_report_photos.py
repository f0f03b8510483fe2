"""Photo reports: many photos uploaded at once and stored unpublished, described, published;
an unpublished photo is never served, whatever URL is tried."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image

from events import report_photos
from events.models import Event, ReportPhoto
from portal import roles
from portal.models import AuditLogEntry
from tests.factories import RoleUserFactory, StaffUserFactory

from .factories import EventFactory, ReportFactory, ReportPhotoFactory, image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def coordinator(client):
    user = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    client.force_login(user)
    return user


@pytest.fixture
def report():
    return ReportFactory(event=EventFactory(slug="forum", state=Event.State.FINISHED))


def photos_url(report):
    return reverse("events:report_photos", args=[report.event.slug])


def jpeg(name, size=(2400, 1800), color=(30, 110, 160)):
    return SimpleUploadedFile(name, image_bytes(size=size, fmt="JPEG", color=color), "image/jpeg")


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_three_photos_at_once_stored_unpublished_with_thumbnails(
    client, coordinator, report, django_capture_on_commit_callbacks
):
    # The processing tasks run in-process here, after the upload's commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            photos_url(report),
            {
                "action": "upload",
                "credit": "Fot. Jan Kos",
                "photos": [jpeg("a.jpg"), jpeg("b.jpg"), jpeg("c.jpg", size=(600, 400))],
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    photos = list(report.photos.order_by("position"))
    assert [p.position for p in photos] == [0, 1, 2]
    assert all(not p.is_published and p.alt_text == "" for p in photos)
    assert all(p.credit == "Jan Kos" and p.uploaded_by == coordinator for p in photos)
    assert (photos[0].width, photos[0].height) == (1600, 1200)
    with Image.open(photos[0].thumbnail.path) as thumbnail:
        assert max(thumbnail.size) == 480 and thumbnail.format == "JPEG"
    assert AuditLogEntry.objects.filter(action="events.report.photos_upload").count() == 1
    # A second batch continues the order.
    client.post(photos_url(report), {"action": "upload", "photos": [jpeg("d.jpg")]})
    assert report.photos.order_by("-position").first().position == 3


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (SimpleUploadedFile("notatka.jpg", b"to nie jest zdjecie", "image/jpeg"), "notatka.jpg"),
        (SimpleUploadedFile("skan.png", pdf_bytes(), "image/png"), "skan.png” ma niedozwolony typ"),
        (SimpleUploadedFile("plik.gif", image_bytes(fmt="GIF"), "image/gif"), "niedozwolony typ"),
    ],
)
def test_a_file_that_is_not_an_image_refuses_the_whole_upload(
    client, coordinator, report, media_root, bad, message
):
    response = client.post(
        photos_url(report), {"action": "upload", "photos": [jpeg("a.jpg"), bad, jpeg("b.jpg")]}
    )
    assert response.status_code == 200
    errors = response.context["upload_form"].errors["photos"]
    assert any(message in error for error in errors), errors
    assert "Formularz zawiera błędy" in response.content.decode()
    assert not ReportPhoto.objects.exists() and stored_files(media_root) == []


def test_no_file_chosen_is_a_polish_error(client, coordinator, report):
    response = client.post(photos_url(report), {"action": "upload"})
    assert "Prosimy wybrać co najmniej jedno zdjęcie." in response.content.decode()


def test_unpublished_photo_is_never_served(client, report):
    photo = ReportPhotoFactory(report=report, is_published=False, alt_text="", credit="")
    published = ReportPhotoFactory(report=report)
    assert report.is_published
    for url in (photo.get_absolute_url(), photo.get_thumbnail_url()):
        assert client.get(url).status_code == 404
    # Media files are never served by URL at all.
    assert client.get(f"/media-not-public/{photo.image.name}").status_code == 404
    assert client.get(published.get_absolute_url()).status_code == 200
    page = client.get(report.event.get_absolute_url()).content.decode()
    assert published.get_absolute_url() in page and photo.get_absolute_url() not in page
    # Signed in, but without the right to see unpublished reports: still 404.
    client.force_login(RoleUserFactory(role=None))
    assert client.get(photo.get_absolute_url()).status_code == 404
    # Staff who may see unpublished reports preview it.
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    assert client.get(photo.get_thumbnail_url()).status_code == 200


def test_alt_text_and_author_required_before_publishing(client, coordinator, report):
    first = ReportPhotoFactory(report=report, is_published=False, alt_text="", credit="Jan Kos")
    second = ReportPhotoFactory(report=report, is_published=False, alt_text="Sala", credit="")
    data = {
        "action": "publish",
        "zdjecia-TOTAL_FORMS": 2,
        "zdjecia-INITIAL_FORMS": 2,
        "zdjecia-0-photo": first.pk,
        "zdjecia-0-selected": "on",
        "zdjecia-0-alt_text": "",
        "zdjecia-0-credit": "Jan Kos",
        "zdjecia-0-caption": "Otwarcie",
        "zdjecia-0-position": 0,
        "zdjecia-1-photo": second.pk,
        "zdjecia-1-selected": "on",
        "zdjecia-1-alt_text": "Sala z uczestnikami",
        "zdjecia-1-credit": "",
        "zdjecia-1-position": 1,
    }
    response = client.post(photos_url(report), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Tekst alternatywny jest wymagany przed publikacją" in content
    assert "Autor zdjęcia jest wymagany przed publikacją" in content
    first.refresh_from_db()
    second.refresh_from_db()
    # Nothing changed, not even the descriptions typed in the same submit.
    assert not first.is_published and not second.is_published
    assert first.caption == "" and second.alt_text == "Sala"

    data.update({"zdjecia-0-alt_text": "Otwarcie forum", "zdjecia-1-credit": "Fot. Ewa Lis"})
    response = client.post(photos_url(report), data)
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_published and first.alt_text == "Otwarcie forum"
    assert second.is_published and second.credit == "Ewa Lis"
    client.logout()
    assert client.get(first.get_absolute_url()).status_code == 200


def test_service_and_database_refuse_publishing_without_alt_text(report):
    staff = StaffUserFactory()
    photo = ReportPhotoFactory(report=report, is_published=False, alt_text="")
    with pytest.raises(Exception, match="tekstem alternatywnym"):
        report_photos.report_photos_publish(photos=[photo], actor=staff)
    photo.refresh_from_db()
    assert not photo.is_published
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportPhoto.objects.filter(pk=photo.pk).update(is_published=True)


def test_unpublish_hides_the_photo_again(client, coordinator, report):
    photo = ReportPhotoFactory(report=report)
    data = {
        "action": "unpublish",
        "zdjecia-TOTAL_FORMS": 1,
        "zdjecia-INITIAL_FORMS": 1,
        "zdjecia-0-photo": photo.pk,
        "zdjecia-0-selected": "on",
        "zdjecia-0-alt_text": photo.alt_text,
        "zdjecia-0-credit": photo.credit,
        "zdjecia-0-position": 0,
    }
    assert client.post(photos_url(report), data).status_code == 302
    client.logout()
    assert client.get(photo.get_absolute_url()).status_code == 404


def test_photo_page_permissions(client, report):
    url = photos_url(report)
    assert "/konto/login/" in client.get(url)["Location"]
    client.force_login(RoleUserFactory(role=None))
    assert client.get(url).status_code == 404
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    assert client.get(url).status_code == 404
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    assert client.get(url).status_code == 200


def test_files_of_a_failed_upload_are_removed(report, media_root):
    """The database refuses the second row (a trigger stands in for any failure mid-upload):
    the rows roll back and the files already written for them are deleted."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_second_photo() RETURNS trigger AS $$ BEGIN "
            "IF NEW.position = 1 THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ "
            "LANGUAGE plpgsql; CREATE TRIGGER refuse_second_photo BEFORE INSERT ON "
            "events_reportphoto FOR EACH ROW EXECUTE FUNCTION refuse_second_photo();"
        )
    with pytest.raises(DatabaseError):
        report_photos.report_photos_upload(
            report=report, files=[jpeg("a.jpg"), jpeg("b.jpg")], actor=StaffUserFactory()
        )
    assert not ReportPhoto.objects.exists() and stored_files(media_root) == []
