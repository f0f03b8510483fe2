"""What the coordination achieved, computed in PostgreSQL from the records of every app.

Counting rules (docs/reporting.md explains them to staff; each has a test with a hand count):

* A person *attended* when check-in marked them present on at least one day that falls in the
  period, at an event that was not cancelled. Registration alone is not attendance. A person
  present at three events counts once (distinct people). People added at check-in without
  registering (walk-ins) are present like anyone else.
* An organisation is *supported* when one of its people attended (as above) or when it had an
  expert consultation held in the period. Each organisation counts once however often it was
  supported. An indicator narrowed to an event type counts events only, so no advice.
* A JST *received advice* when a consultation of one of its cases was held in the period.
* An event was *held* when it started in the period, has ended and was not cancelled or a draft.
* An advisory case is *completed* when it reached "zrealizowany" in the period (closing later
  does not count it again).
* Consultation hours are the sum of the recorded consultation durations held in the period.
* A postulate is *forwarded* on its forwarding date and *accepted* on the date of the reply.
* "Subregion" narrows people, organisations and advice to organisations whose seat is in a
  powiat of that subregion; events and postulates to events assigned to that subregion.
* "Funding project" narrows to events and cases attributed to that project.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from advisory.models import AdvisoryRequest, Consultation
from events.models import Attendance, Event, Postulate, Registration
from partners.models import Organisation

from .models import Metric

COUNTED_EVENT_STATES = [Event.State.PUBLISHED, Event.State.FINISHED]
COMPLETED_CASE_STATES = [AdvisoryRequest.Status.COMPLETED, AdvisoryRequest.Status.CLOSED]


@dataclass(frozen=True)
class Scope:
    """The period (inclusive dates) and the optional narrowing of a figure."""

    start: date
    end: date
    funding_project: object | None = None
    event_type: str = ""
    partner_kind: str = ""
    subregion: object | None = None


def _organisation_in_subregion(prefix: str, subregion) -> Q:
    return Q(**{f"{prefix}seat_gmina__parent__subregions": subregion})


def held_events(scope: Scope) -> QuerySet[Event]:
    events = Event.objects.filter(
        state__in=COUNTED_EVENT_STATES,
        ends_at__lte=timezone.now(),
        starts_at__date__gte=scope.start,
        starts_at__date__lte=scope.end,
    )
    if scope.funding_project is not None:
        events = events.filter(funding_project=scope.funding_project)
    if scope.event_type:
        events = events.filter(type=scope.event_type)
    if scope.subregion is not None:
        events = events.filter(subregions=scope.subregion)
    return events


def present_attendance(scope: Scope) -> QuerySet[Attendance]:
    attendance = Attendance.objects.filter(
        is_present=True,
        day__gte=scope.start,
        day__lte=scope.end,
        registration__event__state__in=COUNTED_EVENT_STATES,
    )
    if scope.funding_project is not None:
        attendance = attendance.filter(registration__event__funding_project=scope.funding_project)
    if scope.event_type:
        attendance = attendance.filter(registration__event__type=scope.event_type)
    if scope.partner_kind:
        attendance = attendance.filter(registration__organisation__kind=scope.partner_kind)
    if scope.subregion is not None:
        attendance = attendance.filter(
            _organisation_in_subregion("registration__organisation__", scope.subregion)
        )
    return attendance


def held_consultations(scope: Scope) -> QuerySet[Consultation]:
    consultations = Consultation.objects.filter(held_on__gte=scope.start, held_on__lte=scope.end)
    if scope.funding_project is not None:
        consultations = consultations.filter(request__funding_project=scope.funding_project)
    if scope.partner_kind:
        consultations = consultations.filter(request__organisation__kind=scope.partner_kind)
    if scope.subregion is not None:
        consultations = consultations.filter(
            _organisation_in_subregion("request__organisation__", scope.subregion)
        )
    return consultations


def completed_cases(scope: Scope) -> QuerySet[AdvisoryRequest]:
    cases = AdvisoryRequest.objects.filter(
        status__in=COMPLETED_CASE_STATES,
        completed_at__date__gte=scope.start,
        completed_at__date__lte=scope.end,
    )
    if scope.funding_project is not None:
        cases = cases.filter(funding_project=scope.funding_project)
    if scope.partner_kind:
        cases = cases.filter(organisation__kind=scope.partner_kind)
    if scope.subregion is not None:
        cases = cases.filter(_organisation_in_subregion("organisation__", scope.subregion))
    return cases


def _postulates(scope: Scope) -> QuerySet[Postulate]:
    postulates = Postulate.objects.all()
    if scope.funding_project is not None:
        postulates = postulates.filter(event__funding_project=scope.funding_project)
    if scope.event_type:
        postulates = postulates.filter(event__type=scope.event_type)
    if scope.subregion is not None:
        postulates = postulates.filter(event__subregions=scope.subregion)
    return postulates


def supported_organisations(scope: Scope) -> QuerySet[Organisation]:
    supported = Q(pk__in=present_attendance(scope).values("registration__organisation_id"))
    if not scope.event_type:
        supported |= Q(pk__in=held_consultations(scope).values("request__organisation_id"))
    return Organisation.objects.filter(supported)


def metric_value(metric: str, scope: Scope) -> Decimal:
    """The value of one metric for a scope, as a Decimal (hours have two decimal places)."""
    if metric == Metric.PEOPLE_ATTENDED:
        value = present_attendance(scope).values("registration__participant_id").distinct().count()
    elif metric == Metric.ORGANISATIONS_SUPPORTED:
        value = supported_organisations(scope).count()
    elif metric == Metric.JST_ADVISED:
        value = (
            Organisation.objects.filter(kind=Organisation.Kind.JST)
            .filter(pk__in=held_consultations(scope).values("request__organisation_id"))
            .count()
        )
    elif metric == Metric.EVENTS_HELD:
        value = held_events(scope).count()
    elif metric == Metric.ADVISORY_COMPLETED:
        value = completed_cases(scope).count()
    elif metric == Metric.CONSULTATION_HOURS:
        minutes = held_consultations(scope).aggregate(total=Sum("duration_minutes"))["total"] or 0
        return (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    elif metric == Metric.POSTULATES_FORWARDED:
        value = (
            _postulates(scope)
            .filter(forwarded_on__gte=scope.start, forwarded_on__lte=scope.end)
            .count()
        )
    elif metric == Metric.POSTULATES_ACCEPTED:
        value = (
            _postulates(scope)
            .filter(
                status=Postulate.Status.ACCEPTED,
                decided_on__gte=scope.start,
                decided_on__lte=scope.end,
            )
            .count()
        )
    else:
        raise ValueError(f"Unknown metric {metric!r}")
    return Decimal(value)


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: object
    value: Decimal
    percent: int

    @property
    def reached(self) -> bool:
        return self.value >= self.indicator.target_value


def indicator_progress(
    indicator, *, start: date | None = None, end: date | None = None
) -> IndicatorProgress:
    """Value of an indicator for a period (default: from counted_from or the project start to today)."""
    project = indicator.funding_project
    start = start or indicator.counted_from or project.starts_on or date(2000, 1, 1)
    end = end or timezone.localdate()
    scope = Scope(
        start=start,
        end=end,
        funding_project=project,
        event_type=indicator.event_type,
        partner_kind=indicator.partner_kind,
        subregion=indicator.subregion,
    )
    value = metric_value(indicator.metric, scope)
    percent = int(value * 100 / indicator.target_value) if indicator.target_value else 0
    return IndicatorProgress(indicator=indicator, value=value, percent=percent)


# Breakdowns for the dashboard: every one is a single aggregate query, whatever the data size.


def events_by_type(scope: Scope) -> list[dict]:
    labels = dict(Event.Type.choices)
    rows = held_events(scope).values("type").annotate(count=Count("pk")).order_by("-count", "type")
    return [
        {"label": str(labels.get(row["type"], row["type"])), "value": row["count"]} for row in rows
    ]


def participation_by(scope: Scope, dimension: str) -> list[dict]:
    """People and organisations present, grouped by partner kind, subregion or powiat."""
    field = {
        "kind": "registration__organisation__kind",
        "subregion": "registration__organisation__seat_gmina__parent__subregions__name",
        "powiat": "registration__organisation__seat_gmina__parent__name",
    }[dimension]
    rows = (
        present_attendance(scope)
        .values(field)
        .annotate(
            people=Count("registration__participant", distinct=True),
            organisations=Count("registration__organisation", distinct=True),
        )
        .order_by("-people", field)
    )
    labels = dict(Organisation.Kind.choices) if dimension == "kind" else {}
    missing = {"kind": "—", "subregion": _("poza subregionami"), "powiat": _("bez gminy siedziby")}[
        dimension
    ]
    return [
        {
            "label": str(labels.get(row[field], row[field] or missing)),
            "value": row["people"],
            "organisations": row["organisations"],
        }
        for row in rows
    ]


def attendance_rate(scope: Scope) -> dict:
    """Confirmed registrations of held events and how many of them were present at least once.

    People added at check-in without registering (walk-ins, "spoza listy zgłoszeń") are
    counted apart in ``walk_ins``: they would make the turnout of the registered look better
    than it was. They do count as people present (``people_attended``).
    """
    totals = Registration.objects.filter(
        event__in=held_events(scope), status=Registration.Status.CONFIRMED
    ).aggregate(
        confirmed=Count("pk", filter=Q(is_walk_in=False), distinct=True),
        present=Count(
            "pk", filter=Q(is_walk_in=False, attendances__is_present=True), distinct=True
        ),
        walk_ins=Count(
            "pk", filter=Q(is_walk_in=True, attendances__is_present=True), distinct=True
        ),
    )
    confirmed, present = totals["confirmed"] or 0, totals["present"] or 0
    return {
        "confirmed": confirmed,
        "present": present,
        "walk_ins": totals["walk_ins"] or 0,
        "percent": round(present * 100 / confirmed) if confirmed else None,
    }


def _submitted_cases(scope: Scope) -> QuerySet[AdvisoryRequest]:
    cases = AdvisoryRequest.objects.filter(
        submitted_at__date__gte=scope.start, submitted_at__date__lte=scope.end
    )
    if scope.funding_project is not None:
        cases = cases.filter(funding_project=scope.funding_project)
    if scope.subregion is not None:
        cases = cases.filter(_organisation_in_subregion("organisation__", scope.subregion))
    return cases


def advisory_by_topic(scope: Scope) -> list[dict]:
    rows = (
        _submitted_cases(scope)
        .values("topics__name")
        .annotate(count=Count("pk", distinct=True))
        .order_by("-count")
    )
    return [
        {"label": row["topics__name"] or str(_("bez tematu")), "value": row["count"]}
        for row in rows
    ]


def advisory_by_status(scope: Scope) -> list[dict]:
    labels = dict(AdvisoryRequest.Status.choices)
    rows = _submitted_cases(scope).values("status").annotate(count=Count("pk")).order_by("-count")
    return [
        {"label": str(labels.get(row["status"], row["status"])), "value": row["count"]}
        for row in rows
    ]


def advisory_deadlines(scope: Scope) -> dict:
    """How many cases submitted in the period were answered and completed within their deadlines."""
    from django.db.models import F

    totals = _submitted_cases(scope).aggregate(
        submitted=Count("pk"),
        answered=Count("pk", filter=Q(first_responded_at__isnull=False)),
        answered_on_time=Count(
            "pk", filter=Q(first_responded_at__date__lte=F("first_response_due"))
        ),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
        completed_on_time=Count("pk", filter=Q(completed_at__date__lte=F("resolution_due"))),
    )

    def share(part, whole):
        return round(part * 100 / whole) if whole else None

    totals["answered_on_time_percent"] = share(totals["answered_on_time"], totals["answered"])
    totals["completed_on_time_percent"] = share(totals["completed_on_time"], totals["completed"])
    return totals


def postulates_by(scope: Scope, dimension: str) -> list[dict]:
    field = {"status": "status", "addressee": "addressee"}[dimension]
    labels = dict(Postulate.Status.choices) if dimension == "status" else {}
    rows = (
        _postulates(scope)
        .filter(event__starts_at__date__gte=scope.start, event__starts_at__date__lte=scope.end)
        .values(field)
        .annotate(count=Count("pk"))
        .order_by("-count", field)
    )
    missing = _("bez adresata") if dimension == "addressee" else "—"
    return [
        {"label": str(labels.get(row[field], row[field] or missing)), "value": row["count"]}
        for row in rows
    ]
