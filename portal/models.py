"""The site's own data: accounts, the region running the installation, pages, news, e-mail outbox."""

import os
import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sites.models import Site
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.richtext import RichTextField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; the e-mail address is the login."""

    email = models.EmailField(_("adres e-mail"), unique=True)
    first_name = models.CharField(_("imię"), max_length=150, blank=True)
    last_name = models.CharField(_("nazwisko"), max_length=150, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    position = models.CharField(_("stanowisko"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("pracownik ROPS"),
        default=False,
        help_text=_("Czy użytkownik może logować się do panelu administracyjnego."),
    )
    is_active = models.BooleanField(_("aktywny"), default=True)
    date_joined = models.DateTimeField(_("data rejestracji"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("użytkownik")
        verbose_name_plural = _("użytkownicy")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class Region(models.Model):
    """The voivodeship and its ROPS that run this site: everything region-specific lives here."""

    site = models.OneToOneField(
        Site, on_delete=models.CASCADE, related_name="region", verbose_name=_("witryna")
    )
    name = models.CharField(
        _("województwo"), max_length=100, help_text=_("np. województwo pomorskie")
    )
    voivodeship_code = models.CharField(_("kod TERYT województwa"), max_length=2, blank=True)
    centre_name = models.CharField(
        _("nazwa ośrodka"),
        max_length=200,
        help_text=_("np. Regionalny Ośrodek Polityki Społecznej w Gdańsku"),
    )
    centre_short_name = models.CharField(_("skrót nazwy ośrodka"), max_length=30, default="ROPS")
    portal_title = models.CharField(
        _("tytuł portalu"), max_length=200, default="Ekonomia społeczna w regionie"
    )
    address = models.TextField(_("adres"), blank=True)
    phone = models.CharField(_("telefon"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("strona internetowa"), blank=True)
    contact_form_email = models.EmailField(
        _("adres dla formularza kontaktowego"),
        blank=True,
        help_text=_(
            "Na ten adres trafiają wiadomości z formularza kontaktowego; gdy pusty: e-mail ośrodka."
        ),
    )
    logo = models.ImageField(_("logo"), upload_to="region/", blank=True)
    cofinancing_notice = models.TextField(
        _("informacja o współfinansowaniu"),
        blank=True,
        help_text=_("Pokazywana w stopce każdej strony, np. nazwa projektu i programu."),
    )
    cofinancing_logo = models.ImageField(_("logotypy UE"), upload_to="region/", blank=True)
    cofinancing_logo_alt = models.CharField(
        _("tekst alternatywny logotypów"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regiony")

    def __str__(self) -> str:
        return self.name


class FundingProject(models.Model):
    """The EU-co-financed project an event or advisory case is attributed to."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="funding_projects", verbose_name=_("region")
    )
    title = models.CharField(_("tytuł projektu"), max_length=300)
    programme = models.CharField(
        _("program"), max_length=300, help_text=_("np. Fundusze Europejskie dla Pomorza 2021–2027")
    )
    priority_axis = models.CharField(_("oś priorytetowa / priorytet"), max_length=200, blank=True)
    measure = models.CharField(_("działanie"), max_length=200, blank=True)
    sub_measure = models.CharField(_("poddziałanie"), max_length=200, blank=True)
    fund = models.CharField(
        _("fundusz"), max_length=100, default="Europejski Fundusz Społeczny Plus"
    )
    cofinancing_notice = models.TextField(_("informacja o współfinansowaniu"))
    starts_on = models.DateField(_("początek realizacji"), null=True, blank=True)
    ends_on = models.DateField(_("koniec realizacji"), null=True, blank=True)
    is_active = models.BooleanField(_("aktywny"), default=True)
    # What the central monitoring system (SL2021) needs about each person this project supports;
    # asked in the event registration form only when set (reporting.monitoring).
    requires_sex = models.BooleanField(
        _("uczestnicy podają płeć"),
        default=False,
        help_text=_("Formularz zgłoszenia na wydarzenia projektu zapyta o płeć uczestnika."),
    )
    requires_birth_year = models.BooleanField(
        _("uczestnicy podają rok urodzenia"),
        default=False,
        help_text=_("Formularz zgłoszenia na wydarzenia projektu zapyta o rok urodzenia."),
    )
    requires_pesel = models.BooleanField(
        _("uczestnicy podają PESEL"),
        default=False,
        help_text=_("Formularz zgłoszenia na wydarzenia projektu zapyta o numer PESEL."),
    )

    class Meta:
        verbose_name = _("projekt finansujący")
        verbose_name_plural = _("projekty finansujące")
        ordering = ["-is_active", "title"]

    def __str__(self) -> str:
        return self.title


