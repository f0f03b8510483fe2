"""Forms of the events app; validation of business rules stays in services."""

import os

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import uploads
from reporting import monitoring
from reporting.models import MonitoringDetails, Sex

from . import exceptions, services_walk_ins
from .images import photo_thumbnail, photo_web_version
from .models import (
    EventSession,
    Institution,
    Material,
    Postulate,
    Question,
    ReportPhoto,
    SessionSlot,
    strip_credit_prefix,
)
from .selectors import registration_choices_resolve


def session_slot_label(slot: SessionSlot) -> str:
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    hours = f"{start:%H:%M}–{end:%H:%M}"
    return (
        f"{slot.title} ({hours})"
        if slot.title
        else str(_("Warsztaty %(hours)s") % {"hours": hours})
    )


def session_choice_label(session: EventSession) -> str:
    """„Tytuł — prowadzenie: …, sala … · wolne miejsca: 3 z 10” (or „brak wolnych miejsc”)."""
    details = []
    if session.host:
        details.append(str(_("prowadzenie: %(host)s") % {"host": session.host}))
    if session.room:
        details.append(str(_("miejsce: %(room)s") % {"room": session.room}))
    free = getattr(session, "seats_free", None)
    if free is not None:
        details.append(
            str(
                _("wolne miejsca: %(free)d z %(capacity)d")
                % {"free": free, "capacity": session.capacity}
            )
            if free
            else str(_("brak wolnych miejsc"))
        )
    return f"{session.title} — {', '.join(details)}" if details else session.title


