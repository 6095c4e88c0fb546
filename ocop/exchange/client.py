"""This platform calling a partner's exchange API: ``pull`` reads its feed since our cursor and
imports it, ``push`` sends our feed since its cursor. Used by ``manage.py exchange pull|push``.

Each page is one all-or-nothing batch; the cursor moves only after the batch was applied (pull)
or accepted (push). A crash between the two sends or applies that page again, which changes
nothing (the import is idempotent).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from ocop.core.refusals import Conflict
from ocop.exchange import selectors, services, signing
from ocop.exchange.models import ImportBatch, Partner

API = "/api/v1/exchange"
PAGE = 500
MAX_PAGES = 10_000


@dataclass
class Outcome:
    pages: int = 0
    changes: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)


def _request(partner: Partner, method: str, path: str, body: bytes = b"",
             timeout: float = 60, lines: bool = False) -> tuple[int, Any]:
    if not partner.base_url:
        raise Conflict(_("Nền tảng “%(name)s” chưa có địa chỉ.") % {"name": partner.name},
                       code="exchange.no_base_url")
    base = partner.base_url.rstrip("/")
    signed_path = urlsplit(base).path + path
    request = urllib.request.Request(  # noqa: S310 — the partner's registered http(s) address
        base + path, data=body if method == "POST" else None, method=method,
        headers={signing.HEADER: signing.sign(method, signed_path, body),
                 "Content-Type": "application/x-ndjson", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            content = response.read()
            if lines:
                return response.status, [json.loads(line) for line in content.splitlines()
                                         if line.strip()]
            return response.status, json.loads(content or b"null")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"null")
        except ValueError:
            return error.code, None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise Conflict(_("Không kết nối được nền tảng “%(name)s”: %(why)s")
                       % {"name": partner.name, "why": error}, code="exchange.unreachable"
                       ) from error


def _refused(partner: Partner, status: int, body: Any) -> Conflict:
    message = body.get("message") if isinstance(body, dict) else None
    return Conflict(_("Nền tảng “%(name)s” từ chối (mã %(status)d): %(message)s")
                    % {"name": partner.name, "status": status,
                       "message": message or _("không rõ lý do")}, code="exchange.refused")


def pull(partner: Partner, *, max_pages: int = MAX_PAGES) -> Outcome:
    outcome = Outcome()
    for _page in range(max_pages):
        status, body = _request(partner, "GET",
                                f"{API}/changes?after={partner.pull_cursor}&limit={PAGE}")
        if status != 200:
            raise _refused(partner, status, body)
        rows = [{"entity": c["entity"], "op": c["op"], "data": c["data"], "_row": c["seq"]}
                for c in body["changes"]]
        batch = services.import_records(rows, actor=None, partner=partner,
                                        province=partner.province,
                                        source=ImportBatch.Source.RECORDS)
        outcome.pages += 1
        outcome.changes += len(rows)
        if batch.status != ImportBatch.Status.APPLIED:
            outcome.problems = batch.problems
            return outcome
        outcome.created += batch.created
        outcome.updated += batch.updated
        outcome.unchanged += batch.unchanged
        services.advance_cursor(partner=partner, pull=int(body["next_cursor"]))
        if not body["has_more"]:
            break
    return outcome


def export(partner: Partner) -> list[dict[str, Any]]:
    """Every current record the partner lets us read (its bulk export), e.g. to compare."""
    status, body = _request(partner, "GET", f"{API}/export", lines=True)
    if status != 200:
        raise _refused(partner, status, body)
    return body


def push(partner: Partner, *, max_pages: int = MAX_PAGES) -> Outcome:
    outcome = Outcome()
    for _page in range(max_pages):
        page = selectors.feed(partner.push_cursor, province=partner.province_id, limit=PAGE)
        if page.changes:
            lines = "".join(json.dumps(selectors.change_dict(c), ensure_ascii=False) + "\n"
                            for c in page.changes).encode()
            status, body = _request(partner, "POST", f"{API}/import", lines)
            outcome.pages += 1
            outcome.changes += len(page.changes)
            if status == 422 and isinstance(body, dict) and "problems" in body:
                outcome.problems = body["problems"]
                return outcome
            if status != 200:
                raise _refused(partner, status, body)
            outcome.created += body["created"]
            outcome.updated += body["updated"]
            outcome.unchanged += body["unchanged"]
        services.advance_cursor(partner=partner, push=page.next_cursor)
        if not page.has_more:
            break
    return outcome