class Page(models.Model):
    """A static page such as the accessibility statement or the RODO information clause."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="pages", verbose_name=_("witryna")
    )
    slug = models.SlugField(_("adres"), max_length=100)
    title = models.CharField(_("tytuł"), max_length=200)
    body = models.TextField(
        _("treść (HTML)"),
        help_text=_(
            "Dozwolone podstawowe znaczniki HTML (także identyfikatory id, span, time i listy definicji "
            "potrzebne w deklaracji dostępności); skrypty i pozostałe znaczniki są usuwane."
        ),
    )
    published_on = models.DateField(
        _("data publikacji"),
        null=True,
        blank=True,
        help_text=_("Pokazywana na stronie. W deklaracji dostępności: data publikacji portalu."),
    )
    content_updated_on = models.DateField(
        _("data ostatniej istotnej aktualizacji"),
        null=True,
        blank=True,
        help_text=_(
            "Pokazywana na stronie; ustawiana ręcznie po istotnej zmianie treści. W deklaracji "
            "dostępności: data ostatniej istotnej aktualizacji portalu."
        ),
    )
    updated_at = models.DateTimeField(_("ostatni zapis"), auto_now=True)

    ACCESSIBILITY_STATEMENT_SLUG = "deklaracja-dostepnosci"

    class Meta:
        # Not "strony": django.contrib.sites is a section of the admin too.
        verbose_name = _("strona informacyjna")
        verbose_name_plural = _("strony informacyjne")
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="page_unique_slug_per_site")
        ]
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_accessibility_statement(self) -> bool:
        return self.slug == self.ACCESSIBILITY_STATEMENT_SLUG


def news_image_upload_to(instance, filename: str) -> str:
    return f"news/images/{uuid.uuid4().hex}/{filename}"


def news_attachment_upload_to(instance, filename: str) -> str:
    return f"news/attachments/{uuid.uuid4().hex}/{filename}"


class NewsTag(models.Model):
    """A topic news items are grouped by; each tag has its own public page."""

    name = models.CharField(_("nazwa"), max_length=80, unique=True)
    slug = models.SlugField(_("adres"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("tag aktualności")
        verbose_name_plural = _("tagi aktualności")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NewsItem(models.Model):
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="news", verbose_name=_("witryna")
    )
    title = models.CharField(_("tytuł"), max_length=250)
    slug = models.SlugField(_("adres"), max_length=120)
    lead = models.TextField(_("zajawka"), blank=True)
    body = RichTextField(_("treść"))
    published_at = models.DateTimeField(_("data publikacji"), default=timezone.now)
    is_published = models.BooleanField(
        _("opublikowana"),
        default=False,
        help_text=_(
            "Opublikowana aktualność z datą publikacji w przyszłości pokaże się dopiero o tej godzinie."
        ),
    )
    image = models.ImageField(
        _("zdjęcie główne"),
        upload_to=news_image_upload_to,
        max_length=300,
        blank=True,
        help_text=_("JPEG lub PNG; duże zdjęcia zmniejszamy do 1600 pikseli."),
    )
    image_alt = models.CharField(
        _("tekst alternatywny zdjęcia"),
        max_length=300,
        blank=True,
        help_text=_(
            "Co widać na zdjęciu – dla osób, które go nie widzą. Wymagany, gdy jest zdjęcie."
        ),
    )
    tags = models.ManyToManyField(NewsTag, blank=True, related_name="news", verbose_name=_("tagi"))
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news",
        verbose_name=_("wydarzenie"),
        help_text=_("Wydarzenie, którego dotyczy aktualność (pokazujemy link na obu stronach)."),
    )

    class Meta:
        verbose_name = _("aktualność")
        verbose_name_plural = _("aktualności")
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="news_unique_slug_per_site")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news_detail", kwargs={"slug": self.slug})

    def get_image_url(self) -> str:
        return reverse("news_image", kwargs={"slug": self.slug})


class NewsAttachment(models.Model):
    """A file attached to a news item, served only while the item is published."""

    news = models.ForeignKey(
        NewsItem, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("aktualność")
    )
    title = models.CharField(_("tytuł"), max_length=250)
    file = models.FileField(_("plik"), upload_to=news_attachment_upload_to, max_length=300)
    file_type = models.CharField(_("typ pliku"), max_length=10, blank=True, editable=False)
    file_size = models.PositiveIntegerField(_("rozmiar (bajty)"), default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("załącznik aktualności")
        verbose_name_plural = _("załączniki aktualności")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news_attachment", kwargs={"slug": self.news.slug, "pk": self.pk})

    @property
    def download_name(self) -> str:
        return os.path.basename(self.file.name)


class ContactMessage(models.Model):
    """A message sent through the public contact form, kept as the record of what was asked."""

    name = models.CharField(_("imię i nazwisko"), max_length=150)
    email = models.EmailField(_("adres e-mail"))
    subject = models.CharField(_("temat"), max_length=200, blank=True)
    message = models.TextField(_("wiadomość"))
    recipient = models.EmailField(_("przekazano na adres"))
    created_at = models.DateTimeField(_("wysłano"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("wiadomość z formularza kontaktowego")
        verbose_name_plural = _("wiadomości z formularza kontaktowego")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}: {self.subject or self.message[:60]}"


class OutboundEmail(models.Model):
    """An e-mail to be sent exactly once: written in the transaction, sent by Celery after commit."""

    dedup_key = models.CharField(_("klucz unikalności"), max_length=255, unique=True)
    to = models.EmailField(_("odbiorca"))
    subject = models.CharField(_("temat"), max_length=255)
    body_text = models.TextField(_("treść"), blank=True)
    body_html = models.TextField(_("treść HTML"), blank=True)
    attachments = models.JSONField(_("załączniki"), default=list, blank=True)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    due_at = models.DateTimeField(_("do wysłania od"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("wysłano"), null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("próby"), default=0)
    last_error = models.TextField(_("ostatni błąd"), blank=True)
    # An e-mail decided inside a short transaction (e.g. a registration holding the event's
    # lock) is stored with only its recipient, subject and what to render; the worker renders
    # the body when it sends it (portal.services.outbox_deliver).
    renderer = models.CharField(_("szablon do wygenerowania"), max_length=100, blank=True)
    render_args = models.JSONField(_("dane do wygenerowania"), default=dict, blank=True)

    class Meta:
        verbose_name = _("wiadomość e-mail")
        verbose_name_plural = _("wiadomości e-mail (kolejka)")
        ordering = ["-created_at"]
        permissions = [("resend_outboundemail", _("Może wysłać zaległe wiadomości od razu"))]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class AuditLogEntry(models.Model):
    """Who did what to which object: one row per service call that changes or discloses data.

    Written by ``portal.audit.audit_record`` from inside each service's transaction, so an entry
    exists exactly when the change it describes was committed.
    """

    created_at = models.DateTimeField(_("kiedy"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "portal.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("kto"),
        help_text=_("Puste, gdy zmianę wykonał system (zadanie w tle)."),
    )
    actor_label = models.CharField(_("kto (opis)"), max_length=255, blank=True)
    action = models.CharField(_("czynność"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("rodzaj obiektu"),
    )
    object_id = models.CharField(
        _("identyfikator obiektu"), max_length=64, blank=True, db_index=True
    )
    object_repr = models.CharField(_("obiekt"), max_length=300, blank=True)
    summary = models.TextField(_("opis"), blank=True)
    changes = models.JSONField(_("zmiany"), default=dict, blank=True)

    class Meta:
        verbose_name = _("wpis dziennika zdarzeń")
        verbose_name_plural = _("dziennik zdarzeń")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or '—'}: {self.action}"


class PeriodicRun(models.Model):
    """When a periodic job last ran, so that beat can ask often and the job runs when overdue.

    A beat tick sent while the broker is away is lost; with the last run recorded here the first
    tick after the broker's return runs the job, instead of the next one a whole interval later.
    """

    name = models.CharField(_("zadanie"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("ostatnie uruchomienie"), null=True, blank=True)

    class Meta:
        verbose_name = _("uruchomienie zadania okresowego")
        verbose_name_plural = _("uruchomienia zadań okresowych")

    def __str__(self) -> str:
        return self.name


class CacheFallbackEntry(models.Model):
    """The cache entries that must be shared by every process while Redis is away (rate limits,
    used one-time codes), kept in PostgreSQL by ``portal.cache``. The table has the layout of
    Django's database cache (``createcachetable``)."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "portal_cache_fallback"
        verbose_name = _("wpis pamięci podręcznej na czas awarii Redis")
        verbose_name_plural = _("wpisy pamięci podręcznej na czas awarii Redis")

    def __str__(self) -> str:
        return self.cache_key
