"""Certificates API: public verification (no login) and revocation (standing office)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from ocop.api.types import PlausibleDate
from ocop.certificates import selectors, services
from ocop.certificates.views import PUBLIC_CACHE

router = Router(tags=["certificates"])


class DecisionOut(Schema):
    number: str
    date: date
    issuer: str


class VerificationOut(Schema):
    status: str = Field(description="valid, expired, revoked hoặc unknown")
    status_label: str
    checked_on: date
    number: str | None = None
    product: str | None = None
    producer: str | None = Field(None, description="Tên chủ thể (tổ chức), không dữ liệu cá nhân")
    commune: str | None = Field(None, description="Xã/phường hiện nay")
    province: str | None = None
    registered_commune: str | None = Field(None, description="Xã/phường cũ đã đăng ký, nếu khác")
    stars: int | None = None
    issued_on: date | None = None
    valid_until: date | None = Field(None, description="Ngày cuối cùng còn hiệu lực")
    decision: DecisionOut | None = None
    revoked_on: date | None = None
    revocation_reason: str | None = None
    revocation_decision_number: str | None = None


class UnknownOut(Schema):
    status: str = "unknown"
    status_label: str
    checked_on: date


class RevokeIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    decision_number: str = Field(min_length=1, max_length=60)
    revoked_on: PlausibleDate | None = Field(None, description="Mặc định: hôm nay")


class CertificateErrorOut(Schema):
    detail: str | dict[str, list[str]]


@router.get(
    "/certificates/{number}", auth=None, response={200: VerificationOut, 404: UnknownOut},
    summary="Kiểm tra giấy chứng nhận OCOP (công khai)",
)
def verify(request: HttpRequest, number: str, response: HttpResponse):
    data = selectors.public_data(selectors.verification(number), timezone.localdate())
    response["Cache-Control"] = PUBLIC_CACHE
    if data["status"] == "unknown":
        return Status(404, data)
    return data


@router.post(
    "/certificates/{number}/revoke",
    response={200: VerificationOut, 403: CertificateErrorOut, 404: CertificateErrorOut,
              422: CertificateErrorOut},
    summary="Thu hồi giấy chứng nhận (cơ quan thường trực)",
)
def revoke(request: HttpRequest, number: str, payload: RevokeIn):
    user = request.auth
    try:
        certificate = selectors.certificate_detail(user, number)
    except Http404:  # outside the caller's reach: existence is not revealed
        return Status(404, {"detail": _("Không tìm thấy.")})
    try:
        services.revoke_certificate(actor=user, certificate=certificate, reason=payload.reason,
                                    decision_number=payload.decision_number,
                                    revoked_on=payload.revoked_on)
    except PermissionDenied as exc:  # the reason permissions.can_revoke gives
        return Status(403, {"detail": str(exc)})
    except ValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Status(422, {"detail": detail})
    return selectors.public_data(selectors.verification(number), timezone.localdate())
