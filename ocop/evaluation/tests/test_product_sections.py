"""The registry's product page shows what the apps above it know of the product: the
certificate it holds (certificates app) and the dossier under way or the next step (dossiers
app), each only to those who may open it."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.testing import login_client
from ocop.certificates import services as certificate_services
from ocop.certificates.models import Certificate
from ocop.dossiers import services
from ocop.dossiers.models import Dossier
from ocop.dossiers.testing import Cycle

pytestmark = pytest.mark.django_db


def certificate(cycle: Cycle, stars: int = 4, days_ago: int = 30) -> Certificate:
    """A certificate issued ``days_ago`` (from paper records: no dossier behind it)."""
    issued = timezone.localdate() - timedelta(days=days_ago)
    decision = certificate_services.create_decision(
        actor=None, number="12/QĐ-UBND", date=issued, signer_name="Trần Văn Ký",
        signer_title="Chủ tịch", level="province", issuing_unit=cycle.units.bac_ninh)
    return certificate_services.issue_certificate(
        actor=None, decision=decision, product=cycle.products["own"], stars=stars,
        total_score=Decimal("75.00"), issued_on=issued, today=issued)


def page(cycle: Cycle, who: str) -> str:
    url = reverse("registry:product_detail", args=[cycle.products["own"].pk])
    response = login_client(cycle.users[who]).get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def panel(text: str, title: str) -> str | None:
    found = re.search(rf'<h2 class="grow">{title}</h2>(.*?)</div>\s*<p>(.*?)</p>', text, re.S)
    return found.group(1) + found.group(2) if found else None


def test_a_product_without_dossier_leads_its_producer_to_open_one(cycle):
    text = page(cycle, "producer")
    dossier_panel = panel(text, "Hồ sơ đánh giá, phân hạng")
    assert "Chưa có hồ sơ đang xử lý." in dossier_panel and "Lập hồ sơ đánh giá" in dossier_panel
    assert panel(text, "Giấy chứng nhận OCOP") is None
    link = re.search(r'href="([^"]+)"', dossier_panel).group(1)
    create = login_client(cycle.users["producer"]).get(link).content.decode()
    assert f'<option value="{cycle.products["own"].pk}" selected>' in create
    assert '<option value="new" selected>' in create
    # Those who cannot open a dossier for it see no panel while there is none.
    assert panel(page(cycle, "province_office"), "Hồ sơ đánh giá, phân hạng") is None


def test_a_certified_product_shows_its_certificate_and_the_follow_up_kind(cycle):
    held = certificate(cycle)
    text = page(cycle, "commune_officer")
    certificate_panel = panel(text, "Giấy chứng nhận OCOP")
    end = held.valid_until.strftime("%d/%m/%Y")
    assert f"Số {held.number}, 4 sao, còn hiệu lực đến hết ngày {end}." in certificate_panel
    assert reverse("certificates:detail", args=[held.number]) in certificate_panel
    dossier_panel = panel(text, "Hồ sơ đánh giá, phân hạng")
    assert "đánh giá lại khi gần hết hạn, hoặc nâng hạng sao" in dossier_panel
    assert "kind=re_recognition" in dossier_panel
    # What the product holds reads before what may be done next.
    assert text.index("Giấy chứng nhận OCOP</h2>") < text.index("Hồ sơ đánh giá, phân hạng</h2>")
    certificate_services.revoke_certificate(
        actor=None, certificate=held, reason="Không duy trì chất lượng.",
        decision_number="99/QĐ-UBND", revoked_on=timezone.localdate(),
        today=timezone.localdate())
    text = page(cycle, "commune_officer")
    assert "đã bị thu hồi từ ngày" in panel(text, "Giấy chứng nhận OCOP")
    assert "kind=new" in panel(text, "Hồ sơ đánh giá, phân hạng")


def test_an_expired_certificate_leads_to_a_re_evaluation(cycle):
    """The kind follows the dossiers' own rule (services.kind_for): after expiry, re-evaluation."""
    held = certificate(cycle, days_ago=40 * 31)
    text = page(cycle, "producer")
    assert "đã hết hiệu lực sau ngày" in panel(text, "Giấy chứng nhận OCOP")
    dossier_panel = panel(text, "Hồ sơ đánh giá, phân hạng")
    assert "Giấy chứng nhận của sản phẩm đã hết hạn" in dossier_panel
    assert "kind=re_recognition" in dossier_panel
    assert held.valid_until < timezone.localdate()


def test_the_dossier_under_way_is_shown_to_whoever_may_see_it(cycle):
    certificate(cycle)
    dossier = services.open_dossier(actor=cycle.users["producer"], product=cycle.products["own"],
                                    kind=Dossier.Kind.UPGRADE, target_stars=5)
    expected = (f"Hồ sơ {dossier.reference}, loại “Nâng hạng sao”, đăng ký 5 sao, đang ở bước "
                "“Đang soạn”.")
    for who in ("producer", "commune_officer", "province_office"):
        dossier_panel = panel(page(cycle, who), "Hồ sơ đánh giá, phân hạng")
        assert expected in dossier_panel and "Mở hồ sơ" in dossier_panel, who
        assert reverse("dossiers:detail", args=[dossier.pk]) in dossier_panel
    # A finished dossier: those who cannot open a new one see the latest.
    services.withdraw(actor=cycle.users["producer"], dossier=dossier)
    dossier_panel = panel(page(cycle, "province_office"), "Hồ sơ đánh giá, phân hạng")
    assert f"Hồ sơ gần nhất {dossier.reference}: “Đã rút”." in dossier_panel
