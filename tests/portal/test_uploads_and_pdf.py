import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from portal import pdf, uploads

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_pdf_and_docx_are_accepted_by_content():
    assert uploads.validate_upload(SimpleUploadedFile("wniosek.pdf", MINIMAL_PDF)) is uploads.PDF
    assert uploads.validate_upload(SimpleUploadedFile("uchwala.docx", _docx())) is uploads.DOCX


@pytest.mark.parametrize(
    "name, content",
    [
        ("wirus.pdf", b"MZ\x90\x00 this is an executable"),  # PDF by name, not by content
        ("skrypt.exe", MINIMAL_PDF),  # PDF content behind a wrong extension
        ("obraz.pdf", b"\x89PNG\r\n\x1a\n...."),
    ],
)
def test_wrong_type_is_refused_in_polish(name, content):
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(SimpleUploadedFile(name, content))
    assert "niedozwolony typ" in error.value.messages[0]


def test_too_large_file_is_refused_in_polish():
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(
            SimpleUploadedFile("duzy.pdf", MINIMAL_PDF + b"0" * 2048), max_bytes=1024
        )
    assert "za duży" in error.value.messages[0]


def test_pdf_fetcher_refuses_local_files_and_network():
    for url in [
        "file:///etc/passwd",
        "http://127.0.0.1:1/x.png",
        "https://example.org/a.css",
        "static://../../etc/passwd",
    ]:
        with pytest.raises(pdf.BlockedResourceError):
            pdf.safe_url_fetcher(url)


def test_pdf_fetcher_allows_own_static_files():
    fetched = pdf.safe_url_fetcher("static://css/pdf.css")
    assert b"@page" in fetched["file_obj"].read()


def test_rendered_pdf_escapes_user_text_and_embeds_nothing_foreign(tmp_path, settings):
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    settings.TEMPLATES = [engine]
    (tmp_path / "probe.html").write_text(
        '<html><head><link rel="stylesheet" href="static://css/pdf.css"></head>'
        "<body><h1>Karta</h1><p>{{ text }}</p>{{ raw|safe }}</body></html>"
    )
    content = pdf.render_pdf(
        "probe.html",
        {
            "text": '<img src="file:///etc/passwd">',
            "raw": '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">',
        },
    )
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Karta" in text
    assert '<img src="file:///etc/passwd">' in text  # shown as text, not fetched
    assert "root:" not in text
    assert sum(len(page.images) for page in reader.pages) == 0


def test_pdf_stylesheet_is_applied(tmp_path, settings):
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    settings.TEMPLATES = [engine]
    (tmp_path / "styled.html").write_text(
        '<html><head><link rel="stylesheet" href="static://css/pdf.css"></head><body><p>x</p></body></html>'
    )
    (tmp_path / "plain.html").write_text("<html><body><p>x</p></body></html>")
    styled = PdfReader(io.BytesIO(pdf.render_pdf("styled.html", {}))).pages[0]
    plain = PdfReader(io.BytesIO(pdf.render_pdf("plain.html", {}))).pages[0]
    # pdf.css sets A4 with a page-number footer; the unstyled default has no footer text.
    assert "1 / 1" in styled.extract_text()
    assert "1 / 1" not in plain.extract_text()
