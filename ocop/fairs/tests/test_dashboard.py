"""The fairs figure on the office dashboards (ocop/dashboards): per year, in the scope, as of a
day, with the sums the fairs selectors give."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ocop.accounts.testing import login_client
from ocop.dashboards import figures
from ocop.dashboards.selectors import Scope
from ocop.fairs import services
from ocop.fairs.tests.conftest import event_kwargs
from ocop.fairs.tests.test_pages import _past_event_with_results
from ocop.planning.models import AnnualPlan, BudgetContent, BudgetLine, BudgetSource

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_fairs_per_year_in_its_scope(fw):
    past = _past_event_with_results(fw)
    services.create_event(actor=fw.hanoi_office, province=fw.units.ha_noi,
                          **event_kwargs(fw.today - timedelta(days=60), name="Hội chợ Hà Nội"))
    table = figures.fairs_by_year(Scope(fw.units.bac_ninh), fw.today)
    rows = {r.label: r.values() for r in table.rows}
    # sales 10 + 20 million, contracts 1 + 2 worth 100 + 200 million, contacts 5 + 10
    assert rows[str(past.starts_on.year)] == [1, 2, 30, 3, 300, 15]
    assert rows["Tổng"] == [1, 2, 30, 3, 300, 15]  # the coming fair is not on yet
    opened = figures.fairs_by_year(Scope(fw.units.bac_ninh), fw.event.starts_on)
    assert opened.rows[-1].values()[0] == 2
    first = table.body()[0]
    assert first.cells[0].href == f"{reverse('fairs:figures')}?nam={first.label}"
    before = figures.fairs_by_year(Scope(fw.units.bac_ninh), past.starts_on - timedelta(days=1))
    assert before.rows == []
    nation = {r.label: r.values() for r in figures.fairs_by_year(Scope(), fw.today).rows}
    assert nation["Tổng"][0] == 2  # the past Bắc Ninh fair and the Hà Nội one
    hanoi = {r.label: r.values() for r in figures.fairs_by_year(Scope(fw.units.ha_noi),
                                                                fw.today).rows}
    assert hanoi["Tổng"] == [1, 0, 0, 0, 0, 0]
    commune = figures.fairs_by_year(Scope(fw.units.xa_luc_ngan), fw.today)
    assert commune.rows == [] and "bảng điều khiển của tỉnh" in commune.note


def test_the_office_dashboard_shows_the_fairs_table(fw):
    _past_event_with_results(fw)
    page = login_client(fw.office).get(reverse("dashboards:home")).content.decode()
    assert 'id="fairs"' in page and "Hội chợ, xúc tiến thương mại" in page


def test_the_figures_page_sets_a_year_against_the_plans_promotion_budget(fw):
    past = _past_event_with_results(fw)
    year = past.starts_on.year
    # The plan of legacy Bắc Giang (LP24) counts for today's Bắc Ninh.
    plan = AnnualPlan.objects.create(province=fw.units.legacy_bac_giang, year=year,
                                     title="Kế hoạch OCOP")
    BudgetLine.objects.create(plan=plan, content=BudgetContent.PROMOTION,
                              source=BudgetSource.PROVINCE, approved=Decimal(4_000_000_000),
                              committed=Decimal(3_700_000_000),
                              disbursed=Decimal(3_300_000_000))
    BudgetLine.objects.create(plan=plan, content=BudgetContent.CAPACITY,
                              source=BudgetSource.PROVINCE, approved=Decimal(9))
    page = login_client(fw.office).get(reverse("fairs:figures"), {"nam": year})
    html = page.content.decode()
    assert "Kế hoạch năm bố trí 4.000.000.000 đồng cho quảng bá, xúc tiến thương mại; đã " \
           "giải ngân 3.300.000.000 đồng." in html
    assert "Trong năm có 2 lượt chủ thể tham gia, doanh thu báo cáo 30.000.000 đồng." in html
    other = login_client(fw.hanoi_office).get(reverse("fairs:figures"), {"nam": year})
    assert "Kế hoạch năm chưa có dòng kinh phí" in other.content.decode()
    assert "Tuần hàng vải thiều" not in other.content.decode()


def test_the_figures_download_as_excel_in_the_offices_reach(fw):
    past = _past_event_with_results(fw)
    client = login_client(fw.office)
    page = client.get(reverse("fairs:figures"), {"nam": past.starts_on.year})
    assert "dinh_dang=excel" in page.content.decode()
    response = client.get(reverse("fairs:figures"),
                          {"nam": past.starts_on.year, "dinh_dang": "excel"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == \
        f'attachment; filename="ket-qua-xuc-tien-{past.starts_on.year}.xlsx"'
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Theo năm", "Theo sự kiện"]
    years = list(book["Theo năm"].iter_rows(values_only=True))
    assert years[0][:3] == ("Năm", "Sự kiện", "Chủ thể tham gia")
    assert years[1][:4] == (past.starts_on.year, 1, 2, 30_000_000)
    events = list(book["Theo sự kiện"].iter_rows(values_only=True))
    assert [row[0] for row in events[1:]] == [past.name]
    assert events[1][2].date() == past.starts_on and events[1][8] == 30_000_000
    # Another province's office downloads only its own events; a producer gets nothing.
    other = login_client(fw.hanoi_office).get(reverse("fairs:figures"), {"dinh_dang": "excel"})
    rows = list(load_workbook(BytesIO(other.content))["Theo sự kiện"].iter_rows(values_only=True))
    assert past.name not in [row[0] for row in rows]
    producer = login_client(fw.users["producer"]).get(reverse("fairs:figures"),
                                                  {"dinh_dang": "excel"})
    assert producer.status_code == 403
