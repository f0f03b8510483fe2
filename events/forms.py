"""Forms of the events app; validation of business rules stays in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Question


class RegistrationForm(forms.Form):
    """Who registers for whom, the event's own questions and the RODO consent."""

    organisation = forms.ModelChoiceField(queryset=None, label=_("Organizacja"), empty_label=None)
    participant = forms.ModelChoiceField(
        queryset=None,
        label=_("Uczestnik"),
        empty_label=None,
        help_text=_("Możesz zapisać siebie albo osobę z tej samej organizacji."),
    )

    def __init__(self, *args, event, organisations, colleagues, user, consent_text, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["organisation"].queryset = organisations
        self.fields["participant"].queryset = colleagues
        self.fields["participant"].label_from_instance = lambda person: (
            f"{person.get_full_name() or person.email} ({person.email})"
        )
        if not self.is_bound:
            self.initial.setdefault("participant", user.pk)
        self.question_fields: list[str] = []
        for question in event.questions.all():
            name = f"q_{question.pk}"
            self.question_fields.append(name)
            self.fields[name] = self._question_field(question)
        consent_label = _("Zapoznałem/am się z informacją o przetwarzaniu danych osobowych i akceptuję ją.")
        self.fields["consent"] = forms.BooleanField(
            label=consent_label,
            required=True,
            error_messages={"required": _("Zgłoszenie wymaga akceptacji informacji o przetwarzaniu danych osobowych.")},
        )
        self.consent_text = consent_text

    @staticmethod
    def _question_field(question: Question) -> forms.Field:
        common = {
            "label": question.label,
            "required": question.is_required,
            "help_text": question.help_text,
            "error_messages": {"required": _("Odpowiedź na to pytanie jest wymagana.")},
        }
        if question.kind == Question.Kind.CHOICE:
            choices = [(choice, choice) for choice in question.choice_list]
            if not question.is_required:
                choices = [("", _("— bez odpowiedzi —")), *choices]
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect if question.is_required else forms.Select, **common)
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
