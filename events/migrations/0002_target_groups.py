from django.db import migrations

KINDS = ["lgd", "owes", "ops", "pcpr", "jst", "pes", "cus", "rops", "other"]


def create_target_groups(apps, schema_editor):
    TargetGroup = apps.get_model("events", "TargetGroup")
    for kind in KINDS:
        TargetGroup.objects.get_or_create(kind=kind)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(create_target_groups, migrations.RunPython.noop)]
