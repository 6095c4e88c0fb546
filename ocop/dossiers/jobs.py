"""The dossier list's Excel export (ocop/jobs/exports.py).

The rows are the list page's (``selectors.dossier_list`` for the requester with the page's
filters): a council member's file holds only the dossiers assigned to them without a conflict
of interest, and no council scores — the list shows none; the self-assessment score is the
producer's own figure, shown on the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import User
from ocop.dossiers import selectors
from ocop.dossiers.models import Dossier, DossierState, Round
from ocop.jobs.exports import Column, ListExport, describe_with, list_page, register_export
from ocop.registry.models import ProductSet
from ocop.units.models import Unit


def _rows(user: User, filters: Mapping[str, str]) -> QuerySet[Dossier]:
    return selectors.dossier_list(user, selectors.DossierFilters.from_params(filters)) \
        .select_related("producer__commune__current_province")


def _round(d: Dossier) -> str:
    if d.round_id:
        return d.round.name
    return f"{d.requested_round.name} (đăng ký)" if d.requested_round_id else ""


def _province(d: Dossier) -> str:
    return d.producer.commune.current_province.name if d.producer.commune.current_province_id \
        else ""


def _unit(key: str) -> Any:
    return Unit.objects.filter(pk=key).values_list("name", flat=True).first()


DOSSIERS = register_export(ListExport(
    name="dossiers.dossiers",
    title=_("Danh sách hồ sơ đánh giá, phân hạng"),
    sheet="Hồ sơ",
    filename="ho-so",
    page=list_page("dossiers:list"),
    columns=(
        Column("Số hồ sơ", lambda d: d.reference, width=12),
        Column("Sản phẩm", lambda d: d.product.name, width=34),
        Column("Bộ sản phẩm", lambda d: d.product.product_set.name_vi, width=28),
        Column("Chủ thể", lambda d: d.producer.name, width=32),
        Column("Mã số thuế", lambda d: d.producer.tax_code, width=15),
        Column("Xã/phường", lambda d: d.producer.commune.full_name, width=30),
        Column("Tỉnh/thành phố", _province, width=20),
        Column("Loại hồ sơ", lambda d: d.kind, width=24, choices=Dossier.Kind.choices),
        Column("Hạng sao đăng ký", lambda d: d.target_stars, "int", 10),
        Column("Điểm tự chấm", lambda d: d.self_score, "decimal", 10),
        Column("Đợt", _round, width=30),
        Column("Trạng thái", lambda d: d.state, width=22, choices=DossierState.choices),
        Column("Nộp lần đầu", lambda d: d.submitted_at, "datetime", 17),
        Column("Tiếp nhận", lambda d: d.accepted_at, "datetime", 17),
        Column("Cập nhật", lambda d: d.updated_at, "datetime", 17),
    ),
    rows=_rows,
    describe=describe_with(
        ("q", "Tìm kiếm", None),
        ("state", "Trạng thái", dict(DossierState.choices)),
        ("round", "Đợt", lambda pk: Round.objects.filter(pk=pk).values_list(
            "name", flat=True).first() if pk.isdigit() else None),
        ("kind", "Loại hồ sơ", dict(Dossier.Kind.choices)),
        ("commune", "Xã/phường", _unit),
        ("product_set", "Bộ sản phẩm", lambda code: ProductSet.objects.filter(
            code=code).values_list("name_vi", flat=True).first()),
    ),
))
