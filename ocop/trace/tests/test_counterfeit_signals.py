"""Counterfeit signals that cannot be forged cheaply: the forged sequence of issue 9, repeat scans
logged once, independent evidence over days, the office's audited clearance, the public rate
limit, and the scan log's retention with daily counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ocop.accounts.testing import login_client
from ocop.audit.models import AuditEntry
from ocop.trace import scan, scanlog, services, stamps
from ocop.trace.models import Scan, ScanDay, SuspicionClearance
from ocop.trace.tests.test_stamps_scan import stamp_path

pytestmark = pytest.mark.django_db

CLEAR = "/truy-xuat/thong-ke/go-canh-bao/"


def api_scan(client: Client, chain, serial: int, lat: str, lon: str):
    uri = stamps.stamp_uri(chain.dried.gtin, chain.dried.pk, chain.packed.code, serial)
    return client.get("/api/v1/trace/scan", {"uri": uri, "lat": lat, "lon": lon}).json()


def test_the_forged_sequence_no_longer_flags_a_genuine_stamp(chain) -> None:
    # Issue 9: three public requests with made-up coordinates far apart used to mark a genuine
    # stamp "Có dấu hiệu hàng giả" for 30 days.
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    answers = [api_scan(attacker, chain, 12, lat, lon)
               for lat, lon in (("21.0", "105.8"), ("10.8", "106.7"), ("16.1", "108.2"))]
    assert [a["result"] for a in answers] == ["ok", "ok", "ok"]
    # A buyer scanning afterwards sees a genuine product.
    page = Client(REMOTE_ADDR="198.51.100.4").get(stamp_path(chain, 12)).content.decode()
    assert 'data-result="ok"' in page and "Có dấu hiệu hàng giả" not in page
    # And the attacker's burst left one row, not three.
    scanlog.flush()  # the log is buffered per process (scanlog.py)
    assert Scan.objects.filter(serial=12, source=scan.source_key("203.0.113.66")).count() == 1


def test_a_burst_from_many_networks_in_one_day_is_not_enough(chain, settings) -> None:
    settings.STAMP_SUSPICIOUS_SOURCES = 3
    results = [Client(REMOTE_ADDR=f"192.0.{n}.9").get(stamp_path(chain, 13)).content.decode()
               for n in range(6)]
    assert all('data-result="ok"' in r for r in results)


def test_repeat_scans_are_logged_again_after_the_window(chain) -> None:
    parsed = stamps.parse_gs1(stamp_path(chain, 14).split("?")[0])
    _, signature, kid = stamps.parse_uri(stamp_path(chain, 14))
    start = timezone.now()
    for minutes in (0, 5, 9):
        scan.resolve(parsed, signature, kid=kid, source="x", now=start + timedelta(minutes=minutes))
    scanlog.flush()
    assert Scan.objects.filter(serial=14).count() == 1
    outcome = scan.resolve(parsed, signature, kid=kid, source="x",
                           now=start + timedelta(minutes=11))
    assert not outcome.duplicate and outcome.scan_count == 2
    scanlog.flush()
    assert Scan.objects.filter(serial=14).count() == 2
    # Another source at the same moment is a scan of its own.
    scan.resolve(parsed, signature, kid=kid, source="y", now=start + timedelta(minutes=11))
    scanlog.flush()
    assert Scan.objects.filter(serial=14).count() == 3


def flag(chain, serial: int, sources: str, *, day: int) -> list[str]:
    """Scan ``serial`` once from each source, ``day`` days ago; the verdicts."""
    parsed = stamps.parse_gs1(stamp_path(chain, serial).split("?")[0])
    _, signature, kid = stamps.parse_uri(stamp_path(chain, serial))
    at = timezone.now() - timedelta(days=day)
    results = [scan.resolve(parsed, signature, kid=kid, source=s, now=at).result for s in sources]
    scanlog.flush()  # the office's page reads the written log
    return results


def test_office_clears_a_flag_with_a_reason_and_new_evidence_flags_again(chain, settings):
    settings.STAMP_SUSPICIOUS_SOURCES = 3
    assert flag(chain, 15, "ab", day=3) == ["ok", "ok"]
    assert flag(chain, 15, "cd", day=1) == ["suspicious", "suspicious"]
    office = login_client(chain.people["province_office"])
    page = office.get("/truy-xuat/thong-ke/").content.decode()
    assert "Gỡ cảnh báo" in page and ">15<" in page

    empty = office.post(CLEAR, {"batch": chain.batch.pk, "serial": 15, "reason": " "})
    assert empty.status_code == 400 and "Cần nêu lý do gỡ cảnh báo." in empty.content.decode()
    assert not SuspicionClearance.objects.exists()
    done = office.post(CLEAR, {"batch": chain.batch.pk, "serial": 15,
                               "reason": "Cửa hàng có nhiều quầy, khách quét thử."})
    assert done.status_code == 302
    entry = AuditEntry.objects.get(action="trace.suspicion_clear")
    assert entry.actor_id == chain.people["province_office"].pk
    assert entry.changes["reason"] == "Cửa hàng có nhiều quầy, khách quét thử."
    assert ">15<" not in office.get("/truy-xuat/thong-ke/").content.decode()

    # Evidence up to the clearance no longer counts…
    assert flag(chain, 15, "e", day=0) == ["ok"]
    # …new independent evidence on later days does.
    SuspicionClearance.objects.update(cleared_at=timezone.now() - timedelta(days=2))
    assert flag(chain, 15, "f", day=0) == ["suspicious"]


def _log(chain, serial: int, rows: list[tuple]) -> None:
    Scan.objects.bulk_create(
        Scan(scanned_at=at, batch_id=chain.batch.pk, serial=serial, product_id=chain.dried.pk,
             result=Scan.Result.OK, source=source) for at, source in rows)


def test_one_source_rescanning_cannot_push_the_evidence_out_of_the_read(chain) -> None:
    # A copied code bought by eight people on two days, ten and twelve days ago, and since then a
    # script scanning it every eleven minutes from one network (just past the repeat window):
    # its SEEN_LIMIT newest rows cover under four days and hold one source. The rule still sees
    # the whole window.
    now = timezone.now()
    _log(chain, 16, [(now - timedelta(days=10 + 2 * (n % 2), hours=n), f"buyer-{n}")
                     for n in range(8)])
    _log(chain, 16, [(now - timedelta(minutes=11 * n), "script")
                     for n in range(1, scan.SEEN_LIMIT + 1)])
    assert flag(chain, 16, "z", day=0) == ["suspicious"]
    # The same log without the buyers is one source: not suspicious, however many rows it has.
    _log(chain, 17, [(now - timedelta(minutes=11 * n), "script")
                     for n in range(1, scan.SEEN_LIMIT + 1)])
    assert flag(chain, 17, "z", day=0) == ["ok"]


def test_a_clearance_bounds_the_whole_window_when_the_read_is_full(chain, settings) -> None:
    now = timezone.now()
    _log(chain, 18, [(now - timedelta(days=10 + 2 * (n % 2), hours=n), f"buyer-{n}")
                     for n in range(8)])
    _log(chain, 18, [(now - timedelta(minutes=11 * n), "script")
                     for n in range(1, scan.SEEN_LIMIT + 1)])
    SuspicionClearance.objects.create(batch=chain.batch, serial=18, reason="Đã kiểm tra.",
                                      cleared_at=now - timedelta(days=5),
                                      cleared_by=chain.people["province_office"])
    # The buyers scanned before the office's clearance: only later evidence counts.
    assert flag(chain, 18, "z", day=0) == ["ok"]


def test_a_double_tap_logged_by_two_servers_counts_once(chain) -> None:
    # Each app server buffers its scans for up to 2 s, so a phone opening the stamp twice, once
    # on each server, leaves two rows a second apart: the next buyer is the second, not the third.
    now = timezone.now()
    _log(chain, 19, [(now - timedelta(hours=1, seconds=1), "phone"),
                     (now - timedelta(hours=1), "phone")])
    answer = Client(REMOTE_ADDR="198.51.100.19").get(
        stamp_path(chain, 19), headers={"Accept": "application/json"}).json()
    assert (answer["scanCount"], answer["scanCountComplete"]) == (2, True)
    # Scans of one source past the repeat window are visits of their own.
    _log(chain, 20, [(now - timedelta(hours=2), "phone"), (now - timedelta(hours=1), "phone")])
    answer = Client(REMOTE_ADDR="198.51.100.20").get(
        stamp_path(chain, 20), headers={"Accept": "application/json"}).json()
    assert answer["scanCount"] == 3


def test_a_stamp_scanned_more_often_than_the_read_takes_says_more_than(chain, settings) -> None:
    now = timezone.now()
    _log(chain, 21, [(now - timedelta(minutes=11 * n), "script")
                     for n in range(1, scan.SEEN_LIMIT + 1)])
    client = Client(REMOTE_ADDR="198.51.100.21")
    page = client.get(stamp_path(chain, 21)).content.decode()
    assert "hơn 500 lượt quét trong 30 ngày" in page and "lượt quét thứ" not in page
    answer = client.get(stamp_path(chain, 21), headers={"Accept": "application/json"}).json()
    assert (answer["scanCount"], answer["scanCountComplete"]) == (500, False)
    # Another stamp of the lot, scanned once, keeps its own wording (the page copies differ).
    assert "lượt quét thứ 1 trong 30 ngày" in client.get(stamp_path(chain, 22)).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "more than 500 scans in 30 days" in client.get(stamp_path(chain, 21)).content.decode()


@pytest.mark.parametrize("who", ["producer", "commune_officer", "hanoi_office"])
def test_only_offices_in_charge_clear_flags(chain, who) -> None:
    client = login_client(chain.people[who])
    response = client.post(CLEAR, {"batch": chain.batch.pk, "serial": 15, "reason": "x"})
    assert response.status_code == 404
    assert not SuspicionClearance.objects.exists()
    with pytest.raises(services.ActionError):
        services.clear_suspicion(actor=chain.people[who], batch=chain.batch, serial=15,
                                 reason="x")


def test_public_scan_and_verify_are_rate_limited_per_client(chain, settings) -> None:
    settings.PUBLIC_RATE_LIMIT = "3/m"
    busy = Client(REMOTE_ADDR="203.0.113.99")
    codes = [busy.get(stamp_path(chain, 16)).status_code for _ in range(3)]
    limited = busy.get(f"/verify/{chain.certificate.number}")
    assert codes == [200, 200, 200] and limited.status_code == 429
    assert "quá nhiều yêu cầu" in limited.content.decode()
    assert limited["Retry-After"] == "60"
    api = busy.get("/api/v1/trace/scan", {"uri": "x"})
    assert api.status_code == 429 and "quá nhiều yêu cầu" in api.json()["detail"]
    assert api.json()["code"] == "throttled" and api.json()["message"] == api.json()["detail"]
    # Another client is not affected.
    assert Client(REMOTE_ADDR="198.51.100.5").get(stamp_path(chain, 16)).status_code == 200


def test_old_scans_are_folded_into_daily_counts(chain, settings) -> None:
    settings.STAMP_SCAN_RETENTION_DAYS = 90
    for n in range(3):
        Client(REMOTE_ADDR=f"192.0.{n}.1").get(stamp_path(chain, 17))
    Client().get(stamp_path(chain, 17)[:-2] + "ZZ")  # a forged signature: no product
    Client().get(stamp_path(chain, 18))
    old = timezone.now() - timedelta(days=100)
    scanlog.flush()
    Scan.objects.exclude(serial=18).update(scanned_at=old)

    folded, days = scan.prune_scans()
    assert (folded, days) == (4, 2)
    assert list(Scan.objects.values_list("serial", flat=True)) == [18]
    assert {(d.product_id, d.result, d.scans) for d in ScanDay.objects.all()} == {
        (chain.dried.pk, "ok", 3), (None, "bad_signature", 1)}
    assert AuditEntry.objects.filter(action="trace.scans_prune").count() == 1
    assert scan.prune_scans() == (0, 0)


def test_the_remembered_source_hash_follows_the_secret_key(settings) -> None:
    """scan.source_key is remembered per address (lru_cache): the key is part of what is
    remembered, so a changed SECRET_KEY gives new hashes, never the old key's."""
    before = scan.source_key("203.0.113.66")
    assert scan.source_key("203.0.113.9") == before  # same /24: one source
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    assert scan.source_key("203.0.113.66") != before
    assert scan.source_key("not an address") == "" and scan.source_key(None) == ""
