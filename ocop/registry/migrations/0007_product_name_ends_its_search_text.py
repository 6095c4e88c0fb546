"""Products' search text ends the product's own name with a line break
(ocop.registry.services.NAME_END), so the public catalogue can rank name matches first."""

from django.db import migrations

from ocop.core.text import fold


def rebuild(apps, schema_editor):
    # The rule of services.product_search_text as of this migration (a migration does not
    # follow later changes of the service).
    Product = apps.get_model("registry", "Product")
    batch = []
    for product in Product.objects.select_related("producer", "product_set").iterator(
            chunk_size=2000):
        rest = " ".join(p for p in (product.producer.name, product.gtin or "",
                                    product.product_set.name_vi) if p)
        product.search_text = fold(product.name) + "\n" + fold(rest)
        batch.append(product)
        if len(batch) == 2000:
            Product.objects.bulk_update(batch, ["search_text"])
            batch = []
    Product.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_search_and_plain_names")]
    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True)]
