"""Writes of the partner registry: territory import, join requests and decisions, public profiles."""

import copy

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record, field_changes
from portal.jobs import job_admit
from portal.models import Region
from portal.services import email_enqueue

from . import teryt
from .exceptions import MembershipError, NotAllowedError, PartnersError
from .models import Membership, Organisation
from .selectors import can_decide_memberships, can_edit_profile

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
    """Import a TERC file atomically (see partners.teryt.import_terc); actor None is the command line."""
    if actor is not None and not actor.has_perm("partners.import_terc"):
        raise NotAllowedError(_("Brak uprawnień do importu rejestru TERC."))
    with transaction.atomic():
        result = teryt.import_terc(data)
        audit_record(
            actor=actor,
            action="partners.territorialunit.import",
            summary=_("Import rejestru TERC: %(summary)s") % {"summary": result.summary()},
            changes={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "reactivated": result.reactivated,
                "deactivated": result.deactivated,
                "voivodeships": result.voivodeships,
            },
        )
    return result


def membership_request(
    *, user, organisation: Organisation, position: str = "", actor
) -> Membership:
    """Ask to act for an organisation; the organisation's administrators or ROPS decide."""
    if not user.is_authenticated:
        raise NotAllowedError(_("Aby dołączyć do organizacji, prosimy się zalogować."))
    if not organisation.is_verified:
        raise MembershipError(_("Ta organizacja czeka jeszcze na weryfikację przez ROPS."))
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation=organisation)
            .first()
        )
        if membership is not None:
            if membership.status == Membership.Status.APPROVED:
                raise MembershipError(_("To konto jest już członkiem tej organizacji."))
            if membership.status == Membership.Status.PENDING:
                raise MembershipError(
                    _("Prośba o dołączenie do tej organizacji czeka już na decyzję.")
                )
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
                    _("Prośba o dołączenie do tej organizacji czeka już na decyzję.")
                ) from error
        audit_record(
            actor=actor,
            action="partners.membership.request",
            target=membership,
            summary=_("Prośba o dołączenie: %(user)s do %(organisation)s")
            % {"user": user.email, "organisation": organisation.name},
            changes={"position": position},
        )
        _notify_deciders(membership)
    return membership


def organisation_propose(*, user, data: dict, position: str = "", actor) -> Membership:
    """Propose a new organisation: it waits, hidden, for ROPS; the proposer becomes its administrator."""
    if not user.is_authenticated:
        raise NotAllowedError(_("Aby zaproponować organizację, prosimy się zalogować."))
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
        audit_record(
            actor=actor,
            action="partners.organisation.propose",
            target=organisation,
            summary=_("Zaproponowano organizację %(organisation)s (czeka na weryfikację)")
            % {"organisation": organisation.name},
            changes={name: value for name, value in data.items() if value not in ("", None)},
        )
        _notify_deciders(membership)
    return membership


def membership_approve(*, membership: Membership, actor, role: str | None = None) -> Membership:
    """Approve a pending join request (ROPS staff or the organisation's administrator)."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("organisation", "user")
            .get(pk=membership.pk)
        )
        organisation = membership.organisation
        if not can_decide_memberships(user=actor, organisation=organisation):
            raise NotAllowedError(
                _("Brak uprawnień do rozpatrywania próśb o dołączenie do tej organizacji.")
            )
        if membership.status != Membership.Status.PENDING:
            raise MembershipError(_("Ta prośba została już rozpatrzona."))
        old_role = membership.role
        if role is not None:
            if role not in Membership.Role.values:
                raise MembershipError(_("Nieznana rola."))
            membership.role = role
        membership.status = Membership.Status.APPROVED
        membership.decided_at = timezone.now()
        membership.decided_by = actor
        membership._history_user = actor
        membership.save()
        audit_record(
            actor=actor,
            action="partners.membership.approve",
            target=membership,
            summary=_("Zatwierdzono prośbę o dołączenie: %(user)s do %(organisation)s")
            % {"user": membership.user.email, "organisation": organisation.name},
            changes={
                "status": [Membership.Status.PENDING, Membership.Status.APPROVED],
                **({"role": [old_role, membership.role]} if old_role != membership.role else {}),
            },
        )
        if not organisation.is_verified:
            # Only staff allowed to verify get here (can_decide_memberships); approving verifies.
            _verify(organisation=organisation, actor=actor)
        _notify_requester(membership)
    return membership


def membership_reject(*, membership: Membership, actor, note: str = "") -> Membership:
    """Reject a pending join request, with an optional reason shown to the requester."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("organisation", "user")
            .get(pk=membership.pk)
        )
        if not can_decide_memberships(user=actor, organisation=membership.organisation):
            raise NotAllowedError(
                _("Brak uprawnień do rozpatrywania próśb o dołączenie do tej organizacji.")
            )
        if membership.status != Membership.Status.PENDING:
            raise MembershipError(_("Ta prośba została już rozpatrzona."))
        membership.status = Membership.Status.REJECTED
        membership.decided_at = timezone.now()
        membership.decided_by = actor
        membership.decision_note = note
        membership._history_user = actor
        membership.save()
        audit_record(
            actor=actor,
            action="partners.membership.reject",
            target=membership,
            summary=_("Odrzucono prośbę o dołączenie: %(user)s do %(organisation)s")
            % {"user": membership.user.email, "organisation": membership.organisation.name},
            changes={
                "status": [Membership.Status.PENDING, Membership.Status.REJECTED],
                "decision_note": note,
            },
        )
        _notify_requester(membership)
    return membership


