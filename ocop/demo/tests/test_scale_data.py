"""scale_data: bulk synthetic data that tops up to the requested totals."""

from __future__ import annotations

import io

import pytest
from biip.gtin import Gtin
from django.core.management import call_command

from ocop.accounts.models import Role, User
from ocop.registry.models import EvidenceDocument, Producer, Product
from ocop.registry.services import producer_search_text, product_search_text
from ocop.registry.validators import normalise_tax_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_data():
    call_command("load_units", provinces="01,24,27", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())


def _scale(**kwargs) -> None:
    call_command("scale_data", stdout=io.StringIO(), **kwargs)


def test_tops_up_to_totals_with_valid_codes(reference_data):
    _scale(products=60, producers=40, documents=30)
    assert (Producer.objects.count(), Product.objects.count()) == (40, 60)
    assert EvidenceDocument.objects.count() == 30
    # Every producer has a product before any has a second.
    assert not Producer.objects.filter(products__isnull=True).exists()

    _scale(products=90, producers=50, documents=30)
    assert (Producer.objects.count(), Product.objects.count()) == (50, 90)
    assert EvidenceDocument.objects.count() == 30
    _scale(products=90, producers=50, documents=30)
    assert (Producer.objects.count(), Product.objects.count()) == (50, 90)

    for producer in Producer.objects.select_related("commune__current_commune"):
        assert normalise_tax_code(producer.tax_code) == producer.tax_code
        assert producer.search_text == producer_search_text(producer)
        # Spread over the loaded provinces, under current or legacy communes.
        assert producer.commune.current_province_id in {"P01", "P24"}
    for product in Product.objects.select_related("producer", "product_set"):
        assert product.search_text == product_search_text(product)
        assert product.stars in (3, 4, 5)
        if product.gtin:
            Gtin.parse(product.gtin)

    offices = User.objects.filter(username__startswith="scale-", role=Role.PROVINCE_OFFICE)
    assert set(offices.values_list("unit_id", flat=True)) == {"P01", "P24"}
    assert User.objects.filter(username="scale-trunguong", role=Role.CENTRAL).exists()


def test_same_seed_same_rows(reference_data):
    _scale(products=30, producers=20, seed=5)
    first = list(Product.objects.order_by("pk").values_list(
        "name", "producer__tax_code", "producer__name", "gtin", "stars"))
    EvidenceDocument.objects.all().delete()
    Product.objects.all().delete()
    Producer.objects.all().delete()
    _scale(products=30, producers=20, seed=5)
    again = list(Product.objects.order_by("pk").values_list(
        "name", "producer__tax_code", "producer__name", "gtin", "stars"))
    assert again == first
