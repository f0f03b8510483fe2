"""Report files of the reporting app: PDF (WeasyPrint) and XLSX (openpyxl), context in, bytes out."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop
from openpyxl import Workbook
from openpyxl.styles import Font

from events.models import Event
from partners.models import Organisation
from portal.exports import escape_formula
from portal.models import Region
from portal.pdf import render_pdf

from . import charts, metrics, selectors
from .metrics import Scope
from .models import Sex


def scope_of(report) -> Scope:
    return Scope(
        start=report.period_start,
        end=report.period_end,
        funding_project=report.funding_project,
        subregion=report.subregion,
    )


def activity_context(scope: Scope) -> dict:
    data = selectors.dashboard(scope)
    charts_data = {
        key: charts.bar_chart_svg(data[key])
        for key in (
            "events_by_type",
            "by_kind",
            "by_subregion",
            "advisory_by_topic",
            "postulates_by_status",
        )
    }
    return {
        "scope": scope,
        "data": data,
        "charts": charts_data,
        "indicators": selectors.indicators_with_progress(
            funding_project=scope.funding_project, start=scope.start, end=scope.end
        )
        if scope.funding_project is not None
        else [],
        "coverage": selectors.coverage(scope),
        "region": Region.objects.select_related("site").first(),
        "generated_at": timezone.now(),
    }


def postulates_rows(scope: Scope):
    postulates = (
        metrics._postulates(scope)
        .filter(event__starts_at__date__gte=scope.start, event__starts_at__date__lte=scope.end)
        .select_related("event")
        .order_by("addressee", "status", "event__starts_at", "position")
    )
    return list(postulates)


def report_pdf(report) -> bytes:
    scope = scope_of(report)
    if report.kind == report.Kind.POSTULATES:
        context = {
            "scope": scope,
            "postulates": postulates_rows(scope),
            "region": Region.objects.first(),
            "generated_at": timezone.now(),
            "report": report,
        }
        return render_pdf("pdf/reporting_postulates.html", context)
    context = activity_context(scope)
    context["report"] = report
    return render_pdf("pdf/reporting_activity.html", context)


def _sheet(workbook, title: str, header: list[str], rows: list[list]):
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([escape_formula(str(cell)) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([escape_formula(value) if isinstance(value, str) else value for value in row])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 28
    return sheet


def _to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def activity_xlsx(scope: Scope) -> bytes:
    """The same figures as the activity report, one sheet per table."""
    context = activity_context(scope)
    data = context["data"]
    workbook = Workbook()
    workbook.remove(workbook.active)
    summary = [
        [_("Okres od"), scope.start.isoformat()],
        [_("Okres do"), scope.end.isoformat()],
        [_("Projekt"), str(scope.funding_project or _("wszystkie projekty"))],
        [_("Subregion"), str(scope.subregion or _("całe województwo"))],
        [_("Osoby obecne (bez powtórzeń)"), int(data["people"])],
        [_("Organizacje objęte wsparciem"), int(data["organisations"])],
        [_("JST, które otrzymały doradztwo"), int(data["jst_advised"])],
        [_("Zrealizowane wydarzenia"), int(data["events_held"])],
        [_("Godziny konsultacji"), float(data["consultation_hours"])],
        [_("Zgłoszenia potwierdzone"), data["attendance"]["confirmed"]],
        [_("w tym obecni co najmniej raz"), data["attendance"]["present"]],
        [_("Obecni spoza listy zgłoszeń"), data["attendance"]["walk_ins"]],
    ]
    _sheet(workbook, _("Podsumowanie"), [_("Miara"), _("Wartość")], summary)
    if context["indicators"]:
        _sheet(
            workbook,
            _("Wskaźniki"),
            [_("Wskaźnik"), _("Jednostka"), _("Wartość"), _("Cel"), _("Termin"), _("Realizacja %")],
            [
                [
                    p.indicator.name,
                    p.indicator.unit,
                    float(p.value),
                    float(p.indicator.target_value),
                    p.indicator.target_date.isoformat(),
                    p.percent,
                ]
                for p in context["indicators"]
            ],
        )
    _sheet(
        workbook,
        _("Wydarzenia"),
        [_("Rodzaj"), _("Liczba")],
        [[r["label"], r["value"]] for r in data["events_by_type"]],
    )
    _sheet(
        workbook,
        _("Uczestnicy wg rodzaju"),
        [_("Rodzaj organizacji"), _("Osoby"), _("Organizacje")],
        [[r["label"], r["value"], r["organisations"]] for r in data["by_kind"]],
    )
    _sheet(
        workbook,
        _("Uczestnicy wg powiatu"),
        [_("Powiat"), _("Osoby"), _("Organizacje")],
        [[r["label"], r["value"], r["organisations"]] for r in data["by_powiat"]],
    )
    _sheet(
        workbook,
        _("Doradztwo wg tematu"),
        [_("Temat"), _("Sprawy")],
        [[r["label"], r["value"]] for r in data["advisory_by_topic"]],
    )
    _sheet(
        workbook,
        _("Postulaty wg statusu"),
        [_("Status"), _("Liczba")],
        [[r["label"], r["value"]] for r in data["postulates_by_status"]],
    )
    _sheet(
        workbook,
        _("Pokrycie terytorialne"),
        [
            _("Powiat"),
            _("TERYT"),
            _("Partnerzy"),
            _("Wydarzenia"),
            _("Osoby"),
            _("Organizacje"),
            _("Sprawy doradcze"),
            _("Godziny"),
        ],
        [
            [
                r["name"],
                r["teryt"],
                r["partners"],
                r["events"],
                r["people"],
                r["organisations"],
                r["cases"],
                float(r["hours"]),
            ]
            for r in context["coverage"]
        ],
    )
    return _to_bytes(workbook)


def postulates_workbook(postulates) -> bytes:
    """One sheet of postulates (any queryset or list, with ``event`` at hand); shared by this
    app's postulates report and the postulates register of the events app."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        _("Postulaty"),
        [
            _("Adresat"),
            _("Status"),
            _("Postulat"),
            _("Obszar"),
            _("Spotkanie"),
            _("Data spotkania"),
            _("Przekazano"),
            _("Data odpowiedzi"),
            _("Odpowiedź"),
        ],
        [
            [
                p.addressee or "—",
                p.get_status_display(),
                p.text,
                p.get_topic_display(),
                p.event.title,
                timezone.localdate(p.event.starts_at).isoformat(),
                p.forwarded_on.isoformat() if p.forwarded_on else "",
                p.decided_on.isoformat() if p.decided_on else "",
                p.decision_note,
            ]
            for p in postulates
        ],
    )
    return _to_bytes(workbook)


