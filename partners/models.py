"""The partner registry: territory (TERYT), organisations and the people acting for them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritorialUnit(models.Model):
    """A voivodeship, powiat or gmina from the GUS TERYT (TERC) register."""

    class Level(models.TextChoices):
        VOIVODESHIP = "woj", _("województwo")
        POWIAT = "pow", _("powiat")
        GMINA = "gmi", _("gmina")

    teryt = models.CharField(
        _("kod TERYT"),
        max_length=7,
        unique=True,
        help_text=_("WOJ (2 cyfry), WOJ+POW (4 cyfry) albo WOJ+POW+GMI+RODZ (7 cyfr)."),
    )
    level = models.CharField(_("poziom"), max_length=3, choices=Level.choices, db_index=True)
    name = models.CharField(_("nazwa"), max_length=150)
    kind_code = models.CharField(_("rodzaj (RODZ)"), max_length=1, blank=True)
    kind_name = models.CharField(_("rodzaj (opis)"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("jednostka nadrzędna")
    )
    is_active = models.BooleanField(_("obowiązuje"), default=True)
    valid_as_of = models.DateField(_("stan na"), null=True, blank=True)

    class Meta:
        verbose_name = _("jednostka terytorialna")
        verbose_name_plural = _("jednostki terytorialne (TERYT)")
        ordering = ["teryt"]

    def __str__(self) -> str:
        if self.level == self.Level.GMINA and self.kind_name:
            return f"{self.name} ({self.kind_name})"
        if self.level == self.Level.POWIAT:
            return f"{_('powiat')} {self.name}"
        return self.name


class Subregion(models.Model):
    """A group of powiats defined by the region (e.g. metropolitan, southern)."""

    name = models.CharField(_("nazwa"), max_length=150, unique=True)
    slug = models.SlugField(_("adres"), max_length=80, unique=True)
    powiats = models.ManyToManyField(
        TerritorialUnit,
        related_name="subregions",
        limit_choices_to={"level": TerritorialUnit.Level.POWIAT},
        blank=True,
        verbose_name=_("powiaty"),
    )

    class Meta:
        verbose_name = _("subregion")
        verbose_name_plural = _("subregiony")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A partner organisation: LGD, OWES, OPS, JST, PES, CUS, ..."""

    class Kind(models.TextChoices):
        LGD = "lgd", _("Lokalna Grupa Działania (LGD)")
        OWES = "owes", _("Ośrodek Wsparcia Ekonomii Społecznej (OWES)")
        OPS = "ops", _("Ośrodek pomocy społecznej (OPS/MOPS/GOPS)")
        PCPR = "pcpr", _("Powiatowe Centrum Pomocy Rodzinie (PCPR)")
        JST = "jst", _("Jednostka samorządu terytorialnego (JST)")
        PES = "pes", _("Podmiot ekonomii społecznej (PES)")
        CUS = "cus", _("Centrum Usług Społecznych (CUS)")
        ROPS = "rops", _("Regionalny Ośrodek Polityki Społecznej (ROPS)")
        OTHER = "other", _("Inna instytucja")

    kind = models.CharField(_("rodzaj"), max_length=10, choices=Kind.choices, db_index=True)
    name = models.CharField(_("nazwa"), max_length=300)
    short_name = models.CharField(_("nazwa skrócona"), max_length=100, blank=True)
    seat_gmina = models.ForeignKey(
        TerritorialUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        limit_choices_to={"level": TerritorialUnit.Level.GMINA},
        verbose_name=_("gmina siedziby"),
    )
    street = models.CharField(_("ulica i numer"), max_length=200, blank=True)
    postal_code = models.CharField(_("kod pocztowy"), max_length=6, blank=True)
    city = models.CharField(_("miejscowość"), max_length=100, blank=True)
    nip = models.CharField(_("NIP"), max_length=10, unique=True, null=True, blank=True)
    regon = models.CharField(_("REGON"), max_length=14, unique=True, null=True, blank=True)
    krs = models.CharField(_("KRS"), max_length=10, unique=True, null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=60, blank=True)
    website = models.URLField(_("strona internetowa"), blank=True)
    is_public = models.BooleanField(
        _("zgoda na publikację"),
        default=False,
        help_text=_("Organizacja zgodziła się na pokazanie swoich danych w publicznym katalogu."),
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zmieniono"), auto_now=True)

    class Meta:
        verbose_name = _("organizacja")
        verbose_name_plural = _("organizacje")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Membership(models.Model):
    """A person acting for an organisation; only an approved membership grants rights."""

    class Role(models.TextChoices):
        MEMBER = "member", _("przedstawiciel")
        ADMIN = "admin", _("administrator organizacji")

    class Status(models.TextChoices):
        PENDING = "pending", _("oczekuje na zatwierdzenie")
        APPROVED = "approved", _("zatwierdzone")
        REJECTED = "rejected", _("odrzucone")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("użytkownik")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organizacja")
    )
    role = models.CharField(_("rola"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    position = models.CharField(_("stanowisko / funkcja"), max_length=150, blank=True)
    requested_at = models.DateTimeField(_("zgłoszono"), auto_now_add=True)
    decided_at = models.DateTimeField(_("rozpatrzono"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rozpatrzył(a)"),
    )

    class Meta:
        verbose_name = _("członkostwo")
        verbose_name_plural = _("członkostwa")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_organisation")]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"
