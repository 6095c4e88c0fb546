"""Gift sets: curation rules, public listing, and the curator's notice when a component loses
its certificate (revocation or expiry), sent once."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ocop.certificates import services as certificates
from ocop.certificates.testing import certify
from ocop.core.refusals import Forbidden, Invalid
from ocop.market import selectors, services
from ocop.market.models import GiftSet, GiftSetItem
from ocop.market.services import GiftSetData
from ocop.notifications.models import Notification
from ocop.notifications.verbs import render_link, render_text

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("qua.png", buffer.getvalue(), content_type="image/png")


def make_set(market, keys=("own", "other_commune"), **extra) -> GiftSet:
    data = {"name": "Quà Bắc Giang", "price": 650000, "published": True,
            "story": "Đặc sản Lục Ngạn.",
            "items": [(market.products[k], 1) for k in keys], **extra}
    return services.save_gift_set(actor=market.users["province_office"],
                                  province=market.units.bac_ninh, data=GiftSetData(**data),
                                  today=market.today)


def test_curator_makes_a_listed_gift_set_with_a_photo(market, settings):
    gift_set = make_set(market, photo=png())
    assert gift_set.curator == market.users["province_office"]
    assert gift_set.photo.name.startswith("gift-sets/") and "qua" not in gift_set.photo.name
    assert list(selectors.listed_gift_sets(market.today)) == [gift_set]
    assert [i.quantity for i in gift_set.items.all()] == [1, 1]


@pytest.mark.parametrize(("extra", "field", "words"), [
    ({"name": ""}, "name", "đặt tên"),
    ({"price": 0}, "price", "lớn hơn 0"),
    ({"items": []}, "product_0", "ít nhất một"),
    ({"available_from": date(2026, 5, 1), "available_until": date(2026, 4, 1)},
     "available_until", "sau ngày bắt đầu"),
    ({"available_from": date(1999, 1, 1)}, "available_from", "2018"),
    ({"available_until": date(2000, 1, 2), "published": True}, "available_until", "đã qua"),
])
def test_bad_gift_sets_are_refused(market, extra, field, words):
    with pytest.raises(Invalid) as caught:
        make_set(market, **extra)
    assert words in caught.value.fields[field]
    assert not GiftSet.objects.exists() and not GiftSetItem.objects.exists()


def test_components_must_be_certified_of_the_province_and_distinct(market):
    for keys, words in [(("own", "other_province"), "không có giấy chứng nhận"),
                        (("own", "own"), "đã có trong bộ quà")]:
        with pytest.raises(Invalid) as caught:
            make_set(market, keys=keys)
        assert words in caught.value.fields["product_1"]
    hanoi = market.products["other_province"]
    certify(hanoi, 3, issued_on=market.today - timedelta(days=5), today=market.today)
    with pytest.raises(Invalid) as caught:
        make_set(market, keys=("own", "other_province"))
    assert "không phải sản phẩm của" in caught.value.fields["product_1"]
    with pytest.raises(Invalid) as caught:
        make_set(market, items=[(market.products["own"], 0)])
    assert "1 đến 99" in caught.value.fields["quantity_0"]
    assert not GiftSet.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(market, settings):
    fake = SimpleUploadedFile("anh.png", b"%PDF-1.4 not an image", content_type="image/png")
    with pytest.raises(Invalid) as caught:
        make_set(market, photo=fake)
    assert "không được chấp nhận" in caught.value.fields["photo"]
    assert not GiftSet.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_only_the_own_province_office_curates(market):
    data = GiftSetData(name="Quà", price=1000, items=[(market.products["own"], 1)])
    for role in ("producer", "commune_officer", "central"):
        with pytest.raises(Forbidden):
            services.save_gift_set(actor=market.users[role], province=market.units.bac_ninh,
                                   data=data, today=market.today)
    assert not GiftSet.objects.exists()


def test_drafts_and_seasons_are_not_listed(market):
    draft = make_set(market, published=False)
    later = make_set(market, available_from=market.today + timedelta(days=10))
    assert draft.pk and later.pk
    assert list(selectors.listed_gift_sets(market.today)) == []
    assert list(selectors.listed_gift_sets(market.today + timedelta(days=10))) == [later]


def test_revocation_hides_the_set_and_tells_the_curator_once(market):
    gift_set = make_set(market)
    curator = market.users["province_office"]
    before = Notification.objects.filter(recipient=curator).count()
    certificates.revoke_certificate(actor=None, certificate=market.certificates["own"],
                                    reason="Vi phạm chất lượng", decision_number="12/QĐ-TH",
                                    today=market.today)
    assert list(selectors.listed_gift_sets(market.today)) == []
    mine = Notification.objects.filter(recipient=curator, verb="market.gift_set_broken")
    assert mine.count() == 1
    assert Notification.objects.filter(recipient=curator).count() == before + 2  # + revoked
    text = render_text(mine[0].verb, mine[0].data)
    assert "Quà Bắc Giang" in text and market.products["own"].name in text
    assert render_link(mine[0].verb, mine[0].data) == f"/ban-hang/qua-tang/{gift_set.pk}/sua/"
    # The hook again (a replay) tells nobody twice.
    assert services.certificate_lapsed(market.certificates["own"], market.today) == 0
    assert mine.count() == 1
    # The set stays stored, shown to the curator as broken.
    [row] = selectors.gift_sets_for(curator, today=market.today)
    assert row.is_broken


def test_a_renewed_product_does_not_break_the_set(market):
    make_set(market)
    certify(market.products["own"], 4, issued_on=market.today, today=market.today)
    certificates.revoke_certificate(actor=None, certificate=market.certificates["own"],
                                    reason="Cấp lại", decision_number="13/QĐ-TH",
                                    today=market.today)
    assert len(selectors.listed_gift_sets(market.today)) == 1
    assert not Notification.objects.filter(verb="market.gift_set_broken").exists()


def test_expiry_hides_the_set_and_tells_the_curator_once(world):
    issued = date(2020, 1, 10)
    certify(world.products["own"], 4, issued_on=issued, today=issued)
    certify(world.products["other_commune"], 3, issued_on=date(2021, 5, 1),
            today=date(2021, 5, 1))
    made_on = date(2022, 6, 1)
    gift_set = services.save_gift_set(
        actor=world.users["province_office"], province=world.units.bac_ninh, today=made_on,
        data=GiftSetData(name="Quà Lục Ngạn", price=300000, published=True,
                         items=[(world.products["own"], 2), (world.products["other_commune"], 1)]))
    assert list(selectors.listed_gift_sets(made_on)) == [gift_set]
    after_expiry = date(2023, 1, 20)  # the first certificate's last day was 10/01/2023
    assert list(selectors.listed_gift_sets(after_expiry)) == []
    certificates.run_daily(today=after_expiry)
    certificates.run_daily(today=after_expiry + timedelta(days=1))
    assert Notification.objects.filter(recipient=world.users["province_office"],
                                       verb="market.gift_set_broken").count() == 1
