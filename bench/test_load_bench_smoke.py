"""Keeps bench/load_bench.py and its locust users from rotting: a few seconds of load by the
anonymous consumer, the EPCIS client (bearer token) and a 2FA office login against a live
server on the test database; every request must succeed. No timing asserted.

One user at a time: the live server's threads share the test database, and SQLite's in-memory
test database locks whole tables (no busy wait), so concurrent users would measure that
harness, not the application (load_bench.py itself runs gunicorn on a database file)."""

from __future__ import annotations

import io
import json

import benchdb
import load_bench
import pytest
import trace_bench
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts.models import Role, User
from ocop.accounts.services import issue_api_token
from ocop.certificates.models import Certificate
from ocop.demo.world import demo_totp_key
from ocop.trace import scanlog, stamps
from ocop.trace.models import EpcisEvent, Scan, StampBatch
from ocop.units.models import Unit

LOCUST = load_bench.ROOT / ".venv" / "bin" / "locust"


@pytest.mark.skipif(not LOCUST.exists(), reason="locust is not installed (requirements/test.txt)")
def test_load_users_against_a_live_server(live_server, settings, tmp_path):
    for name, value in benchdb.NO_RATE_LIMITS.items():
        setattr(settings, name, value)
    chain = trace_bench.setup_chain()
    trace_bench.seed_stamps(chain, 10_000)
    office = User.objects.create_user(username="bench-tinh", password="x-Bench-12345",
                                      role=Role.PROVINCE_OFFICE, unit=Unit.objects.get(pk="P24"))
    TOTPDevice.objects.create(user=office, name="bench", key=demo_totp_key("bench-tinh"),
                              confirmed=True)
    _, token = issue_api_token(user=chain["user"], name="bench", second_factor_passed=False)
    batch = StampBatch.objects.select_related("product", "lot").first()
    plan = {
        "password": "x-Bench-12345",
        "scan_paths": ["/" + stamps.stamp_uri(trace_bench.GTIN, batch.product_id, batch.lot.code,
                                              s).split("://", 1)[1].split("/", 1)[1]
                       for s in range(batch.first_serial, batch.first_serial + 20)],
        "verify_paths": [f"/verify/{Certificate.objects.get().number}"],
        "producers": [], "dossier_fields": [], "council": [],
        "office": [{"username": "bench-tinh", "totp_key": demo_totp_key("bench-tinh")}],
        "api_token": token, "gtin": load_bench.GTIN,
        "capture_events": 5, "capture_big_share": 0.0, "capture_big_events": 0,
    }
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    seen: set[str] = set()
    for kind, expected in (("consumer", "scan stamp"), ("capture", "epcis capture"),
                           ("office", "dossier list")):
        stats, failures, log = load_bench.run_locust(live_server.url, plan_file, {kind: 1}, 8,
                                                     tmp_path, spawn_rate=1)
        out = io.StringIO()
        errors = load_bench.report(stats, failures, log, 8, "-", "-", [], out=out)
        assert errors == 0 and failures == [], out.getvalue()
        seen |= {r["Name"] for r in stats}
        assert expected in seen, out.getvalue()
    assert "login 2FA" in seen
    scanlog.flush()  # the live server's thread buffered its scans in this process
    assert Scan.objects.exists()
    assert EpcisEvent.objects.filter(capture__owner=chain["user"]).exists()
