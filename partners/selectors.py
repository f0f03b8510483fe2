"""Reads of the partner registry, scoped to what a user may see or act for."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import (
    Cooperation,
    Membership,
    Organisation,
    Subregion,
    TerritorialUnit,
    publicly_visible_q,
)


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


def can_view_any_organisation(*, user) -> bool:
    """Staff with the view permission also see unpublished and unverified organisations."""
    return user.is_authenticated and user.has_perm("partners.view_organisation")


def can_edit_profile(*, user, organisation: Organisation) -> bool:
    """The organisation's administrator, or staff allowed to change any organisation."""
    return user.is_authenticated and (
        user.has_perm("partners.change_organisation")
        or membership_is_admin(user=user, organisation=organisation)
    )


def can_decide_memberships(*, user, organisation: Organisation) -> bool:
    """Who may approve or reject join requests of this organisation.

    Staff need ``decide_membership``, and for an organisation still waiting for verification also
    ``verify_organisation`` (approving its proposer verifies it). An organisation's administrator
    decides for a verified organisation only.
    """
    if not user.is_authenticated:
        return False
    if user.has_perm("partners.decide_membership") and (
        organisation.is_verified or user.has_perm("partners.verify_organisation")
    ):
        return True
    return organisation.is_verified and membership_is_admin(user=user, organisation=organisation)


def organisation_list_public() -> QuerySet[Organisation]:
    """Return the organisations shown in the public catalogue: verified and agreed to publish."""
    return (
        Organisation.objects.publicly_visible()
        .select_related("seat_gmina__parent", "served_subregion")
        .prefetch_related("tags")
    )


def organisation_get_public(*, pk: int) -> Organisation:
    """Return one organisation of the public catalogue or raise Http404."""
    return get_object_or_404(organisation_list_public(), pk=pk)


def organisation_get_for_viewer(*, user, pk: int) -> Organisation:
    """Return an organisation the user may see: public ones, ones they belong to, any with the view permission."""
    queryset = Organisation.objects.select_related("seat_gmina__parent", "served_subregion")
    if can_view_any_organisation(user=user):
        return get_object_or_404(queryset, pk=pk)
    visible = publicly_visible_q()
    if user.is_authenticated:
        visible |= Q(memberships__user=user, memberships__status=Membership.Status.APPROVED)
    return get_object_or_404(queryset.filter(visible).distinct(), pk=pk)


def organisation_get_for_admin(*, user, pk: int) -> Organisation:
    """Return an organisation whose public profile the user may edit, else raise Http404."""
    organisation = get_object_or_404(
        Organisation.objects.select_related("seat_gmina__parent"), pk=pk
    )
    if not can_edit_profile(user=user, organisation=organisation):
        raise Http404
    return organisation


def organisation_get_for_decider(*, user, pk: int) -> Organisation:
    """Return an organisation whose join requests the user may decide, else raise Http404."""
    organisation = get_object_or_404(
        Organisation.objects.select_related("seat_gmina__parent"), pk=pk
    )
    if not can_decide_memberships(user=user, organisation=organisation):
        raise Http404
    return organisation


def cooperation_list_public(*, organisation: Organisation) -> list[Cooperation]:
    """Return the organisation's cooperations whose other side is publicly visible."""
    outgoing = organisation.cooperations_out.select_related("target").filter(
        publicly_visible_q("target__")
    )
    incoming = organisation.cooperations_in.select_related("source").filter(
        publicly_visible_q("source__")
    )
    return [*outgoing, *incoming]


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
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def membership_list_pending_for_decider(
    *, user, organisation: Organisation
) -> QuerySet[Membership]:
    """Return pending requests of an organisation the user may decide on (empty otherwise)."""
    if not can_decide_memberships(user=user, organisation=organisation):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organisation=organisation, status=Membership.Status.PENDING)
        .select_related("user")
        .order_by("requested_at")
    )


def membership_get_pending_for_decider(*, user, pk: int) -> Membership:
    """Return a pending request the user may decide on, else raise Http404."""
    membership = get_object_or_404(
        Membership.objects.select_related("organisation", "user"),
        pk=pk,
        status=Membership.Status.PENDING,
    )
    if not can_decide_memberships(user=user, organisation=membership.organisation):
        raise Http404
    return membership


def organisation_find_likely_duplicates(
    *, name: str, seat_gmina, exclude_pk: int | None = None
) -> QuerySet[Organisation]:
    """Return organisations with the same name (ignoring case and spaces) in the same gmina."""
    if not name or seat_gmina is None:
        return Organisation.objects.none()
    queryset = Organisation.objects.filter(
        name__iexact=" ".join(name.split()), seat_gmina=seat_gmina
    )
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset
