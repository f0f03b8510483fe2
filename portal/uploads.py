"""Checks for uploaded files: size and real type (by content, not by the name alone).

Safe by construction: ZIP-based documents are judged by the sizes their directory declares
before a single member is unpacked, and the only member ever read is read in small chunks with
a limit on the bytes actually produced; a PDF must not also be another kind of file (HTML, ZIP)
that a browser or an unpacker would treat differently; images are always decoded and encoded
again, so nothing but pixels survives (no EXIF, XMP, GPS, comments, ICC profiles or bytes
appended after the image).
"""

import io
import os
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps


@dataclass(frozen=True)
class FileKind:
    label: str
    extensions: tuple[str, ...]
    mimetype: str


PDF = FileKind("PDF", (".pdf",), "application/pdf")
DOCX = FileKind(
    "DOCX", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
ODT = FileKind("ODT", (".odt",), "application/vnd.oasis.opendocument.text")
XLSX = FileKind(
    "XLSX", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
PPTX = FileKind(
    "PPTX", (".pptx",), "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)
JPEG = FileKind("JPEG", (".jpg", ".jpeg"), "image/jpeg")
PNG = FileKind("PNG", (".png",), "image/png")

DOCUMENT_KINDS = (PDF, DOCX, ODT)
IMAGE_KINDS = (JPEG, PNG)

# Limits for ZIP-based documents (DOCX, XLSX, PPTX, ODT), checked on the declared sizes in the
# archive's central directory before anything is unpacked. Real office files stay far below:
# a 300-page report is some 20 MB unpacked, and XML compresses at most about 1:30 in practice.
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_APPLIES_ABOVE = 1024 * 1024  # tiny members compress oddly but can do no harm
ZIP_MEMBER_READ_LIMIT = 1024
READ_CHUNK = 64 * 1024

# Markers of another file format inside a PDF: a PDF/ZIP or PDF/HTML polyglot is refused.
PDF_FOREIGN_MARKERS = (
    b"pk\x03\x04",
    b"pk\x01\x02",
    b"pk\x05\x06",
    b"<html",
    b"<!doctype html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<svg",
    b"<object",
    b"<embed",
)
PDF_HEADER_WINDOW = 1024  # PDF readers find "%PDF-" anywhere in the first kilobyte

# Pixel limits, checked on the image's header before anything is decoded. A JPEG decodes at a
# half, quarter or eighth of its size when a smaller version is asked for (``Image.draft``), so
# a 40-megapixel photo costs about a quarter of that memory; a PNG has no reduced decode and is
# held whole (four bytes a pixel with transparency), so its limit is lower.
IMAGE_MAX_PIXELS = 40_000_000
PNG_MAX_PIXELS = 16_000_000


class _ArchiveRefused(Exception):
    pass


def _read_bounded(member, limit: int) -> bytes:
    """Read an archive member in chunks; stop as soon as it produced more than ``limit`` bytes."""
    data = bytearray()
    while chunk := member.read(min(READ_CHUNK, limit + 1 - len(data))):
        data += chunk
        if len(data) > limit:
            raise _ArchiveRefused
    return bytes(data)


def _inspect_zip(archive: zipfile.ZipFile) -> set[str]:
    """Return the member names after checking the declared sizes; raise _ArchiveRefused if suspicious."""
    members = archive.infolist()
    if len(members) > ZIP_MAX_MEMBERS:
        raise _ArchiveRefused
    total = 0
    for member in members:
        total += member.file_size
        if total > ZIP_MAX_TOTAL_UNCOMPRESSED:
            raise _ArchiveRefused
        if member.file_size > ZIP_RATIO_APPLIES_ABOVE and member.file_size > ZIP_MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise _ArchiveRefused
    return {member.filename for member in members}


def _sniff_zip(upload: UploadedFile) -> FileKind | None:
    upload.seek(0)
    if b"%PDF-" in upload.read(PDF_HEADER_WINDOW):
        raise _ArchiveRefused  # a ZIP that a PDF reader would also open
    upload.seek(0)
    with zipfile.ZipFile(upload) as archive:
        names = _inspect_zip(archive)
        if "mimetype" in names:
            with archive.open("mimetype") as member:
                if _read_bounded(member, ZIP_MEMBER_READ_LIMIT).strip() == ODT.mimetype.encode():
                    return ODT
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        if "ppt/presentation.xml" in names:
            return PPTX
    return None


def _pdf_is_only_pdf(upload: UploadedFile) -> bool:
    """Return whether the PDF carries no marker of another format (read in chunks)."""
    upload.seek(0)
    overlap = max(len(marker) for marker in PDF_FOREIGN_MARKERS) - 1
    tail = b""
    while chunk := upload.read(READ_CHUNK):
        window = (tail + chunk).lower()
        if any(marker in window for marker in PDF_FOREIGN_MARKERS):
            return False
        tail = window[-overlap:]
    return True


def _sniff(upload: UploadedFile) -> FileKind | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF if _pdf_is_only_pdf(upload) else None
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"PK\x03\x04"):
            try:
                return _sniff_zip(upload)
            except (
                zipfile.BadZipFile,
                zipfile.LargeZipFile,
                NotImplementedError,
                EOFError,
                ValueError,
                OSError,
            ):
                return None
        return None
    finally:
        upload.seek(0)


def validate_upload(
    upload: UploadedFile, *, kinds=DOCUMENT_KINDS, max_bytes: int | None = None
) -> FileKind:
    """Return the file's kind, or raise a ValidationError in Polish explaining what is wrong."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    allowed = ", ".join(kind.label for kind in kinds)
    if upload.size > max_bytes:
        raise ValidationError(
            _("Plik „%(name)s” jest za duży (%(size)s). Największy dozwolony rozmiar to %(max)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(max_bytes),
            },
            code="file_too_large",
        )
    if upload.size == 0:
        raise ValidationError(
            _("Plik „%(name)s” jest pusty.") % {"name": upload.name}, code="file_empty"
        )
    try:
        kind = _sniff(upload)
    except _ArchiveRefused:
        raise ValidationError(
            _(
                "Plik „%(name)s” po rozpakowaniu byłby nienaturalnie duży albo zawiera zbyt wiele elementów, "
                "więc nie możemy go przyjąć. Proszę zapisać dokument ponownie w edytorze (np. jako PDF) "
                "i wysłać jeszcze raz."
            )
            % {"name": upload.name},
            code="file_archive",
        ) from None
    name = (upload.name or "").lower()
    if kind is None or kind not in kinds or not name.endswith(kind.extensions):
        raise ValidationError(
            _("Plik „%(name)s” ma niedozwolony typ. Dozwolone typy: %(allowed)s.")
            % {"name": upload.name, "allowed": allowed},
            code="file_type",
        )
    return kind


def _to_srgb(image: Image.Image) -> Image.Image:
    """Apply an embedded colour profile to the pixels, so the profile itself can be dropped."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def _too_many_pixels(name: str, *, max_pixels: int) -> ValidationError:
    side = int(max_pixels**0.5) // 100 * 100
    return ValidationError(
        _(
            "Zdjęcie „%(name)s” ma zbyt wiele pikseli. Proszę je zmniejszyć "
            "(np. do %(side)d × %(side)d) i wysłać ponownie."
        )
        % {"name": name, "side": side},
        code="image_too_large",
    )


def _unreadable(name: str) -> ValidationError:
    return ValidationError(
        _("Nie udało się odczytać obrazu „%(name)s”. Proszę wysłać poprawny plik JPEG albo PNG.")
        % {"name": name},
        code="image_invalid",
    )


def _check_header(opened: Image.Image, name: str) -> None:
    """Refuse a format other than JPEG or PNG, and more pixels than the format's limit."""
    if opened.format not in ("JPEG", "PNG"):
        raise _unreadable(name)
    max_pixels = IMAGE_MAX_PIXELS if opened.format == "JPEG" else PNG_MAX_PIXELS
    if opened.width * opened.height > max_pixels:
        raise _too_many_pixels(name, max_pixels=max_pixels)


def image_check(upload) -> None:
    """Read only the image's header: raise a ValidationError in Polish if it is no JPEG or PNG
    or has more pixels than its format's limit. Cheap enough for a request; the pixels are
    decoded later (``image_reencode``)."""
    name = os.path.basename(getattr(upload, "name", "") or "obraz")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as opened:
                _check_header(opened, name)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name, max_pixels=IMAGE_MAX_PIXELS) from None
    except (OSError, ValueError, SyntaxError, Image.UnidentifiedImageError):
        raise _unreadable(name) from None
    finally:
        upload.seek(0)


def image_reencode(upload, *, max_side: int | None = None) -> ContentFile:
    """Decode an uploaded JPEG or PNG and encode its pixels again, dropping everything else.

    EXIF (with GPS), XMP, IPTC, comments, text chunks, colour profiles (applied first) and any
    bytes after the image's end are gone; EXIF rotation is applied to the pixels. Raise a
    ValidationError in Polish when the file is no readable image.

    With ``max_side`` a JPEG is decoded at the smallest of its reduced scales that still gives
    at least that size, and the image is scaled down before anything else copies it, so the
    memory used follows the result's size more than the photo's.
    """
    name = os.path.basename(getattr(upload, "name", "") or "obraz")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as opened:
                _check_header(opened, name)
                image_format = opened.format
                if max_side and image_format == "JPEG":
                    opened.draft(opened.mode, (max_side, max_side))
                opened.load()
                image = opened
                if max_side:
                    # thumbnail() works in place: no second full-size copy.
                    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                image = ImageOps.exif_transpose(image)
                image = _to_srgb(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name, max_pixels=IMAGE_MAX_PIXELS) from None
    except (OSError, ValueError, SyntaxError, Image.UnidentifiedImageError):
        raise _unreadable(name) from None
    finally:
        upload.seek(0)
    if image_format == "PNG" and "transparency" in image.info:
        image = image.convert("RGBA")
    # A fresh Image carries no metadata: encoders fall back to image.info for comments,
    # profiles and the like, so nothing but pixels may be left there.
    image = image.copy()
    image.info = {}
    buffer = io.BytesIO()
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(buffer, "PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name=name)
