from django.db import migrations

from portal import roles

MANAGE = [
    "cooperation.view_actionplan", "cooperation.add_actionplan", "cooperation.change_actionplan",
    "cooperation.view_planpriority", "cooperation.add_planpriority", "cooperation.change_planpriority",
    "cooperation.delete_planpriority",
    "cooperation.view_planmeasure", "cooperation.add_planmeasure", "cooperation.change_planmeasure",
    "cooperation.delete_planmeasure",
    "cooperation.view_planaction", "cooperation.add_planaction", "cooperation.change_planaction",
    "cooperation.delete_planaction",
]

PLAN_PERMISSIONS = {
    roles.ROPS_ADMINISTRATOR: MANAGE + ["cooperation.delete_actionplan"],
    roles.REGISTRY_EDITOR: MANAGE,
    roles.REPORTING: ["cooperation.view_actionplan", "cooperation.view_planaction"],
    roles.EVENTS_COORDINATOR: ["cooperation.view_actionplan", "cooperation.view_planaction"],
    roles.ADVISORY_OFFICER: ["cooperation.view_actionplan", "cooperation.view_planaction"],
}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, PLAN_PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke_permissions(apps, PLAN_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0005_action_plan")]
    operations = [migrations.RunPython(grant, revoke)]
