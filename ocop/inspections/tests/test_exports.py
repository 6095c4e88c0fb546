"""The Excel exports of inspection plans, visits and complaints: who may export which (a matrix),
the rows of each reach, labels and dates, and no consumer contact in a file."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.inspections import services
from ocop.inspections.tests.conftest import FAILING, all_pass
from ocop.jobs.models import Job
from ocop.jobs.testing import export_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(iw):
    """A concluded visit with a failed item, an open visit, and a complaint for each province
    (the Bắc Ninh one with the consumer's phone number)."""
    concluded = services.record_visit(
        actor=iw.users["inspector"], plan=iw.plan, product=iw.product, visited_on=iw.today,
        place="Cơ sở sản xuất tại xã Lục Ngạn", findings=all_pass(**FAILING), today=iw.today)
    services.conclude_visit(actor=iw.users["inspector"], visit=concluded,
                            conclusion="Yêu cầu thay nhãn.", follow_up_by=date(2026, 7, 15),
                            sanctions="Nhắc nhở")
    open_visit = iw.visit()
    complaint = services.submit_complaint(text="Sản phẩm bán ở chợ có nhãn OCOP lạ.",
                                          certificate_number=iw.certificate.number,
                                          contact="0912 000 111")
    hanoi = services.submit_complaint(text="Trà có mùi lạ, nhãn OCOP mờ.",
                                      certificate_number=iw.hanoi_certificate.number)
    return {"concluded": concluded, "open": open_visit, "complaint": complaint, "hanoi": hanoi}


# who → (plans, visits, complaints) they get; None: the export is refused (403).
MATRIX = {
    "central": ({"plan"}, {"concluded", "open"}, {"complaint", "hanoi"}),
    "province_office": ({"plan"}, {"concluded", "open"}, {"complaint"}),
    "inspector": ({"plan"}, {"concluded", "open"}, {"complaint"}),
    "other_province_office": (set(), set(), {"hanoi"}),
    "commune_officer": ({"plan"}, {"concluded", "open"}, None),
    "producer": (set(), {"concluded"}, None),  # its own visits once concluded
    "other_producer": (set(), set(), None),
    "council_member": (None, None, None),
}


def _refs(done, iw, keys):
    refs = {"plan": iw.plan.reference, **{k: v.reference for k, v in done.items()}}
    return {refs[k] for k in keys}


@pytest.mark.parametrize("who", sorted(MATRIX))
@pytest.mark.parametrize(("index", "name", "reference"), [
    (0, "inspections.plans", "Số kế hoạch"),
    (1, "inspections.visits", "Số biên bản"),
    (2, "inspections.complaints", "Số phản ánh"),
])
def test_who_exports_which_rows(iw, done, client, who, index, name, reference,
                                django_capture_on_commit_callbacks):
    login_client(iw.users[who], client)
    expected = MATRIX[who][index]
    if expected is None:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("jobs:export", args=[name]))
        assert response.status_code == 403
        assert not Job.objects.exists()
        return
    out = export_rows(client, django_capture_on_commit_callbacks, name)
    assert set(out.column(reference)) == _refs(done, iw, expected)


def test_visit_rows_read_as_the_pages_do(iw, done, client, django_capture_on_commit_callbacks):
    login_client(iw.users["province_office"], client)
    out = export_rows(client, django_capture_on_commit_callbacks, "inspections.visits")
    rows = {r[0]: dict(zip(out.header, r, strict=True)) for r in out.rows}
    concluded = rows[done["concluded"].reference]
    assert concluded["Kết quả"] == "Đã kết luận"
    assert concluded["Số nội dung không đạt"] == 1
    assert concluded["Kết luận"] == "Yêu cầu thay nhãn."
    assert concluded["Hạn khắc phục"].date() == date(2026, 7, 15)
    assert concluded["Ngày kiểm tra"].date() == iw.today
    assert concluded["Giấy chứng nhận"] == iw.certificate.number
    assert rows[done["open"].reference]["Kết quả"] == "Chưa kết luận"
    plans = export_rows(client, django_capture_on_commit_callbacks, "inspections.plans")
    plan = dict(zip(plans.header, plans.rows[0], strict=True))
    assert plan["Loại"] == "Kiểm tra định kỳ hằng năm"  # the label, never "annual"
    assert (plan["Số người kiểm tra"], plan["Số lần kiểm tra"]) == (2, 2)
    assert plan["Từ ngày"].date() == date(2026, 1, 1)


def test_complaint_file_has_no_consumer_contact(iw, done, client,
                                                django_capture_on_commit_callbacks):
    login_client(iw.users["province_office"], client)
    out = export_rows(client, django_capture_on_commit_callbacks, "inspections.complaints")
    row = dict(zip(out.header, out.rows[0], strict=True))
    assert row["Trạng thái"] == "Mới nhận"
    assert row["Nội dung phản ánh"] == "Sản phẩm bán ở chợ có nhãn OCOP lạ."
    assert row["Số giấy chứng nhận"] == iw.certificate.number
    everything = " ".join(str(v) for r in out.rows for v in r) + " ".join(map(str, out.header))
    assert "0912 000 111" not in everything and "Liên hệ" not in out.header


def test_pages_offer_the_exports(iw, done, client):
    login_client(iw.users["province_office"], client)
    page = client.get(reverse("inspections:index")).content.decode()
    for name in ("inspections.plans", "inspections.visits"):
        assert reverse("jobs:export", args=[name]) in page
    page = client.get(reverse("inspections:complaint_list")).content.decode()
    assert reverse("jobs:export", args=["inspections.complaints"]) in page
