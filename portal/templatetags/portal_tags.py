import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "em", "h2", "h3", "h4", "i", "li", "ol", "p",
    "strong", "ul", "table", "thead", "tbody", "tr", "th", "td", "caption", "figure", "figcaption",
}


@register.filter
def sanitize_html(value: str) -> str:
    """Keep only harmless markup from text edited in the admin."""
    return mark_safe(nh3.clean(value or "", tags=ALLOWED_TAGS, link_rel="noopener noreferrer"))


@register.simple_tag
def staff_todo():
    """What waits for staff, for the admin start page."""
    from portal.selectors import staff_todo as select_staff_todo

    return select_staff_todo()
