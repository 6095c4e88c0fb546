"""The demo buyer: built through the services, idempotent, listed by demo_logins."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ocop.accounts.management.commands.demo_logins import DEMO_PASSWORD_HINT
from ocop.accounts.models import Role
from ocop.accounts.testing import make_user
from ocop.trade.demo import NAME, USERNAME, build_demo_trade
from ocop.trade.models import Buyer, Conversation, Need

pytestmark = pytest.mark.django_db


def test_the_demo_buyer_has_a_need_and_an_answered_inquiry(market):
    make_user(Role.PRODUCER, producer=market.producer, username="demo-chuthe")
    make_user(Role.PROVINCE_OFFICE, unit=market.units.ha_noi, username="demo-hanoi")
    buyer = build_demo_trade()
    assert buyer is not None and buyer.name == NAME and buyer.status == Buyer.Status.VERIFIED
    assert buyer.account.username == USERNAME and buyer.account.check_password(DEMO_PASSWORD_HINT)
    conversation = Conversation.objects.get()
    assert conversation.product == market.product and conversation.need == Need.objects.get()
    assert conversation.state == "answered"
    assert [m.side for m in conversation.messages.all()] == ["buyer", "producer"]
    assert build_demo_trade() == buyer  # a second run changes nothing
    assert Conversation.objects.count() == 1 and Buyer.objects.filter(name=NAME).count() == 1
    out = StringIO()
    call_command("demo_logins", stdout=out)
    line = next(row for row in out.getvalue().splitlines() if row.startswith(USERNAME))
    assert "Bên mua" in line and NAME in line and "(2FA)" not in line