def organisation_verify(*, organisation: Organisation, actor) -> Organisation:
    """Confirm an organisation proposed by a user, so it may appear in the catalogue."""
    if not actor.has_perm("partners.verify_organisation"):
        raise NotAllowedError(_("Brak uprawnień do weryfikacji organizacji."))
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.is_verified:
            raise PartnersError(_("Ta organizacja jest już zweryfikowana."))
        _verify(organisation=organisation, actor=actor)
    return organisation


def _verify(*, organisation: Organisation, actor) -> None:
    organisation.is_verified = True
    organisation._history_user = actor
    organisation.save(update_fields=["is_verified", "updated_at"])
    audit_record(
        actor=actor,
        action="partners.organisation.verify",
        target=organisation,
        summary=_("Zweryfikowano organizację %(organisation)s")
        % {"organisation": organisation.name},
        changes={"is_verified": [False, True]},
    )


def organisation_update_public_profile(
    *, organisation: Organisation, data: dict, actor
) -> Organisation:
    """Change the public profile (only PUBLIC_PROFILE_FIELDS) as the organisation's administrator."""
    if not can_edit_profile(user=actor, organisation=organisation):
        raise NotAllowedError(_("Tylko administrator organizacji może zmieniać jej profil."))
    unknown = set(data) - set(PUBLIC_PROFILE_FIELDS)
    if unknown:
        raise NotAllowedError(
            _("Tych danych nie można zmienić w profilu: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = copy.copy(organisation)
        for name, value in data.items():
            setattr(organisation, name, value)
        organisation.full_clean()
        organisation._history_user = actor
        organisation.save()
        audit_record(
            actor=actor,
            action="partners.organisation.profile_edit",
            target=organisation,
            summary=_("Zmieniono profil publiczny organizacji %(organisation)s")
            % {"organisation": organisation.name},
            changes=field_changes(before, organisation, list(data)),
        )
    return organisation


def organisation_import_record(*, actor, totals: dict, file_name: str = "") -> None:
    """Record a confirmed import of the register (call it inside the import's transaction)."""
    audit_record(
        actor=actor,
        action="partners.organisation.import",
        summary=_(
            "Import rejestru organizacji z pliku %(file)s: nowe %(new)d, zmienione %(update)d, bez zmian %(skip)d"
        )
        % {
            "file": file_name or "–",
            "new": totals.get("new", 0),
            "update": totals.get("update", 0),
            "skip": totals.get("skip", 0),
        },
        changes={"file": file_name, **totals},
    )


def organisation_export_record(*, actor, count: int, file_format: str) -> None:
    """Record that staff exported the register (it holds contact data of people)."""
    if not actor.has_perm("partners.export_organisation"):
        raise NotAllowedError(_("Brak uprawnień do eksportu rejestru organizacji."))
    with transaction.atomic():
        job_admit(actor=actor, action="partners.organisation.export")
        audit_record(
            actor=actor,
            action="partners.organisation.export",
            summary=_("Eksport rejestru organizacji (%(format)s), liczba organizacji: %(count)d")
            % {"format": file_format, "count": count},
            changes={"count": count, "format": file_format},
        )


def registry_object_save(*, obj, actor, created: bool, changed_fields: list[str] | None = None):
    """Save a register record edited by staff in the admin, with its author in history and the audit trail."""
    model = obj._meta.model_name
    with transaction.atomic():
        obj._history_user = actor
        obj.save()
        audit_record(
            actor=actor,
            action=f"partners.{model}.{'create' if created else 'change'}",
            target=obj,
            summary=(_("Dodano: %(object)s") if created else _("Zmieniono: %(object)s"))
            % {"object": obj},
            changes={"fields": sorted(changed_fields or [])},
        )
    return obj


def registry_object_delete(*, obj, actor) -> None:
    """Delete a register record in the admin, recording who did it."""
    model = obj._meta.model_name
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=f"partners.{model}.delete",
            target=obj,
            summary=_("Usunięto: %(object)s") % {"object": obj},
        )
        obj._history_user = actor
        obj.delete()


def _region_email() -> str:
    region = Region.objects.filter(site_id=settings.SITE_ID).first()
    return region.email if region and region.email else ""


def _notify_deciders(membership: Membership) -> None:
    organisation = membership.organisation
    admins = (
        list(
            Membership.objects.filter(
                organisation=organisation,
                status=Membership.Status.APPROVED,
                role=Membership.Role.ADMIN,
            ).select_related("user")
        )
        if organisation.is_verified
        else []
    )
    recipients = [admin.user.email for admin in admins] or [_region_email()]
    stamp = membership.requested_at.strftime("%Y%m%d%H%M%S%f")
    for address in filter(None, recipients):
        email_enqueue(
            to=address,
            subject=_("Prośba o dołączenie do organizacji: %(organisation)s")
            % {"organisation": organisation.name},
            template="partners_join_request",
            context={
                "membership": membership,
                "organisation": organisation,
                "proposed": not organisation.is_verified,
            },
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
        context={
            "membership": membership,
            "organisation": membership.organisation,
            "approved": approved,
        },
        dedup_key=f"partners:membership-decided:{membership.pk}:{stamp}",
    )
