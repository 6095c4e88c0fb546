# The folded search columns get a GIN trigram index on PostgreSQL (ocop/core/search.py).

from django.db import migrations

from ocop.core.search import TrigramIndex


class Migration(migrations.Migration):

    dependencies = [
        ("tourism", "0001_initial"),
    ]

    operations = [
        TrigramIndex("destination"),
        TrigramIndex("itinerary"),
    ]