def postulates_xlsx(scope: Scope) -> bytes:
    return postulates_workbook(postulates_rows(scope))


# --- the monitoring export (SL2021) -------------------------------------------------------------

INSTITUTION_HEADER = [
    _noop("Lp."),
    _noop("Nazwa"),
    _noop("NIP"),
    _noop("REGON"),
    _noop("Rodzaj"),
    _noop("Ulica i numer"),
    _noop("Kod pocztowy"),
    _noop("Miejscowość"),
    _noop("Województwo"),
    _noop("Kod TERYT województwa"),
    _noop("Powiat"),
    _noop("Kod TERYT powiatu"),
    _noop("Gmina"),
    _noop("Kod TERYT gminy"),
    _noop("Data rozpoczęcia wsparcia"),
    _noop("Formy wsparcia"),
    _noop("Liczba osób obecnych"),
]
PEOPLE_HEADER = [
    _noop("Lp."),
    _noop("Imię"),
    _noop("Nazwisko"),
    _noop("Organizacja"),
    _noop("Płeć"),
    _noop("Wiek w chwili rozpoczęcia wsparcia"),
    _noop("PESEL"),
    _noop("Data rozpoczęcia wsparcia"),
    _noop("Data zakończenia wsparcia"),
    _noop("Daty wsparcia"),
    _noop("Formy wsparcia"),
]


