from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Subregion
from portal.models import FundingProject

from .models import Indicator


def current_half_year(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    if today.month <= 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year, 7, 1), date(today.year, 12, 31)


class ReportScopeForm(forms.Form):
    """The period, project and subregion every reporting page and report is computed for."""

    start = forms.DateField(label=_("Okres od"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Okres do"), widget=forms.DateInput(attrs={"type": "date"}))
    funding_project = forms.ModelChoiceField(
        label=_("Projekt finansujący"),
        queryset=FundingProject.objects.all(),
        required=False,
        empty_label=_("wszystkie projekty"),
    )
    subregion = forms.ModelChoiceField(
        label=_("Subregion"),
        queryset=Subregion.objects.order_by("name"),
        required=False,
        empty_label=_("całe województwo"),
    )

    def __init__(self, data=None, **kwargs):
        start, end = current_half_year()
        if data is not None and not any(
            data.get(key) for key in ("start", "end", "funding_project", "subregion")
        ):
            data = None
        super().__init__(data, initial={"start": start, "end": end}, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Koniec okresu nie może być wcześniejszy niż jego początek."))
        if start and end and (end - start).days > 366 * 10:
            self.add_error("end", _("Okres może obejmować najwyżej 10 lat."))
        return cleaned

    def scope_values(self) -> dict:
        """Values for metrics.Scope: the submitted ones when valid, else the default half-year."""
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            return {
                "start": data["start"],
                "end": data["end"],
                "funding_project": data.get("funding_project"),
                "subregion": data.get("subregion"),
            }
        start, end = current_half_year()
        return {"start": start, "end": end, "funding_project": None, "subregion": None}


class ReportRequestForm(ReportScopeForm):
    kind = forms.ChoiceField(label=_("Rodzaj"), choices=())

    def __init__(self, *args, **kwargs):
        from .models import GeneratedReport

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = GeneratedReport.Kind.choices


class MonitoringExportForm(ReportScopeForm):
    """A funding project and a period for the monitoring export (no subregion: the whole project)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["subregion"]
        project = self.fields["funding_project"]
        project.required = True
        project.empty_label = None
        project.error_messages["required"] = _("Prosimy wybrać projekt finansujący.")


class IndicatorAdminForm(forms.ModelForm):
    """The admin's indicator form: an indicator without a target gets a clear Polish message."""

    class Meta:
        model = Indicator
        fields = [
            "funding_project",
            "name",
            "unit",
            "position",
            "target_value",
            "target_date",
            "counted_from",
            "metric",
            "event_type",
            "partner_kind",
            "subregion",
        ]
        error_messages = {
            "target_value": {
                "required": _(
                    "Prosimy podać wartość docelową wskaźnika: bez niej nie da się policzyć postępu."
                ),
                "min_value": _("Wartość docelowa musi być większa od zera."),
            },
            "target_date": {
                "required": _("Prosimy podać termin osiągnięcia wartości docelowej."),
            },
        }

    def clean(self):
        cleaned = super().clean()
        counted_from, target_date = cleaned.get("counted_from"), cleaned.get("target_date")
        if counted_from and target_date and counted_from > target_date:
            self.add_error(
                "counted_from",
                _("Początek liczenia nie może być późniejszy niż termin osiągnięcia celu."),
            )
        return cleaned
