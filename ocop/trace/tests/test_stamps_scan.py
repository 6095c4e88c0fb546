"""Stamps (signature, URIs, ranges, voiding) and the public scan page / JSON / link set."""

from __future__ import annotations

import random
from datetime import date, timedelta
from urllib.parse import urljoin

import pytest
from django.test import Client
from django.utils import timezone

from ocop.certificates import services as certificates
from ocop.registry.models import Producer
from ocop.trace import scan, scanlog, services, stamps
from ocop.trace.models import Scan, StampRange
from ocop.trace.tests.conftest import GTIN

pytestmark = pytest.mark.django_db


def uri_path(uri: str) -> str:
    return uri.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def stamp_path(chain, serial: int) -> str:
    uri = stamps.stamp_uri(chain.dried.gtin, chain.dried.pk, chain.packed.code, serial)
    return "/" + uri.split("://", 1)[1].split("/", 1)[1]


def test_legacy_signature_is_deterministic_and_bound_to_every_part() -> None:
    # Stamps printed before key ids (HMAC, no "k" in the URI) verify exactly as they always did.
    good = stamps.legacy_sign("08930000000019", "L1", 7)
    assert good == stamps.legacy_sign("08930000000019", "L1", 7)
    assert len(good) == 16 and good.isalnum()
    ok, bad = stamps.Check.OK, stamps.Check.BAD_SIGNATURE
    assert stamps.check("08930000000019", "L1", 7, good.lower()) == ok
    assert stamps.check("08930000000019", "L1", 8, good) == bad
    assert stamps.check("08930000000019", "L2", 7, good) == bad
    assert stamps.check("p5", "L1", 7, good) == bad


def test_legacy_signing_key_setting_changes_signatures(settings) -> None:
    before = stamps.legacy_sign("p1", "L", 1)
    stamps._key.cache_clear()
    settings.STAMP_SIGNING_KEY = "another-key"
    try:
        assert stamps.legacy_sign("p1", "L", 1) != before
    finally:
        stamps._key.cache_clear()


def test_gs1_digital_link_built_and_parsed_with_biip(settings) -> None:
    settings.STAMP_RESOLVER_URL = "https://qr.ocop.example.vn"
    uri = stamps.stamp_uri(GTIN, 3, "VS-1", 42)
    assert uri.startswith("https://qr.ocop.example.vn/01/08930000000019/10/VS-1/21/42?k=")
    parsed = stamps.parse_gs1("/01/08930000000019/10/VS-1/21/42")
    assert parsed == stamps.ParsedStamp("08930000000019", None, "VS-1", 42)
    with pytest.raises(stamps.StampFormatError, match="check digit"):
        stamps.parse_gs1("/01/08930000000018/10/VS-1/21/42")
    with pytest.raises(stamps.StampFormatError):
        stamps.parse_gs1("/01/08930000000019/10/VS-1/21/4A")  # serial must be our digits


def test_a_trailing_newline_is_not_a_lot_code_or_a_serial() -> None:
    # ``$`` in a pattern matches before a final "\n"; a %0A in a scanned address must not pass.
    with pytest.raises(stamps.StampFormatError, match="Số lô"):
        stamps.parse_platform("17", "L-1\n", "5")
    with pytest.raises(stamps.StampFormatError, match="Số sê-ri"):
        stamps.parse_platform("17", "L-1", "5\n")


def test_the_printed_shape_is_parsed_as_biip_parses_it() -> None:
    """parse_gs1 reads the shape the platform prints without biip; on any path, it must give
    biip's answer (the same stamp, or a refusal). Random GTIN-14s (a fifth with a wrong check
    digit), lots and serials around the limits, and shapes only biip reads (GTIN-13, escapes)."""
    from biip.checksums import gs1_standard_check_digit

    def answer(parse, path: str):
        try:
            return parse(path)
        except stamps.StampFormatError:
            return "refused"

    rng = random.Random(15)
    paths = ["/01/8930000000019/10/VS-1/21/42", "/01/08930000000019/10/VS%2F1/21/42",
             "/01/00000000000000/10/A/21/0", "/01/08930000000019/10/VS-1/21/42/17/261231"]
    for _ in range(2000):
        gtin = "".join(rng.choice("0123456789") for _ in range(13))
        gtin += str(gs1_standard_check_digit(gtin) if rng.random() < 0.8 else rng.randint(0, 9))
        lot = "".join(rng.choice("AZaz09._-/") for _ in range(rng.randint(1, 21)))
        serial = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 19)))
        paths.append(f"/01/{gtin}/10/{lot}/21/{serial}")
    printed = [p for p in paths if stamps._PRINTED_GS1.fullmatch(p)]
    assert len(printed) > 500  # the shortcut is exercised, not only biip
    for path in paths:
        assert answer(stamps.parse_gs1, path) == answer(stamps._parse_gs1_biip, path), path


