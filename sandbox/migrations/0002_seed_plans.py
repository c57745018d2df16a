from django.db import migrations


def seed_plans(apps, schema_editor):
    from sandbox.reference import PLANS

    plan_model = apps.get_model("sandbox", "Plan")
    for number, row in enumerate(PLANS, start=1):
        plan_model.objects.get_or_create(
            plan_name=row["plan_name"], defaults={**row, "tag": f"plan{number:02d}sandbox"}
        )


class Migration(migrations.Migration):
    dependencies = [("sandbox", "0001_initial")]

    operations = [migrations.RunPython(seed_plans, migrations.RunPython.noop)]
