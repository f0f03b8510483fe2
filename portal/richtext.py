"""Rich text edited by staff (event descriptions, reports, news): one allow-list, one sanitiser,
one model field and one form widget, so every app stores the same harmless HTML.

The editor (static/js/richtext.js on top of the vendored Tiptap bundle, see static/vendor/README.md)
is progressive enhancement: without JavaScript the same textarea holds the HTML. Whatever arrives,
``sanitize_html`` keeps only the allow-list below, and ``RichTextField`` runs it on every save, so
rows written by services, the demo loader or a shell are clean too.
"""

import re

import nh3
from django import forms
from django.db import models
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

RICH_TEXT_TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
}
RICH_TEXT_ATTRIBUTES = {
    "a": {"href"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
# Absolute links only to the web and e-mail; relative links (/wydarzenia/…) stay, they cannot run
# anything. javascript:, data:, vbscript: and the rest lose their href.
RICH_TEXT_URL_SCHEMES = {"http", "https", "mailto"}
# Content removed together with its text, not just unwrapped.
_DROP_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "noscript", "textarea"}
# Older editors and pasted text use <b>/<i> and other heading levels; keep their meaning.
_LEGACY_TAGS = re.compile(r"<(/?)(b|i|h1|h5|h6)(\s[^>]*)?>", re.IGNORECASE)
_LEGACY_REPLACEMENT = {"b": "strong", "i": "em", "h1": "h2", "h5": "h4", "h6": "h4"}
_HAS_TAG = re.compile(r"</?[a-zA-Z!]")
# The editor keeps an empty paragraph after a list or table so one can type there.
_EMPTY_PARAGRAPH = re.compile(r"<p>(\s|<br>)*</p>")
_COLSPAN = re.compile(r"[1-9][0-9]?")
_SCOPES = {"col", "row", "colgroup", "rowgroup"}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("colspan", "rowspan"):
        return value if _COLSPAN.fullmatch(value) else None
    if attribute == "scope":
        return value if value in _SCOPES else None
    if attribute == "start":
        return value if value.isdigit() else None
    return value


def _legacy_tag(match: re.Match) -> str:
    closing, tag = match.group(1), match.group(2).lower()
    return f"<{closing}{_LEGACY_REPLACEMENT[tag]}>"


def sanitize_html(value: str | None) -> str:
    """Return ``value`` with only the rich-text allow-list left (no scripts, handlers, styles)."""
    value = value or ""
    if not value.strip():
        return ""
    if not _HAS_TAG.search(value):
        # Plain text typed before the editor existed: paragraphs and line breaks, escaped.
        value = linebreaks(value, autoescape=True)
    value = _LEGACY_TAGS.sub(_legacy_tag, value)
    cleaned = nh3.clean(
        value,
        tags=RICH_TEXT_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=RICH_TEXT_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=RICH_TEXT_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    cleaned = _EMPTY_PARAGRAPH.sub("", cleaned).strip()
    if cleaned and not _HAS_TAG.search(cleaned):
        # Only text survived: keep it a paragraph, so sanitising again changes nothing.
        cleaned = f"<p>{cleaned}</p>"
    return cleaned


def render_rich_text(value: str | None) -> str:
    """Sanitised HTML ready for a template (also turns legacy plain text into paragraphs)."""
    return mark_safe(sanitize_html(value))


class RichTextWidget(forms.Textarea):
    """A textarea holding HTML that static/js/richtext.js turns into an accessible editor.

    Without JavaScript (or if the editor fails to load) the textarea stays and takes HTML.
    """

    template_name = "portal/widgets/richtext.html"

    def __init__(self, attrs=None):
        defaults = {"rows": 12, "cols": 80, "data-richtext": "", "class": "richtext-source"}
        super().__init__({**defaults, **(attrs or {})})

    class Media:
        css = {"all": ("vendor/tiptap/prosemirror.css", "css/richtext.css")}
        js = ("vendor/tiptap/tiptap.bundle.min.js", "js/richtext.js")


class RichTextFormField(forms.CharField):
    widget = RichTextWidget

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "help_text",
            _(
                "Edytor pozwala na nagłówki, listy, pogrubienie, kursywę, cytaty, odnośniki i tabele. "
                "Bez JavaScriptu można wpisać HTML z tymi znacznikami; reszta jest usuwana przy zapisie."
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        return sanitize_html(super().clean(value))


class RichTextField(models.TextField):
    """A TextField whose value is sanitised on every save and edited with ``RichTextWidget``."""

    def formfield(self, **kwargs):
        widget = kwargs.get("widget")
        # The admin offers its own textarea for every TextField: the editor replaces it.
        if widget is None or not (
            isinstance(widget, RichTextWidget)
            or (isinstance(widget, type) and issubclass(widget, RichTextWidget))
        ):
            kwargs["widget"] = RichTextWidget
        kwargs["form_class"] = RichTextFormField
        return super().formfield(**kwargs)

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
