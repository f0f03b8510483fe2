from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.uploads import DOCUMENT_KINDS, validate_upload

from .models import AdvisoryRequest, AdvisoryTopic, Expert
from .services import REQUIRED_FOR_SUBMISSION


def _validated_file(upload):
    if upload:
        validate_upload(upload, kinds=DOCUMENT_KINDS)
    return upload


class RequestForm(forms.Form):
    """The JST's request; lenient for a draft, complete when submitted."""

    organisation = forms.ModelChoiceField(
        queryset=None, label=_("Jednostka samorządu"), empty_label=None
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=AdvisoryTopic.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Tematy doradztwa"),
    )
    description = forms.CharField(
        label=_("Opis potrzeby"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=5000,
        help_text=_(
            "Czego dotyczy sprawa, jaki jest jej kontekst i czego oczekują Państwo od eksperta."
        ),
    )
    documents_concerned = forms.CharField(
        label=_("Dokumenty, których dotyczy doradztwo"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_(
            "Np. strategia rozwiązywania problemów społecznych na lata 2026–2030, roczny program współpracy."
        ),
    )
    preferred_form = forms.ChoiceField(
        label=_("Preferowana forma"),
        choices=AdvisoryRequest.Form.choices,
        widget=forms.RadioSelect,
        initial=AdvisoryRequest.Form.ON_SITE,
    )
    preferred_dates = forms.CharField(
        label=_("Preferowane terminy"),
        required=False,
        max_length=500,
        help_text=_("Np. wtorki i czwartki przed południem w drugiej połowie miesiąca."),
    )
    contact_name = forms.CharField(
        label=_("Osoba do kontaktu"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("E-mail osoby do kontaktu"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Telefon osoby do kontaktu"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    attachment = forms.FileField(
        label=_("Załącznik"),
        required=False,
        help_text=_("PDF, DOCX lub ODT. Kolejne pliki można dodać po zapisaniu szkicu."),
    )
    rodo_consent = forms.BooleanField(
        label=_(
            "Przyjmuję do wiadomości informację o przetwarzaniu danych osobowych podanych we wniosku."
        ),
        help_text=_(
            "To nie jest zgoda: dane są przetwarzane, bo obsługa doradztwa jest zadaniem realizowanym "
            "w interesie publicznym (art. 6 ust. 1 lit. e RODO)."
        ),
        required=False,
    )

    def __init__(self, *args, organisations, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.fields["organisation"].queryset = organisations
        self.fields["topics"].queryset = AdvisoryTopic.objects.filter(is_active=True)
        self.fields["attachment"].widget.attrs["accept"] = ".pdf,.docx,.odt"
        # Fields a draft may leave empty but a submitted request needs: marked "(wymagane)" by the
        # shared field template and announced as required, without blocking "save as draft".
        for field in REQUIRED_FOR_SUBMISSION:
            name = "rodo_consent" if field == "rodo_consent_at" else field
            if name in self.fields:
                self.fields[name].marked_required = True
                widget = self.fields[name].widget
                if isinstance(widget, forms.Textarea) or getattr(widget, "input_type", None) in (
                    "text",
                    "email",
                    "tel",
                ):
                    widget.attrs["aria-required"] = "true"

    def clean_attachment(self):
        return _validated_file(self.cleaned_data.get("attachment"))

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for field, message in REQUIRED_FOR_SUBMISSION.items():
                name = "rodo_consent" if field == "rodo_consent_at" else field
                if name in self.errors:
                    continue
                if not cleaned.get(name):
                    self.add_error(name, message)
        return cleaned


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Treść wiadomości"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    attachment = forms.FileField(label=_("Załącznik (PDF, DOCX lub ODT)"), required=False)

    def __init__(self, *args, allow_internal: bool = False, internal_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].widget.attrs["accept"] = ".pdf,.docx,.odt"
        if allow_internal:
            # Someone who may only write internal notes gets the box ticked and fixed.
            self.fields["internal"] = forms.BooleanField(
                label=_("Notatka wewnętrzna (niewidoczna dla wnioskodawcy)"),
                required=False,
                initial=internal_only,
                disabled=internal_only,
            )

    def clean_attachment(self):
        return _validated_file(self.cleaned_data.get("attachment"))

    def clean(self):
        cleaned = super().clean()
        if (
            not self.errors
            and not (cleaned.get("body") or "").strip()
            and not cleaned.get("attachment")
        ):
            self.add_error("body", _("Wpisz treść wiadomości albo dodaj plik."))
        return cleaned


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Uzasadnienie / komentarz"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=3000,
    )
    expert = forms.ModelChoiceField(
        queryset=Expert.objects.filter(is_active=True), required=False, label=_("Ekspert")
    )
    scheduled_for = forms.DateTimeField(
        label=_("Termin konsultacji"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class ConsultationForm(forms.Form):
    held_on = forms.DateField(
        label=_("Data konsultacji"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    form = forms.ChoiceField(label=_("Forma"), choices=AdvisoryRequest.Form.choices)
    duration_minutes = forms.IntegerField(
        label=_("Czas trwania (minuty)"), min_value=1, max_value=24 * 60
    )
    notes = forms.CharField(
        label=_("Przebieg i ustalenia"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )
    recommendations = forms.CharField(
        label=_("Rekomendacje dla JST"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("Data konsultacji nie może być w przyszłości."))
        return held_on


class AssignExpertForm(forms.Form):
    expert = forms.ModelChoiceField(
        queryset=Expert.objects.filter(is_active=True), label=_("Ekspert")
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Powód odrzucenia (zobaczy go JST)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )
