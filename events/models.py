"""Events run by ROPS: the event, its agenda, registration questions and registrations."""

import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partners.models import Organisation
from portal.richtext import RichTextField


class TargetGroup(models.Model):
    """A kind of partner organisation an event is meant for (one row per Organisation.Kind)."""

    kind = models.CharField(
        _("rodzaj organizacji"), max_length=10, choices=Organisation.Kind.choices, unique=True
    )

    class Meta:
        verbose_name = _("grupa docelowa")
        verbose_name_plural = _("grupy docelowe")
        ordering = ["kind"]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class ConsentText(models.Model):
    """A version of the RODO information clause shown to everyone registering (art. 13 RODO).

    Registration is a public task (art. 6(1)(e) RODO), so the clause informs; it does not ask
    for consent. Each registration records the version it was shown.
    """

    version = models.CharField(_("wersja"), max_length=30, unique=True)
    text = models.TextField(_("treść klauzuli"))
    is_active = models.BooleanField(
        _("obowiązująca"),
        default=True,
        help_text=_("Nowe zgłoszenia używają najnowszej obowiązującej wersji."),
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    class Meta:
        verbose_name = _("klauzula informacyjna RODO")
        verbose_name_plural = _("klauzule informacyjne RODO")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version}"


DEFAULT_REMINDER_HOURS = 48


def default_reminder_hours() -> list[int]:
    return [DEFAULT_REMINDER_HOURS]


