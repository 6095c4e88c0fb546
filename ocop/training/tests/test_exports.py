"""The Excel exports of courses, registrations and support: each role's rows (a matrix), the
course filter of a course's registrations, labels, dates and amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.jobs.testing import export_rows
from ocop.training import services
from ocop.training.models import Course, Support, Topic
from ocop.training.tests.test_training import TODAY, w  # noqa: F401 — the training world

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(w):  # noqa: F811
    """A Hà Nội course too; registrations of the Lục Ngạn and Bắc Giang producers (and of the
    Hà Nội producer in Hà Nội); support for each."""
    w.hanoi_course = services.create_course(
        actor=w.hanoi_office, province=w.units.ha_noi, kind=Course.Kind.WORKSHOP,
        topic=Topic.IP, title="Bảo hộ nhãn hiệu tập thể", starts_on=date(2026, 3, 20),
        ends_on=date(2026, 3, 20), place="Hà Nội")
    for producer, course, actor in ((w.luc_ngan, w.course, w.office),
                                    (w.bac_giang, w.course, w.office),
                                    (w.hanoi, w.hanoi_course, w.hanoi_office)):
        services.register(actor=actor, course=course, producer=producer,
                          attendee=f"Người của {producer.name}", today=TODAY)
    for producer, actor, amount in ((w.luc_ngan, w.office, 15_000_000),
                                    (w.bac_giang, w.office, 2_500_000),
                                    (w.hanoi, w.hanoi_office, 7_000_000)):
        services.record_support(actor=actor, producer=producer, kind=Support.Kind.MONEY,
                                given_on=date(2026, 2, 1), description="Hỗ trợ in bao bì",
                                amount=Decimal(amount), funding="Ngân sách tỉnh", today=TODAY)
    return w


# who → (courses, producers registered, producers supported) in their file
MATRIX = {
    "central": ({"course", "hanoi_course"}, {"luc_ngan", "bac_giang", "hanoi"},
                {"luc_ngan", "bac_giang", "hanoi"}),
    "office": ({"course"}, {"luc_ngan", "bac_giang"}, {"luc_ngan", "bac_giang"}),
    "hanoi_office": ({"hanoi_course"}, {"hanoi"}, {"hanoi"}),
    "commune": ({"course"}, {"luc_ngan"}, {"luc_ngan"}),
    "inspector": ({"course"}, {"luc_ngan", "bac_giang"}, {"luc_ngan", "bac_giang"}),
    "producer": ({"course"}, {"luc_ngan"}, {"luc_ngan"}),
}


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_each_role_exports_its_reach(full, client, who, django_capture_on_commit_callbacks):
    courses, registered, supported = MATRIX[who]
    login_client(getattr(full, who), client)
    capture = django_capture_on_commit_callbacks
    out = export_rows(client, capture, "training.courses")
    assert set(out.column("Tên lớp")) == {getattr(full, c).title for c in courses}
    out = export_rows(client, capture, "training.registrations")
    assert set(out.column("Chủ thể")) == {getattr(full, p).name for p in registered}
    out = export_rows(client, capture, "training.supports")
    assert set(out.column("Chủ thể")) == {getattr(full, p).name for p in supported}


def test_rows_carry_labels_dates_and_amounts(full, client, django_capture_on_commit_callbacks):
    login_client(full.office, client)
    capture = django_capture_on_commit_callbacks
    courses = export_rows(client, capture, "training.courses")
    course = dict(zip(courses.header, courses.rows[0], strict=True))
    assert course["Hình thức"] == "Lớp tập huấn" and course["Chủ đề"] == \
        "Kỹ năng số, thương mại điện tử"
    assert course["Ngày bắt đầu"].date() == date(2026, 3, 10)
    assert (course["Số chỗ"], course["Số đăng ký"]) == (2, 2)
    supports = export_rows(client, capture, "training.supports")
    assert sorted(supports.column("Số tiền (đồng)")) == [2_500_000, 15_000_000]
    assert set(supports.column("Hình thức hỗ trợ")) == {"Hỗ trợ kinh phí"}
    cell = supports.workbook.worksheets[0].cell(2, supports.header.index("Số tiền (đồng)") + 1)
    assert cell.number_format == "#,##0"
    registrations = export_rows(client, capture, "training.registrations")
    assert set(registrations.column("Trạng thái")) == {"Đã đăng ký"}


def test_a_course_page_exports_its_own_registrations(full, client,
                                                     django_capture_on_commit_callbacks):
    login_client(full.central, client)
    page = client.get(reverse("training:course", args=[full.hanoi_course.pk])).content.decode()
    query = f"course={full.hanoi_course.pk}"
    assert f'{reverse("jobs:export", args=["training.registrations"])}?{query}' in page
    out = export_rows(client, django_capture_on_commit_callbacks, "training.registrations",
                      query)
    assert out.column("Chủ thể") == [full.hanoi.name]
    assert out.info["Bộ lọc"] == "Lớp: Bảo hộ nhãn hiệu tập thể"
    # Another province's course asked by a province office: still only its own reach.
    login_client(full.office, client)
    assert export_rows(client, django_capture_on_commit_callbacks, "training.registrations",
                       query).rows == []


def test_list_pages_offer_the_exports(full, client):
    login_client(full.office, client)
    page = client.get(reverse("training:courses")).content.decode()
    for name in ("training.courses", "training.registrations"):
        assert reverse("jobs:export", args=[name]) in page
    page = client.get(reverse("training:supports")).content.decode()
    assert reverse("jobs:export", args=["training.supports"]) in page
