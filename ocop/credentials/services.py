"""Every write of the credentials app: issuer keys (create, rotate, report compromised), the
credential of each certificate, and its revocation bit.

Issuing a credential and flipping its bit happen inside the certificates app's own transaction
(hooks ``certificate_issued`` and ``certificate_lapsed``, connected in ``apps.py``): a certificate
never exists without the means to issue its credential, and a revocation that rolls back leaves the
bit as it was. Key changes are audited; a credential is not (it is a signed copy of the audited
certificate issue, and its row records when it was made).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from cryptography.hazmat.primitives import serialization
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.jwk import ECKey

from ocop.accounts.models import User
from ocop.audit import services as audit
from ocop.certificates.documents import authority
from ocop.certificates.models import Certificate
from ocop.core import keywrap, publiccache
from ocop.core.refusals import Conflict, NotFound
from ocop.credentials import documents, qrlink
from ocop.credentials.models import (
    STATUS_LIST_BITS,
    Credential,
    IssuerKey,
    KeyState,
    StatusList,
)
from ocop.units.models import Unit

# A list is left for a new one once half its bits are taken: a free bit is then found at random
# in two tries on average, and the list still hides each credential among 65,536 others.
STATUS_LIST_FILL = STATUS_LIST_BITS // 2


# --- Keys ------------------------------------------------------------------------------------


def _generate(province: Unit) -> IssuerKey:
    # The DID documents and the trust list change: stored public copies are stale (fast path).
    publiccache.invalidate()
    key = ECKey.generate_key("P-256", private=True)
    der = key.private_key.private_bytes(serialization.Encoding.DER,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    return IssuerKey.objects.create(
        province=province, kid=key.thumbprint(), public_jwk=key.as_dict(private=False),
        wrapped_private_key=keywrap.wrap(der, purpose=documents.KEY_PURPOSE), state=KeyState.ACTIVE,
    )


def active_key(province: Unit) -> IssuerKey:
    """The province's signing key, created on first use (audited)."""
    found = IssuerKey.objects.filter(province=province, state=KeyState.ACTIVE).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            key = _generate(province)
            audit.record(actor=None, action="credentials.key.create", obj=key,
                         changes={"province": province.pk, "kid": key.kid})
            return key
    except IntegrityError:
        # Another transaction created it first (one active key per province).
        return IssuerKey.objects.get(province=province, state=KeyState.ACTIVE)


@transaction.atomic
def rotate_key(*, province: Unit, actor: User | None = None) -> IssuerKey:
    """Retire the active key (it stays in the DID document: what it signed still verifies) and
    create a new one, which signs from now on."""
    now = timezone.now()
    old = IssuerKey.objects.select_for_update(no_key=True).filter(province=province,
                                                        state=KeyState.ACTIVE).first()
    if old is not None:
        old.state, old.retired_at = KeyState.RETIRED, now
        old.save(update_fields=["state", "retired_at"])
    new = _generate(province)
    audit.record(actor=actor, action="credentials.key.rotate", obj=new,
                 changes={"province": province.pk, "kid": new.kid,
                          "retired": old.kid if old else None})
    return new


@dataclass(frozen=True)
class CompromiseReport:
    key: IssuerKey
    replacement: IssuerKey
    resigned: int


@transaction.atomic
def report_compromised(*, kid: str, actor: User | None = None) -> CompromiseReport:
    """A key that may be in someone else's hands: it leaves the DID document, every verifier of
    the platform refuses what it signed, and the credentials it signed are signed again with the
    province's active key (rotated first if the compromised key was the active one), keeping
    their status bit. Holders fetch the new copy from the same URL (or a new PDF)."""
    # The province is read beside the key, not locked (registry.services._locked says why).
    key = (IssuerKey.objects.select_for_update(of=("self",), no_key=True).filter(kid=kid)
           .select_related("province").first())
    if key is None:
        raise NotFound(_("Không có khoá nào mang mã “%(kid)s”.") % {"kid": kid},
                       code="credentials.key_unknown")
    if key.state == KeyState.COMPROMISED:
        raise Conflict(_("Khoá này đã được báo lộ trước đó."), code="credentials.key_compromised")
    was_active = key.state == KeyState.ACTIVE
    key.state, key.compromised_at = KeyState.COMPROMISED, timezone.now()
    key.save(update_fields=["state", "compromised_at"])
    publiccache.invalidate()
    replacement = _generate(key.province) if was_active else active_key(key.province)
    resigned = 0
    for credential in Credential.objects.filter(key=key).select_related("status_list"):
        certificate = _certificate(credential.certificate_id)
        _sign_into(credential, certificate, replacement)
        credential.resigned_at = key.compromised_at
        credential.save(update_fields=["key", "jwt", "resigned_at"])
        resigned += 1
    audit.record(actor=actor, action="credentials.key.compromised", obj=key,
                 changes={"province": key.province_id, "kid": key.kid,
                          "replacement": replacement.kid, "resigned": resigned})
    return CompromiseReport(key=key, replacement=replacement, resigned=resigned)


# --- Status lists ----------------------------------------------------------------------------


def _open_list(province: Unit) -> StatusList:
    """The province's list that new credentials take bits from, locked; a new list once the
    current one is half full."""
    current = (StatusList.objects.select_for_update(no_key=True).filter(province=province)
               .order_by("-number").first())
    if current is not None and current.used < STATUS_LIST_FILL:
        return current
    number = current.number + 1 if current else 1
    try:
        with transaction.atomic():
            StatusList.objects.create(province=province, number=number,
                                      bits=documents.empty_bits(STATUS_LIST_BITS))
            publiccache.invalidate()  # the trust list names the new list
    except IntegrityError:
        pass  # created by a concurrent issue; lock and use it
    return StatusList.objects.select_for_update(no_key=True).get(province=province, number=number)


