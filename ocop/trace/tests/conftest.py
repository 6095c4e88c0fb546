"""Trace test data: accounts of each role, two producers in different provinces, API clients."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from ocop.accounts.models import ApiToken, Role
from ocop.accounts.testing import make_user
from ocop.registry import services as registry
from ocop.registry.models import LegalForm
from ocop.registry.tests.conftest import classification
from ocop.units.models import Unit

# GS1's EPCIS 2.0 example documents, vendored with their licence (data/gs1-epcis/README.md).
EXAMPLES = Path(__file__).resolve().parent / "data" / "gs1-epcis" / "JSON"
CAPTURE_URL = "/api/v1/epcis/capture"
EVENTS_URL = "/api/v1/epcis/events"
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

__all__ = ["classification"]


def example_documents() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*.jsonld") if p.name != "EPCISQueryDocument.jsonld")



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


# --- Zones, lots, stamps: one supply chain from a planting area to a stamped, shipped lot ----

GTIN = "8930000000019"  # GTIN-13 with a correct check digit (→ 08930000000019)
# ≈ 122 m × 124 m near Lục Ngạn (≈ 1.5 ha).
SQUARE = {"type": "Polygon", "coordinates": [[
    [106.5500, 21.3800], [106.5512, 21.3800], [106.5512, 21.3811], [106.5500, 21.3811],
    [106.5500, 21.3800]]]}


def zone_data(**extra: Any) -> dict:
    data = {"code": "VN-24-219-07591-001-23", "name": "Vùng vải Đồng Cốc", "crop": "Vải thiều",
            "variety": "Vải thiều Thanh Hà", "crop_kind": "perennial",
            "declared_area_ha": "1.5", "standard": "vietgap",
            "standard_certificate": "VG-123", "households": 12, "boundary": SQUARE}
    data.update(extra)
    return data


@dataclass
class Chain:
    people: dict
    fruit: Any  # raw product (no GTIN)
    dried: Any  # packed product with a GTIN
    zone: Any
    harvest: Any
    packed: Any
    batch: Any
    certificate: Any


@pytest.fixture
def chain(people, classification) -> Chain:
    from datetime import date, datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from ocop.certificates import services as certificates
    from ocop.trace import services

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    producer_user = people["producer"]
    own = producer_user.producer
    fruit = registry.create_product(actor=None, producer=own, data={
        "name": "Vải thiều tươi Lục Ngạn", "product_set": classification})
    dried = registry.create_product(actor=None, producer=own, data={
        "name": "Vải sấy khô Lục Ngạn", "product_set": classification, "gtin": GTIN})
    zone = services.create_zone(actor=producer_user, producer=own, data=zone_data(),
                                products=[fruit])
    harvest = services.record_harvest(
        actor=producer_user, zone=zone, product=fruit, lot_code="VT-2025-01",
        harvested_at=datetime(2025, 6, 10, 7, 0, tzinfo=tz), quantity=Decimal("1200"),
        unit="kg")
    packed = services.record_transformation(
        actor=producer_user, inputs=[(harvest, Decimal("1000"))], product=dried,
        lot_code="VS-2025-01", produced_at=datetime(2025, 6, 15, 9, 0, tzinfo=tz),
        quantity=Decimal("400"), unit="hộp", expires_on=date(2026, 6, 15))
    batch = services.issue_stamps(actor=producer_user, lot=packed, count=100)
    services.pack_with_stamps(actor=producer_user, batch=batch, first=1, last=50,
                              packed_at=datetime(2025, 6, 16, 8, 0, tzinfo=tz))
    services.ship(actor=producer_user, lot=packed,
                  shipped_at=datetime(2025, 6, 17, 8, 0, tzinfo=tz),
                  destination="Siêu thị OCOP Hà Nội")
    decision = certificates.create_decision(
        actor=None, number="56/QĐ-UBND", date=date(2025, 9, 1), signer_name="Lê Văn Tỉnh",
        signer_title="Phó Chủ tịch", level="province", issuing_unit=Unit.objects.get(pk="P24"))
    certificate = certificates.issue_certificate(
        actor=None, decision=decision, product=dried, stars=4, total_score=Decimal("78.50"),
        issued_on=date(2025, 9, 1), today=date(2025, 9, 1))
    return Chain(people, fruit, dried, zone, harvest, packed, batch, certificate)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The scan caches (stamp directory, journeys) live in the process-local cache; database ids
    repeat between tests, so an entry from one test must not answer in the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
