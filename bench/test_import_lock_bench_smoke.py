"""Keeps bench/import_lock_bench.py from rotting: its workbook passes the import check."""

from __future__ import annotations

import io

import import_lock_bench
import pytest
from django.core.management import call_command

from ocop.accounts.models import Role, User
from ocop.registry import excel
from ocop.units.models import Unit

pytestmark = pytest.mark.django_db


def test_bench_workbook_is_a_valid_import():
    call_command("load_units", provinces="24", stdout=io.StringIO())
    communes = list(Unit.objects.filter(level=Unit.Level.COMMUNE, era=Unit.Era.CURRENT,
                                        current_province_id="P24")
                    .values_list("code", flat=True)[:5])
    user = User.objects.create(username="bench-central", role=Role.CENTRAL)
    content = import_lock_bench.workbook(12, communes)
    result = excel.import_producers(user, io.BytesIO(content), commit=False)
    assert result.ok and len(result.rows) == 12
