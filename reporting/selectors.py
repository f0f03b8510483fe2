"""Reads of the reporting app: what a page shows, each figure aggregated in PostgreSQL."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Sum

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


COVERAGE_SORTS = {"name", "partners", "events", "people", "organisations", "cases", "hours"}


def coverage(
    scope: Scope, *, level: str = "powiat", sort: str = "name", descending: bool = False
) -> list[dict]:
    """For every powiat (or gmina): partners by kind, events held there, people and organisations
    present, advice given.

    A unit with no event held there, nobody present from there and no advice given there is a
    white spot (``reached`` is False).
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
    venue = "venue_gmina__parent_id" if is_powiat else "venue_gmina_id"
    events = {
        row["unit"]: row["count"]
        for row in metrics.held_events(scope)
        .filter(**{f"{venue}__isnull": False})
        .values(unit=F(venue))
        .annotate(count=Count("pk"))
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
            "events": events.get(unit.pk, 0),
            "people": attended.get("people", 0),
            "organisations": attended.get("organisations", 0),
            "cases": advised.get("cases", 0),
            "hours": round((advised.get("minutes") or 0) / 60, 2),
        }
        row["reached"] = bool(row["events"] or row["people"] or row["cases"])
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


# --- the monitoring export (SL2021): institutions and people supported -------------------------


def monitoring_institutions(scope: Scope) -> list[dict]:
    """Every organisation supported in the scope (as metrics.supported_organisations), one row each.

    Three queries whatever the data size: attendance aggregated per organisation (first day,
    event types, people), consultations aggregated per organisation (first day), and the
    organisations' register data with the TERYT codes of their seat.
    """
    from django.contrib.postgres.aggregates import ArrayAgg
    from django.db.models import Min

    attended = {
        row["organisation"]: row
        for row in metrics.present_attendance(scope)
        .values(organisation=F("registration__organisation_id"))
        .annotate(
            first=Min("day"),
            event_types=ArrayAgg("registration__event__type", distinct=True),
            people=Count("registration__participant", distinct=True),
        )
    }
    advised = {}
    if not scope.event_type:  # an event type narrows to events only (metrics rule)
        advised = {
            row["organisation"]: row["first"]
            for row in metrics.held_consultations(scope)
            .values(organisation=F("request__organisation_id"))
            .annotate(first=Min("held_on"))
        }
    rows = list(
        Organisation.objects.filter(pk__in=attended.keys() | advised.keys()).values(
            "pk",
            "name",
            "nip",
            "regon",
            "kind",
            "street",
            "postal_code",
            "city",
            gmina_name=F("seat_gmina__name"),
            gmina_teryt=F("seat_gmina__teryt"),
            powiat_name=F("seat_gmina__parent__name"),
            powiat_teryt=F("seat_gmina__parent__teryt"),
            voivodeship_name=F("seat_gmina__parent__parent__name"),
            voivodeship_teryt=F("seat_gmina__parent__parent__teryt"),
        )
    )
    for row in rows:
        attendance = attended.get(row["pk"], {})
        firsts = [day for day in (attendance.get("first"), advised.get(row["pk"])) if day]
        row["first_support"] = min(firsts)
        row["event_types"] = attendance.get("event_types", [])
        row["people"] = attendance.get("people", 0)
        row["advised"] = row["pk"] in advised
    rows.sort(key=lambda row: (row["first_support"], row["name"], row["pk"]))
    return rows


def monitoring_people(scope: Scope) -> list[dict]:
    """Every person who attended in the scope (present at least once), one row each.

    One aggregate query grouped by person: organisations, days and event types of support, the
    first day, and the person's monitoring details.
    """
    from django.contrib.postgres.aggregates import ArrayAgg
    from django.db.models import Max, Min

    prefix = "registration__participant__"
    rows = (
        metrics.present_attendance(scope)
        .values(person_id=F(prefix + "id"))
        .annotate(
            first_name=Min(prefix + "first_name"),
            last_name=Min(prefix + "last_name"),
            sex=Min(prefix + "monitoring_details__sex"),
            birth_year=Min(prefix + "monitoring_details__birth_year"),
            birth_date=Min(prefix + "monitoring_details__birth_date"),
            pesel=Min(prefix + "monitoring_details__pesel"),
            organisations=ArrayAgg("registration__organisation__name", distinct=True),
            days=ArrayAgg("day", distinct=True, order_by="day"),
            event_types=ArrayAgg("registration__event__type", distinct=True),
            first_support=Min("day"),
            last_support=Max("day"),
        )
        .order_by("first_support", "last_name", "first_name", "person_id")
    )
    people = list(rows)
    for person in people:
        person["age"] = age_at(
            person["first_support"],
            birth_date=person["birth_date"],
            birth_year=person["birth_year"],
        )
    return people


def age_at(day, *, birth_date=None, birth_year=None) -> int | None:
    """Full years on a day: from the birth date (PESEL) when known, else from the year of birth."""
    if birth_date is not None:
        return (
            day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
        )
    if birth_year:
        return day.year - birth_year
    return None
