"""The permission matrix of docs/permissions.md ("## Partners"), one test per cell.

Each cell tries one action as one actor. A forbidden action must answer 403 or 404 and change
nothing; an allowed one must work. Staff roles are groups from portal.roles with the
permissions granted by partners/migrations/0005; "none" is staff with no permissions at all.
"""

import pytest
from django.urls import reverse

from partners.models import Membership, Organisation
from portal import roles
from portal.models import AuditLogEntry
from tests.factories import RoleUserFactory, UserFactory

from .factories import MembershipFactory, OrganisationFactory

STAFF = {
    "rops": roles.ROPS_ADMINISTRATOR,
    "events": roles.EVENTS_COORDINATOR,
    "registry": roles.REGISTRY_EDITOR,
    "advisory": roles.ADVISORY_OFFICER,
    "reporting": roles.REPORTING,
    "none": None,
}
# Non-staff actors: a member and the administrator of the organisation under test, the
# administrator of another organisation, and a signed-in user with no membership.
PEOPLE = ["member", "org_admin", "other_admin", "user"]
VIEWERS = {"rops", "registry", "reporting", "events", "advisory"}
REGISTRY = {"rops", "registry"}

# action -> who may do it (everyone else must be refused)
SITE_MATRIX = {
    "view_unpublished_organisation": VIEWERS | {"member", "org_admin"},
    "open_profile_editor": REGISTRY | {"org_admin"},
    "save_profile": REGISTRY | {"org_admin"},
    "open_join_requests": REGISTRY | {"org_admin"},
    "decide_join_request": REGISTRY | {"org_admin"},
    "decide_proposed_organisation": REGISTRY,
}
ADMIN_MATRIX = {
    "admin_approve_membership": REGISTRY,
    "admin_verify_organisation": REGISTRY,
    "admin_change_organisation": REGISTRY,
    "admin_open_export": REGISTRY,
    "admin_export_file": REGISTRY,
    "admin_open_import": REGISTRY,
    "admin_import_terc": REGISTRY,
}


@pytest.fixture
def world(db):
    """An unpublished verified organisation with its admin, a member and a pending request; a proposed one."""
    organisation = OrganisationFactory(
        name="Fundacja Niepubliczna", is_public=False, description="Stary opis"
    )
    org_admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    member = MembershipFactory(organisation=organisation).user
    pending = MembershipFactory(organisation=organisation, status=Membership.Status.PENDING)
    proposed = OrganisationFactory(
        name="Spółdzielnia Zaproponowana", is_verified=False, is_public=False
    )
    proposer = MembershipFactory(
        organisation=proposed, role=Membership.Role.ADMIN, status=Membership.Status.PENDING
    )
    return {
        "organisation": organisation,
        "org_admin": org_admin,
        "member": member,
        "pending": pending,
        "proposed": proposed,
        "proposer": proposer,
    }


def _actor(name, world):
    if name in STAFF:
        return RoleUserFactory(role=STAFF[name])
    if name in ("member", "org_admin"):
        return world[name]
    if name == "other_admin":
        return MembershipFactory(role=Membership.Role.ADMIN).user
    return UserFactory()


def _state(world):
    """Everything the actions could change."""
    organisation = Organisation.objects.get(pk=world["organisation"].pk)
    proposed = Organisation.objects.get(pk=world["proposed"].pk)
    return (
        organisation.name,
        organisation.description,
        proposed.is_verified,
        tuple(Membership.objects.order_by("pk").values_list("status", "role", "decided_by")),
        AuditLogEntry.objects.filter(action__startswith="partners.").count(),
    )


