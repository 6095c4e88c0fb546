"""Which kind of dossier a product may open, from the certificates it holds: a product holding a
valid certificate is re-recognised or upgraded, never evaluated "for the first time"; a product
certified from paper records (no digital dossier) can still be re-recognised or upgraded; a
revoked or never-certified product starts with a first evaluation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from ocop.accounts.testing import login_client
from ocop.certificates import services as certificate_services
from ocop.certificates.models import Certificate
from ocop.dossiers import services
from ocop.dossiers.models import Dossier
from ocop.dossiers.testing import Cycle

pytestmark = pytest.mark.django_db

ISSUED = date(2024, 2, 29)  # valid until 28/02/2027
TODAY = date(2026, 11, 2)


def paper_certificate(cycle: Cycle, *, stars: int = 3, issued_on: date = ISSUED) -> Certificate:
    """A certificate entered without a dossier, as the province's archive of paper records."""
    decision = certificate_services.create_decision(
        actor=None, number=f"{issued_on.day}{stars}/QĐ-UBND", date=issued_on,
        signer_name="Trần Văn Ký", signer_title="Chủ tịch", level="district",
        issuing_unit=cycle.units.legacy_luc_ngan,
    )
    return certificate_services.issue_certificate(
        actor=None, decision=decision, product=cycle.products["own"], stars=stars,
        total_score=Decimal("66.00"), issued_on=issued_on, today=issued_on,
    )


def _open(cycle: Cycle, kind: str, *, stars: int = 3, day: date = TODAY) -> Dossier:
    return services.open_dossier(actor=cycle.users["producer"], product=cycle.products["own"],
                                 kind=kind, target_stars=stars, today=day)


def test_a_product_holding_a_valid_certificate_is_not_evaluated_for_the_first_time(cycle):
    paper_certificate(cycle)
    with pytest.raises(ValidationError) as refused:
        _open(cycle, Dossier.Kind.NEW)
    message = refused.value.message_dict["kind"][0]
    assert "OCOP-24-2024-" in message and "28/02/2027" in message
    assert "“Đánh giá lại (hết hạn 36 tháng)”" in message and "“Nâng hạng sao”" in message
    assert not Dossier.objects.filter(product=cycle.products["own"]).exists()


def test_a_paper_certificate_is_re_recognised_from_the_product_data(cycle):
    paper_certificate(cycle)
    dossier = _open(cycle, Dossier.Kind.RE_RECOGNITION)
    assert dossier.kind == Dossier.Kind.RE_RECOGNITION and dossier.previous is None
    assert dossier.form["product_name"] == cycle.products["own"].name
    assert dossier.self_assessment == {} and not dossier.documents.exists()


def test_an_upgrade_aims_above_the_stars_held(cycle):
    paper_certificate(cycle, stars=4)
    with pytest.raises(ValidationError) as refused:
        _open(cycle, Dossier.Kind.UPGRADE, stars=4)
    assert refused.value.message_dict["target_stars"] == [
        "Nâng hạng phải cao hơn hạng hiện tại (4 sao)."]
    assert _open(cycle, Dossier.Kind.UPGRADE, stars=5).kind == Dossier.Kind.UPGRADE


def test_a_revoked_certificate_leads_to_a_first_evaluation(cycle):
    certificate = paper_certificate(cycle)
    certificate_services.revoke_certificate(
        actor=None, certificate=certificate, reason="Không duy trì chất lượng.",
        decision_number="99/QĐ-UBND", revoked_on=date(2026, 6, 1), today=date(2026, 6, 1))
    with pytest.raises(ValidationError) as refused:
        _open(cycle, Dossier.Kind.RE_RECOGNITION)
    assert "đã bị thu hồi" in refused.value.message_dict["kind"][0]
    assert "“Đánh giá lần đầu”" in refused.value.message_dict["kind"][0]
    assert _open(cycle, Dossier.Kind.NEW).kind == Dossier.Kind.NEW


