"""The staff roles exist after migrate, and the audit trail is readable only by those allowed."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from portal import roles
from portal.audit import audit_record
from portal.models import AuditLogEntry, Region
from tests.factories import RegionFactory, RoleUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def test_migrations_create_every_staff_role():
    assert set(Group.objects.filter(name__in=roles.STAFF_ROLES).values_list("name", flat=True)) == set(
        roles.STAFF_ROLES
    )


def test_rops_administrator_reads_the_audit_trail_and_others_do_not():
    administrator = RoleUserFactory(role=roles.ROPS_ADMINISTRATOR)
    assert administrator.has_perm("portal.view_auditlogentry")
    for role in (roles.EVENTS_COORDINATOR, roles.REGISTRY_EDITOR, roles.ADVISORY_OFFICER, roles.REPORTING, None):
        assert not RoleUserFactory(role=role).has_perm("portal.view_auditlogentry"), role


def test_audit_record_keeps_actor_object_and_changes():
    actor = StaffUserFactory()
    region = RegionFactory()
    entry = audit_record(
        actor=actor, action="portal.region.change", target=region, summary="Zmiana nazwy",
        changes={"name": ["stara", "nowa"]},
    )
    entry.refresh_from_db()
    assert entry.actor == actor and entry.actor_label == actor.email
    assert entry.content_type.model_class() is Region and entry.object_id == str(region.pk)
    assert entry.changes == {"name": ["stara", "nowa"]}


def test_system_actions_are_labelled_as_such():
    entry = audit_record(actor=None, action="events.event.finish", summary="Zakończono automatycznie")
    assert entry.actor is None and entry.actor_label == "system"


def test_nobody_can_edit_or_delete_the_trail_in_the_admin(client):
    entry = audit_record(actor=None, action="portal.test", summary="x")
    client.force_login(StaffUserFactory())
    change_url = reverse("admin:portal_auditlogentry_change", args=[entry.pk])
    assert client.post(change_url, {"summary": "zmienione"}).status_code == 403
    assert client.post(reverse("admin:portal_auditlogentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.summary == "x" and AuditLogEntry.objects.filter(pk=entry.pk).exists()


def test_staff_without_a_role_cannot_open_the_audit_trail(client):
    client.force_login(RoleUserFactory(role=None))
    response = client.get(reverse("admin:portal_auditlogentry_changelist"))
    assert response.status_code in (302, 403)
