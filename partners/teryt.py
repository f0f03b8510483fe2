"""Import of the GUS TERC register (WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA)."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from .exceptions import TercImportError
from .models import TerritorialUnit

EXPECTED_COLUMNS = ["WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA"]
GMINA_KINDS = {
    "1": "gmina miejska",
    "2": "gmina wiejska",
    "3": "gmina miejsko-wiejska",
    "4": "miasto w gminie miejsko-wiejskiej",
    "5": "obszar wiejski w gminie miejsko-wiejskiej",
    "8": "dzielnica m.st. Warszawy",
    "9": "delegatura",
}
_TWO_DIGITS = re.compile(r"^\d{2}$")
NAME_MAX_LENGTH = TerritorialUnit._meta.get_field("name").max_length
KIND_NAME_MAX_LENGTH = TerritorialUnit._meta.get_field("kind_name").max_length


@dataclass
class TercRow:
    line: int
    teryt: str
    level: str
    name: str
    kind_code: str
    kind_name: str
    valid_as_of: date | None


@dataclass
class TercImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    reactivated: int = 0
    voivodeships: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "Dodano %(created)d, zaktualizowano %(updated)d, bez zmian %(unchanged)d, "
            "oznaczono jako nieobowiązujące %(deactivated)d jednostek."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
        }


def decode_terc(data: bytes) -> str:
    """Decode a TERC file published in UTF-8 (with or without BOM) or Windows-1250."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1250")
        except UnicodeDecodeError as error:
            raise TercImportError(
                _("Plik nie jest zapisany w kodowaniu UTF-8 ani Windows-1250.")
            ) from error


def parse_terc(text: str) -> list[TercRow]:
    """Parse and check every row; raise TercImportError naming the first bad line."""
    reader = csv.reader(io.StringIO(text), delimiter=";")
    try:
        header = next(reader)
    except StopIteration as error:
        raise TercImportError(_("Plik jest pusty.")) from error
    header = [column.strip().upper() for column in header]
    if header[: len(EXPECTED_COLUMNS)] != EXPECTED_COLUMNS:
        raise TercImportError(
            _("Nieprawidłowy nagłówek pliku TERC: oczekiwano kolumn %(expected)s, jest %(found)s.")
            % {"expected": ";".join(EXPECTED_COLUMNS), "found": ";".join(header) or _("(pusty)")}
        )
    rows: list[TercRow] = []
    seen: dict[str, int] = {}
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:  # e.g. a field longer than the csv module's limit
            raise TercImportError(
                _("Wiersz %(line)d: nie da się odczytać wiersza (%(reason)s).")
                % {"line": reader.line_num, "reason": error}
            ) from error
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        rows.append(_parse_row(values, line))
        if rows[-1].teryt in seen:
            raise TercImportError(
                _("Wiersz %(line)d: kod %(code)s powtarza się (pierwszy raz w wierszu %(first)d).")
                % {"line": line, "code": rows[-1].teryt, "first": seen[rows[-1].teryt]}
            )
        seen[rows[-1].teryt] = line
    if not rows:
        raise TercImportError(_("Plik nie zawiera żadnej jednostki terytorialnej."))
    return rows


