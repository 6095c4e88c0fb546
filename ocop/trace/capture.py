"""EPCIS capture: storing the documents clients send to ``POST /api/v1/epcis/capture``.

The trace app's own writes (zones, lots, stamps, the events the platform records) are in
``services.py``; they store their events through ``capture`` below.

A capture is all-or-nothing. The whole document is validated before anything is stored; then the
new events and their identifier rows are inserted with ``bulk_create`` in one transaction together
with the audit entry. A rejected document leaves only a failed ``CaptureJob`` (with its error list)
behind, so that ``GET /epcis/capture/{id}`` can explain the rejection.

Decisions (see docs/epcis.md):
* ``recordTime`` is the server's capture time, the same for all events of one capture; a
  ``recordTime`` sent by the client is ignored (EPCIS: it is set by the repository).
* An event without ``eventID`` gets its CBV 2.0 hash ID; an event with one keeps it.
* Duplicates are idempotent: an event whose eventID is already stored, or that repeats an earlier
  event of the same document, is not stored again and is reported in ``duplicateEventIDs``.
  If the repeat carries a client-chosen eventID but different content, that is a conflict (409)
  and nothing is stored: an ID reused by mistake must not silently drop an event.
* An error declaration (an event with ``errorDeclaration``) repeats the eventID of the event it
  corrects; it is stored beside it (one declaration per eventID).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocop.accounts.models import Role, User
from ocop.audit.services import record
from ocop.core.refusals import Conflict, Forbidden, Invalid, Refusal
from ocop.trace import tasks  # tasks imports this module back; each uses the other only when called
from ocop.trace.epcis import hashing, normalise, validation
from ocop.trace.models import CaptureJob, EpcisEvent, EventEpc
from ocop.trace.permissions import can_capture

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_EVENTS = 50_000
DEFAULT_SYNC_MAX_EVENTS = 2_000
_LOOKUP_CHUNK = 500  # keeps "IN (...)" below SQLite's parameter limit


def max_bytes() -> int:
    return int(getattr(settings, "EPCIS_CAPTURE_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_events() -> int:
    return int(getattr(settings, "EPCIS_CAPTURE_MAX_EVENTS", DEFAULT_MAX_EVENTS))


def sync_max_events() -> int:
    return int(getattr(settings, "EPCIS_CAPTURE_SYNC_MAX_EVENTS", DEFAULT_SYNC_MAX_EVENTS))


class CaptureError(Refusal):
    """A refused capture: raise one of its kinds below. ``problems`` names each fault (event
    index, path); ``job`` is the failed CaptureJob kept to explain it. The EPCIS API answers
    with the kind's ``status`` (the statuses of the EPCIS REST binding)."""

    def __init__(self, message: str, problems: Iterable[dict] = (),
                 job: CaptureJob | None = None, *, code: str) -> None:
        super().__init__(message, code=code)
        self.problems = list(problems)
        self.job = job


class CaptureInvalid(CaptureError, Invalid):
    status = 400  # EPCIS: a ValidationException is a 400


class CaptureTooLarge(CaptureInvalid):
    status = 413


class CaptureForbidden(CaptureError, Forbidden):
    pass


class CaptureConflict(CaptureError, Conflict):
    pass


@dataclass
class CaptureResult:
    job: CaptureJob
    event_ids: list[str] = field(default_factory=list)
    duplicate_event_ids: list[str] = field(default_factory=list)


def too_large(limit: int) -> str:
    """The refusal of a document above ``limit`` bytes."""
    return _("Tài liệu EPCIS vượt quá giới hạn %(limit)s byte "
             "(EPCIS document larger than %(limit)s bytes).") % {"limit": f"{limit:,}"}


def parse_document(raw: bytes) -> Any:
    """The request body as JSON; CaptureTooLarge when too large, CaptureInvalid when not JSON."""
    if len(raw) > max_bytes():
        raise CaptureTooLarge(too_large(max_bytes()), code="trace.capture_too_large")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CaptureInvalid(_("JSON không hợp lệ (malformed JSON): %(error)s")
                             % {"error": exc}, code="trace.capture_malformed_json") from exc


