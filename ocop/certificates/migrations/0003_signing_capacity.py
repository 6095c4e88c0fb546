from django.db import migrations, models


def capacity_from_title(apps, schema_editor):
    """Decisions recorded before the field: a deputy's title means a signature on the head's
    behalf (KT.), any other title the head's own (same rule as SigningCapacity.for_title)."""
    decision = apps.get_model("certificates", "RecognitionDecision")
    for row in decision.objects.only("pk", "signer_title"):
        title = row.signer_title.strip().lower()
        capacity = "deputy" if title.startswith(("phó", "thứ trưởng")) else "head"
        decision.objects.filter(pk=row.pk).update(signing_capacity=capacity)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_unguessable_file_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="recognitiondecision",
            name="signing_capacity",
            field=models.CharField(
                choices=[("head", "Người đứng đầu ký"), ("deputy", "Cấp phó ký thay (KT.)")],
                default="deputy",
                max_length=8,
                verbose_name="thẩm quyền ký",
            ),
        ),
        migrations.RunPython(capacity_from_title, migrations.RunPython.noop),
    ]
