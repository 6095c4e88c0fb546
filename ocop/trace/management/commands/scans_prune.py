"""python manage.py scans_prune

Run once a day (cron / systemd timer): scan rows older than STAMP_SCAN_RETENTION_DAYS (180) are
folded into daily counts per product and result (ScanDay) and deleted. On PostgreSQL the whole
months past the retention period are folded and their partitions dropped first (no DELETE of
millions of rows, no dead rows left to vacuum); the DELETE takes only the rest.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from ocop.trace import partitions
from ocop.trace.scan import prune_scans


class Command(BaseCommand):
    help = "Fold old scan rows into daily counts and delete them."

    def handle(self, *args: Any, **options: Any) -> None:
        dropped = days_dropped = 0
        if partitions.is_partitioned(partitions.FAMILIES["scans"].tables[0]):
            limit = partitions.first_kept_month(partitions.FAMILIES["scans"], timezone.now())
            for result in partitions.remove_months("scans", limit):
                dropped += sum(result.rows.values())
                days_dropped += result.folded_days
        folded, days = prune_scans()
        self.stdout.write(f"Đã gộp {dropped + folded} lượt quét cũ thành {days_dropped + days} "
                          f"dòng thống kê theo ngày.")
