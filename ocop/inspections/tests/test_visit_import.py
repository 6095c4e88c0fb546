"""The standing office imports a file of visits an inspector's device could not send
(docs/offline.md): each visit recorded once as the inspector's (the same client id as the
device's own send), its photos from inside the file, a broken or non-image photo refused with
its name, a file of another plan or a tampered copy refused; only the office of the plan's
province may import."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.audit.models import AuditEntry
from ocop.core.refusals import Forbidden, Invalid
from ocop.inspections import services
from ocop.inspections.models import HeldVisit, Visit, VisitPhoto
from ocop.inspections.tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


def _item(iw, *, plan=None, photos=(), **more):
    data = {"product": iw.product.pk, "visited_on": iw.today.isoformat(),
            "place": "Cơ sở sản xuất tại xã Lục Ngạn",
            "findings": {item: ["pass", ""] for item in
                         ("label", "quality", "certificate", "traceability", "food_safety")},
            "conclusion": "", "follow_up_by": "", "sanctions": "", **more}
    return {"client_id": str(uuid.uuid4()), "plan": plan or iw.plan.pk, "data": data,
            "content_hash": services.payload_hash(data),
            "captured_at": "2026-06-15T08:30:00+07:00", "photos": list(photos)}


def _photo(name="nhan.png", content=None):
    return {"client_id": str(uuid.uuid4()), "name": name, "caption": "",
            "captured_at": "2026-06-15T08:10:00+07:00", "type": "image/png",
            "data": base64.b64encode(content if content is not None else png_bytes()).decode()}


def _file(iw, items, username=None):
    return {"kind": services.EXPORT_KIND, "plan": iw.plan.pk,
            "username": username or iw.users["inspector"].username, "items": items}


def test_a_visit_and_its_photos_are_imported_once_as_the_inspectors(iw):
    item = _item(iw, photos=[_photo(), _photo("gia.jpg", b"<html>not an image</html>"),
                             {**_photo("hong.png"), "data": "@@không phải base64@@"}])
    office = iw.users["province_office"]
    lines = services.import_visits(actor=office, plan=iw.plan, data=_file(iw, [item]),
                                   today=iw.today)
    assert [line.outcome for line in lines] == ["accepted"]
    visit = Visit.objects.get()
    assert str(visit.client_id) == item["client_id"]
    assert visit.inspector == iw.users["inspector"] and visit.findings.count() == 5
    photo = VisitPhoto.objects.get()
    assert photo.original_name == "nhan.png" and photo.captured_at is not None
    messages = dict(lines[0].photos)
    assert messages["nhan.png"] == "Đã thêm ảnh."
    assert "gia.jpg" in messages and messages["gia.jpg"] != "Đã thêm ảnh."
    assert "bị hỏng" in messages["hong.png"]
    assert AuditEntry.objects.filter(action="inspections.visit.import",
                                     actor=office).count() == 1

    # The same file again (or the device sending its copy later): nothing new.
    again = services.import_visits(actor=office, plan=iw.plan, data=_file(iw, [item]),
                                   today=iw.today)
    assert again[0].outcome == "accepted" and "từ trước" in again[0].message
    assert dict(again[0].photos)["nhan.png"] == "Đã có ảnh này từ trước."
    replay = services.receive_visit(actor=iw.users["inspector"], plan_id=iw.plan.pk,
                                    client_id=item["client_id"], data=item["data"],
                                    content_hash=item["content_hash"], today=iw.today)
    assert replay.replayed
    assert Visit.objects.count() == 1 and VisitPhoto.objects.count() == 1


def test_bad_items_are_refused_one_by_one(iw, cw):
    other_plan = services.create_plan(
        actor=iw.users["province_office"], province=cw.units.bac_ninh, kind="annual",
        title="Kế hoạch khác", starts_on=iw.plan.starts_on, ends_on=iw.plan.ends_on,
        inspectors=[iw.users["inspector"]])
    tampered = _item(iw)
    tampered["data"]["place"] = "Nơi khác"
    good = _item(iw)
    late = _item(iw, product=iw.cw.products["hanoi"].pk)  # outside the plan's province: held
    lines = services.import_visits(
        actor=iw.users["province_office"], plan=iw.plan, today=iw.today,
        data=_file(iw, [_item(iw, plan=other_plan.pk), tampered, good, late]))
    assert [line.outcome for line in lines] == ["refused", "refused", "accepted", "conflict"]
    assert "kế hoạch kiểm tra khác" in lines[0].message
    assert "mã kiểm tra không khớp" in lines[1].message
    assert Visit.objects.count() == 1 and HeldVisit.objects.count() == 1


@pytest.mark.parametrize("data", [
    {"kind": "khác", "items": []},
    {"kind": services.EXPORT_KIND, "items": "x", "username": "x"},
])
def test_a_file_that_is_not_an_export_is_refused(iw, data):
    with pytest.raises(Invalid):
        services.import_visits(actor=iw.users["province_office"], plan=iw.plan, data=data)


def test_the_exporter_must_be_an_inspector(iw):
    with pytest.raises(Invalid) as exc:
        services.import_visits(actor=iw.users["province_office"], plan=iw.plan,
                               data=_file(iw, [_item(iw)], iw.users["producer"].username))
    assert exc.value.code == "inspections.import_inspector"
    assert not Visit.objects.exists()


@pytest.mark.parametrize("role, status", [
    ("province_office", 200), ("central", 200), ("admin", 200),
    ("inspector", 403), ("other_inspector", 403), ("other_province_office", 404),
    ("hanoi_inspector", 404), ("commune_officer", 404), ("producer", 404),
    ("council_member", 404),
])
def test_who_may_open_the_import_page(iw, role, status):
    url = reverse("inspections:visit_import", args=[iw.plan.pk])
    assert login_client(iw.users[role]).get(url).status_code == status
    if status != 200:
        with pytest.raises((Forbidden, Invalid)):
            services.import_visits(actor=iw.users[role], plan=iw.plan,
                                   data=_file(iw, [_item(iw)]))
        assert not Visit.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, iw):
    response = client.get(reverse("inspections:visit_import", args=[iw.plan.pk]))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_the_import_page_reads_the_file_and_reports(iw):
    office = login_client(iw.users["province_office"])
    url = reverse("inspections:visit_import", args=[iw.plan.pk])
    plan_page = office.get(reverse("inspections:plan_detail", args=[iw.plan.pk])).content
    assert url.encode() in plan_page
    upload = SimpleUploadedFile("bien-ban.json", json.dumps(_file(iw, [_item(
        iw, visited_on=iw.plan.starts_on.isoformat())])).encode(), "application/json")
    response = office.post(url, {"file": upload})
    assert response.status_code == 200
    assert "Đã ghi nhận lần kiểm tra." in response.content.decode()
    assert Visit.objects.count() == 1
    bad = office.post(url, {"file": SimpleUploadedFile("x.json", b"not json")})
    assert bad.status_code == 400 and "Tệp không đọc được" in bad.content.decode()
    none = office.post(url, {})
    assert none.status_code == 400 and "Hãy chọn tệp" in none.content.decode()
    inspector_page = login_client(iw.users["inspector"]).get(
        reverse("inspections:plan_detail", args=[iw.plan.pk])).content
    assert url.encode() not in inspector_page