def _free_index(status_list: StatusList) -> int:
    """A random unused bit: neighbouring certificates do not get neighbouring bits, so a list
    reveals nothing about the order or the province's numbering."""
    taken = Credential.objects.filter(status_list=status_list)
    while True:
        index = secrets.randbelow(STATUS_LIST_BITS)
        if not taken.filter(status_index=index).exists():
            return index


def _set_bit(status_list_id: int, index: int) -> None:
    locked = StatusList.objects.select_for_update(no_key=True).get(pk=status_list_id)
    bits = bytes(locked.bits)
    if not documents.bit(bits, index):
        locked.bits = documents.with_bit(bits, index, True)
        locked.save(update_fields=["bits", "updated_at"])
        publiccache.invalidate()  # the published status list changed


# --- Credentials -----------------------------------------------------------------------------

_RELATED = ("product", "producer__commune__current_commune",
            "producer__commune__current_province", "decision__issuing_unit",
            "administered_by")


def _certificate(pk: int) -> Certificate:
    return Certificate.objects.select_related(*_RELATED).get(pk=pk)


def _body(certificate: Certificate, credential: Credential) -> dict:
    commune = certificate.producer.commune
    current = commune.current_commune or commune
    province = certificate.administered_by
    place = current.full_name
    if commune.current_province_id:
        place = f"{place}, {commune.current_province.full_name}"
    decision = certificate.decision
    base = documents.base_url()
    return documents.credential_body(
        number=certificate.number, product=certificate.product.name,
        product_id=f"{base}/san-pham-ocop/{certificate.product_id}/",
        gtin=certificate.product.gtin, producer=certificate.producer.name,
        producer_id=f"{base}/san-pham-ocop/chu-the/{certificate.producer_id}/", place=place,
        stars=certificate.stars, total_score=float(certificate.total_score),
        issued_on=certificate.issued_on, valid_until=certificate.valid_until,
        decision_number=decision.number, decision_date=decision.date,
        authority=authority(decision.issuing_unit, decision.date).name,
        issuer=documents.issuer_name(province), province_code=province.code,
        status_list=credential.status_list.number, status_index=credential.status_index,
    )


def _sign_into(credential: Credential, certificate: Certificate, key: IssuerKey) -> None:
    credential.key = key
    credential.jwt = documents.sign(
        _body(certificate, credential), private_key=documents.private_key(key.wrapped_private_key),
        kid=documents.method_id(certificate.administered_by.code, key.kid))


def issue_credential(certificate: Certificate) -> Credential:
    """The certificate's credential, issued once (later calls return it): signed by the active
    key of the certificate's administering province, with a random bit of that province's status
    list — set at once for a certificate already revoked (a backfill)."""
    existing = Credential.objects.filter(certificate_id=certificate.pk).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        full = _certificate(certificate.pk)
        province = full.administered_by
        key = active_key(province)
        status_list = _open_list(province)
        credential = Credential(certificate=full, status_list=status_list,
                                status_index=_free_index(status_list),
                                issued_at=timezone.now())
        _sign_into(credential, full, key)
        credential.save()
        StatusList.objects.filter(pk=status_list.pk).update(used=status_list.used + 1)
        if full.revoked_on is not None:
            _set_bit(status_list.pk, credential.status_index)
    return credential


def issue_credentials(certificates: list[Certificate], today: date | None = None) -> None:
    """Hook ``certificates.certificate_issued``: inside the issuing transaction."""
    for certificate in certificates:
        issue_credential(certificate)


def certificate_lapsed(certificate: Certificate, today: date) -> None:
    """Hook ``certificates.certificate_lapsed``, inside the revocation's transaction: set the
    credential's revocation bit. An expiry changes nothing: the credential's ``validUntil``
    already says it (a revocation bit for an expiry would tell verifiers a falsehood)."""
    if certificate.revoked_on is None:
        return
    credential = Credential.objects.filter(certificate_id=certificate.pk).first()
    if credential is None:
        # Issued before credentials existed: its credential, when issued, starts revoked.
        return
    _set_bit(credential.status_list_id, credential.status_index)


def backfill(*, limit: int | None = None) -> int:
    """Issue the credential of every certificate that has none (certificates entered before this
    app, or generated in bulk by the benchmark data). Each in its own transaction; returns how
    many were issued."""
    missing = (Certificate.objects.filter(credential__isnull=True).order_by("pk")
               .values_list("pk", flat=True))
    done = 0
    for pk in missing[:limit] if limit else missing:
        issue_credential(Certificate(pk=pk))
        done += 1
    return done


def pdf_attachments(certificate: Certificate) -> list[tuple[str, bytes, str]]:
    """Hook ``certificates.pdf_attachments``: the PDF carries the credential, so that the paper's
    digital twin can be verified offline (``manage.py credentials verify`` or the verify page)."""
    credential = issue_credential(certificate)
    return [(f"{certificate.number}.jwt", credential.jwt.encode(),
             _("Chứng nhận số (W3C Verifiable Credential, vc+jwt) của giấy chứng nhận %(number)s")
             % {"number": certificate.number})]


def qr_link(certificate: Certificate, url: str) -> str:
    """Hook ``certificates.qr_link``: the printed QR code carries the credential in the verify
    address's fragment, so a phone can check the paper with no network (``qrlink``)."""
    return qrlink.link(url, issue_credential(certificate).jwt)