def _envelope(document: Any) -> list[dict]:
    """The event list of an EPCISDocument; CaptureError for a wrong shape or too many events."""
    if not isinstance(document, dict) or document.get("type") != "EPCISDocument":
        raise CaptureInvalid(_("Cần một EPCISDocument (capture expects type EPCISDocument)."),
                             [{"eventIndex": None, "path": "type",
                               "message": "expected 'EPCISDocument'"}],
                             code="trace.capture_not_a_document")
    body = document.get("epcisBody")
    events = body.get("eventList") if isinstance(body, dict) else None
    if isinstance(events, list) and len(events) > max_events():
        raise CaptureTooLarge(ngettext(
            "Tài liệu có %(count)s sự kiện, vượt giới hạn %(limit)s "
            "(more than %(limit)s events in one capture).",
            "Tài liệu có %(count)s sự kiện, vượt giới hạn %(limit)s "
            "(more than %(limit)s events in one capture).", len(events),
        ) % {"count": f"{len(events):,}", "limit": f"{max_events():,}"},
            code="trace.capture_too_many_events")
    return events if isinstance(events, list) else []


def _jurisdiction(actor: User) -> dict[str, Any]:
    """Producer/province/commune a capture belongs to, from the capturing account."""
    if actor.role == Role.PRODUCER and actor.producer_id:
        commune = actor.producer.commune
        return {"producer_id": actor.producer_id, "commune_id": commune.pk,
                "province_id": commune.current_province_id}
    if actor.role == Role.PROVINCE_OFFICE and actor.unit is not None:
        unit = actor.unit
        province = unit.pk if unit.level == "province" else unit.current_province_id
        return {"producer_id": None, "commune_id": None, "province_id": province}
    return {"producer_id": None, "commune_id": None, "province_id": None}


def start_capture(*, document: Any, actor: User) -> CaptureResult:
    """Capture now, or — for a document above EPCIS_CAPTURE_SYNC_MAX_EVENTS — queue it.

    A queued job is answered with 202 and finished by ``tasks.process_capture``.
    """
    if not (verdict := can_capture(actor)):
        raise CaptureForbidden(verdict.reason, code=verdict.code)
    events = _envelope(document)
    if len(events) <= sync_max_events():
        return capture(document=document, actor=actor)
    with transaction.atomic():
        job = CaptureJob.objects.create(owner=actor, document=document, **_jurisdiction(actor))
        record(actor=actor, action="epcis.capture_queued", obj=job,
               changes={"events": len(events)})
        transaction.on_commit(lambda: tasks.process_capture.enqueue(str(job.pk)))
    return CaptureResult(job=job)


def capture(*, document: Any, actor: User, job: CaptureJob | None = None) -> CaptureResult:
    """Validate and store an EPCISDocument, all or nothing. Raises a CaptureError on refusal."""
    if not (verdict := can_capture(actor)):
        raise CaptureForbidden(verdict.reason, code=verdict.code)
    events = _envelope(document)
    job = job or CaptureJob(owner=actor, **_jurisdiction(actor))
    problems = [p.as_dict() for p in validation.validate(document)]
    if problems:
        mark_failed(job, actor, problems)
        raise CaptureInvalid(
            _("Tài liệu EPCIS không đúng lược đồ (schema validation failed)."), problems, job,
            code="trace.capture_schema")

    context = document.get("@context")
    job.context = extra_context(context)
    computed = hashing.event_ids(events, context) if any(
        "eventID" not in e for e in events
    ) else []
    now = timezone.now()
    rows: list[EpcisEvent] = []
    identifiers: list[list[tuple[str, str]]] = []
    first_seen: dict[tuple[str, bool], int] = {}
    duplicates: list[str] = []
    for index, event in enumerate(events):
        event_id = event.get("eventID") or computed[index]
        key = (event_id, "errorDeclaration" in event)
        if key in first_seen:
            earlier = events[first_seen[key]]
            if "eventID" in event and _content(earlier) != _content(event):
                _conflict(job, actor, index, event_id, f"sự kiện số {first_seen[key]}")
            duplicates.append(event_id)
            continue
        first_seen[key] = index
        rows.append(_row(event, event_id, now, job))
        identifiers.append(list(normalise.event_epcs(event)))

    stored = _stored_events([r.event_id for r in rows])
    keep: list[int] = []
    for position, row in enumerate(rows):
        existing = stored.get((row.event_id, row.error_declared))
        if existing is None:
            keep.append(position)
            continue
        if "eventID" in row.data and _content(existing) != _content(row.data):
            _conflict(job, actor, events.index(row.data), row.event_id, "sự kiện đã lưu")
        duplicates.append(row.event_id)

    try:
        new_rows = _store(job, actor, rows, keep, identifiers, len(duplicates))
    except IntegrityError as exc:
        # A concurrent capture stored one of these eventIDs after the duplicate check above.
        problem = {"eventIndex": None, "path": "eventID",
                   "message": "eventID vừa được ghi bởi lượt khác; hãy gửi lại (retry)."}
        mark_failed(job, actor, [problem])
        raise CaptureConflict(_("Ghi nhận đồng thời trùng eventID (concurrent capture)."),
                              [problem], job, code="trace.capture_concurrent") from exc
    return CaptureResult(
        job=job, event_ids=[r.event_id for r in new_rows], duplicate_event_ids=duplicates
    )


