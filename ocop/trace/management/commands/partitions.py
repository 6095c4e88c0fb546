"""python manage.py partitions ensure|list|archive|drop — monthly partitions (docs/partitions.md).

    partitions ensure [--ahead N] [--since YYYY-MM]
        create the missing months (PostgreSQL)
    partitions list [--table events|scans]
        partitions and their rows (SQLite: rows per month)
    partitions archive --before YYYY-MM [--to DIR] [--table events|scans]
        write each month to DIR, verify the file, then remove the month
    partitions drop --before YYYY-MM --table events|scans
        remove without a file (scans are folded into daily counts first)

archive and drop take only months older than the retention period (EPCIS_EVENT_RETENTION_MONTHS,
STAMP_SCAN_RETENTION_DAYS) and never remove events a lot's journey or a stamp range points at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from ocop.core.refusals import Refusal
from ocop.trace import partitions


class Command(BaseCommand):
    help = "Monthly partitions of EPCIS events and scan logs: ensure, list, archive, drop."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        ensure = actions.add_parser("ensure", help="create the partitions of the coming months")
        ensure.add_argument("--ahead", type=int, default=None,
                            help="months after the current one (PARTITIONS_AHEAD_MONTHS, 3)")
        ensure.add_argument("--since", help="also create the months from YYYY-MM on")
        listing = actions.add_parser("list", help="partitions and their row counts")
        listing.add_argument("--table", choices=sorted(partitions.FAMILIES))
        archive = actions.add_parser("archive", help="archive and remove months before a month")
        archive.add_argument("--before", required=True, help="YYYY-MM: months before it")
        archive.add_argument("--to", help="folder of the files (PARTITIONS_ARCHIVE_DIR, "
                                          "var/archive)")
        archive.add_argument("--table", choices=sorted(partitions.FAMILIES))
        drop = actions.add_parser("drop", help="remove months before a month, without a file")
        drop.add_argument("--before", required=True, help="YYYY-MM: months before it")
        drop.add_argument("--table", required=True, choices=sorted(partitions.FAMILIES))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"])(options)
        except Refusal as refusal:
            raise CommandError(refusal.message) from refusal

    def _families(self, options: dict) -> list[str]:
        return [options["table"]] if options.get("table") else sorted(partitions.FAMILIES)

    def _say_not_postgres(self) -> None:
        self.stdout.write(_("Phân vùng theo tháng là tính năng của PostgreSQL; cơ sở dữ liệu này "
                            "(%(vendor)s) dùng bảng thường.") % {"vendor": connection.vendor})

    def _ensure(self, options: dict) -> None:
        if not partitions.supported():
            self._say_not_postgres()
            self.stdout.write(_("Không có phân vùng nào để tạo."))
            return
        since = partitions.parse_month(options["since"]) if options["since"] else None
        created = partitions.ensure(ahead=options["ahead"], since=since)
        for name in created:
            self.stdout.write(_("Đã tạo phân vùng %(name)s.") % {"name": name})
        if not created:
            self.stdout.write(_("Đủ phân vùng rồi, không tạo thêm."))

    def _list(self, options: dict) -> None:
        for name in self._families(options):
            family = partitions.FAMILIES[name]
            if not partitions.is_partitioned(family.tables[0]):
                if not partitions.supported():
                    self._say_not_postgres()
                self.stdout.write(_("%(table)s: số dòng theo tháng") % {"table": family.tables[0]})
                for month, rows in partitions.month_counts(family):
                    self.stdout.write(f"  {month:%Y-%m}  {rows:>12,}")
                continue
            for info in partitions.partition_list(family):
                month = f"{info.month:%Y-%m}" if info.month else "DEFAULT"
                self.stdout.write(f"{info.name:<36} {month:<8} {info.rows:>12,} "
                                  f"{info.bytes / 1_048_576:>10.1f} MB")

    def _archive(self, options: dict) -> None:
        folder = Path(options["to"] or getattr(settings, "PARTITIONS_ARCHIVE_DIR",
                                               settings.BASE_DIR / "var" / "archive"))
        self._remove(options, folder)

    def _drop(self, options: dict) -> None:
        self._remove(options, None)

    def _remove(self, options: dict, folder: Path | None) -> None:
        if not partitions.supported():
            self._say_not_postgres()
            self.stdout.write(_("Các dòng của những tháng đó được xoá bằng DELETE theo ngày."))
        before = partitions.parse_month(options["before"])
        done = 0
        for name in self._families(options):
            for result in partitions.remove_months(name, before, folder=folder):
                done += 1
                rows = ", ".join(f"{table} {count:,}" for table, count in result.rows.items())
                self.stdout.write(_("%(family)s %(month)s: %(rows)s dòng; giữ lại %(kept)s sự "
                                    "kiện mà hành trình lô/dải tem cần; %(days)s dòng thống kê "
                                    "theo ngày.") % {
                    "family": name, "month": f"{result.month:%Y-%m}", "rows": rows,
                    "kept": result.kept, "days": result.folded_days})
                for path in result.files:
                    self.stdout.write(_("  tệp lưu trữ: %(path)s") % {"path": path})
        if not done:
            self.stdout.write(_("Không có tháng nào trước %(month)s để xử lý.")
                              % {"month": options["before"]})
