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
    assert set(
        Group.objects.filter(name__in=roles.STAFF_ROLES).values_list("name", flat=True)
    ) == set(roles.STAFF_ROLES)


def test_rops_administrator_reads_the_audit_trail_and_others_do_not():
    administrator = RoleUserFactory(role=roles.ROPS_ADMINISTRATOR)
    assert administrator.has_perm("portal.view_auditlogentry")
    for role in (
        roles.EVENTS_COORDINATOR,
        roles.REGISTRY_EDITOR,
        roles.ADVISORY_OFFICER,
        roles.REPORTING,
        None,
    ):
        assert not RoleUserFactory(role=role).has_perm("portal.view_auditlogentry"), role


def test_audit_record_keeps_actor_object_and_changes():
    actor = StaffUserFactory()
    region = RegionFactory()
    entry = audit_record(
        actor=actor,
        action="portal.region.change",
        target=region,
        summary="Zmiana nazwy",
        changes={"name": ["stara", "nowa"]},
    )
    entry.refresh_from_db()
    assert entry.actor == actor and entry.actor_label == actor.email
    assert entry.content_type.model_class() is Region and entry.object_id == str(region.pk)
    assert entry.changes == {"name": ["stara", "nowa"]}


def test_system_actions_are_labelled_as_such():
    entry = audit_record(
        actor=None, action="events.event.finish", summary="Zakończono automatycznie"
    )
    assert entry.actor is None and entry.actor_label == "system"


def test_nobody_can_edit_or_delete_the_trail_in_the_admin(client):
    entry = audit_record(actor=None, action="portal.test", summary="x")
    client.force_login(StaffUserFactory())
    change_url = reverse("admin:portal_auditlogentry_change", args=[entry.pk])
    assert client.post(change_url, {"summary": "zmienione"}).status_code == 403
    assert (
        client.post(
            reverse("admin:portal_auditlogentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.summary == "x" and AuditLogEntry.objects.filter(pk=entry.pk).exists()


def test_staff_without_a_role_cannot_open_the_audit_trail(client):
    client.force_login(RoleUserFactory(role=None))
    response = client.get(reverse("admin:portal_auditlogentry_changelist"))
    assert response.status_code in (302, 403)


def test_granting_a_role_in_the_admin_is_recorded_with_who_granted_it(client):
    administrator = StaffUserFactory()
    person = RoleUserFactory(role=None)
    group = Group.objects.get(name=roles.EVENTS_COORDINATOR)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:portal_user_change", args=[person.pk]),
        {
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "phone": "",
            "is_active": "on",
            "is_staff": "on",
            "groups": [group.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditLogEntry.objects.get(action="portal.user.access_change", object_id=str(person.pk))
    assert entry.actor == administrator
    assert entry.changes["groups"] == [[], [roles.EVENTS_COORDINATOR]]


def test_resending_the_outbox_needs_its_permission(client):
    from portal.models import OutboundEmail

    email = OutboundEmail.objects.create(
        dedup_key="k1", to="a@example.org", subject="s", body_text="b"
    )
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    response = client.post(
        reverse("admin:portal_outboundemail_changelist"),
        {"action": "send_now", "_selected_action": [email.pk]},
    )
    email.refresh_from_db()
    assert email.sent_at is None
    assert response.status_code in (302, 403)


def test_anonymising_an_account_is_recorded():
    from portal.services import user_anonymise

    person = RoleUserFactory(role=None)
    old_email = person.email
    user_anonymise(user=person, actor=person)
    entry = AuditLogEntry.objects.get(action="portal.user.anonymise", object_id=str(person.pk))
    assert entry.actor_id == person.pk
    assert entry.actor_label.startswith("usuniete-konto-")
    assert not AuditLogEntry.objects.filter(actor_label=old_email).exists()
