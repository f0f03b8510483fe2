"""Reads of the advisory app, always scoped to what the asking user may see."""

from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from partners.models import Organisation
from partners.selectors import organisation_list_for_member

from .models import (
    AdvisoryRequest,
    AdvisorySettings,
    AdvisoryTopic,
    CaseAttachment,
    CaseEvent,
    Expert,
)
from .workdays import add_working_days

Status = AdvisoryRequest.Status


def jst_list_for_member(*, user) -> QuerySet[Organisation]:
    """Return the JST organisations the user may act for (approved memberships only)."""
    return organisation_list_for_member(user=user).filter(kind=Organisation.Kind.JST)


def user_is_jst_member(*, user) -> bool:
    return jst_list_for_member(user=user).exists()


def expert_for_user(*, user) -> Expert | None:
    if not user.is_authenticated:
        return None
    return Expert.objects.filter(user=user, is_active=True).first()


def topic_list_active() -> QuerySet[AdvisoryTopic]:
    return AdvisoryTopic.objects.filter(is_active=True)


def _with_related(queryset: QuerySet[AdvisoryRequest]) -> QuerySet[AdvisoryRequest]:
    return queryset.select_related(
        "organisation", "organisation__seat_gmina__parent", "requester", "expert", "funding_project"
    ).prefetch_related("topics")


def request_list_for_requester(*, user) -> QuerySet[AdvisoryRequest]:
    """Return the requests of the JSTs the user acts for (every approved member sees them)."""
    if not user.is_authenticated:
        return AdvisoryRequest.objects.none()
    return _with_related(
        AdvisoryRequest.objects.filter(organisation__in=jst_list_for_member(user=user))
    )


def request_get_for_requester(*, user, pk: int) -> AdvisoryRequest:
    request = request_list_for_requester(user=user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


# --- who may do what (docs/permissions.md, "Advisory") ------------------------------------------


def user_reads_all_cases(*, user) -> bool:
    """Staff whose role reads every submitted case (advisory officer, reporting, ROPS admin)."""
    return user.is_authenticated and user.has_perm("advisory.view_advisoryrequest")


def account_menu_flags(*, user) -> tuple[bool, bool]:
    """(JST member, case worker) for the account menu, in one query.

    Staff roles are only given to staff accounts, so the permission lookup (two queries) is
    skipped for everyone else; superusers have every permission without a query.
    """
    if not user.is_authenticated:
        return False, False
    from django.contrib.auth import get_user_model
    from django.db.models import Exists

    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            menu_jst=Exists(jst_list_for_member(user=user)),
            menu_expert=Exists(Expert.objects.filter(user=user, is_active=True)),
        )
        .values_list("menu_jst", "menu_expert")
        .first()
    )
    is_jst, is_expert = row or (False, False)
    # Free for accounts without a role: the permission backend reads nothing for them.
    reads_all = user_reads_all_cases(user=user)
    return bool(is_jst), bool(reads_all or is_expert)


def user_is_case_worker(*, user) -> bool:
    """Whether the user has a case workspace at all: a role that reads cases, or an expert account."""
    return user_reads_all_cases(user=user) or expert_for_user(user=user) is not None


def is_assigned_expert(*, user, request: AdvisoryRequest) -> bool:
    """The active expert assigned to this case, through their own account."""
    if not user.is_authenticated or request.expert_id is None:
        return False
    expert = request.expert
    return expert.user_id == user.pk and expert.is_active


def can_see_internal(*, user, request: AdvisoryRequest) -> bool:
    """Internal notes and files: staff with view_internal, and the expert of the case."""
    return user.is_authenticated and (
        user.has_perm("advisory.view_internal") or is_assigned_expert(user=user, request=request)
    )


def request_list_for_case_worker(*, user) -> QuerySet[AdvisoryRequest]:
    """Staff who read cases see every submitted one; an expert sees only the cases assigned to them."""
    if not user.is_authenticated:
        return AdvisoryRequest.objects.none()
    if user_reads_all_cases(user=user):
        return _with_related(AdvisoryRequest.objects.exclude(status=Status.DRAFT))
    return _with_related(
        AdvisoryRequest.objects.filter(expert__user=user, expert__is_active=True).exclude(
            status=Status.DRAFT
        )
    )


