"""Scan log and analytics: by day, by place, suspicious stamps, each scoped by jurisdiction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ocop.accounts.testing import login_client
from ocop.trace import scan, scanlog, selectors
from ocop.trace.models import Scan
from ocop.trace.tests.test_stamps_scan import stamp_path

pytestmark = pytest.mark.django_db


def test_every_scan_is_logged_with_result_place_and_source(chain) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.get(stamp_path(chain, 5) + "&lat=21.0278&lon=105.8342")
    client.get(stamp_path(chain, 5)[:-1] + "Z")  # forged (never a canonical last character)
    scanlog.flush()  # the log is buffered per process (scanlog.py)
    ok, forged = Scan.objects.order_by("id")
    assert (ok.result, ok.serial, ok.product_id, ok.place) == ("ok", 5, chain.dried.pk,
                                                                 "21.0,105.8")
    assert ok.source == scan.source_key("203.0.113.200")  # same /24 network, no address kept
    assert ok.source != scan.source_key("198.51.100.7")
    assert (forged.result, forged.product_id) == ("bad_signature", None)


@pytest.mark.parametrize(("lat", "lon", "expected"), [
    ("21.03", "105.83", "21.0,105.8"), ("91", "0", ""), ("x", "1", ""), (None, None, "")])
def test_coarse_place(lat, lon, expected) -> None:
    assert scan.coarse_place(lat, lon) == expected


def test_analytics_by_day_place_and_suspicious(chain, settings) -> None:
    settings.STAMP_SUSPICIOUS_SOURCES = 3
    for n in range(4):  # four networks: the last two scans are suspicious
        if n == 2:
            scanlog.flush()
            Scan.objects.filter(serial=9).update(scanned_at=timezone.now() - timedelta(days=1))
        Client(REMOTE_ADDR=f"198.51.{n}.7").get(stamp_path(chain, 9) + "&lat=10.77&lon=106.70")
    client = Client()
    client.get(stamp_path(chain, 10))
    scanlog.flush()
    Scan.objects.filter(serial=10).update(scanned_at=timezone.now() - timedelta(days=2))
    scans = selectors.scans_for(chain.people["producer"])
    since = timezone.now() - timedelta(days=30)
    assert [r["n"] for r in selectors.scans_by_day(scans, since)] == [1, 2, 2]
    assert selectors.scans_by_place(scans, since) == [{"place": "10.8,106.7", "n": 4}]
    suspicious = selectors.suspicious_stamps(scans, since)
    assert [(r["serial"], r["n"]) for r in suspicious] == [(9, 2)]

    page = login_client(chain.people["province_office"]).get("/truy-xuat/thong-ke/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg class=\"chart\"" in html
    assert "10.8,106.7" in html and "Vải sấy khô Lục Ngạn" in html
    # On a phone each row is a card labelled as the desktop column: the suspicious scans, not
    # all of the stamp's scans.
    assert 'data-label="Lượt quét bất thường">2<' in html


@pytest.mark.parametrize(("who", "sees"), [
    ("producer", True), ("province_office", True), ("admin", True),
    ("far_producer", False), ("hanoi_office", False)])
def test_analytics_scoped(chain, who, sees) -> None:
    Client().get(stamp_path(chain, 2))
    scanlog.flush()
    assert selectors.scans_for(chain.people[who]).exists() == sees


def test_analytics_refused_to_roles_without_it(chain) -> None:
    assert login_client(chain.people["council_member"]).get(
        "/truy-xuat/thong-ke/").status_code == 404


def test_the_chart_names_its_peak_in_the_page_language() -> None:
    from datetime import date

    from django.utils import translation

    from ocop.trace.charts import scans_chart

    rows = [{"day": date(2026, 12, 1), "n": 12}, {"day": date(2026, 12, 2), "n": 1234}]
    with translation.override("vi"):
        html = scans_chart(rows)
    drawing, caption = html.split("</svg>")
    # The words are page text below the drawing, at text size on a phone, not SVG text that
    # shrinks with it.
    assert "<text" not in drawing and "max" not in html
    assert "01/12/2026" in caption and "02/12/2026" in caption
    assert "Cao nhất: 1234 lượt/ngày" in caption
    with translation.override("en"):
        assert "Peak: 1234 scans a day" in scans_chart(rows).split("</svg>")[1]
