"""The Excel exports of the certificate and recognition-decision lists (ocop/jobs/exports.py).

The rows are the list pages' (``certificate_list`` / ``decision_list`` for the requester with
the page's filters), so a file holds only the requester's jurisdiction. The total score is the
official one printed on the certificate (its page shows it), never a council member's sheet.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import User
from ocop.certificates import selectors
from ocop.certificates.models import Certificate, CertificateStatus, RecognitionDecision
from ocop.jobs.exports import Column, ListExport, describe_with, list_page, register_export
from ocop.rules.levels import LEVEL_CHOICES


def _certificates(user: User, filters: Mapping[str, str]) -> QuerySet[Certificate]:
    return selectors.certificate_list(user, selectors.CertificateFilter.from_params(filters),
                                      timezone.localdate())


def _province(c: Certificate) -> str:
    commune = c.producer.commune
    return commune.current_province.name if commune.current_province_id else ""


_STATUS = dict(CertificateStatus.choices)

CERTIFICATES = register_export(ListExport(
    name="certificates.certificates",
    title=_("Danh sách giấy chứng nhận OCOP"),
    sheet="Giấy chứng nhận",
    filename="giay-chung-nhan",
    page=list_page("certificates:list"),
    columns=(
        Column("Số giấy chứng nhận", lambda c: c.number, width=22),
        Column("Sản phẩm", lambda c: c.product.name, width=34),
        Column("Chủ thể", lambda c: c.producer.name, width=32),
        Column("Mã số thuế", lambda c: c.producer.tax_code, width=15),
        Column("Xã/phường", lambda c: c.producer.commune.full_name, width=30),
        Column("Tỉnh/thành phố", _province, width=20),
        Column("Hạng sao", lambda c: c.stars, "int", 9),
        Column("Tổng điểm", lambda c: c.total_score, "decimal", 10),
        Column("Ngày cấp", lambda c: c.issued_on, "date", 12),
        Column("Có giá trị đến", lambda c: c.valid_until, "date", 13),
        Column("Tình trạng", lambda c: c.status_value, width=16,
               choices=CertificateStatus.choices),
        Column("Quyết định công nhận", lambda c: c.decision.number, width=20),
        Column("Ngày quyết định", lambda c: c.decision.date, "date", 13),
        Column("Ngày thu hồi", lambda c: c.revoked_on, "date", 12),
        Column("Lý do thu hồi", lambda c: c.revocation_reason, width=30),
    ),
    rows=_certificates,
    describe=describe_with(
        ("q", "Tìm kiếm", None),
        ("status", "Tình trạng", _STATUS),
        ("stars", "Hạng sao", lambda raw: f"{raw} sao" if raw.isdigit() else None),
        ("expiring_within", "Sắp hết hạn",
         lambda raw: f"trong {raw} ngày" if raw.isdigit() else None),
    ),
))


def _decisions(user: User, filters: Mapping[str, str]) -> QuerySet[RecognitionDecision]:
    # How many certificates of the decision the requester may see (a commune sees its own).
    visible = (selectors.certificates_for(user).filter(decision=OuterRef("pk"))
               .order_by().values("decision").annotate(n=Count("pk")).values("n"))
    return (selectors.decision_list(user, str(filters.get("q", "")).strip()[:100])
            .annotate(certificate_count=Coalesce(Subquery(visible), 0))
            .order_by("-date", "-id"))


DECISIONS = register_export(ListExport(
    name="certificates.decisions",
    title=_("Danh sách quyết định công nhận sản phẩm OCOP"),
    sheet="Quyết định công nhận",
    filename="quyet-dinh-cong-nhan",
    page=list_page("certificates:decision_list"),
    columns=(
        Column("Số quyết định", lambda d: d.number, width=20),
        Column("Ngày ký", lambda d: d.date, "date", 12),
        Column("Cấp", lambda d: d.level, width=16, choices=LEVEL_CHOICES),
        Column("Đơn vị ban hành", selectors.issuer_name, width=36),
        Column("Người ký", lambda d: d.signer_name, width=24),
        Column("Chức vụ người ký", lambda d: d.signer_title, width=28),
        Column("Số giấy chứng nhận", lambda d: d.certificate_count, "int", 12),
    ),
    rows=_decisions,
    describe=describe_with(("q", "Tìm kiếm", None)),
))