class _ChoicesOnceIterator(forms.models.ModelChoiceIterator):
    """Iterate the field's choices read once: Django reads a select's queryset twice (the
    ``required`` attribute check and the options), a query each time."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.choice_objects():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.choice_objects()) + (self.field.empty_label is not None)


class ChoicesOnceField(forms.ModelChoiceField):
    """A model choice whose options are read in one query and at most ``choice_limit`` long.

    Validation still accepts any row of the queryset, so a limited list with a search can
    offer the rest.
    """

    iterator = _ChoicesOnceIterator

    def __init__(self, *args, choice_limit: int | None = None, **kwargs):
        self.choice_limit = choice_limit
        self._choice_objects = None
        super().__init__(*args, **kwargs)

    def _set_queryset(self, queryset):
        self._choice_objects = None
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._choice_objects = None
        return result

    def to_python(self, value):
        # A choice the form already resolved (see RegistrationForm) costs no query of its own.
        resolved = getattr(self, "resolved", {})
        if str(value) in resolved:
            return resolved[str(value)]
        return super().to_python(value)

    def choice_objects(self) -> list:
        if self._choice_objects is None:
            rows = self.queryset
            if self.choice_limit is None:
                self._choice_objects = list(rows)
            else:
                rows = list(rows[: self.choice_limit + 1])
                self.more = len(rows) > self.choice_limit
                self._choice_objects = rows[: self.choice_limit]
        return self._choice_objects

    @property
    def has_more(self) -> bool:
        """Whether the list was cut at ``choice_limit`` (the page then offers a search)."""
        self.choice_objects()
        return getattr(self, "more", False)


class RegistrationForm(forms.Form):
    """Who registers for whom, the event's own questions and the RODO consent."""

    organisation = ChoicesOnceField(queryset=None, label=_("Organizacja"), empty_label=None)
    participant = ChoicesOnceField(
        queryset=None,
        # An OPS may have hundreds of members: the list shows the first ones, a search the rest.
        choice_limit=50,
        label=_("Uczestnik"),
        empty_label=None,
        help_text=_("Można zapisać siebie albo osobę z tej samej organizacji."),
    )

    def __init__(
        self, *args, event, organisations, colleagues, user, consent_text, slots=(), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["organisation"].queryset = organisations
        self.fields["participant"].queryset = colleagues
        self.fields["participant"].label_from_instance = lambda person: (
            f"{person.get_full_name() or person.email} ({person.email})"
        )
        if not self.is_bound:
            self.initial.setdefault("participant", user.pk)
        else:
            # Both choices checked in one query (each field would read its own).
            organisation, participant = registration_choices_resolve(
                user=user,
                organisation_pk=self.data.get("organisation"),
                participant_pk=self.data.get("participant"),
            )
            if organisation is not None:
                self.fields["organisation"].resolved = {str(organisation.pk): organisation}
            if participant is not None:
                self.fields["participant"].resolved = {str(participant.pk): participant}
        self.question_fields: list[str] = []
        for question in event.questions.all():
            name = f"q_{question.pk}"
            self.question_fields.append(name)
            self.fields[name] = self._question_field(question)
        # Registration is a public task (art. 6(1)(e) RODO): the clause is shown, not agreed to;
        # the version shown travels with the form so the registration records exactly that one.
        self.fields["clause_version"] = forms.CharField(
            widget=forms.HiddenInput,
            required=False,
            max_length=30,
            # A callable: the clause is read only when the form is shown (not on a valid POST).
            initial=lambda: consent_text.version if consent_text else "",
        )
        self.health_questions = [q for q in event.questions.all() if q.is_health_data]
        if self.health_questions:
            self.fields["health_data_consent"] = forms.BooleanField(
                label=_(
                    "Wyrażam wyraźną zgodę na przetwarzanie przez organizatora danych o zdrowiu uczestnika "
                    "podanych w odpowiedziach oznaczonych jako dane o zdrowiu, wyłącznie w celu zapewnienia "
                    "odpowiedniego wyżywienia i dostępności wydarzenia (art. 9 ust. 2 lit. a RODO). "
                    "Zgodę można wycofać w każdej chwili; bez niej te odpowiedzi pozostają puste."
                ),
                required=False,
            )
        self.consent_text = consent_text
        self._add_monitoring_fields(user=user, colleagues=colleagues)
        self._add_session_fields(slots)

    def _add_session_fields(self, slots) -> None:
        """One required choice per slot of parallel workshops (``selectors.session_slots_for_event``)."""
        self.session_fields: list[str] = []
        self._sessions: dict[str, EventSession] = {}
        for slot in slots:
            sessions = list(slot.sessions.all())
            if not sessions:
                continue
            name = f"s_{slot.pk}"
            self.session_fields.append(name)
            for session in sessions:
                self._sessions[str(session.pk)] = session
            self.fields[name] = forms.ChoiceField(
                label=session_slot_label(slot),
                choices=[(str(session.pk), session_choice_label(session)) for session in sessions],
                widget=forms.RadioSelect(attrs={"class": "session-choice"}),
                help_text=_("Warsztaty w tym bloku odbywają się równolegle: proszę wybrać jeden."),
                error_messages={
                    "required": _("Prosimy wybrać warsztat w tym bloku."),
                    "invalid_choice": _("Prosimy wybrać jeden z warsztatów z listy."),
                },
            )

    def sessions(self) -> list[EventSession]:
        return [
            self._sessions[self.cleaned_data[name]]
            for name in self.session_fields
            if self.cleaned_data.get(name) in self._sessions
        ]

    def session_bound_fields(self):
        return [self[name] for name in self.session_fields]

    def add_session_error(self, error) -> None:
        """Show a refusal about workshops next to the slot it concerns."""
        name = f"s_{error.slot_id}"
        self.add_error(name if name in self.fields else None, str(error))

    def _add_monitoring_fields(self, *, user, colleagues) -> None:
        """Ask the personal details the event's funding project requires, and only those.

        They belong to the participant and are kept once (reporting.MonitoringDetails): a
        person registering themself finds them filled in; a detail already kept for a
        colleague being registered may be left empty.
        """
        self.monitoring_fields: list[str] = []
        self.registers_others = False
        required = monitoring.required_fields(self.event.funding_project)
        if not required:
            return
        self.registers_others = colleagues.exclude(pk=user.pk).exists()
        own = MonitoringDetails.objects.filter(person=user).first()
        other = None
        participant_id = str(self.data.get("participant") or "") if self.is_bound else ""
        if participant_id and participant_id != str(user.pk) and participant_id.isdigit():
            other = MonitoringDetails.objects.filter(
                person__in=colleagues, person_id=int(participant_id)
            ).first()
        required_message = _("Projekt finansujący to wydarzenie wymaga tej informacji.")
        for field in required:
            name = f"monitoring_{field}"
            self.monitoring_fields.append(name)
            if field == "sex":
                self.fields[name] = forms.ChoiceField(
                    label=_("Płeć"), choices=Sex.choices, widget=forms.RadioSelect
                )
            elif field == "birth_year":
                self.fields[name] = forms.CharField(
                    label=_("Rok urodzenia"),
                    max_length=4,
                    help_text=_("Cztery cyfry, np. 1985."),
                    widget=forms.TextInput(
                        attrs={"inputmode": "numeric", "autocomplete": "bday-year", "size": 4}
                    ),
                )
            else:
                self.fields[name] = forms.CharField(
                    label=_("PESEL"),
                    max_length=13,
                    help_text=_("11 cyfr."),
                    widget=forms.TextInput(
                        attrs={"inputmode": "numeric", "autocomplete": "off", "size": 11}
                    ),
                )
            self.fields[name].error_messages["required"] = required_message
            if own is not None and getattr(own, field) not in (None, ""):
                self.initial.setdefault(name, getattr(own, field))
            if other is not None and getattr(other, field) not in (None, ""):
                # Kept already for the colleague being registered: empty keeps what we have.
                self.fields[name].required = False

    def monitoring_values(self) -> dict:
        return {
            name.removeprefix("monitoring_"): self.cleaned_data.get(name) or ""
            for name in self.monitoring_fields
        }

    def monitoring_bound_fields(self):
        return [self[name] for name in self.monitoring_fields]

    def add_monitoring_errors(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            name = f"monitoring_{field}"
            self.add_error(name if name in self.fields else None, message)

    def clean(self):
        cleaned = super().clean()
        if self.monitoring_fields:
            given = {field: value for field, value in self.monitoring_values().items() if value}
            _values, errors = monitoring.details_clean(given)
            self.add_monitoring_errors(errors)
        if self.health_questions and not cleaned.get("health_data_consent"):
            answered = [
                q for q in self.health_questions if (cleaned.get(f"q_{q.pk}") or "").strip()
            ]
            if answered:
                self.add_error(
                    "health_data_consent",
                    _(
                        "Odpowiedzi o zdrowiu przekażemy organizatorowi tylko za wyraźną zgodą. "
                        "Prosimy zaznaczyć zgodę albo usunąć odpowiedzi oznaczone jako dane o zdrowiu."
                    ),
                )
        return cleaned

    @staticmethod
    def _question_field(question: Question) -> forms.Field:
        help_text = question.help_text
        if question.is_health_data:
            note = _("Dane o zdrowiu: podanie ich jest dobrowolne i wymaga osobnej zgody poniżej.")
            help_text = f"{help_text} {note}" if help_text else note
        common = {
            "label": question.label,
            # A health answer can never be compulsory: it needs a consent that may be refused.
            "required": question.is_required and not question.is_health_data,
            "help_text": help_text,
            "error_messages": {"required": _("Odpowiedź na to pytanie jest wymagana.")},
        }
        if question.kind == Question.Kind.CHOICE:
            choices = [(choice, choice) for choice in question.choice_list]
            if not common["required"]:
                blank = _("nie podaję") if question.is_health_data else _("— bez odpowiedzi —")
                choices = [("", blank), *choices]
            return forms.ChoiceField(
                choices=choices,
                widget=forms.RadioSelect if question.is_required else forms.Select,
                **common,
            )
        if question.kind == Question.Kind.YES_NO:
            return forms.ChoiceField(
                choices=[("tak", _("tak")), ("nie", _("nie"))], widget=forms.RadioSelect, **common
            )
        return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), **common)

    def answers(self) -> dict[int, str]:
        return {int(name[2:]): self.cleaned_data.get(name) or "" for name in self.question_fields}

    def question_bound_fields(self):
        return [self[name] for name in self.question_fields]

    def add_answer_errors(self, errors: dict[int, str]) -> None:
        for question_id, message in errors.items():
            name = f"q_{question_id}"
            if name in self.fields:
                self.add_error(name, message)
            else:
                self.add_error(None, message)


