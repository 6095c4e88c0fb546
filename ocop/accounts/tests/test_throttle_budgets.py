"""The three public budgets of ocop/accounts/throttle.py: scans and checks for everyone, anonymous
browsing of the market pages, and the marketplace feeds per hour."""

import pytest
from django.test import Client

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.accounts.throttle import _period

pytestmark = pytest.mark.django_db


@pytest.fixture
def budgets(settings):
    settings.PUBLIC_RATE_LIMIT = "100000/m"
    settings.BROWSE_RATE_LIMIT = "2/m"
    settings.FEED_RATE_LIMIT = "1/h"


def test_anonymous_browsing_is_limited_with_a_vietnamese_refusal(budgets):
    client = Client()
    assert client.get("/san-pham-ocop/").status_code == 200
    assert client.get("/du-lich/").status_code == 200
    refused = client.get("/hoi-cho/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "quá nhiều yêu cầu" in refused.content.decode()
    api = client.get("/api/v1/catalogue/products")
    assert api.status_code == 429 and api.json()["code"] == "throttled"


def test_a_signed_in_officer_is_not_limited_on_the_pages_they_manage(budgets, units):
    client = login_client(make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh))
    for _ in range(4):
        assert client.get("/du-lich/").status_code == 200


def test_a_feed_is_limited_per_hour_and_the_refusal_says_when_to_come_back(budgets):
    client = Client()
    assert client.get("/nguon-du-lieu/google.xml").status_code == 200
    refused = client.get("/nguon-du-lieu/shopify.csv")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "60 phút" in refused.content.decode()


def test_scans_keep_their_own_budget(budgets):
    client = Client()
    client.get("/san-pham-ocop/")
    client.get("/san-pham-ocop/")
    assert client.get("/verify/KHONG-CO/").status_code != 429


@pytest.mark.parametrize(("rate", "seconds"), [("60/m", 60), ("30/h", 3600), ("5/10m", 600),
                                                ("1/d", 86400), ("3/s", 1)])
def test_the_retry_after_is_the_rates_period(rate, seconds):
    assert _period(rate) == seconds
