"""Every read of the credentials app. All of it is public: a certificate is a public act (its
verification page is open to anyone), issuer keys and status lists exist to be read by anyone.
The status list credential is signed when it is read, so it always carries today's bits and the
province's current key."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ocop.certificates.models import Certificate
from ocop.credentials import documents
from ocop.credentials.models import Credential, IssuerKey, KeyState, StatusList
from ocop.units.models import Unit


def certificate(number: str) -> Certificate | None:
    if not number or len(number) > 32:
        return None
    return Certificate.objects.filter(number=number).first()


def credential_of(certificate_id: int) -> Credential | None:
    return Credential.objects.filter(certificate_id=certificate_id).first()


def _province(code: str) -> Unit | None:
    return Unit.objects.filter(level=Unit.Level.PROVINCE, era=Unit.Era.CURRENT, code=code).first()


def issuer_document(code: str) -> dict[str, Any] | None:
    """The DID document of a province that has ever had a key (None otherwise)."""
    keys = list(IssuerKey.objects.filter(province__code=code, province__era=Unit.Era.CURRENT)
                .exclude(state=KeyState.COMPROMISED).order_by("created_at", "id")
                .values_list("kid", "public_jwk"))
    if not keys and not IssuerKey.objects.filter(province__code=code).exists():
        return None
    return documents.issuer_did_document(code, keys)


def platform_document() -> dict[str, Any]:
    codes = (IssuerKey.objects.values_list("province__code", flat=True)
             .order_by("province__code").distinct())
    return documents.platform_did_document(list(codes))


def status_list_jwt(code: str, number: int) -> str | None:
    """The province's status list ``number`` as a ``vc+jwt`` signed now by its active key."""
    status_list = (StatusList.objects.filter(province__code=code, number=number,
                                             province__era=Unit.Era.CURRENT)
                   .select_related("province").first())
    if status_list is None:
        return None
    key = IssuerKey.objects.filter(province=status_list.province,
                                   state=KeyState.ACTIVE).first()
    if key is None:  # every key reported compromised and none issued since: nothing to sign with
        return None
    body = documents.status_list_body(
        province_code=code, number=number, authority=documents.issuer_name(status_list.province),
        bits=bytes(status_list.bits), valid_from=timezone.now().replace(microsecond=0))
    return documents.sign(body, private_key=documents.private_key(key.wrapped_private_key),
                          kid=documents.method_id(code, key.kid))


def trust_list() -> dict[str, Any]:
    """What a verifier pins: every issuer with every key and its state (compromised ones
    included, so that a verifier can say why it refuses), every status list URL, and where the
    copies of the JSON-LD contexts are."""
    issuers: dict[str, dict[str, Any]] = {}
    for key in IssuerKey.objects.select_related("province").order_by("province_id", "created_at",
                                                                       "id"):
        code = key.province.code
        entry = issuers.setdefault(code, {
            "id": documents.issuer_did(code), "name": documents.issuer_name(key.province),
            "keys": []})
        entry["keys"].append({
            "kid": key.kid, "jwk": key.public_jwk, "state": key.state,
            "compromised_at": key.compromised_at.isoformat() if key.compromised_at else None,
        })
    lists = [documents.status_list_url(code, number) for code, number in
             StatusList.objects.order_by("province__code", "number")
             .values_list("province__code", "number")]
    return {
        "generated_at": timezone.now().replace(microsecond=0).isoformat(),
        "issuers": list(issuers.values()),
        "status_lists": lists,
        "contexts": {url: f"{documents.base_url()}/jsonld/{name}"
                     for url, (_path, name) in documents.CONTEXTS.items()},
    }


def status_list_at(url: str) -> str | None:
    """The signed status list a credential names, when it is one of this platform's."""
    prefix = documents.base_url() + "/issuers/"
    if not url.startswith(prefix):
        return None
    code, _sep, rest = url[len(prefix):].partition("/status/")
    if not code or not rest.isdigit():
        return None
    return status_list_jwt(code, int(rest))
