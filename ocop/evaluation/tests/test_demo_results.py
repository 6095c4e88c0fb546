"""demo_results after demo_data and demo_cycle (map subset): every certificate status exists."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.certificates.models import Certificate, ExpiryReminder
from ocop.certificates.testing import stars_mismatches
from ocop.dossiers.models import Dossier
from ocop.evaluation.models import CouncilResult

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 29)


def test_demo_results() -> None:
    call_command("demo_data", seed=2024, units_subset="01,24,27", date=TODAY.isoformat(),
                 stdout=StringIO())
    call_command("demo_cycle", stdout=StringIO())
    out = StringIO()
    call_command("demo_results", date=TODAY.isoformat(), stdout=out)
    assert "Demo results:" in out.getvalue()
    states = set(Dossier.objects.filter(round__programme_year__year=2024)
                 .values_list("state", flat=True))
    assert states == {"recognised"}
    # The 2024 dossiers' own dates are in 2024, not the moment the demo was loaded (the export's
    # "Tiếp nhận" column and the lists read them).
    late = Dossier.objects.filter(round__programme_year__year=2024).exclude(
        accepted_at__year=2024, state_changed_at__year=2024)
    assert list(late.values_list("id", "accepted_at", "state_changed_at")) == []
    assert CouncilResult.objects.filter(revision=2, final=True).count() == 1  # the re-score
    assert CouncilResult.objects.filter(council__isnull=True, level="province").exists()
    statuses = [c.status_on(TODAY) for c in Certificate.objects.all()]
    assert {"valid", "expired", "revoked"} <= set(statuses)
    assert statuses.count("revoked") == 1
    # Reminders for every certificate ending within 90 days, unless a later one takes over.
    soon = [c for c in Certificate.objects.valid_on(TODAY) if c.days_left_on(TODAY) <= 90
            and not Certificate.objects.valid_on(c.valid_until + timedelta(days=1))
            .filter(product_id=c.product_id).exists()]
    assert len(soon) >= 4
    assert ExpiryReminder.objects.count() == len(soon)
    assert stars_mismatches(TODAY) == []
    assert Certificate.objects.filter(source_dossier__isnull=False).count() == 11
    first = sorted(Certificate.objects.values_list("number", "product__name", "stars",
                                                   "issued_on"))
    with pytest.raises(CommandError, match="already loaded"):
        call_command("demo_results", date=TODAY.isoformat(), stdout=StringIO())
    assert sorted(Certificate.objects.values_list("number", "product__name", "stars",
                                                  "issued_on")) == first
