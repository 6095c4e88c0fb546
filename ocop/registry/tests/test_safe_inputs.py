"""Safe exports (no spreadsheet formula survives an export) and plain-text names (markup is
refused with a message naming the field): ocop.core.spreadsheets and ocop.core.validators."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from ocop.core.spreadsheets import restore_cell, safe_cell, safe_row
from ocop.core.validators import has_markup
from ocop.registry import excel
from ocop.registry.models import Producer
from ocop.registry.testing import TAX_CODES

from .test_api import NEW_PRODUCER

HYPERLINK = '=HYPERLINK("http://x","y")'
PAYLOADS = [HYPERLINK, "+1+2", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_formula_trigger_is_neutralised_and_restored(payload):
    assert safe_cell(payload) == "'" + payload
    assert restore_cell(safe_cell(payload)) == payload
    # Saved by openpyxl, it is a text cell, never a formula.
    wb = Workbook()
    wb.active.append(safe_row([payload]))
    buf = io.BytesIO()
    wb.save(buf)
    cell = load_workbook(io.BytesIO(buf.getvalue())).active["A1"]
    assert cell.data_type == "s" and cell.value == "'" + payload


def test_numbers_and_plain_text_are_left_alone():
    assert safe_row([-5, 3.5, None, True, "HTX Vải thiều", "a-b"]) == [
        -5, 3.5, None, True, "HTX Vải thiều", "a-b"]
    # A text that already starts with a quote keeps it through export and import.
    assert restore_cell(safe_cell("'trích dẫn")) == "'trích dẫn"


def test_export_of_a_producer_named_like_a_formula_is_text(world):
    own = world.producers["own"]
    # Saved before names were checked (or by a direct database write): exports must cope.
    Producer.objects.filter(pk=own.pk).update(name=HYPERLINK, representative_name="@cmd")
    qs = Producer.objects.filter(pk=own.pk).select_related(
        "commune__current_commune", "commune__current_province")
    sheet = load_workbook(excel.export_workbook(qs, "producers")).worksheets[0]
    headers = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(headers, sheet[2], strict=True)}
    name = row["Tên chủ thể"]
    assert name.data_type == "s" and name.value == "'" + HYPERLINK
    assert row["Người đại diện"].value == "'@cmd"
    assert row["Số lao động"].data_type == "n"  # a real number stays a number

    # Imported back (as a new producer), the quote is gone again and the name check refuses
    # the formula.
    exported = excel.export_workbook(qs, "producers")
    Producer.objects.filter(pk=own.pk).update(tax_code=TAX_CODES[4])
    result = excel.import_producers(world.users["admin"], exported, commit=False)
    assert result.rows[0].cells["Tên chủ thể"] == HYPERLINK
    messages = {e.column: e.message for e in result.rows[0].errors}
    assert "Tên chủ thể chỉ được ghi chữ thường" in messages.get("Tên chủ thể", ""), messages


def test_export_round_trip_keeps_names_starting_with_a_quote(world):
    own = world.producers["own"]
    Producer.objects.filter(pk=own.pk).update(name="'Vải thiều' Lục Ngạn")
    qs = Producer.objects.filter(pk=own.pk).select_related(
        "commune__current_commune", "commune__current_province")
    result = excel.import_producers(world.users["admin"],
                                    excel.export_workbook(qs, "producers"), commit=False)
    assert result.rows[0].cells["Tên chủ thể"] == "'Vải thiều' Lục Ngạn"


@pytest.mark.parametrize("text, markup", [
    ("<b>x</b>", True), ("HTX <script>alert(1)</script>", True), ("</b>", True),
    (HYPERLINK, True), (" +84 Mật ong", True), ("-Chè", True), ("@Gạo", True),
    ("Tên\tcó tab", True), ("HTX A&B (Lục Ngạn) - số 1", False), ("Giá < 5 nghìn", False),
    ("Đồng Cốc", False),
])
def test_has_markup(text, markup):
    assert has_markup(text) is markup


def test_form_refuses_markup_with_the_field_named(world, client):
    client.force_login(world.users["commune_officer"])
    data = {**NEW_PRODUCER, "name": "<b>HTX</b>", "representative_name": HYPERLINK,
            "commune": "C07582", "members": 0, "status": "active"}
    response = client.post(reverse("registry:producer_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tên chủ thể chỉ được ghi chữ thường" in page, response.context["form"].errors
    assert "Người đại diện chỉ được ghi chữ thường" in page
    assert not Producer.objects.filter(tax_code=NEW_PRODUCER["tax_code"]).exists()


def test_api_refuses_markup_with_the_field_named(world, client):
    client.force_login(world.users["commune_officer"])
    response = client.post("/api/v1/producers", {**NEW_PRODUCER, "name": "<b>x</b>"},
                           content_type="application/json")
    assert response.status_code == 422
    detail = {e["field"]: e["message"] for e in response.json()["fields"]}
    assert detail["name"].startswith("Tên chủ thể chỉ được ghi chữ thường")
    client.force_login(world.users["producer"])
    response = client.post("/api/v1/products", {"name": HYPERLINK, "product_set": "1048-01"},
                           content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["fields"][0]["message"].startswith("Tên sản phẩm chỉ được")
