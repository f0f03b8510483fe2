"""Forms of the partners app; services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Membership, Organisation, PolishCollate, TerritorialUnit
from .services import PUBLIC_PROFILE_FIELDS


class GminaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.is_city_county:
            return f"{obj.place_label} (TERYT {obj.teryt})"
        powiat = obj.parent.name if obj.parent_id else ""
        return f"{obj.name} – {obj.kind_name} (pow. {powiat}, TERYT {obj.teryt})"


class PowiatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name if not obj.is_city_county else str(obj)


class OwesPowiatForm(forms.Form):
    """Choose a powiat to see the OWES serving it."""

    powiat = PowiatChoiceField(
        label=_("Powiat"),
        queryset=TerritorialUnit.objects.filter(
            level=TerritorialUnit.Level.POWIAT, is_active=True
        ).order_by(PolishCollate("name"), "teryt"),
        empty_label=_("wybierz powiat"),
        error_messages={"invalid_choice": _("Wybierz powiat z listy.")},
    )


class JoinRequestForm(forms.Form):
    position = forms.CharField(
        label=_("Stanowisko lub funkcja w organizacji"),
        max_length=150,
        required=False,
        help_text=_("Np. koordynatorka projektu, kierownik ośrodka."),
    )


# Autofill purposes of an organisation's contact fields (WCAG 1.3.5); the phone gets a phone keypad.
ORGANISATION_FIELD_ATTRS = {
    "name": {"autocomplete": "organization"},
    "street": {"autocomplete": "address-line1"},
    "postal_code": {"autocomplete": "postal-code"},
    "city": {"autocomplete": "address-level2"},
    "email": {"autocomplete": "work email"},
    "phone": {"type": "tel", "autocomplete": "work tel", "inputmode": "tel"},
    "website": {"autocomplete": "url"},
    "position": {"autocomplete": "organization-title"},
}


def _with_contact_attrs(form: forms.BaseForm) -> None:
    for name, attrs in ORGANISATION_FIELD_ATTRS.items():
        if name in form.fields:
            form.fields[name].widget.attrs.update(attrs)


class OrganisationProposeForm(forms.ModelForm):
    seat_gmina = GminaChoiceField(
        label=_("Gmina siedziby"),
        queryset=TerritorialUnit.objects.filter(level=TerritorialUnit.Level.GMINA, is_active=True)
        .select_related("parent")
        .order_by(PolishCollate("name"), "teryt"),
    )
    position = forms.CharField(label=_("Stanowisko lub funkcja"), max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _with_contact_attrs(self)

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "legal_form",
            "jst_type",
            "name",
            "short_name",
            "seat_gmina",
            "street",
            "postal_code",
            "city",
            "nip",
            "regon",
            "krs",
            "email",
            "phone",
            "website",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "nip": _("10 cyfr, myślniki i spacje zostaną usunięte."),
            "regon": _("9 lub 14 cyfr."),
            "krs": _("10 cyfr, jeśli organizacja jest w KRS."),
        }


class OrganisationProfileForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _with_contact_attrs(self)

    class Meta:
        model = Organisation
        fields = list(PUBLIC_PROFILE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}


class MembershipDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("zatwierdź")), ("reject", _("odrzuć"))], widget=forms.HiddenInput
    )
    role = forms.ChoiceField(label=_("Rola"), choices=Membership.Role.choices, required=False)
    note = forms.CharField(
        label=_("Uzasadnienie (przy odrzuceniu)"), max_length=500, required=False
    )


def add_aria_to_errors(form: forms.BaseForm) -> forms.BaseForm:
    """Mark invalid fields for assistive technology."""
    if form.is_bound:
        for name in form.errors:
            if name in form.fields:
                form.fields[name].widget.attrs["aria-invalid"] = "true"
    return form


class TercUploadForm(forms.Form):
    MAX_BYTES = 20 * 1024 * 1024

    file = forms.FileField(
        label=_("Plik TERC (CSV)"),
        help_text=_(
            "„TERC – wersja urzędowa” z eteryt.stat.gov.pl: kolumny WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".csv"):
            raise forms.ValidationError(_("Wybierz plik CSV (rozszerzenie .csv)."))
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Plik jest za duży: pełny rejestr TERC ma poniżej 1 MB."))
        return upload
