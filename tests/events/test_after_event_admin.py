"""Staff upload materials and report photos, edit postulates and export them (Django admin)."""

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from events.models import Event, Material, Postulate, Report, ReportPhoto
from tests.factories import StaffUserFactory

from .factories import (
    AttendanceFactory,
    EventFactory,
    MaterialFactory,
    PostulateFactory,
    RegistrationFactory,
    ReportPhotoFactory,
    image_bytes,
    office_bytes,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff(client):
    user = StaffUserFactory()
    client.force_login(user)
    return user


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


def add_material(client, event, upload, **extra):
    data = {
        "event": event.pk,
        "title": "Prezentacja z warsztatów",
        "file": upload,
        "visibility": "public",
        "position": 0,
    }
    return client.post(reverse("admin:events_material_add"), {**data, **extra})


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("prezentacja.pdf", pdf_bytes(), "PDF"),
        ("slajdy.pptx", office_bytes("ppt/presentation.xml"), "PPTX"),
        ("budzet.xlsx", office_bytes("xl/workbook.xml"), "XLSX"),
        ("notatka.docx", office_bytes("word/document.xml"), "DOCX"),
    ],
)
def test_material_upload_accepted(client, staff, name, content, kind):
    event = EventFactory()
    response = add_material(client, event, SimpleUploadedFile(name, content))
    assert response.status_code == 302, response.content.decode()[:2000]
    material = Material.objects.get()
    assert (
        material.file_type == kind
        and material.file_size == len(content)
        and material.uploaded_by == staff
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("prezentacja.pdf", b"to nie jest PDF, tylko tekst", "ma niedozwolony typ"),
        ("zdjecie.docx", image_bytes(fmt="JPEG"), "ma niedozwolony typ"),
        ("program.exe", b"MZ\x90\x00binary", "ma niedozwolony typ"),
        ("pusty.pdf", b"", "pusty"),
    ],
)
def test_material_bad_upload_polish_error_nothing_saved(
    client, staff, media_root, name, content, message
):
    event = EventFactory()
    response = add_material(client, event, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Material.objects.exists() and stored_files(media_root) == []


def test_material_too_large(client, staff, settings, media_root):
    settings.UPLOAD_MAX_BYTES = 1000
    response = add_material(
        client, EventFactory(), SimpleUploadedFile("duzy.pdf", pdf_bytes("x" * 3000))
    )
    assert "jest za duży" in response.content.decode()
    assert not Material.objects.exists() and stored_files(media_root) == []


def report_data(event, photos=(), **extra):
    data = {
        "event": event.pk,
        "title": "Relacja z forum",
        "lead": "",
        "body": "<p>Treść</p>",
        "is_published": "on",
        "photos-TOTAL_FORMS": len(photos),
        "photos-INITIAL_FORMS": 0,
        "photos-MIN_NUM_FORMS": 0,
        "photos-MAX_NUM_FORMS": 1000,
    }
    for index, photo in enumerate(photos):
        for key, value in photo.items():
            data[f"photos-{index}-{key}"] = value
    data.update(extra)
    return data


def test_report_with_big_photo_is_resized_and_published(client, staff):
    event = EventFactory(state=Event.State.FINISHED)
    upload = SimpleUploadedFile("sala.jpg", image_bytes(size=(3200, 2400), fmt="JPEG"))
    photo = {
        "image": upload,
        "alt_text": "Sala pełna uczestników",
        "credit": "Anna Nowak",
        "position": 1,
    }
    response = client.post(reverse("admin:events_report_add"), report_data(event, [photo]))
    assert response.status_code == 302, response.content.decode()[:3000]
    report = Report.objects.get()
    # Saving never publishes (the checkbox is read-only); the publish action does, through the service.
    assert not report.is_published and report.author == staff
    client.post(
        reverse("admin:events_report_changelist"),
        {"action": "publish", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.is_published and report.published_at is not None
    saved = ReportPhoto.objects.get()
    assert (saved.width, saved.height) == (1600, 1200)
    with Image.open(saved.image.path) as image:
        assert image.size == (1600, 1200) and image.format == "JPEG"


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (
            {"image": SimpleUploadedFile("a.png", pdf_bytes()), "alt_text": "Opis", "credit": "A"},
            "nie jest grafiką",
        ),
        (
            {
                "image": SimpleUploadedFile("a.gif", image_bytes(fmt="GIF")),
                "alt_text": "Opis",
                "credit": "A",
            },
            "niedozwolony typ",
        ),
        (
            {
                "image": SimpleUploadedFile("a.jpg", image_bytes(fmt="PNG")),
                "alt_text": "Opis",
                "credit": "A",
            },
            "niedozwolony typ",
        ),
        # Alt text and author are required before publication, not on upload:
        # tests/events/test_report_photos.py.
    ],
)
def test_report_bad_photo_nothing_saved(client, staff, media_root, photo, message):
    event = EventFactory(state=Event.State.FINISHED)
    response = client.post(
        reverse("admin:events_report_add"), report_data(event, [{**photo, "position": 0}])
    )
    errors = str(response.context["inline_admin_formsets"][0].formset.errors)
    assert response.status_code == 200 and message in errors, errors
    assert (
        not Report.objects.exists()
        and not ReportPhoto.objects.exists()
        and stored_files(media_root) == []
    )


def test_report_unpublish_action_hides_photos(client, staff):
    photo = ReportPhotoFactory()
    client.post(
        reverse("admin:events_report_changelist"),
        {"action": "unpublish", ACTION_CHECKBOX_NAME: [photo.report.pk]},
    )
    client.logout()
    assert client.get(photo.get_absolute_url()).status_code == 404


def test_postulate_forwarded_needs_date(client, staff):
    event = EventFactory(state=Event.State.FINISHED)
    data = {
        "event": event.pk,
        "text": "Wspólne wydarzenia LGD i OWES",
        "topic": "joint_events",
        "addressee": "IZ FEP",
        "status": "accepted",
        "position": 0,
    }
    response = client.post(reverse("admin:events_postulate_add"), data)
    content = response.content.decode()
    assert (
        "Wymagana jest data przekazania postulatu adresatowi." in content
        and "Wymagana jest data odpowiedzi adresata." in content
    )
    assert not Postulate.objects.exists()
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("admin:events_postulate_add"), {**data, "forwarded_on": today, "decided_on": today}
    )
    assert response.status_code == 302 and Postulate.objects.get().status == "accepted"


