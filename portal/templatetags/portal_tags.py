import re

import nh3
from django import template
from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe

from portal.links import absolute_url, site_url

register = template.Library()

# What staff may use in pages, news and reports. The accessibility statement's official template
# (warunki techniczne publikacji deklaracji dostępności) marks its parts with `a11y-*` ids on
# headings, paragraphs, <span> and <time datetime>, so those survive; nothing that runs script does
# (no <script>, <style>, event-handler attributes, style attributes or javascript: URLs).
ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "em",
    "h2",
    "h3",
    "h4",
    "i",
    "li",
    "ol",
    "p",
    "strong",
    "ul",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "figure",
    "figcaption",
    "span",
    "time",
    "dl",
    "dt",
    "dd",
    "section",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "lang"},
    "a": {"href", "hreflang"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "ol": {"start"},
    "time": {"datetime"},
    "th": {"colspan", "rowspan", "scope", "headers"},
    "td": {"colspan", "rowspan", "headers"},
}
# Ids become fragment targets (#a11y-kontakt); anything else (quotes, spaces, names that clash
# with the form fields Django generates, such as id_email) is dropped.
_SAFE_ID = re.compile(r"[a-z][a-z0-9-]{0,63}")
_SAFE_LANG = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and not _SAFE_ID.fullmatch(value):
        return None
    if attribute == "lang" and not _SAFE_LANG.fullmatch(value):
        return None
    return value


def clean_html(value: str) -> str:
    """Keep only harmless markup from text edited in the admin."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
    )


@register.filter
def sanitize_html(value: str) -> str:
    """Keep only harmless markup from text edited in the admin."""
    return mark_safe(clean_html(value))


@register.filter
def rich_text(value: str) -> str:
    """Staff rich text (portal.richtext allow-list); legacy plain text becomes paragraphs."""
    from portal.richtext import render_rich_text

    return render_rich_text(value)


@register.simple_tag(takes_context=True)
def staff_todo(context):
    """What waits for the signed-in staff member, for the admin start page."""
    from portal.selectors import staff_todo as select_staff_todo

    return select_staff_todo(user=context["request"].user)


@register.simple_tag(takes_context=True)
def failed_forms(context):
    """Forms on this page that failed validation: for the error summary and the "Błąd:" title."""
    from portal.form_rendering import failed_forms_in

    return failed_forms_in(context)


@register.simple_tag
def content_lang(obj=None, field: str = ""):
    """` lang="pl"` for content shown in Polish on a page in another language, so that screen
    readers pronounce it as Polish (WCAG 3.1.2).

    With an object and a translated field (``{% content_lang event "title" %}``) nothing is added
    when the field has a text in the page's language; without them the content is taken to be
    Polish (fields that are not translated: names, addresses).
    """
    content_language = settings.LANGUAGE_CODE
    language = (translation.get_language() or content_language).split("-")[0]
    if language == content_language:
        return ""
    if obj is not None and field and getattr(obj, f"{field}_{language}", None):
        return ""
    return mark_safe(f' lang="{content_language}"')


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's one public address (from SITE_URL), keeping only the page number of a list."""
    request = context.get("request")
    if request is None:
        return site_url() + "/"
    url = absolute_url(request.path)
    page = request.GET.get("strona", "")
    if page.isdigit() and int(page) > 1:
        url += f"?strona={int(page)}"
    return url


@register.simple_tag
def absolute(path: str) -> str:
    """An address built from SITE_URL, for tags read outside the browser (Open Graph)."""
    return absolute_url(path)
