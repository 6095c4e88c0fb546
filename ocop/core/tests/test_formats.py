"""One number format per interface language (ocop.core.formats and the ``number`` filter)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from ocop.core.formats import format_decimal, format_minutes, format_points


@pytest.mark.parametrize(("language", "whole", "rounded"),
                         [("vi", "88,00", "74,34"), ("en", "88.00", "74.34")])
def test_decimals_use_the_language_separator_and_round_half_up(language, whole, rounded):
    with translation.override(language):
        # The three shapes values arrive in: a model Decimal, engine JSON text, a float.
        assert format_decimal(Decimal("88")) == whole
        assert format_decimal("88.00") == whole
        assert format_decimal(88.0) == whole
        assert format_decimal("74.335") == rounded
        html = Template("{% load ocop_format %}{{ v|number }}|{{ a|number:3 }}").render(
            Context({"v": "88", "a": "1.5"}))
        assert html == f"{whole}|{'1,500' if language == 'vi' else '1.500'}"


def test_values_that_are_not_numbers_pass_through():
    assert format_decimal(None) is None
    assert format_decimal("") == ""
    assert format_decimal("chưa có") == "chưa có"
    assert format_decimal(True) is True


@pytest.mark.parametrize(("language", "half"), [("vi", "2,5"), ("en", "2.5")])
def test_points_drop_useless_zeros(language, half):
    with translation.override(language):
        assert format_points(Decimal("10.00")) == "10"
        assert format_points(Decimal("2.50")) == half


def test_money_groups_thousands_in_each_language():
    from django.utils import translation

    from ocop.core.formats import format_money

    with translation.override("vi"):
        assert format_money(45_000_000) == "45.000.000"
        assert format_money("20900000000") == "20.900.000.000"
        assert format_money(999) == "999"
    with translation.override("en"):
        assert format_money(45_000_000) == "45,000,000"
    assert format_money(None) is None


@pytest.mark.parametrize(("minutes", "vi", "en"), [
    (0, "0 phút", "0 minutes"), (1, "1 phút", "1 minute"), (45, "45 phút", "45 minutes"),
    (60, "1 giờ", "1 hour"), (120, "2 giờ", "2 hours"), (61, "1 giờ 1 phút", "1 hour 1 minute"),
    (330, "5 giờ 30 phút", "5 hours 30 minutes"),
])
def test_lengths_of_time_read_in_hours_and_minutes(minutes, vi, en):
    with translation.override("vi"):
        assert format_minutes(minutes) == vi
        assert Template("{% load ocop_format %}{{ m|minutes }}").render(
            Context({"m": minutes})) == vi
    with translation.override("en"):
        assert format_minutes(minutes) == en