def request_get_for_case_worker(*, user, pk: int) -> AdvisoryRequest:
    request = request_list_for_case_worker(user=user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def timeline_for_requester(*, request: AdvisoryRequest) -> QuerySet[CaseEvent]:
    """The requester's side of the timeline: internal notes and internal files never appear."""
    return (
        request.events.filter(is_internal=False)
        .select_related("author")
        .prefetch_related(
            Prefetch("attachments", queryset=CaseAttachment.objects.filter(is_internal=False))
        )
    )


def timeline_for_case_worker(*, request: AdvisoryRequest, user) -> QuerySet[CaseEvent]:
    """The whole timeline for those who may see internal entries; the requester's side otherwise."""
    if not can_see_internal(user=user, request=request):
        return timeline_for_requester(request=request)
    return request.events.select_related("author").prefetch_related("attachments")


def attachment_list_for_case_worker(*, request: AdvisoryRequest, user) -> QuerySet[CaseAttachment]:
    if can_see_internal(user=user, request=request):
        return request.attachments.all()
    return request.attachments.filter(is_internal=False)


def attachment_list_for_requester(*, request: AdvisoryRequest) -> QuerySet[CaseAttachment]:
    return request.attachments.filter(is_internal=False)


def attachment_get_for_user(*, user, request_pk: int, pk: int) -> CaseAttachment:
    """Return an attachment the user may download, or raise 404 (internal files only to insiders)."""
    case = request_list_for_case_worker(user=user).filter(pk=request_pk).first()
    if case is not None:
        attachment = attachment_list_for_case_worker(request=case, user=user).filter(pk=pk).first()
    elif request_list_for_requester(user=user).filter(pk=request_pk).exists():
        attachment = CaseAttachment.objects.filter(
            request_id=request_pk, pk=pk, is_internal=False
        ).first()
    else:
        attachment = None
    if attachment is None:
        raise Http404
    return attachment


def deadline_bounds(
    *, today: date | None = None, settings_row: AdvisorySettings | None = None
) -> tuple[date, date]:
    """Return (today, the last day that counts as 'near the deadline')."""
    today = today or timezone.localdate()
    settings_row = settings_row or AdvisorySettings.load()
    return today, add_working_days(today, settings_row.warning_working_days)


def request_queue_for_staff(
    *,
    user,
    status: str | None = None,
    topic: int | None = None,
    powiat: int | None = None,
    expert: int | None = None,
    overdue: bool | None = None,
    today: date | None = None,
) -> QuerySet[AdvisoryRequest]:
    """The staff queue of cases, soonest deadline first, with the filters of the admin."""
    if not user_reads_all_cases(user=user):
        return AdvisoryRequest.objects.none()
    today = today or timezone.localdate()
    queryset = request_list_for_case_worker(user=user)
    if status:
        queryset = queryset.filter(status=status)
    if topic:
        queryset = queryset.filter(topics__pk=topic)
    if powiat:
        queryset = queryset.filter(organisation__seat_gmina__parent_id=powiat)
    if expert:
        queryset = queryset.filter(expert_id=expert)
    if overdue is True:
        queryset = queryset.filter(due_on__lt=today)
    return queryset.distinct().order_by("due_on", "submitted_at")


def request_list_near_deadline(*, today: date | None = None) -> QuerySet[AdvisoryRequest]:
    """Open cases whose current deadline has passed or falls within the warning period."""
    today, horizon = deadline_bounds(today=today)
    return _with_related(
        AdvisoryRequest.objects.filter(
            status__in=AdvisoryRequest.OPEN_STATUSES, due_on__lte=horizon
        )
    ).order_by("due_on", "pk")


def consultation_totals(*, request: AdvisoryRequest) -> dict:
    return request.consultations.aggregate(count=Count("pk"), minutes=Sum("duration_minutes"))


def counts_by_status() -> dict[str, int]:
    rows = (
        AdvisoryRequest.objects.exclude(status=Status.DRAFT)
        .values("status")
        .annotate(n=Count("pk"))
    )
    return {row["status"]: row["n"] for row in rows}


def is_overdue(request: AdvisoryRequest, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(request.due_on and request.is_open and request.due_on < today)


def open_case_filter() -> Q:
    return Q(status__in=AdvisoryRequest.OPEN_STATUSES)
