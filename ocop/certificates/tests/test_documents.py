"""The certificate PDF as a reader sees it: Decree 30/2020/NĐ-CP parts in order, every line of
text inside the page and inside the frame, the footer clear of the border."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.certificates import services
from ocop.certificates.documents import authority, date_line, signing_block
from ocop.certificates.models import SigningCapacity
from ocop.certificates.pdf import certificate_context, certificate_pdf
from ocop.certificates.testing import frame_interior, pdf_pages

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)


def test_date_line_pads_days_below_ten_and_only_january_and_february():
    assert date_line("Bắc Ninh", date(2024, 12, 12)) == "Bắc Ninh, ngày 12 tháng 12 năm 2024"
    assert date_line("Lục Ngạn", date(2024, 2, 5)) == "Lục Ngạn, ngày 05 tháng 02 năm 2024"
    assert date_line("Hà Nội", date(2025, 3, 9)) == "Hà Nội, ngày 09 tháng 3 năm 2025"


def test_authority_is_named_as_on_the_day_it_signed(cw):
    province = cw.units.bac_ninh
    assert authority(province, date(2025, 9, 1)).header == ("ỦY BAN NHÂN DÂN", "TỈNH BẮC NINH")
    assert authority(province, date(2026, 10, 1)).name == "Ủy ban nhân dân thành phố Bắc Ninh"
    district = authority(cw.units.legacy_luc_ngan, date(2024, 2, 29))
    assert (district.name, district.place) == ("Ủy ban nhân dân huyện Lục Ngạn", "Lục Ngạn")
    assert authority(None, date(2024, 12, 1)).name == "Bộ Nông nghiệp và Phát triển nông thôn"
    assert authority(None, date(2025, 3, 1)).header == ("BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",)


def test_signing_block_follows_the_capacity(cw):
    deputy = cw.province_decision  # "Phó Chủ tịch": a deputy signs on the chair's behalf
    assert deputy.signing_capacity == SigningCapacity.DEPUTY
    issuer = authority(deputy.issuing_unit, deputy.date)
    assert signing_block(deputy, issuer) == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                                             "PHÓ CHỦ TỊCH"]
    head = cw.district_decision  # "Chủ tịch"
    assert head.signing_capacity == SigningCapacity.HEAD
    assert signing_block(head, issuer) == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    ministry = services.create_decision(
        actor=None, number="5/QĐ-BNNMT", date=date(2025, 12, 1), signer_name="Trần Thanh Nam",
        signer_title="Thứ trưởng", level="central", issuing_unit=None)
    assert signing_block(ministry, authority(None, ministry.date)) == ["KT. BỘ TRƯỞNG",
                                                                       "THỨ TRƯỞNG"]


def test_signing_capacity_may_be_given_and_is_checked(cw):
    decision = services.create_decision(
        actor=None, number="60/QĐ-UBND", date=date(2025, 9, 2), signer_name="Lê Văn Tỉnh",
        signer_title="Phó Chủ tịch Ủy ban nhân dân tỉnh", level="province",
        issuing_unit=cw.units.bac_ninh, signing_capacity=SigningCapacity.HEAD)
    # The organ's name is not repeated under "TM. ỦY BAN NHÂN DÂN".
    assert signing_block(decision, authority(cw.units.bac_ninh, decision.date))[-1] == (
        "PHÓ CHỦ TỊCH")
    with pytest.raises(services.ValidationError) as raised:
        services.create_decision(
            actor=None, number="61/QĐ-UBND", date=date(2025, 9, 2), signer_name="Lê Văn Tỉnh",
            signer_title="Phó Chủ tịch", level="province", issuing_unit=cw.units.bac_ninh,
            signing_capacity="TL.")
    assert "signing_capacity" in raised.value.message_dict


@pytest.mark.parametrize("kind", ["province", "legacy_district", "revoked"])
def test_certificate_layout(cw, tmp_path, kind):
    if kind == "province":
        cert = cw.issue(decision=cw.province_decision, issued_on=date(2025, 9, 1), stars=4,
                        today=TODAY)
    else:
        cert = cw.issue("legacy", issued_on=date(2024, 2, 29), today=TODAY)
    if kind == "revoked":
        services.revoke_certificate(actor=None, certificate=cert, reason="Ngừng sản xuất",
                                    decision_number="12/QĐ-UBND", today=TODAY)
    content = certificate_pdf(cert, TODAY)
    (page,) = pdf_pages(content, tmp_path)
    frame = frame_interior(content, tmp_path)
    assert frame.inside(page.box) and frame.x0 > 20 and frame.y1 < page.box.y1 - 20
    outside = [line.text for line in page.lines if not line.inside(frame)]
    assert outside == []
    # The footer keeps clear of the frame's bottom rule (not merely touching it).
    note = page.find("Bản in từ Nền tảng OCOP")
    assert frame.y1 - note.y1 > 2

    texts = [line.text for line in page.lines]
    order = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             "GIẤY CHỨNG NHẬN SẢN PHẨM OCOP"]
    if kind == "province":
        order += ["Bắc Ninh, ngày 01 tháng 9 năm 2025", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                  "PHÓ CHỦ TỊCH", "Lê Văn Tỉnh"]
        assert page.find("TỈNH BẮC NINH")  # the name the province had on 1 September 2025
    else:
        order += ["Lục Ngạn, ngày 29 tháng 02 năm 2024", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
                  "Trần Văn Ký"]
        assert page.find("HUYỆN LỤC NGẠN")
        body = " ".join(texts)
        assert ("xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang (nay là xã Lục Ngạn, thành phố Bắc"
                in body)
    positions = [next(i for i, t in enumerate(texts) if expected in t) for expected in order]
    assert positions == sorted(positions), texts
    assert page.find("Số: " + cert.number)
    assert not any("Nơi nhận" in t for t in texts)  # a certificate is handed over, not sent


def test_a_certificate_signed_since_the_reform_gives_only_todays_address(cw):
    # The producer is still registered under xã Đồng Cốc, huyện Lục Ngạn (gone since July 2025).
    cert = cw.issue("legacy", decision=cw.province_decision, issued_on=date(2025, 9, 1),
                    today=TODAY)
    page = Client().get(f"/verify/{cert.number}").content.decode()
    assert "Xã Lục Ngạn, thành phố Bắc Ninh" in page and "huyện Lục Ngạn" not in page
    assert certificate_context(cert, TODAY)["address"] == "xã Lục Ngạn, thành phố Bắc Ninh"
    older = cw.issue("legacy", issued_on=date(2024, 2, 29), today=TODAY)
    assert certificate_context(older, TODAY)["address"].startswith(
        "xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang (nay là xã Lục Ngạn")


def test_pages_use_the_same_names_as_the_documents(cw):
    cw.issue(decision=cw.province_decision, issued_on=date(2025, 9, 1), today=TODAY)
    legacy = cw.issue("legacy", issued_on=date(2024, 2, 29), today=TODAY)
    office = login_client(cw.users["admin"])
    html = office.get(reverse("certificates:decision_list")).content.decode()
    # The province was "tỉnh" when it signed on 1 September 2025, whatever it is called today.
    assert "Ủy ban nhân dân tỉnh Bắc Ninh" in html
    assert "Ủy ban nhân dân huyện Lục Ngạn" in html
    detail = office.get(reverse("certificates:decision_detail",
                                args=[cw.province_decision.pk])).content.decode()
    assert "Cấp phó ký thay (KT.)" in detail
    page = Client().get(f"/verify/{legacy.number}").content.decode()
    assert "Xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang (nay là xã Lục Ngạn, " in page
    producer = office.get(reverse("registry:producer_detail",
                                  args=[cw.producers["legacy"].pk])).content.decode()
    assert "Xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang (nay là xã Lục Ngạn, " in producer
