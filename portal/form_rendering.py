"""How every form on the site is rendered: one field template (label, required marker, help text,
errors with the ids Django's aria-describedby points at), and the list of forms that failed."""

from django.forms import BaseForm
from django.forms.renderers import TemplatesSetting


class SiteFormRenderer(TemplatesSetting):
    """Django's templates, with the site's own template for a field (`{{ field.as_field_group }}`)."""

    field_template_name = "portal/forms/field.html"


def failed_forms_in(context) -> list[BaseForm]:
    """The bound forms with errors among a template context's values (filter forms included)."""
    found: list[BaseForm] = []
    for value in context.flatten().values():
        form = getattr(value, "form", value)  # a django-filter FilterSet holds its form
        if (
            isinstance(form, BaseForm)
            and form.is_bound
            and form.errors
            and all(form is not f for f in found)
        ):
            found.append(form)
    return found
