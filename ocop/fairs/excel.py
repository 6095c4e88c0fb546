"""The trade-promotion results as an Excel file: what the figures page shows, for the office's
own reports (the province's annual report on fairs is written by hand from these numbers)."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from ocop.core.spreadsheets import add_table
from ocop.fairs.selectors import FairFigures

COUNT = "#,##0"
MONEY = "#,##0"
DATE = "DD/MM/YYYY"


def workbook(figures: FairFigures) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    totals = (_("Doanh thu (đồng)"), _("Hợp đồng"), _("Giá trị hợp đồng (đồng)"),
              _("Khách hàng liên hệ"))
    add_table(wb, _("Theo năm"), (_("Năm"), _("Sự kiện"), _("Chủ thể tham gia"), *totals), (
        (y.year, y.events, y.exhibitors, y.sales, y.contracts, y.contracts_value, y.contacts)
        for y in figures.years), (None, COUNT, COUNT, MONEY, COUNT, MONEY, COUNT))
    add_table(wb, _("Theo sự kiện"), (
        _("Sự kiện"), _("Loại sự kiện"), _("Ngày khai mạc"), _("Ngày bế mạc"), _("Địa điểm"),
        _("Tỉnh/thành phố quản lý"), _("Chủ thể tham gia"), _("Đã báo cáo"), *totals), (
        (e.name, e.get_kind_display(), e.starts_on, e.ends_on, e.venue, e.province.name,
         e.exhibitors, e.reported, e.sales or 0, e.contracts or 0, e.contracts_value or 0,
         e.contacts or 0) for e in figures.events),
        (None, None, DATE, DATE, None, None, COUNT, COUNT, MONEY, COUNT, MONEY, COUNT))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
