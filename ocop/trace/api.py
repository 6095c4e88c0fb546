"""EPCIS 2.0 REST binding (capture, capture jobs, events); services and selectors do the work.

The capture body is a raw JSON-LD EPCISDocument, read from the request stream here (not through a
ninja Schema): it may be far larger than Django's DATA_UPLOAD_MAX_MEMORY_SIZE, its limit is
EPCIS_CAPTURE_MAX_BYTES, and it must reach the JSON Schema validator unchanged.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from ocop.trace import selectors
from ocop.trace.capture import (
    CaptureError,
    CaptureTooLarge,
    max_bytes,
    parse_document,
    start_capture,
    too_large,
)
from ocop.trace.models import CaptureJob
from ocop.trace.permissions import can_query

router = Router(tags=["epcis"])

_JSONLD = "application/ld+json"
_CAPTURE_BODY = {
    "requestBody": {
        "required": True,
        "description": "Một EPCISDocument (EPCIS 2.0 JSON-LD). An EPCIS 2.0 EPCISDocument.",
        "content": {
            media: {"schema": {
                "type": "object",
                "description": "Validated against GS1's EPCIS-JSON-Schema.json",
                "required": ["@context", "type", "schemaVersion", "creationDate", "epcisBody"],
                "properties": {"type": {"const": "EPCISDocument"}},
            }}
            for media in (_JSONLD, "application/json")
        },
    }
}


def _problem(status: int, title: str, problems: list[dict] | None = None,
             job: CaptureJob | None = None) -> JsonResponse:
    """RFC 7807 problem body, as the EPCIS REST binding uses."""
    body: dict[str, Any] = {"type": "epcisException:ValidationException" if status == 400
                            else "about:blank", "title": title, "status": status}
    if problems:
        body["errors"] = problems
    if job is not None:
        body["captureID"] = str(job.pk)
    return JsonResponse(body, status=status, content_type="application/problem+json")


def _read_body(request: HttpRequest) -> bytes:
    limit = max_bytes()
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        raise CaptureTooLarge(too_large(limit), code="trace.capture_too_large")
    return request.read(limit + 1)


def _job_json(job: CaptureJob) -> dict[str, Any]:
    return {
        "captureID": str(job.pk),
        "createdAt": job.created_at.isoformat(),
        "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
        "running": job.status == CaptureJob.Status.PENDING,
        "success": job.status == CaptureJob.Status.SUCCEEDED,
        "status": job.status,
        "captureErrorBehaviour": "rollback",
        "eventCount": job.event_count,
        "duplicateCount": job.duplicate_count,
        "errors": job.errors,
    }


@router.post("/capture", openapi_extra=_CAPTURE_BODY,
             response={201: dict, 202: dict, 400: dict, 403: dict, 409: dict, 413: dict})
def capture(request: HttpRequest):
    """Ghi nhận một EPCISDocument (tất cả hoặc không gì cả). Capture an EPCIS document.

    201: stored now, with the stored eventIDs. 202: a large document queued; poll
    ``GET /epcis/capture/{captureID}``. 400: malformed JSON or schema errors (each names the event
    index and field path). 409: eventID reused with different content. 413: over the size or
    event-count limit.
    """
    try:
        document = parse_document(_read_body(request))
        result = start_capture(document=document, actor=request.user)
    except CaptureError as exc:
        return _problem(exc.status, exc.message, exc.problems, exc.job)
    location = f"{request.path.rstrip('/')}/{result.job.pk}"
    if result.job.status == CaptureJob.Status.PENDING:
        response = JsonResponse(_job_json(result.job), status=202)
    else:
        response = JsonResponse(
            {**_job_json(result.job), "eventIDs": result.event_ids,
             "duplicateEventIDs": result.duplicate_event_ids},
            status=201,
        )
    response["Location"] = location
    return response


@router.get("/capture/{capture_id}", response={200: dict, 404: dict})
def capture_job(request: HttpRequest, capture_id: str):
    """Trạng thái một lượt ghi nhận. State of one capture job."""
    try:
        job = selectors.capture_job_for(request.user, str(uuid.UUID(capture_id)))
    except ValueError:  # a malformed id is simply "not found"
        job = None
    if job is None:
        return _problem(404, _("Không tìm thấy (not found)."))
    return JsonResponse(_job_json(job))


@router.get("/events", response={200: dict, 400: dict, 403: dict}, openapi_extra={
    "responses": {200: {"description": "EPCISQueryDocument",
                        "content": {_JSONLD: {"schema": {"type": "object"}}}}}})
def events(request: HttpRequest):
    """Truy vấn sự kiện EPCIS. Query events (EPCIS SimpleEventQuery parameters).

    Supported: eventType (or EQ_eventType), EQ_action, EQ_bizStep, EQ_disposition, EQ_readPoint,
    EQ_bizLocation, EQ_eventID, GE_/LT_eventTime, GE_/LT_recordTime, MATCH_epc, MATCH_parentID,
    MATCH_inputEPC, MATCH_outputEPC, MATCH_anyEPC (a GTIN class URI matches its instances),
    MATCH_anyEPCClass, perPage (1–1000, default 100), nextPageToken. Several values: separate them
    with "|". The next page is announced in the ``Link`` header (rel="next").
    """
    if not (verdict := can_query(request.user)):
        return _problem(403, verdict.reason)
    try:
        page = selectors.query_events(request.user, request.GET)
    except selectors.QueryError as exc:
        return _problem(exc.status, exc.message)
    response = JsonResponse(selectors.query_document(page.events))
    response["Content-Type"] = _JSONLD
    if page.next_token:
        params = request.GET.copy()
        params["nextPageToken"] = page.next_token
        response["Link"] = f'<{request.path}?{params.urlencode()}>; rel="next"'
        response["GS1-Next-Page-Token"] = page.next_token
    return response

