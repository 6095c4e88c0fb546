"""Trace test data: accounts of each role, two producers in different provinces, API clients."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from ocop.accounts.models import ApiToken, Role
from ocop.accounts.testing import make_user
from ocop.registry import services as registry
from ocop.registry.models import LegalForm
from ocop.units.models import Unit

# The shared GS1 material sits beside the repository (…/work/main → …/work/shared).
SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
EXAMPLES = SHARED / "conformance" / "epcis" / "JSON"
CAPTURE_URL = "/api/v1/epcis/capture"
EVENTS_URL = "/api/v1/epcis/events"
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


def example_documents() -> list[Path]:
    if not EXAMPLES.is_dir():
        return []
    return sorted(p for p in EXAMPLES.rglob("*.jsonld") if p.name != "EPCISQueryDocument.jsonld")


def needs_examples() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not EXAMPLES.is_dir(), reason=f"GS1 EPCIS example folder missing: {EXAMPLES.resolve()}"
    )


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def object_event(i: int, **fields: Any) -> dict:
    event = {
        "type": "ObjectEvent",
        "eventTime": f"2025-07-0{1 + i % 9}T08:00:00.000+07:00",
        "eventTimeZoneOffset": "+07:00",
        "epcList": [f"https://id.gs1.org/01/08930000000019/21/S{i}"],
        "action": "OBSERVE",
        "bizStep": "shipping",
        "readPoint": {"id": "https://id.gs1.org/414/8930000000019"},
    }
    event.update(fields)
    return event


def document(*events: dict, context: list | None = None) -> dict:
    return {
        "@context": context or [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2025-07-01T08:00:00Z",
        "epcisBody": {"eventList": [copy.deepcopy(e) for e in events]},
    }


class Api:
    """A client that sends a bearer token (or none)."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def capture(self, doc: Any, *, raw: bytes | None = None):
        body = raw if raw is not None else json.dumps(doc).encode()
        return self.client.post(CAPTURE_URL, data=body, content_type="application/ld+json",
                                headers=self.headers)

    def events(self, **params: Any):
        return self.client.get(EVENTS_URL, params, headers=self.headers)

    def get(self, url: str, **params: Any):
        return self.client.get(url, params, headers=self.headers)


@pytest.fixture
def people(units) -> dict:
    hoan_kiem = Unit.objects.get(pk="C00070")
    own = registry.create_producer(actor=None, data={
        "legal_form": LegalForm.COOPERATIVE, "name": "HTX Vải thiều Lục Ngạn",
        "tax_code": "0100109106", "commune": units.xa_luc_ngan,
        "representative_name": "Nguyễn Văn A"})
    far = registry.create_producer(actor=None, data={
        "legal_form": LegalForm.COOPERATIVE, "name": "HTX Trà Hoàn Kiếm",
        "tax_code": "0101243150", "commune": hoan_kiem, "representative_name": "Trần Thị B"})
    return {
        "admin": make_user(Role.ADMIN),
        "central": make_user(Role.CENTRAL),
        "province_office": make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh),
        "hanoi_office": make_user(Role.PROVINCE_OFFICE, unit=Unit.objects.get(pk="P01")),
        "commune_officer": make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan),
        "council_member": make_user(Role.COUNCIL_MEMBER, unit=units.bac_ninh),
        "producer": make_user(Role.PRODUCER, producer=own),
        "far_producer": make_user(Role.PRODUCER, producer=far),
    }


@pytest.fixture
def api_for(people):
    def build(who: str | None) -> Api:
        if who is None:
            return Api(None)
        _, raw = ApiToken.issue(people[who], "test")
        return Api(raw)

    return build
