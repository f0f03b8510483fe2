from django.db import migrations

from portal import roles

CONTACT_PERMISSIONS = {
    roles.ROPS_ADMINISTRATOR: ["portal.view_contactmessage"],
}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, CONTACT_PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke_permissions(apps, CONTACT_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("portal", "0008_contact_form")]

    operations = [migrations.RunPython(grant, revoke)]
