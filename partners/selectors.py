"""Reads of the partner registry, scoped to what a user may see or act for."""

from django.db.models import QuerySet

from .models import Membership, Organisation


def organisation_list_for_member(*, user) -> QuerySet[Organisation]:
    """Return the organisations the user may act for (approved memberships only)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.APPROVED
    ).distinct()


def membership_is_approved(*, user, organisation: Organisation) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user, organisation=organisation, status=Membership.Status.APPROVED
        ).exists()
    )


def membership_is_admin(*, user, organisation: Organisation) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user,
            organisation=organisation,
            status=Membership.Status.APPROVED,
            role=Membership.Role.ADMIN,
        ).exists()
    )
