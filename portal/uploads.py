"""Checks for uploaded files: size and real type (by content, not by the name alone)."""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    label: str
    extensions: tuple[str, ...]
    mimetype: str


PDF = FileKind("PDF", (".pdf",), "application/pdf")
DOCX = FileKind("DOCX", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ODT = FileKind("ODT", (".odt",), "application/vnd.oasis.opendocument.text")
XLSX = FileKind("XLSX", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PPTX = FileKind("PPTX", (".pptx",), "application/vnd.openxmlformats-officedocument.presentationml.presentation")
JPEG = FileKind("JPEG", (".jpg", ".jpeg"), "image/jpeg")
PNG = FileKind("PNG", (".png",), "image/png")

DOCUMENT_KINDS = (PDF, DOCX, ODT)
IMAGE_KINDS = (JPEG, PNG)


def _sniff(upload: UploadedFile) -> FileKind | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODT.mimetype.encode():
                    return ODT
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
                if "ppt/presentation.xml" in names:
                    return PPTX
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
    return None


def validate_upload(upload: UploadedFile, *, kinds=DOCUMENT_KINDS, max_bytes: int | None = None) -> FileKind:
    """Return the file's kind, or raise a ValidationError in Polish explaining what is wrong."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    allowed = ", ".join(kind.label for kind in kinds)
    if upload.size > max_bytes:
        raise ValidationError(
            _("Plik „%(name)s” jest za duży (%(size)s). Największy dozwolony rozmiar to %(max)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
            code="file_too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("Plik „%(name)s” jest pusty.") % {"name": upload.name}, code="file_empty")
    kind = _sniff(upload)
    name = (upload.name or "").lower()
    if kind is None or kind not in kinds or not name.endswith(kind.extensions):
        raise ValidationError(
            _("Plik „%(name)s” ma niedozwolony typ. Dozwolone typy: %(allowed)s.")
            % {"name": upload.name, "allowed": allowed},
            code="file_type",
        )
    return kind
