from django.db import migrations

from portal import roles

MANAGE = [
    "cooperation.manage_survey", "cooperation.view_results",
    "cooperation.view_survey", "cooperation.add_survey", "cooperation.change_survey",
    "cooperation.view_surveysection", "cooperation.add_surveysection", "cooperation.change_surveysection",
    "cooperation.delete_surveysection",
    "cooperation.view_question", "cooperation.add_question", "cooperation.change_question", "cooperation.delete_question",
    "cooperation.view_surveyresponse",
]

SURVEY_PERMISSIONS = {
    roles.ROPS_ADMINISTRATOR: MANAGE + ["cooperation.delete_survey"],
    roles.REGISTRY_EDITOR: MANAGE,
    roles.REPORTING: ["cooperation.view_results", "cooperation.view_survey", "cooperation.view_surveyresponse"],
}


def grant(apps, schema_editor):
    roles.grant_permissions(apps, SURVEY_PERMISSIONS)


def revoke(apps, schema_editor):
    roles.revoke_permissions(apps, SURVEY_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0003_surveys")]
    operations = [migrations.RunPython(grant, revoke)]
