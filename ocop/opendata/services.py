"""Building a release of the open data (the only write of this app).

``build`` reads the register, writes every file of the release to the default storage (local
disk or the S3 bucket, docs/file-storage.md) under fresh names, then records the release in one
transaction with its audit entry; the public URLs point at the newest release, so they switch
to the new files at once. Files written by a build that fails are deleted again.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation

from ocop.audit import services as audit
from ocop.opendata import datasets, package, selectors, tasks
from ocop.opendata.models import Release, ReleaseFile

logger = logging.getLogger("ocop.opendata")

# Releases kept (files and rows); older ones are deleted by the next build. A week lets a
# consumer who fetched a descriptor finish downloading its files, and shows recent history.
KEEP_RELEASES = 7
_UPLOAD_TO = ReleaseFile._meta.get_field("file").upload_to


def _contents(as_of: date, built_at: datetime) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every file of a release by public name, and the rows per dataset."""
    files: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    by_status = selectors.dataset_rows(as_of)
    for dataset in datasets.all_datasets():
        rows = by_status[dataset.status]
        counts[dataset.key] = len(rows)
        files[f"{dataset.key}.csv"] = datasets.to_csv(dataset, rows)
        files[f"{dataset.key}.json"] = datasets.to_json(dataset, rows)
    stored = {name: package.StoredFile(len(body), hashlib.sha256(body).hexdigest())
              for name, body in files.items()}
    files[datasets.DESCRIPTOR] = package.descriptor_bytes(package.descriptor(built_at, stored))
    graph = package.catalog_graph(built_at, stored)
    files[datasets.CATALOG_JSONLD] = package.catalog_jsonld(graph)
    files[datasets.CATALOG_TURTLE] = package.catalog_turtle(graph)
    return files, counts


def build(*, today: date | None = None, now: datetime | None = None) -> Release:
    """Build and publish a release for ``today`` (statuses as on that day)."""
    now = now or timezone.now()
    as_of = today or timezone.localdate(now)
    # Taken before the register is read: a release holds every change committed before it.
    built_at = timezone.localtime(now)
    with translation.override("vi"):  # the files are in Vietnamese whoever runs the build
        files, counts = _contents(as_of, built_at)
    written: list[str] = []
    try:
        for name, body in files.items():
            written.append(default_storage.save(_UPLOAD_TO(None, name), ContentFile(body)))
        with transaction.atomic():
            release = Release.objects.create(as_of=as_of, built_at=built_at, counts=counts)
            ReleaseFile.objects.bulk_create(
                ReleaseFile(release=release, name=name, file=stored_name, size=len(body),
                            sha256=hashlib.sha256(body).hexdigest())
                for (name, body), stored_name in zip(files.items(), written, strict=True))
            audit.record(actor=None, action="opendata.release.build", obj=release,
                         changes={"as_of": as_of.isoformat(), "counts": counts})
            _prune(release)
    except BaseException:
        for stored_name in written:
            default_storage.delete(stored_name)
        raise
    logger.info("open data release %s built: %s", release.pk, counts)
    return release


def _prune(newest: Release) -> None:
    """Delete releases beyond ``KEEP_RELEASES``; their files leave storage after the commit."""
    keep = list(Release.objects.order_by("-built_at", "-pk")
                .values_list("pk", flat=True)[:KEEP_RELEASES])
    old = Release.objects.exclude(pk__in=[*keep, newest.pk])
    names = list(ReleaseFile.objects.filter(release__in=old).values_list("file", flat=True))
    if not names:
        return
    old.delete()

    def delete_files() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete_files)


def build_if_missing(*, today: date | None = None) -> Release | None:
    """The daily run: build unless a release for today exists (a second worker, a re-run)."""
    today = today or timezone.localdate()
    if selectors.release_built_on(today):
        return None
    return build(today=today)


def periodic_daily(now: datetime) -> None:
    """The worker's periodic check (ocop/worker/hooks.py): enqueue today's build when it is
    missing. One query when it exists, so it can run every hour; the first check after
    midnight rebuilds, so the files follow the day's expiries."""
    today = timezone.localdate(now)
    if not selectors.release_built_on(today):
        tasks.build_open_data.enqueue(today.isoformat())
        logger.info("enqueued the open data build of %s", today)


def build_unless_newer(requested_at: datetime) -> Release | None:
    """Build unless a release was started after ``requested_at`` (it then read the change that
    asked): a burst of revocations costs one build, the first; the later requests stop here."""
    if Release.objects.filter(built_at__gt=requested_at).exists():
        return None
    return build()


def certificate_lapsed(certificate: Any, today: date) -> None:
    """The certificates app's ``certificate_lapsed`` hook, inside the revocation's transaction:
    a revocation reaches the files within minutes (after the commit, through the worker), not
    at the next daily build. An expiry needs nothing: the daily build computes statuses by date."""
    if certificate.revoked_on is None:
        return
    # The time is taken after the commit, so a build started later has read the revocation.
    transaction.on_commit(
        lambda: tasks.rebuild_open_data.enqueue(timezone.now().isoformat()))