def _parse_row(values: list[str], line: int) -> TercRow:
    if len(values) < len(EXPECTED_COLUMNS):
        raise TercImportError(
            _(
                "Wiersz %(line)d: oczekiwano %(expected)d kolumn rozdzielonych średnikiem, jest %(found)d."
            )
            % {"line": line, "expected": len(EXPECTED_COLUMNS), "found": len(values)}
        )
    woj, pow_, gmi, rodz, name, name_extra, stan_na = (value.strip() for value in values[:7])

    def fail(reason: str):
        raise TercImportError(_("Wiersz %(line)d: %(reason)s") % {"line": line, "reason": reason})

    if any("\x00" in value for value in values):
        fail(_("wiersz zawiera niedozwolony znak NUL (bajt zerowy); plik jest uszkodzony."))
    for column, value, limit in (
        ("NAZWA", name, NAME_MAX_LENGTH),
        ("NAZWA_DOD", name_extra, KIND_NAME_MAX_LENGTH),
    ):
        if len(value) > limit:
            fail(
                _("tekst w kolumnie %(column)s ma %(length)d znaków, a może mieć najwyżej %(max)d.")
                % {"column": column, "length": len(value), "max": limit}
            )

    if not _TWO_DIGITS.match(woj):
        fail(_("kod województwa (WOJ) musi mieć 2 cyfry, jest „%(value)s”.") % {"value": woj})
    if not name:
        fail(_("brak nazwy jednostki (NAZWA)."))
    valid_as_of = None
    if stan_na:
        try:
            valid_as_of = date.fromisoformat(stan_na)
        except ValueError:
            fail(_("data STAN_NA „%(value)s” nie jest w formacie RRRR-MM-DD.") % {"value": stan_na})
    if not pow_:
        if gmi or rodz:
            fail(_("gmina (GMI/RODZ) podana bez powiatu (POW)."))
        return TercRow(
            line, woj, TerritorialUnit.Level.VOIVODESHIP, name, "", name_extra, valid_as_of
        )
    if not _TWO_DIGITS.match(pow_):
        fail(_("kod powiatu (POW) musi mieć 2 cyfry, jest „%(value)s”.") % {"value": pow_})
    if not gmi and not rodz:
        return TercRow(
            line, woj + pow_, TerritorialUnit.Level.POWIAT, name, "", name_extra, valid_as_of
        )
    if not _TWO_DIGITS.match(gmi):
        fail(_("kod gminy (GMI) musi mieć 2 cyfry, jest „%(value)s”.") % {"value": gmi})
    if rodz not in GMINA_KINDS:
        fail(
            _("nieznany rodzaj gminy (RODZ) „%(value)s”; dozwolone: %(allowed)s.")
            % {"value": rodz, "allowed": ", ".join(GMINA_KINDS)}
        )
    kind_name = name_extra or GMINA_KINDS[rodz]
    return TercRow(
        line,
        woj + pow_ + gmi + rodz,
        TerritorialUnit.Level.GMINA,
        name,
        rodz,
        kind_name,
        valid_as_of,
    )


def import_terc(data: bytes) -> TercImportResult:
    """Create or update every unit of the file; mark units of its voivodeships that are gone.

    Units are never deleted (organisations refer to them). The whole file is imported in
    one transaction: one bad row and nothing is written.
    """
    rows = parse_terc(decode_terc(data))
    result = TercImportResult()
    levels = [
        TerritorialUnit.Level.VOIVODESHIP,
        TerritorialUnit.Level.POWIAT,
        TerritorialUnit.Level.GMINA,
    ]
    with transaction.atomic():
        existing = {unit.teryt: unit for unit in TerritorialUnit.objects.select_for_update()}
        in_file: set[str] = set()
        for level in levels:
            for row in (r for r in rows if r.level == level):
                parent = None
                if level != TerritorialUnit.Level.VOIVODESHIP:
                    parent_code = (
                        row.teryt[:2] if level == TerritorialUnit.Level.POWIAT else row.teryt[:4]
                    )
                    parent = existing.get(parent_code)
                    if parent is None or parent_code not in in_file:
                        raise TercImportError(
                            _(
                                "Wiersz %(line)d: jednostka %(code)s odwołuje się do nieznanej jednostki nadrzędnej %(parent)s."
                            )
                            % {"line": row.line, "code": row.teryt, "parent": parent_code}
                        )
                in_file.add(row.teryt)
                _save_unit(row, parent, existing, result)
        voivodeships = sorted({code[:2] for code in in_file})
        result.voivodeships = voivodeships
        gone = [
            unit
            for code, unit in existing.items()
            if code not in in_file and code[:2] in voivodeships and unit.is_active
        ]
        for unit in gone:
            unit.is_active = False
        TerritorialUnit.objects.bulk_update(gone, ["is_active"])
        result.deactivated = len(gone)
    return result


def _save_unit(row: TercRow, parent, existing: dict, result: TercImportResult) -> None:
    values = {
        "level": row.level,
        "name": row.name,
        "kind_code": row.kind_code,
        "kind_name": row.kind_name,
        "parent": parent,
        "is_active": True,
        "valid_as_of": row.valid_as_of,
    }
    unit = existing.get(row.teryt)
    if unit is None:
        existing[row.teryt] = TerritorialUnit.objects.create(teryt=row.teryt, **values)
        result.created += 1
        return
    changed = [name for name, value in values.items() if getattr(unit, name) != value]
    if not changed:
        result.unchanged += 1
        return
    if "is_active" in changed:
        result.reactivated += 1
    for name in changed:
        setattr(unit, name, values[name])
    unit.save(update_fields=changed)
    result.updated += 1
