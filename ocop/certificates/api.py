"""Certificates API: public verification (no login) and revocation (standing office)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from ocop.api.errors import refusals
from ocop.api.types import PlausibleDate
from ocop.certificates import selectors, services
from ocop.certificates.views import PUBLIC_CACHE
from ocop.core.refusals import Forbidden

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


@router.get(
    "/certificates/{number}", auth=None, response={200: VerificationOut, 404: UnknownOut},
    summary="Kiểm tra giấy chứng nhận OCOP (công khai)",
)
def verify(request: HttpRequest, number: str, response: HttpResponse):
    data = selectors.public_verification(number, timezone.localdate())
    response["Cache-Control"] = PUBLIC_CACHE
    if data["status"] == "unknown":
        return Status(404, data)
    return data


@router.post(
    "/certificates/{number}/revoke",
    response={200: VerificationOut, **refusals(403, 404, 422)},
    summary="Thu hồi giấy chứng nhận (cơ quan thường trực)",
)
def revoke(request: HttpRequest, number: str, payload: RevokeIn):
    user = request.auth
    # Outside the caller's reach: Http404, answered as any 404 (existence is not revealed).
    certificate = selectors.certificate_detail(user, number)
    try:
        services.revoke_certificate(actor=user, certificate=certificate, reason=payload.reason,
                                    decision_number=payload.decision_number,
                                    revoked_on=payload.revoked_on)
    except PermissionDenied as exc:  # the reason permissions.can_revoke gives
        raise Forbidden(str(exc) or _("Bạn không có quyền thu hồi giấy chứng nhận này."),
                        code="certificates.revoke_forbidden") from exc
    return selectors.public_data(selectors.verification(number), timezone.localdate())
