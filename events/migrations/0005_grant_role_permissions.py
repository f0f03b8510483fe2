"""Grant the events app's permissions to the staff roles (docs/permissions.md, section Events)."""

from django.db import migrations

from portal.roles import grant_permissions, revoke_permissions

MODELS = [
    "event", "agendaitem", "question", "registration", "attendance", "certificate",
    "material", "report", "reportphoto", "postulate", "consenttext", "targetgroup",
]
CUSTOM = [
    "events.publish_event", "events.cancel_event", "events.finish_event",
    "events.manage_checkin", "events.view_attendance_list",
    "events.manage_registration", "events.export_registration",
    "events.issue_certificate", "events.download_certificate",
    "events.download_private_material", "events.publish_report",
]


def crud(*models, verbs=("view", "add", "change", "delete")):
    return [f"events.{verb}_{model}" for model in models for verb in verbs]


# Frozen here (not imported from the app) so that later edits of the matrix need a new migration.
ROLE_PERMISSIONS = {
    "Administrator ROPS": [*crud(*MODELS), *CUSTOM],
    "Koordynator wydarzeń": [
        *crud("event", "agendaitem", "question", "material", "report", "reportphoto", "postulate"),
        *crud("registration", "attendance", "certificate", "consenttext", "targetgroup", verbs=("view",)),
        *CUSTOM,
    ],
    "Raportowanie (tylko odczyt)": [*crud(*MODELS, verbs=("view",)), "events.view_attendance_list"],
    "Redaktor rejestru partnerów": ["events.view_event"],
    "Pracownik doradztwa": ["events.view_event"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_roles_permissions_health_consent"),
        ("portal", "0002_audit_and_roles"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: grant_permissions(apps, ROLE_PERMISSIONS),
            lambda apps, schema_editor: revoke_permissions(apps, ROLE_PERMISSIONS),
        ),
    ]
