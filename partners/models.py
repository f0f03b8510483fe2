"""The partner registry: territory (TERYT), organisations and the people acting for them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Collate
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import normalise_identifier, validate_krs, validate_nip, validate_regon


class IdentifierField(models.CharField):
    """A digits-only identifier: separators are stripped before validation and storage."""

    def to_python(self, value):
        return normalise_identifier(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = normalise_identifier(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        # Users paste "123-456-32-18"; the form accepts it and the model normalises it.
        kwargs.setdefault("max_length", 20)
        return super().formfield(**kwargs)


# ICU collations PostgreSQL offers for Polish, best first (`SELECT collname FROM pg_collation`).
POLISH_COLLATIONS = ("pl-PL-x-icu", "pl-x-icu")
POLISH_ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
_POLISH_RANK = {letter: rank for rank, letter in enumerate(POLISH_ALPHABET)}


def polish_collation(connection) -> str | None:
    """The Polish ICU collation of this database, or None (a PostgreSQL built without ICU)."""
    cached = getattr(connection, "_partners_polish_collation", False)
    if cached is False:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT collname FROM pg_collation WHERE collname = ANY(%s)",
                [list(POLISH_COLLATIONS)],
            )
            available = {row[0] for row in cursor.fetchall()}
        cached = next((name for name in POLISH_COLLATIONS if name in available), None)
        connection._partners_polish_collation = cached
    return cached


class PolishCollate(Collate):
    """Order by Polish rules ("słupski" before "sztumski") where the database can; else by the plain value.

    Where the server has no ICU (the embedded PostgreSQL of ``make run``) the expression compiles
    to the bare column.
    """

    def __init__(self, expression):
        super().__init__(expression, POLISH_COLLATIONS[0])

    def as_sql(self, compiler, connection, **extra_context):
        collation = polish_collation(connection)
        if collation is None:
            return compiler.compile(self.get_source_expressions()[0])
        self.collation = collation
        return super().as_sql(compiler, connection, **extra_context)


def polish_sort_key(text: str) -> tuple:
    """Sort key for lists sorted in Python, by the Polish alphabet (then case)."""
    lowered = str(text).lower()
    return tuple(_POLISH_RANK.get(char, 100 + ord(char)) for char in lowered), str(text)


def polish_sorted(items, key=lambda item: item.name) -> list:
    return sorted(items, key=lambda item: polish_sort_key(key(item)))


class TerritorialUnit(models.Model):
    """A voivodeship, powiat or gmina from the GUS TERYT (TERC) register."""

    CITY_COUNTY = "miasto na prawach powiatu"

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
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("jednostka nadrzędna"),
    )
    is_active = models.BooleanField(_("obowiązuje"), default=True)
    valid_as_of = models.DateField(_("stan na"), null=True, blank=True)

    class Meta:
        verbose_name = _("jednostka terytorialna")
        verbose_name_plural = _("jednostki terytorialne (TERYT)")
        ordering = ["teryt"]
        permissions = [("import_terc", _("Może importować rejestr TERC"))]

    def __str__(self) -> str:
        if self.level == self.Level.GMINA and self.kind_name:
            return f"{self.name} ({self.kind_name})"
        if self.level == self.Level.POWIAT:
            if self.is_city_county:
                return f"{self.name} ({_('miasto na prawach powiatu')})"
            return f"{_('powiat')} {self.name}"
        return self.name

    @property
    def is_city_county(self) -> bool:
        """A city with powiat rights: the powiat itself, or its one gmina."""
        if self.level == self.Level.POWIAT:
            # The TERC register names it in NAZWA_DOD (kept as kind_name).
            return self.kind_name == self.CITY_COUNTY
        if self.level == self.Level.GMINA and self.parent_id:
            return self.parent.is_city_county
        return False

    @property
    def place_label(self) -> str:
        """A gmina with its powiat, e.g. "Kępice (gmina miejsko-wiejska), powiat słupski";
        a city with powiat rights once: "Gdynia (miasto na prawach powiatu)"."""
        if self.level != self.Level.GMINA or not self.parent_id:
            return str(self)
        if self.parent.is_city_county:
            return f"{self.name} ({_('miasto na prawach powiatu')})"
        return f"{self}, {self.parent}"


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

    def powiat_list(self) -> list:
        """The subregion's powiats in Polish alphabetical order."""
        return polish_sorted(self.powiats.all())


class Tag(models.Model):
    name = models.CharField(_("nazwa"), max_length=80, unique=True)
    slug = models.SlugField(_("adres"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tagi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def publicly_visible_q(prefix: str = "") -> Q:
    """The one rule for an organisation on public pages: verified by ROPS and agreed to publish.

    ``prefix`` reaches an organisation through a relation, e.g. ``"target__"`` for a cooperation.
    """
    return Q(**{f"{prefix}is_public": True, f"{prefix}is_verified": True})


class OrganisationQuerySet(models.QuerySet):
    def publicly_visible(self):
        """Organisations that public pages may show (see publicly_visible_q)."""
        return self.filter(publicly_visible_q())


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

    class JstType(models.TextChoices):
        GMINA_URBAN = "gmina_miejska", _("gmina miejska")
        GMINA_RURAL = "gmina_wiejska", _("gmina wiejska")
        GMINA_MIXED = "gmina_miejsko_wiejska", _("gmina miejsko-wiejska")
        CITY_COUNTY = "miasto_npp", _("miasto na prawach powiatu")
        POWIAT = "powiat", _("powiat")
        VOIVODESHIP = "wojewodztwo", _("województwo")

    class LegalForm(models.TextChoices):
        SOCIAL_COOPERATIVE = "spoldzielnia_socjalna", _("spółdzielnia socjalna")
        CIS = "cis", _("centrum integracji społecznej (CIS)")
        KIS = "kis", _("klub integracji społecznej (KIS)")
        ZAZ = "zaz", _("zakład aktywności zawodowej (ZAZ)")
        WTZ = "wtz", _("warsztat terapii zajęciowej (WTZ)")
        FOUNDATION = "fundacja", _("fundacja")
        ASSOCIATION = "stowarzyszenie", _("stowarzyszenie")
        WORKERS_COOPERATIVE = "spoldzielnia_pracy", _("spółdzielnia pracy")
        NONPROFIT_COMPANY = "spolka_non_profit", _("spółka non-profit")

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
    nip = IdentifierField(
        _("NIP"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_nip],
        error_messages={"unique": _("Organizacja z tym numerem NIP jest już w rejestrze.")},
    )
    regon = IdentifierField(
        _("REGON"),
        max_length=14,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_regon],
        error_messages={"unique": _("Organizacja z tym numerem REGON jest już w rejestrze.")},
    )
    krs = IdentifierField(
        _("KRS"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_krs],
        error_messages={"unique": _("Organizacja z tym numerem KRS jest już w rejestrze.")},
    )
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
    jst_type = models.CharField(
        _("typ JST"),
        max_length=25,
        choices=JstType.choices,
        blank=True,
        help_text=_("Dla JST: ustalany z rodzaju gminy w TERYT (RODZ), jeśli go nie wybrano."),
    )
    legal_form = models.CharField(
        _("forma prawna PES"), max_length=25, choices=LegalForm.choices, blank=True
    )
    description = models.TextField(
        _("opis działalności"),
        blank=True,
        help_text=_("Krótki opis pokazywany w publicznym katalogu."),
    )
    is_verified = models.BooleanField(
        _("zweryfikowana przez ROPS"),
        default=True,
        help_text=_(
            "Organizacja zaproponowana przez użytkownika czeka na weryfikację pracownika ROPS."
        ),
    )
    served_subregion = models.ForeignKey(
        Subregion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owes",
        verbose_name=_("obsługiwany subregion (OWES)"),
    )
    served_powiats = models.ManyToManyField(
        TerritorialUnit,
        blank=True,
        related_name="served_by",
        limit_choices_to={"level": TerritorialUnit.Level.POWIAT},
        verbose_name=_("obsługiwane powiaty (OWES)"),
        help_text=_("Puste: OWES obsługuje wszystkie powiaty swojego subregionu."),
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="organisations", verbose_name=_("tagi")
    )
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[served_powiats, tags])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organizacja")
        verbose_name_plural = _("organizacje")
        ordering = ["name"]
        permissions = [
            (
                "verify_organisation",
                _("Może weryfikować organizacje zaproponowane przez użytkowników"),
            ),
            ("import_organisation", _("Może importować rejestr organizacji z pliku CSV/XLSX")),
            ("export_organisation", _("Może eksportować rejestr organizacji do pliku CSV/XLSX")),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self):
        errors = {}
        if self.kind == self.Kind.JST and not self.jst_type:
            self.jst_type = self.jst_type_from_teryt() or ""
            if not self.jst_type:
                errors["jst_type"] = _("Wybierz typ JST (nie da się go ustalić z gminy siedziby).")
        if self.kind != self.Kind.JST and self.jst_type:
            errors["jst_type"] = _(
                "Typ JST podaje się tylko dla jednostek samorządu terytorialnego."
            )
        if self.kind == self.Kind.PES and not self.legal_form:
            errors["legal_form"] = _("Podaj formę prawną podmiotu ekonomii społecznej.")
        if self.kind != self.Kind.PES and self.legal_form:
            errors["legal_form"] = _(
                "Formę prawną podaje się tylko dla podmiotów ekonomii społecznej."
            )
        if self.served_subregion_id and self.kind != self.Kind.OWES:
            errors["served_subregion"] = _("Obsługiwany subregion podaje się tylko dla OWES.")
        if errors:
            raise ValidationError(errors)

    def jst_type_from_teryt(self) -> str | None:
        """Derive the JST type from the seat gmina's RODZ (city counties have powiat code 61+)."""
        gmina = self.seat_gmina
        if gmina is None:
            return None
        if gmina.kind_code == "1":
            powiat_code = gmina.teryt[2:4]
            return self.JstType.CITY_COUNTY if powiat_code >= "61" else self.JstType.GMINA_URBAN
        return {"2": self.JstType.GMINA_RURAL, "3": self.JstType.GMINA_MIXED}.get(gmina.kind_code)

    @property
    def is_publicly_visible(self) -> bool:
        return self.is_public and self.is_verified

    @property
    def seat_powiat(self):
        return self.seat_gmina.parent if self.seat_gmina_id else None

    @property
    def seat_label(self) -> str:
        """Town and powiat for lists: "Ustka, powiat słupski", "Gdynia (miasto na prawach powiatu)"."""
        gmina = self.seat_gmina
        place = self.city or (gmina.name if gmina else "")
        if gmina is None or gmina.parent is None:
            return place
        powiat = gmina.parent
        if powiat.is_city_county and place in ("", powiat.name):
            return f"{powiat.name} ({_('miasto na prawach powiatu')})"
        return f"{place}, {powiat}"

    @property
    def kind_label(self) -> str:
        if self.kind == self.Kind.JST and self.jst_type:
            return self.get_jst_type_display()
        if self.kind == self.Kind.PES and self.legal_form:
            return self.get_legal_form_display()
        return self.get_kind_display()

    def served_powiat_list(self):
        """Powiats this OWES serves, in Polish order: chosen ones, else all powiats of its subregion."""
        powiats = list(self.served_powiats.all())
        if not powiats and self.served_subregion_id:
            powiats = list(self.served_subregion.powiats.all())
        return polish_sorted(powiats)


