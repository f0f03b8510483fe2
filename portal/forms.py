import re

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from . import uploads
from .models import NewsAttachment, NewsItem, Region


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Hasło do konta"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("Rozumiem, że konto zostanie usunięte, a moje dane osobowe zanonimizowane."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Hasło jest nieprawidłowe."))
        return password


PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-]{5,40}$")


def _name_field(label, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=150, widget=forms.TextInput(attrs={"autocomplete": autocomplete})
    )


def clean_person_name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise forms.ValidationError(_("To pole jest wymagane."))
    if any(char.isdigit() or char in "<>@/\\" for char in value):
        raise forms.ValidationError(
            _("Proszę wpisać samo imię lub nazwisko, bez cyfr i znaków specjalnych.")
        )
    return value


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form: people are known by name, not by e-mail address.

    allauth's adapter copies ``first_name`` and ``last_name`` from the cleaned data to the user.
    """

    first_name = _name_field(_("Imię"), "given-name")
    last_name = _name_field(_("Nazwisko"), "family-name")

    def clean_first_name(self):
        return clean_person_name(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return clean_person_name(self.cleaned_data["last_name"])

    def signup(self, request, user):
        """Nothing more to store: the adapter saved the names with the user."""


class ProfileForm(forms.Form):
    """A person's own name, phone and position ("Moje dane osobowe")."""

    first_name = _name_field(_("Imię"), "given-name")
    last_name = _name_field(_("Nazwisko"), "family-name")
    phone = forms.CharField(
        label=_("Telefon"),
        max_length=40,
        required=False,
        help_text=_("Na przykład 58 123 45 67 lub +48 600 000 000."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    position = forms.CharField(
        label=_("Stanowisko"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )

    def clean_first_name(self):
        return clean_person_name(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return clean_person_name(self.cleaned_data["last_name"])

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone and not PHONE_CHARACTERS.match(phone):
            raise forms.ValidationError(
                _(
                    "Numer telefonu może zawierać tylko cyfry, spacje, nawiasy, myślniki i znak + na początku."
                )
            )
        return phone

    def clean_position(self):
        return " ".join(self.cleaned_data["position"].split())


class RegionForm(forms.ModelForm):
    """The region's logos are public: checked by content and re-encoded with no metadata."""

    class Meta:
        model = Region
        fields = "__all__"  # noqa: DJ007 - the admin shows every field of the region

    def _clean_image(self, field: str):
        upload = self.cleaned_data.get(field)
        if upload and isinstance(upload, UploadedFile):
            uploads.validate_upload(upload, kinds=uploads.IMAGE_KINDS)
            return uploads.image_reencode(upload)
        return upload

    def clean_logo(self):
        return self._clean_image("logo")

    def clean_cofinancing_logo(self):
        return self._clean_image("cofinancing_logo")


class ContactForm(forms.Form):
    """The public contact form. ``website`` is a trap for bots: people never see or fill it."""

    name = forms.CharField(
        label=_("Imię i nazwisko"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Adres e-mail"),
        help_text=_("Na ten adres odpowiemy."),
        error_messages={"invalid": _("Proszę podać poprawny adres e-mail, np. jan@example.pl.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(label=_("Temat"), max_length=200, required=False)
    message = forms.CharField(
        label=_("Wiadomość"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Proszę wpisać treść wiadomości.")},
    )
    website = forms.CharField(
        label=_("Strona internetowa (proszę zostawić puste)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Proszę wpisać treść wiadomości."))
        return message


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Szukana fraza"),
        max_length=200,
        error_messages={
            "required": _("Proszę wpisać, czego szukać, np. nazwę miejscowości lub wydarzenia."),
            "max_length": _(
                "Zapytanie może mieć najwyżej %(limit_value)d znaków (ma %(show_value)d)."
            ),
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    rodzaj = forms.ChoiceField(label=_("Rodzaj wyników"), required=False, choices=())

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rodzaj"].choices = [("", _("wszystkie"))] + [
            (kind.slug, kind.label) for kind in kinds
        ]

    def clean_q(self):
        query = self.cleaned_data["q"]
        if not re.search(r"\w", query):
            raise forms.ValidationError(
                _("Proszę wpisać co najmniej jedno słowo (litery lub cyfry).")
            )
        return query


NEWS_IMAGE_MAX_SIDE = 1600
NEWS_ATTACHMENT_KINDS = (
    uploads.PDF,
    uploads.DOCX,
    uploads.ODT,
    uploads.XLSX,
    uploads.PPTX,
    uploads.JPEG,
    uploads.PNG,
)
NEWS_IMAGE_ALT_REQUIRED = _(
    "Proszę opisać zdjęcie (tekst alternatywny) – bez opisu nie opublikujemy go."
)


class NewsItemForm(forms.ModelForm):
    """The admin form of a news item: the main image is checked, re-encoded and must be described."""

    class Meta:
        model = NewsItem
        # The admin adds the other fields (and their language copies); these are checked here.
        fields = ["image", "image_alt"]

    def __init__(self, *args, **kwargs):
        from events.forms import PrivateFileInput

        super().__init__(*args, **kwargs)
        if "image" in self.fields:
            widget = PrivateFileInput()
            widget.is_required = False
            if self.instance.pk and self.instance.image:
                widget.private_url = self.instance.get_image_url()
            self.fields["image"].widget = widget

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload and isinstance(upload, UploadedFile):
            uploads.validate_upload(upload, kinds=uploads.IMAGE_KINDS)
            return uploads.image_reencode(upload, max_side=NEWS_IMAGE_MAX_SIDE)
        return upload

    def clean(self):
        cleaned = super().clean()
        # With django-modeltranslation the admin shows image_alt_pl / image_alt_en instead of
        # image_alt: the description in the default language (Polish) is the required one.
        alt_field = next(
            (name for name in ("image_alt_pl", "image_alt") if name in self.fields), None
        )
        if alt_field is None:
            return cleaned
        for name in (alt_field, "image_alt_en"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        if cleaned.get("image") and alt_field in cleaned and not cleaned[alt_field]:
            self.add_error(alt_field, NEWS_IMAGE_ALT_REQUIRED)
        return cleaned


class NewsAttachmentForm(forms.ModelForm):
    class Meta:
        model = NewsAttachment
        fields = ["title", "file", "position"]

    def __init__(self, *args, **kwargs):
        from events.forms import PrivateFileInput

        super().__init__(*args, **kwargs)
        # A read-only admin (view permission only) builds this form without the file field.
        if "file" not in self.fields:
            return
        widget = PrivateFileInput()
        widget.is_required = self.fields["file"].required
        if self.instance.pk and self.instance.news_id:
            widget.private_url = self.instance.get_absolute_url()
        self.fields["file"].widget = widget

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and isinstance(upload, UploadedFile):
            kind = uploads.validate_upload(upload, kinds=NEWS_ATTACHMENT_KINDS)
            self.instance.file_type = kind.label
            self.instance.file_size = upload.size
        return upload
