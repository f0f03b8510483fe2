from django.db import migrations

from portal import roles

NEWS_MEDIA_PERMISSIONS = {
    roles.ROPS_ADMINISTRATOR: [
        "portal.view_newstag",
        "portal.add_newstag",
        "portal.change_newstag",
        "portal.delete_newstag",
        "portal.view_newsattachment",
        "portal.add_newsattachment",
        "portal.change_newsattachment",
        "portal.delete_newsattachment",
    ],
    roles.EVENTS_COORDINATOR: [
        "portal.view_newstag",
        "portal.add_newstag",
        "portal.change_newstag",
        "portal.view_newsattachment",
        "portal.add_newsattachment",
        "portal.change_newsattachment",
        "portal.delete_newsattachment",
    ],
    roles.REPORTING: ["portal.view_newstag", "portal.view_newsattachment"],
}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, NEWS_MEDIA_PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke_permissions(apps, NEWS_MEDIA_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("portal", "0011_news_media")]

    operations = [migrations.RunPython(grant, revoke)]
