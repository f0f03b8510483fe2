"""Writes of the partner registry: territory import, join requests and decisions, public profiles."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Region
from portal.services import email_enqueue

from . import teryt
from .exceptions import MembershipError, NotAllowedError
from .models import Membership, Organisation
from .selectors import membership_is_admin

PUBLIC_PROFILE_FIELDS = (
    "short_name",
    "description",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "website",
    "is_public",
)


def territory_import_terc(*, data: bytes, actor=None) -> teryt.TercImportResult:
    """Import a TERC file atomically (see partners.teryt.import_terc)."""
    return teryt.import_terc(data)


def membership_request(*, user, organisation: Organisation, position: str = "", actor) -> Membership:
    """Ask to act for an organisation; the organisation's administrators or ROPS decide."""
    if not user.is_authenticated:
        raise NotAllowedError(_("Zaloguj się, aby dołączyć do organizacji."))
    if not organisation.is_verified:
        raise MembershipError(_("Ta organizacja czeka jeszcze na weryfikację przez ROPS."))
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
        )
        if membership is not None:
            if membership.status == Membership.Status.APPROVED:
                raise MembershipError(_("Już działasz w imieniu tej organizacji."))
            if membership.status == Membership.Status.PENDING:
                raise MembershipError(_("Twoja prośba o dołączenie do tej organizacji czeka już na decyzję."))
            membership.status = Membership.Status.PENDING
            membership.role = Membership.Role.MEMBER
            membership.position = position
            membership.requested_at = timezone.now()
            membership.decided_at = None
            membership.decided_by = None
            membership.decision_note = ""
            membership._history_user = actor
            membership.save()
        else:
            try:
                with transaction.atomic():
                    membership = Membership(user=user, organisation=organisation, position=position)
                    membership._history_user = actor
                    membership.save()
            except IntegrityError as error:
                # A parallel request of the same user won the race.
                raise MembershipError(
                    _("Twoja prośba o dołączenie do tej organizacji czeka już na decyzję.")
                ) from error
        _notify_deciders(membership)
    return membership


def organisation_propose(*, user, data: dict, position: str = "", actor) -> Membership:
    """Propose a new organisation: it waits, hidden, for ROPS; the proposer becomes its administrator."""
    if not user.is_authenticated:
        raise NotAllowedError(_("Zaloguj się, aby zaproponować organizację."))
    with transaction.atomic():
        organisation = Organisation(**data, is_verified=False, is_public=False)
        organisation.full_clean()
        organisation._history_user = actor
        organisation.save()
        membership = Membership(
            user=user, organisation=organisation, role=Membership.Role.ADMIN, position=position
        )
        membership._history_user = actor
        membership.save()
        _notify_deciders(membership)
    return membership


def _can_decide(*, actor, organisation: Organisation) -> bool:
    if actor.is_staff:
        return True
    return organisation.is_verified and membership_is_admin(user=actor, organisation=organisation)


def membership_approve(*, membership: Membership, actor, role: str | None = None) -> Membership:
    """Approve a pending join request (ROPS staff or the organisation's administrator)."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("organisation", "user").get(
            pk=membership.pk
        )
        organisation = membership.organisation
        if not _can_decide(actor=actor, organisation=organisation):
            raise NotAllowedError(_("Nie możesz rozpatrywać próśb o dołączenie do tej organizacji."))
        if membership.status != Membership.Status.PENDING:
            raise MembershipError(_("Ta prośba została już rozpatrzona."))
        if role is not None:
            if role not in Membership.Role.values:
                raise MembershipError(_("Nieznana rola."))
            membership.role = role
        membership.status = Membership.Status.APPROVED
        membership.decided_at = timezone.now()
        membership.decided_by = actor
        membership._history_user = actor
        membership.save()
        if not organisation.is_verified and actor.is_staff:
            organisation.is_verified = True
            organisation._history_user = actor
            organisation.save(update_fields=["is_verified", "updated_at"])
        _notify_requester(membership)
    return membership


def membership_reject(*, membership: Membership, actor, note: str = "") -> Membership:
    """Reject a pending join request, with an optional reason shown to the requester."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("organisation", "user").get(
            pk=membership.pk
        )
        if not _can_decide(actor=actor, organisation=membership.organisation):
            raise NotAllowedError(_("Nie możesz rozpatrywać próśb o dołączenie do tej organizacji."))
        if membership.status != Membership.Status.PENDING:
            raise MembershipError(_("Ta prośba została już rozpatrzona."))
        membership.status = Membership.Status.REJECTED
        membership.decided_at = timezone.now()
        membership.decided_by = actor
        membership.decision_note = note
        membership._history_user = actor
        membership.save()
        _notify_requester(membership)
    return membership


def organisation_update_public_profile(*, organisation: Organisation, data: dict, actor) -> Organisation:
    """Change the public profile (only PUBLIC_PROFILE_FIELDS) as the organisation's administrator."""
    if not (actor.is_staff or membership_is_admin(user=actor, organisation=organisation)):
        raise NotAllowedError(_("Tylko administrator organizacji może zmieniać jej profil."))
    unknown = set(data) - set(PUBLIC_PROFILE_FIELDS)
    if unknown:
        raise NotAllowedError(_("Tych danych nie można zmienić w profilu: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        for name, value in data.items():
            setattr(organisation, name, value)
        organisation.full_clean()
        organisation._history_user = actor
        organisation.save()
    return organisation


def _region_email() -> str:
    region = Region.objects.filter(site_id=settings.SITE_ID).first()
    return region.email if region and region.email else ""


def _notify_deciders(membership: Membership) -> None:
    organisation = membership.organisation
    admins = list(
        Membership.objects.filter(
            organisation=organisation, status=Membership.Status.APPROVED, role=Membership.Role.ADMIN
        ).select_related("user")
    ) if organisation.is_verified else []
    recipients = [admin.user.email for admin in admins] or [_region_email()]
    stamp = membership.requested_at.strftime("%Y%m%d%H%M%S%f")
    for address in filter(None, recipients):
        email_enqueue(
            to=address,
            subject=_("Prośba o dołączenie do organizacji: %(organisation)s") % {"organisation": organisation.name},
            template="partners_join_request",
            context={"membership": membership, "organisation": organisation, "proposed": not organisation.is_verified},
            dedup_key=f"partners:join-request:{membership.pk}:{stamp}:{address}",
        )


def _notify_requester(membership: Membership) -> None:
    stamp = membership.decided_at.strftime("%Y%m%d%H%M%S%f")
    approved = membership.status == Membership.Status.APPROVED
    subject = (
        _("Dołączono Cię do organizacji: %(organisation)s")
        if approved
        else _("Prośba o dołączenie do organizacji została odrzucona: %(organisation)s")
    ) % {"organisation": membership.organisation.name}
    email_enqueue(
        to=membership.user.email,
        subject=subject,
        template="partners_membership_decided",
        context={"membership": membership, "organisation": membership.organisation, "approved": approved},
        dedup_key=f"partners:membership-decided:{membership.pk}:{stamp}",
    )