class OrganisationStatus(models.Model):
    """A dated status of an organisation, e.g. social-enterprise status or OWES accreditation."""

    class Kind(models.TextChoices):
        SOCIAL_ENTERPRISE = "social_enterprise", _("status przedsiębiorstwa społecznego")
        OWES_ACCREDITATION = "owes_accreditation", _("akredytacja OWES")
        PUBLIC_BENEFIT = "public_benefit", _("status organizacji pożytku publicznego")
        OTHER = "other", _("inny status")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="statuses",
        verbose_name=_("organizacja"),
    )
    kind = models.CharField(_("rodzaj statusu"), max_length=30, choices=Kind.choices)
    decision_number = models.CharField(_("numer decyzji"), max_length=100, blank=True)
    issued_by = models.CharField(_("wydany przez"), max_length=200, blank=True)
    valid_from = models.DateField(_("obowiązuje od"))
    valid_until = models.DateField(_("obowiązuje do"), null=True, blank=True)
    note = models.TextField(_("uwagi"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status organizacji")
        verbose_name_plural = _("statusy organizacji")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="organisationstatus_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.organisation})"

    def clean(self):
        if self.kind == self.Kind.OWES_ACCREDITATION and not self.decision_number:
            raise ValidationError({"decision_number": _("Akredytacja OWES wymaga numeru decyzji.")})
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("Data końca nie może być wcześniejsza niż data początku.")}
            )

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class ContactPerson(models.Model):
    """A representative of an organisation, linked to a user account when they have one."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organizacja"),
    )
    first_name = models.CharField(_("imię"), max_length=100)
    last_name = models.CharField(_("nazwisko"), max_length=100)
    role = models.CharField(_("funkcja"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=60, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_roles",
        verbose_name=_("konto użytkownika"),
    )
    is_public = models.BooleanField(
        _("zgoda na publikację"),
        default=False,
        help_text=_("Osoba zgodziła się na pokazanie jej danych kontaktowych w katalogu."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("osoba kontaktowa")
        verbose_name_plural = _("osoby kontaktowe")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Cooperation(models.Model):
    """A typed relationship between two organisations."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("porozumienie o współpracy")
        PARTNERSHIP = "partnership", _("partnerstwo")
        CONSORTIUM = "consortium", _("członek konsorcjum")
        MEMBERSHIP = "network", _("członkostwo w sieci / konwencie")
        OTHER = "other", _("inna współpraca")

    source = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="cooperations_out",
        verbose_name=_("organizacja"),
    )
    target = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="cooperations_in",
        verbose_name=_("partner"),
    )
    kind = models.CharField(_("rodzaj współpracy"), max_length=20, choices=Kind.choices)
    started_on = models.DateField(_("od"), null=True, blank=True)
    ended_on = models.DateField(_("do"), null=True, blank=True)
    note = models.TextField(_("uwagi"), blank=True)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="cooperations", verbose_name=_("tagi")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("współpraca")
        verbose_name_plural = _("współpraca między organizacjami")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="cooperation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="cooperation_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} – {self.target}: {self.get_kind_display()}"

    def clean(self):
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError({"target": _("Organizacja nie może współpracować sama ze sobą.")})
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError(
                {"ended_on": _("Data końca nie może być wcześniejsza niż data początku.")}
            )


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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("użytkownik"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organizacja"),
    )
    role = models.CharField(_("rola"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    position = models.CharField(_("stanowisko / funkcja"), max_length=150, blank=True)
    requested_at = models.DateTimeField(_("zgłoszono"), auto_now_add=True)
    decided_at = models.DateTimeField(_("rozpatrzono"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rozpatrzone przez"),
    )
    decision_note = models.TextField(_("uzasadnienie decyzji"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("członkostwo")
        verbose_name_plural = _("członkostwa")
        permissions = [
            ("decide_membership", _("Może rozpatrywać prośby o dołączenie do każdej organizacji"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"
