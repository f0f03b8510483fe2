"""Grant the permissions of parallel sessions (workshops) to the staff roles (docs/permissions.md)."""

from django.db import migrations

from portal.roles import grant_permissions, revoke_permissions


def crud(*models, verbs=("view", "add", "change", "delete")):
    return [f"events.{verb}_{model}" for model in models for verb in verbs]


# Frozen here (not imported from the app) so that later edits of the matrix need a new migration.
# Session places change only through the services (choice at registration, staff assignment
# with events.manage_registration), so the roles may only view them.
ROLE_PERMISSIONS = {
    "Administrator ROPS": [*crud("sessionslot", "eventsession"), "events.view_sessionplace"],
    "Koordynator wydarzeń": [*crud("sessionslot", "eventsession"), "events.view_sessionplace"],
    "Raportowanie (tylko odczyt)": crud(
        "sessionslot", "eventsession", "sessionplace", verbs=("view",)
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_sessions_walk_ins"),
        ("portal", "0002_audit_and_roles"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant_permissions(apps, ROLE_PERMISSIONS),
            lambda apps, schema_editor: revoke_permissions(apps, ROLE_PERMISSIONS),
        ),
    ]
