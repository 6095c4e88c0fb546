"""Keeps bench/backup_bench.py from rotting: its answer collection and comparison on a tiny world
(the round trip itself is tested in ocop/operations/tests/test_backup.py); no timing asserted."""

from __future__ import annotations

import backup_bench
import pytest

from ocop.certificates import services as certificates
from ocop.registry.testing import classification
from ocop.trace.tests.conftest import chain, people
from ocop.units.testing import TestUnits, load_test_units

__all__ = ["chain", "classification", "people"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db) -> TestUnits:
    return load_test_units()


def test_the_bench_asks_every_certificate_and_spreads_scans_over_batches(chain):
    paths = backup_bench.public_paths(max_stamps=10)
    assert paths[0] == f"/verify/{chain.certificate.number}"
    scans = paths[1:]
    assert 10 <= len(scans) <= 11 and all("?k=" in p and "&s=" in p for p in scans)
    answers = backup_bench.public_answers(paths)
    assert {status for status, _ in answers.values()} == {200}
    assert backup_bench.compare(answers, backup_bench.public_answers(paths)) == []

    # A revocation changes the verify page: the comparison must see it.
    certificates.revoke_certificate(actor=None, certificate=chain.certificate,
                                    reason="Kiểm tra sau chứng nhận", decision_number="9/QĐ")
    assert paths[0] in backup_bench.compare(answers, backup_bench.public_answers(paths))


def test_the_restored_database_gets_its_own_name():
    assert backup_bench._second_url("postgres://u@h:5432/ops_bb") == \
        "postgres://u@h:5432/ops_bb_restored"
    assert backup_bench._second_url("") is None
