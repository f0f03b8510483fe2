"""Fixes for framework code that turns a malformed value into a 500 instead of a form error."""

from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError


def _valid_for_target(widget, values) -> list:
    remote = widget.field.remote_field
    opts = remote.model._meta
    target = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
    valid = []
    for value in values:
        try:
            target.clean(value, None)
        except (ValidationError, TypeError, ValueError, OverflowError):
            continue
        valid.append(value)
    return valid


def harden_admin_autocomplete() -> None:
    """Make the admin's autocomplete widgets ignore a submitted value that is no valid key.

    Django re-renders a form with errors by looking the submitted value up
    (``filter(id__in=[value])``); "abc" or 10**30 for an integer key raised ValueError there,
    so a malformed POST to any admin form with an autocomplete field ended in a 500.
    """
    original = admin_widgets.AutocompleteMixin.optgroups
    if getattr(original, "hardened", False):
        return

    def optgroups(self, name, value, attr=None):
        return original(self, name, _valid_for_target(self, value), attr)

    optgroups.hardened = True
    admin_widgets.AutocompleteMixin.optgroups = optgroups


def harden_admin_changelist() -> None:
    """Answer a malformed filter value in any admin changelist with the admin's own "wrong
    filter" redirect (?e=1) instead of a 500.

    Django does so for its own field filters and for a malformed date in the date hierarchy,
    but not for our SimpleListFilters (``?powiat=abc`` raised ValueError while building the
    query) nor for a date-hierarchy number too large for ``datetime`` (OverflowError).
    """
    from django.contrib.admin.options import IncorrectLookupParameters
    from django.contrib.admin.views.main import ChangeList

    if getattr(ChangeList.get_filters, "hardened", False):
        return

    def wrap(original):
        def method(self, request, *args, **kwargs):
            try:
                return original(self, request, *args, **kwargs)
            except (ValueError, TypeError, OverflowError, ValidationError) as error:
                raise IncorrectLookupParameters(error) from error

        method.hardened = True
        return method

    ChangeList.get_filters = wrap(ChangeList.get_filters)
    ChangeList.get_queryset = wrap(ChangeList.get_queryset)