def test_a_product_never_recognised_cannot_be_re_recognised(cycle):
    for kind in (Dossier.Kind.RE_RECOGNITION, Dossier.Kind.UPGRADE):
        with pytest.raises(ValidationError) as refused:
            _open(cycle, kind, stars=4)
        assert "chưa được công nhận OCOP" in refused.value.message_dict["kind"][0]
    assert _open(cycle, Dossier.Kind.NEW).kind == Dossier.Kind.NEW


def test_after_expiry_either_a_first_evaluation_or_a_re_recognition(cycle):
    paper_certificate(cycle, issued_on=date(2022, 3, 15))  # valid until 14/03/2025
    assert _open(cycle, Dossier.Kind.RE_RECOGNITION).kind == Dossier.Kind.RE_RECOGNITION
    Dossier.objects.all().delete()
    assert _open(cycle, Dossier.Kind.NEW).kind == Dossier.Kind.NEW


def test_the_status_is_taken_on_the_dossier_day(cycle):
    """A dossier opened before the certificate was issued is a first evaluation."""
    paper_certificate(cycle)
    assert _open(cycle, Dossier.Kind.NEW, day=date(2024, 1, 10)).kind == Dossier.Kind.NEW


@pytest.mark.parametrize(("held", "target", "expected"), [
    (None, 3, Dossier.Kind.NEW),
    (3, 3, Dossier.Kind.RE_RECOGNITION),
    (3, 4, Dossier.Kind.UPGRADE),
    (4, 3, Dossier.Kind.RE_RECOGNITION),
])
def test_kind_for(cycle, held, target, expected):
    if held is not None:
        paper_certificate(cycle, stars=held)
    assert services.kind_for(cycle.products["own"], target, TODAY) == expected


def test_kind_for_a_revoked_certificate_is_a_first_evaluation(cycle):
    certificate = paper_certificate(cycle)
    certificate_services.revoke_certificate(
        actor=None, certificate=certificate, reason="Vi phạm.", decision_number="98/QĐ-UBND",
        revoked_on=date(2026, 6, 1), today=date(2026, 6, 1))
    assert services.kind_for(cycle.products["own"], 3, TODAY) == Dossier.Kind.NEW


def _on(day: date):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def test_the_certificate_page_renews_a_paper_certificate(cycle):
    certificate = paper_certificate(cycle)
    client = login_client(cycle.users["producer"])
    with _on(TODAY):
        page = client.get(f"/giay-chung-nhan/{certificate.number}/").content.decode()
        assert "Giấy chứng nhận này được nhập từ hồ sơ giấy" in page
        assert "điền sẵn từ hồ sơ lần trước" not in page
        response = client.post(f"/giay-chung-nhan/{certificate.number}/danh-gia-lai/",
                               {"upgrade": "1"}, follow=True)
    dossier = Dossier.objects.get(product=cycle.products["own"])
    assert dossier.kind == Dossier.Kind.UPGRADE and dossier.target_stars == 4
    assert dossier.previous is None
    assert response.redirect_chain[-1][0] == f"/ho-so/{dossier.pk}/"
    page = response.content.decode()
    assert "Lần công nhận trước chỉ có hồ sơ giấy" in page  # the message
    assert "Nâng hạng sao (lần công nhận trước chỉ có hồ sơ giấy)" in page  # the dossier's kind


def test_the_create_page_names_the_certificate_that_stands_in_the_way(cycle):
    paper_certificate(cycle)
    client = login_client(cycle.users["producer"])
    with _on(TODAY):
        page = client.post("/ho-so/tao/", {
            "product": cycle.products["own"].pk, "kind": "new", "target_stars": "3"})
        assert page.status_code == 200
        assert "còn hiệu lực đến hết ngày 28/02/2027" in page.content.decode()
        assert not Dossier.objects.exists()
        page = client.post("/ho-so/tao/", {
            "product": cycle.products["own"].pk, "kind": "re_recognition",
            "target_stars": "3"})
    dossier = Dossier.objects.get()
    assert page.status_code == 302 and dossier.kind == Dossier.Kind.RE_RECOGNITION


