"""The connection's pages over HTTP: every role against every page (the matrix), the sign-up
with its honeypot and rate limit, the buyer's flow, privacy, and a buyer kept out of the
office's pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.accounts.testing import login_client, make_user
from ocop.trade import services
from ocop.trade.models import Buyer, Conversation, Need

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _users(market) -> dict[str, User | None]:
    u = market.units
    return {
        "visitor": None,
        "admin": make_user(Role.ADMIN),
        "central": make_user(Role.CENTRAL),
        "province_office": market.office,
        "other_province_office": make_user(Role.PROVINCE_OFFICE, unit=u.ha_noi),
        "commune_officer": make_user(Role.COMMUNE_OFFICER, unit=u.xa_luc_ngan),
        "council_member": make_user(Role.COUNCIL_MEMBER, unit=u.bac_ninh),
        "inspector": make_user(Role.INSPECTOR, unit=u.bac_ninh),
        "producer": market.producer_user,
        "other_producer": make_user(Role.PRODUCER, producer=market.other_producer),
        "buyer": market.buyer.account,
    }


def _conversation(market) -> Conversation:
    return services.start_conversation(
        actor=market.buyer.account, producer_id=market.producer.pk,
        product_id=market.product.pk, kind="inquiry", body="Xin báo giá.")


def _need(market) -> Need:
    today = date.today()
    return services.post_need(
        actor=market.buyer.account, wanted="vải thiều sấy", volume=500, volume_unit="kg",
        period_from=today, period_to=today + timedelta(days=30),
        delivery_province=market.units.ha_noi)


OK, NO, LOGIN = 200, 403, 302
# (page, {who: expected status}); everyone not named gets the default in the tuple.
MATRIX = [
    ("home", {"visitor": OK, "commune_officer": NO, "council_member": NO, "inspector": NO},
     OK),
    ("register", {"visitor": OK}, 302),  # signed in: back to the connection's home
    ("need_create", {"visitor": LOGIN, "buyer": OK}, NO),
    ("need", {"visitor": LOGIN, "buyer": OK}, 404),
    ("inquiry", {"visitor": LOGIN, "buyer": OK}, NO),
    ("conversations", {"visitor": LOGIN, "commune_officer": NO, "council_member": NO,
                       "inspector": NO}, OK),
    ("conversation", {"visitor": LOGIN, "buyer": OK, "producer": OK}, 404),
    ("buyers", {"visitor": LOGIN, "admin": OK, "central": OK, "province_office": OK,
                "other_province_office": OK}, NO),
    ("figures", {"visitor": LOGIN, "admin": OK, "central": OK, "province_office": OK,
                 "other_province_office": OK}, NO),
]


def test_every_role_against_every_trade_page(market):
    need = _need(market)
    conversation = _conversation(market)
    args = {"need": [need.pk], "inquiry": [market.product.pk],
            "conversation": [conversation.pk]}
    wrong = []
    for who, user in _users(market).items():
        client = login_client(user) if user else Client()
        for page, expected, default in MATRIX:
            status = client.get(reverse(f"trade:{page}", args=args.get(page, []))).status_code
            if status != expected.get(who, default):
                wrong.append((who, page, status))
    assert wrong == []


def test_a_buyer_never_sees_the_office_pages(market):
    client = login_client(market.buyer.account)
    assert client.get("/").url == reverse("trade:home")
    for name, args in [("registry:producer_list", []), ("registry:product_list", []),
                       ("registry:producer_detail", [market.producer.pk]),
                       ("dossiers:list", []), ("certificates:list", []),
                       ("trace:lot_list", []), ("training:courses", []),
                       ("evaluation:assigned", []), ("dashboards:home", [])]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    # Public pages stay open: news, the criteria, verifying a certificate.
    number = market.product.certificates.get().number
    assert client.get(reverse("certificates:verify", args=[number])).status_code == 200
    assert client.get(reverse("news:list")).status_code == 200
    html = client.get(reverse("trade:home")).content.decode()
    assert "Kết nối cung cầu" in html and reverse("registry:producer_list") not in html


def test_a_buyer_reports_a_fake_like_any_consumer(market):
    """The public pages of the office namespaces stay open to a buyer account."""
    client = login_client(market.buyer.account)
    number = market.product.certificates.get().number
    page = client.get(reverse("inspections:complaint_public") + f"?so={number}")
    assert page.status_code == 200 and number in page.content.decode()
    assert client.get(reverse("trace:stamp_keys")).status_code == 200


def _login_guarded(view: object) -> bool:
    while view is not None:
        code = getattr(view, "__code__", None)
        if code is not None and "user_passes_test" in code.co_qualname:
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def test_every_public_view_of_the_office_namespaces_is_placed_for_buyers():
    """A view without login_required in a namespace closed to buyers is public: it must be
    listed as open to buyers or as closed on purpose, or a buyer meets "Không có quyền" where
    an anonymous visitor gets the page (the complaint form did)."""
    from django.urls import URLResolver, get_resolver

    from ocop.accounts.middleware import (
        BUYER_CLOSED_NAMESPACES,
        BUYER_CLOSED_PUBLIC_VIEWS,
        BUYER_OPEN_VIEWS,
    )

    def walk(patterns, namespaces=()):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns,
                                namespaces + ((p.namespace,) if p.namespace else ()))
            elif namespaces and namespaces[0] in BUYER_CLOSED_NAMESPACES:
                yield ":".join((*namespaces, p.name or "")), p.callback

    public = {name for name, view in walk(get_resolver().url_patterns)
              if not _login_guarded(view)}
    assert public == BUYER_OPEN_VIEWS | BUYER_CLOSED_PUBLIC_VIEWS


def _signup(client: Client, **extra) -> object:
    data = {"name": "Công ty CP Siêu thị Sông Thương", "kind": "supermarket", "tax_code": "",
            "province": "P24", "contact_person": "Trần Thị Lan", "phone": "0911222333",
            "email": "lan@songthuong.vn", "password": PASSWORD, "website": "", **extra}
    return client.post(reverse("trade:register"), data)


def test_a_buyer_signs_up_and_signs_in(market):
    client = Client()
    response = _signup(client)
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    buyer = Buyer.objects.get(email="lan@songthuong.vn")
    assert buyer.status == "pending" and buyer.province_id == "P24"
    response = client.post(reverse("accounts:login"),
                           {"username": "lan@songthuong.vn", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("trade:home")).content.decode()
    assert "Chờ xác minh" in page and "Đăng nhu cầu mới" in page


def test_the_honeypot_and_bad_input_refuse_the_signup(market):
    response = _signup(Client(), website="http://spam.example")
    assert response.status_code == 400 and "Để trống ô này" in response.content.decode()
    response = _signup(Client(), province="P99")
    assert response.status_code == 400 and "lựa chọn hợp lệ" in response.content.decode()
    response = _signup(Client(), email="mua@sieuthi.vn", password="1")
    html = response.content.decode()
    assert response.status_code == 400 and "đã dùng cho một tài khoản" in html
    assert Buyer.objects.count() == 1  # the market's own buyer


def test_the_signup_is_rate_limited(market, settings):
    client = Client()
    statuses = [_signup(client, email=f"b{i}@x.vn", name=f"Công ty {i}").status_code
                for i in range(6)]
    assert statuses == [302] * 5 + [429]
    assert Buyer.objects.count() == 6  # the market's and five sign-ups


def test_the_buyer_posts_a_need_sends_an_inquiry_and_reads_the_answer(market):
    buyer = login_client(market.buyer.account)
    today = date.today()
    response = buyer.post(reverse("trade:need_create"), {
        "wanted": "vai thieu say", "volume": "500", "volume_unit": "kg", "min_stars": "3",
        "period_from": today.isoformat(), "period_to": (today + timedelta(days=60)).isoformat(),
        "delivery_province": "P01"})
    need = Need.objects.get()
    assert response.url == reverse("trade:need", args=[need.pk])
    page = buyer.get(response.url).content.decode()
    assert "Vải thiều sấy khô Lục Ngạn" in page and "Mật ong hoa vải" not in page
    # Privacy: the producer's representative, phone and e-mail are not shown to buyers.
    for private in ("Nguyễn Văn Hải", "0987000111", "htx@phidien.vn"):
        assert private not in page
    url = reverse("trade:inquiry", args=[market.product.pk]) + f"?nhu-cau={need.pk}"
    buyer.post(url, {"kind": "inquiry", "body": "Xin báo giá 500 kg."})
    conversation = Conversation.objects.get()
    assert conversation.need == need
    producer = login_client(market.producer_user)
    page = producer.get(reverse("trade:conversation", args=[conversation.pk])).content.decode()
    # The producer sees the buyer's organisation and contact person.
    assert "Công ty CP Siêu thị Thử Nghiệm" in page and "Lê Thị Mua" in page
    producer.post(reverse("trade:reply", args=[conversation.pk]),
                  {"body": "Giá 350.000 đồng/kg."})
    page = buyer.get(reverse("trade:conversation", args=[conversation.pk])).content.decode()
    assert "Giá 350.000 đồng/kg." in page and "Đang trao đổi" in page
    for private in ("Nguyễn Văn Hải", "0987000111", "htx@phidien.vn"):
        assert private not in page


def test_bad_needs_and_inquiries_show_vietnamese_refusals(market):
    buyer = login_client(market.buyer.account)
    today = date.today()
    response = buyer.post(reverse("trade:need_create"), {
        "wanted": "vải", "volume": "0", "volume_unit": "kg",
        "period_from": today.isoformat(), "period_to": (today - timedelta(days=3)).isoformat(),
        "delivery_province": "P01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Khối lượng phải lớn hơn 0." in html
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in html
    assert Need.objects.count() == 0
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = buyer.post(reverse("trade:inquiry", args=[market.product.pk]),
                          {"kind": "meeting", "body": "Gặp nhé", "slot_1": past})
    assert "Thời gian gặp đề xuất phải ở tương lai." in response.content.decode()
    response = buyer.get(reverse("trade:inquiry", args=[market.uncertified.pk]))
    assert "không có giấy chứng nhận OCOP còn hiệu lực" in response.content.decode()
    response = buyer.post(reverse("trade:inquiry", args=[market.uncertified.pk]),
                          {"kind": "inquiry", "body": "Hỏi"})
    assert "không có giấy chứng nhận OCOP còn hiệu lực" in response.content.decode()
    assert Conversation.objects.count() == 0


def test_the_office_verifies_a_buyer_and_reads_the_figures(market):
    Buyer.objects.filter(pk=market.buyer.pk).update(province=market.units.bac_ninh,
                                                    status="pending")
    office = login_client(market.office)
    assert "Công ty CP Siêu thị Thử Nghiệm" in office.get(reverse("trade:buyers")).content.decode()
    office.post(reverse("trade:buyer_status", args=[market.buyer.pk]), {"status": "verified"})
    assert Buyer.objects.get(pk=market.buyer.pk).status == "verified"
    conversation = _conversation(market)
    services.reply(actor=market.producer_user, conversation=conversation, body="Có hàng")
    html = office.get(reverse("trade:figures")).content.decode()
    assert "Thời gian trả lời lần đầu" in html and "1/1" in html
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    html = office.get(reverse("trade:figures"), {"tu": tomorrow}).content.decode()
    assert "1/1" not in html and "Mọi thời gian" in html
    assert office.get(reverse("trade:figures"), {"tu": "hôm qua"}).status_code == 200
    # The office reads figures, never the conversation itself.
    assert office.get(reverse("trade:conversation", args=[conversation.pk])).status_code == 404
    other = login_client(make_user(Role.PROVINCE_OFFICE, unit=market.units.ha_noi))
    assert other.post(reverse("trade:buyer_status", args=[market.buyer.pk]),
                      {"status": "suspended", "note": "x"}).status_code == 404
