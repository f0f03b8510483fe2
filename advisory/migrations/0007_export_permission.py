"""The admin export of advisory cases asks its own permission, given to the roles that exported
them before (those that read every case): ROPS administrator, advisory officer, reporting.
"""

from django.db import migrations

PERMISSION = "advisory.export_advisoryrequest"


def role_permissions():
    from portal import roles

    return dict.fromkeys([roles.ROPS_ADMINISTRATOR, roles.ADVISORY_OFFICER, roles.REPORTING], [PERMISSION])


def grant(apps, schema_editor):
    from portal.roles import grant_permissions

    grant_permissions(apps, role_permissions())


def revoke(apps, schema_editor):
    from portal.roles import revoke_permissions

    revoke_permissions(apps, role_permissions())


class Migration(migrations.Migration):

    dependencies = [
        ('advisory', '0006_translations'),
        ("portal", "0002_audit_and_roles"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='advisoryrequest',
            options={'ordering': ['-submitted_at', '-created_at'], 'permissions': [('view_internal', 'Może czytać notatki wewnętrzne i pobierać pliki wewnętrzne spraw doradczych'), ('add_internal_note', 'Może dodawać notatki wewnętrzne do spraw doradczych'), ('decide_request', 'Może przyjmować i odrzucać wnioski o doradztwo'), ('assign_expert', 'Może przydzielać ekspertów do spraw doradczych'), ('handle_case', 'Może prowadzić sprawy doradcze (terminy, realizacja, zamknięcie, wiadomości do JST)'), ('record_consultation', 'Może zapisywać konsultacje w imieniu eksperta'), ('generate_card', 'Może zlecać przygotowanie karty doradztwa'), ('export_advisoryrequest', 'Może eksportować wnioski o doradztwo do pliku')], 'verbose_name': 'wniosek o doradztwo', 'verbose_name_plural': 'wnioski o doradztwo'},
        ),
        migrations.RunPython(grant, revoke),
    ]
