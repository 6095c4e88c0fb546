"""PostgreSQL: EPCIS events, their identifier rows and the scan log become tables partitioned by
month (docs/partitions.md). SQLite keeps its plain tables: this migration does nothing there.

All in the migration's one transaction: every existing row is copied into its month's partition
(months older than the retention period, and none before the first row, go to DEFAULT), and the
months up to PARTITIONS_AHEAD_MONTHS ahead are created. Not reversible: going back means copying
the rows into plain tables again, which nobody needs.
"""

from django.db import migrations
from django.utils import timezone

from ocop.trace import partitions

TABLES = (("trace_epcisevent", "event_time"), ("trace_eventepc", "event_time"),
          ("trace_scan", "scanned_at"))


def _months(cursor, table: str, key: str, floor):
    now = timezone.now()
    current = partitions.month_of(now)
    cursor.execute(f"SELECT MIN({key}) FROM {table}")  # noqa: S608 — constant names above
    oldest = cursor.fetchone()[0]
    first = max(min(partitions.month_of(oldest), current) if oldest else current, floor)
    last = partitions.add_months(current, partitions.ahead_months())
    months = []
    while first <= last:
        months.append(first)
        first = partitions.add_months(first, 1)
    return months


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    now = timezone.now()
    floors = {
        "event_time": partitions.add_months(partitions.month_of(now),
                                            -partitions.event_retention_months()),
        "scanned_at": partitions.first_kept_month(partitions.FAMILIES["scans"], now),
    }
    with schema_editor.connection.cursor() as cursor:
        # An event's identifier rows get exactly the event's months.
        event_months = _months(cursor, "trace_epcisevent", "event_time", floors["event_time"])
        scan_months = _months(cursor, "trace_scan", "scanned_at", floors["scanned_at"])
    for table, key in TABLES:
        partitions.convert_table(table, key, scan_months if key == "scanned_at" else event_months,
                                 using=schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('trace', '0005_eventepc_event_time'),
    ]

    operations = [
        migrations.RunPython(partition, elidable=False),
    ]