def test_platform_uri_for_products_without_gtin(settings) -> None:
    settings.SITE_URL = "https://ocop.example.vn"
    uri = stamps.stamp_uri(None, 17, "L-1", 5)
    assert uri == f"https://ocop.example.vn/t/17/L-1/5?{stamps.sign('p17', 'L-1', 5)}"


def test_batches_get_consecutive_ranges_and_reject_bad_counts(chain) -> None:
    producer = chain.people["producer"]
    second = services.issue_stamps(actor=producer, lot=chain.packed, count=10)
    assert (second.first_serial, second.last_serial) == (101, 110)
    with pytest.raises(services.ActionError, match="Số tem"):
        services.issue_stamps(actor=producer, lot=chain.packed, count=0)


def test_ranges_outside_the_batch_are_refused_and_nothing_stored(chain) -> None:
    producer = chain.people["producer"]
    before = StampRange.objects.count()
    with pytest.raises(services.ActionError, match="ngoài lô tem"):
        services.void_stamps(actor=producer, batch=chain.batch, first=90, last=101, reason="mất")
    with pytest.raises(services.ActionError, match="lý do"):
        services.void_stamps(actor=producer, batch=chain.batch, first=60, last=61, reason=" ")
    services.void_stamps(actor=producer, batch=chain.batch, first=60, last=61, reason="rách")
    with pytest.raises(services.ActionError, match="đã huỷ"):
        services.pack_with_stamps(actor=producer, batch=chain.batch, first=55, last=65,
                                  packed_at=chain.packed.created_at)
    with pytest.raises(services.ActionError, match="đã kích hoạt"):
        services.pack_with_stamps(actor=producer, batch=chain.batch, first=50, last=52,
                                  packed_at=chain.packed.created_at)
    assert StampRange.objects.count() == before + 1


def test_valid_stamp_page(chain, django_assert_max_num_queries) -> None:
    client = Client()
    path = stamp_path(chain, 7)
    with django_assert_max_num_queries(12):
        response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-result="ok"' in html and "Sản phẩm chính hãng" in html
    assert "Vải sấy khô Lục Ngạn" in html and "HTX Vải thiều Lục Ngạn" in html
    assert "Xã Lục Ngạn, thành phố Bắc Ninh" in html  # the producer's address
    assert 'href="/san-pham-ocop/">Xem các sản phẩm OCOP khác</a>' in html  # a way on
    assert "★★★★" in html and "Còn hiệu lực" in html
    assert "lượt quét thứ 1 trong 30 ngày" in html
    for step in ("Thu hoạch", "Chế biến", "Đóng gói, dán tem", "Xuất hàng"):
        assert step in html  # the journey, from the zone to shipping
    assert "VN-24-219-07591-001-23" in html and "<path d=\"M" in html  # zone + SVG map
    assert "Xã Đồng Cốc (nay là xã Lục Ngạn, thành phố Bắc Ninh)" in html  # the zone
    assert response["Cache-Control"] == "no-store"
    assert 'rel="linkset"' in response["Link"]
    scanlog.flush()  # the log is buffered per process (scanlog.py)
    assert Scan.objects.get().result == Scan.Result.OK
    # The Link header's reference, resolved against the page's URI, is the link set of the
    # same stamp (and opening it is not a scan).
    target = urljoin("http://testserver" + path, response["Link"].split(">")[0][1:])
    assert target.startswith("http://testserver/") and "linkType=all" in target
    linkset = client.get(target)
    assert linkset["Content-Type"] == "application/linkset+json"
    assert linkset.json()["linkset"][0]["anchor"].startswith("https://id.gs1.org/01/")
    scanlog.flush()
    assert Scan.objects.count() == 1


