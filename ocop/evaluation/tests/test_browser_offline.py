"""Scoring with the network cut (issue #16, docs/offline.md), in a real Chromium: the member
opens an assigned dossier online (the service worker keeps it), loses the connection, scores
and submits, closes and reopens the page offline, reconnects; the server then holds exactly one
sheet, a replay changes nothing, a submit that arrives after the chair closed the revision is a
409 shown to the member with their copy kept, and nothing of another member's scores is in the
member's caches or IndexedDB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from ocop.accounts.testing import login_client, signed_in_context
from ocop.core.browser_testing import PHONE
from ocop.criteria import selectors as criteria_selectors
from ocop.evaluation import selectors, services
from ocop.evaluation.models import ScoreSheet, SheetSubmission
from ocop.evaluation.tests.conftest import answers_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member_browser(new_context, live_server):
    def open_as(user) -> tuple[BrowserContext, Page]:
        context = signed_in_context(new_context, live_server, user, viewport=PHONE)
        return context, context.new_page()

    return open_as


def _ready(page: Page) -> None:
    # (wait_for_function evaluates a string, which the site's CSP forbids.)
    expect(page.locator("html[data-offline-ready='1']")).to_have_count(1)


def _open_online(page: Page, dossier_id: int) -> None:
    page.goto(f"/cham-diem/{dossier_id}/")
    _ready(page)
    for _attempt in range(100):  # the worker claims the page once it is active
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            break
        page.wait_for_timeout(100)
    # Kept without pressing anything: opening the page online is enough.
    expect(page.locator("#offline-cached")).to_contain_text("1 hồ sơ", timeout=15_000)
    expect(page.get_by_role("button", name="Làm mới bản lưu")).to_be_enabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # a phone, no sideways


def _score_offline(page: Page, answers: dict[str, str],
                   comments: dict[str, str] | None = None, comment: str = "") -> None:
    for code, option in answers.items():
        page.locator(f"input[name='c-{code}'][value='{option}']").check()
    for code, text in (comments or {}).items():
        page.locator(f"[id='crit-{code}'] summary").click()
        page.locator(f"textarea[name='n-{code}']").fill(text)
    if comment:
        page.locator("textarea[name=comment]").fill(comment)
    page.get_by_role("button", name="Nộp phiếu").click()
    expect(page.locator("#offline-pending-count")).to_have_text("1")


def _storage(page: Page) -> str:
    """Everything the member's device keeps: every cached response body and every IndexedDB
    record, as one text."""
    return page.evaluate("""async () => {
      const out = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          out.push(request.url, await (await cache.match(request)).text());
        }
      }
      for (const store of ["drafts", "queue", "meta"]) {
        out.push(JSON.stringify(await OcopQueue.all(store)));
      }
      return out.join("\\n");
    }""")


def test_offline_scoring_reaches_the_server_once(ev, member_browser):
    # Another member's sheet and words, which must stay out of this member's device.
    chair_answers = answers_for(ev.dossier, 90)
    first_code = next(iter(chair_answers))
    services.save_draft(actor=ev.members["chair"].user, dossier=ev.dossier, answers={},
                        comments={first_code: "Nhận xét riêng của chủ tịch"},
                        comment="Đánh giá chung của chủ tịch")
    ev.score("chair", chair_answers)
    chair_total = str(ev.members["chair"].sheets.get().total)
    context, page = member_browser(ev.members["second"].user)
    _open_online(page, ev.dossier.pk)
    kept = page.evaluate("caches.keys().then(async (names) => { const out = [];"
                         " for (const n of names) { for (const r of await (await caches.open(n))"
                         ".keys()) out.push(r.url); } return out; })")
    assert any(url.endswith(f"/cham-diem/{ev.dossier.pk}/") for url in kept)
    answers = answers_for(ev.dossier, 72)

    context.set_offline(True)
    expect(page.locator("#offline-banner")).to_be_visible()
    _score_offline(page, answers, {first_code: "Nhãn chưa ghi hạn dùng"}, "Sản phẩm đạt")
    expect(page.locator("#offline-queue li").first).to_contain_text("Chờ có mạng để gửi")
    page.close()

    page = context.new_page()  # reopened without a connection: served by the service worker
    page.goto(f"/cham-diem/{ev.dossier.pk}/")
    _ready(page)
    expect(page.locator("#offline-pending-count")).to_have_text("1")
    code, option = next(iter(answers.items()))
    expect(page.locator(f"input[name='c-{code}'][value='{option}']")).to_be_checked()
    expect(page.locator(f"textarea[name='n-{first_code}']")).to_have_value("Nhãn chưa ghi hạn dùng")
    expect(page.locator("textarea[name=comment]")).to_have_value("Sản phẩm đạt")
    assert not ScoreSheet.objects.filter(member=ev.members["second"]).exists()

    stored = _storage(page)
    assert chair_total not in stored and chair_total.replace(".", ",") not in stored
    assert "Nhận xét riêng của chủ tịch" not in stored
    assert "Đánh giá chung của chủ tịch" not in stored
    queue = page.evaluate("OcopQueue.all('queue')")
    assert {item["user"] for item in queue} == {ev.members["second"].user.pk}

    context.set_offline(False)
    expect(page.get_by_text("Bạn đã nộp phiếu")).to_be_visible(timeout=15_000)
    sheets = ScoreSheet.objects.filter(member=ev.members["second"], state="submitted")
    assert sheets.count() == 1 and sheets.get().answers == answers
    assert sheets.get().comments == {first_code: "Nhãn chưa ghi hạn dùng"}
    assert sheets.get().comment == "Sản phẩm đạt"
    assert SheetSubmission.objects.count() == 1

    # The same submit replayed, exactly as the device keeps it: still one. (Sent from the test
    # rather than the page: the page's worker is refreshing its copies at this moment, and the
    # in-memory SQLite of the live server does not take concurrent writers.)
    item = page.evaluate("OcopQueue.all('queue')")[0]
    replay = login_client(ev.members["second"].user).post(
        item["send"], json.dumps(item), content_type="application/json")
    assert replay.status_code == 200 and replay.json()["replayed"] is True
    assert SheetSubmission.objects.count() == 1
    assert ScoreSheet.objects.filter(member=ev.members["second"], state="submitted").count() == 1

    # Signing out deletes the kept pages (the menu may be folded on a phone: submit its form).
    assert any(k.startswith("ocop-pages-") for k in page.evaluate("caches.keys()"))
    with page.expect_navigation():
        page.evaluate("document.querySelector(\"form[action$='/dang-xuat/']\").requestSubmit()")
    assert not any(k.startswith("ocop-pages-") for k in page.evaluate("caches.keys()"))


def test_a_submit_after_the_chair_closed_is_shown_as_409_and_kept(ev, member_browser):
    context, page = member_browser(ev.members["second"].user)
    _open_online(page, ev.dossier.pk)
    context.set_offline(True)
    answers = answers_for(ev.dossier, 80)
    _score_offline(page, answers)

    ev.score("chair", answers_for(ev.dossier, 70))
    services.close_scoring(actor=ev.members["chair"].user, council=ev.council, dossier=ev.dossier)

    context.set_offline(False)
    alert = page.locator("#offline-queue [role=alert]")
    expect(alert).to_contain_text("khoá lượt chấm", timeout=15_000)
    expect(page.locator("#offline-pending-count")).to_have_text("0")
    held = SheetSubmission.objects.get()
    assert held.outcome == "conflict" and held.answers == answers
    assert not ScoreSheet.objects.filter(member=ev.members["second"], state="submitted").exists()
    # The member's copy is still on the device too, and can be exported for the secretary.
    queue = page.evaluate("OcopQueue.all('queue')")
    assert queue[0]["state"] == "conflict" and queue[0]["answers"] == answers
    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất phiếu chờ gửi ra tệp").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["items"][0]["client_id"] == queue[0]["client_id"]

    # The office reads the held copy on a phone: both versions in words, no sideways scroll.
    _office_context, office = member_browser(ev.users["province_office"])
    office.goto(f"/hoi-dong/{ev.council.pk}/phieu-giu-lai/")
    code = next(iter(answers))
    criterion = criteria_selectors.engine_set(ev.dossier.criteria_set).criterion(code)
    held_copy = office.locator(f"#held-{held.pk}")
    expect(held_copy).to_contain_text(criterion.label_vi)
    expect(held_copy).to_contain_text(
        next(o.label_vi for o in criterion.options if o.code == answers[code]))
    assert f"{code}={answers[code]}" not in held_copy.inner_text()
    assert office.evaluate("document.documentElement.scrollWidth") <= 390


def test_dossiers_are_kept_on_opening_within_the_evidence_limit(ev, member_browser,
                                                                  monkeypatch):
    # Room for the first two of the dossier's five small evidence files (kept in the list's
    # order): the others are counted and the member is told, not fetched.
    sizes = [d.size for d in ev.dossier.documents.exclude(file="").order_by("pk")]
    monkeypatch.setattr(selectors, "OFFLINE_EVIDENCE_MAX", sizes[0] + sizes[1])
    _context, page = member_browser(ev.members["second"].user)
    _open_online(page, ev.dossier.pk)
    expect(page.locator("#offline-cached")).to_contain_text(ev.dossier.reference)
    skipped = len(sizes) - 2
    expect(page.locator("#offline-skipped")).to_contain_text(f"{skipped} tệp minh chứng chưa")
    kept = page.evaluate("caches.keys().then(async (names) => { const out = [];"
                         " for (const n of names) { for (const r of await (await caches.open(n))"
                         ".keys()) out.push(r.url); } return out; })")
    assert len([url for url in kept if "/minh-chung/" in url]) == 2
    assert not any("/hoi-dong/" in url for url in kept)
