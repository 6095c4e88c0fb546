from django.db import migrations

from ocop.web.search import TrigramIndex


class Migration(migrations.Migration):
    """Trigram indexes for the diacritic-insensitive search (PostgreSQL only; see web/search.py)."""

    dependencies = [
        ('registry', '0004_list_order_indexes'),
    ]

    operations = [
        TrigramIndex('producer'),
        TrigramIndex('product'),
    ]
