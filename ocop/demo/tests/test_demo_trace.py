"""The traced demo lot: its stamps scan as the demo promises (valid is signed, voided says so)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from ocop.demo.tests.test_demo_data import SUBSET, _Sink
from ocop.demo.trace import build_demo_trace
from ocop.trace.models import EpcisEvent, LotEvent, StampKey, Zone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _path(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.path}?{parts.query}"


def test_demo_trace_builds_a_zone_lot_and_stamps_that_scan(client):
    call_command("demo_data", units_subset=SUBSET, stdout=_Sink())
    traced = build_demo_trace()

    zone = Zone.objects.get(code=traced.zone_code)
    assert zone.computed_area_ha is not None and abs(zone.computed_area_ha - 5) < 1
    # Harvest, packing and shipping were written as EPCIS events.
    steps = {s.rsplit("-", 1)[-1] for s in EpcisEvent.objects.values_list("biz_step", flat=True)}
    assert {"commissioning", "packing", "shipping"} <= steps
    # At working hours, not at the minute the demo was loaded.
    hours = sorted(timezone.localtime(e.occurred_at).strftime("%H:%M")
                   for e in LotEvent.objects.filter(lot__code=traced.lot_code))
    assert hours == ["06:30", "07:30", "14:00"]

    # Signed with the platform's Ed25519 stamp key, named in the URI (docs/stamps.md).
    kid = StampKey.objects.get(state=StampKey.State.CURRENT).kid
    assert f"?k={kid}&s=" in traced.valid_stamp and f"?k={kid}&s=" in traced.voided_stamp
    voided = client.get(_path(traced.voided_stamp)).content.decode()
    assert "Tem đã bị huỷ" in voided
    valid = client.get(_path(traced.valid_stamp)).content.decode()
    assert "Chữ ký của tem không hợp lệ" not in valid and "Tem đã bị huỷ" not in valid
    forged = client.get(_path(traced.valid_stamp)[:-2] + "ZZ").content.decode()
    assert "Chữ ký của tem không hợp lệ" in forged
