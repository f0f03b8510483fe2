"""Join requests, decisions (who may decide), proposals, public profile edits and their history."""

import pytest
from django.core import mail

from partners import services
from partners.exceptions import MembershipError, NotAllowedError
from partners.models import Membership, Organisation
from partners.selectors import (
    jst_list_for_member,
    membership_is_admin,
    membership_is_approved,
    organisation_list_for_member,
)
from portal.models import OutboundEmail
from tests.concurrency import run_together
from tests.factories import RegionFactory, StaffUserFactory, UserFactory

from .factories import GminaFactory, JstFactory, MembershipFactory, OrganisationFactory


def outbox() -> list[OutboundEmail]:
    """E-mails stored in the outbox (sent by Celery after commit)."""
    return list(OutboundEmail.objects.order_by("pk"))


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def org_admin(organisation):
    return MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user


@pytest.mark.django_db
def test_join_request_is_pending_and_notifies_the_organisation_admins(
    organisation, org_admin, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_request(
            user=user, organisation=organisation, position="księgowa", actor=user
        )
    assert membership.status == Membership.Status.PENDING
    assert not membership_is_approved(user=user, organisation=organisation)
    assert list(organisation_list_for_member(user=user)) == []
    assert [m.to for m in mail.outbox] == [[org_admin.email]]
    assert (
        user.email in mail.outbox[0].body
        and f"/partnerzy/{organisation.pk}/prosby/" in mail.outbox[0].body
    )


@pytest.mark.django_db
def test_join_request_without_admins_goes_to_rops():
    RegionFactory(email="rops@example.org")
    organisation = OrganisationFactory()
    user = UserFactory()
    services.membership_request(user=user, organisation=organisation, actor=user)
    assert [m.to for m in outbox()] == ["rops@example.org"]


@pytest.mark.django_db
def test_second_request_while_pending_or_approved_is_refused(organisation):
    user = UserFactory()
    services.membership_request(user=user, organisation=organisation, actor=user)
    with pytest.raises(MembershipError, match="czeka już na decyzję"):
        services.membership_request(user=user, organisation=organisation, actor=user)
    member = MembershipFactory(organisation=organisation).user
    with pytest.raises(MembershipError, match="jest już członkiem"):
        services.membership_request(user=member, organisation=organisation, actor=member)
    assert Membership.objects.filter(organisation=organisation).count() == 2


@pytest.mark.django_db
def test_rejected_user_may_ask_again(organisation, org_admin):
    user = UserFactory()
    membership = services.membership_request(user=user, organisation=organisation, actor=user)
    services.membership_reject(membership=membership, actor=org_admin, note="Nie pracuje u nas")
    again = services.membership_request(user=user, organisation=organisation, actor=user)
    assert (
        again.pk == membership.pk
        and again.status == Membership.Status.PENDING
        and again.decision_note == ""
    )
    # Both requests notified the admin: the second is a new e-mail, not swallowed by deduplication.
    assert sum(1 for m in outbox() if m.to == org_admin.email) == 2


@pytest.mark.django_db
def test_unverified_organisation_cannot_be_joined():
    organisation = OrganisationFactory(is_verified=False)
    user = UserFactory()
    with pytest.raises(MembershipError, match="weryfikację"):
        services.membership_request(user=user, organisation=organisation, actor=user)


@pytest.mark.django_db
def test_admin_approves_and_user_may_then_act_for_the_organisation(organisation, org_admin):
    user = UserFactory()
    membership = services.membership_request(user=user, organisation=organisation, actor=user)
    OutboundEmail.objects.all().delete()
    services.membership_approve(membership=membership, actor=org_admin)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED and membership.decided_by == org_admin
    assert membership_is_approved(user=user, organisation=organisation)
    assert not membership_is_admin(user=user, organisation=organisation)
    assert list(organisation_list_for_member(user=user)) == [organisation]
    assert outbox()[0].to == user.email and "zatwierdzona" in outbox()[0].body_text


@pytest.mark.django_db
def test_admin_can_grant_admin_role(organisation, org_admin):
    user = UserFactory()
    membership = services.membership_request(user=user, organisation=organisation, actor=user)
    services.membership_approve(membership=membership, actor=org_admin, role=Membership.Role.ADMIN)
    assert membership_is_admin(user=user, organisation=organisation)


@pytest.mark.django_db
def test_plain_member_outsider_and_admin_of_another_organisation_cannot_decide(organisation):
    membership = MembershipFactory(organisation=organisation, status=Membership.Status.PENDING)
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    other_admin = MembershipFactory(role=Membership.Role.ADMIN).user
    pending_admin = MembershipFactory(
        organisation=organisation, role=Membership.Role.ADMIN, status=Membership.Status.PENDING
    ).user
    for actor in (member, UserFactory(), other_admin, pending_admin):
        with pytest.raises(NotAllowedError):
            services.membership_approve(membership=membership, actor=actor)
        with pytest.raises(NotAllowedError):
            services.membership_reject(membership=membership, actor=actor)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING


@pytest.mark.django_db
def test_decided_request_cannot_be_decided_again(organisation, org_admin):
    membership = MembershipFactory(organisation=organisation, status=Membership.Status.PENDING)
    services.membership_reject(
        membership=membership, actor=org_admin, note="Brak związku z organizacją"
    )
    with pytest.raises(MembershipError, match="już rozpatrzona"):
        services.membership_approve(membership=membership, actor=org_admin)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REJECTED
    assert "Brak związku z organizacją" in outbox()[-1].body_text


@pytest.mark.django_db
def test_proposed_organisation_waits_for_staff_who_verify_it_by_approving():
    RegionFactory(email="rops@example.org")
    user = UserFactory()
    gmina = GminaFactory()
    membership = services.organisation_propose(
        user=user,
        data={
            "kind": Organisation.Kind.PES,
            "legal_form": "fundacja",
            "name": "Fundacja Nowa",
            "seat_gmina": gmina,
            "nip": "526-025-09-95",
        },
        position="prezeska",
        actor=user,
    )
    organisation = membership.organisation
    assert (organisation.is_verified, organisation.is_public, organisation.nip) == (
        False,
        False,
        "5260250995",
    )
    assert (
        membership.role == Membership.Role.ADMIN and membership.status == Membership.Status.PENDING
    )
    assert (
        outbox()[0].to == "rops@example.org"
        and "/admin/partners/membership/" in outbox()[0].body_text
    )
    # Nobody but staff may approve: the proposer is not yet an admin.
    with pytest.raises(NotAllowedError):
        services.membership_approve(membership=membership, actor=user)
    services.membership_approve(membership=membership, actor=StaffUserFactory())
    organisation.refresh_from_db()
    assert organisation.is_verified and membership_is_admin(user=user, organisation=organisation)


@pytest.mark.django_db
def test_proposal_with_invalid_nip_writes_nothing():
    from django.core.exceptions import ValidationError

    user = UserFactory()
    with pytest.raises(ValidationError):
        services.organisation_propose(
            user=user,
            data={"kind": "owes", "name": "X", "seat_gmina": GminaFactory(), "nip": "1234567890"},
            actor=user,
        )
    assert not Organisation.objects.filter(name="X").exists() and not Membership.objects.exists()


@pytest.mark.django_db
def test_jst_list_for_member_only_lists_approved_jst_memberships():
    user = UserFactory()
    jst = JstFactory(jst_type=Organisation.JstType.GMINA_RURAL)
    MembershipFactory(user=user, organisation=jst)
    MembershipFactory(user=user)  # an OWES
    MembershipFactory(
        user=user,
        organisation=JstFactory(jst_type="gmina_wiejska"),
        status=Membership.Status.PENDING,
    )
    assert list(jst_list_for_member(user=user)) == [jst]


@pytest.mark.django_db
def test_public_profile_update_by_admin_is_limited_and_recorded_in_history(organisation, org_admin):
    services.organisation_update_public_profile(
        organisation=organisation,
        data={"description": "Nowy opis", "phone": "58 111 22 33"},
        actor=org_admin,
    )
    organisation.refresh_from_db()
    assert organisation.description == "Nowy opis"
    latest = organisation.history.latest()
    assert latest.history_user == org_admin and latest.description == "Nowy opis"
    with pytest.raises(NotAllowedError, match="nip"):
        services.organisation_update_public_profile(
            organisation=organisation, data={"nip": "5260250995"}, actor=org_admin
        )
    member = MembershipFactory(organisation=organisation).user
    with pytest.raises(NotAllowedError):
        services.organisation_update_public_profile(
            organisation=organisation, data={"phone": "1"}, actor=member
        )
    organisation.refresh_from_db()
    assert organisation.nip is None and organisation.phone == "58 111 22 33"


def _run_together(count, target):
    """Run target(i) for i in range(count) at once; return the successes and the errors."""
    results, errors = run_together([lambda i=i: target(i) for i in range(count)])
    return [r for r, e in zip(results, errors, strict=True) if e is None], [
        e for e in errors if e is not None
    ]


@pytest.mark.django_db(transaction=True)
def test_parallel_join_requests_of_one_user_create_one_membership():
    organisation = OrganisationFactory()
    user = UserFactory()
    results, errors = _run_together(
        4, lambda i: services.membership_request(user=user, organisation=organisation, actor=user)
    )
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(error, MembershipError) for error in errors)
    assert Membership.objects.filter(user=user, organisation=organisation).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_decisions_on_one_request_apply_once():
    organisation = OrganisationFactory()
    admins = [
        MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
        for _ in range(3)
    ]
    membership = MembershipFactory(organisation=organisation, status=Membership.Status.PENDING)

    def decide(index):
        if index % 2:
            return services.membership_reject(membership=membership, actor=admins[index])
        return services.membership_approve(membership=membership, actor=admins[index])

    results, errors = _run_together(3, decide)
    assert len(results) == 1 and len(errors) == 2
    assert all(isinstance(error, MembershipError) for error in errors)
    membership.refresh_from_db()
    assert membership.decided_by == results[0].decided_by
    assert membership.history.filter(status__in=["approved", "rejected"]).count() == 1
    assert OutboundEmail.objects.filter(to=membership.user.email).count() == 1
