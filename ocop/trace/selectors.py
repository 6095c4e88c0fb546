"""Every read of EPCIS data, already limited to the user's jurisdiction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core import signing
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.jurisdiction import scope_by_commune
from ocop.accounts.models import Role, User
from ocop.certificates.models import Certificate
from ocop.core.refusals import Invalid
from ocop.core.search import search
from ocop.trace.epcis import normalise, validation
from ocop.trace.models import (
    CaptureJob,
    EpcisEvent,
    EventEpc,
    Lot,
    LotEvent,
    Scan,
    StampBatch,
    SuspicionClearance,
    Zone,
)
from ocop.trace.permissions import can_query


def _scope(user: User) -> Q | None:
    """Q over the producer/province/commune columns that events and capture jobs share.

    None means nothing is visible. Events captured by a producer account carry its producer and
    (through the producer's commune) its commune and province; a province office's captures carry
    its province; nation-wide captures carry none and are seen only nation-wide.
    """
    if not can_query(user):
        return None
    if user.is_nationwide:
        return Q()
    if user.role == Role.PRODUCER:
        return Q(producer_id=user.producer_id) if user.producer_id else None
    unit = user.unit
    if unit is None:
        return None
    if unit.level == "province":
        return Q(province_id=unit.pk)
    return Q(commune__current_commune_id=unit.pk)


def events_for(user: User) -> QuerySet[EpcisEvent]:
    scope = _scope(user)
    if scope is None:
        return EpcisEvent.objects.none()
    return EpcisEvent.objects.filter(scope)


def capture_job_for(user: User, job_id: str) -> CaptureJob | None:
    """A capture job the user sent or may see; None (→ 404) otherwise."""
    scope = _scope(user)
    if scope is None:
        return None
    # An empty Q (nation-wide) would vanish inside "|", narrowing to the user's own jobs.
    visible = scope if not scope else Q(owner_id=user.pk) | scope
    return CaptureJob.objects.filter(visible, pk=job_id).first()


# --- EPCIS SimpleEventQuery over the REST binding's query parameters --------------------------

STANDARD_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000
_EPC_KINDS = {
    "MATCH_epc": ("epc", "child"),
    "MATCH_parentID": ("parent",),
    "MATCH_inputEPC": ("input",),
    "MATCH_outputEPC": ("output",),
    "MATCH_anyEPC": ("epc", "child", "parent", "input", "output"),
    "MATCH_anyEPCClass": ("quantity",),
}
_TIME_FILTERS = {
    "GE_eventTime": "event_time__gte",
    "LT_eventTime": "event_time__lt",
    "GE_recordTime": "record_time__gte",
    "LT_recordTime": "record_time__lt",
}
_PAGING = ("perPage", "nextPageToken")
SUPPORTED_PARAMETERS = frozenset(
    {"eventType", "EQ_eventType", "EQ_action", "EQ_bizStep", "EQ_disposition", "EQ_readPoint",
     "EQ_bizLocation", "EQ_eventID", *_EPC_KINDS, *_TIME_FILTERS, *_PAGING}
)


class QueryError(Invalid):
    """A query parameter the repository cannot honour: a core refusal with a stable code."""

    status = 400  # EPCIS: a QueryParameterException is a 400

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, code=code)


@dataclass
class EventPage:
    events: list[EpcisEvent]
    next_token: str | None


def _values(params: QueryDict, name: str) -> list[str]:
    """Pipe-delimited (REST binding) or repeated parameter values."""
    out = [v for raw in params.getlist(name) for v in raw.split("|") if v.strip()]
    if name in params and not out:
        raise QueryError(_("%(name)s: cần ít nhất một giá trị (at least one value).")
                         % {"name": name}, code="trace.query_value_missing")
    return [v.strip() for v in out]


def _filter_digest(params: QueryDict) -> str:
    items = sorted((k, tuple(params.getlist(k))) for k in params if k not in _PAGING)
    return hashlib.sha256(repr(items).encode()).hexdigest()[:16]


def _epc_q(name: str, values: list[str]) -> Q:
    match = Q()
    for value in values:
        canonical = normalise.identifier(value)
        one = Q(epc=canonical)
        if normalise.is_class(canonical):  # a class (GTIN) matches its instances and lots
            one |= Q(epc_class=canonical)
        match |= one
    return Q(kind__in=_EPC_KINDS[name]) & match


def query_events(user: User, params: QueryDict) -> EventPage:
    """One page of events matching the EPCIS query ``params``, in capture order (keyset by id)."""
    unknown = sorted(set(params) - SUPPORTED_PARAMETERS)
    if unknown:
        raise QueryError(_("Tham số không được hỗ trợ (unsupported query parameter): "
                           "%(names)s") % {"names": ", ".join(unknown)},
                         code="trace.query_unsupported_parameter")
    qs = events_for(user)
    types = _values(params, "eventType") + _values(params, "EQ_eventType")
    if types:
        qs = qs.filter(event_type__in=types)
    if "EQ_action" in params:
        qs = qs.filter(action__in=_values(params, "EQ_action"))
    if "EQ_bizStep" in params:
        qs = qs.filter(biz_step__in=[normalise.vocabulary(v, "BizStep-")
                                     for v in _values(params, "EQ_bizStep")])
    if "EQ_disposition" in params:
        qs = qs.filter(disposition__in=[normalise.vocabulary(v, "Disp-")
                                        for v in _values(params, "EQ_disposition")])
    if "EQ_readPoint" in params:
        qs = qs.filter(read_point__in=[normalise.identifier(v)
                                       for v in _values(params, "EQ_readPoint")])
    if "EQ_bizLocation" in params:
        qs = qs.filter(biz_location__in=[normalise.identifier(v)
                                         for v in _values(params, "EQ_bizLocation")])
    if "EQ_eventID" in params:
        qs = qs.filter(event_id__in=_values(params, "EQ_eventID"))
    # eventTime bounds also go into the MATCH_* subqueries: EventEpc carries its event's
    # event_time, the partition key of both tables on PostgreSQL, so both sides prune.
    event_window: dict[str, Any] = {}
    for name, lookup in _TIME_FILTERS.items():
        if name in params:
            raw = params[name]
            try:
                moment = validation.parse_time(raw)
            except ValueError as exc:
                raise QueryError(_("%(name)s: không phải thời điểm (not a date-time): %(value)s")
                                 % {"name": name, "value": raw},
                                 code="trace.query_time_invalid") from exc
            if moment.tzinfo is None:
                raise QueryError(_("%(name)s: cần múi giờ (time zone offset required): "
                                   "%(value)s") % {"name": name, "value": raw},
                                 code="trace.query_time_zone_missing")
            qs = qs.filter(**{lookup: moment})
            if lookup.startswith("event_time"):
                event_window[lookup] = moment
    for name in _EPC_KINDS:
        if name in params:
            matching = EventEpc.objects.filter(_epc_q(name, _values(params, name)),
                                               **event_window)
            qs = qs.filter(pk__in=matching.values("event_id"))

    per_page = _per_page(params.get("perPage"))
    digest = _filter_digest(params)
    token = params.get("nextPageToken")
    if token:
        try:
            state = signing.loads(token, salt="epcis.events")
        except signing.BadSignature as exc:
            raise QueryError(_("nextPageToken không hợp lệ (invalid nextPageToken)."),
                             code="trace.query_token_invalid") from exc
        if state.get("q") != digest:
            raise QueryError(_("nextPageToken thuộc truy vấn khác (token from another query)."),
                             code="trace.query_token_mismatch")
        qs = qs.filter(pk__gt=int(state["after"]))
    rows = list(qs.select_related("capture").order_by("pk")[: per_page + 1])
    next_token = None
    if len(rows) > per_page:
        rows = rows[:per_page]
        next_token = signing.dumps({"after": rows[-1].pk, "q": digest}, salt="epcis.events")
    return EventPage(rows, next_token)


def _per_page(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PER_PAGE
    try:
        value = int(raw)
    except ValueError as exc:
        raise QueryError(_("perPage phải là số nguyên (perPage must be an integer)."),
                         code="trace.query_per_page_invalid") from exc
    if not 1 <= value <= MAX_PER_PAGE:
        raise QueryError(_("perPage phải từ 1 đến %(max)s.") % {"max": MAX_PER_PAGE},
                         code="trace.query_per_page_invalid")
    return value


def event_json(event: EpcisEvent) -> dict[str, Any]:
    """The event as captured, with the repository's eventID (when it had none) and recordTime."""
    data = dict(event.data)
    data["eventID"] = data.get("eventID") or event.event_id
    data["recordTime"] = (
        event.record_time.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )
    return data


def query_document(events: list[EpcisEvent], *, query_name: str = "SimpleEventQuery") -> dict:
    """An EPCISQueryDocument carrying ``events``; extension prefixes of their captures included.

    Prefixes from different captures are merged into the document's @context. When two captures
    bind the same prefix differently, the later capture's events carry their own @context.
    """
    merged: dict[str, Any] = {}
    extra_urls: list[str] = []
    event_list = []
    for event in events:
        body = event_json(event)
        own: dict[str, Any] = {}
        for part in event.capture.context:
            if isinstance(part, str):
                if part not in extra_urls:
                    extra_urls.append(part)
            elif isinstance(part, dict):
                own.update(part)
        if any(k in merged and merged[k] != v for k, v in own.items()):
            body = {"@context": [STANDARD_CONTEXT, own], **body}
        else:
            merged.update(own)
        event_list.append(body)
    context: list[Any] = [STANDARD_CONTEXT, *extra_urls]
    if merged:
        context.append(merged)
    return {
        "@context": context,
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().astimezone(UTC).isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "epcisBody": {
            "queryResults": {"queryName": query_name, "resultsBody": {"eventList": event_list}}
        },
    }


# --- Certificates, zones, lots, stamps and scans ----------------------------------------------


def current_certificate_for(product: Any) -> Any:
    """The product's (a Product or its id) most recently issued OCOP certificate, whatever its
    status, or None."""
    return Certificate.objects.filter(product=product).order_by("-issued_on", "-id").first()


def zones_for(user: User) -> QuerySet:
    """Zones of producers in the user's reach (producers: their own)."""
    return scope_by_commune(Zone.objects.select_related("producer", "commune"), user,
                            "producer__commune", "producer_id")


def lots_for(user: User) -> QuerySet:
    return scope_by_commune(Lot.objects.select_related("product", "product__producer"), user,
                            "product__producer__commune", "product__producer_id")


def zone_list(user: User, q: str = "") -> QuerySet:
    return search(zones_for(user), q, folded=("search_text", "producer__search_text",
                                              "commune__search_name")).order_by("code")


def lot_list(user: User, q: str = "") -> QuerySet:
    return search(lots_for(user), q, folded=("product__search_text",), codes=("code",))


def lot_journey(lot: Lot) -> list[LotEvent]:
    """The lot's own events, oldest first, each with its EPCIS event and who recorded it loaded.

    Two queries rather than a join: ``occurred_at`` is the event's ``event_time``
    (services._link), so the events are fetched by id *and* their times as constants, and on
    PostgreSQL the planner reads only the partitions of those months (a join would probe
    every month's partition).
    """
    rows = list(LotEvent.objects.filter(lot=lot))
    events = EpcisEvent.objects.select_related("capture__owner").filter(
        pk__in={r.event_id for r in rows}, event_time__in={r.occurred_at for r in rows}).in_bulk()
    for row in rows:
        row.event = events[row.event_id]
    return rows


def batches_for(user: User) -> QuerySet:
    return scope_by_commune(
        StampBatch.objects.select_related("product", "product__producer", "lot"), user,
        "product__producer__commune", "product__producer_id")


def scans_for(user: User) -> QuerySet:
    """Scans of stamps of products in the user's reach. Scans of forged or unknown stamps have
    no product and are seen nation-wide only."""

    if user.is_authenticated and user.is_nationwide:
        return Scan.objects.all()
    return scope_by_commune(Scan.objects.all(), user, "product__producer__commune",
                            "product__producer_id")


def scans_by_day(scans: QuerySet, since: Any) -> list[dict[str, Any]]:
    return list(scans.filter(scanned_at__gte=since)
                .annotate(day=TruncDate("scanned_at")).values("day")
                .annotate(n=Count("id")).order_by("day"))


def scans_by_place(scans: QuerySet, since: Any, limit: int = 20) -> list[dict[str, Any]]:
    return list(scans.filter(scanned_at__gte=since).exclude(place="").values("place")
                .annotate(n=Count("id")).order_by("-n")[:limit])


def suspicious_stamps(scans: QuerySet, since: Any, limit: int = 50) -> list[dict[str, Any]]:
    """Stamps with a scan judged suspicious, most scanned first."""

    rows = list(scans.filter(scanned_at__gte=since, result=Scan.Result.SUSPICIOUS)
                .values("batch_id", "serial", "product__name")
                .annotate(n=Count("id"), last=Max("scanned_at")).order_by("-n")[:limit])
    # A stamp an office cleared after its last suspicious scan is no longer listed.
    cleared = {
        (batch_id, serial): at
        for batch_id, serial, at in SuspicionClearance.objects.filter(
            batch_id__in={r["batch_id"] for r in rows}).values_list(
                "batch_id", "serial").annotate(at=Max("cleared_at"))
    }
    return [r for r in rows if (r["batch_id"], r["serial"]) not in cleared
            or cleared[(r["batch_id"], r["serial"])] < r["last"]]
