"""The admin export of postulates asks its own permission, given to the roles that read the
postulates register and exported it before: ROPS administrator, events coordinator, reporting.
"""

from django.db import migrations

PERMISSION = "events.export_postulate"


def role_permissions():
    from portal import roles

    return dict.fromkeys([roles.ROPS_ADMINISTRATOR, roles.EVENTS_COORDINATOR, roles.REPORTING], [PERMISSION])


def grant(apps, schema_editor):
    from portal.roles import grant_permissions

    grant_permissions(apps, role_permissions())


def revoke(apps, schema_editor):
    from portal.roles import revoke_permissions

    revoke_permissions(apps, role_permissions())


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0016_report_photo_processing'),
        ("portal", "0002_audit_and_roles"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='postulate',
            options={'ordering': ['event', 'position', 'pk'], 'permissions': [('export_postulate', 'Może eksportować postulaty do pliku')], 'verbose_name': 'postulat', 'verbose_name_plural': 'postulaty'},
        ),
        migrations.RunPython(grant, revoke),
    ]
