"""Visits and photos recorded offline (docs/offline.md): one visit per client id under a replay
(the unique constraint), a tampered copy refused, a visit that can no longer be recorded held
with the inspector's copy (409), photos uploaded later with their capture time, a photo that is
not an image refused; the JSON endpoints and who may use them."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.testing import login_client
from ocop.core.refusals import Invalid, NotFound
from ocop.inspections import services
from ocop.inspections.models import HeldVisit, Visit, VisitPhoto
from ocop.inspections.tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


def _data(iw, **more):
    data = {"product": iw.product.pk, "visited_on": iw.today.isoformat(),
            "place": "Cơ sở sản xuất tại xã Lục Ngạn",
            "findings": {item: ["pass", ""] for item in
                         ("label", "quality", "certificate", "traceability", "food_safety")},
            "conclusion": "", "follow_up_by": "", "sanctions": ""}
    return {**data, **more}


def _receive(iw, data, *, client_id=None, user="inspector", content_hash=None):
    return services.receive_visit(
        actor=iw.users[user], plan_id=iw.plan.pk, client_id=client_id or uuid.uuid4(),
        data=data, content_hash=content_hash or services.payload_hash(data), today=iw.today)


def test_payload_hash_is_the_scripts_stable_json():
    # queue.js stable(): keys sorted at every level, no spaces, UTF-8 kept.
    assert services.payload_hash({"b": [1, "đ"], "a": None}) == services.hashlib.sha256(
        '{"a":null,"b":[1,"đ"]}'.encode()).hexdigest()


def test_a_replayed_visit_is_one_visit(iw):
    client_id = uuid.uuid4()
    first = _receive(iw, _data(iw), client_id=client_id)
    again = _receive(iw, _data(iw), client_id=client_id)
    assert first.visit is not None and not first.replayed
    assert again.replayed and again.visit.pk == first.visit.pk
    assert Visit.objects.count() == 1 and first.visit.findings.count() == 5
    with pytest.raises(IntegrityError):
        Visit.objects.create(plan=iw.plan, product=iw.product, certificate=iw.certificate,
                             inspector=iw.users["inspector"], visited_on=iw.today, place="x",
                             client_id=client_id)


def test_a_tampered_visit_is_refused(iw):
    data = _data(iw)
    with pytest.raises(Invalid) as exc:
        _receive(iw, {**data, "place": "Nơi khác"}, content_hash=services.payload_hash(data))
    assert exc.value.code == "inspections.hash_mismatch"
    assert not Visit.objects.exists() and not HeldVisit.objects.exists()


def test_an_inspector_taken_off_the_plan_is_held_with_the_copy(iw):
    iw.plan.inspectors.remove(iw.users["inspector"])
    client_id = uuid.uuid4()
    receipt = _receive(iw, _data(iw), client_id=client_id)
    assert receipt.visit is None and receipt.held.reason_code == "inspections.not_assigned"
    assert receipt.held.data["place"] == "Cơ sở sản xuất tại xã Lục Ngạn"
    assert _receive(iw, _data(iw), client_id=client_id).replayed
    assert HeldVisit.objects.count() == 1 and not Visit.objects.exists()


def test_bad_input_is_refused_and_nothing_stored(iw):
    with pytest.raises(Invalid):
        _receive(iw, _data(iw, place=""))
    with pytest.raises(NotFound):
        services.receive_visit(actor=iw.users["producer"], plan_id=iw.plan.pk,
                               client_id=uuid.uuid4(), data=_data(iw),
                               content_hash=services.payload_hash(_data(iw)), today=iw.today)
    assert not Visit.objects.exists() and not HeldVisit.objects.exists()


def test_photos_arrive_later_once_with_their_capture_time(iw):
    visit_id = uuid.uuid4()
    _receive(iw, _data(iw), client_id=visit_id)
    taken = timezone.make_aware(datetime(2026, 3, 2, 9, 30))
    photo_id = uuid.uuid4()
    photo, replayed = services.receive_photo(
        actor=iw.users["inspector"], visit_client_id=visit_id, client_id=photo_id,
        file=SimpleUploadedFile("nhan.jpg", png_bytes()), captured_at=taken)
    assert not replayed and photo.captured_at == taken
    again, replayed = services.receive_photo(
        actor=iw.users["inspector"], visit_client_id=visit_id, client_id=photo_id,
        file=SimpleUploadedFile("nhan.jpg", png_bytes()), captured_at=taken)
    assert replayed and again.pk == photo.pk and VisitPhoto.objects.count() == 1
    with pytest.raises(Invalid):
        services.receive_photo(actor=iw.users["inspector"], visit_client_id=visit_id,
                               client_id=uuid.uuid4(),
                               file=SimpleUploadedFile("anh.jpg", b"<html>not</html>"))
    with pytest.raises(NotFound):
        services.receive_photo(actor=iw.users["inspector"], visit_client_id=uuid.uuid4(),
                               client_id=uuid.uuid4(),
                               file=SimpleUploadedFile("nhan.jpg", png_bytes()))
    assert VisitPhoto.objects.count() == 1


def test_http_endpoints(iw, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: iw.today)
    client = login_client(iw.users["inspector"])
    url = reverse("inspections:visit_offline", args=[iw.plan.pk])
    data = _data(iw)
    body = {"client_id": str(uuid.uuid4()), "data": data,
            "content_hash": services.payload_hash(data),
            "captured_at": (timezone.now() - timedelta(hours=2)).isoformat()}
    first = client.post(url, json.dumps(body), content_type="application/json")
    assert first.status_code == 200 and first.json()["outcome"] == "accepted"
    again = client.post(url, json.dumps(body), content_type="application/json")
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert Visit.objects.count() == 1
    bad = client.post(url, json.dumps({**body, "content_hash": "0" * 64}),
                      content_type="application/json")
    assert bad.status_code == 422
    photo_url = reverse("inspections:photo_offline")
    sent = client.post(photo_url, {"visit": body["client_id"], "client_id": str(uuid.uuid4()),
                                   "captured_at": "2026-03-02T09:30:00+07:00",
                                   "photo": SimpleUploadedFile("a.png", png_bytes())})
    assert sent.status_code == 200
    fake = client.post(photo_url, {"visit": body["client_id"], "client_id": str(uuid.uuid4()),
                                   "photo": SimpleUploadedFile("a.jpg", b"%PDF-1.4 no")})
    assert fake.status_code == 422 and fake.json()["fields"]
    iw.plan.inspectors.remove(iw.users["inspector"])
    late = {**body, "client_id": str(uuid.uuid4())}
    held = client.post(url, json.dumps(late), content_type="application/json")
    assert held.status_code == 409 and "giữ lại" in held.json()["message"]
    producer = login_client(iw.users["producer"])
    assert producer.post(url, json.dumps(late), content_type="application/json").status_code \
        == 404
    manifest = client.get(reverse("inspections:offline_manifest")).json()
    assert manifest["dossiers"] == []  # no longer on the plan: nothing to keep
    assert client.get(reverse("inspections:service_worker")).status_code == 200


def test_held_visits_are_shown_to_the_office_only(iw):
    iw.plan.inspectors.remove(iw.users["inspector"])
    _receive(iw, _data(iw, place="Xưởng chế biến thôn Đồng"))
    url = reverse("inspections:plan_detail", args=[iw.plan.pk])
    office = login_client(iw.users["province_office"]).get(url).content.decode()
    assert "Xưởng chế biến thôn Đồng" in office and "giữ lại" in office
    other = login_client(iw.users["commune_inspector"]).get(url)
    assert "Xưởng chế biến thôn Đồng" not in other.content.decode()


def test_the_form_of_an_ended_plan_says_it_is_not_kept_offline(iw, monkeypatch):
    """The manifest keeps the forms of running plans only: an ended plan's form, where visits in
    its window may still be entered online, must not count the plans kept as if it were one."""
    def offline_config(day):
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
        response = login_client(iw.users["inspector"]).get(
            reverse("inspections:visit_create", args=[iw.plan.pk]))
        assert response.status_code == 200
        kept = [d["url"] for d in login_client(iw.users["inspector"]).get(
            reverse("inspections:offline_manifest")).json()["dossiers"]]
        return response.context["offline"], response.context["offline_text"], kept

    form_url = reverse("inspections:visit_create", args=[iw.plan.pk])
    config, _text, kept = offline_config(iw.plan.ends_on)
    assert config["kept"] is True and kept == [form_url]
    config, text, kept = offline_config(iw.plan.ends_on + timedelta(days=1))
    assert config["kept"] is False and kept == []
    assert "đã kết thúc" in text["not_kept"]