def _forms_of_support(event_types, *, advised: bool = False) -> str:
    labels = dict(Event.Type.choices)
    forms = [str(labels.get(code, code)) for code in sorted(event_types or [])]
    if advised:
        forms.append(_("doradztwo eksperckie (konsultacje)"))
    return "; ".join(forms)


def monitoring_tables(scope: Scope) -> dict[str, tuple[list[str], list[list]]]:
    """The two tables of the monitoring export: institutions and people supported.

    A personal detail is filled in only when the scope's funding project requires it: details
    a person gave for another project are not carried over to this one.
    """
    project = scope.funding_project
    kinds = dict(Organisation.Kind.choices)
    sexes = dict(Sex.choices)
    institutions = [
        [
            number,
            row["name"],
            row["nip"] or "",
            row["regon"] or "",
            str(kinds.get(row["kind"], row["kind"])),
            row["street"],
            row["postal_code"],
            row["city"],
            row["voivodeship_name"] or "",
            row["voivodeship_teryt"] or "",
            row["powiat_name"] or "",
            row["powiat_teryt"] or "",
            row["gmina_name"] or "",
            row["gmina_teryt"] or "",
            row["first_support"],
            _forms_of_support(row["event_types"], advised=row["advised"]),
            row["people"],
        ]
        for number, row in enumerate(selectors.monitoring_institutions(scope), start=1)
    ]
    wants = {
        "sex": bool(project and project.requires_sex),
        "birth_year": bool(project and project.requires_birth_year),
        "pesel": bool(project and project.requires_pesel),
    }
    removed = _("(dane usunięte)")
    people = []
    for number, row in enumerate(selectors.monitoring_people(scope), start=1):
        age = selectors.age_at(
            row["first_support"],
            birth_date=row["birth_date"] if wants["pesel"] else None,
            birth_year=row["birth_year"] if wants["birth_year"] else None,
        )
        people.append(
            [
                number,
                row["first_name"] or removed,
                row["last_name"] or removed,
                "; ".join(sorted(row["organisations"])),
                str(sexes.get(row["sex"], "")) if wants["sex"] and row["sex"] else "",
                age if age is not None else "",
                (row["pesel"] or "") if wants["pesel"] else "",
                row["first_support"],
                row["last_support"],
                "; ".join(day.isoformat() for day in row["days"]),
                _forms_of_support(row["event_types"]),
            ]
        )
    return {
        "instytucje": ([_(label) for label in INSTITUTION_HEADER], institutions),
        "osoby": ([_(label) for label in PEOPLE_HEADER], people),
    }


def monitoring_xlsx(tables: dict) -> bytes:
    """Both tables in one workbook, a sheet each; dates as date cells (written in streaming mode)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    titles = {"instytucje": _("Instytucje"), "osoby": _("Osoby")}
    for key, (header, rows) in tables.items():
        sheet = workbook.create_sheet(title=titles[key])
        for index in range(len(header)):
            sheet.column_dimensions[get_column_letter(index + 1)].width = 24
        bold = []
        for label in header:
            cell = WriteOnlyCell(sheet, value=escape_formula(str(label)))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd"
                    cells.append(cell)
                else:
                    cells.append(escape_formula(value) if isinstance(value, str) else value)
            sheet.append(cells)
    return _to_bytes(workbook)


def monitoring_csv(table: tuple[list[str], list[list]]) -> bytes:
    """One table as CSV the way Polish spreadsheet programs open it: UTF-8 with BOM, semicolons."""
    header, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([escape_formula(str(cell)) for cell in header])
    for row in rows:
        writer.writerow(
            [
                value.isoformat()
                if isinstance(value, date)
                else escape_formula(value)
                if isinstance(value, str)
                else value
                for value in row
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


__all__ = [
    "activity_xlsx",
    "monitoring_csv",
    "monitoring_tables",
    "monitoring_xlsx",
    "postulates_workbook",
    "postulates_xlsx",
    "report_pdf",
]
