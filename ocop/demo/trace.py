"""Demo traceability: one planting-area zone, a harvest lot and a stamp roll for the demo
producer, so that a newcomer can open a valid and a voided stamp right after `make run`.

Everything goes through ocop.trace.services, so the EPCIS events, stamp ranges and audit entries
are the ones a real producer would create.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from ocop.accounts.models import User
from ocop.trace import services, stamps

# A 5-hectare square of lychee orchard near Phì Điền (Lục Ngạn): 0.002024° of latitude and
# 0.002162° of longitude are both about 224 m at 21.4° N.
_LAT, _LON, _DLAT, _DLON = 21.3862, 106.6305, 0.002024, 0.002162
BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[
        [_LON, _LAT], [_LON + _DLON, _LAT], [_LON + _DLON, _LAT + _DLAT],
        [_LON, _LAT + _DLAT], [_LON, _LAT],
    ]],
}


@dataclass(frozen=True)
class DemoTrace:
    zone_code: str
    lot_code: str
    valid_stamp: str
    voided_stamp: str


def build_demo_trace(*, today: datetime | None = None) -> DemoTrace:
    owner = User.objects.select_related("producer__commune__parent").get(username="demo-chuthe")
    producer = owner.producer
    product = producer.products.order_by("id").first()
    commune = producer.commune
    district = commune.parent
    # The legacy layout VN–province–district–commune–facility–year (Decision 3156/QĐ-BNN-TT).
    code = f"VN-{district.parent.code}-{district.code}-{commune.code}-001-23"
    zone = services.create_zone(
        actor=owner,
        producer=producer,
        data={
            "code": code, "name": "Vùng vải thiều Phì Điền", "crop": "Vải thiều",
            "variety": "Vải thiều Thanh Hà", "crop_kind": "perennial",
            "declared_area_ha": Decimal("5.0"), "standard": "vietgap",
            "households": 12, "boundary": BOUNDARY,
        },
        products=[product],
    )
    now = today or timezone.now()
    # At the hours the work is done (picked at dawn, packed in the afternoon, on the road early),
    # not at whatever minute the demo was loaded.
    harvested = timezone.localtime(now - timedelta(days=20)).replace(
        hour=6, minute=30, second=0, microsecond=0)
    lot_code = f"PD{harvested:%y%m%d}"
    lot = services.record_harvest(
        actor=owner, zone=zone, product=product, lot_code=lot_code, harvested_at=harvested,
        quantity=Decimal("2000"), unit="kg", expires_on=(now + timedelta(days=30)).date(),
    )
    batch = services.issue_stamps(actor=owner, lot=lot, count=200)
    services.pack_with_stamps(actor=owner, batch=batch, first=1, last=150,
                              packed_at=harvested + timedelta(days=1, hours=7, minutes=30))
    services.void_stamps(actor=owner, batch=batch, first=151, last=160,
                         reason="Cuộn tem bị hỏng khi in")
    services.ship(actor=owner, lot=lot, shipped_at=harvested + timedelta(days=2, hours=1),
                  destination="Chợ đầu mối nông sản Bắc Ninh")

    def uri(serial: int) -> str:
        return stamps.stamp_uri(product.gtin, product.pk, lot.code, serial)

    return DemoTrace(code, lot.code, uri(1), uri(151))
