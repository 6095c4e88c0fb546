"""The three public budgets of ocop/accounts/throttle.py: scans and checks for everyone, anonymous
browsing of the market pages, and the marketplace feeds per hour."""

import pytest
from django.core.cache import cache
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


@pytest.mark.parametrize("rate", ["3/m", "5/10m", "2/h", "4/s", "7/2s"])
@pytest.mark.parametrize("client", ["198.51.100.7", "2001:db8::1", ""])
def test_the_middleware_counts_in_the_same_counter_as_django_ratelimit(rate, client, monkeypatch):
    """The middleware's own counter (one cache operation) and django-ratelimit's, which the
    complaint form counts through in the same public budget, are one counter: the same key,
    window and limit, at any moment of a window."""
    import time

    from django.test import RequestFactory
    from django_ratelimit.core import get_usage

    from ocop.accounts import throttle

    request = RequestFactory().get("/01/x")
    monkeypatch.setattr(throttle, "client_ip", lambda request: client)
    for moment in (1_700_000_000, 1_700_000_059, 1_700_003_599, 1_700_086_399):
        monkeypatch.setattr(time, "time", lambda moment=moment: moment + 0.5)
        limit = int(rate.split("/")[0])
        for n in range(1, limit + 2):
            assert throttle._counted_over("ocop.test", rate, client) is (n > limit)
        usage = get_usage(request, group="ocop.test", key=throttle._client, rate=rate)
        assert usage["count"] == limit + 1 and usage["should_limit"]
        get_usage(request, group="ocop.test", key=throttle._client, rate=rate, increment=True)
        assert throttle._counted_over("ocop.test", rate, client)
        assert get_usage(request, group="ocop.test", key=throttle._client,
                         rate=rate)["count"] == limit + 3
        cache.clear()
