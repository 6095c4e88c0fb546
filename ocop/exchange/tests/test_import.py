"""The import: all or nothing per batch, upsert by official keys, and twice = once."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocop.audit.models import AuditEntry
from ocop.certificates.models import Certificate, RecognitionDecision
from ocop.core.text import fold
from ocop.exchange import excel, selectors, services
from ocop.exchange.models import Change, ImportBatch
from ocop.registry.models import Producer, Product

pytestmark = pytest.mark.django_db

TODAY = date(2025, 1, 10)


def _state() -> list:
    """Everything the exchange carries, in a comparable form."""
    return list(selectors.export_records(None))


def _row(n: int, **over):
    row = {"stt": n, "product_name": f"Mật ong rừng {n}", "product_code": None,
           "product_set": "1048-01", "producer_name": "HTX Ong Lục Ngạn",
           "tax_code": "0400100457", "legal_form": "HTX", "representative": "Lê Thị B",
           "street": "Thôn Hạ", "commune": "Xã Lục Ngạn", "district": None, "stars": 4,
           "score": "76,5", "decision_number": "88/QĐ-UBND", "decision_date": "20/12/2024",
           "year": 2024, "certificate_number": None, "signer_name": None, "signer_title": None}
    row.update(over)
    return [row[c.field] for c in excel.COLUMNS]


def _import(units, rows, actor=None, province=None):
    province = province or units.bac_ninh
    parsed = excel.parse(io.BytesIO(excel.template(rows)), province=province,
                         issuing_unit=province, signer_name="Trần Văn Ký",
                         signer_title="Phó Chủ tịch")
    return services.import_records(parsed.rows, actor=actor, partner=None, province=province,
                                   source=ImportBatch.Source.EXCEL, problems=parsed.problems,
                                   today=TODAY)


def test_a_legacy_list_imports_and_twice_changes_nothing(world):
    rows = [_row(1), _row(2, stars=3, score="62"),
            _row(3, commune="Xã Đồng Cốc", district="Huyện Lục Ngạn", tax_code="0300588569",
                 producer_name="Hộ Nguyễn Văn C", legal_form="Hộ kinh doanh")]
    first = _import(world.units, rows)
    assert first.status == ImportBatch.Status.APPLIED, first.problems
    assert Certificate.objects.filter(decision__number="88/QĐ-UBND").count() == 3
    assert Producer.objects.get(tax_code="0300588569").commune_id == "LC07591"
    assert Product.objects.get(name="Mật ong rừng 1").stars == 4
    state, audits, changes = _state(), AuditEntry.objects.count(), Change.objects.count()

    second = _import(world.units, rows)
    assert second.status == ImportBatch.Status.APPLIED
    assert (second.created, second.updated) == (0, 0)
    assert second.unchanged == 12
    assert _state() == state
    assert (AuditEntry.objects.count(), Change.objects.count()) == (audits, changes)


def test_a_broken_list_writes_nothing_and_names_each_problem(world):
    before = _state()
    rows = [_row(1, certificate_number="OCOP-24-2024-00901"),
            _row(2, stars=6),
            _row(3, commune="Xã Không Có"),
            _row(4, certificate_number="OCOP-24-2024-00901"),
            _row(5, score="140")]
    batch = _import(world.units, rows)
    assert batch.status == ImportBatch.Status.REFUSED
    found = {(p["row"], p["column"]) for p in batch.problems}
    assert {(3, "Hạng sao"), (4, "Xã/phường"), (5, "Số giấy chứng nhận"), (6, "Điểm")} <= found
    messages = " ".join(p["message"] for p in batch.problems)
    assert "3 đến 5 sao" in messages
    assert "Không tìm thấy xã/phường “Xã Không Có”" in messages
    assert "trùng với dòng 2" in messages
    assert _state() == before


def test_wrong_columns_are_refused_as_a_whole(world):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["STT", "Tên", "Chủ thể"])
    workbook.active.append([1, "Vải", "HTX"])
    out = io.BytesIO()
    workbook.save(out)
    parsed = excel.parse(out, province=world.units.bac_ninh, issuing_unit=world.units.bac_ninh,
                         signer_name="A", signer_title="B")
    assert len(parsed.problems) == 1
    assert parsed.problems[0].row == 1
    assert "Thiếu cột bắt buộc" in parsed.problems[0].message
    assert "Tên sản phẩm" in parsed.problems[0].message


def test_one_bad_row_in_a_batch_rolls_back_the_good_ones(world):
    """A database-level refusal in the middle (a duplicate decision of another date) undoes
    the rows applied before it."""
    ok = _import(world.units, [_row(1)])
    assert ok.status == ImportBatch.Status.APPLIED
    before, count = _state(), RecognitionDecision.objects.count()
    batch = _import(world.units, [_row(7, decision_number="99/QĐ-UBND"),
                                  _row(8, decision_date="21/12/2024")])
    assert batch.status == ImportBatch.Status.REFUSED
    assert batch.problems[0]["row"] == 3
    assert "đã có với ngày hoặc cấp khác" in batch.problems[0]["message"]
    assert (_state(), RecognitionDecision.objects.count()) == (before, count)


def test_export_imports_back_as_unchanged(xworld):
    rows = list(selectors.export_records(None))
    scope = services.Scope(actor=None, province=None, today=TODAY)
    report = services.apply_records(rows, scope)
    assert report.ok, report.problems
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == len(rows)


def test_a_province_partner_cannot_write_another_province(xworld):
    rows = [r for r in selectors.export_records(None) if r["entity"] == "producer"]
    rows[0]["data"]["name"] = "Tên mới"
    hanoi = next(r for r in rows if r["data"]["commune"] == "C00070")
    hanoi["data"]["name"] = "Đổi tên ngoài tỉnh"
    report = services.apply_records(rows, services.Scope(actor=None, province="P24",
                                                         today=TODAY))
    assert not report.ok
    assert "nằm ngoài tỉnh" in report.problems[0].message
    assert not Producer.objects.filter(name__in=["Tên mới", "Đổi tên ngoài tỉnh"]).exists()


def test_a_staff_import_goes_through_the_owners_permission_checks(world):
    batch = _import(world.units, [_row(1)], actor=world.users["commune_officer"])
    assert batch.status == ImportBatch.Status.REFUSED
    assert not Certificate.objects.exists()


names = st.text(alphabet="abcdefghiklmnopqrstuvxyàáảãạăâđêôơư ", min_size=3, max_size=20)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(names, st.integers(3, 5), st.decimals(0, 100, places=1)),
                min_size=1, max_size=4, unique_by=lambda t: fold(t[0].strip())))
def test_property_any_valid_list_imported_twice_equals_once(world, products):
    names_ok = [p for p in products if p[0].strip()]
    if not names_ok:
        return
    rows = [_row(i, product_name=f"SP {name.strip()}", stars=stars, score=str(score))
            for i, (name, stars, score) in enumerate(names_ok, start=1)]
    with transaction.atomic():
        first = _import(world.units, rows)
        assert first.status == ImportBatch.Status.APPLIED, first.problems
        state = _state()
        second = _import(world.units, rows)
        assert (second.created, second.updated) == (0, 0)
        assert _state() == state
        transaction.set_rollback(True)
