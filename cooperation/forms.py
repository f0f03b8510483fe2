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
        label=_("Organizacja odpowiedzialna"), queryset=Organisation.objects.none(),
        error_messages={"required": _("Proszę wskazać organizację odpowiedzialną za zadanie.")},
    )
    deadline = forms.DateField(label=_("Termin"), widget=DateInput())

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.filter(working_group_memberships__group=group).order_by("name")


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Stan"), choices=GroupTask.Status.choices)


class MemberAddForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organizacja"), queryset=Organisation.objects.filter(is_verified=True).order_by("name"),
        help_text=_("Tylko zweryfikowane organizacje z rejestru partnerów."),
    )


class DelegatesForm(forms.Form):
    delegates = forms.ModelMultipleChoiceField(
        label=_("Delegaci"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Osoby z zatwierdzonym członkostwem w organizacji."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegates"].queryset = candidates
        self.fields["delegates"].label_from_instance = lambda user: user.get_full_name() or user.email


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Tytuł"), max_length=250)
    file = forms.FileField(label=_("Plik"), help_text=_("PDF, DOCX, ODT, XLSX lub PPTX."))

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and isinstance(upload, UploadedFile):
            self.file_kind = uploads.validate_upload(upload, kinds=DOCUMENT_KINDS)
        return upload