class Event(models.Model):
    """A meeting, training, conference or study visit organised by ROPS."""

    class Type(models.TextChoices):
        MEETING = "meeting", _("spotkanie")
        WORKING_MEETING = "working_meeting", _("spotkanie robocze z warsztatami")
        TRAINING = "training", _("szkolenie")
        CONFERENCE = "conference", _("konferencja")
        STUDY_VISIT = "study_visit", _("wizyta studyjna")

    class State(models.TextChoices):
        DRAFT = "draft", _("szkic")
        PUBLISHED = "published", _("opublikowane")
        CANCELLED = "cancelled", _("odwołane")
        FINISHED = "finished", _("zakończone")

    type = models.CharField(_("rodzaj"), max_length=20, choices=Type.choices, db_index=True)
    title = models.CharField(_("tytuł"), max_length=250)
    slug = models.SlugField(_("adres"), max_length=120, unique=True)
    summary = models.TextField(
        _("zajawka"), blank=True, help_text=_("Jedno-dwa zdania pokazywane w kalendarzu.")
    )
    description = RichTextField(_("opis"), blank=True)
    starts_at = models.DateTimeField(_("początek"), db_index=True)
    ends_at = models.DateTimeField(_("koniec"))
    venue_name = models.CharField(_("miejsce"), max_length=200, blank=True)
    venue_street = models.CharField(_("ulica i numer"), max_length=200, blank=True)
    venue_postal_code = models.CharField(_("kod pocztowy"), max_length=6, blank=True)
    venue_city = models.CharField(_("miejscowość"), max_length=100, blank=True)
    venue_gmina = models.ForeignKey(
        "partners.TerritorialUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events_held",
        limit_choices_to={"level": "gmi"},
        verbose_name=_("gmina miejsca wydarzenia (TERYT)"),
        help_text=_(
            "Pokrycie terytorialne liczy wydarzenie w tej gminie i jej powiecie. "
            "Puste dla wydarzeń online."
        ),
    )
    online_url = models.URLField(_("link do spotkania online"), blank=True)
    organiser = models.CharField(_("organizator"), max_length=250)
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="events", verbose_name=_("grupy docelowe")
    )
    subregions = models.ManyToManyField(
        "partners.Subregion", blank=True, related_name="events", verbose_name=_("subregiony")
    )
    funding_project = models.ForeignKey(
        "portal.FundingProject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("projekt finansujący"),
    )
    contact_name = models.CharField(_("osoba do kontaktu"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail osoby do kontaktu"), blank=True)
    contact_phone = models.CharField(_("telefon osoby do kontaktu"), max_length=60, blank=True)
    state = models.CharField(
        _("stan"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )

    registration_opens_at = models.DateTimeField(_("zapisy od"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("zapisy do"), null=True, blank=True)
    cancellation_deadline = models.DateTimeField(
        _("rezygnacja możliwa do"),
        null=True,
        blank=True,
        help_text=_(
            "Po tym terminie uczestnik nie zrezygnuje sam; puste pole oznacza: do początku wydarzenia."
        ),
    )
    capacity = models.PositiveIntegerField(
        _("liczba miejsc"), default=0, help_text=_("0 oznacza brak zapisów online.")
    )
    per_organisation_limit = models.PositiveIntegerField(
        _("limit miejsc na organizację"),
        null=True,
        blank=True,
        help_text=_("Puste pole oznacza brak limitu."),
    )
    series = models.ForeignKey(
        "EventSeries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("cykl"),
        help_text=_(
            "Np. kolejne terminy tej samej wizyty studyjnej; wspólna strona pokazuje wszystkie."
        ),
    )
    reminder_hours = models.JSONField(
        _("przypomnienia (godziny przed początkiem)"),
        default=default_reminder_hours,
        blank=True,
        help_text=_("Pusta lista: bez przypomnień. Domyślnie 48 godzin przed początkiem."),
    )
    places_reserved = models.PositiveIntegerField(
        _("miejsca prelegentów i gości"),
        default=0,
        editable=False,
        help_text=_("Prelegenci i goście, którzy zajmują miejsca uczestników (liczone z listy)."),
    )
    requires_approval = models.BooleanField(
        _("zgłoszenia wymagają akceptacji"),
        default=False,
        help_text=_(
            "Zgłoszenie oczekujące na akceptację zajmuje miejsce, więc akceptacja nigdy nie przekracza limitu."
        ),
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zmieniono"), auto_now=True)

    class Meta:
        verbose_name = _("wydarzenie")
        verbose_name_plural = _("wydarzenia")
        ordering = ["starts_at", "pk"]
        # "view_event" also shows drafts on the site; see docs/permissions.md.
        permissions = [
            ("publish_event", _("Może publikować wydarzenia")),
            ("cancel_event", _("Może odwoływać wydarzenia (powiadamia zapisanych)")),
            ("finish_event", _("Może oznaczać wydarzenia jako zakończone")),
            ("manage_checkin", _("Może rejestrować obecność uczestników")),
            ("view_attendance_list", _("Może pobierać listy obecności")),
            ("copy_event", _("Może kopiować wydarzenia (nowy szkic z programem i pytaniami)")),
            ("message_participants", _("Może wysyłać wiadomości do uczestników wydarzeń")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event_detail", kwargs={"slug": self.slug})

    @property
    def is_multi_day(self) -> bool:
        return timezone.localdate(self.starts_at) != timezone.localdate(self.ends_at)

    @property
    def venue_address(self) -> str:
        city = " ".join(part for part in (self.venue_postal_code, self.venue_city) if part)
        return ", ".join(part for part in (self.venue_name, self.venue_street, city) if part)

    @property
    def participant_capacity(self) -> int:
        """Places for participants: the capacity less the speakers and guests who take a place."""
        return max(self.capacity - self.places_reserved, 0)

    @property
    def places_free_annotated(self) -> int:
        """Free places, from the ``places_taken`` annotation of the public selectors."""
        return max(self.participant_capacity - getattr(self, "places_taken", 0), 0)

    @property
    def cancellation_closes_at(self):
        return self.cancellation_deadline or self.starts_at


class AgendaItem(models.Model):
    """One point of the programme; for a study visit, one stop of the itinerary with its address."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("wydarzenie")
    )
    day = models.DateField(_("dzień"))
    starts_at = models.TimeField(_("od"))
    ends_at = models.TimeField(_("do"), null=True, blank=True)
    title = models.CharField(_("punkt programu"), max_length=250)
    speaker = models.CharField(_("prowadzący / gospodarz"), max_length=250, blank=True)
    place = models.CharField(_("miejsce"), max_length=250, blank=True)
    address = models.CharField(_("adres"), max_length=250, blank=True)
    description = models.TextField(_("opis"), blank=True)

    class Meta:
        verbose_name = _("punkt programu")
        verbose_name_plural = _("program")
        ordering = ["day", "starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.day} {self.starts_at:%H:%M} {self.title}"


class Question(models.Model):
    """A question staff ask everyone registering for an event."""

    class Kind(models.TextChoices):
        TEXT = "text", _("tekst")
        CHOICE = "choice", _("wybór z listy")
        YES_NO = "yes_no", _("tak / nie")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="questions", verbose_name=_("wydarzenie")
    )
    kind = models.CharField(_("rodzaj"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    label = models.CharField(_("pytanie"), max_length=250)
    help_text = models.CharField(_("podpowiedź"), max_length=250, blank=True)
    choices = models.TextField(
        _("odpowiedzi do wyboru"), blank=True, help_text=_("Jedna odpowiedź w wierszu.")
    )
    is_required = models.BooleanField(_("wymagane"), default=False)
    is_health_data = models.BooleanField(
        _("dane o zdrowiu"),
        default=False,
        help_text=_(
            "Zaznacz, gdy odpowiedź może ujawnić stan zdrowia (dieta, potrzeby związane z niepełnosprawnością). "
            "Zgłaszający musi wtedy wyrazić osobną, wyraźną zgodę (art. 9 RODO)."
        ),
    )
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("pytanie w formularzu")
        verbose_name_plural = _("pytania w formularzu")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Registration(models.Model):
    """A person's place (or place in the queue) at an event, on behalf of an organisation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("oczekuje na akceptację")
        CONFIRMED = "confirmed", _("potwierdzone")
        WAITLISTED = "waitlisted", _("lista rezerwowa")
        CANCELLED = "cancelled", _("anulowane")
        REJECTED = "rejected", _("odrzucone")

    # Pending registrations hold a place: approving one never needs a free place.
    HOLDING_PLACE = (Status.PENDING, Status.CONFIRMED)
    ACTIVE = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("wydarzenie")
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="event_registrations",
        verbose_name=_("uczestnik"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="event_registrations",
        verbose_name=_("organizacja"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("zgłaszający"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    answers = models.JSONField(_("odpowiedzi"), default=dict, blank=True)
    consent_text = models.ForeignKey(
        ConsentText,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("pokazana klauzula informacyjna RODO (wersja)"),
    )
    consented_at = models.DateTimeField(_("klauzulę pokazano"))
    health_data_consent_at = models.DateTimeField(
        _("zgoda na dane o zdrowiu (art. 9 RODO)"),
        null=True,
        blank=True,
        help_text=_(
            "Kiedy zgłaszający wyraził wyraźną zgodę na przetwarzanie odpowiedzi o zdrowiu."
        ),
    )
    created_at = models.DateTimeField(_("zgłoszono"), default=timezone.now, db_index=True)
    waitlisted_at = models.DateTimeField(_("na liście rezerwowej od"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("zmiana statusu"), default=timezone.now)
    revision = models.PositiveIntegerField(
        _("numer zmiany"),
        default=0,
        help_text=_("Rośnie przy każdej zmianie statusu; odróżnia kolejne powiadomienia."),
    )
    is_walk_in = models.BooleanField(
        _("spoza listy zgłoszeń"),
        default=False,
        help_text=_(
            "Osoba przyszła bez zgłoszenia; dopisana przy rejestracji obecności i od razu obecna."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zgłoszenie")
        verbose_name_plural = _("zgłoszenia")
        ordering = ["event", "created_at", "pk"]
        permissions = [
            (
                "manage_registration",
                _("Może zatwierdzać, odrzucać, przenosić i anulować zgłoszenia"),
            ),
            ("export_registration", _("Może eksportować zgłoszenia (dane osobowe)")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "participant"],
                condition=Q(status__in=["pending", "confirmed", "waitlisted"]),
                name="registration_one_active_per_participant",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waitlisted_at"], name="registration_queue_idx")
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.event}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


# --- parallel sessions (workshops) ---------------------------------------------------------


class SessionSlot(models.Model):
    """A time slot in which several sessions (workshops) run in parallel; a person takes one."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="session_slots", verbose_name=_("wydarzenie")
    )
    title = models.CharField(
        _("nazwa bloku"),
        max_length=250,
        blank=True,
        help_text=_("Np. „Warsztaty w grupach”. Puste pole: pokazujemy godziny bloku."),
    )
    starts_at = models.DateTimeField(_("początek"))
    ends_at = models.DateTimeField(_("koniec"))
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("blok warsztatów")
        verbose_name_plural = _("bloki warsztatów")
        ordering = ["starts_at", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")),
                name="session_slot_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        hours = f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}"
        return f"{self.title} ({hours})" if self.title else hours


class EventSession(models.Model):
    """A workshop (session) in a slot, with its own host, room and number of places."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("wydarzenie")
    )
    slot = models.ForeignKey(
        SessionSlot, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("blok")
    )
    title = models.CharField(_("temat warsztatu"), max_length=250)
    host = models.CharField(_("prowadzący"), max_length=250, blank=True)
    room = models.CharField(_("sala"), max_length=150, blank=True)
    description = models.TextField(_("opis"), blank=True)
    capacity = models.PositiveIntegerField(
        _("liczba miejsc"), validators=[MinValueValidator(1)], default=10
    )
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)
    results = models.TextField(
        _("wyniki warsztatu"),
        blank=True,
        help_text=_("Co ustalono na warsztacie; postulaty dodaje się w sekcji „Postulaty”."),
    )
    results_updated_at = models.DateTimeField(_("wyniki zapisano"), null=True, blank=True)

    class Meta:
        verbose_name = _("warsztat")
        verbose_name_plural = _("warsztaty")
        ordering = ["slot__starts_at", "slot_id", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.slot_id and self.event_id and self.slot.event_id != self.event_id:
            raise ValidationError({"slot": _("Blok należy do innego wydarzenia.")})


class SessionPlace(models.Model):
    """The session a registration chose (or staff assigned) in one slot.

    It holds a seat in the session exactly when its registration holds a place at the event
    (pending or confirmed); a waitlisted registration keeps its choice for when it is promoted.
    """

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="session_places",
        verbose_name=_("zgłoszenie"),
    )
    slot = models.ForeignKey(
        SessionSlot, on_delete=models.PROTECT, related_name="+", verbose_name=_("blok")
    )
    session = models.ForeignKey(
        EventSession, on_delete=models.PROTECT, related_name="places", verbose_name=_("warsztat")
    )
    chosen_at = models.DateTimeField(_("wybrano"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("przydzielone przez pracownika"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("miejsce na warsztacie")
        verbose_name_plural = _("miejsca na warsztatach")
        ordering = ["registration", "slot__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "slot"], name="session_place_one_per_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} – {self.session}"


# --- after the event: attendance, certificates, materials, report, postulates -------------


class Attendance(models.Model):
    """Whether a participant was present on one day of an event, and who recorded it when."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("zgłoszenie"),
    )
    day = models.DateField(_("dzień"))
    is_present = models.BooleanField(_("obecność"))
    marked_at = models.DateTimeField(_("zapisano"), default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("zapisane przez"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("obecność")
        verbose_name_plural = _("obecności")
        ordering = ["registration", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "day"], name="attendance_one_per_registration_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} {self.day}: {'+' if self.is_present else '-'}"


class Certificate(models.Model):
    """A certificate of participation (zaświadczenie o udziale) with its unique number."""

    registration = models.OneToOneField(
        Registration,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("zgłoszenie"),
    )
    number = models.CharField(_("numer"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("wystawiono"), default=timezone.now)

    class Meta:
        verbose_name = _("zaświadczenie o udziale")
        verbose_name_plural = _("zaświadczenia o udziale")
        ordering = ["-issued_at", "-pk"]
        permissions = [
            ("issue_certificate", _("Może wystawiać zaświadczenia o udziale")),
            ("download_certificate", _("Może pobierać zaświadczenia wszystkich uczestników")),
        ]

    def __str__(self) -> str:
        return self.number


def material_upload_to(instance, filename: str) -> str:
    return f"events/{instance.event_id}/materials/{filename}"


def photo_upload_to(instance, filename: str) -> str:
    return f"events/reports/{instance.report_id}/{filename}"


def photo_thumbnail_upload_to(instance, filename: str) -> str:
    return f"events/reports/{instance.report_id}/thumbnails/{filename}"


def photo_original_upload_to(instance, filename: str) -> str:
    return f"events/reports/{instance.report_id}/originals/{filename}"


class Material(models.Model):
    """A file staff share about an event: a presentation, a handout, a spreadsheet."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("publiczny")
        PARTICIPANTS = "participants", _("tylko dla uczestników")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="materials", verbose_name=_("wydarzenie")
    )
    title = models.CharField(_("tytuł"), max_length=250)
    file = models.FileField(_("plik"), upload_to=material_upload_to, max_length=300)
    file_type = models.CharField(_("typ pliku"), max_length=10, blank=True, editable=False)
    file_size = models.PositiveIntegerField(_("rozmiar (bajty)"), default=0, editable=False)
    visibility = models.CharField(
        _("widoczność"),
        max_length=15,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_("„Tylko dla uczestników”: osoby z potwierdzonym miejscem i pracownicy ROPS."),
    )
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dodane przez"),
    )
    created_at = models.DateTimeField(_("dodano"), auto_now_add=True)

    class Meta:
        verbose_name = _("materiał")
        verbose_name_plural = _("materiały")
        ordering = ["position", "pk"]
        permissions = [
            ("download_private_material", _("Może pobierać materiały tylko dla uczestników"))
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:material_download", kwargs={"slug": self.event.slug, "pk": self.pk})

    @property
    def download_name(self) -> str:
        return os.path.basename(self.file.name)


class Report(models.Model):
    """The account of a past event (relacja) with a photo gallery."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="report", verbose_name=_("wydarzenie")
    )
    title = models.CharField(_("tytuł relacji"), max_length=250)
    lead = models.TextField(
        _("zajawka"), blank=True, help_text=_("Jedno-dwa zdania pokazywane na liście relacji.")
    )
    body = RichTextField(_("treść"))
    is_published = models.BooleanField(_("opublikowana"), default=False)
    published_at = models.DateTimeField(_("opublikowano"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("autor"),
    )
    updated_at = models.DateTimeField(_("zmieniono"), auto_now=True)

    class Meta:
        verbose_name = _("relacja")
        verbose_name_plural = _("relacje")
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_report", _("Może publikować i wycofywać relacje"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="report_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReportPhoto(models.Model):
    """A photo of a report. Uploaded unpublished; published (and then served to the public) only
    with alt text and the author, who is credited as „Fot. …”.

    A photo uploaded on the site is stored as sent (``original``, never served) and waits for the
    worker to make its web version and thumbnail (``state``); the original is then deleted.
    """

    class State(models.TextChoices):
        PROCESSING = "processing", _("przetwarzane")
        READY = "ready", _("gotowe")
        FAILED = "failed", _("nie udało się odczytać")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("relacja")
    )
    image = models.ImageField(
        _("zdjęcie"),
        upload_to=photo_upload_to,
        max_length=300,
        width_field="width",
        height_field="height",
        blank=True,
        help_text=_("JPEG lub PNG; duże zdjęcia zmniejszamy do 1600 pikseli."),
    )
    state = models.CharField(
        _("stan"), max_length=10, choices=State.choices, default=State.READY, editable=False
    )
    original = models.FileField(
        _("plik przesłany"),
        upload_to=photo_original_upload_to,
        max_length=300,
        blank=True,
        editable=False,
    )
    original_name = models.CharField(
        _("nazwa przesłanego pliku"), max_length=255, blank=True, editable=False
    )
    thumbnail = models.ImageField(
        _("miniatura"),
        upload_to=photo_thumbnail_upload_to,
        max_length=300,
        blank=True,
        editable=False,
    )
    width = models.PositiveIntegerField(_("szerokość"), default=0, editable=False)
    height = models.PositiveIntegerField(_("wysokość"), default=0, editable=False)
    alt_text = models.CharField(
        _("tekst alternatywny"),
        max_length=300,
        blank=True,
        help_text=_(
            "Opisz, co widać na zdjęciu, dla osób korzystających z czytników ekranu. "
            "Wymagany przed publikacją."
        ),
    )
    caption = models.CharField(_("podpis"), max_length=300, blank=True)
    credit = models.CharField(
        _("autor zdjęcia"),
        max_length=150,
        blank=True,
        help_text=_("Pokazywany jako „Fot. …”. Wymagany przed publikacją."),
    )
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)
    is_published = models.BooleanField(_("opublikowane"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dodane przez"),
    )
    uploaded_at = models.DateTimeField(_("dodano"), default=timezone.now)

    class Meta:
        verbose_name = _("zdjęcie")
        verbose_name_plural = _("zdjęcia")
        ordering = ["position", "pk"]
        constraints = [
            # Nothing reaches the public without a description and an author.
            models.CheckConstraint(
                condition=Q(is_published=False) | (~Q(alt_text="") & ~Q(credit="")),
                name="report_photo_published_has_alt_and_credit",
            ),
            # Only a photo with its web version can be published.
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(state="ready"),
                name="report_photo_published_is_ready",
            ),
        ]
        indexes = [models.Index(fields=["report", "is_published"], name="report_photo_pub_idx")]

    def __str__(self) -> str:
        return self.alt_text

    def get_absolute_url(self) -> str:
        return reverse("events:photo", kwargs={"slug": self.report.event.slug, "pk": self.pk})

    def get_thumbnail_url(self) -> str:
        """The small version for galleries (the full photo while no thumbnail exists)."""
        if not self.thumbnail:
            return self.get_absolute_url()
        return reverse(
            "events:photo_thumbnail", kwargs={"slug": self.report.event.slug, "pk": self.pk}
        )

    @property
    def credit_name(self) -> str:
        """The author without a „Fot.” staff may have typed themselves (the page adds it)."""
        return strip_credit_prefix(self.credit)


CREDIT_PREFIX = re.compile(r"^\s*(fot(ografia|o)?|zdj(ęcie)?)(\s*[.:]|\s|$)\s*", re.IGNORECASE)


def strip_credit_prefix(credit: str) -> str:
    """„Fot. Jan Kos” → „Jan Kos” (the site prints „Fot. …” itself)."""
    return CREDIT_PREFIX.sub("", credit or "", count=1).strip() or (credit or "").strip()


class Institution(models.Model):
    """An institution postulates are addressed to (e.g. the managing authority), kept by staff."""

    name = models.CharField(_("nazwa"), max_length=250, unique=True)
    short_name = models.CharField(
        _("skrót"), max_length=60, blank=True, help_text=_("Np. IZ FEP, ROPS, Zarząd Województwa.")
    )
    is_active = models.BooleanField(
        _("na liście wyboru"),
        default=True,
        help_text=_("Odznacz, by nie proponować instytucji przy nowych postulatach."),
    )

    class Meta:
        verbose_name = _("instytucja")
        verbose_name_plural = _("instytucje")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Postulate(models.Model):
    """A proposal a meeting produced, followed from proposed to forwarded to a decision."""

    class Topic(models.TextChoices):
        JOINT_EVENTS = "joint_events", _("wspólne wydarzenia")
        INFRASTRUCTURE = "infrastructure", _("infrastruktura współpracy")
        PLATFORM = "platform", _("platformy współpracy w regionie")
        SUPPORT_PATHS = "support_paths", _("indywidualne ścieżki wsparcia")
        FINANCING = "financing", _("finansowanie i konkursy")
        COMMISSIONING = "commissioning", _("zlecanie zadań i klauzule społeczne")
        OTHER = "other", _("inne")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("zgłoszony")
        FORWARDED = "forwarded", _("przekazany")
        ACCEPTED = "accepted", _("przyjęty")
        REJECTED = "rejected", _("odrzucony")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="postulates", verbose_name=_("wydarzenie")
    )
    text = models.TextField(_("treść postulatu"))
    topic = models.CharField(_("obszar"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    addressee = models.CharField(
        _("adresat"),
        max_length=250,
        blank=True,
        help_text=_(
            "Np. Instytucja Zarządzająca programem Fundusze Europejskie dla Pomorza 2021–2027."
        ),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="postulates",
        verbose_name=_("adresat z listy instytucji"),
        help_text=_("Nazwa instytucji trafia też do pola „adresat” (raporty, eksport)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    forwarded_on = models.DateField(_("przekazano dnia"), null=True, blank=True)
    decided_on = models.DateField(_("data odpowiedzi"), null=True, blank=True)
    decision_note = models.TextField(_("uwagi / odpowiedź adresata"), blank=True)
    session = models.ForeignKey(
        EventSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postulates",
        verbose_name=_("warsztat"),
        help_text=_("Warsztat, na którym powstał postulat (gdy wydarzenie ma warsztaty)."),
    )
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("postulat")
        verbose_name_plural = _("postulaty")
        ordering = ["event", "position", "pk"]
        permissions = [("export_postulate", _("Może eksportować postulaty do pliku"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(forwarded_on__isnull=False),
                name="postulate_forwarded_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


# --- the organiser's side: series, speakers and guests, messages ------------------------------


class EventSeries(models.Model):
    """Related events under one name, e.g. three dates of the same study visit."""

    title = models.CharField(_("nazwa cyklu"), max_length=250)
    slug = models.SlugField(_("adres"), max_length=120, unique=True)
    description = models.TextField(_("opis"), blank=True)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    class Meta:
        verbose_name = _("cykl wydarzeń")
        verbose_name_plural = _("cykle wydarzeń")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:series_detail", kwargs={"slug": self.slug})


class EventSpeaker(models.Model):
    """Someone taking part in a role (speaker, host, moderator, guest, expert), not as a participant.

    Either an account or just a name; the organisation from the registry or typed in. A speaker
    takes a participant's place only when ``counts_toward_capacity`` is ticked.
    """

    class Role(models.TextChoices):
        SPEAKER = "speaker", _("prelegent(ka)")
        HOST = "host", _("gospodarz(yni)")
        MODERATOR = "moderator", _("moderator(ka)")
        AUTHORITY_GUEST = "authority_guest", _("gość z instytucji zarządzającej")
        EXPERT = "expert", _("ekspert(ka)")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("wydarzenie")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_roles",
        verbose_name=_("konto w portalu"),
        help_text=_("Puste, gdy osoba nie ma konta: wystarczy imię i nazwisko."),
    )
    name = models.CharField(
        _("imię i nazwisko"),
        max_length=200,
        blank=True,
        help_text=_("Wymagane, gdy nie wskazano konta."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_speakers",
        verbose_name=_("organizacja z rejestru"),
    )
    organisation_name = models.CharField(
        _("organizacja (spoza rejestru)"),
        max_length=250,
        blank=True,
        help_text=_("Np. Urząd Marszałkowski – Instytucja Zarządzająca FEP 2021–2027."),
    )
    role = models.CharField(_("rola"), max_length=20, choices=Role.choices, default=Role.SPEAKER)
    agenda_items = models.ManyToManyField(
        AgendaItem,
        blank=True,
        related_name="speakers",
        verbose_name=_("prowadzi punkty programu"),
    )
    counts_toward_capacity = models.BooleanField(
        _("zajmuje miejsce uczestnika"),
        default=False,
        help_text=_("Zaznacz, gdy ta osoba ma zająć jedno z miejsc dostępnych dla uczestników."),
    )
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("prelegent lub gość")
        verbose_name_plural = _("prelegenci i goście")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""), name="event_speaker_has_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.person_id:
            # Never the e-mail address: this name is shown on the public event page.
            return self.person.get_full_name()
        return ""

    @property
    def organisation_label(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        return self.organisation_name


class EventMessage(models.Model):
    """A message staff sent to the participants of an event, kept with who sent it and when."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("osoby z potwierdzonym miejscem")
        WAITLISTED = "waitlisted", _("osoby z listy rezerwowej")
        PRESENT = "present", _("osoby obecne na wydarzeniu")

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="messages", verbose_name=_("wydarzenie")
    )
    audience = models.CharField(_("adresaci"), max_length=12, choices=Audience.choices)
    session = models.ForeignKey(
        "EventSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("warsztat"),
        help_text=_("Puste: wszyscy uczestnicy wydarzenia; wybrany: tylko osoby z tego warsztatu."),
    )
    subject = models.CharField(_("temat"), max_length=200)
    body = models.TextField(_("treść"))
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("odbiorcy"), blank=True
    )
    recipient_count = models.PositiveIntegerField(_("liczba odbiorców"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("wysłane przez"),
    )
    sent_at = models.DateTimeField(_("wysłano"), default=timezone.now)

    class Meta:
        verbose_name = _("wiadomość do uczestników")
        verbose_name_plural = _("wiadomości do uczestników")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return self.subject
