"""python manage.py scans_prune

Run once a day (cron / systemd timer): scan rows older than STAMP_SCAN_RETENTION_DAYS (180) are
folded into daily counts per product and result (ScanDay) and deleted.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ocop.trace.scan import prune_scans


class Command(BaseCommand):
    help = "Fold old scan rows into daily counts and delete them."

    def handle(self, *args: Any, **options: Any) -> None:
        folded, days = prune_scans()
        self.stdout.write(f"Đã gộp {folded} lượt quét cũ thành {days} dòng thống kê theo ngày.")