def _store(job: CaptureJob, actor: User, rows: list[EpcisEvent], keep: list[int],
           identifiers: list[list[tuple[str, str]]], duplicates: int) -> list[EpcisEvent]:
    with transaction.atomic():
        job.status = CaptureJob.Status.SUCCEEDED
        job.finished_at = timezone.now()
        job.event_count = len(keep)
        job.duplicate_count = duplicates
        job.errors = []
        job.document = None
        job.save()
        new_rows = [rows[p] for p in keep]
        EpcisEvent.objects.bulk_create(new_rows, batch_size=1000)
        EventEpc.objects.bulk_create(
            (
                EventEpc(event_id=row.pk, kind=kind, epc=epc, epc_class=normalise.epc_class(epc),
                         event_time=row.event_time)
                for p, row in zip(keep, new_rows, strict=True)
                for kind, epc in identifiers[p]
            ),
            batch_size=2000,
        )
        record(actor=actor, action="epcis.capture", obj=job,
               changes={"events": len(keep), "duplicates": duplicates})
    return new_rows


def extra_context(context: Any) -> list:
    """The parts of a document's @context beyond the standard EPCIS 2.0 context."""
    parts = context if isinstance(context, list) else [context]
    return [p for p in parts if p and not (isinstance(p, str) and p in hashing.CONTEXT_URLS)]


def _row(event: dict, event_id: str, now: Any, job: CaptureJob) -> EpcisEvent:
    return EpcisEvent(
        capture=job,
        event_id=event_id,
        error_declared="errorDeclaration" in event,
        event_type=str(event.get("type", ""))[:40],
        event_time=validation.parse_time(event["eventTime"]),
        record_time=now,
        action=str(event.get("action", ""))[:8],
        biz_step=normalise.vocabulary(event.get("bizStep"), "BizStep-"),
        disposition=normalise.vocabulary(event.get("disposition"), "Disp-"),
        read_point=normalise.location(event.get("readPoint")),
        biz_location=normalise.location(event.get("bizLocation")),
        producer_id=job.producer_id,
        province_id=job.province_id,
        commune_id=job.commune_id,
        data=event,
    )


def _content(event: dict) -> str:
    """What must agree for two events with the same eventID to be the same event."""
    return json.dumps({k: v for k, v in event.items() if k != "recordTime"}, sort_keys=True)


def _stored_events(event_ids: list[str]) -> dict[tuple[str, bool], dict]:
    found: dict[tuple[str, bool], dict] = {}
    unique = list(dict.fromkeys(event_ids))
    for start in range(0, len(unique), _LOOKUP_CHUNK):
        chunk = unique[start:start + _LOOKUP_CHUNK]
        for event_id, declared, data in EpcisEvent.objects.filter(
            event_id__in=chunk
        ).values_list("event_id", "error_declared", "data"):
            found[(event_id, declared)] = data
    return found


def mark_failed(job: CaptureJob, actor: User, problems: list[dict]) -> None:
    """Record a refused capture (its own small transaction; no events are stored)."""
    with transaction.atomic():
        job.status = CaptureJob.Status.FAILED
        job.finished_at = timezone.now()
        job.errors = problems
        job.document = None
        job.save()
        record(actor=actor, action="epcis.capture_failed", obj=job,
               changes={"errors": len(problems)})


def _conflict(job: CaptureJob, actor: User, index: int, event_id: str, other: str) -> None:
    problem = {
        "eventIndex": index,
        "path": "eventID",
        "message": f"eventID {event_id} trùng với {other} nhưng nội dung khác "
                   f"(same eventID, different content)",
    }
    mark_failed(job, actor, [problem])
    raise CaptureConflict(_("Trùng eventID với nội dung khác (eventID conflict)."), [problem],
                          job, code="trace.event_id_conflict")
