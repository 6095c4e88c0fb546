"""Reads of the supply–demand connection, each scoped to the person reading.

Buyers read products and producers only through ``suggestions`` and ``product_card``, which give
public fields (name, product set, stars of a valid certificate, the producer's name, commune and
website): never the producer's representative, phone, e-mail or people. What a producer wants a
buyer to know it writes in the conversation.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from ocop.accounts.models import User
from ocop.certificates.selectors import valid_products
from ocop.core.text import fold
from ocop.registry.models import Producer, Product
from ocop.trade.models import Buyer, Conversation, Need
from ocop.trade.permissions import is_buyer, is_office, is_producer

SUGGESTIONS = 12
# Words of the wanted text shorter than this match too much ("la", "va") to rank by.
MIN_WORD = 2
RESPONSE_TARGET = timedelta(hours=48)


def buyer_of(user: User) -> Buyer | None:
    if not is_buyer(user):
        return None
    return Buyer.objects.select_related("province").filter(account=user).first()


def needs_of(buyer: Buyer | None) -> QuerySet[Need]:
    if buyer is None:
        return Need.objects.none()
    return buyer.needs.select_related("group", "product_set", "delivery_province")


def need_detail(user: User, pk: int) -> Need:
    need = needs_of(buyer_of(user)).filter(pk=pk).first()
    if need is None:
        raise Http404
    return need


def _public_products(today: date) -> QuerySet[Product]:
    """Certified products (a certificate valid ``today``) with what a buyer may see of them."""
    return valid_products(today).exclude(status=Product.Status.DISCONTINUED).filter(
        producer__status=Producer.Status.ACTIVE).select_related(
        "product_set", "producer__commune__current_province")


def suggestions(need: Need, today: date, limit: int = SUGGESTIONS) -> list[Product]:
    """Certified products matching ``need``, best first: the group or product set asked for,
    stars of a valid certificate at least the minimum, and the wanted text compared without
    diacritics. Ranked by how many of the wanted words a product's name (or its producer's, or
    its set's) holds, then stars, then producers in the delivery province. One query."""
    qs = _public_products(today)
    if need.product_set_id:
        qs = qs.filter(product_set_id=need.product_set_id)
    elif need.group_id:
        qs = qs.filter(product_set__group_id=need.group_id)
    if need.min_stars:
        qs = qs.filter(best_stars__gte=need.min_stars)
    words = [w for w in dict.fromkeys(fold(need.wanted).split()) if len(w) >= MIN_WORD]
    if words:
        hits = sum((Case(When(search_text__contains=w, then=Value(1)), default=Value(0),
                         output_field=IntegerField()) for w in words), Value(0))
        qs = qs.annotate(hits=hits)
        any_word = Q()
        for w in words:
            any_word |= Q(search_text__contains=w)
        # Without a group or set the text is all there is: at least one word must match.
        if not (need.product_set_id or need.group_id):
            qs = qs.filter(any_word)
    else:
        qs = qs.annotate(hits=Value(0))
    local = Case(When(producer__commune__current_province_id=need.delivery_province_id,
                      then=Value(1)), default=Value(0), output_field=IntegerField())
    qs = qs.annotate(local=local).order_by("-hits", "-best_stars", "-local", "name", "pk")
    return list(qs[:limit])


def product_card(product_id: int, today: date) -> Product | None:
    """A certified product as a buyer sees it, or None (unknown, or no valid certificate)."""
    return _public_products(today).filter(pk=product_id).first()


def conversations_for(user: User) -> QuerySet[Conversation]:
    """The conversations ``user`` is a party to (none for anyone else)."""
    qs = Conversation.objects.select_related("buyer__province", "producer", "product", "need")
    if is_buyer(user):
        return qs.filter(buyer__account=user)
    if is_producer(user):
        return qs.filter(producer_id=user.producer_id)
    return qs.none()


def conversation_detail(user: User, pk: int) -> Conversation:
    conversation = conversations_for(user).filter(pk=pk).first()
    if conversation is None:
        raise Http404
    return conversation


def buyers_for(user: User) -> QuerySet[Buyer]:
    """The buyers an office oversees: those of its province (all for nation-wide accounts)."""
    qs = Buyer.objects.select_related("province", "account")
    if not is_office(user):
        return qs.none()
    if user.is_nationwide:
        return qs
    return qs.filter(province_id=user.unit_id)


@dataclass(frozen=True)
class ResponseFigures:
    conversations: int
    answered: int
    median_hours: float | None
    p90_hours: float | None
    within_target: int  # answered within RESPONSE_TARGET
    due: int  # answered, or older than RESPONSE_TARGET: those that could have been on time
    deals: int
    deal_value: Decimal

    @property
    def within_target_share(self) -> float | None:
        return self.within_target / self.due if self.due else None


def _percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value with ``share`` of them at or below."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil without floats drifting
    return ordered[int(rank) - 1]


def response_figures(user: User, *, since: date | None = None) -> ResponseFigures:
    """How fast the producers of the office's province answer buyers: the first answer's delay
    (median, 90th percentile), the share answered within 48 hours, deals. One query."""
    qs = Conversation.objects.all()
    if not is_office(user):
        qs = qs.none()
    elif not user.is_nationwide:
        qs = qs.filter(producer__commune__current_province_id=user.unit_id)
    if since is not None:
        qs = qs.filter(created_at__date__gte=since)
    now = timezone.now()
    delays: list[float] = []
    within = due = deals = total = 0
    value = Decimal(0)
    for created, first, state, deal_value in qs.values_list(
            "created_at", "first_response_at", "state", "deal_value").order_by():
        total += 1
        if first is not None:
            delay = first - created
            delays.append(delay.total_seconds() / 3600)
            due += 1
            within += delay <= RESPONSE_TARGET
        elif now - created > RESPONSE_TARGET:
            due += 1
        if state == Conversation.State.DEAL:
            deals += 1
            value += deal_value or 0
    return ResponseFigures(
        conversations=total, answered=len(delays),
        median_hours=statistics.median(delays) if delays else None,
        p90_hours=_percentile(delays, 0.9), within_target=within, due=due, deals=deals,
        deal_value=value)
