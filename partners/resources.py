"""CSV/XLSX import and export of organisations (django-import-export), with per-row checks."""

from django.utils.translation import gettext as _
from import_export import fields, widgets
from import_export.formats import base_formats

from portal.exports import FormulaSafeModelResource, unescape_formula

from .models import Organisation, TerritorialUnit
from .validators import normalise_identifier

REQUIRED_COLUMNS = ("rodzaj", "nazwa")


class SpreadsheetCSV(base_formats.CSV):
    """CSV as saved by Polish spreadsheets: semicolon- or comma-separated, UTF-8 or Windows-1250."""

    def is_binary(self):
        # Read raw bytes: the admin would otherwise decode as UTF-8 and refuse Windows-1250.
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError:
                in_stream = in_stream.decode("cp1250")
        first_line = in_stream.split("\n", 1)[0]
        if first_line.count(";") > first_line.count(","):
            kwargs.setdefault("delimiter", ";")
        return super().create_dataset(in_stream, **kwargs)


IMPORT_FORMATS = [SpreadsheetCSV, base_formats.XLSX]


class ChoiceWidget(widgets.Widget):
    """Accept a choice by its code or by its Polish label (any case); export the code."""

    def __init__(self, choices, field_label, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.field_label = field_label

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return ""
        for code, label in self.choices:
            if text.lower() in (str(code).lower(), str(label).lower()):
                return code
        raise ValueError(
            _("Nieznana wartość „%(value)s” w kolumnie %(column)s; dozwolone: %(allowed)s.")
            % {
                "value": text,
                "column": self.field_label,
                "allowed": ", ".join(code for code, _label in self.choices),
            }
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""


class TextWidget(widgets.Widget):
    """Text cell: empty cells (None in XLSX) become "", numbers lose a spurious ".0"."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        # Our own export quotes text a spreadsheet would run as a formula; read it back as typed.
        return unescape_formula(str(value).strip())

    def render(self, value, obj=None, **kwargs):
        return value or ""


class IdentifierWidget(widgets.Widget):
    """Keep identifiers as text (spreadsheets turn them into numbers) and empty as None."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return normalise_identifier(str(value))

    def render(self, value, obj=None, **kwargs):
        return value or ""


class GminaTerytWidget(widgets.ForeignKeyWidget):
    """Find the seat gmina by its 7-digit TERYT code; an unknown code is a row error."""

    def __init__(self, **kwargs):
        super().__init__(TerritorialUnit, field="teryt", **kwargs)
        self._cache: dict[str, TerritorialUnit] | None = None

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        code = str(value or "").strip()
        if not code:
            return None
        if len(code) == 6 and code.isdigit():
            code = "0" + code  # a spreadsheet dropped the leading zero
        if self._cache is None:
            self._cache = {
                unit.teryt: unit
                for unit in TerritorialUnit.objects.filter(
                    level=TerritorialUnit.Level.GMINA, is_active=True
                )
            }
        unit = self._cache.get(code)
        if unit is None:
            raise ValueError(
                _(
                    "Nieznany kod TERYT gminy „%(code)s”: podaj 7-cyfrowy kod obowiązującej gminy z rejestru TERC."
                )
                % {"code": code}
            )
        return unit


class PolishBooleanWidget(widgets.BooleanWidget):
    TRUE_VALUES = [*widgets.BooleanWidget.TRUE_VALUES, "tak", "TAK", "Tak", "t", "T"]
    FALSE_VALUES = [*widgets.BooleanWidget.FALSE_VALUES, "nie", "NIE", "Nie", "n", "N"]

    def clean(self, value, row=None, **kwargs):
        if value in ("", None):
            return False
        if value in self.TRUE_VALUES:
            return True
        if value in self.FALSE_VALUES:
            return False
        raise ValueError(_("Wpisz „tak” albo „nie”, a nie „%(value)s”.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return _("tak") if value else _("nie")


class OrganisationResource(FormulaSafeModelResource):
    id = fields.Field(
        attribute="id", column_name="id", widget=widgets.IntegerWidget(), readonly=True
    )
    kind = fields.Field(
        attribute="kind",
        column_name="rodzaj",
        widget=ChoiceWidget(Organisation.Kind.choices, "rodzaj"),
    )
    name = fields.Field(attribute="name", column_name="nazwa", widget=TextWidget())
    short_name = fields.Field(
        attribute="short_name", column_name="nazwa_skrocona", widget=TextWidget()
    )
    legal_form = fields.Field(
        attribute="legal_form",
        column_name="forma_prawna",
        widget=ChoiceWidget(Organisation.LegalForm.choices, "forma_prawna"),
    )
    jst_type = fields.Field(
        attribute="jst_type",
        column_name="typ_jst",
        widget=ChoiceWidget(Organisation.JstType.choices, "typ_jst"),
    )
    seat_gmina = fields.Field(
        attribute="seat_gmina", column_name="teryt_gminy", widget=GminaTerytWidget()
    )
    street = fields.Field(attribute="street", column_name="ulica", widget=TextWidget())
    postal_code = fields.Field(
        attribute="postal_code", column_name="kod_pocztowy", widget=TextWidget()
    )
    city = fields.Field(attribute="city", column_name="miejscowosc", widget=TextWidget())
    nip = fields.Field(attribute="nip", column_name="nip", widget=IdentifierWidget())
    regon = fields.Field(attribute="regon", column_name="regon", widget=IdentifierWidget())
    krs = fields.Field(attribute="krs", column_name="krs", widget=IdentifierWidget())
    email = fields.Field(attribute="email", column_name="email", widget=TextWidget())
    phone = fields.Field(attribute="phone", column_name="telefon", widget=TextWidget())
    website = fields.Field(attribute="website", column_name="www", widget=TextWidget())
    is_public = fields.Field(
        attribute="is_public", column_name="zgoda_na_publikacje", widget=PolishBooleanWidget()
    )
    description = fields.Field(attribute="description", column_name="opis", widget=TextWidget())

    class Meta:
        model = Organisation
        import_id_fields = ["id"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        fields = (
            "id",
            "kind",
            "name",
            "short_name",
            "legal_form",
            "jst_type",
            "seat_gmina",
            "street",
            "postal_code",
            "city",
            "nip",
            "regon",
            "krs",
            "email",
            "phone",
            "website",
            "is_public",
            "description",
        )

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        # A file with any invalid row writes nothing: staff fix the file and import it again.
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=use_transactions,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )

    def before_import(self, dataset, **kwargs):
        headers = [str(h or "").strip() for h in (dataset.headers or [])]
        missing = [column for column in REQUIRED_COLUMNS if column not in headers]
        if missing:
            raise ValueError(
                _("W pliku brakuje kolumn: %(missing)s. Pobierz wzór przez eksport organizacji.")
                % {"missing": ", ".join(missing)}
            )
        dataset.headers = headers
        self.fields["seat_gmina"].widget._cache = None
        # One query instead of three per row: stored identifiers -> organisation id.
        self._ids_by_identifier = {column: {} for column in ("nip", "regon", "krs")}
        for pk, nip, regon, krs in Organisation.objects.values_list("pk", "nip", "regon", "krs"):
            for column, value in (("nip", nip), ("regon", regon), ("krs", krs)):
                if value:
                    self._ids_by_identifier[column][value] = pk

    def get_instance(self, instance_loader, row):
        """Find the organisation to update by id, else by NIP, REGON or KRS; else it is new."""
        raw_id = row.get("id")
        if raw_id not in (None, ""):
            try:
                return Organisation.objects.filter(pk=int(float(raw_id))).first()
            except (TypeError, ValueError):
                return None
        for column in ("nip", "regon", "krs"):
            pk = self._ids_by_identifier[column].get(IdentifierWidget().clean(row.get(column)))
            if pk is not None:
                return Organisation.objects.filter(pk=pk).first()
        return None

    def dehydrate_seat_gmina(self, organisation):
        return organisation.seat_gmina.teryt if organisation.seat_gmina_id else ""
