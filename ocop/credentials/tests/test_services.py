"""Issuing, rotating, reporting compromised and revoking: each credential valid against the UNTP
DCC schema and verified by a path other than the signing library (``cryptography`` directly, in
ocop/credentials/verification.py); the revocation bit set inside the revocation's transaction."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from joserfc import jws
from joserfc.jwk import ECKey
from pyld import jsonld
from pyld.documentloader.frozen import FrozenDocumentLoader

from ocop.audit.models import AuditEntry
from ocop.certificates import services as certificates
from ocop.certificates.models import Certificate
from ocop.core import keywrap
from ocop.credentials import documents, selectors, services
from ocop.credentials.models import STATUS_LIST_BITS, Credential, IssuerKey, KeyState
from ocop.credentials.tests.helpers import body, check, header, schema_validator, tamper

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=documents.VIETNAM)


def _status_bit(credential: Credential) -> bool:
    credential.status_list.refresh_from_db()
    return documents.bit(bytes(credential.status_list.bits), credential.status_index)


def test_issued_certificate_has_a_valid_credential(cw):
    certificate = cw.issue()
    credential = Credential.objects.get(certificate=certificate)
    assert header(credential.jwt) == {
        "alg": "ES256", "typ": "vc+jwt", "cty": "vc",
        "kid": f"{documents.issuer_did('24')}#{credential.key.kid}"}
    vc = body(credential.jwt)
    schema_validator().validate(vc)
    assert vc["issuer"]["id"] == "did:web:127.0.0.1%3A8000:issuers:24"
    assert vc["issuer"]["name"] == "Ủy ban nhân dân thành phố Bắc Ninh"
    assert vc["validFrom"] == "2024-02-29T00:00:00+07:00"
    # Valid to the end of 28/02/2027 (36 months, Civil Code counting) in Vietnam.
    assert vc["validUntil"] == "2027-03-01T00:00:00+07:00"
    subject = vc["credentialSubject"]
    assert subject["assessmentLevel"] == "GovtApproval"
    assert subject["scope"]["version"] == "148/QĐ-TTg"  # the criteria set of a 2024 decision
    assert subject["assessment"][0]["declaredValue"][0]["metricValue"]["value"] == 3
    # Public data only: none of the producer's personal data.
    text = json.dumps(vc, ensure_ascii=False)
    for personal in ("Nguyễn Thị Bí Mật", "0912345678", "bimat@example.vn", "Thôn Riêng Tư",
                     cw.producers["own"].tax_code):
        assert personal not in text
    assert check(credential.jwt, now=NOW).problems == []


def test_the_signing_library_accepts_it_too(cw):
    credential = services.issue_credential(cw.issue())
    public = ECKey.import_key(credential.key.public_jwk)
    assert jws.deserialize_compact(credential.jwt, public, algorithms=["ES256"]).payload


def test_credential_is_compacted_json_ld_with_every_term_defined(cw):
    """Expanded with the copies of the contexts (no network), nothing is dropped and every type
    is an absolute IRI: the credential's terms are all defined by the contexts it names."""
    vc = body(services.issue_credential(cw.issue()).jwt)
    loader = FrozenDocumentLoader(documents={url: path for url, (path, _name)
                                             in documents.CONTEXTS.items()})
    expanded = jsonld.expand(vc, {"documentLoader": loader, "base": "urn:relative:"})

    def compact_leaves(node) -> int:
        if isinstance(node, dict):
            return sum(compact_leaves(v) for k, v in node.items() if k != "@context")
        if isinstance(node, list):
            return sum(compact_leaves(v) for v in node)
        return 1

    types: list[str] = []

    def expanded_leaves(node) -> int:
        if isinstance(node, list):
            return sum(expanded_leaves(v) for v in node)
        if "@value" in node:
            return 1
        types.extend(node.get("@type", []))
        return (len(node.get("@type", [])) + ("@id" in node)
                + sum(expanded_leaves(v) for k, v in node.items() if not k.startswith("@")))

    assert expanded_leaves(expanded) == compact_leaves(vc)
    assert types and all(t.startswith("https://") for t in types)


def test_copied_schema_accepts_the_upstream_sample():
    sample = json.loads((documents.HERE / "untp" / "untp-dcc-instance.json").read_text())
    schema_validator().validate(sample)


def test_private_keys_are_stored_wrapped(cw):
    credential = services.issue_credential(cw.issue())
    stored = bytes(credential.key.wrapped_private_key)
    key = documents.private_key(stored)
    assert key.as_dict(private=False) == credential.key.public_jwk
    assert key.as_dict(private=True)["d"].encode() not in stored
    with pytest.raises(keywrap.UnwrapError):
        keywrap.unwrap(stored, purpose="stamps")


