"""Filters of the public calendar (django-filter)."""

from functools import partial

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation, Subregion

from .models import Event

MONTH_NAMES = [
    _("styczeń"),
    _("luty"),
    _("marzec"),
    _("kwiecień"),
    _("maj"),
    _("czerwiec"),
    _("lipiec"),
    _("sierpień"),
    _("wrzesień"),
    _("październik"),
    _("listopad"),
    _("grudzień"),
]


def month_choices(*, past: bool = False) -> list[tuple[str, str]]:
    """Return YYYY-MM choices: this month and the next twelve, or (archive) this month and the twelve before."""
    today = timezone.localdate()
    choices = []
    offsets = range(0, -13, -1) if past else range(0, 13)
    for offset in offsets:
        index = today.year * 12 + today.month - 1 + offset
        year, month = divmod(index, 12)
        choices.append((f"{year:04d}-{month + 1:02d}", f"{MONTH_NAMES[month]} {year}"))
    return choices


class EventFilter(django_filters.FilterSet):
    typ = django_filters.ChoiceFilter(
        field_name="type", choices=Event.Type.choices, label=_("Rodzaj"), empty_label=_("wszystkie")
    )
    miesiac = django_filters.ChoiceFilter(
        choices=month_choices, method="filter_month", label=_("Miesiąc"), empty_label=_("dowolny")
    )
    subregion = django_filters.ModelChoiceFilter(
        queryset=Subregion.objects.all(),
        field_name="subregions",
        to_field_name="slug",
        label=_("Subregion"),
        empty_label=_("wszystkie"),
    )
    dla = django_filters.ChoiceFilter(
        field_name="target_groups__kind",
        choices=Organisation.Kind.choices,
        label=_("Dla kogo"),
        empty_label=_("wszystkich"),
    )
    szukaj = django_filters.CharFilter(
        method="filter_text", label=_("Szukaj"), widget=forms.TextInput(attrs={"type": "search"})
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def __init__(self, *args, past: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # "Nadchodzące" offers only this and future months; the archive only this and past ones.
        self.filters["miesiac"].extra["choices"] = partial(month_choices, past=past)

    def filter_month(self, queryset, name, value):
        year, month = (int(part) for part in value.split("-"))
        return queryset.filter(starts_at__year=year, starts_at__month=month)

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(summary__icontains=value) | Q(venue_city__icontains=value)
        )

    @property
    def qs(self):
        return super().qs.distinct()
