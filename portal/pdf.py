"""PDF rendering with WeasyPrint that never reaches the network or files outside static/.

Every PDF is tagged PDF/UA-1: a structure tree (headings, paragraphs, lists, tables with
their header cells) that screen readers follow, the document title from ``<title>`` shown
instead of the file name, and the language from ``<html lang>``.
"""

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from weasyprint import HTML, default_url_fetcher

# PDF/UA-1 (ISO 14289-1): tagged PDF 1.7 with the PDF/UA identification in its XMP metadata.
PDF_VARIANT = "pdf/ua-1"

# The only kinds of uploaded file a PDF may embed, and only the ones a renderer names.
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


class BlockedResourceError(ValueError):
    pass


@dataclass(frozen=True)
class PdfImage:
    """An uploaded image (e.g. the region's logos) that one PDF is allowed to embed."""

    file: object  # a FieldFile
    alt: str

    @property
    def src(self) -> str:
        return "media:///" + quote(self.file.name)


def safe_url_fetcher(url: str, timeout: int = 10, ssl_context=None, images=None):
    """Allow only data: URLs, the project's own static files and the named uploaded images."""
    if url.startswith("data:"):
        return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    parsed = urlparse(url)
    if parsed.scheme == "static":
        relative = unquote(parsed.netloc + parsed.path).lstrip("/")
        try:
            found = None if ".." in relative.split("/") else finders.find(relative)
        except SuspiciousFileOperation:
            found = None
        if found:
            resolved = Path(found).resolve()
            allowed_roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
            if any(
                resolved.is_relative_to(root) for root in allowed_roots
            ) or "/site-packages/" in str(resolved):
                return {
                    "file_obj": open(resolved, "rb"),  # noqa: SIM115 - WeasyPrint closes it
                    "filename": resolved.name,
                    # Without a MIME type WeasyPrint silently ignores a stylesheet.
                    "mime_type": mimetypes.guess_type(resolved.name)[0]
                    or "application/octet-stream",
                    "redirected_url": url,
                }
    if parsed.scheme == "media" and images:
        # Exact names only, as given by the renderer: no path is ever built from the URL.
        image = images.get(unquote(parsed.netloc + parsed.path).lstrip("/"))
        mime_type = mimetypes.guess_type(image.name)[0] if image else None
        if image and mime_type in IMAGE_TYPES:
            return {
                "file_obj": image.storage.open(image.name, "rb"),
                "filename": Path(image.name).name,
                "mime_type": mime_type,
                "redirected_url": url,
            }
    raise BlockedResourceError(f"Blocked resource in PDF: {url[:100]}")


def render_pdf(template_name: str, context: dict, *, images=()) -> bytes:
    """Render a template to a tagged PDF; refer to assets as static://css/pdf.css in templates.

    ``images`` are the PdfImage objects the template may show (``<img src="{{ image.src }}"
    alt="{{ image.alt }}">``); any other URL is refused.
    """
    allowed = {image.file.name: image.file for image in images if image.file}

    def fetcher(url, timeout=10, ssl_context=None):
        return safe_url_fetcher(url, timeout, ssl_context, images=allowed)

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url="static:///", url_fetcher=fetcher).write_pdf(
        pdf_variant=PDF_VARIANT
    )


def region_images(region) -> list[PdfImage]:
    """Return the logos strip of the region for a PDF: its own logo and the EU co-financing logos."""
    if region is None:
        return []
    images = []
    if region.logo:
        images.append(PdfImage(region.logo, region.centre_name))
    if region.cofinancing_logo:
        images.append(
            PdfImage(
                region.cofinancing_logo,
                region.cofinancing_logo_alt or region.cofinancing_notice[:300],
            )
        )
    return images


def postal_address(street: str, postal_code: str, city: str) -> str:
    """Return a Polish one-line address: "ul. Długa 1, 80-001 Gdańsk"."""
    place = " ".join(part for part in (postal_code.strip(), city.strip()) if part)
    return ", ".join(part for part in (street.strip(), place) if part)


def page_numbers_css() -> str:
    """Return the CSS ``content`` value for "Strona 3 z 12" in the page footer (translated)."""

    def literal(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ") + '"'

    template = gettext("Strona %(page)s z %(pages)s")
    before, _sep, rest = template.partition("%(page)s")
    middle, _sep, after = rest.partition("%(pages)s")
    return mark_safe(
        f"{literal(before)} counter(page) {literal(middle)} counter(pages) {literal(after)}"
    )  # noqa: S308