# --- staff forms (admin): uploads are checked by content, photos scaled to a web size --------

MATERIAL_KINDS = (uploads.PDF, uploads.PPTX, uploads.DOCX, uploads.XLSX, uploads.ODT)


class _PrivateLink:
    """Stands in for a stored file in the widget: the link goes through our authorising view."""

    def __init__(self, value, url: str):
        self.value, self.url = value, url

    def __str__(self) -> str:
        return os.path.basename(str(self.value))


class PrivateFileInput(forms.ClearableFileInput):
    """File input whose "currently" link points to a view (MEDIA_URL is never served)."""

    private_url: str | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"] and self.private_url:
            context["widget"]["value"] = _PrivateLink(value, self.private_url)
        return context


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["title", "file", "visibility", "position"]
        widgets = {"file": PrivateFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A read-only admin (view permission only) builds this form without the file field.
        if "file" in self.fields and self.instance.pk and self.instance.event_id:
            self.fields["file"].widget.private_url = self.instance.get_absolute_url()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and isinstance(upload, UploadedFile):
            kind = uploads.validate_upload(upload, kinds=MATERIAL_KINDS)
            self.instance.file_type = kind.label
            self.instance.file_size = upload.size
        return upload


class ReportPhotoForm(forms.ModelForm):
    class Meta:
        model = ReportPhoto
        fields = ["image", "alt_text", "caption", "credit", "position"]
        widgets = {"image": PrivateFileInput}
        error_messages = {
            "alt_text": {
                "required": _(
                    "Tekst alternatywny jest wymagany: prosimy opisać, co widać na zdjęciu."
                )
            },
            "credit": {"required": _("Autor zdjęcia jest wymagany (pokazujemy go jako „Fot. …”).")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A read-only admin (view permission only) builds this form without the image field.
        if "image" not in self.fields:
            return
        # A photo the worker has not prepared yet has no image; every other photo needs one.
        self.fields["image"].required = self.instance.state == ReportPhoto.State.READY
        if self.instance.pk and self.instance.image:
            self.fields["image"].widget.private_url = self.instance.get_absolute_url()

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload and isinstance(upload, UploadedFile):
            uploads.validate_upload(upload, kinds=uploads.IMAGE_KINDS)
            web = photo_web_version(upload)
            self._thumbnail = photo_thumbnail(web)
            return web
        return upload

    def clean_credit(self):
        return strip_credit_prefix(self.cleaned_data.get("credit") or "")

    def clean_alt_text(self):
        return (self.cleaned_data.get("alt_text") or "").strip()

    def clean(self):
        cleaned = super().clean()
        # Alt text and author are required before publication (and kept once published).
        if self.instance.is_published:
            if "alt_text" in cleaned and not cleaned["alt_text"]:
                self.add_error(
                    "alt_text",
                    _("Tekst alternatywny jest wymagany: prosimy opisać, co widać na zdjęciu."),
                )
            if "credit" in cleaned and not cleaned["credit"]:
                self.add_error(
                    "credit", _("Autor zdjęcia jest wymagany (pokazujemy go jako „Fot. …”).")
                )
        return cleaned

    def save(self, commit=True):
        thumbnail = getattr(self, "_thumbnail", None)
        if thumbnail is not None:
            self.instance.thumbnail.save(thumbnail.name, thumbnail, save=False)
        return super().save(commit=commit)


class PostulateForm(forms.ModelForm):
    class Meta:
        model = Postulate
        fields = [
            "position",
            "text",
            "topic",
            "institution",
            "addressee",
            "status",
            "forwarded_on",
            "decided_on",
            "decision_note",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2, "cols": 50}),
            "decision_note": forms.Textarea(attrs={"rows": 2, "cols": 30}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "institution" in self.fields:
            current = self.instance.institution_id
            self.fields["institution"].queryset = Institution.objects.filter(
                Q(is_active=True) | Q(pk=current)
            )
        if "addressee" in self.fields:
            self.fields["addressee"].label = _("adresat spoza listy")
            self.fields["addressee"].help_text = _(
                "Tylko gdy instytucji nie ma na liście; wybrana z listy instytucja zastępuje ten tekst."
            )

    def clean(self):
        cleaned = super().clean()
        institution = cleaned.get("institution")
        addressee = (cleaned.get("addressee") or "").strip()
        if institution is None and addressee:
            # A typed name that is on the list links the postulate to it.
            institution = Institution.objects.filter(name__iexact=addressee).first()
            cleaned["institution"] = institution
            self.instance.institution = institution
        if institution is not None:
            cleaned["addressee"] = institution.name
            self.instance.addressee = institution.name
        status = cleaned.get("status")
        if status and status != Postulate.Status.PROPOSED and not cleaned.get("forwarded_on"):
            self.add_error(
                "forwarded_on", _("Wymagana jest data przekazania postulatu adresatowi.")
            )
        if status in (Postulate.Status.ACCEPTED, Postulate.Status.REJECTED) and not cleaned.get(
            "decided_on"
        ):
            self.add_error("decided_on", _("Wymagana jest data odpowiedzi adresata."))
        return cleaned


class CheckInForm(forms.Form):
    """One click on the check-in page: this registration, this day, present or absent."""

    registration = forms.IntegerField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.HiddenInput)
    present = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files in one input; each is checked by the service (all or none are stored)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "data-photo-input": ""}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files:
            raise forms.ValidationError(
                _("Prosimy wybrać co najmniej jedno zdjęcie."), code="required"
            )
        return list(files)


class PhotoUploadForm(forms.Form):
    photos = MultiplePhotoField(
        label=_("Zdjęcia"),
        help_text=_(
            "JPEG lub PNG. Można zaznaczyć wiele plików naraz (Ctrl lub Shift) albo przeciągnąć je "
            "na to pole. Zdjęcia zapiszemy jako nieopublikowane: przed publikacją każde potrzebuje "
            "tekstu alternatywnego i autora."
        ),
    )
    credit = forms.CharField(
        label=_("Autor zdjęć (opcjonalnie)"),
        max_length=150,
        required=False,
        help_text=_(
            "Wpisany tu autor trafi do wszystkich wysyłanych zdjęć; można go potem zmienić."
        ),
    )


class PhotoDescribeForm(forms.Form):
    """One row of the describe-and-publish page."""

    photo = forms.IntegerField(widget=forms.HiddenInput)
    selected = forms.BooleanField(label=_("Zaznacz"), required=False)
    alt_text = forms.CharField(
        label=_("Tekst alternatywny"),
        max_length=300,
        required=False,
        help_text=_("Co widać na zdjęciu (wymagany przed publikacją)."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    credit = forms.CharField(
        label=_("Autor zdjęcia"),
        max_length=150,
        required=False,
        help_text=_("Pokazywany jako „Fot. …” (wymagany przed publikacją)."),
    )
    caption = forms.CharField(label=_("Podpis"), max_length=300, required=False)
    position = forms.IntegerField(label=_("Kolejność"), min_value=0, max_value=32000)


PhotoDescribeFormSet = forms.formset_factory(PhotoDescribeForm, extra=0)


class WalkInForm(forms.Form):
    """A person who came without registering: an account found by search, or typed details."""

    day = forms.DateField(widget=forms.HiddenInput)
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(label=_("Imię"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nazwisko"), max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        queryset=None,
        label=_("Organizacja z rejestru partnerów"),
        empty_label=_("— wybierz organizację —"),
        error_messages={
            "required": _("Prosimy wybrać organizację, którą osoba reprezentuje."),
            "invalid_choice": _("Prosimy wybrać organizację z rejestru partnerów."),
        },
    )
    session = forms.ModelChoiceField(
        queryset=None,
        label=_("Warsztat"),
        required=False,
        empty_label=_("— bez warsztatu —"),
    )

    def __init__(self, *args, event, organisations, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if sessions is None:
            sessions = list(EventSession.objects.filter(event=event).select_related("slot"))
        if sessions:
            self.fields["session"].queryset = EventSession.objects.filter(event=event)
            self.fields["session"].choices = [("", self.fields["session"].empty_label)] + [
                (session.pk, session.title) for session in sessions
            ]
        else:
            del self.fields["session"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person"):
            # The same check the service makes, so every missing detail is shown at once.
            try:
                services_walk_ins.walk_in_clean(
                    person=None,
                    email=cleaned.get("email", ""),
                    first_name=cleaned.get("first_name", ""),
                    last_name=cleaned.get("last_name", ""),
                )
            except exceptions.WalkInInvalid as error:
                self.add_walk_in_errors(error.errors)
        return cleaned

    def add_walk_in_errors(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)
