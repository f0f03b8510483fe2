"""The regional cooperation platform: working groups, their meetings, documents and tasks."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from partners.models import Organisation


class WorkingGroup(models.Model):
    """A platform, partnership, convention (e.g. Konwent OPS) or thematic team that meets regularly."""

    class Kind(models.TextChoices):
        PLATFORM = "platform", _("platforma współpracy")
        PARTNERSHIP = "partnership", _("partnerstwo")
        CONVENTION = "convention", _("konwent")
        THEMATIC_TEAM = "thematic", _("zespół tematyczny")

    kind = models.CharField(_("rodzaj"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("nazwa"), max_length=250)
    description = models.TextField(_("opis"), blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_groups",
        verbose_name=_("koordynator"),
    )
    starts_on = models.DateField(_("początek działania"), default=timezone.localdate)
    ends_on = models.DateField(_("koniec działania"), null=True, blank=True)
    is_public = models.BooleanField(
        _("strona publiczna"),
        default=False,
        help_text=_(
            "Opis, spotkania i zweryfikowane organizacje członkowskie widzą wszyscy odwiedzający."
        ),
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    class Meta:
        verbose_name = _("grupa robocza")
        verbose_name_plural = _("grupy robocze")
        ordering = ["name"]
        permissions = [
            ("view_any_group", _("Może przeglądać wszystkie grupy robocze")),
            (
                "manage_group",
                _("Może zarządzać grupami roboczymi (członkowie, zadania, dokumenty)"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="cooperation_group_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cooperation:group_detail", args=[self.pk])


class GroupMember(models.Model):
    """An organisation taking part in a group, with the people it delegates."""

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("grupa")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="working_group_memberships",
        verbose_name=_("organizacja"),
    )
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="group_delegations",
        verbose_name=_("delegaci"),
    )
    joined_on = models.DateField(_("od"), default=timezone.localdate)

    class Meta:
        verbose_name = _("organizacja członkowska")
        verbose_name_plural = _("organizacje członkowskie")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "organisation"], name="cooperation_member_once_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.group}"


class GroupMeeting(models.Model):
    """An event of the events app held as a meeting of the group, with its minutes and decisions."""

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("grupa")
    )
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="group_meetings", verbose_name=_("wydarzenie")
    )
    minutes = models.TextField(_("protokół"), blank=True)
    decisions = models.TextField(_("ustalenia i decyzje"), blank=True)

    class Meta:
        verbose_name = _("spotkanie grupy")
        verbose_name_plural = _("spotkania grup")
        ordering = ["-event__starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "event"], name="cooperation_meeting_once")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.event}"


class GroupDocument(models.Model):
    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="documents", verbose_name=_("grupa")
    )
    title = models.CharField(_("tytuł"), max_length=250)
    file = models.FileField(_("plik"), upload_to="cooperation/documents/")
    file_type = models.CharField(_("typ pliku"), max_length=10, blank=True)
    file_size = models.PositiveIntegerField(_("rozmiar"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dodał(a)"),
    )
    uploaded_at = models.DateTimeField(_("dodano"), default=timezone.now)

    class Meta:
        verbose_name = _("dokument grupy")
        verbose_name_plural = _("dokumenty grup")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cooperation:document_download", args=[self.group_id, self.pk])


class GroupTask(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("otwarte")
        IN_PROGRESS = "in_progress", _("w realizacji")
        DONE = "done", _("zakończone")

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("grupa")
    )
    title = models.CharField(_("zadanie"), max_length=300)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="group_tasks",
        verbose_name=_("organizacja odpowiedzialna"),
    )
    deadline = models.DateField(_("termin"))
    status = models.CharField(_("stan"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dodał(a)"),
    )
    created_at = models.DateTimeField(_("dodano"), default=timezone.now)

    class Meta:
        verbose_name = _("zadanie grupy")
        verbose_name_plural = _("zadania grup")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status != self.Status.DONE and self.deadline < timezone.localdate()


# --- data collection (surveys) --------------------------------------------------------------


class Survey(models.Model):
    """A questionnaire staff send to chosen organisations, with a deadline."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("w przygotowaniu")
        SENT = "sent", _("wysłana")

    title = models.CharField(_("tytuł"), max_length=250)
    description = models.TextField(_("opis dla adresatów"), blank=True)
    deadline = models.DateTimeField(_("termin odpowiedzi"), null=True, blank=True)
    status = models.CharField(_("stan"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    sent_at = models.DateTimeField(_("wysłano"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("kopia ankiety"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("utworzył(a)"),
    )
    created_at = models.DateTimeField(_("utworzono"), default=timezone.now)

    class Meta:
        verbose_name = _("ankieta")
        verbose_name_plural = _("ankiety")
        ordering = ["-created_at"]
        permissions = [
            (
                "manage_survey",
                _(
                    "Może przygotowywać, wysyłać i kopiować ankiety oraz otwierać odpowiedzi do poprawy"
                ),
            ),
            ("view_results", _("Może przeglądać i pobierać wyniki ankiet")),
        ]

    def __str__(self) -> str:
        return self.title

    def questions(self):
        return (
            Question.objects.filter(section__survey=self)
            .select_related("section")
            .order_by("section__position", "section_id", "position", "pk")
        )

    @property
    def is_past_deadline(self) -> bool:
        return self.deadline is not None and timezone.now() > self.deadline


class SurveySection(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="sections", verbose_name=_("ankieta")
    )
    title = models.CharField(_("tytuł części"), max_length=250)
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("część ankiety")
        verbose_name_plural = _("części ankiet")
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.survey}: {self.title}"


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("tekst")
        NUMBER = "number", _("liczba")
        CHOICE = "choice", _("wybór jednej odpowiedzi")
        MULTIPLE = "multiple", _("wybór wielu odpowiedzi")
        YES_NO = "yes_no", _("tak/nie")
        DATE = "date", _("data")
        FILE = "file", _("plik")

    section = models.ForeignKey(
        SurveySection, on_delete=models.CASCADE, related_name="questions", verbose_name=_("część")
    )
    text = models.CharField(_("pytanie"), max_length=500)
    kind = models.CharField(
        _("rodzaj odpowiedzi"), max_length=10, choices=Kind.choices, default=Kind.TEXT
    )
    required = models.BooleanField(_("obowiązkowe"), default=False)
    help_text = models.CharField(_("podpowiedź"), max_length=500, blank=True)
    choices = models.TextField(
        _("odpowiedzi do wyboru"), blank=True, help_text=_("Jedna odpowiedź w wierszu.")
    )
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("pytanie")
        verbose_name_plural = _("pytania")
        ordering = ["section", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class SurveyResponse(models.Model):
    """One organisation's answers to a survey; created when the survey is sent to it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("bez odpowiedzi")
        DRAFT = "draft", _("szkic")
        SUBMITTED = "submitted", _("wysłana")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("ankieta")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="survey_responses",
        verbose_name=_("organizacja"),
    )
    status = models.CharField(
        _("stan"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answers = models.JSONField(_("odpowiedzi"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("zmieniono"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zmienił(a)"),
    )
    submitted_at = models.DateTimeField(_("wysłano"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wysłał(a)"),
    )
    correction_until = models.DateTimeField(
        _("termin poprawki"),
        null=True,
        blank=True,
        help_text=_("Po otwarciu do poprawy odpowiedź można zmienić do tego terminu."),
    )

    class Meta:
        verbose_name = _("odpowiedź na ankietę")
        verbose_name_plural = _("odpowiedzi na ankiety")
        ordering = ["survey", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "organisation"], name="cooperation_response_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} – {self.organisation}"

    @property
    def deadline(self):
        """The survey's deadline, or the later one staff gave when reopening it for correction."""
        deadlines = [d for d in (self.survey.deadline, self.correction_until) if d is not None]
        return max(deadlines) if deadlines else None

    @property
    def is_past_deadline(self) -> bool:
        return self.deadline is not None and timezone.now() > self.deadline


class AnswerFile(models.Model):
    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="files", verbose_name=_("odpowiedź")
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("pytanie")
    )
    file = models.FileField(_("plik"), upload_to="cooperation/answers/")
    original_name = models.CharField(_("nazwa pliku"), max_length=255)

    class Meta:
        verbose_name = _("plik w odpowiedzi")
        verbose_name_plural = _("pliki w odpowiedziach")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="cooperation_answer_file_once"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


# --- the regional action plan -----------------------------------------------------------------


class ActionPlan(models.Model):
    """The regional plan for the social economy: priorities → measures → actions."""

    title = models.CharField(_("tytuł"), max_length=250)
    description = models.TextField(_("opis"), blank=True)
    starts_on = models.DateField(_("obowiązuje od"))
    ends_on = models.DateField(_("obowiązuje do"))

    class Meta:
        verbose_name = _("plan działań")
        verbose_name_plural = _("plany działań")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cooperation:plan_detail", args=[self.pk])


class PlanPriority(models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="priorities", verbose_name=_("plan")
    )
    title = models.CharField(_("priorytet"), max_length=300)
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("priorytet planu")
        verbose_name_plural = _("priorytety planu")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class PlanMeasure(models.Model):
    priority = models.ForeignKey(
        PlanPriority, on_delete=models.CASCADE, related_name="measures", verbose_name=_("priorytet")
    )
    title = models.CharField(_("działanie"), max_length=300)
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("działanie planu")
        verbose_name_plural = _("działania planu")
        ordering = ["priority", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class PlanAction(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("zaplanowane")
        IN_PROGRESS = "in_progress", _("w realizacji")
        DONE = "done", _("zrealizowane")
        CANCELLED = "cancelled", _("zaniechane")

    measure = models.ForeignKey(
        PlanMeasure, on_delete=models.CASCADE, related_name="actions", verbose_name=_("działanie")
    )
    title = models.CharField(_("zadanie"), max_length=300)
    description = models.TextField(_("opis"), blank=True)
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("organizacje odpowiedzialne"),
    )
    starts_on = models.DateField(_("początek"))
    ends_on = models.DateField(_("termin realizacji"))
    status = models.CharField(
        _("stan"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)
    events = models.ManyToManyField(
        Event, blank=True, related_name="plan_actions", verbose_name=_("wydarzenia")
    )
    advisory_cases = models.ManyToManyField(
        "advisory.AdvisoryRequest",
        blank=True,
        related_name="plan_actions",
        verbose_name=_("sprawy doradcze"),
    )
    indicators = models.ManyToManyField(
        "reporting.Indicator", blank=True, related_name="plan_actions", verbose_name=_("wskaźniki")
    )
    surveys = models.ManyToManyField(
        Survey, blank=True, related_name="plan_actions", verbose_name=_("ankiety")
    )

    class Meta:
        verbose_name = _("zadanie planu")
        verbose_name_plural = _("zadania planu")
        ordering = ["measure", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cooperation_action_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_late(self) -> bool:
        return (
            self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS)
            and self.ends_on < timezone.localdate()
        )


class PlanExport(models.Model):
    """The action plan as a PDF prepared in the background; the plan page says 'being prepared' until done."""

    class Status(models.TextChoices):
        PENDING = "pending", _("w przygotowaniu")
        READY = "ready", _("gotowy")
        FAILED = "failed", _("błąd")

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="exports", verbose_name=_("plan")
    )
    status = models.CharField(
        _("stan"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    pdf = models.FileField(_("plik PDF"), upload_to="cooperation/plans/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("zlecone przez"),
    )
    requested_at = models.DateTimeField(_("zlecono"), default=timezone.now)
    finished_at = models.DateTimeField(_("przygotowano"), null=True, blank=True)
    error = models.TextField(_("błąd"), blank=True)

    class Meta:
        verbose_name = _("plan działań w PDF")
        verbose_name_plural = _("plany działań w PDF")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan} (PDF, {timezone.localtime(self.requested_at):%d.%m.%Y %H:%M})"
