"""Reads of the cooperation platform, scoped to what a user may see or manage."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from partners.models import Membership, Organisation

from .models import GroupDocument, GroupMember, GroupTask, WorkingGroup


def _member_q(user) -> Q:
    return Q(
        members__organisation__memberships__user=user,
        members__organisation__memberships__status=Membership.Status.APPROVED,
    )


def is_group_member(*, user, group: WorkingGroup) -> bool:
    """A person with an approved membership in one of the group's organisations, or its coordinator."""
    if not user.is_authenticated:
        return False
    return (
        group.coordinator_id == user.pk
        or WorkingGroup.objects.filter(_member_q(user), pk=group.pk).exists()
    )


def can_see_internals(*, user, group: WorkingGroup) -> bool:
    """Minutes, documents and tasks: members, the coordinator and staff allowed to see every group."""
    return user.is_authenticated and (
        user.has_perm("cooperation.view_any_group") or is_group_member(user=user, group=group)
    )


def can_manage_group(*, user, group: WorkingGroup) -> bool:
    """The group's coordinator, or staff allowed to manage every group."""
    return user.is_authenticated and (
        group.coordinator_id == user.pk or user.has_perm("cooperation.manage_group")
    )


def group_list_for_user(*, user) -> QuerySet[WorkingGroup]:
    groups = WorkingGroup.objects.select_related("coordinator")
    if user.is_authenticated and user.has_perm("cooperation.view_any_group"):
        return groups
    visible = Q(is_public=True)
    if user.is_authenticated:
        visible |= _member_q(user) | Q(coordinator=user)
    return groups.filter(visible).distinct()


def group_get_for_viewer(*, user, pk: int) -> WorkingGroup:
    return get_object_or_404(group_list_for_user(user=user), pk=pk)


def group_get_for_manager(*, user, pk: int) -> WorkingGroup:
    group = get_object_or_404(WorkingGroup.objects.select_related("coordinator"), pk=pk)
    if not can_manage_group(user=user, group=group):
        raise Http404
    return group


def group_members_for_viewer(*, user, group: WorkingGroup) -> QuerySet[GroupMember]:
    """Members see every member organisation; the public only verified, published ones."""
    members = group.members.select_related("organisation").prefetch_related("delegates")
    if not can_see_internals(user=user, group=group):
        members = members.filter(organisation__in=Organisation.objects.publicly_visible())
    return members


def group_meetings(*, user, group: WorkingGroup):
    meetings = group.meetings.select_related("event")
    if not can_see_internals(user=user, group=group):
        meetings = meetings.filter(event__state__in=["published", "finished"])
    return meetings


def document_get_for_viewer(*, user, group_pk: int, pk: int) -> GroupDocument:
    group = group_get_for_viewer(user=user, pk=group_pk)
    if not can_see_internals(user=user, group=group):
        raise Http404
    return get_object_or_404(GroupDocument, group=group, pk=pk)


def task_get_for_manager(*, user, group_pk: int, pk: int) -> GroupTask:
    group = group_get_for_manager(user=user, pk=group_pk)
    return get_object_or_404(GroupTask.objects.select_related("group"), group=group, pk=pk)


def member_get_for_manager(*, user, group_pk: int, pk: int) -> GroupMember:
    group = group_get_for_manager(user=user, pk=group_pk)
    return get_object_or_404(
        GroupMember.objects.select_related("group", "organisation"), group=group, pk=pk
    )


def delegate_candidates(*, member: GroupMember):
    """People who may represent the organisation: those with an approved membership in it."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__organisation=member.organisation,
            memberships__status=Membership.Status.APPROVED,
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


# --- surveys ---------------------------------------------------------------------------------


def require_perm(user, permission: str) -> None:
    from django.core.exceptions import PermissionDenied

    if not user.has_perm(permission):
        raise PermissionDenied


def responses_for_administrator(*, user):
    """Surveys the user's organisations were asked to fill (the user is their administrator)."""
    from .models import Survey, SurveyResponse

    if not user.is_authenticated:
        return SurveyResponse.objects.none()
    return (
        SurveyResponse.objects.filter(
            survey__status=Survey.Status.SENT,
            organisation__memberships__user=user,
            organisation__memberships__status=Membership.Status.APPROVED,
            organisation__memberships__role=Membership.Role.ADMIN,
        )
        .select_related("survey", "organisation")
        .distinct()
        .order_by("survey__deadline")
    )


