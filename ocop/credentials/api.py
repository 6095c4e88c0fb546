"""The credentials app's JSON API (mounted by ocop/api/urls.py): a certificate's verifiable
credential. Public, as the certificate's verification is: a certificate is a public act, and the
credential holds only what the public verify page shows (no tax code, representative, phone or
street address)."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from ocop.api.errors import refusals
from ocop.core.refusals import NotFound
from ocop.credentials import documents, selectors, services

router = Router(tags=["credentials"])


@router.get(
    "/certificates/{number}/credential", auth=None, response={**refusals(404)},
    openapi_extra={"responses": {200: {
        "description": "Chứng nhận số đã ký",
        "content": {documents.MEDIA_TYPE: {"schema": {"type": "string"}}},
    }}},
    summary="Chứng nhận số (vc+jwt) của giấy chứng nhận OCOP (công khai)",
    description="W3C Verifiable Credential 2.0 theo mẫu UNTP Digital Conformity Credential, "
                "ký ES256 (VC-JOSE-COSE), kiểu nội dung application/vc+jwt. Xem "
                "docs/credentials.md.",
)
def credential(request: HttpRequest, number: str) -> HttpResponse:
    certificate = selectors.certificate(number)
    if certificate is None:
        raise NotFound(_("Không có giấy chứng nhận OCOP số “%(number)s”.") % {"number": number},
                       code="credentials.certificate_unknown")
    # Certificates issued before credentials existed get theirs on first request (the backfill
    # command issues them all at once).
    issued = selectors.credential_of(certificate.pk) or services.issue_credential(certificate)
    response = HttpResponse(issued.jwt, content_type=documents.MEDIA_TYPE)
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.jwt"'
    response["Cache-Control"] = "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    return response
