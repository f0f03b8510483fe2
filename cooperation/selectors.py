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
    return group.coordinator_id == user.pk or WorkingGroup.objects.filter(_member_q(user), pk=group.pk).exists()


def can_see_internals(*, user, group: WorkingGroup) -> bool:
    """Minutes, documents and tasks: members, the coordinator and staff allowed to see every group."""
    return user.is_authenticated and (user.has_perm("cooperation.view_any_group") or is_group_member(user=user, group=group))


def can_manage_group(*, user, group: WorkingGroup) -> bool:
    """The group's coordinator, or staff allowed to manage every group."""
    return user.is_authenticated and (group.coordinator_id == user.pk or user.has_perm("cooperation.manage_group"))


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
    return get_object_or_404(GroupMember.objects.select_related("group", "organisation"), group=group, pk=pk)


def delegate_candidates(*, member: GroupMember):
    """People who may represent the organisation: those with an approved membership in it."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        memberships__organisation=member.organisation, memberships__status=Membership.Status.APPROVED
    ).distinct().order_by("last_name", "first_name", "email")