def _do(action, client, world):
    """Try the action; return the response."""
    organisation, pending = world["organisation"], world["pending"]
    if action == "view_unpublished_organisation":
        return client.get(reverse("partners:organisation_detail", args=[organisation.pk]))
    if action == "open_profile_editor":
        return client.get(reverse("partners:organisation_profile_edit", args=[organisation.pk]))
    if action == "save_profile":
        return client.post(
            reverse("partners:organisation_profile_edit", args=[organisation.pk]),
            {"description": "Nowy opis"},
        )
    if action == "open_join_requests":
        return client.get(reverse("partners:membership_requests", args=[organisation.pk]))
    if action == "decide_join_request":
        return client.post(
            reverse("partners:membership_decide", args=[pending.pk]), {"decision": "approve"}
        )
    if action == "decide_proposed_organisation":
        return client.post(
            reverse("partners:membership_decide", args=[world["proposer"].pk]),
            {"decision": "approve"},
        )
    if action == "admin_approve_membership":
        return client.post(
            reverse("admin:partners_membership_changelist"),
            {"action": "approve_selected", "_selected_action": [pending.pk]},
        )
    if action == "admin_verify_organisation":
        return client.post(
            reverse("admin:partners_organisation_changelist"),
            {"action": "verify_selected", "_selected_action": [world["proposed"].pk]},
        )
    if action == "admin_change_organisation":
        return client.post(
            reverse("admin:partners_organisation_change", args=[organisation.pk]),
            {
                "kind": organisation.kind,
                "name": "Podmieniona nazwa",
                "seat_gmina": organisation.seat_gmina_id,
                "description": "Stary opis",
                **{
                    f"{prefix}-{suffix}": "0"
                    for prefix in ("statuses", "contacts", "memberships", "cooperations_out")
                    for suffix in ("TOTAL_FORMS", "INITIAL_FORMS")
                },
            },
        )
    if action == "admin_open_export":
        return client.get(reverse("admin:partners_organisation_export"))
    if action == "admin_export_file":
        return client.post(
            reverse("admin:partners_organisation_export"),
            {
                "format": "0",
                "resource": "0",
                "organisationresource_name": "on",
                "organisationresource_email": "on",
            },
        )
    if action == "admin_open_import":
        return client.get(reverse("admin:partners_organisation_import"))
    if action == "admin_import_terc":
        return client.get(reverse("admin:partners_territorialunit_import_terc"))
    raise AssertionError(action)


def _allowed_response_ok(action, response):
    if action in (
        "save_profile",
        "decide_join_request",
        "decide_proposed_organisation",
        "admin_approve_membership",
        "admin_verify_organisation",
        "admin_change_organisation",
    ):
        return response.status_code == 302
    return response.status_code == 200


def _cells(matrix, actors):
    return [
        pytest.param(action, actor, actor in allowed, id=f"{action}-{actor}")
        for action, allowed in matrix.items()
        for actor in actors
    ]


@pytest.mark.parametrize(("action", "actor", "allowed"), _cells(SITE_MATRIX, [*STAFF, *PEOPLE]))
def test_site_permission_cell(client, world, action, actor, allowed):
    client.force_login(_actor(actor, world))
    before = _state(world)
    response = _do(action, client, world)
    if allowed:
        assert _allowed_response_ok(action, response), response.status_code
        if action.startswith(("save", "decide")):
            assert _state(world) != before
    else:
        assert response.status_code in (403, 404), response.status_code
        assert _state(world) == before


@pytest.mark.parametrize(("action", "actor", "allowed"), _cells(ADMIN_MATRIX, STAFF))
def test_admin_permission_cell(client, world, action, actor, allowed):
    client.force_login(_actor(actor, world))
    before = _state(world)
    response = _do(action, client, world)
    if allowed:
        assert _allowed_response_ok(action, response), (
            response.status_code,
            getattr(response, "context", None),
        )
        if action != "admin_open_export" and action not in (
            "admin_open_import",
            "admin_import_terc",
        ):
            assert _state(world) != before
    else:
        assert response.status_code in (403, 404), response.status_code
        assert _state(world) == before


def test_staff_without_permissions_sees_no_management_links(client, world):
    client.force_login(RoleUserFactory(role=None))
    world["organisation"].is_public = True
    world["organisation"].save()
    html = client.get(
        reverse("partners:organisation_detail", args=[world["organisation"].pk])
    ).content.decode()
    assert (
        reverse("partners:organisation_profile_edit", args=[world["organisation"].pk]) not in html
    )
    assert reverse("partners:membership_requests", args=[world["organisation"].pk]) not in html


def test_terc_import_link_only_for_those_who_may_import(client, world):
    url = reverse("admin:partners_territorialunit_changelist")
    target = reverse("admin:partners_territorialunit_import_terc")
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    assert target not in client.get(url).content.decode()
    client.force_login(RoleUserFactory(role=roles.REGISTRY_EDITOR))
    assert target in client.get(url).content.decode()
