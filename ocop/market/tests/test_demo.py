"""The demo's gift set is built from the certified products it finds, and only once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ocop.certificates.testing import certify
from ocop.market import selectors
from ocop.market.demo import GIFT_SET_NAME, build_demo_market
from ocop.market.models import GiftSet, Offer
from ocop.registry.testing import make_product

pytestmark = pytest.mark.django_db


def test_demo_gift_set(world):
    today = timezone.localdate()
    names = {"own": "Vải thiều sấy khô Phì Điền", "other_producer": "Mỳ Chũ Nam Dương",
             "other_commune": "Gà đồi Yên Thế"}
    for key, name in names.items():
        product = make_product(world.producers[key], name, world.product_set)
        certify(product, 4, issued_on=today - timedelta(days=10), today=today)
    gift_set = build_demo_market()
    assert gift_set is not None and gift_set.name == GIFT_SET_NAME and gift_set.photo
    assert sorted(i.product.name for i in gift_set.items.all()) == sorted(names.values())
    assert list(selectors.listed_gift_sets(today)) == [gift_set]
    assert Offer.objects.count() == 3
    assert build_demo_market() is None  # idempotent
    assert GiftSet.objects.count() == 1 and Offer.objects.count() == 3
