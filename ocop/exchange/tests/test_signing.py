"""Signed requests: the partner's own key (an independent signer in ``testing.PartnerKeys``),
and each way a request must be refused."""

from __future__ import annotations

import time

import pytest

from ocop.exchange import signing
from ocop.exchange.models import Partner, SeenNonce
from ocop.exchange.testing import PartnerKeys

pytestmark = pytest.mark.django_db

PATH = "/api/v1/exchange/import"
BODY = b'{"entity":"producer","data":{}}\n'


@pytest.fixture
def partner():
    keys = PartnerKeys.new("tinh-bac-ninh")
    record = Partner.objects.create(code=keys.code, name="Bắc Ninh", public_key_pem=keys.public_pem)
    return keys, record


def _verify(value, body=BODY, path=PATH, method="POST", now=None):
    return signing.verify(value, signing.SignedRequest(method, path, body), now=now)


def test_a_good_signature_names_the_partner_and_keeps_the_nonce(partner):
    keys, record = partner
    assert _verify(keys.sign("POST", PATH, BODY, nonce="n-0000001")) == record
    assert SeenNonce.objects.filter(partner=record, nonce="n-0000001").exists()


def test_our_own_signature_verifies_against_our_public_key(settings):
    from ocop.exchange import services

    key = services.create_signing_key(actor=None)
    Partner.objects.create(code=settings.EXCHANGE_PLATFORM_CODE, name="Chính mình",
                           public_key_pem=key.public_key_pem)
    assert _verify(signing.sign("POST", PATH, BODY)).code == settings.EXCHANGE_PLATFORM_CODE


@pytest.mark.parametrize(("case", "code"), [
    ("tampered_body", "exchange.body_changed"),
    ("other_path", "exchange.wrong_target"),
    ("wrong_key", "exchange.bad_signature"),
    ("stale", "exchange.stale"),
    ("future", "exchange.stale"),
    ("unknown_partner", "exchange.unknown_partner"),
    ("garbage", "exchange.signature_malformed"),
])
def test_bad_requests_are_refused_by_name(partner, case, code):
    keys, _record = partner
    now = int(time.time())
    value = {
        "tampered_body": lambda: keys.sign("POST", PATH, b"other body"),
        "other_path": lambda: keys.sign("POST", "/api/v1/exchange/changes"),
        "wrong_key": lambda: PartnerKeys.new(keys.code).sign("POST", PATH, BODY),
        "stale": lambda: keys.sign("POST", PATH, BODY, iat=now - 301),
        "future": lambda: keys.sign("POST", PATH, BODY, iat=now + 301),
        "unknown_partner": lambda: PartnerKeys.new("la").sign("POST", PATH, BODY),
        "garbage": lambda: "not-a-jws",
    }[case]()
    with pytest.raises(signing.SignatureRefused) as caught:
        _verify(value, now=now)
    assert caught.value.code == code
    assert caught.value.status == 401
    assert caught.value.message  # a sentence for the person


def test_a_replayed_request_is_refused(partner):
    keys, _record = partner
    value = keys.sign("POST", PATH, BODY)
    _verify(value)
    with pytest.raises(signing.SignatureRefused) as caught:
        _verify(value)
    assert caught.value.code == "exchange.replayed"
    assert "đã được gửi trước đó" in caught.value.message


def test_a_suspended_partner_is_refused(partner):
    keys, record = partner
    record.active = False
    record.save()
    with pytest.raises(signing.SignatureRefused):
        _verify(keys.sign("POST", PATH, BODY))


def test_the_private_key_is_stored_only_wrapped():
    from cryptography.hazmat.primitives import serialization

    from ocop.core import keywrap
    from ocop.exchange import services

    key = services.create_signing_key(actor=None)
    raw = keywrap.unwrap(key.private_key, purpose="exchange")
    assert raw not in bytes(key.private_key)
    serialization.load_der_private_key(raw, password=None)
    with pytest.raises(keywrap.UnwrapError):
        keywrap.unwrap(key.private_key, purpose="stamps")
