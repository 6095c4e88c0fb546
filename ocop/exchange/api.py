"""The exchange API (mounted at /api/v1/exchange): the change feed, the bulk export and the
import, for partner platforms (signed requests, ``OCOP-Signature``) and for the national and
provincial offices (API token or session). docs/exchange.md describes the protocol."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.security import APIKeyHeader

from ocop.api.auth import token_or_session
from ocop.api.errors import refusals
from ocop.exchange import jsonl, permissions, selectors, services, signing
from ocop.exchange.models import ImportBatch, Partner

MAX_IMPORT_ROWS = jsonl.MAX_ROWS


class PartnerSignature(APIKeyHeader):
    """A partner platform's signed request. A request without the header is left to the next
    method (token, session); a request *with* it is answered here: accepted, or refused with the
    reason (never passed on to a weaker method)."""

    param_name = signing.HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Partner | None:
        if not key:
            return None
        return signing.verify(key, signing.SignedRequest(
            method=request.method or "GET", path=request.get_full_path(), body=request.body))


auth = [PartnerSignature(), *token_or_session]
router = Router(tags=["exchange"], auth=auth)


def _scope(request: HttpRequest) -> str | None:
    principal = request.auth
    permissions.can_exchange(principal).check()
    return permissions.scope_of(principal)


class ExchangeChangeOut(Schema):
    seq: int = Field(description="Số thứ tự của thay đổi (tăng dần, không trùng, không hổng)")
    entity: str = Field(description="producer, product, decision, certificate hoặc revocation")
    op: str = Field(description="upsert hoặc delete")
    key: str = Field(description="Khoá chính thức: mã số thuế, mã sản phẩm, "
                     "<đơn vị ban hành>:<số quyết định>, số giấy chứng nhận")
    province: str | None = Field(None, description="Tỉnh hiện nay của bản ghi (mã đơn vị)")
    at: str = Field(description="Thời điểm ghi (ISO 8601)")
    data: dict[str, Any]


class ExchangeFeedOut(Schema):
    changes: list[ExchangeChangeOut]
    next_cursor: str = Field(description="Con trỏ cho lần đọc sau (after=…)")
    has_more: bool


class ExchangeFeedQuery(Schema):
    after: str | None = Field(None, description="Con trỏ: số thứ tự thay đổi cuối đã nhận; "
                              "bỏ trống để đọc từ đầu")
    limit: int = Field(selectors.DEFAULT_PAGE, ge=1, le=selectors.MAX_PAGE)


@router.get("/changes", response={200: ExchangeFeedOut, **refusals(403, 422)},
            summary="Dòng thay đổi kể từ một con trỏ")
def changes(request: HttpRequest, query: Query[ExchangeFeedQuery]) -> dict[str, Any]:
    province = _scope(request)
    last = selectors.head()  # once: the cursor is checked against the head the page is read to
    page = selectors.feed(selectors.parse_cursor(query.after, last=last), province=province,
                          limit=query.limit, last=last)
    return {"changes": [selectors.change_dict(c) for c in page.changes],
            "next_cursor": str(page.next_cursor), "has_more": page.has_more}


@router.get("/export", response={200: None, **refusals(403)},
            summary="Xuất toàn bộ bản ghi hiện có (JSON Lines)",
            openapi_extra={"responses": {200: {"description": "Mỗi dòng một bản ghi",
                                               "content": {"application/x-ndjson": {}}}}})
def export(request: HttpRequest) -> StreamingHttpResponse:
    province = _scope(request)
    cursor = selectors.head()  # read first: the export holds at least every change up to it
    lines = (json.dumps(row, ensure_ascii=False) + "\n"
             for row in selectors.export_records(province))
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response["OCOP-Feed-Cursor"] = str(cursor)
    response["Content-Disposition"] = 'attachment; filename="ocop-export.jsonl"'
    return response


class ExchangeProblemOut(Schema):
    row: int
    column: str
    message: str


class ExchangeImportOut(Schema):
    status: str = Field(description="applied (đã ghi) hoặc refused (không ghi gì)")
    rows: int
    created: int
    updated: int
    unchanged: int
    problems: list[ExchangeProblemOut]


def parse_lines(body: bytes) -> list[dict[str, Any]]:
    """JSON Lines: one record per line (blank lines ignored); see ``jsonl.parse``."""
    return jsonl.parse(body)


@router.post("/import", response={200: ExchangeImportOut, 422: ExchangeImportOut,
                                  **refusals(400, 403)},
             summary="Nhập một lô bản ghi (JSON Lines), tất cả hoặc không",
             # Declared as text (JSON Lines is text; any Content-Type is read the same), so that
             # generic clients and the API fuzz test can send it.
             openapi_extra={"requestBody": {"required": True, "content": {"text/plain": {
                 "schema": {"type": "string", "description": "JSON Lines: mỗi dòng một bản ghi "
                            "{entity, op, data} như dòng xuất hoặc dòng thay đổi"}}}}})
def import_batch(request: HttpRequest):
    province = _scope(request)
    principal = request.auth
    rows = parse_lines(request.body)
    partner = principal if isinstance(principal, Partner) else None
    batch = services.import_records(
        rows, actor=None if partner else principal, partner=partner,
        province=partner.province if partner else (principal.unit if province else None),
        source=ImportBatch.Source.RECORDS)
    body = {"status": batch.status, "rows": batch.rows, "created": batch.created,
            "updated": batch.updated, "unchanged": batch.unchanged, "problems": batch.problems}
    return Status(200 if batch.status == ImportBatch.Status.APPLIED else 422, body)
