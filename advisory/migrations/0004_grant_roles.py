"""Grant the advisory permissions to the staff roles (groups) of portal.roles.

ROPS administrator: everything (cases with their timeline, files and consultations are never
deleted by hand: they are the record of the service). Advisory officer: all advisory work, no deletions.
Reporting: reads cases, consultations, experts and settings, but not internal notes or internal
files (reports do not need them, and they may hold sensitive remarks about a JST).
Events coordinator and registry editor: nothing in advisory.
"""

from django.db import migrations

CASE_WORK = [
    "advisory.view_internal",
    "advisory.add_internal_note",
    "advisory.decide_request",
    "advisory.assign_expert",
    "advisory.handle_case",
    "advisory.record_consultation",
    "advisory.generate_card",
]
READ = [
    "advisory.view_advisoryrequest",
    "advisory.view_caseevent",
    "advisory.view_caseattachment",
    "advisory.view_consultation",
    "advisory.view_expert",
    "advisory.view_advisorytopic",
    "advisory.view_advisorysettings",
]
OFFICER_ADMIN = [
    "advisory.change_advisoryrequest",
    "advisory.add_expert", "advisory.change_expert",
    "advisory.add_advisorytopic", "advisory.change_advisorytopic",
    "advisory.change_advisorysettings",
]
EVERYTHING_ELSE = [
    "advisory.delete_expert",
    "advisory.delete_advisorytopic",
    "advisory.add_advisorysettings",
]


def role_permissions():
    from portal import roles

    return {
        roles.ROPS_ADMINISTRATOR: READ + CASE_WORK + OFFICER_ADMIN + EVERYTHING_ELSE,
        roles.ADVISORY_OFFICER: READ + CASE_WORK + OFFICER_ADMIN,
        roles.REPORTING: READ,
    }


def grant(apps, schema_editor):
    from portal.roles import grant_permissions

    grant_permissions(apps, role_permissions())


def revoke(apps, schema_editor):
    from portal.roles import revoke_permissions

    revoke_permissions(apps, role_permissions())


class Migration(migrations.Migration):
    dependencies = [
        ("advisory", "0003_permissions_and_card_request"),
        ("portal", "0002_audit_and_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