def test_postulates_export_across_events_csv(client, staff):
    first = PostulateFactory(
        text="Platforma współpracy w subregionie", event__title="Forum jesienne"
    )
    second = PostulateFactory(
        text="Ścieżki wsparcia dla PES",
        status="forwarded",
        forwarded_on=timezone.localdate(),
        event__title="Spotkanie robocze",
    )
    response = client.post(
        reverse("admin:events_postulate_changelist"),
        {"action": "export_admin_action", ACTION_CHECKBOX_NAME: [first.pk, second.pk]},
    )
    form = response.context["form"]
    formats = {
        label.lower(): value for value, label in form.fields["format"].choices if value != ""
    }
    columns = {
        name: "on"
        for name, field in form.fields.items()
        if field.__class__.__name__ == "BooleanField"
    }
    response = client.post(
        reverse("admin:events_postulate_export"),
        {
            "format": formats["csv"],
            "export_items": [first.pk, second.pk],
            "resource": form.initial.get("resource", 0),
            **columns,
        },
    )
    assert response.status_code == 200
    xlsx = client.post(
        reverse("admin:events_postulate_export"),
        {
            "format": formats["xlsx"],
            "export_items": [first.pk, second.pk],
            "resource": form.initial.get("resource", 0),
            **columns,
        },
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert "Ścieżki wsparcia dla PES" in [cell.value for row in sheet.iter_rows() for cell in row]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert "treść postulatu" in rows[0] and "status" in rows[0]
    body = text
    assert "Forum jesienne" in body and "Spotkanie robocze" in body
    assert "Platforma współpracy w subregionie" in body and "przekazany" in body


def test_event_change_form_with_inlines_and_checkin_link(client, staff):
    event = EventFactory()
    MaterialFactory(event=event)
    PostulateFactory(event=event)
    content = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert "materials-TOTAL_FORMS" in content and "postulates-TOTAL_FORMS" in content
    assert reverse("events:checkin", args=[event.slug]) in content
    assert reverse("events:attendance_list_pdf", args=[event.slug]) in content
    assert f"{reverse('admin:events_report_add')}?event={event.pk}" in content
    changelist = client.get(reverse("admin:events_event_changelist")).content.decode()
    assert reverse("events:checkin", args=[event.slug]) in changelist


@pytest.mark.parametrize("model", ["report", "postulate", "material", "attendance", "certificate"])
def test_after_event_admin_pages_open(client, staff, model):
    registration = RegistrationFactory(event=EventFactory(state=Event.State.FINISHED))
    AttendanceFactory(registration=registration)
    ReportPhotoFactory(report__event=registration.event)
    PostulateFactory(event=registration.event)
    MaterialFactory(event=registration.event)
    assert client.get(reverse(f"admin:events_{model}_changelist")).status_code == 200


def test_admin_links_to_stored_files_go_through_the_authorising_views(client, staff):
    photo = ReportPhotoFactory()
    material = MaterialFactory(event=photo.report.event)
    report_page = client.get(
        reverse("admin:events_report_change", args=[photo.report.pk])
    ).content.decode()
    assert (
        f'href="{photo.get_absolute_url()}"' in report_page
        and "/media-not-public/" not in report_page
    )
    event_page = client.get(
        reverse("admin:events_event_change", args=[material.event.pk])
    ).content.decode()
    assert (
        f'href="{material.get_absolute_url()}"' in event_page
        and "/media-not-public/" not in event_page
    )
    assert client.get(material.get_absolute_url()).status_code == 200
