"""Indicators a funding project must reach, and the reports staff download."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from partners.models import Organisation, Subregion


class Metric(models.TextChoices):
    """What an indicator counts; each is computed from our data by reporting.metrics."""

    PEOPLE_ATTENDED = "people_attended", _("osoby obecne na wydarzeniach (bez powtórzeń)")
    ORGANISATIONS_SUPPORTED = (
        "organisations_supported",
        _("organizacje objęte wsparciem (bez powtórzeń)"),
    )
    JST_ADVISED = "jst_advised", _("JST, które otrzymały doradztwo (bez powtórzeń)")
    EVENTS_HELD = "events_held", _("zrealizowane wydarzenia")
    ADVISORY_COMPLETED = "advisory_completed", _("zrealizowane sprawy doradcze")
    CONSULTATION_HOURS = "consultation_hours", _("godziny konsultacji eksperckich")
    POSTULATES_FORWARDED = "postulates_forwarded", _("postulaty przekazane adresatom")
    POSTULATES_ACCEPTED = "postulates_accepted", _("postulaty przyjęte przez adresatów")


class Indicator(models.Model):
    funding_project = models.ForeignKey(
        "portal.FundingProject",
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("projekt finansujący"),
    )
    name = models.CharField(_("nazwa wskaźnika"), max_length=250)
    unit = models.CharField(_("jednostka miary"), max_length=50, default="szt.")
    metric = models.CharField(_("co jest liczone"), max_length=30, choices=Metric.choices)
    target_value = models.DecimalField(
        _("wartość docelowa"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    target_date = models.DateField(_("termin osiągnięcia"))
    counted_from = models.DateField(
        _("liczone od"),
        null=True,
        blank=True,
        help_text=_("Puste: od początku realizacji projektu."),
    )
    event_type = models.CharField(
        _("tylko wydarzenia rodzaju"), max_length=20, choices=Event.Type.choices, blank=True
    )
    partner_kind = models.CharField(
        _("tylko organizacje rodzaju"), max_length=10, choices=Organisation.Kind.choices, blank=True
    )
    subregion = models.ForeignKey(
        Subregion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("tylko subregion"),
    )
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("wskaźnik")
        verbose_name_plural = _("wskaźniki projektów")
        ordering = ["funding_project", "position", "pk"]
        permissions = [
            ("view_dashboard", _("Może przeglądać pulpit sprawozdawczy i wskaźniki")),
            ("generate_report", _("Może przygotowywać i pobierać sprawozdania")),
            ("export_monitoring", _("Może pobierać eksport danych do systemu monitorowania")),
        ]

    def __str__(self) -> str:
        return self.name


class GeneratedReport(models.Model):
    """A report prepared in the background (a PDF); the page says 'being prepared' until done."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("sprawozdanie z działalności")
        POSTULATES = "postulates", _("zestawienie postulatów")

    class Status(models.TextChoices):
        PENDING = "pending", _("w przygotowaniu")
        READY = "ready", _("gotowe")
        FAILED = "failed", _("błąd")

    kind = models.CharField(_("rodzaj"), max_length=12, choices=Kind.choices)
    period_start = models.DateField(_("okres od"))
    period_end = models.DateField(_("okres do"))
    funding_project = models.ForeignKey(
        "portal.FundingProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("projekt"),
    )
    subregion = models.ForeignKey(
        Subregion, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("subregion")
    )
    status = models.CharField(
        _("stan"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    pdf = models.FileField(_("plik PDF"), upload_to="reporting/", blank=True)
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
        verbose_name = _("przygotowane sprawozdanie")
        verbose_name_plural = _("przygotowane sprawozdania")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"


class Boundary(models.Model):
    """The outline of a powiat or gmina (GeoJSON geometry, WGS 84), for the coverage map."""

    unit = models.OneToOneField(
        "partners.TerritorialUnit",
        on_delete=models.CASCADE,
        related_name="boundary",
        verbose_name=_("jednostka"),
    )
    geometry = models.JSONField(_("geometria (GeoJSON)"))
    imported_at = models.DateTimeField(_("zaimportowano"), default=timezone.now)

    class Meta:
        verbose_name = _("granica jednostki")
        verbose_name_plural = _("granice jednostek")

    def __str__(self) -> str:
        return str(self.unit)


class Sex(models.TextChoices):
    """Sex as the central monitoring system records it."""

    FEMALE = "K", _("kobieta")
    MALE = "M", _("mężczyzna")
    NON_BINARY = "N", _("osoba niebinarna")


class MonitoringDetails(models.Model):
    """The personal details a funding project reports about a person it supported (SL2021).

    One record per person, filled in at the first registration for an event of a project that
    asks for them and offered again at the next one. Only holders of
    ``reporting.export_monitoring`` see them (in the monitoring export); the person sees them
    in their own data export, and anonymising the account deletes the record.
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="monitoring_details",
        verbose_name=_("osoba"),
    )
    sex = models.CharField(_("płeć"), max_length=1, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("rok urodzenia"), null=True, blank=True)
    pesel = models.CharField(_("PESEL"), max_length=11, blank=True)
    birth_date = models.DateField(
        _("data urodzenia (z numeru PESEL)"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("zmieniono"), auto_now=True)

    class Meta:
        verbose_name = _("dane do monitorowania projektu")
        verbose_name_plural = _("dane do monitorowania projektów")
        default_permissions = ()

    def __str__(self) -> str:
        return str(_("Dane do monitorowania: %(person)s")) % {"person": self.person_id}
