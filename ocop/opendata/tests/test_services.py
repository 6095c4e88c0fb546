"""Building releases: the daily run through the worker's periodic check, the command, pruning,
and a failed build leaving nothing behind."""

from __future__ import annotations

from datetime import date, datetime, time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from ocop.audit.models import AuditEntry
from ocop.opendata import services
from ocop.opendata.models import Release, ReleaseFile
from ocop.opendata.tests.conftest import TODAY


def stored_files(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT) / "opendata"
    return {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in root.rglob("*") if p.is_file()}


def at(day, hour: int = 1) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_a_build_records_the_release_with_its_audit_entry(ow):
    release = services.build(today=TODAY)
    assert release.as_of == TODAY
    assert release.counts == {"chung-nhan-hieu-luc": 3, "chung-nhan-thu-hoi": 0,
                              "chung-nhan-het-han": 1}
    assert release.files.count() == 9
    entry = AuditEntry.objects.get(action="opendata.release.build")
    assert entry.object_id == str(release.pk)


def test_the_daily_check_builds_once_a_day(ow, django_capture_on_commit_callbacks):
    # The test queue runs a task at once (ImmediateBackend), as a worker would later.
    with django_capture_on_commit_callbacks(execute=True):
        services.periodic_daily(at(TODAY))
        services.periodic_daily(at(TODAY, 13))  # an hour later, or a second worker
    assert list(Release.objects.values_list("as_of", flat=True)) == [TODAY]
    with django_capture_on_commit_callbacks(execute=True):
        services.periodic_daily(at(TODAY.replace(day=2)))
    assert Release.objects.count() == 2


def test_the_worker_hook_is_provided():
    from ocop.worker import hooks

    assert services.periodic_daily in hooks.periodic._providers


def test_old_releases_and_their_files_are_pruned(ow, settings,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(services.KEEP_RELEASES + 2):
            services.build(today=TODAY)
    assert Release.objects.count() == services.KEEP_RELEASES
    kept = set(ReleaseFile.objects.values_list("file", flat=True))
    assert stored_files(settings) == kept
    assert len(kept) == 9 * services.KEEP_RELEASES


def test_a_failed_build_leaves_no_file_and_no_release(ow, settings, monkeypatch):
    services.build(today=TODAY)
    before = stored_files(settings)

    def refuse(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services.audit, "record", refuse)
    with pytest.raises(RuntimeError):
        services.build(today=TODAY)
    assert Release.objects.count() == 1
    assert stored_files(settings) == before


def test_the_command_builds_now(ow):
    out = StringIO()
    call_command("opendata", "build", "--date", TODAY.isoformat(), stdout=out)
    assert "chung-nhan-hieu-luc: 3" in out.getvalue()
    assert Release.objects.get().as_of == TODAY


def test_the_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date"):
        call_command("opendata", "build", "--date", "31/12/2026")


def test_a_revocation_rebuilds_after_its_commit(ow, django_capture_on_commit_callbacks):
    services.build()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        # The rebuild runs on the real clock's day: a revocation dated in the past.
        ow.revoke(on=date(2026, 1, 15))
    assert Release.objects.count() == 1  # nothing before the commit
    for callback in callbacks:
        callback()
    newest = Release.objects.first()
    assert Release.objects.count() == 2
    assert newest.counts["chung-nhan-thu-hoi"] == 1


def test_a_burst_of_revocations_costs_one_build(ow):
    before = timezone.now()
    assert services.build_unless_newer(before) is not None
    assert services.build_unless_newer(before) is None  # built since: skipped
    assert Release.objects.count() == 1


def test_the_lapsed_hook_is_provided():
    from ocop.certificates import hooks

    assert services.certificate_lapsed in hooks.certificate_lapsed._providers
