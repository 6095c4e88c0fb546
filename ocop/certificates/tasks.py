"""Scheduled work of the certificates app as django.tasks tasks (run by ``db_worker``).

A scheduler (cron, systemd timer) enqueues ``certificates_daily`` once a day, or runs the
management command of the same name; both call ``services.run_daily``.
"""

from __future__ import annotations

from datetime import date

from django.tasks import task

from ocop.certificates import services


@task()
def certificates_daily(today: str | None = None) -> dict:
    """Reminders 90/30 days before expiry and expiry of the day; ``today`` as ISO date (tests,
    catch-up runs) or None for the local date. Returns the numbers handled."""
    report = services.run_daily(today=date.fromisoformat(today) if today else None)
    return {
        "today": report.today.isoformat(),
        "reminders": {str(d): numbers for d, numbers in report.reminders.items()},
        "expired": report.expired,
    }
