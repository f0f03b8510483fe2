from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation
from portal import uploads

from .models import GroupTask

DOCUMENT_KINDS = (uploads.PDF, uploads.DOCX, uploads.ODT, uploads.XLSX, uploads.PPTX)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Zadanie"), max_length=300)
    owner = forms.ModelChoiceField(
        label=_("Organizacja odpowiedzialna"),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Proszę wskazać organizację odpowiedzialną za zadanie.")},
    )
    deadline = forms.DateField(label=_("Termin"), widget=DateInput())

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.filter(
            working_group_memberships__group=group
        ).order_by("name")


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Stan"), choices=GroupTask.Status.choices)


class MemberAddForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organizacja"),
        queryset=Organisation.objects.filter(is_verified=True).order_by("name"),
        help_text=_("Tylko zweryfikowane organizacje z rejestru partnerów."),
    )


class DelegatesForm(forms.Form):
    delegates = forms.ModelMultipleChoiceField(
        label=_("Delegaci"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Osoby z zatwierdzonym członkostwem w organizacji."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegates"].queryset = candidates
        self.fields["delegates"].label_from_instance = lambda user: (
            user.get_full_name() or user.email
        )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Tytuł"), max_length=250)
    file = forms.FileField(label=_("Plik"), help_text=_("PDF, DOCX, ODT, XLSX lub PPTX."))

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and isinstance(upload, UploadedFile):
            self.file_kind = uploads.validate_upload(upload, kinds=DOCUMENT_KINDS)
        return upload


# --- surveys ---------------------------------------------------------------------------------

ANSWER_FILE_KINDS = (
    uploads.PDF,
    uploads.DOCX,
    uploads.ODT,
    uploads.XLSX,
    uploads.JPEG,
    uploads.PNG,
)
YES_NO = [("tak", _("tak")), ("nie", _("nie"))]


class SurveyAnswerForm(forms.Form):
    """One field per question; all optional here, the service refuses a submission without required answers."""

    def __init__(self, *args, questions, answers, file_names, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Question

        self.questions = questions
        self.file_names = file_names
        for question in questions:
            name = f"q_{question.pk}"
            common = {"label": question.text, "required": False, "help_text": question.help_text}
            kind = question.kind
            if kind == Question.Kind.NUMBER:
                field = forms.DecimalField(
                    max_digits=14,
                    decimal_places=2,
                    error_messages={
                        "invalid": _("Proszę wpisać liczbę, np. 12 albo 12,5."),
                        "max_decimal_places": _("Proszę podać najwyżej dwie cyfry po przecinku."),
                    },
                    **common,
                )
                field.localize = True
                field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
            elif kind == Question.Kind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in question.choice_list()],
                    widget=forms.RadioSelect,
                    error_messages={
                        "invalid_choice": _("Proszę wybrać jedną z podanych odpowiedzi.")
                    },
                    **common,
                )
            elif kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=[(c, c) for c in question.choice_list()],
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"invalid_choice": _("Proszę wybrać odpowiedzi z listy.")},
                    **common,
                )
            elif kind == Question.Kind.YES_NO:
                field = forms.ChoiceField(
                    choices=YES_NO,
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": _("Proszę wybrać „tak” albo „nie”.")},
                    **common,
                )
            elif kind == Question.Kind.DATE:
                field = forms.DateField(
                    widget=DateInput(),
                    error_messages={"invalid": _("Proszę podać datę w formacie dd.mm.rrrr.")},
                    input_formats=["%Y-%m-%d", "%d.%m.%Y"],
                    **common,
                )
            elif kind == Question.Kind.FILE:
                stored = file_names.get(str(question.pk))
                if stored:
                    common["help_text"] = " ".join(
                        filter(
                            None,
                            [
                                question.help_text,
                                str(
                                    _("Zapisany plik: %(name)s. Nowy plik go zastąpi.")
                                    % {"name": stored}
                                ),
                            ],
                        )
                    )
                field = forms.FileField(**common)
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, **common
                )
            field.question = question
            field.marked_required = (
                question.required
            )  # the site's field template shows "(wymagane)"
            self.fields[name] = field
            if kind != Question.Kind.FILE and str(question.pk) in answers:
                self.initial[name] = answers[str(question.pk)]

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            upload = cleaned.get(name)
            if field.question.kind == "file" and upload and isinstance(upload, UploadedFile):
                try:
                    uploads.validate_upload(upload, kinds=ANSWER_FILE_KINDS)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def answers_and_files(self) -> tuple[dict, dict]:
        answers, files = {}, {}
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            question_id = field.question.pk
            if field.question.kind == "file":
                if value:
                    files[question_id] = value
                continue
            if value is None:
                value = ""
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            elif not isinstance(value, (str, list)):
                value = str(value)
            answers[question_id] = value
        return answers, files


class SurveySendForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Rodzaje organizacji"),
        choices=Organisation.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bez zaznaczenia: wszystkie rodzaje."),
    )
    subregion = forms.ModelChoiceField(label=_("Subregion"), queryset=None, required=False)
    group = forms.ModelChoiceField(label=_("Grupa robocza"), queryset=None, required=False)
    deadline = forms.DateTimeField(
        label=_("Termin odpowiedzi"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        error_messages={
            "required": _("Proszę podać termin odpowiedzi."),
            "invalid": _("Proszę podać datę i godzinę."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from partners.models import Subregion

        from .models import WorkingGroup

        self.fields["subregion"].queryset = Subregion.objects.order_by("name")
        self.fields["group"].queryset = WorkingGroup.objects.order_by("name")


class SurveyCopyForm(forms.Form):
    title = forms.CharField(label=_("Tytuł kopii"), max_length=250)
