from django.db import migrations

from portal import roles

REPORTING_PERMISSIONS = {
    roles.ROPS_ADMINISTRATOR: [
        "reporting.view_dashboard", "reporting.generate_report", "reporting.export_monitoring",
        "reporting.view_indicator", "reporting.add_indicator", "reporting.change_indicator",
        "reporting.delete_indicator", "reporting.view_generatedreport",
    ],
    roles.REPORTING: [
        "reporting.view_dashboard", "reporting.generate_report", "reporting.export_monitoring",
        "reporting.view_indicator", "reporting.view_generatedreport",
    ],
    roles.EVENTS_COORDINATOR: ["reporting.view_dashboard", "reporting.view_indicator"],
    roles.ADVISORY_OFFICER: ["reporting.view_dashboard", "reporting.view_indicator"],
    roles.REGISTRY_EDITOR: ["reporting.view_dashboard", "reporting.view_indicator"],
}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, REPORTING_PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke_permissions(apps, REPORTING_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial"), ("portal", "0002_audit_and_roles")]
    operations = [migrations.RunPython(grant, revoke)]
