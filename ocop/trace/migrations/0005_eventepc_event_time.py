"""EventEpc gets its event's event_time: the partition key it shares with the event (0006)."""

from django.db import migrations, models

COPY = """
UPDATE trace_eventepc SET event_time = (
    SELECT e.event_time FROM trace_epcisevent e WHERE e.id = trace_eventepc.event_id)
"""


class Migration(migrations.Migration):

    dependencies = [
        ('trace', '0004_folded_search_text'),
    ]

    operations = [
        migrations.AddField(
            model_name='eventepc',
            name='event_time',
            field=models.DateTimeField(null=True),
        ),
        migrations.RunSQL(COPY, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name='eventepc',
            name='event_time',
            field=models.DateTimeField(),
        ),
    ]
