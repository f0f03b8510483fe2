"""Staff roles are Django groups with permissions; this module names them and grants permissions.

The groups are created by migrations (``portal/migrations/0002_audit_and_roles.py``) and each
app's own migration grants its permissions to them with ``grant_permissions``; after that a
ROPS administrator edits them in the admin (Uwierzytelnianie → Grupy). Code never asks
``is_staff``: it asks ``user.has_perm("<app>.<codename>")`` or an object-level helper of the
app (organisation administrator, member, the expert of a case), see docs/permissions.md.

``is_staff`` only lets a person open the admin at all (Django's rule); what they see there
and on the site depends on their groups.
"""

from __future__ import annotations

ROPS_ADMINISTRATOR = "Administrator ROPS"
EVENTS_COORDINATOR = "Koordynator wydarzeń"
REGISTRY_EDITOR = "Redaktor rejestru partnerów"
ADVISORY_OFFICER = "Pracownik doradztwa"
REPORTING = "Raportowanie (tylko odczyt)"

STAFF_ROLES = [ROPS_ADMINISTRATOR, EVENTS_COORDINATOR, REGISTRY_EDITOR, ADVISORY_OFFICER, REPORTING]

# Permissions of the portal app and of Django itself, per role. Each app adds its own in its
# migration (see grant_permissions), so this file stays the same when an app adds a permission.
PORTAL_ROLE_PERMISSIONS = {
    ROPS_ADMINISTRATOR: [
        "portal.view_user",
        "portal.add_user",
        "portal.change_user",
        "auth.view_group",
        "auth.add_group",
        "auth.change_group",
        "auth.delete_group",
        "portal.view_auditlogentry",
        "portal.view_region",
        "portal.change_region",
        "portal.view_fundingproject",
        "portal.add_fundingproject",
        "portal.change_fundingproject",
        "portal.view_page",
        "portal.add_page",
        "portal.change_page",
        "portal.delete_page",
        "portal.view_newsitem",
        "portal.add_newsitem",
        "portal.change_newsitem",
        "portal.delete_newsitem",
        "portal.view_outboundemail",
        "portal.resend_outboundemail",
        "sites.view_site",
        "sites.change_site",
    ],
    EVENTS_COORDINATOR: [
        "portal.view_fundingproject",
        "portal.view_newsitem",
        "portal.add_newsitem",
        "portal.change_newsitem",
    ],
    REGISTRY_EDITOR: ["portal.view_fundingproject"],
    ADVISORY_OFFICER: ["portal.view_fundingproject"],
    REPORTING: [
        "portal.view_region",
        "portal.view_fundingproject",
        "portal.view_page",
        "portal.view_newsitem",
    ],
}


def ensure_permissions_exist(apps) -> None:
    """Create the permission rows of every model now (Django creates them only after migrate)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant_permissions(apps, role_permissions: dict[str, list[str]]) -> None:
    """Give each named group (created if missing) the listed ``app_label.codename`` permissions.

    For data migrations: ``RunPython(lambda apps, schema: grant_permissions(apps, {...}))``.
    A permission that does not exist raises, so a typo fails the migration, not a user later.
    """
    ensure_permissions_exist(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".", 1)
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            group.permissions.add(permission)


def revoke_permissions(apps, role_permissions: dict[str, list[str]]) -> None:
    """The reverse of grant_permissions, for migrations that can be unapplied."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        for name in names:
            app_label, codename = name.split(".", 1)
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
