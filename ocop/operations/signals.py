"""Counts each logged stamp scan for /metrics, by result.

A scan written one row at a time (``Scan.objects.create``) sends post_save; a writer that logs
scans in batches (bulk_create sends no signal) counts them itself with
``ocop.core.metrics.SCANS.labels(result).inc(n)``.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from ocop.core.metrics import SCANS
from ocop.trace.models import Scan


@receiver(post_save, sender=Scan, dispatch_uid="ocop.operations.count_scan")
def count_scan(sender, instance: Scan, created: bool, **kwargs) -> None:
    if created:
        SCANS.labels(instance.result).inc()
