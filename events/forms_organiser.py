"""Forms of the organiser's side: a message to participants, a copy of an event, reminders."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import EventMessage, EventSession
from .services import MAX_REMINDER_HOURS, reminder_hours_clean


class EventMessageForm(forms.Form):
    """Who gets the message (confirmed, waitlisted or present; optionally one workshop) and what."""

    audience = forms.ChoiceField(
        label=_("Do kogo"),
        choices=EventMessage.Audience.choices,
        initial=EventMessage.Audience.CONFIRMED,
        widget=forms.RadioSelect,
    )
    session = forms.ModelChoiceField(
        label=_("Warsztat"),
        queryset=EventSession.objects.none(),
        required=False,
        empty_label=_("wszyscy uczestnicy wydarzenia"),
        help_text=_("Można napisać tylko do osób zapisanych na jeden warsztat."),
    )
    subject = forms.CharField(label=_("Temat"), max_length=200)
    body = forms.CharField(
        label=_("Treść"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Zwykły tekst. Pod treścią dodamy nazwę, termin i adres strony wydarzenia."),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        sessions = EventSession.objects.filter(event=event).select_related("slot")
        if sessions.exists():
            self.fields["session"].queryset = sessions
        else:
            del self.fields["session"]

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise forms.ValidationError(_("Prosimy wpisać temat wiadomości."))
        return subject

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Prosimy wpisać treść wiadomości."))
        return body


class EventCopyForm(forms.Form):
    """The new start date of a copy (all other dates move by the same number of days)."""

    starts_on = forms.DateField(
        label=_("Nowa data rozpoczęcia"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Godziny zostają bez zmian; program, zapisy i pozostałe daty przesuwają się o tyle samo dni."
        ),
        error_messages={
            "required": _("Prosimy podać datę rozpoczęcia kopii."),
            "invalid": _("Prosimy podać datę w formacie RRRR-MM-DD."),
        },
    )
    keep_series = forms.BooleanField(
        label=_("Dodaj kopię do tego samego cyklu"), required=False, initial=True
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        if event.series_id is None:
            del self.fields["keep_series"]

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on < timezone.localdate():
            raise forms.ValidationError(
                _(
                    "Nowy termin nie może być w przeszłości: prosimy wybrać dzisiejszą lub późniejszą datę."
                )
            )
        return starts_on


def reminder_hours_label(hours: int) -> str:
    """„7 dni”, „1 dzień”, „36 godz.”: how an offset is shown to staff."""
    if hours % 24 == 0:
        days = hours // 24
        return ngettext("%(count)d dzień", "%(count)d dni", days) % {"count": days}
    return _("%(count)d godz.") % {"count": hours}


def reminder_hours_parse(text: str) -> list[int]:
    """Read „7 dni, 1 dzień, 3 h” into hours; raise ValidationError with a Polish message."""
    hours = []
    for part in text.replace(";", ",").split(","):
        part = part.strip().lower()
        if not part:
            continue
        number_text = "".join(ch for ch in part if ch.isdigit())
        unit = part[len(number_text) :].strip() if part.startswith(number_text) else None
        if not number_text or unit is None:
            raise forms.ValidationError(
                _("Nie rozumiemy „%(part)s”: prosimy wpisać np. „7 dni, 1 dzień” albo „48 h”.")
                % {"part": part}
            )
        number = int(number_text)
        if unit in ("d", "dz", "dzień", "dzien", "dni", "dnia"):
            number *= 24
        elif unit not in ("", "h", "godz", "godz.", "godzina", "godziny", "godzin"):
            raise forms.ValidationError(
                _("Nie rozumiemy „%(part)s”: prosimy wpisać np. „7 dni, 1 dzień” albo „48 h”.")
                % {"part": part}
            )
        if not 0 < number <= MAX_REMINDER_HOURS:
            raise forms.ValidationError(
                _("Przypomnienie można wysłać od 1 godziny do %(days)d dni przed początkiem.")
                % {"days": MAX_REMINDER_HOURS // 24}
            )
        hours.append(number)
    return reminder_hours_clean(hours)


class ReminderHoursField(forms.CharField):
    """A list of reminder offsets typed as „7 dni, 1 dzień” and stored as hours."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Przypomnienia"))
        kwargs.setdefault(
            "help_text",
            _(
                "Kiedy wysłać przypomnienie uczestnikom z potwierdzonym miejscem, np. „7 dni, 1 dzień” "
                "albo „48 h”. Puste pole: bez przypomnień."
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(reminder_hours_label(hours) for hours in reminder_hours_clean(value))
        if isinstance(value, str) and value.startswith("["):
            import json

            try:
                return self.prepare_value(json.loads(value))
            except ValueError:
                return value
        return value

    def to_python(self, value):
        return reminder_hours_parse(super().to_python(value) or "")
