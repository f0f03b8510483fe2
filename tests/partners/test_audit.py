"""Every partners service writes its audit entry with the actor; the admin goes through the services."""

import io

import pytest
from django.urls import reverse

from partners import services
from partners.models import Cooperation, Membership, Organisation
from portal import roles
from portal.models import AuditLogEntry, OutboundEmail
from tests.factories import RegionFactory, RoleUserFactory, UserFactory

from .factories import (
    GminaFactory,
    MembershipFactory,
    OrganisationFactory,
    organisation_import_dataset,
)


def entries(action: str) -> list[AuditLogEntry]:
    return list(AuditLogEntry.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def registry_editor(db):
    return RoleUserFactory(role=roles.REGISTRY_EDITOR)


@pytest.mark.django_db
def test_join_request_approval_and_rejection_are_audited_with_their_actor():
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    first, second = UserFactory(), UserFactory()
    approved = services.membership_request(
        user=first, organisation=organisation, position="księgowa", actor=first
    )
    rejected = services.membership_request(user=second, organisation=organisation, actor=second)
    services.membership_approve(membership=approved, actor=admin, role=Membership.Role.ADMIN)
    services.membership_reject(membership=rejected, actor=admin, note="Nie pracuje u nas")

    requests = entries("partners.membership.request")
    assert [(e.actor, e.object_id) for e in requests] == [
        (first, str(approved.pk)),
        (second, str(rejected.pk)),
    ]
    assert requests[0].changes == {"position": "księgowa"}
    [approval] = entries("partners.membership.approve")
    assert approval.actor == admin and approval.changes["status"] == ["pending", "approved"]
    assert approval.changes["role"] == ["member", "admin"]
    [rejection] = entries("partners.membership.reject")
    assert rejection.actor == admin and rejection.changes["decision_note"] == "Nie pracuje u nas"


@pytest.mark.django_db
def test_proposal_verification_and_profile_edit_are_audited(registry_editor):
    RegionFactory(email="rops@example.org")
    proposer = UserFactory()
    membership = services.organisation_propose(
        user=proposer,
        data={"kind": "lgd", "name": "LGD Nowa", "seat_gmina": GminaFactory()},
        actor=proposer,
    )
    organisation = membership.organisation
    [proposal] = entries("partners.organisation.propose")
    assert (proposal.actor, proposal.object_id, proposal.changes["name"]) == (
        proposer,
        str(organisation.pk),
        "LGD Nowa",
    )

    services.organisation_verify(organisation=organisation, actor=registry_editor)
    [verification] = entries("partners.organisation.verify")
    assert verification.actor == registry_editor and verification.changes == {
        "is_verified": [False, True]
    }

    services.organisation_update_public_profile(
        organisation=organisation,
        data={"description": "Działamy na wsi", "phone": ""},
        actor=registry_editor,
    )
    [edit] = entries("partners.organisation.profile_edit")
    assert edit.actor == registry_editor and edit.changes == {
        "description": ["", "Działamy na wsi"]
    }


@pytest.mark.django_db
def test_staff_without_the_permission_cannot_verify_and_nothing_is_recorded():
    organisation = OrganisationFactory(is_verified=False)
    with pytest.raises(services.NotAllowedError):
        services.organisation_verify(
            organisation=organisation, actor=RoleUserFactory(role=roles.REPORTING)
        )
    organisation.refresh_from_db()
    assert not organisation.is_verified and not entries("partners.organisation.verify")


@pytest.mark.django_db
def test_approving_in_the_admin_records_the_decider_the_audit_entry_and_queues_the_email(
    client, registry_editor
):
    pending = MembershipFactory(status=Membership.Status.PENDING)
    client.force_login(registry_editor)
    response = client.post(
        reverse("admin:partners_membership_changelist"),
        {"action": "approve_selected", "_selected_action": [pending.pk]},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == (Membership.Status.APPROVED, registry_editor)
    [approval] = entries("partners.membership.approve")
    assert approval.actor == registry_editor and approval.object_id == str(pending.pk)
    assert OutboundEmail.objects.filter(
        to=pending.user.email, dedup_key__startswith=f"partners:membership-decided:{pending.pk}:"
    ).exists()


@pytest.mark.django_db
def test_membership_status_and_verification_are_read_only_in_the_admin(client, registry_editor):
    pending = MembershipFactory(
        status=Membership.Status.PENDING, organisation=OrganisationFactory(is_verified=False)
    )
    client.force_login(registry_editor)
    form = (
        client.get(reverse("admin:partners_membership_change", args=[pending.pk]))
        .context["adminform"]
        .form
    )
    assert "status" not in form.fields and "role" in form.fields
    response = client.post(
        reverse("admin:partners_membership_change", args=[pending.pk]),
        {
            "user": pending.user_id,
            "organisation": pending.organisation_id,
            "role": "member",
            "status": "approved",
        },
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING and pending.decided_by is None
    organisation_form = (
        client.get(reverse("admin:partners_organisation_change", args=[pending.organisation_id]))
        .context["adminform"]
        .form
    )
    assert "is_verified" not in organisation_form.fields


@pytest.mark.django_db
def test_verify_action_in_the_admin_uses_the_service(client, registry_editor):
    proposed = OrganisationFactory(is_verified=False)
    client.force_login(registry_editor)
    client.post(
        reverse("admin:partners_organisation_changelist"),
        {"action": "verify_selected", "_selected_action": [proposed.pk]},
    )
    proposed.refresh_from_db()
    assert proposed.is_verified
    assert entries("partners.organisation.verify")[0].actor == registry_editor


@pytest.mark.django_db
def test_register_export_in_the_admin_is_recorded(client, registry_editor):
    OrganisationFactory.create_batch(3)
    client.force_login(registry_editor)
    response = client.post(
        reverse("admin:partners_organisation_export"),
        {
            "format": "1",
            "resource": "0",
            "organisationresource_name": "on",
            "organisationresource_email": "on",
        },
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    [export] = entries("partners.organisation.export")
    assert export.actor == registry_editor and export.changes == {"count": 3, "format": "xlsx"}


@pytest.mark.django_db
def test_confirmed_import_in_the_admin_is_recorded_and_the_preview_is_not(client, registry_editor):
    dataset, _ = organisation_import_dataset(count=4, gmina_codes=[GminaFactory().teryt])
    upload = io.BytesIO(dataset.export("csv").encode())
    upload.name = "organizacje.csv"
    client.force_login(registry_editor)
    response = client.post(
        reverse("admin:partners_organisation_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    assert response.status_code == 200 and not entries("partners.organisation.import")
    client.post(
        reverse("admin:partners_organisation_process_import"),
        response.context["confirm_form"].initial,
    )
    assert Organisation.objects.count() == 4
    [record] = entries("partners.organisation.import")
    assert record.actor == registry_editor and record.changes["new"] == 4
    assert record.changes["file"] == "organizacje.csv"


@pytest.mark.django_db
def test_terc_import_is_recorded_for_staff_and_for_the_command_line(client, registry_editor):
    from .test_teryt import SMALL

    services.territory_import_terc(data=SMALL.encode(), actor=None)
    [system] = entries("partners.territorialunit.import")
    assert (
        system.actor is None and system.actor_label == "system" and system.changes["created"] == 6
    )
    upload = io.BytesIO(SMALL.encode())
    upload.name = "terc.csv"
    client.force_login(registry_editor)
    assert (
        client.post(
            reverse("admin:partners_territorialunit_import_terc"), {"file": upload}
        ).status_code
        == 302
    )
    assert entries("partners.territorialunit.import")[-1].actor == registry_editor


@pytest.mark.django_db
def test_cooperation_changes_in_the_admin_are_recorded(client, registry_editor):
    source, target = OrganisationFactory(), OrganisationFactory()
    client.force_login(registry_editor)
    response = client.post(
        reverse("admin:partners_cooperation_add"),
        {"source": source.pk, "target": target.pk, "kind": "agreement"},
    )
    assert response.status_code == 302
    cooperation = Cooperation.objects.get()
    [created] = entries("partners.cooperation.create")
    assert created.actor == registry_editor and created.object_id == str(cooperation.pk)
    client.post(
        reverse("admin:partners_cooperation_delete", args=[cooperation.pk]), {"post": "yes"}
    )
    assert not Cooperation.objects.exists()
    assert entries("partners.cooperation.delete")[0].actor == registry_editor
