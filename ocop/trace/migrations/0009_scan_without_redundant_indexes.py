"""The scan log loses the single-column indexes Django gave its two foreign keys: the stamp
index (batch, serial, scanned_at) and the product index (product, scanned_at) start with the same
columns and serve every lookup by either, and each index is written with every scan.

A plain DROP INDEX on both engines: Django's AlterField would copy the whole table on SQLite
(twice) to drop an index. On PostgreSQL, dropping the partitioned index drops it from every month.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {"batch": "trace_scan_batch_id_a6226a3c", "product": "trace_scan_product_id_40463e91"}


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0009_vietnamese_model_names"),
        ("trace", "0008_vietnamese_model_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"',
                                  f'CREATE INDEX "{name}" ON "trace_scan" ("{field}_id")')
                for field, name in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="scan",
                    name="batch",
                    field=models.ForeignKey(
                        blank=True, db_constraint=False, db_index=False, null=True,
                        on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                        to="trace.stampbatch"),
                ),
                migrations.AlterField(
                    model_name="scan",
                    name="product",
                    field=models.ForeignKey(
                        blank=True, db_constraint=False, db_index=False, null=True,
                        on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                        to="registry.product"),
                ),
            ],
        ),
    ]