def test_a_producer_in_a_commune_from_before_2025_is_placed_then_and_now(chain, units) -> None:
    """Its old commune with the district and province of then, and where that is now; never the
    old commune beside today's province."""
    Producer.objects.filter(pk=chain.dried.producer_id).update(commune=units.legacy_dong_coc)
    html = Client().get(stamp_path(chain, 9)).content.decode()
    assert ("Xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang (nay là xã Lục Ngạn, thành phố Bắc Ninh)"
            in html)
    assert "Xã Đồng Cốc, Thành phố Bắc Ninh" not in html


def test_query_count_does_not_grow_with_history(chain, django_assert_max_num_queries) -> None:
    client = Client()
    path = stamp_path(chain, 8)  # signing reads the key; scanning must not
    for _ in range(5):
        client.get(path)
    # Directory, ranges, certificate and journey cached, the log buffered: only the count.
    with django_assert_max_num_queries(1):
        client.get(path)


@pytest.mark.parametrize(("mutate", "expected", "text"), [
    (lambda p: p.replace("/21/7?", "/21/8?"), "bad_signature", "Chữ ký của tem không hợp lệ"),
    (lambda p: p[:-3] + "ZZZ", "bad_signature", "Chữ ký của tem không hợp lệ"),
    (lambda p: p.split("?")[0], "bad_signature", "Chữ ký của tem không hợp lệ"),
])
def test_forged_stamps_show_no_product(chain, mutate, expected, text) -> None:
    response = Client().get(mutate(stamp_path(chain, 7)))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-result="{expected}"' in html and text in html
    assert "Vải sấy khô" not in html and "chính hãng" not in html
    assert "Hãy thận trọng" in html


def test_unknown_serial_with_a_valid_signature(chain) -> None:
    html = Client().get(stamp_path(chain, 500)).content.decode()
    assert 'data-result="unknown"' in html and "Tem không tồn tại" in html


def test_voided_and_inactive_stamps(chain) -> None:
    services.void_stamps(actor=chain.people["producer"], batch=chain.batch, first=7, last=9,
                         reason="Cuộn tem bị mất")
    html = Client().get(stamp_path(chain, 8)).content.decode()
    assert 'data-result="void"' in html and "Tem đã bị huỷ" in html
    assert "Sản phẩm chính hãng" not in html and "Vải sấy khô" not in html
    html = Client().get(stamp_path(chain, 70)).content.decode()  # issued, never packed
    assert 'data-result="not_active"' in html and "chưa được kích hoạt" in html


def test_expired_and_revoked_certificates_are_warned(chain, settings, monkeypatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate",
                        lambda *a, **k: date(2029, 1, 1))
    html = Client().get(stamp_path(chain, 7)).content.decode()
    assert 'data-cert="expired"' in html and "đã hết hiệu lực" in html
    assert "Sản phẩm chính hãng" not in html
    monkeypatch.undo()
    certificates.revoke_certificate(actor=None, certificate=chain.certificate,
                                    reason="Vi phạm an toàn thực phẩm",
                                    decision_number="99/QĐ-UBND", revoked_on=date(2025, 10, 1))
    html = Client().get(stamp_path(chain, 7)).content.decode()
    assert 'data-cert="revoked"' in html and "đã bị thu hồi" in html
    assert "Vi phạm an toàn thực phẩm" in html


def test_one_source_scanning_often_is_not_suspicious_and_is_logged_once(chain) -> None:
    parsed = stamps.parse_gs1(stamp_path(chain, 3).split("?")[0])
    _, signature, kid = stamps.parse_uri(stamp_path(chain, 3))
    results = [scan.resolve(parsed, signature, kid=kid, source="a").result for _ in range(30)]
    assert set(results) == {"ok"}
    scanlog.flush()
    assert Scan.objects.filter(serial=3).count() == 1  # repeats within 10 minutes: one row


def test_client_coordinates_alone_never_flag(chain) -> None:
    client = Client()
    path = stamp_path(chain, 4)
    pages = [client.get(path + f"&lat={lat}&lon={lon}").content.decode()
             for lat, lon in (("21.04", "105.83"), ("10.77", "106.70"), ("16.05", "108.20"))]
    assert all('data-result="ok"' in page for page in pages)


