"""Advisory support for local governments (JST): requests, experts, consultations, the timeline."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AdvisoryTopic(models.Model):
    """A topic of advice from the catalogue maintained by ROPS staff."""

    name = models.CharField(_("nazwa"), max_length=250, unique=True)
    description = models.TextField(_("opis"), blank=True)
    order = models.PositiveSmallIntegerField(_("kolejność"), default=100)
    is_active = models.BooleanField(_("dostępny we wnioskach"), default=True)

    class Meta:
        verbose_name = _("temat doradztwa")
        verbose_name_plural = _("tematy doradztwa (katalog)")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class AdvisorySettings(models.Model):
    """Deadlines and the contact point of the advisory service (one row, edited in the admin)."""

    first_response_working_days = models.PositiveSmallIntegerField(
        _("termin pierwszej odpowiedzi (dni robocze)"), default=5
    )
    resolution_working_days = models.PositiveSmallIntegerField(
        _("termin realizacji (dni robocze)"), default=30
    )
    warning_working_days = models.PositiveSmallIntegerField(
        _("ostrzegaj przed terminem (dni robocze)"),
        default=2,
        help_text=_(
            "Sprawy, którym zostało tyle dni roboczych lub mniej, trafiają do dziennego zestawienia."
        ),
    )
    contact_name = models.CharField(_("osoba kontaktowa w ROPS"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail osoby kontaktowej"), blank=True)
    contact_phone = models.CharField(_("telefon osoby kontaktowej"), max_length=60, blank=True)
    offer_text = models.TextField(
        _("opis oferty"),
        blank=True,
        help_text=_("Krótki opis doradztwa pokazywany na stronie głównej działu (zwykły tekst)."),
    )
    funding_project = models.ForeignKey(
        "portal.FundingProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("projekt finansujący doradztwo"),
        help_text=_(
            "Przypisywany nowym wnioskom; jego informacja o współfinansowaniu trafia na kartę doradztwa."
        ),
    )

    class Meta:
        verbose_name = _("ustawienia doradztwa")
        verbose_name_plural = _("ustawienia doradztwa")

    def __str__(self) -> str:
        return str(_("Ustawienia doradztwa"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "AdvisorySettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class Expert(models.Model):
    """An adviser contracted by ROPS; with an account they see and handle their own cases."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advisory_expert",
        verbose_name=_("konto w portalu"),
    )
    full_name = models.CharField(_("imię i nazwisko"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("telefon"), max_length=60, blank=True)
    affiliation = models.CharField(_("instytucja / specjalizacja"), max_length=250, blank=True)
    bio = models.TextField(_("opis doświadczenia"), blank=True)
    topics = models.ManyToManyField(
        AdvisoryTopic, related_name="experts", blank=True, verbose_name=_("obszary eksperckie")
    )
    is_active = models.BooleanField(_("aktywny"), default=True)

    class Meta:
        verbose_name = _("ekspert")
        verbose_name_plural = _("eksperci")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class AdvisoryRequest(models.Model):
    """A JST's request for expert advice, followed as a case from submission to closing."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("szkic")
        SUBMITTED = "submitted", _("złożony")
        ACCEPTED = "accepted", _("przyjęty")
        REJECTED = "rejected", _("odrzucony")
        EXPERT_ASSIGNED = "expert_assigned", _("przydzielono eksperta")
        SCHEDULED = "scheduled", _("zaplanowany")
        IN_PROGRESS = "in_progress", _("w realizacji")
        WAITING_FOR_JST = "waiting_for_jst", _("oczekuje na JST")
        COMPLETED = "completed", _("zrealizowany")
        CLOSED = "closed", _("zamknięty")
        WITHDRAWN = "withdrawn", _("wycofany")

    class Form(models.TextChoices):
        ON_SITE = "on_site", _("spotkanie w siedzibie JST")
        ONLINE = "online", _("spotkanie online")
        PHONE = "phone", _("rozmowa telefoniczna")

    OPEN_STATUSES = (
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.EXPERT_ASSIGNED,
        Status.SCHEDULED,
        Status.IN_PROGRESS,
        Status.WAITING_FOR_JST,
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("numer sprawy"), max_length=30, unique=True, null=True, blank=True)
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="advisory_requests",
        verbose_name=_("wnioskodawca (JST)"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="advisory_requests",
        verbose_name=_("złożone przez"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("wersja"), default=1)
    topics = models.ManyToManyField(
        AdvisoryTopic, related_name="requests", verbose_name=_("tematy")
    )
    description = models.TextField(_("opis potrzeby"), blank=True)
    documents_concerned = models.TextField(_("dokumenty, których dotyczy doradztwo"), blank=True)
    preferred_form = models.CharField(
        _("preferowana forma"), max_length=10, choices=Form.choices, default=Form.ON_SITE
    )
    preferred_dates = models.CharField(_("preferowane terminy"), max_length=500, blank=True)
    contact_name = models.CharField(_("osoba do kontaktu"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail osoby do kontaktu"), blank=True)
    contact_phone = models.CharField(_("telefon osoby do kontaktu"), max_length=60, blank=True)
    rodo_consent_at = models.DateTimeField(_("zgoda RODO"), null=True, blank=True)
    expert = models.ForeignKey(
        Expert,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("ekspert"),
    )
    scheduled_for = models.DateTimeField(_("termin konsultacji"), null=True, blank=True)
    rejection_reason = models.TextField(_("powód odrzucenia"), blank=True)
    funding_project = models.ForeignKey(
        "portal.FundingProject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="advisory_requests",
        verbose_name=_("projekt finansujący"),
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zmieniono"), auto_now=True)
    submitted_at = models.DateTimeField(_("złożono"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("pierwsza odpowiedź"), null=True, blank=True)
    completed_at = models.DateTimeField(_("zrealizowano"), null=True, blank=True)
    closed_at = models.DateTimeField(_("zamknięto"), null=True, blank=True)
    first_response_due = models.DateField(_("termin pierwszej odpowiedzi"), null=True, blank=True)
    resolution_due = models.DateField(_("termin realizacji"), null=True, blank=True)
    due_on = models.DateField(
        _("najbliższy termin"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Termin, który obowiązuje w obecnym etapie sprawy; pusty dla spraw zakończonych."
        ),
    )
    card_pdf = models.FileField(_("karta doradztwa (PDF)"), upload_to="advisory/cards/", blank=True)
    card_generated_at = models.DateTimeField(_("karta wygenerowana"), null=True, blank=True)
    card_requested_at = models.DateTimeField(_("karta zamówiona"), null=True, blank=True)

    history = HistoricalRecords(
        excluded_fields=["card_pdf", "card_generated_at", "card_requested_at"]
    )

    class Meta:
        verbose_name = _("wniosek o doradztwo")
        verbose_name_plural = _("wnioski o doradztwo")
        ordering = ["-submitted_at", "-created_at"]
        # What each staff role may do with cases (docs/permissions.md, "Advisory"); the default
        # view_advisoryrequest reads every submitted case without its internal notes and files.
        permissions = [
            (
                "view_internal",
                _("Może czytać notatki wewnętrzne i pobierać pliki wewnętrzne spraw doradczych"),
            ),
            ("add_internal_note", _("Może dodawać notatki wewnętrzne do spraw doradczych")),
            ("decide_request", _("Może przyjmować i odrzucać wnioski o doradztwo")),
            ("assign_expert", _("Może przydzielać ekspertów do spraw doradczych")),
            (
                "handle_case",
                _(
                    "Może prowadzić sprawy doradcze (terminy, realizacja, zamknięcie, wiadomości do JST)"
                ),
            ),
            ("record_consultation", _("Może zapisywać konsultacje w imieniu eksperta")),
            ("generate_card", _("Może zlecać przygotowanie karty doradztwa")),
            ("export_advisoryrequest", _("Może eksportować wnioski o doradztwo do pliku")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="advisory_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["draft", "submitted", "accepted", "rejected", "withdrawn"]
                )
                | models.Q(expert__isnull=False),
                name="advisory_expert_required_after_assignment",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(_("szkic wniosku"))

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def powiat(self):
        gmina = self.organisation.seat_gmina
        return gmina.parent if gmina else None


class CaseEvent(models.Model):
    """One entry of a case's timeline."""

    class Kind(models.TextChoices):
        STATUS = "status", _("zmiana statusu")
        MESSAGE = "message", _("wiadomość do wnioskodawcy")
        REPLY = "reply", _("odpowiedź wnioskodawcy")
        NOTE = "note", _("notatka wewnętrzna")
        CONSULTATION = "consultation", _("konsultacja")
        ATTACHMENT = "attachment", _("załącznik")

    request = models.ForeignKey(
        AdvisoryRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("wniosek")
    )
    kind = models.CharField(_("rodzaj"), max_length=15, choices=Kind.choices)
    is_internal = models.BooleanField(_("wewnętrzne"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("autor"),
    )
    from_status = models.CharField(
        _("poprzedni status"), max_length=20, blank=True, choices=AdvisoryRequest.Status.choices
    )
    to_status = models.CharField(
        _("nowy status"), max_length=20, blank=True, choices=AdvisoryRequest.Status.choices
    )
    body = models.TextField(_("treść"), blank=True)
    created_at = models.DateTimeField(_("czas"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("wpis w historii sprawy")
        verbose_name_plural = _("historia sprawy")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="note") | models.Q(is_internal=True),
                name="advisory_note_is_internal",
            ),
        ]

    def __str__(self) -> str:
        when = (
            timezone.localtime(self.created_at).strftime("%d.%m.%Y %H:%M")
            if self.created_at
            else ""
        )
        return f"{self.get_kind_display()} ({when})"


def _attachment_path(instance: "CaseAttachment", filename: str) -> str:
    return f"advisory/attachments/{instance.request.public_id}/{uuid.uuid4().hex}/{filename}"


class CaseAttachment(models.Model):
    """A file attached to a case by the requester, the expert or staff; served only after a check."""

    request = models.ForeignKey(
        AdvisoryRequest,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("wniosek"),
    )
    event = models.ForeignKey(
        CaseEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("wpis"),
    )
    file = models.FileField(_("plik"), upload_to=_attachment_path, max_length=300)
    original_name = models.CharField(_("nazwa pliku"), max_length=255)
    size = models.PositiveIntegerField(_("rozmiar (B)"))
    is_internal = models.BooleanField(_("wewnętrzny"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dodane przez"),
    )
    uploaded_at = models.DateTimeField(_("dodano"), auto_now_add=True)

    class Meta:
        verbose_name = _("załącznik")
        verbose_name_plural = _("załączniki")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Consultation(models.Model):
    """A consultation the expert held with the JST."""

    request = models.ForeignKey(
        AdvisoryRequest,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("wniosek"),
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("ekspert")
    )
    held_on = models.DateField(_("data"))
    form = models.CharField(_("forma"), max_length=10, choices=AdvisoryRequest.Form.choices)
    duration_minutes = models.PositiveIntegerField(_("czas trwania (minuty)"))
    notes = models.TextField(_("przebieg i ustalenia"), blank=True)
    recommendations = models.TextField(_("rekomendacje"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("wpisane przez"),
    )
    created_at = models.DateTimeField(_("wpisano"), auto_now_add=True)

    class Meta:
        verbose_name = _("konsultacja")
        verbose_name_plural = _("konsultacje")
        ordering = ["held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0, duration_minutes__lte=24 * 60),
                name="advisory_consultation_duration_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y} – {self.expert}"

    @property
    def hours(self) -> str:
        hours, minutes = divmod(self.duration_minutes, 60)
        return f"{hours}:{minutes:02d}"
