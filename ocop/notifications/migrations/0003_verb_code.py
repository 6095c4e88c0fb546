"""The verb column now holds a short code (after 0002 converted the stored sentences)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_verb_and_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="verb",
            field=models.CharField(max_length=64, verbose_name="loại thông báo"),
        ),
    ]