def test_the_api_opens_a_re_recognition_without_a_previous_dossier(cycle):
    paper_certificate(cycle)
    client = login_client(cycle.users["producer"])
    with _on(TODAY):
        response = client.post("/api/v1/dossiers", {
            "product_id": cycle.products["own"].pk, "kind": "new"},
            content_type="application/json")
        assert response.status_code == 422, response.content
        assert "còn hiệu lực" in response.json()["message"]
        response = client.post("/api/v1/dossiers", {
            "product_id": cycle.products["own"].pk, "kind": "re_recognition"},
            content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "re_recognition" and response.json()["previous"] is None


def test_the_best_valid_certificate_is_the_one_held(cycle):
    """A later 4★ certificate beside an earlier 5★ one, both valid: the product holds 5★."""
    five = paper_certificate(cycle, stars=5, issued_on=date(2024, 2, 29))
    paper_certificate(cycle, stars=4, issued_on=date(2024, 12, 12))
    with pytest.raises(ValidationError) as refused:
        _open(cycle, Dossier.Kind.NEW)
    assert five.number in refused.value.message_dict["kind"][0]
    assert "(5 sao)" in refused.value.message_dict["kind"][0]
    assert services.kind_for(cycle.products["own"], 5, TODAY) == Dossier.Kind.RE_RECOGNITION
    with pytest.raises(ValidationError):
        _open(cycle, Dossier.Kind.UPGRADE, stars=5)


def test_a_dossier_under_way_is_named_before_the_kind(cycle):
    paper_certificate(cycle)
    busy = _open(cycle, Dossier.Kind.RE_RECOGNITION)
    for kind in Dossier.Kind.values:  # the first refusal a person meets is the real one
        with pytest.raises(services.ProductBusy) as refused:
            _open(cycle, kind, stars=4)
        assert refused.value.dossier == busy and busy.reference in refused.value.message


def test_the_pages_lead_to_the_dossier_under_way(cycle):
    certificate = paper_certificate(cycle)
    busy = _open(cycle, Dossier.Kind.RE_RECOGNITION)
    client = login_client(cycle.users["producer"])
    with _on(TODAY):
        page = client.post("/ho-so/tao/", {"product": cycle.products["own"].pk, "kind": "new",
                                           "target_stars": "3"}, follow=True)
        assert page.redirect_chain == [(f"/ho-so/{busy.pk}/", 302)]
        assert f"đang có hồ sơ {busy.reference} chưa kết thúc" in page.content.decode()
        page = client.post(f"/giay-chung-nhan/{certificate.number}/danh-gia-lai/",
                           {"upgrade": "0"}, follow=True)
        assert page.redirect_chain == [(f"/ho-so/{busy.pk}/", 302)]
    assert Dossier.objects.count() == 1


def test_the_create_page_keeps_what_was_chosen_after_a_refusal(cycle):
    paper_certificate(cycle)
    client = login_client(cycle.users["producer"])
    product = cycle.products["own"]
    with _on(TODAY):
        page = client.post("/ho-so/tao/", {"product": product.pk, "kind": "new",
                                           "target_stars": "4"}).content.decode()
    assert f'<option value="{product.pk}" selected>' in page
    assert '<option value="new" selected>' in page and '<option value="4" selected>' in page


def test_a_paper_certificate_beside_a_digital_dossier_says_what_it_starts_from(cycle):
    """The certificate page names the dossier a follow-up of a paper certificate copies."""
    from ocop.dossiers.testing import submitted

    first = submitted(cycle)
    services.accept(actor=None, dossier=first)
    for to in ("under_evaluation", "scored", "recognised"):
        services.advance(actor=None, dossier=first, to=to)
    certificate = paper_certificate(cycle, stars=5)
    client = login_client(cycle.users["producer"])
    with _on(TODAY):
        page = client.get(f"/giay-chung-nhan/{certificate.number}/").content.decode()
    assert f"hồ sơ mới điền sẵn từ hồ sơ {first.reference}" in page
