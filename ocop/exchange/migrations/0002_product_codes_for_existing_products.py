"""Give every product already registered its exchange code (<platform>-SP-<id>), so that codes
are stored, not derived, from the start (ocop/exchange/records.py, ``ensure_code``)."""

from django.conf import settings
from django.db import migrations


def assign(apps, schema_editor):
    Product = apps.get_model("registry", "Product")
    ProductCode = apps.get_model("exchange", "ProductCode")
    taken = set(ProductCode.objects.values_list("product_id", flat=True))
    batch = []
    for pk in Product.objects.values_list("pk", flat=True).iterator(chunk_size=2000):
        if pk not in taken:
            batch.append(ProductCode(product_id=pk,
                                     code=f"{settings.EXCHANGE_PLATFORM_CODE}-SP-{pk}"))
        if len(batch) >= 2000:
            ProductCode.objects.bulk_create(batch)
            batch = []
    ProductCode.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(assign, migrations.RunPython.noop)]
