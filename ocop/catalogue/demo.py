"""Demo catalogue: after the demo cycle has certified products, every one of them has a story
to show on its public page (the world's product templates give most of them one; the others
get a plain sentence naming their producer and commune, nothing invented about the product)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from ocop.certificates.selectors import valid_products
from ocop.registry.models import Product


@dataclass(frozen=True)
class DemoCatalogue:
    products: int
    with_story: int
    with_photo: int
    with_zone: int


def build_demo_catalogue() -> DemoCatalogue:
    """Idempotent: only products with an empty description are filled."""
    certified = valid_products(timezone.localdate()).select_related(
        "producer", "producer__commune", "producer__commune__current_commune")
    for product in certified.filter(description=""):
        commune = product.producer.commune.current_commune or product.producer.commune
        product.description = (f"Sản phẩm OCOP của {product.producer.name}, "
                               f"{commune.full_name}.")
        product.save(update_fields=["description"])
    ids = Product.objects.filter(pk__in=certified.values("pk"))
    return DemoCatalogue(
        products=ids.count(),
        with_story=ids.exclude(description="").count(),
        with_photo=ids.exclude(image="").count(),
        with_zone=ids.filter(zones__isnull=False).distinct().count(),
    )
