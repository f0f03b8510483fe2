"""Reads of the partner registry, scoped to what a user may see or act for."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Organisation, Subregion, TerritorialUnit


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


def jst_list_for_member(*, user) -> QuerySet[Organisation]:
    """Return the JSTs the user may submit advisory requests for (approved memberships only)."""
    return organisation_list_for_member(user=user).filter(kind=Organisation.Kind.JST)


def organisation_list_public() -> QuerySet[Organisation]:
    """Return the organisations shown in the public catalogue: verified and agreed to publish."""
    return (
        Organisation.objects.filter(is_public=True, is_verified=True)
        .select_related("seat_gmina__parent", "served_subregion")
        .prefetch_related("tags")
    )


def organisation_get_public(*, pk: int) -> Organisation:
    """Return one organisation of the public catalogue or raise Http404."""
    return get_object_or_404(organisation_list_public(), pk=pk)


def organisation_get_for_viewer(*, user, pk: int) -> Organisation:
    """Return an organisation the user may see: public ones, or ones they belong to, or any for staff."""
    queryset = Organisation.objects.select_related("seat_gmina__parent", "served_subregion")
    if user.is_authenticated and user.is_staff:
        return get_object_or_404(queryset, pk=pk)
    visible = Q(is_public=True, is_verified=True)
    if user.is_authenticated:
        visible |= Q(memberships__user=user, memberships__status=Membership.Status.APPROVED)
    return get_object_or_404(queryset.filter(visible).distinct(), pk=pk)


def organisation_get_for_admin(*, user, pk: int) -> Organisation:
    """Return an organisation the user administers (or any, for staff), else raise Http404."""
    queryset = Organisation.objects.select_related("seat_gmina__parent")
    if user.is_authenticated and user.is_staff:
        return get_object_or_404(queryset, pk=pk)
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        queryset.filter(
            memberships__user=user,
            memberships__status=Membership.Status.APPROVED,
            memberships__role=Membership.Role.ADMIN,
        ).distinct(),
        pk=pk,
    )


def owes_list_by_subregion() -> list[tuple[Subregion, list[Organisation]]]:
    """Return each subregion with the public OWES serving it."""
    owes = list(
        organisation_list_public()
        .filter(kind=Organisation.Kind.OWES, served_subregion__isnull=False)
        .prefetch_related("served_powiats", "served_subregion__powiats")
    )
    result = []
    for subregion in Subregion.objects.prefetch_related("powiats"):
        result.append((subregion, [o for o in owes if o.served_subregion_id == subregion.pk]))
    return result


def owes_serving_powiat(*, powiat: TerritorialUnit) -> QuerySet[Organisation]:
    """Return the public OWES serving a powiat (chosen powiats, else their whole subregion)."""
    return (
        organisation_list_public()
        .filter(kind=Organisation.Kind.OWES)
        .filter(
            Q(served_powiats=powiat)
            | Q(served_powiats__isnull=True, served_subregion__powiats=powiat)
        )
        .distinct()
    )


def membership_list_for_user(*, user) -> QuerySet[Membership]:
    """Return the user's own memberships and requests, newest first."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation").order_by(
        "organisation__name"
    )


def membership_list_pending_for_decider(*, user, organisation: Organisation) -> QuerySet[Membership]:
    """Return pending requests of an organisation the user administers (empty otherwise)."""
    if not (user.is_authenticated and (user.is_staff or membership_is_admin(user=user, organisation=organisation))):
        return Membership.objects.none()
    return Membership.objects.filter(
        organisation=organisation, status=Membership.Status.PENDING
    ).select_related("user").order_by("requested_at")


def membership_get_pending_for_decider(*, user, pk: int) -> Membership:
    """Return a pending request the user may decide on, else raise Http404."""
    membership = get_object_or_404(
        Membership.objects.select_related("organisation", "user"), pk=pk, status=Membership.Status.PENDING
    )
    if user.is_staff:
        return membership
    if not (membership.organisation.is_verified and membership_is_admin(user=user, organisation=membership.organisation)):
        raise Http404
    return membership


def organisation_find_likely_duplicates(*, name: str, seat_gmina, exclude_pk: int | None = None) -> QuerySet[Organisation]:
    """Return organisations with the same name (ignoring case and spaces) in the same gmina."""
    if not name or seat_gmina is None:
        return Organisation.objects.none()
    queryset = Organisation.objects.filter(name__iexact=" ".join(name.split()), seat_gmina=seat_gmina)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset
