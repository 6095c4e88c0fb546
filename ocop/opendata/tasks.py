"""The open data's daily build as a django.tasks task (run by ``manage.py worker``)."""

from __future__ import annotations

from datetime import date, datetime

from django.tasks import task

# services imports this module back; each uses the other only at call time.
from ocop.opendata import services


@task()
def build_open_data(today: str | None = None) -> dict:
    """Build today's release unless it exists; ``today`` as ISO date or None for the local
    date. Returns the rows per dataset, or ``{}`` when there was nothing to do."""
    release = services.build_if_missing(today=date.fromisoformat(today) if today else None)
    return dict(release.counts) if release else {}


@task()
def rebuild_open_data(requested_at: str) -> dict:
    """Rebuild after a revocation requested at ``requested_at`` (ISO date and time), unless a
    release was built since. Returns the rows per dataset, or ``{}`` when skipped."""
    release = services.build_unless_newer(datetime.fromisoformat(requested_at))
    return dict(release.counts) if release else {}
