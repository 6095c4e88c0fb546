"""Stamps anyone can verify (docs/stamps.md): Ed25519 signatures with a key id, rotation,
revocation, the published key set, the offline check, and every bad input on the scan page and
in the API."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc.jwk import KeySet, OKPKey
from joserfc.jws import JWSRegistry

from ocop.audit.models import AuditEntry
from ocop.core import keywrap
from ocop.core.refusals import Conflict, Invalid, NotFound
from ocop.trace import scanlog, stampkeys, stamps
from ocop.trace.models import Scan, StampKey

DOCS = Path(__file__).resolve().parents[3] / "docs" / "stamps.md"
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

lots = st.from_regex(r"[A-Za-z0-9._-]{1,20}", fullmatch=True)
serials = st.integers(min_value=0, max_value=10**18 - 1)
refs = st.one_of(st.from_regex(r"[0-9]{14}", fullmatch=True),
                 st.integers(min_value=1, max_value=10**9).map(lambda n: f"p{n}"))


def memory_key(kid: str = "Test", state: str = StampKey.State.CURRENT):
    """A key outside the database, and the lookup ``stamps.check`` takes for it."""
    private = Ed25519PrivateKey.generate()
    public = stampkeys.PublicKey(kid, private.public_key(), state, "")
    return private, {kid: public}.get


def signed(private: Ed25519PrivateKey, ref: str, lot: str, serial: int) -> str:
    return stampkeys.encode_signature(private.sign(stamps.message(ref, lot, serial)))


# --- the signature itself (no database) ------------------------------------------------------

@FAST
@given(message=st.binary(max_size=80), bit=st.integers(min_value=0, max_value=511))
def test_libsodium_and_openssl_agree_on_a_signature_and_on_any_bit_changed_in_it(
        message, bit) -> None:
    """The scan checks with libsodium (PyNaCl); the key is cryptography's (OpenSSL). Both accept
    what the platform signs and both refuse it with any one of its 512 bits changed."""
    private = Ed25519PrivateKey.generate()
    key = stampkeys.PublicKey("Test", private.public_key(), StampKey.State.CURRENT, "")
    signature = private.sign(message)
    assert key.verifies(signature, message)
    forged = bytearray(signature)
    forged[bit // 8] ^= 1 << (bit % 8)
    assert not key.verifies(bytes(forged), message)
    with pytest.raises(InvalidSignature):
        private.public_key().verify(bytes(forged), message)
    assert not key.verifies(signature[:-1], message)  # not 64 bytes
    assert not stampkeys.PublicKey("Test", None, StampKey.State.REVOKED, "").verifies(
        signature, message)


@FAST
@given(refs, lots, serials)
def test_a_signature_verifies_for_its_stamp_and_no_other(ref, lot, serial) -> None:
    private, keys = memory_key()
    signature = signed(private, ref, lot, serial)
    assert len(signature) == 86  # the whole 64-byte signature, Base64url
    assert stamps.check(ref, lot, serial, signature, "Test", keys) == stamps.Check.OK
    bad = stamps.Check.BAD_SIGNATURE
    assert stamps.check(ref, lot, serial + 1, signature, "Test", keys) == bad
    assert stamps.check(ref, lot + "X", serial, signature, "Test", keys) == bad
    assert stamps.check(ref + "0", lot, serial, signature, "Test", keys) == bad
    _other, other_keys = memory_key()  # another key under the same id
    assert stamps.check(ref, lot, serial, signature, "Test", other_keys) == bad


@FAST
@given(refs, lots, serials, st.integers(min_value=0, max_value=63),
       st.integers(min_value=1, max_value=255))
def test_any_changed_byte_breaks_the_signature(ref, lot, serial, index, flip) -> None:
    private, keys = memory_key()
    raw = bytearray(private.sign(stamps.message(ref, lot, serial)))
    raw[index] ^= flip
    forged = stampkeys.encode_signature(bytes(raw))
    assert stamps.check(ref, lot, serial, forged, "Test", keys) == stamps.Check.BAD_SIGNATURE


@FAST
@given(st.text(max_size=120), st.text(max_size=12))
def test_any_text_as_signature_or_key_id_gets_a_verdict_never_an_error(signature, kid) -> None:
    _private, keys = memory_key()
    verdict = stamps.check("08930000000019", "L1", 7, signature, kid, keys)
    assert verdict in set(stamps.Check)
    if kid:
        assert verdict != stamps.Check.OK  # no key signed this
    decoded = stampkeys.decode_signature(signature)
    assert decoded is None or (len(decoded) == 64
                               and stampkeys.encode_signature(decoded) == signature)


def test_revoked_and_unknown_keys_are_named_before_the_signature_is_looked_at() -> None:
    private, keys = memory_key(state=StampKey.State.REVOKED)
    signature = signed(private, "p1", "L", 1)
    assert stamps.check("p1", "L", 1, signature, "Test", keys) == stamps.Check.REVOKED_KEY
    assert stamps.check("p1", "L", 1, signature, "Nope", keys) == stamps.Check.UNKNOWN_KEY
    assert stamps.check("p1", "L", 1, signature, "Test\n", keys) == stamps.Check.UNKNOWN_KEY


# --- keys in the database --------------------------------------------------------------------

def scan_path(uri: str) -> str:
    return "/" + uri.split("://", 1)[1].split("/", 1)[1]


def uri_of(chain, serial: int) -> str:
    return stamps.stamp_uri(chain.dried.gtin, chain.dried.pk, chain.packed.code, serial)


def kid_of(uri: str) -> str:
    return stamps.parse_uri(uri)[2]


@pytest.mark.django_db
def test_the_first_key_is_made_on_first_use_and_stored_wrapped(chain) -> None:
    assert not StampKey.objects.exists()
    uri = uri_of(chain, 7)
    row = StampKey.objects.get()
    assert row.state == StampKey.State.CURRENT and kid_of(uri) == row.kid
    assert re.search(rf"/21/7\?k={row.kid}&s=[A-Za-z0-9_-]{{86}}$", uri)
    der = keywrap.unwrap(bytes(row.private_key), purpose="stamps")
    assert der not in bytes(row.private_key)  # only ciphertext is stored
    with pytest.raises(keywrap.UnwrapError):
        keywrap.unwrap(bytes(row.private_key), purpose="credentials")
    assert AuditEntry.objects.filter(action="trace.stamp_key_create").count() == 1
    assert uri_of(chain, 7) == uri  # Ed25519 is deterministic: re-printing gives the same URI


@pytest.mark.django_db
def test_rotation_keeps_old_stamps_verifying(chain) -> None:
    old = uri_of(chain, 7)
    new_key = stampkeys.rotate()
    new = uri_of(chain, 8)
    assert kid_of(new) == new_key.kid != kid_of(old)
    assert StampKey.objects.get(kid=kid_of(old)).state == StampKey.State.RETIRED
    for uri in (old, new):
        html = Client().get(scan_path(uri)).content.decode()
        assert 'data-result="ok"' in html and "Sản phẩm chính hãng" in html


@pytest.mark.django_db
def test_legacy_hmac_stamps_still_verify_on_the_page_and_in_the_api(chain) -> None:
    dried = chain.dried
    legacy = stamps.legacy_sign(stamps.product_ref(dried.gtin, dried.pk), chain.packed.code, 7)
    path = scan_path(uri_of(chain, 7)).split("?")[0] + f"?s={legacy}"
    html = Client().get(path).content.decode()
    assert 'data-result="ok"' in html and "Vải sấy khô Lục Ngạn" in html
    body = Client().get("/api/v1/trace/scan", {"uri": "https://x.vn" + path}).json()
    assert body["result"] == "ok" and body["verified"] is True
    # …and a legacy signature is not accepted under a key id, nor the other way round.
    assert 'data-result="ok"' not in Client().get(
        path.replace("?s=", f"?k={kid_of(uri_of(chain, 7))}&s=")).content.decode()
    assert 'data-result="bad_signature"' in Client().get(
        path.split("?")[0] + "?s=" + stamps.parse_uri(uri_of(chain, 7))[1]).content.decode()


def bad_inputs(chain) -> dict[str, tuple[str, str, str]]:
    """name → (scan path, expected result, words of the Vietnamese message)."""
    good = scan_path(uri_of(chain, 7))
    head, _query = good.split("?")
    kid, signature = kid_of(good), stamps.parse_uri(good)[1]
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    return {
        "forged signature": (f"{head}?k={kid}&s={flipped}", "bad_signature",
                             "Chữ ký của tem không hợp lệ"),
        "signature for another serial": (good.replace("/21/7?", "/21/8?"), "bad_signature",
                                         "Chữ ký của tem không hợp lệ"),
        "truncated signature": (f"{head}?k={kid}&s={signature[:40]}", "bad_signature",
                                "Chữ ký của tem không hợp lệ"),
        "not base64url": (f"{head}?k={kid}&s={'%21' * 86}", "bad_signature",
                          "Chữ ký của tem không hợp lệ"),
        "key id without signature": (f"{head}?k={kid}", "bad_signature",
                                     "Chữ ký của tem không hợp lệ"),
        "unknown key id": (f"{head}?k=Zz9_&s={signature}", "unknown_key",
                           "khoá ký không có trong hệ thống"),
        "malformed key id": (f"{head}?k={quote('<script>')}&s={signature}", "unknown_key",
                             "khoá ký không có trong hệ thống"),
    }


CASES = ["forged signature", "signature for another serial", "truncated signature",
         "not base64url", "key id without signature", "unknown key id", "malformed key id"]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_bad_stamps_get_a_clear_verdict_and_no_product(chain, case) -> None:
    path, expected, words = bad_inputs(chain)[case]
    response = Client().get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-result="{expected}"' in html and words in html
    assert "Vải sấy khô" not in html and "chính hãng" not in html
    as_json = Client().get(path, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 200 and as_json.json()["result"] == expected
    api = Client().get("/api/v1/trace/scan", {"uri": "https://qr.example.vn" + path})
    assert api.status_code == 200
    body = api.json()
    assert body["result"] == expected and body["verified"] is False
    assert words in body["warnings"][0] and "product" not in body
    scanlog.flush()
    assert set(Scan.objects.values_list("result", flat=True)) == {expected}


@pytest.mark.django_db
def test_a_revoked_key_warns_on_its_stamps_and_printing_goes_on(chain) -> None:
    old = uri_of(chain, 7)
    kid = kid_of(old)
    stampkeys.revoke(kid, reason="Máy in bị xâm nhập")
    row = StampKey.objects.get(kid=kid)
    assert row.state == StampKey.State.REVOKED and row.revoked_at is not None
    assert AuditEntry.objects.filter(action="trace.stamp_key_revoke").count() == 1
    html = Client().get(scan_path(old)).content.decode()
    assert 'data-result="revoked_key"' in html and "khoá đã bị thu hồi" in html
    assert "Vải sấy khô" not in html and "chính hãng" not in html
    body = Client().get("/api/v1/trace/scan", {"uri": old}).json()
    assert body["result"] == "revoked_key" and not body["verified"]
    # The revoked key was current: a new one signs, and its stamps are genuine.
    fresh = uri_of(chain, 7)
    assert kid_of(fresh) != kid
    assert StampKey.objects.get(state=StampKey.State.CURRENT).kid == kid_of(fresh)
    assert 'data-result="ok"' in Client().get(scan_path(fresh)).content.decode()


@pytest.mark.django_db
def test_revocation_refusals_name_the_problem(chain) -> None:
    kid = kid_of(uri_of(chain, 7))
    with pytest.raises(Invalid, match="lý do"):
        stampkeys.revoke(kid, reason="  ")
    with pytest.raises(NotFound, match="Không có khoá ký tem mã Nope"):
        stampkeys.revoke("Nope", reason="lộ")
    stampkeys.revoke(kid, reason="lộ")
    with pytest.raises(Conflict, match="đã bị thu hồi từ trước"):
        stampkeys.revoke(kid, reason="lộ")
    assert StampKey.objects.filter(state=StampKey.State.REVOKED).count() == 1


@pytest.mark.django_db
def test_the_warm_scan_reads_no_key_row(chain, django_assert_max_num_queries) -> None:
    path = scan_path(uri_of(chain, 8))
    client = Client()
    client.get(path)
    with django_assert_max_num_queries(1):  # the earlier scans only, as before key ids
        client.get(path)


# --- the published keys and offline checks ---------------------------------------------------

def snippet() -> dict:
    """The third-party verifier of docs/stamps.md, run as written."""
    text = DOCS.read_text(encoding="utf-8")
    code = text.split("<!-- verify-snippet", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102 — our own documentation
    return namespace


@pytest.mark.django_db
def test_the_published_keys_verify_stamps_with_plain_cryptography(chain) -> None:
    retired_uri = uri_of(chain, 7)
    stampkeys.rotate()
    revoked_uri = uri_of(chain, 8)
    stampkeys.revoke(kid_of(revoked_uri), reason="lộ")
    current_uri = uri_of(chain, 9)
    platform_uri = stamps.stamp_uri(None, chain.fruit.pk, chain.harvest.code, 2)
    response = Client().get("/tem/khoa.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    jwks = response.json()
    assert {k["kid"] for k in jwks["keys"]} == {kid_of(retired_uri), kid_of(current_uri)}
    assert [r["kid"] for r in jwks["revoked"]] == [kid_of(revoked_uri)]
    assert all(set(k) == {"kty", "crv", "x", "kid", "alg", "use"} for k in jwks["keys"])

    verify_stamp = snippet()["verify_stamp"]
    assert verify_stamp(retired_uri, jwks) == "genuine"
    assert verify_stamp(current_uri, jwks) == "genuine"
    assert verify_stamp(platform_uri, jwks) == "genuine"
    assert verify_stamp(revoked_uri, jwks) == "revoked"
    assert verify_stamp(current_uri.replace("/21/9?", "/21/10?"), jwks) == "forged"
    signature = stamps.parse_uri(current_uri)[1]
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    assert verify_stamp(current_uri.replace(signature, flipped), jwks) == "forged"
    assert verify_stamp(re.sub(r"k=[^&]+", "k=Zz9_", current_uri), jwks) == "unknown key"
    assert verify_stamp(current_uri.split("?")[0] + "?s=ABCDEFGHIJKLMNOP", jwks) == "legacy"


@pytest.mark.django_db
def test_another_jose_library_reads_the_key_set_and_verifies_a_stamp(chain) -> None:
    uri = uri_of(chain, 7)
    parsed, signature, kid = stamps.parse_uri(uri)
    key_set = KeySet.import_key_set(Client().get("/tem/khoa.json").json())
    key = key_set.get_by_kid(kid)
    # joserfc's own EdDSA algorithm (RFC 8037) over the signed text, with the key it read.
    eddsa = JWSRegistry.algorithms["EdDSA"]
    message = stamps.message(parsed.ref, parsed.lot, parsed.serial)
    raw = stampkeys.decode_signature(signature)
    assert eddsa.verify(message, raw, key)
    assert not eddsa.verify(stamps.message(parsed.ref, parsed.lot, parsed.serial + 1), raw, key)


@pytest.mark.django_db
def test_the_key_set_page_is_made_stale_by_a_rotation(chain) -> None:
    uri_of(chain, 7)
    first = Client().get("/tem/khoa.json").json()
    stampkeys.rotate()
    second = Client().get("/tem/khoa.json").json()
    assert len(second["keys"]) == len(first["keys"]) + 1


# --- manage.py stamps ------------------------------------------------------------------------

def run(*args: str) -> str:
    out = io.StringIO()
    call_command("stamps", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_command_rotates_revokes_lists_and_verifies(chain, tmp_path) -> None:
    uri = uri_of(chain, 7)
    kid = kid_of(uri)
    assert f"Chữ ký hợp lệ (khoá {kid})" in run("verify", uri)
    assert "Khoá ký tem mới" in run("rotate")
    jwks_file = tmp_path / "khoa.json"
    jwks_file.write_text(run("jwks"), encoding="utf-8")
    assert "Chữ ký hợp lệ" in run("verify", "--jwks", str(jwks_file), uri)
    listing = run("keys")
    assert f"{kid}  Đã thay, vẫn dùng để kiểm tra" in listing and "Đang dùng để ký" in listing
    assert "Đã thu hồi khoá" in run("revoke", kid, "--reason", "lộ khoá")
    with pytest.raises(CommandError, match="khoá đã bị thu hồi"):
        run("verify", uri)
    # The saved key set still trusts it: offline checks are as fresh as the saved file.
    assert "Chữ ký hợp lệ" in run("verify", "--jwks", str(jwks_file), uri)
    with pytest.raises(CommandError, match="Chữ ký của tem không hợp lệ"):
        run("verify", uri_of(chain, 7).replace("/21/7?", "/21/8?"))
    with pytest.raises(CommandError, match="không đúng định dạng"):
        run("verify", "https://x.vn/01/08930000000018/10/L/21/1?k=a&s=b")
    with pytest.raises(CommandError, match="Không có khoá ký tem mã Nope"):
        run("revoke", "Nope", "--reason", "x")
    legacy = uri.split("?")[0] + "?s=ABCDEFGHIJKLMNOP"
    with pytest.raises(CommandError, match="chỉ kiểm tra được trên máy chủ"):
        run("verify", "--jwks", str(jwks_file), legacy)
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="Không đọc được tệp khoá công khai"):
        run("verify", "--jwks", str(tmp_path / "broken.json"), uri)


def thumbprint_id(private: Ed25519PrivateKey) -> str:
    return OKPKey.import_key(private.public_key()).thumbprint()[:stampkeys.KID_LENGTH]


@pytest.mark.django_db
def test_a_key_id_never_starts_with_a_dash(monkeypatch) -> None:
    """One thumbprint in 64 starts with "-", which the command line takes for an option."""
    dashed = next(k for k in iter(Ed25519PrivateKey.generate, None)
                  if thumbprint_id(k).startswith("-"))
    plain = next(k for k in iter(Ed25519PrivateKey.generate, None)
                 if not thumbprint_id(k).startswith("-"))
    # Revoking the current key draws its successor: from then on, real keys.
    drawn = itertools.chain([dashed, plain], iter(Ed25519PrivateKey.generate, None))
    monkeypatch.setattr(stampkeys.Ed25519PrivateKey, "generate", lambda: next(drawn))
    row = stampkeys.rotate()
    assert row.kid == thumbprint_id(plain)
    assert "Đã thu hồi khoá" in run("revoke", row.kid, "--reason", "lộ khoá")


@pytest.mark.django_db
def test_the_link_set_keeps_the_key_id_and_signature(chain) -> None:
    path = scan_path(uri_of(chain, 7))
    entry = Client().get(path + "&linkType=all").json()["linkset"][0]
    href = entry["https://gs1.org/voc/defaultLink"][0]["href"]
    assert href.endswith(path.split("/21/7")[1]) and "?k=" in href and "&s=" in href
    assert 'data-result="ok"' in Client().get(scan_path(href)).content.decode()


@pytest.mark.django_db
def test_the_revoked_key_warning_in_english(chain) -> None:
    uri = uri_of(chain, 7)
    stampkeys.revoke(kid_of(uri), reason="lộ")
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.get(scan_path(uri)).content.decode()
    assert 'data-result="revoked_key"' in html
    assert "signed with a key that has been revoked" in html
