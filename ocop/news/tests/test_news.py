"""News and guidance: who writes, what the public sees, and refusals that leave nothing behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.audit.models import AuditEntry
from ocop.core.refusals import Conflict, Forbidden, Invalid
from ocop.demo.news import build_demo_news
from ocop.news import services
from ocop.news.models import Article, Attachment
from ocop.news.permissions import manage_articles

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(units):
    return {
        "office": make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh),
        "hanoi": make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi),
        "central": make_user(Role.CENTRAL),
        "commune": make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan),
        "inspector": make_user(Role.INSPECTOR, unit=units.bac_ninh),
    }


def _article(people, units, **extra) -> Article:
    fields = {"kind": Article.Kind.ANNOUNCEMENT, "title": "Mở đợt đánh giá 2026",
              "body": "Nộp hồ sơ **trước 30/6**.", **extra}
    return services.create_article(actor=people["office"], province=units.bac_ninh, **fields)


# --- Permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "where", "allowed"), [
    ("office", "bac_ninh", True), ("office", "ha_noi", False), ("office", None, False),
    ("hanoi", "ha_noi", True), ("hanoi", "bac_ninh", False),
    ("central", "bac_ninh", True), ("central", None, True),
    ("commune", "bac_ninh", False), ("inspector", "bac_ninh", False),
])
def test_who_writes_which_articles(people, units, who, where, allowed):
    verdict = manage_articles(people[who], getattr(units, where) if where else None)
    assert bool(verdict) is allowed
    assert (verdict.reason == "") is allowed  # a refusal always says why


def test_a_producer_and_a_stranger_write_nothing(units, people):
    outsider = make_user(Role.COUNCIL_MEMBER, unit=units.bac_ninh)
    with pytest.raises(Forbidden) as exc:
        services.create_article(actor=outsider, province=units.bac_ninh, title="x", body="y")
    assert exc.value.code == "news.not_an_office"
    assert not Article.objects.exists()


# --- Services --------------------------------------------------------------------------------


def test_markup_in_a_title_is_refused_with_the_field_and_nothing_is_saved(people, units):
    with pytest.raises(Invalid) as exc:
        _article(people, units, title="<b>Mở đợt</b>")
    assert "title" in exc.value.fields and "thẻ HTML" in exc.value.fields["title"]
    assert not Article.objects.exists() and not AuditEntry.objects.filter(
        action__startswith="news.").exists()


def test_publish_now_later_and_refused_dates(people, units):
    article = _article(people, units)
    assert article.state == Article.State.DRAFT
    with pytest.raises(Invalid) as far:
        services.publish(actor=people["office"], article=article,
                         at=timezone.now() + timedelta(days=400))
    with pytest.raises(Invalid) as past:
        services.publish(actor=people["office"], article=article,
                         at=timezone.now() - timedelta(days=30))
    assert far.value.code == "news.far_date" and past.value.code == "news.past_date"
    article.refresh_from_db()
    assert article.publish_at is None
    services.publish(actor=people["office"], article=article,
                     at=timezone.now() + timedelta(days=2))
    assert article.state == Article.State.SCHEDULED
    services.publish(actor=people["office"], article=article)
    assert article.state == Article.State.PUBLISHED
    services.withdraw(actor=people["office"], article=article)
    assert article.state == Article.State.WITHDRAWN
    with pytest.raises(Conflict):
        services.withdraw(actor=people["office"], article=article)
    actions = list(AuditEntry.objects.filter(object_id=str(article.pk)).order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["news.article.create", "news.article.publish", "news.article.publish",
                       "news.article.withdraw"]


def test_a_forged_attachment_is_refused_naming_the_real_content(people, units):
    article = _article(people, units)
    fake = SimpleUploadedFile("quyet-dinh.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(Invalid) as exc:
        services.add_attachment(actor=people["office"], article=article, file=fake)
    assert "quyet-dinh.pdf" in exc.value.message and "EXE" in exc.value.message
    assert not Attachment.objects.exists()


def test_a_province_cannot_edit_another_provinces_article(people, units):
    article = _article(people, units)
    with pytest.raises(Forbidden):
        services.update_article(actor=people["hanoi"], article=article, title="Sửa")
    article.refresh_from_db()
    assert article.title == "Mở đợt đánh giá 2026"


# --- Pages -----------------------------------------------------------------------------------


def test_the_public_sees_published_articles_only(people, units):
    draft = _article(people, units, title="Bản nháp chưa đăng")
    later = _article(people, units, title="Bài hẹn giờ")
    services.publish(actor=people["office"], article=later, at=timezone.now() + timedelta(days=1))
    gone = _article(people, units, title="Bài đã gỡ")
    services.publish(actor=people["office"], article=gone)
    services.withdraw(actor=people["office"], article=gone)
    shown = _article(people, units, title="Lịch đánh giá năm 2026")
    services.publish(actor=people["office"], article=shown)
    public = Client()
    page = public.get(reverse("news:list")).content.decode()
    assert "Lịch đánh giá năm 2026" in page
    for hidden in ("Bản nháp chưa đăng", "Bài hẹn giờ", "Bài đã gỡ"):
        assert hidden not in page
    for article in (draft, later, gone):
        assert public.get(reverse("news:detail", args=[article.pk])).status_code == 404
    detail = public.get(reverse("news:detail", args=[shown.pk])).content.decode()
    assert "<strong>trước 30/6</strong>" in detail
    assert "Lịch đánh giá năm 2026" in public.get(reverse("web:home")).content.decode()


def test_attachments_follow_their_article(people, units):
    article = _article(people, units)
    attachment = services.add_attachment(
        actor=people["office"], article=article,
        file=SimpleUploadedFile("ke-hoach.pdf", PDF), name="Kế hoạch 2026")
    url = reverse("news:attachment", args=[attachment.pk])
    assert Client().get(url).status_code == 404  # a draft's file is not public
    assert login_client(people["hanoi"]).get(url).status_code == 404
    office = login_client(people["office"])
    response = office.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content if response.streaming else [response.content]
                    ).startswith(b"%PDF")
    services.publish(actor=people["office"], article=article)
    assert Client().get(url).status_code == 200


def test_management_pages_by_role(people, units):
    article = _article(people, units)
    edit = reverse("news:edit", args=[article.pk])
    assert login_client(people["office"]).get(edit).status_code == 200
    assert login_client(people["hanoi"]).get(edit).status_code == 404
    assert login_client(people["commune"]).get(reverse("news:manage")).status_code == 403
    page = login_client(people["central"]).get(reverse("news:manage")).content.decode()
    assert "Mở đợt đánh giá 2026" in page and "Bản nháp" in page


def test_an_office_writes_and_publishes_through_the_pages(people, units):
    office = login_client(people["office"])
    response = office.post(reverse("news:create"), {
        "kind": Article.Kind.GUIDANCE, "title": "Hướng dẫn nộp hồ sơ",
        "body": "1. Chọn sản phẩm\n2. Tự chấm điểm", "title_en": "", "body_en": ""})
    article = Article.objects.get()
    assert response.status_code == 302 and article.province == units.bac_ninh
    assert article.created_by == people["office"]
    office.post(reverse("news:attachment_add", args=[article.pk]),
                {"file": SimpleUploadedFile("mau.pdf", PDF), "name": "Mẫu phiếu"})
    assert article.attachments.get().name == "Mẫu phiếu"
    office.post(reverse("news:publish", args=[article.pk]), {"publish_at": ""})
    article.refresh_from_db()
    assert article.state == Article.State.PUBLISHED
    bad = office.post(reverse("news:create"), {"kind": "announcement", "title": "=HYPERLINK()",
                                               "body": "x"})
    assert bad.status_code == 200 and "không bắt đầu" in bad.content.decode()
    assert Article.objects.count() == 1


def test_english_readers_get_english_or_a_note(people, units):
    both = _article(people, units, title="Lịch đánh giá", title_en="Evaluation rounds",
                    body_en="Rounds **close** on 30/6.")
    only_vi = _article(people, units, title="Chỉ tiếng Việt")
    for article in (both, only_vi):
        services.publish(actor=people["office"], article=article)
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    page = english.get(reverse("news:detail", args=[both.pk])).content.decode()
    assert "Evaluation rounds" in page and "<strong>close</strong>" in page
    page = english.get(reverse("news:detail", args=[only_vi.pk])).content.decode()
    assert "Chỉ tiếng Việt" in page and "only in Vietnamese" in page


def test_demo_news_is_published_through_the_services(units, people):
    assert build_demo_news() == 3
    assert Article.objects.published().count() == 3
    assert build_demo_news() == 0  # once only
    schedule = Article.objects.get(kind=Article.Kind.ANNOUNCEMENT)
    assert "15/12/2024" in schedule.body and schedule.publish_at.year == 2024
