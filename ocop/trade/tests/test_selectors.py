"""Suggestions for a need (certified only, matched without diacritics, ranked, one query) and
the office's response-time figures."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ocop.accounts.models import Role
from ocop.accounts.testing import make_user
from ocop.certificates.testing import certify
from ocop.registry.testing import make_product
from ocop.trade import selectors, services
from ocop.trade.models import Conversation

pytestmark = pytest.mark.django_db


def _need(market, wanted: str, **extra):
    today = timezone.localdate()
    return services.post_need(
        actor=market.buyer.account, wanted=wanted, volume=Decimal(100), volume_unit="kg",
        period_from=today, period_to=today + timedelta(days=30),
        delivery_province=market.units.bac_ninh, **extra)


def test_suggestions_are_certified_products_matched_without_diacritics(market):
    found = selectors.suggestions(_need(market, "vai thieu say kho"), timezone.localdate())
    # "Rau cải sấy" shares one word ("sấy") and comes after the product sharing all four.
    assert [p.pk for p in found] == [market.product.pk, market.other_product.pk]
    assert found[0].best_stars == 4 and found[0].hits == 4 and found[1].hits == 1
    assert selectors.suggestions(_need(market, "tra shan tuyet"), timezone.localdate()) == []
    # "Mật ong hoa vải" shares the word "vải" but holds no certificate.
    assert market.uncertified.pk not in [p.pk for p in selectors.suggestions(
        _need(market, "mật ong vải"), timezone.localdate())]


def test_suggestions_respect_the_minimum_stars_and_rank_by_words_then_stars(market):
    assert selectors.suggestions(_need(market, "vải", min_stars=5), timezone.localdate()) == []
    today = timezone.localdate()
    extra = make_product(market.producer, "Vải thiều tươi", market.product.product_set)
    certify(extra, 5, issued_on=today - timedelta(days=1), today=today)
    ranked = selectors.suggestions(_need(market, "vải thiều sấy"), today)
    # 3 words beat 2 (the 5-star fresh lychee), which beat 1 ("Rau cải sấy").
    assert [p.pk for p in ranked] == [market.product.pk, extra.pk, market.other_product.pk]
    by_stars = selectors.suggestions(_need(market, "vải thiều"), today)
    assert [p.pk for p in by_stars] == [extra.pk, market.product.pk]


def test_a_product_set_alone_finds_every_certified_product_of_it(market):
    need = _need(market, "hàng nông sản", product_set=market.product.product_set)
    found = selectors.suggestions(need, timezone.localdate())
    # Nothing is named "hàng nông sản", but both certified products are of the set; the one
    # delivered to the buyer's province (Bắc Ninh) comes after the better-starred one.
    assert [p.pk for p in found] == [market.product.pk, market.other_product.pk]


def test_suggestions_take_one_query_whatever_their_number(market):
    today = timezone.localdate()
    for i in range(5):
        product = make_product(market.producer, f"Vải thiều loại {i}", market.product.product_set)
        certify(product, 3, issued_on=today - timedelta(days=1), today=today)
    need = _need(market, "vai thieu")
    with CaptureQueriesContext(connection) as queries:
        found = selectors.suggestions(need, today)
        [(p.producer.name, p.producer.commune.current_province, p.product_set.name_vi)
         for p in found]
    assert len(found) == 6 and len(queries) == 1


def test_response_figures_for_the_office_province(market):
    now = timezone.now()

    def conversation(hours: float | None, age_hours: float, state: str = "sent",
                     value=None) -> None:
        c = services.start_conversation(
            actor=market.buyer.account, producer_id=market.producer.pk,
            product_id=market.product.pk, kind="inquiry", body="Hỏi giá")
        created = now - timedelta(hours=age_hours)
        Conversation.objects.filter(pk=c.pk).update(
            created_at=created, state=state, deal_value=value,
            first_response_at=created + timedelta(hours=hours) if hours is not None else None)

    conversation(2, 100, "answered")
    conversation(10, 100, "deal", Decimal(5_000_000))
    conversation(60, 100, "answered")  # answered, but late
    conversation(None, 72)  # unanswered for 3 days: late
    conversation(None, 5)  # unanswered for 5 hours: not yet due
    figures = selectors.response_figures(market.office)
    assert figures.conversations == 5 and figures.answered == 3
    assert figures.median_hours == pytest.approx(10)
    assert figures.p90_hours == pytest.approx(60)
    assert (figures.within_target, figures.due) == (2, 4)
    assert figures.within_target_share == pytest.approx(0.5)
    assert (figures.deals, figures.deal_value) == (1, Decimal(5_000_000))
    # Hà Nội's office sees none of Bắc Ninh's producers; a producer sees no figures at all.
    ha_noi = make_user(Role.PROVINCE_OFFICE, unit=market.units.ha_noi)
    assert selectors.response_figures(ha_noi).conversations == 0
    assert selectors.response_figures(market.producer_user).conversations == 0
    assert selectors.response_figures(make_user(Role.CENTRAL)).conversations == 5
