import time
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Exists, OuterRef

from ocop.audit.models import AuditEntry
from ocop.units import sources
from ocop.units.models import Succession, Unit
from ocop.units.services import load_units
from ocop.units.testing import load_test_units


@pytest.mark.django_db
def test_full_load_counts_and_links():
    started = time.perf_counter()
    report = load_units()
    assert time.perf_counter() - started < 30
    assert report.units_created == Unit.objects.count() == 34 + 3321 + 63 + 696 + 10035

    current = Unit.objects.filter(era=Unit.Era.CURRENT)
    legacy = Unit.objects.filter(era=Unit.Era.LEGACY)
    assert current.filter(level=Unit.Level.PROVINCE).count() == 34
    assert current.filter(level=Unit.Level.COMMUNE).count() == 3321
    assert legacy.filter(level=Unit.Level.PROVINCE).count() == 63
    assert legacy.filter(level=Unit.Level.DISTRICT).count() == 696
    assert legacy.filter(level=Unit.Level.COMMUNE).count() == 10035
    # Every row knows today's province; every commune knows today's commune.
    assert not Unit.objects.filter(current_province__isnull=True).exists()
    assert not Unit.objects.filter(level=Unit.Level.COMMUNE, current_commune__isnull=True).exists()
    assert not Unit.objects.exclude(current_province__era=Unit.Era.CURRENT).exists()
    # The principal successor of a legacy commune is one of its recorded successions.
    principal_recorded = Succession.objects.filter(
        predecessor=OuterRef("pk"), successor=OuterRef("current_commune")
    )
    assert not legacy.filter(level=Unit.Level.COMMUNE).exclude(Exists(principal_recorded)).exists()
    assert not Succession.objects.exclude(effective_date=date(2025, 7, 1)).exists()
    assert current.filter(valid_from=date(2025, 7, 1), valid_to__isnull=True).count() == 3355
    assert legacy.filter(valid_to=date(2025, 6, 30)).count() == legacy.count()
    assert Unit.objects.get(key="C07210").full_name == "Phường Bắc Giang"
    assert Unit.objects.get(key="LP24").full_name == "Tỉnh Bắc Giang"
    # Island districts had no communes; they became special zones of the same name.
    assert Unit.objects.get(key="LD755").current_commune.full_name == "Đặc khu Côn Đảo"


@pytest.mark.django_db
def test_reload_is_idempotent_and_repairs_rows():
    first = load_test_units()
    units, successions = Unit.objects.count(), Succession.objects.count()
    assert AuditEntry.objects.filter(action="units.load").count() == 1

    again = load_units(current_codes=(1, 24), legacy_codes=(24, 27))
    assert (again.units_created, again.units_updated, again.successions_created) == (0, 0, 0)
    assert again.units_unchanged == units
    assert not again.changed
    assert (Unit.objects.count(), Succession.objects.count()) == (units, successions)
    # An unchanged reload writes no audit entry.
    assert AuditEntry.objects.filter(action="units.load").count() == 1

    # A hand-edited row and a bogus succession are put right by the next load.
    Unit.objects.filter(pk="LD219").update(full_name="Huyện X", search_name="huyen x")
    Succession.objects.create(
        predecessor=first.legacy_dong_coc, successor=first.phuong_bac_giang,
        effective_date=date(2025, 7, 1),
    )  # fmt: skip
    repaired = load_units(current_codes=(1, 24), legacy_codes=(24, 27))
    assert (repaired.units_updated, repaired.successions_deleted) == (1, 1)
    luc_ngan = Unit.objects.get(pk="LD219")
    assert (luc_ngan.full_name, luc_ngan.search_name) == ("Huyện Lục Ngạn", "huyen luc ngan")
    assert Succession.objects.count() == successions
    assert AuditEntry.objects.filter(action="units.load").count() == 2


@pytest.mark.django_db
def test_subset_pulls_in_the_current_provinces_legacy_units_became():
    load_units(current_codes=(), legacy_codes=(27,))
    keys = set(Unit.objects.values_list("era", "level").distinct())
    assert keys == {
        ("legacy", "province"), ("legacy", "district"), ("legacy", "commune"),
        ("current", "province"), ("current", "commune"),
    }  # fmt: skip
    assert set(Unit.objects.filter(level="province").values_list("key", flat=True)) == {
        "LP27",
        "P24",
    }


@pytest.mark.django_db
def test_command_with_provinces(capsys):
    call_command("load_units", "--provinces", "24,27,01")
    out = capsys.readouterr().out
    assert "created" in out
    assert set(Unit.objects.filter(level="province").values_list("key", flat=True)) == {
        "P01",
        "P24",
        "LP01",
        "LP24",
        "LP27",
    }
    call_command("load_units", "--provinces", "24,27,01")
    assert " 0 created, 0 updated" in capsys.readouterr().out


@pytest.mark.django_db
def test_test_units_load_in_a_few_batched_queries(django_assert_max_num_queries):
    # The units fixture is function-scoped because this load takes ~0.1 s; what keeps it there
    # is batching (a per-row save would be ~1,000 queries), so that is what is checked, not time.
    sources.admin_map()  # parsed once per process and cached
    with django_assert_max_num_queries(20):
        loaded = load_test_units()
    assert loaded.legacy_luc_ngan.full_name == "Huyện Lục Ngạn"
    assert Unit.objects.filter(level="province").count() == 4
