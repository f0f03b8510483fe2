"""Grant the organiser's permissions (copy, series, speakers, messages) to the staff roles."""

from django.db import migrations

from portal.roles import grant_permissions, revoke_permissions


def crud(*models, verbs=("view", "add", "change", "delete")):
    return [f"events.{verb}_{model}" for model in models for verb in verbs]


# Frozen here (not imported from the app) so that later edits of the matrix need a new migration.
ROLE_PERMISSIONS = {
    "Administrator ROPS": [
        *crud("eventseries", "eventspeaker"),
        *crud("eventmessage", verbs=("view",)),
        "events.copy_event",
        "events.message_participants",
    ],
    "Koordynator wydarzeń": [
        *crud("eventseries", "eventspeaker"),
        *crud("eventmessage", verbs=("view",)),
        "events.copy_event",
        "events.message_participants",
    ],
    "Raportowanie (tylko odczyt)": [*crud("eventseries", "eventspeaker", "eventmessage", verbs=("view",))],
}


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0010_organiser_speakers_series_messages"),
        ("portal", "0002_audit_and_roles"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant_permissions(apps, ROLE_PERMISSIONS),
            lambda apps, schema_editor: revoke_permissions(apps, ROLE_PERMISSIONS),
        ),
    ]
