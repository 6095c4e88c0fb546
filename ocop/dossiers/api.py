"""Dossier API (mounted at /api/v1/). Thin: the same selectors, services and permissions as the
pages. Outside the caller's jurisdiction → 404; visible but not allowed → 403; a move the state,
round or deadline forbids → 409; bad field values → 422. The services' refusals (StateError,
PermissionDenied, ValidationError) reach the API's handlers as they are (ocop/api/errors.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from ocop.accounts.models import User
from ocop.api.errors import refusals
from ocop.api.pagination import PageOut, PageParams, paginate
from ocop.api.types import DbId
from ocop.core.refusals import Invalid, NotFound
from ocop.dossiers import selectors, services
from ocop.dossiers.models import Dossier, Round
from ocop.registry import selectors as registry_selectors

router = Router(tags=["dossiers"])


# --- Schemas ---------------------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    name: str
    level: str = Field(description="district, province, central")
    number: int
    programme_year: int = Field(description="Năm chương trình")
    province: str = Field(description="Khoá tỉnh của năm chương trình (LP24 trước 2025, P24 …)")
    issuing_unit: str | None
    opens_on: date
    submission_deadline: date
    evaluation_deadline: date
    recognition_deadline: date
    status: str

    @staticmethod
    def resolve_programme_year(obj: Round) -> int:
        return obj.programme_year.year

    @staticmethod
    def resolve_province(obj: Round) -> str:
        return obj.programme_year.province_id

    @staticmethod
    def resolve_issuing_unit(obj: Round) -> str | None:
        return obj.issuing_unit_id


class DossierOut(Schema):
    id: int
    reference: str = Field(description="Số hồ sơ, dạng HS-000123")
    state: str
    state_label: str
    kind: str
    procedure: str = Field(description="148_2023 (huyện → tỉnh → TW) hoặc 1489_2025 (xã kiểm "
                                       "tra → tỉnh → TW); rỗng khi chưa nộp")
    product: int
    product_name: str
    producer: int
    producer_name: str
    commune: str = Field(description="Khoá xã/phường hiện nay của chủ thể")
    criteria_set: str
    target_stars: int
    self_score: Decimal | None
    self_stars: int | None
    requested_round: int | None
    round: int | None
    previous: int | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    accepted_at: datetime | None

    @staticmethod
    def resolve_state_label(obj: Dossier) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_product(obj: Dossier) -> int:
        return obj.product_id

    @staticmethod
    def resolve_product_name(obj: Dossier) -> str:
        return obj.product.name

    @staticmethod
    def resolve_producer(obj: Dossier) -> int:
        return obj.producer_id

    @staticmethod
    def resolve_producer_name(obj: Dossier) -> str:
        return obj.producer.name

    @staticmethod
    def resolve_commune(obj: Dossier) -> str:
        return obj.producer.commune.current_commune_id or obj.producer.commune_id

    @staticmethod
    def resolve_criteria_set(obj: Dossier) -> str:
        return str(obj.criteria_set)

    @staticmethod
    def resolve_requested_round(obj: Dossier) -> int | None:
        return obj.requested_round_id

    @staticmethod
    def resolve_round(obj: Dossier) -> int | None:
        return obj.round_id

    @staticmethod
    def resolve_previous(obj: Dossier) -> int | None:
        return obj.previous_id


class DossierDetailOut(DossierOut):
    form: dict[str, Any]
    self_assessment: dict[str, str]
    commune_check: dict[str, Any]
    documents: list[dict[str, Any]]
    versions: list[dict[str, Any]]
    corrections: list[dict[str, Any]]

    @staticmethod
    def resolve_documents(obj: Dossier) -> list[dict[str, Any]]:
        return obj.api_documents  # type: ignore[attr-defined]

    @staticmethod
    def resolve_versions(obj: Dossier) -> list[dict[str, Any]]:
        return obj.api_versions  # type: ignore[attr-defined]

    @staticmethod
    def resolve_corrections(obj: Dossier) -> list[dict[str, Any]]:
        return obj.api_corrections  # type: ignore[attr-defined]


class DossierPage(PageOut):
    results: list[DossierOut]


class RoundPage(PageOut):
    results: list[RoundOut]


class DossierListParams(PageParams):
    q: str = Field("", description="Tìm theo tên sản phẩm, chủ thể (không dấu được) hoặc số "
                                   "hồ sơ")
    state: str = Field("", description="Trạng thái, ví dụ `submitted`")
    round: DbId | None = Field(None, description="Mã đợt (đợt đăng ký hoặc đợt đã tiếp nhận)")
    commune: str = Field("", description="Khoá xã/phường hiện nay, ví dụ `C07582`")
    province: str = Field("", description="Khoá tỉnh/thành phố hiện nay, ví dụ `P24`")
    product_set: str = Field("", description="Mã bộ sản phẩm, ví dụ `1048-01`")
    kind: str = Field("", description="new, re_recognition, upgrade")
    ordering: str = Field("", description="new, old, product, score (mặc định: mới sửa trước)")


class DossierIn(Schema):
    product_id: DbId
    target_stars: int = Field(3, ge=3, le=5)
    kind: str = Field("new", description="new, re_recognition, upgrade: theo giấy chứng nhận "
                      "sản phẩm đang có (docs/dossiers.md, “Kinds of dossier”)")
    previous_id: DbId | None = Field(None, description=(
        "Hồ sơ trước (đánh giá lại/nâng hạng); bỏ trống: hồ sơ của giấy chứng nhận gần nhất, "
        "không có nếu giấy chứng nhận nhập từ hồ sơ giấy"))
    requested_round_id: DbId | None = None


class DossierPatch(Schema):
    """Autosave: only the keys sent are changed; an answer of "" clears it."""

    form: dict[str, Any] | None = None
    self_assessment: dict[str, str | None] | None = None
    target_stars: int | None = Field(None, ge=3, le=5)
    requested_round_id: DbId | None = None


class CorrectionItemIn(Schema):
    code: str = Field(description="Mã mục hồ sơ (ví dụ `business_plan`) hoặc tiêu chí (`A1`)")
    comment: str


class CorrectionsIn(Schema):
    items: list[CorrectionItemIn] = []
    message: str = ""


class AcceptIn(Schema):
    round_id: DbId | None = Field(None, description="Mặc định: đợt chủ thể đã đăng ký")


# --- Helpers ---------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, return-value]


_RESPONSES = refusals(403, 404, 409, 422)


def _detail(user: User, pk: int) -> Dossier:
    """The dossier with its documents, versions and corrections attached for the schema."""
    detail = selectors.dossier_detail(user, pk)
    d = detail.dossier
    d.api_documents = [  # type: ignore[attr-defined]
        {"id": doc.pk, "checklist_item": doc.checklist_item, "name": doc.original_name,
         "sha256": doc.sha256, "evidence": doc.evidence_id,
         "evidence_expired": bool(doc.evidence and doc.evidence.is_expired),
         "criteria": doc.criteria, "uploaded_at": doc.uploaded_at}
        for doc in detail.documents
    ]
    d.api_versions = [  # type: ignore[attr-defined]
        {"number": v.number, "created_at": v.created_at} for v in detail.versions
    ]
    d.api_corrections = [  # type: ignore[attr-defined]
        {"id": c.pk, "stage": c.stage, "version": c.version.number, "items": c.items,
         "message": c.message, "created_at": c.created_at, "answered_at": c.answered_at,
         "answer": c.answer}
        for c in detail.corrections
    ]
    return d


def _round(user: User, pk: int | None) -> Round | None:
    if pk is None:
        return None
    found = selectors.rounds_for(user).filter(pk=pk).first()
    if found is None:
        message = _("Không có đợt đánh giá mã %(pk)d.") % {"pk": pk}
        raise Invalid(message, code="dossiers.unknown_round", fields={"round_id": message})
    return found


# --- Endpoints -------------------------------------------------------------------------------


@router.get("/dossiers", response=DossierPage, summary="Danh sách hồ sơ")
def list_dossiers(request: HttpRequest, params: Query[DossierListParams]) -> dict[str, Any]:
    f = selectors.DossierFilters(round=params.round, state=params.state, commune=params.commune,
                                 province=params.province, product_set=params.product_set,
                                 kind=params.kind, q=params.q, ordering=params.ordering)
    return paginate(selectors.dossier_list(_user(request), f), params)


@router.get("/dossiers/{dossier_id}", response=DossierDetailOut, summary="Chi tiết hồ sơ")
def get_dossier(request: HttpRequest, dossier_id: DbId) -> Dossier:
    return _detail(_user(request), dossier_id)


@router.post("/dossiers", response={201: DossierDetailOut, **_RESPONSES},
             summary="Lập hồ sơ nháp")
def create_dossier(request: HttpRequest, payload: DossierIn) -> Status:
    user = _user(request)
    product = registry_selectors.products_for(user).filter(pk=payload.product_id).first()
    if product is None:
        raise NotFound(_("Không tìm thấy sản phẩm."))
    previous = None
    if payload.previous_id is not None:
        previous = selectors.dossiers_for(user).filter(pk=payload.previous_id).first()
        if previous is None:
            raise NotFound(_("Không tìm thấy hồ sơ trước."))

    d = services.open_dossier(
        actor=user, product=product, target_stars=payload.target_stars, kind=payload.kind,
        previous=previous, requested_round=_round(user, payload.requested_round_id),
    )
    return Status(201, _detail(user, d.pk))


@router.patch("/dossiers/{dossier_id}", response={200: DossierDetailOut, **_RESPONSES},
              summary="Lưu nháp (chỉ các trường gửi lên)")
def patch_dossier(request: HttpRequest, dossier_id: DbId, payload: DossierPatch) -> Status:
    user = _user(request)
    dossier = selectors.get_dossier(user, dossier_id)

    services.autosave(
        actor=user, dossier=dossier, form=payload.form,
        self_assessment=payload.self_assessment, target_stars=payload.target_stars,
        requested_round=_round(user, payload.requested_round_id),
    )
    return Status(200, _detail(user, dossier_id))


@router.post("/dossiers/{dossier_id}/submit", response={200: DossierDetailOut, **_RESPONSES},
             summary="Nộp hồ sơ (hoặc nộp lại sau khi bổ sung)")
def submit_dossier(request: HttpRequest, dossier_id: DbId) -> Status:
    user = _user(request)
    dossier = selectors.get_dossier(user, dossier_id)

    if dossier.state == "corrections_requested":
        services.resubmit(actor=user, dossier=dossier)
    else:
        services.submit(actor=user, dossier=dossier)
    return Status(200, _detail(user, dossier_id))


@router.post("/dossiers/{dossier_id}/request-corrections",
             response={200: DossierDetailOut, **_RESPONSES}, summary="Yêu cầu bổ sung hồ sơ")
def request_corrections(request: HttpRequest, dossier_id: DbId, payload: CorrectionsIn) -> Status:
    user = _user(request)
    dossier = selectors.get_dossier(user, dossier_id)

    services.request_corrections(actor=user, dossier=dossier,
                                 items=[i.dict() for i in payload.items],
                                 message=payload.message)
    return Status(200, _detail(user, dossier_id))


@router.post("/dossiers/{dossier_id}/accept", response={200: DossierDetailOut, **_RESPONSES},
             summary="Tiếp nhận hồ sơ vào đợt đánh giá")
def accept_dossier(request: HttpRequest, dossier_id: DbId, payload: AcceptIn) -> Status:
    user = _user(request)
    dossier = selectors.get_dossier(user, dossier_id)

    services.accept(actor=user, dossier=dossier, round=_round(user, payload.round_id))
    return Status(200, _detail(user, dossier_id))


@router.get("/rounds", response=RoundPage, summary="Các đợt đánh giá")
def list_rounds(request: HttpRequest, pages: Query[PageParams], status: str = "",
                level: str = "", year: Annotated[int, Field(ge=2000, le=2100)] | None = None,
                q: Annotated[str, Field(max_length=100)] = "") -> dict[str, Any]:
    qs = selectors.search_rounds(selectors.rounds_for(_user(request)), q).order_by(
        "-opens_on", "level", "number")
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    if year is not None:
        qs = qs.filter(programme_year__year=year)
    return paginate(qs, pages)
