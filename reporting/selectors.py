"""Reads of the reporting app: what a page shows, each figure aggregated in PostgreSQL."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum

from partners.models import Organisation, TerritorialUnit

from . import metrics
from .metrics import Scope
from .models import GeneratedReport, Indicator


def require_perm(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def dashboard(scope: Scope) -> dict:
    """Every figure of the staff dashboard for one scope: a fixed number of queries."""
    return {
        "events_by_type": metrics.events_by_type(scope),
        "by_kind": metrics.participation_by(scope, "kind"),
        "by_subregion": metrics.participation_by(scope, "subregion"),
        "by_powiat": metrics.participation_by(scope, "powiat"),
        "attendance": metrics.attendance_rate(scope),
        "people": metrics.metric_value("people_attended", scope),
        "organisations": metrics.metric_value("organisations_supported", scope),
        "jst_advised": metrics.metric_value("jst_advised", scope),
        "events_held": metrics.metric_value("events_held", scope),
        "consultation_hours": metrics.metric_value("consultation_hours", scope),
        "advisory_by_topic": metrics.advisory_by_topic(scope),
        "advisory_by_status": metrics.advisory_by_status(scope),
        "advisory_deadlines": metrics.advisory_deadlines(scope),
        "postulates_by_status": metrics.postulates_by(scope, "status"),
        "postulates_by_addressee": metrics.postulates_by(scope, "addressee"),
    }


def indicators_with_progress(*, funding_project=None, start=None, end=None) -> list:
    indicators = Indicator.objects.select_related("funding_project", "subregion")
    if funding_project is not None:
        indicators = indicators.filter(funding_project=funding_project)
    return [metrics.indicator_progress(indicator, start=start, end=end) for indicator in indicators]


COVERAGE_SORTS = {"name", "partners", "people", "organisations", "cases", "hours"}


def coverage(
    scope: Scope, *, level: str = "powiat", sort: str = "name", descending: bool = False
) -> list[dict]:
    """For every powiat (or gmina): partners by kind, people and organisations present, advice given.

    A unit where nobody took part and nobody got advice is a white spot (``reached`` is False).
    """
    is_powiat = level == "powiat"
    unit_level = TerritorialUnit.Level.POWIAT if is_powiat else TerritorialUnit.Level.GMINA
    seat = "seat_gmina__parent_id" if is_powiat else "seat_gmina_id"
    units = TerritorialUnit.objects.filter(level=unit_level, is_active=True).select_related(
        "parent"
    )
    if scope.subregion is not None:
        units = (
            units.filter(subregions=scope.subregion)
            if is_powiat
            else units.filter(parent__subregions=scope.subregion)
        )

    partners: dict[int, dict[str, int]] = {}
    for row in (
        Organisation.objects.filter(is_verified=True)
        .values(seat, "kind")
        .annotate(count=Count("pk"))
    ):
        partners.setdefault(row[seat], {})[row["kind"]] = row["count"]
    people = {
        row["unit"]: row
        for row in metrics.present_attendance(scope)
        .values(unit=_field("registration__organisation__", seat))
        .annotate(
            people=Count("registration__participant", distinct=True),
            organisations=Count("registration__organisation", distinct=True),
        )
    }
    advice = {
        row["unit"]: row
        for row in metrics.held_consultations(scope)
        .values(unit=_field("request__organisation__", seat))
        .annotate(cases=Count("request", distinct=True), minutes=Sum("duration_minutes"))
    }
    rows = []
    for unit in units:
        kinds = partners.get(unit.pk, {})
        attended = people.get(unit.pk, {})
        advised = advice.get(unit.pk, {})
        row = {
            "unit": unit,
            "name": unit.name,
            "teryt": unit.teryt,
            "partners_by_kind": kinds,
            "partners": sum(kinds.values()),
            "people": attended.get("people", 0),
            "organisations": attended.get("organisations", 0),
            "cases": advised.get("cases", 0),
            "hours": round((advised.get("minutes") or 0) / 60, 2),
        }
        row["reached"] = bool(row["people"] or row["cases"])
        rows.append(row)
    key = sort if sort in COVERAGE_SORTS else "name"
    rows.sort(
        key=lambda row: (row[key], row["name"]) if key != "name" else row["name"].lower(),
        reverse=descending,
    )
    return rows


def _field(prefix: str, seat: str):
    from django.db.models import F

    return F(prefix + seat)


def reports_for_user(user):
    require_perm(user, "reporting.generate_report")
    return GeneratedReport.objects.select_related("funding_project", "subregion", "requested_by")[
        :50
    ]


def report_get_for_download(*, user, pk: int) -> GeneratedReport:
    from django.shortcuts import get_object_or_404

    require_perm(user, "reporting.generate_report")
    return get_object_or_404(GeneratedReport, pk=pk, status=GeneratedReport.Status.READY)
