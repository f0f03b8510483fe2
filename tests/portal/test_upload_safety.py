"""Uploads safe by construction: archive bombs, image metadata, replaced files, PDF polyglots."""

import functools
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events.images import photo_web_version
from events.models import Material, ReportPhoto
from portal import uploads
from tests import factories
from tests.events.factories import MaterialFactory, ReportPhotoFactory, pdf_bytes

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BOMB_MESSAGE = "po rozpakowaniu byłby nienaturalnie duży"


# --- archive bombs, built here: small on disk, huge when unpacked --------------------------------


def _deflated_zeros(size: int, chunk: int = 8 << 20) -> tuple[bytes, int]:
    """A raw deflate stream of ``size`` zero bytes and its CRC, built from one compressed block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"\0" * chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    count, rest = divmod(size, chunk)
    crc, zeros = 0, b"\0" * chunk
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    end = tail.compress(b"\0" * rest) + tail.flush()
    return block * count + end, zlib.crc32(b"\0" * rest, crc)


def _deflated(data: bytes) -> tuple[bytes, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data)


def _zip(members: list[tuple[str, tuple[bytes, int], int]]) -> bytes:
    """Write a valid ZIP from already deflated members (zipfile cannot take raw streams)."""
    out, central = io.BytesIO(), []
    for name, (data, crc), size in members:
        offset, encoded = out.tell(), name.encode()
        out.write(
            struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0
            )
        )
        out.write(encoded + data)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start, directory = out.tell(), b"".join(central)
    out.write(directory)
    out.write(
        struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), start, 0
        )
    )
    return out.getvalue()


def _small(name: str, text: bytes = b"<x/>"):
    return (name, _deflated(text), len(text))


@functools.cache
def odt_bomb() -> bytes:
    return _zip([("mimetype", _deflated_zeros(512 << 20), 512 << 20), _small("content.xml")])


@functools.cache
def docx_bomb() -> bytes:
    return _zip(
        [_small("[Content_Types].xml"), ("word/document.xml", _deflated_zeros(1 << 30), 1 << 30)]
    )


def test_bombs_are_real_and_small_on_disk():
    for content, name, size in (
        (odt_bomb(), "mimetype", 512 << 20),
        (docx_bomb(), "word/document.xml", 1 << 30),
    ):
        assert len(content) < 1_100_000
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert archive.getinfo(name).file_size == size
            assert archive.testzip() is None if size < (600 << 20) else True


@pytest.mark.parametrize(
    ("name", "build"), [("program.odt", odt_bomb), ("uchwala.docx", docx_bomb)]
)
def test_archive_bombs_are_refused_in_polish_before_unpacking(name, build):
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(SimpleUploadedFile(name, build()))
    assert BOMB_MESSAGE in error.value.messages[0] and name in error.value.messages[0]


def test_archive_with_too_many_members_is_refused():
    members = [_small("[Content_Types].xml"), _small("word/document.xml")]
    members += [_small(f"word/media/{index}.xml") for index in range(uploads.ZIP_MAX_MEMBERS)]
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(SimpleUploadedFile("uchwala.docx", _zip(members)))
    assert BOMB_MESSAGE in error.value.messages[0]


def test_ordinary_office_documents_still_pass():
    text = (
        b"<w:document>"
        + b"<w:p>Uchwa\xc5\x82a w sprawie programu wsp\xc3\xb3\xc5\x82pracy</w:p>" * 5000
        + b"</w:document>"
    )
    docx = _zip([_small("[Content_Types].xml"), ("word/document.xml", _deflated(text), len(text))])
    assert uploads.validate_upload(SimpleUploadedFile("uchwala.docx", docx)) is uploads.DOCX
    odt = _zip([_small("mimetype", uploads.ODT.mimetype.encode()), _small("content.xml")])
    assert uploads.validate_upload(SimpleUploadedFile("program.odt", odt)) is uploads.ODT


def test_oversized_mimetype_member_is_read_only_up_to_the_limit():
    # Declared small ratio (random-looking data does not compress), but far more than a mimetype.
    noise = bytes(range(256)) * 40
    odt = _zip([("mimetype", _deflated(noise), len(noise)), _small("content.xml")])
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(SimpleUploadedFile("program.odt", odt))
    assert BOMB_MESSAGE in error.value.messages[0]


@pytest.mark.django_db
def test_advisory_attachment_bomb_is_refused_on_the_page_and_nothing_saved(client):
    from advisory.models import AdvisoryRequest, CaseAttachment
    from tests.advisory.conftest import CaseBuilder

    case = CaseBuilder().at(AdvisoryRequest.Status.SCHEDULED)
    client.force_login(case.requester)
    response = client.post(
        reverse("advisory:request_message", args=[case.pk]),
        {
            "body": "Projekt uchwały w załączniku.",
            "attachment": SimpleUploadedFile("uchwala.docx", docx_bomb()),
        },
    )
    assert response.status_code == 400 and BOMB_MESSAGE in response.content.decode()
    assert not CaseAttachment.objects.exists()


# --- PDF polyglots -------------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("wniosek.pdf", MINIMAL_PDF + _docx_bytes()),  # PDF and ZIP at once
        (
            "wniosek.pdf",
            MINIMAL_PDF + b"<html><body><script>alert(document.cookie)</script></body></html>",
        ),
        ("wniosek.pdf", b"%PDF-1.4\n%<!DOCTYPE HTML><svg onload=alert(1)>\n" + MINIMAL_PDF[9:]),
        (
            "uchwala.docx",
            b"PK\x03\x04" + b"%PDF-1.4 " + _docx_bytes()[4:],
        ),  # a ZIP a PDF reader opens too
    ],
    ids=["pdf-zip", "pdf-html", "pdf-svg", "zip-pdf"],
)
def test_pdf_polyglots_are_refused(name, content):
    with pytest.raises(ValidationError):
        uploads.validate_upload(SimpleUploadedFile(name, content))


def test_plain_pdf_with_binary_streams_passes():
    assert (
        uploads.validate_upload(SimpleUploadedFile("wniosek.pdf", pdf_bytes("Wniosek o doradztwo")))
        is uploads.PDF
    )
    assert (
        uploads.validate_upload(
            SimpleUploadedFile("wniosek.pdf", MINIMAL_PDF + bytes(range(256)) * 64)
        )
        is uploads.PDF
    )


def test_jpeg_pdf_polyglot_is_neutralised_by_re_encoding():
    content = _jpeg(comment=b"%PDF-1.4 1 0 obj<</Type/Catalog>>endobj trailer<</Root 1 0 R>>")
    assert b"%PDF-" in content[:1024]
    cleaned = photo_web_version(SimpleUploadedFile("zdjecie.jpg", content)).read()
    assert b"%PDF-" not in cleaned


# --- images: every one re-encoded with no metadata ------------------------------------------------

XMP_WITH_GPS = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="54,21.12N" '
    b'exif:GPSLongitude="18,38.52E"/></rdf:RDF></x:xmpmeta>'
)


def _jpeg(*, comment: bytes = b"", xmp: bytes = b"", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    segments = b""
    if xmp:
        payload = b"http://ns.adobe.com/xap/1.0/\x00" + xmp
        segments += b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    if comment:
        segments += b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return data[:2] + segments + data[2:]


def test_small_photo_with_gps_in_xmp_only_is_published_without_it():
    content = _jpeg(xmp=XMP_WITH_GPS)
    with Image.open(io.BytesIO(content)) as original:
        assert "xmp" in original.info and not original.getexif()  # no EXIF at all
    cleaned = photo_web_version(SimpleUploadedFile("zdjecie.jpg", content)).read()
    assert b"GPSLatitude" not in cleaned and b"ns.adobe.com" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG" and image.size == (40, 30)
        assert "xmp" not in image.info and "comment" not in image.info and not image.getexif()


def test_bytes_appended_after_the_jpeg_end_are_dropped():
    content = _jpeg() + b"PK\x03\x04<script>alert(1)</script>" + MINIMAL_PDF
    cleaned = photo_web_version(SimpleUploadedFile("zdjecie.jpg", content)).read()
    assert cleaned.endswith(b"\xff\xd9")
    assert b"<script>" not in cleaned and b"%PDF" not in cleaned


def test_png_text_chunks_profiles_and_trailing_bytes_are_dropped():
    from PIL import ImageCms, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 54.35N 18.64E")
    info.add_itxt("XML:com.adobe.xmp", XMP_WITH_GPS.decode())
    buffer = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGBA", (20, 20), (0, 128, 0, 128)).save(buffer, "PNG", pnginfo=info, icc_profile=icc)
    cleaned = photo_web_version(
        SimpleUploadedFile("logo.png", buffer.getvalue() + b"<html>tail")
    ).read()
    assert b"GPS" not in cleaned and b"<html>" not in cleaned and b"iCCP" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.mode == "RGBA" and image.getpixel((0, 0)) == (0, 128, 0, 128)


def test_unreadable_image_gets_a_polish_message():
    with pytest.raises(ValidationError) as error:
        photo_web_version(SimpleUploadedFile("zdjecie.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100))
    assert "Nie udało się odczytać obrazu" in error.value.messages[0]


# --- replaced files leave storage after commit -----------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _staff_client(client):
    staff = factories.StaffUserFactory()
    client.force_login(staff)
    return client


@pytest.mark.django_db
def test_material_file_replaced_in_the_admin_is_deleted_after_commit(
    client, media_root, django_capture_on_commit_callbacks
):
    material = MaterialFactory()
    old_path = material.file.path
    client = _staff_client(client)
    data = {
        "event": material.event.pk,
        "title": material.title,
        "visibility": "public",
        "position": 0,
        "file": SimpleUploadedFile("nowa-wersja.pdf", pdf_bytes("Nowa wersja")),
    }
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("admin:events_material_change", args=[material.pk]), data)
    assert response.status_code == 302, response.content.decode()[:1000]
    import os

    assert os.path.exists(old_path)  # nothing is deleted before the commit
    for callback in callbacks:
        callback()
    material.refresh_from_db()
    assert not os.path.exists(old_path) and os.path.exists(material.file.path)
    assert material.file.name.endswith("nowa-wersja.pdf")


@pytest.mark.django_db
def test_replaced_and_deleted_photos_leave_storage_but_a_shared_file_stays(
    media_root, django_capture_on_commit_callbacks
):
    import os

    from django.core.files.base import ContentFile

    photo = ReportPhotoFactory()
    first = photo.image.path
    with django_capture_on_commit_callbacks(execute=True):
        photo.image = ContentFile(_jpeg(), name="nowe.jpg")
        photo.save()
    assert not os.path.exists(first) and os.path.exists(photo.image.path)

    twin = ReportPhotoFactory(report=photo.report)
    ReportPhoto.objects.filter(pk=twin.pk).update(image=photo.image.name)  # two rows, one file
    with django_capture_on_commit_callbacks(execute=True):
        ReportPhoto.objects.get(pk=twin.pk).delete()
    assert os.path.exists(photo.image.path)
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert not os.path.exists(photo.image.path)


@pytest.mark.django_db
def test_rolled_back_replacement_keeps_the_old_file(media_root):
    import os

    from django.db import transaction

    material = MaterialFactory()
    old_path = material.file.path
    with pytest.raises(RuntimeError), transaction.atomic():
        material.title = "Zmieniony"
        material.file = SimpleUploadedFile("inna.pdf", pdf_bytes())
        material.save()
        raise RuntimeError
    assert os.path.exists(old_path)
    assert Material.objects.get(pk=material.pk).file.path == old_path


def test_region_logo_uploaded_in_the_admin_is_re_encoded():
    from portal.forms import RegionForm

    form = RegionForm()
    form.cleaned_data = {
        "logo": SimpleUploadedFile("logo.jpg", _jpeg(xmp=XMP_WITH_GPS, comment=b"tajne"))
    }
    cleaned = form.clean_logo().read()
    assert b"GPSLatitude" not in cleaned and b"tajne" not in cleaned
    form.cleaned_data = {"cofinancing_logo": SimpleUploadedFile("logo.png", MINIMAL_PDF)}
    with pytest.raises(ValidationError):
        form.clean_cofinancing_logo()
