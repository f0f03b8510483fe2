"""Filters of the public catalogue (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Organisation, PolishCollate, Subregion, TerritorialUnit


class OrganisationCatalogueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nazwa zawiera"), method="filter_name")
    kind = django_filters.ChoiceFilter(
        label=_("Rodzaj"), choices=Organisation.Kind.choices, empty_label=_("wszystkie rodzaje")
    )
    subregion = django_filters.ModelChoiceFilter(
        label=_("Subregion"),
        queryset=Subregion.objects.order_by(PolishCollate("name")),
        method="filter_subregion",
        empty_label=_("wszystkie subregiony"),
    )
    powiat = django_filters.ModelChoiceFilter(
        label=_("Powiat"),
        queryset=TerritorialUnit.objects.filter(
            level=TerritorialUnit.Level.POWIAT, is_active=True
        ).order_by(PolishCollate("name"), "teryt"),
        method="filter_powiat",
        empty_label=_("wszystkie powiaty"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "subregion", "powiat"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget = forms.TextInput(attrs={"type": "search"})
        self.form.fields["q"].help_text = ""

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))

    def filter_subregion(self, queryset, name, value):
        # An organisation belongs to a subregion by its seat; an OWES also by the area it serves.
        return queryset.filter(
            Q(seat_gmina__parent__subregions=value) | Q(served_subregion=value)
        ).distinct()

    def filter_powiat(self, queryset, name, value):
        return queryset.filter(
            Q(seat_gmina__parent=value)
            | Q(served_powiats=value)
            | Q(served_powiats__isnull=True, served_subregion__powiats=value)
        ).distinct()