def test_one_key_per_province_and_random_bits(cw):
    bac_ninh = [cw.issue(), cw.issue("legacy"), cw.issue(decision=cw.province_decision,
                                                         issued_on=date(2025, 9, 1))]
    hanoi = cw.issue("hanoi", decision=cw.hanoi_decision, issued_on=date(2025, 9, 1))
    keys = {c.credential.key for c in [*bac_ninh, hanoi]}
    assert len(keys) == 2
    assert {k.province_id for k in keys} == {"P24", "P01"}
    indexes = [c.credential.status_index for c in bac_ninh]
    assert len(set(indexes)) == 3 and all(0 <= i < STATUS_LIST_BITS for i in indexes)
    assert AuditEntry.objects.filter(action="credentials.key.create").count() == 2


def test_paper_certificates_get_credentials(cw):
    created = certificates.enter_paper_certificates(actor=None, today=date(2025, 1, 1), records=[
        certificates.PaperCertificate(decision=cw.district_decision, product=cw.products["own"],
                                      stars=4, total_score=Decimal("72"),
                                      issued_on=date(2024, 2, 29)),
    ])
    assert check(Credential.objects.get(certificate=created[0]).jwt, now=NOW).ok


def test_revocation_sets_the_bit_in_the_same_transaction(cw):
    certificate = cw.issue()
    credential = certificate.credential
    assert not _status_bit(credential)

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        certificates.revoke_certificate(actor=None, certificate=certificate, reason="Vi phạm",
                                        decision_number="9/QĐ-UBND", today=date(2025, 3, 1))
        assert _status_bit(credential)  # visible inside the transaction…
        raise Abandoned
    # …and gone with it: the certificate is not revoked, and neither is its credential.
    assert Certificate.objects.get(pk=certificate.pk).revoked_on is None
    assert not _status_bit(credential)
    assert check(credential.jwt, now=NOW).ok

    certificates.revoke_certificate(actor=None, certificate=certificate, reason="Vi phạm",
                                    decision_number="9/QĐ-UBND", today=date(2025, 3, 1))
    assert _status_bit(credential)
    assert check(credential.jwt, now=NOW).problems == [
        "Giấy chứng nhận đã bị thu hồi (danh sách trạng thái của Ủy ban nhân dân thành phố "
        "Bắc Ninh)."]


def test_expiry_leaves_the_bit_alone_and_valid_until_refuses(cw):
    certificate = cw.issue()
    certificates.run_daily(today=date(2027, 3, 1))
    assert Certificate.objects.get(pk=certificate.pk).expiry_recorded_on == date(2027, 3, 1)
    assert not _status_bit(certificate.credential)
    late = datetime(2027, 3, 1, 0, 0, tzinfo=documents.VIETNAM)
    assert check(certificate.credential.jwt, now=late).problems == [
        "Giấy chứng nhận đã hết hiệu lực: chỉ có giá trị đến hết ngày 28/02/2027."]
    last_minute = late - timedelta(minutes=1)
    assert check(certificate.credential.jwt, now=last_minute).ok


def test_rotation_keeps_old_credentials_verifiable(cw, units):
    old = cw.issue().credential
    new_key = services.rotate_key(province=units.bac_ninh)
    newer = cw.issue("legacy").credential
    assert newer.key == new_key and old.key != new_key
    old.key.refresh_from_db()
    assert old.key.state == KeyState.RETIRED
    assert check(old.jwt, now=NOW).ok and check(newer.jwt, now=NOW).ok
    document = selectors.issuer_document("24")
    assert [m["id"].split("#")[1] for m in document["verificationMethod"]] == [
        old.key.kid, new_key.kid]
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    # The status list is signed by the active key from now on, and still checks.
    assert header(selectors.status_list_jwt("24", 1))["kid"].endswith(new_key.kid)
    assert AuditEntry.objects.filter(action="credentials.key.rotate").count() == 1


def test_compromised_key_is_refused_and_its_credentials_resigned(cw, units):
    certificate = cw.issue()
    before = certificate.credential.jwt
    kid = certificate.credential.key.kid
    report = services.report_compromised(kid=kid)
    assert report.resigned == 1 and report.replacement.kid != kid
    problems = check(before, now=NOW).problems
    assert len(problems) == 1
    assert problems[0].startswith("Khoá ký của Ủy ban nhân dân thành phố Bắc Ninh đã bị báo lộ "
                                  f"ngày {timezone.localdate():%d/%m/%Y}")
    after = Credential.objects.get(certificate=certificate)
    assert after.jwt != before and after.key == report.replacement
    assert after.status_index == certificate.credential.status_index
    assert check(after.jwt, now=NOW).ok
    # Gone from the DID document, still named (as compromised) in the trust list.
    assert all(kid not in m["id"] for m in selectors.issuer_document("24")["verificationMethod"])
    assert IssuerKey.objects.get(kid=kid).state == KeyState.COMPROMISED
    with pytest.raises(Exception, match="đã được báo lộ trước đó"):
        services.report_compromised(kid=kid)


