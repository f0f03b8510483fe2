"""Spreadsheet exports that a spreadsheet program cannot run: every text cell is formula-safe."""

from django.contrib import messages
from django.shortcuts import redirect
from import_export import resources

from .jobs import JobLimitReached

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and
# Google Sheets: "=HYPERLINK(...)", "+1+cmd|...", "-2+3", "@SUM(...)", and a tab or carriage
# return before any of them (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Return a text value prefixed with a single quote if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo ``escape_formula`` for a cell read back from one of our own exports."""
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value[1:2]
        and value[1:].startswith(FORMULA_PREFIXES)
    ):
        return value[1:]
    return value


class FormulaSafeModelResource(resources.ModelResource):
    """A django-import-export resource whose exported cells are never formulas."""

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return [
            escape_formula(value)
            for value in super().export_resource(instance, selected_fields, **kwargs)
        ]

    def get_export_headers(self, selected_fields=None):
        return [escape_formula(header) for header in super().get_export_headers(selected_fields)]


class LimitedExportMixin:
    """For a ModelAdmin with django-import-export whose export service asks portal.jobs.job_admit:
    an export beyond the account's limit is answered on the export page with the message, never
    with a file or an error page."""

    def export_action(self, request):
        try:
            return super().export_action(request)
        except JobLimitReached as error:
            messages.error(request, error.message)
            return redirect(request.get_full_path())