def test_many_networks_on_several_days_is_suspicious(chain, settings) -> None:
    settings.STAMP_SUSPICIOUS_SOURCES = 3
    path = stamp_path(chain, 6)
    two_days_ago = timezone.now() - timedelta(days=2)
    results = [Client(REMOTE_ADDR=f"198.51.{n}.7").get(path).content.decode()
               for n in (1, 1, 2)]
    assert all('data-result="ok"' in r for r in results)
    scanlog.flush()
    Scan.objects.filter(serial=6).update(scanned_at=two_days_ago)
    third = Client(REMOTE_ADDR="198.51.3.7").get(path).content.decode()
    assert 'data-result="suspicious"' in third
    assert "Có dấu hiệu hàng giả" in third


def test_a_scan_logged_by_a_server_whose_clock_runs_ahead_counts_at_once(chain) -> None:
    # Several app servers log scans with their own clocks; one a few seconds ahead of this one
    # must not hide its scan from the count and the repeat check until this clock catches up.
    path = stamp_path(chain, 8)
    Client(REMOTE_ADDR="198.51.100.8").get(path)
    scanlog.flush()
    Scan.objects.filter(serial=8).update(scanned_at=timezone.now() + timedelta(seconds=20))
    again = Client(REMOTE_ADDR="203.0.113.8").get(path, headers={"Accept": "application/json"})
    assert again.json()["scanCount"] == 2
    repeat = Client(REMOTE_ADDR="198.51.100.9").get(path, headers={"Accept": "application/json"})
    assert repeat.json()["scanCount"] == 2  # the first source again: answered, not counted


def test_json_for_apps(chain) -> None:
    client = Client()
    data = client.get(stamp_path(chain, 7), headers={"Accept": "application/json"}).json()
    assert data["verified"] is True and data["result"] == "ok"
    assert data["product"]["gtin"] == GTIN and data["certificate"]["stars"] == 4
    assert [s["step"] for s in data["journey"]] == ["harvest", "transform", "pack", "ship"]
    assert data["zones"][0]["code"] == "VN-24-219-07591-001-23"
    forged = client.get(stamp_path(chain, 7)[:-2] + "ZZ&format=json").json()
    assert forged == {"result": "bad_signature", "verified": False,
                      "stampState": "bad_signature", "warnings": forged["warnings"]}


def test_linkset(chain) -> None:
    response = Client().get(stamp_path(chain, 7) + "&linkType=all")
    assert response["Content-Type"] == "application/linkset+json"
    entry = response.json()["linkset"][0]
    assert entry["anchor"] == "https://id.gs1.org/01/08930000000019/10/VS-2025-01/21/7"
    assert entry["https://gs1.org/voc/defaultLink"][0]["type"] == "text/html"
    assert "https://gs1.org/voc/pip" in entry
    assert not Scan.objects.exists()  # link discovery is not a scan


def test_malformed_uri_is_a_400_naming_the_problem(chain) -> None:
    response = Client().get("/01/08930000000018/10/VS-2025-01/21/7?s=X")
    assert response.status_code == 400
    assert "check digit" in response.content.decode()
    response = Client().get("/t/abc/L/1", headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.json()["verified"] is False


def test_platform_uri_scan(chain) -> None:
    producer = chain.people["producer"]
    batch = services.issue_stamps(actor=producer, lot=chain.harvest, count=5)
    services.pack_with_stamps(actor=producer, batch=batch, first=1, last=5,
                              packed_at=chain.harvest.created_at)
    uri = stamps.stamp_uri(None, chain.fruit.pk, chain.harvest.code, 2)
    response = Client().get("/" + uri.split("://", 1)[1].split("/", 1)[1])
    html = response.content.decode()
    assert 'data-result="cert_invalid"' in html  # stamp fine, but no OCOP certificate
    assert "chưa có giấy chứng nhận" in html.lower()


def test_stamp_pdf(chain) -> None:
    from ocop.trace.pdf import stamp_sheet

    content = stamp_sheet(chain.batch, 1, 30)
    assert content.startswith(b"%PDF")
    with pytest.raises(services.ActionError, match="ngoài lô tem"):
        stamp_sheet(chain.batch, 95, 105)
