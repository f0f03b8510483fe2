from django.db import migrations

from portal import roles

MANAGE_GROUPS = [
    "cooperation.view_any_group", "cooperation.manage_group",
    "cooperation.view_workinggroup", "cooperation.add_workinggroup", "cooperation.change_workinggroup",
    "cooperation.view_groupmember", "cooperation.view_grouptask",
    "cooperation.view_groupmeeting", "cooperation.add_groupmeeting", "cooperation.change_groupmeeting",
    "cooperation.delete_groupmeeting",
]

COOPERATION_PERMISSIONS = {
    roles.ROPS_ADMINISTRATOR: MANAGE_GROUPS + ["cooperation.delete_workinggroup"],
    roles.REGISTRY_EDITOR: MANAGE_GROUPS,
    roles.EVENTS_COORDINATOR: ["cooperation.view_any_group", "cooperation.view_workinggroup"],
    roles.REPORTING: ["cooperation.view_any_group", "cooperation.view_workinggroup"],
}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, COOPERATION_PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke_permissions(apps, COOPERATION_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0001_initial"), ("portal", "0002_audit_and_roles")]
    operations = [migrations.RunPython(grant, revoke)]
