"""Keeps bench/catalogue_bench.py from rotting: its steps at tiny sizes through the test client
(no server, no timing asserted), including the revocation check."""

from __future__ import annotations

import io

import catalogue_bench
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from ocop.certificates.models import Certificate
from ocop.registry.models import Product

pytestmark = pytest.mark.django_db


def test_catalogue_bench_at_tiny_sizes(settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    cache.clear()
    call_command("load_units", provinces="01,24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    assert catalogue_bench.seed(12, 8) == 12
    paths = catalogue_bench.page_paths()
    small = catalogue_bench.count_queries(paths)
    assert catalogue_bench.seed(40, 20) == 28
    assert Product.objects.count() == Certificate.objects.count() == 40
    assert catalogue_bench.count_queries(paths) == small  # no growth with the data

    client = Client()

    def fetch(path: str) -> tuple[int, str]:
        response = client.get(path)
        return response.status_code, response.content.decode()

    product_id, number = catalogue_bench.product_on_first_page()
    assert fetch(f"/san-pham-ocop/{product_id}/")[0] == 200
    catalogue_bench.revoke(number)
    # One process: the revocation forgets the cached pages at once.
    assert catalogue_bench.gone_after(fetch, product_id, limit=0) < 1