def response_get_for_administrator(*, user, pk: int):
    return get_object_or_404(responses_for_administrator(user=user), pk=pk)


def survey_get_for_staff(*, user, pk: int, permission: str):
    from .models import Survey

    require_perm(user, permission)
    return get_object_or_404(Survey, pk=pk)


def _subregion_label(organisation) -> str:
    if organisation.served_subregion_id:
        return organisation.served_subregion.name
    powiat = organisation.seat_gmina.parent if organisation.seat_gmina_id else None
    subregion = powiat.subregions.first() if powiat is not None else None
    return subregion.name if subregion is not None else "—"


def survey_results(survey) -> dict:
    """Response rate per kind and subregion, every answer per question, numeric sums."""
    from decimal import Decimal, InvalidOperation

    from .models import Question, SurveyResponse

    responses = list(
        survey.responses.select_related(
            "organisation__served_subregion", "organisation__seat_gmina__parent", "submitted_by"
        )
        .prefetch_related("organisation__seat_gmina__parent__subregions")
        .order_by("organisation__name")
    )
    submitted = [r for r in responses if r.status == SurveyResponse.Status.SUBMITTED]

    def rate_by(key) -> list[dict]:
        table: dict[str, list[int]] = {}
        for response in responses:
            row = table.setdefault(key(response.organisation), [0, 0])
            row[0] += 1
            row[1] += response.status == SurveyResponse.Status.SUBMITTED
        return [
            {
                "label": label,
                "sent": sent,
                "answered": answered,
                "value": round(100 * answered / sent) if sent else 0,
            }
            for label, (sent, answered) in sorted(table.items())
        ]

    from .models import AnswerFile

    questions = list(survey.questions())
    files = {
        (answer_file.response_id, answer_file.question_id): answer_file
        for answer_file in AnswerFile.objects.filter(response__in=submitted)
    }
    per_question = []
    sums = []
    for question in questions:
        # (organisation, answer, the stored file of a "file" answer or None)
        rows = [
            (r.organisation, r.answers.get(str(question.pk)), files.get((r.pk, question.pk)))
            for r in submitted
        ]
        rows = [row for row in rows if row[1] not in (None, "", [])]
        entry = {"question": question, "answers": rows}
        if question.kind == Question.Kind.NUMBER:
            total = Decimal(0)
            for _organisation, value, _file in rows:
                try:
                    total += Decimal(str(value))
                except (InvalidOperation, ValueError):
                    continue
            entry["sum"] = total
            sums.append({"label": question.text, "value": total})
        per_question.append(entry)
    return {
        "responses": responses,
        "sent": len(responses),
        "answered": len(submitted),
        "rate": round(100 * len(submitted) / len(responses)) if responses else 0,
        "by_kind": rate_by(lambda organisation: organisation.get_kind_display()),
        "by_subregion": rate_by(_subregion_label),
        "questions": per_question,
        "sums": sums,
    }


# --- action plan -----------------------------------------------------------------------------


def plan_get_for_viewer(*, user, pk: int):
    from .models import ActionPlan

    require_perm(user, "cooperation.view_actionplan")
    return get_object_or_404(ActionPlan, pk=pk)


def plan_overview(plan) -> dict:
    """Every priority, measure and action with links, the share done and what is late."""
    from .models import PlanAction, PlanPriority

    priorities = list(
        PlanPriority.objects.filter(plan=plan).prefetch_related(
            "measures__actions__organisations",
            "measures__actions__events",
            "measures__actions__advisory_cases",
            "measures__actions__indicators",
            "measures__actions__surveys",
        )
    )
    actions = [
        action
        for priority in priorities
        for measure in priority.measures.all()
        for action in measure.actions.all()
    ]
    counted = [action for action in actions if action.status != PlanAction.Status.CANCELLED]
    done = [action for action in counted if action.status == PlanAction.Status.DONE]
    by_status = {status: 0 for status, _label in PlanAction.Status.choices}
    for action in actions:
        by_status[action.status] += 1
    return {
        "priorities": priorities,
        "total": len(counted),
        "done": len(done),
        "percent": round(100 * len(done) / len(counted)) if counted else 0,
        "late": [action for action in actions if action.is_late],
        "by_status": [
            {"label": label, "value": by_status[status]}
            for status, label in PlanAction.Status.choices
        ],
    }
