"""The demo's fairs: built through the services, once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ocop.certificates.testing import certify
from ocop.fairs.demo import PAST, build_demo_fairs
from ocop.fairs.models import Application, Event

pytestmark = pytest.mark.django_db


def test_the_demo_fairs_are_built_once_with_results_for_the_past_ones(fw):
    Event.objects.all().delete()
    # Certified long enough before the 2024 windows for the producers to qualify then.
    for product in (fw.litchi, fw.chicken):
        certify(product, 3, issued_on=PAST[0].starts_on - timedelta(days=400), today=fw.today)
    assert build_demo_fairs() == 5
    past = Event.objects.filter(closed_on__isnull=False)
    assert past.count() == 3
    accepted = Application.objects.filter(status=Application.Status.ACCEPTED)
    assert accepted.count() == 6  # two certified producers of the province at each
    assert not accepted.filter(results_reported_at__isnull=True).exists()
    assert Event.objects.filter(applications_open_on__lte=fw.today,
                                applications_close_on__gte=fw.today).count() == 1
    # Named as the province is called today ("thành phố" since 20 September 2026).
    coming = Event.objects.filter(closed_on__isnull=True)
    assert all("tỉnh Bắc Ninh" not in f"{e.name} {e.venue} {e.organiser}" for e in coming)
    assert coming.filter(name__contains="thành phố Bắc Ninh").count() == 2
    assert build_demo_fairs() == 0
    assert Event.objects.count() == 5