def test_refusals_name_the_problem(cw):
    token = services.issue_credential(cw.issue()).jwt
    tampered = tamper(token, lambda vc: vc["credentialSubject"]["assessment"][0]
                      ["declaredValue"][0]["metricValue"].update(value=5))
    assert check(tampered, now=NOW).problems == [
        "Chữ ký không hợp lệ: nội dung đã bị sửa hoặc không do Ủy ban nhân dân thành phố Bắc "
        "Ninh ký."]
    assert check("không phải chứng nhận", now=NOW).problems == [
        "Tệp không phải là chứng nhận số: một chứng nhận số (vc+jwt) gồm ba phần ngăn bởi dấu "
        "chấm."]
    assert check("eyJhbGciOiJFUzI1NiJ9.@@@.abc", now=NOW).problems[0].startswith(
        "Tệp không phải là chứng nhận số")

    # Signed by a key the platform never had, claiming an issuer it does not know…
    stranger = ECKey.generate_key("P-256", private=True)
    vc = body(token)
    vc["issuer"]["id"] = "did:web:gia-mao.example"
    forged = documents.sign(vc, private_key=stranger, kid="did:web:gia-mao.example#k")
    assert check(forged, now=NOW).problems == [
        "Cơ quan cấp “did:web:gia-mao.example” không có trong danh sách cơ quan cấp tin cậy của "
        "nền tảng OCOP."]
    # …or claiming a known issuer with a key that is not one of its keys.
    forged = documents.sign(body(token), private_key=stranger,
                            kid=f"{documents.issuer_did('24')}#{stranger.thumbprint()}")
    assert check(forged, now=NOW).problems == [
        "Khoá ký không có trong danh sách khoá của Ủy ban nhân dân thành phố Bắc Ninh: chứng "
        "nhận số không do cơ quan này cấp."]


def test_schema_objections_are_named(cw):
    credential = services.issue_credential(cw.issue())
    vc = body(credential.jwt)
    vc["credentialSubject"]["assessmentLevel"] = "Tự xưng"
    resigned = documents.sign(vc, private_key=documents.private_key(
        credential.key.wrapped_private_key), kid=header(credential.jwt)["kid"])
    [problem] = check(resigned, now=NOW).problems
    assert problem.startswith(
        "Nội dung không đúng mẫu UNTP DCC tại “credentialSubject/assessmentLevel”")


def test_backfill_issues_missing_credentials(cw):
    revoked = cw.issue()
    certificates.revoke_certificate(actor=None, certificate=revoked, reason="Vi phạm",
                                    decision_number="9/QĐ-UBND", today=date(2025, 3, 1))
    plain = cw.issue("legacy")
    Credential.objects.all().delete()  # as before this app existed
    assert services.backfill() == 2
    assert services.backfill() == 0
    assert check(Credential.objects.get(certificate=plain).jwt, now=NOW).ok
    assert check(Credential.objects.get(certificate=revoked).jwt, now=NOW).problems[0].startswith(
        "Giấy chứng nhận đã bị thu hồi")


@given(st.sets(st.integers(min_value=0, max_value=STATUS_LIST_BITS - 1), max_size=40))
def test_status_list_bits_round_trip(indexes):
    bits = documents.empty_bits(STATUS_LIST_BITS)
    for index in indexes:
        bits = documents.with_bit(bits, index, True)
    decoded = documents.decode_list(documents.encode_list(bits))
    assert len(decoded) * 8 == STATUS_LIST_BITS
    set_bits = {8 * n + j for n, byte in enumerate(decoded) if byte for j in range(8)
                if documents.bit(decoded, 8 * n + j)}
    assert set_bits == indexes
    for index in indexes:
        bits = documents.with_bit(bits, index, False)
    assert bits == documents.empty_bits(STATUS_LIST_BITS)


def test_bit_zero_is_the_leftmost_bit():
    """Bitstring Status List §4: index 0 is the first (most significant) bit of the first byte."""
    bits = documents.with_bit(documents.empty_bits(16), 0, True)
    assert bits == b"\x80\x00"
    assert documents.with_bit(bits, 15, True) == b"\x80\x01"
