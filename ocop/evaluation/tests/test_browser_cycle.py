"""The evaluation cycle in a real browser (issue #4), in three stages.

1. A producer drafts and submits a dossier, the commune checks it (1489), the standing office
   asks for a correction, the producer adds the document and resubmits, the office accepts it
   into the open province round.
2. The office assigns it to a council; three members score it on the scoring page, a fourth
   declares a conflict of interest and is refused the dossier (404); the chair closes the
   scoring and finalises the result.
3. The office issues the recognition decision; the certificate PDF downloads, the public QR page
   says it is valid; after revocation the public page says revoked, with the reason.

Each stage starts from the state the previous one leaves, built with the services, so that a
stage runs in a few seconds and fails on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user, signed_in_context
from ocop.certificates.models import Certificate
from ocop.criteria import publishing as criteria_publishing
from ocop.criteria import selectors as criteria_selectors
from ocop.dossiers import checklist
from ocop.dossiers import services as dossier_services
from ocop.dossiers.models import Dossier, DossierState, ProgrammeYear, Round
from ocop.dossiers.testing import Cycle, complete, pdf
from ocop.evaluation import services
from ocop.evaluation.models import Council, CouncilMember, MemberRole
from ocop.evaluation.tests.conftest import answers_for, total_of
from ocop.rules.levels import LEVEL_LABELS, TWO_LEVEL, basis
from ocop.web.testing import menu_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Lowest totals ≥ these that pass every mandatory rule: a spread of about 6 points (under the
# 10-point re-score limit) and a mean in the 4-star band.
TARGETS = {"chair": 72, "second": 75, "third": 78}
REASON = "Sản phẩm không duy trì chất lượng như khi đánh giá."


def vi(number: Decimal) -> str:
    """A decimal as the Vietnamese pages print it (decimal comma): 72.50 → "72,50"."""
    return f"{number:.2f}".replace(".", ",")


@dataclass
class World:
    cycle: Cycle
    round: Round
    users: dict[str, User]

    @property
    def product(self):
        return self.cycle.products["own"]


@pytest.fixture
def world(cycle) -> World:
    """An open province round of today's Bắc Ninh (the 1489 procedure: the commune checks
    first), whatever today's date."""
    today = timezone.localdate()
    bac_ninh = cycle.units.bac_ninh
    year = (ProgrammeYear.objects.filter(province=bac_ninh, year=today.year).first()
            or dossier_services.create_programme_year(actor=None, province=bac_ninh,
                                                      year=today.year))
    number = year.rounds.filter(level="province").count() + 1
    round_ = dossier_services.save_round(actor=None, programme_year=year, data={
        "level": "province", "number": number, "name": f"Đợt {number} cấp tỉnh {today.year}",
        "opens_on": today - timedelta(days=10),
        "submission_deadline": today + timedelta(days=30),
        "evaluation_deadline": today + timedelta(days=60),
        "recognition_deadline": today + timedelta(days=90),
        "status": Round.Status.OPEN, "issuing_unit": bac_ninh,
    })
    members = {name: make_user(Role.COUNCIL_MEMBER, unit=bac_ninh, username=f"hd-{name}",
                               first_name=label)
               for name, label in (("chair", "Lê Văn Chủ Tịch"), ("second", "Phạm Thị Hai"),
                                   ("third", "Vũ Văn Ba"), ("relative", "Đỗ Văn Thân"))}
    return World(cycle, round_, {**cycle.users, **members})


@pytest.fixture
def console_errors() -> list[str]:
    """Errors logged by any page of the test: a CSP violation (inline script/style), a failed
    htmx request or a missing static file."""
    return []


def _watched(page: Page, errors: list[str]) -> Page:
    page.on("console", lambda msg: errors.append(f"{msg.location['url']}: {msg.text}")
            if msg.type == "error" else None)
    return page


@pytest.fixture
def as_user(new_context, live_server, console_errors):
    """A fresh browser (its own cookies and cache) signed in as ``user``. The session is made
    server-side: the login page has its own browser tests, and a sign-in per actor would double
    these tests' time."""

    def sign_in(user: User) -> Page:
        context: BrowserContext = signed_in_context(new_context, live_server, user)
        return _watched(context.new_page(), console_errors)

    return sign_in


@pytest.fixture
def anonymous(new_context, live_server, console_errors):
    """A stranger's browser (no session, empty cache), as when scanning the QR code."""
    return lambda: _watched(new_context(base_url=live_server.url).new_page(), console_errors)


def state_badge(page: Page):
    return page.locator("[data-state]").first


# --- Service-built starting points --------------------------------------------------------


def accepted_dossier(w: World) -> Dossier:
    producer = w.users["producer"]
    dossier = dossier_services.open_dossier(actor=producer, product=w.product)
    complete(dossier, producer, round_=w.round)
    dossier_services.submit(actor=producer, dossier=dossier)
    dossier_services.commune_precheck(actor=w.users["commune_officer"], dossier=dossier,
                                      results=_precheck_all_ok())
    dossier_services.accept(actor=w.users["province_office"], dossier=dossier, round=w.round)
    dossier.refresh_from_db()
    return dossier


def _precheck_all_ok() -> dict[str, dict]:
    return {it.code: {"ok": True, "comment": ""} for it in basis(TWO_LEVEL).commune_precheck}


def council_for(w: World) -> tuple[Council, dict[str, CouncilMember]]:
    office = w.users["province_office"]
    council = services.create_council(actor=office, round=w.round,
                                      name="Hội đồng đánh giá cấp tỉnh Bắc Ninh",
                                      decision_number="120/QĐ-UBND")
    roles = {"chair": MemberRole.CHAIR, "second": MemberRole.MEMBER,
             "third": MemberRole.SECRETARY, "relative": MemberRole.MEMBER}
    members = {
        name: services.add_member(
            actor=office, council=council, user=w.users[name], role=role,
            # The producer's representative (see the dossiers' test world) is this member's
            # relative: the platform must ask for a declaration before scoring.
            declared_relatives="Nguyễn Văn A" if name == "relative" else "",
        )
        for name, role in roles.items()
    }
    return council, members


def scored_dossier(w: World) -> tuple[Dossier, Council]:
    dossier = accepted_dossier(w)
    council, members = council_for(w)
    services.assign_dossiers(actor=w.users["province_office"], council=council,
                             dossiers_to_assign=[dossier])
    services.declare_conflict(actor=w.users["relative"], member=members["relative"],
                              dossier=dossier, declared=True)
    for name, target in TARGETS.items():
        user = w.users[name]
        services.save_draft(actor=user, dossier=dossier, answers=answers_for(dossier, target))
        services.submit_sheet(actor=user, dossier=dossier)
    services.close_scoring(actor=w.users["chair"], council=council, dossier=dossier)
    services.finalise(actor=w.users["chair"], council=council, dossier=dossier)
    # The shipped sheet is illustrative: the province accepts it before any recognition.
    criteria_publishing.accept(actor=w.users["province_office"], version=dossier.criteria_set,
                               reason="Thử nghiệm")
    dossier.refresh_from_db()
    return dossier, council


def score_on_page(page: Page, dossier: Dossier, answers: dict[str, str]) -> None:
    """Pick every answer on the scoring page by its label, then submit the sheet."""
    page.goto(f"/cham-diem/{dossier.pk}/")
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    for criterion in engine_set.criteria:
        option = next(o for o in criterion.options if o.code == answers[criterion.code])
        group = page.get_by_role("radiogroup", name=criterion.code, exact=True)
        # The radio's name is the option's label followed by its points ("… 2 điểm"). Playwright
        # sends the pattern as /…/ source, so a "/" in a label must be escaped as well.
        label = re.escape(option.label_vi).replace("/", r"\/")
        group.get_by_role("radio", name=re.compile(rf"^{label} \d")).check()
    # Every click was autosaved with htmx; the last save reports the whole sheet.
    expect(page.get_by_text(f"{len(engine_set.criteria)} tiêu chí")).to_be_visible()
    page.get_by_role("button", name="Nộp phiếu (không sửa được nữa)").click()
    expect(page.get_by_text("Đã nộp phiếu chấm.")).to_be_visible()


# --- 1. Submission, correction, acceptance ------------------------------------------------


def test_dossier_submitted_corrected_and_accepted(world, as_user, console_errors):
    w = world
    producer = as_user(w.users["producer"])
    producer.goto("/")
    menu_link(producer, "Hồ sơ").click()
    producer.get_by_role("link", name="Lập hồ sơ").click()
    producer.get_by_label("Sản phẩm").select_option(
        label=f"{w.product.name} — {w.product.producer.name}")
    producer.get_by_label("Hạng sao đăng ký").select_option(label="4 ★")
    producer.get_by_role("button", name="Lập hồ sơ nháp").click()
    expect(producer.get_by_text("Đã lập hồ sơ nháp.")).to_be_visible()
    dossier = Dossier.objects.get(product=w.product)
    expect(state_badge(producer)).to_have_text("Đang soạn")

    # Typing the form, the 33 answers and uploading five files is the dossiers app's own test;
    # here the services fill them, and the producer picks the round on the page.
    complete(dossier, w.users["producer"])
    producer.reload()
    producer.get_by_label("Đợt đánh giá đăng ký").select_option(
        label=f"{w.round.name} (hạn nộp {w.round.submission_deadline:%d/%m/%Y})")
    expect(producer.get_by_role("status").filter(has_text="Đã lưu lúc")).to_be_visible()
    producer.reload()
    producer.get_by_role("button", name="Nộp hồ sơ").click()
    expect(producer.get_by_text("Đã nộp hồ sơ.", exact=True)).to_be_visible()
    expect(state_badge(producer)).to_have_text("Đã nộp")

    # 1489: the commune checks raw materials, labour and the origin of the idea first.
    commune = as_user(w.users["commune_officer"])
    commune.goto(f"/ho-so/{dossier.pk}/")
    commune.get_by_role("link", name="Xã kiểm tra hồ sơ").click()
    for radio in commune.get_by_role("radio", name="Đạt", exact=True).all():
        radio.check()
    commune.get_by_role("button", name="Ghi kết quả kiểm tra").click()
    expect(state_badge(commune)).to_have_text("Xã đã kiểm tra")

    office = as_user(w.users["province_office"])
    office.goto(f"/ho-so/{dossier.pk}/")
    office.get_by_role("link", name="Kiểm tra tính đầy đủ").click()
    office.get_by_label("Phiếu kết quả kiểm nghiệm sản phẩm").fill(
        "Bổ sung phiếu kiểm nghiệm chỉ tiêu an toàn thực phẩm.")
    office.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    expect(office.get_by_text("Đã gửi yêu cầu bổ sung.")).to_be_visible()
    expect(state_badge(office)).to_have_text("Yêu cầu bổ sung")

    # The producer uploads the missing report, answers and resubmits (version 2).
    producer.goto(f"/ho-so/{dossier.pk}/soan/")
    expect(producer.get_by_text("Bổ sung phiếu kiểm nghiệm chỉ tiêu an toàn thực phẩm.")) \
        .to_be_visible()
    item = producer.locator("#item-test_report")
    item.get_by_label("Tệp").set_input_files(files=[{
        "name": "kiem-nghiem.pdf", "mimeType": "application/pdf", "buffer": pdf().read(),
    }])
    item.get_by_role("button", name="Tải lên").click()
    expect(producer.get_by_text("Đã thêm tài liệu.")).to_be_visible()
    expect(producer.locator("#item-test_report").get_by_role("link", name="kiem-nghiem.pdf")) \
        .to_be_visible()
    producer.get_by_role("link", name="Trả lời và nộp lại").first.click()
    # The item is named by the document, not by its code "test_report".
    test_report = checklist.item("test_report").label_vi
    producer.get_by_label(re.compile("^" + re.escape(test_report))).fill(
        "Đã bổ sung phiếu kiểm nghiệm.")
    producer.get_by_role("button", name="Nộp lại hồ sơ").click()
    expect(producer.get_by_text("Đã nộp lại hồ sơ sau khi bổ sung.")).to_be_visible()
    expect(state_badge(producer)).to_have_text("Đã nộp bổ sung")
    expect(producer.get_by_role("link", name="Các phiên bản (2)")).to_be_visible()

    office.goto(f"/ho-so/{dossier.pk}/tham-dinh/")
    office.get_by_label("Đợt đánh giá").select_option(
        label=f"{w.round.name} ({LEVEL_LABELS['province']})")
    office.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(office.get_by_text("Đã tiếp nhận hồ sơ vào đợt đánh giá.", exact=True)).to_be_visible()
    expect(state_badge(office)).to_have_text("Đã tiếp nhận vào đợt")
    dossier.refresh_from_db()
    assert dossier.round_id == w.round.pk
    assert dossier.versions.count() == 2
    assert console_errors == []


# --- 2. Council scoring -------------------------------------------------------------------


def test_assigned_dossier_is_refused_to_a_conflicted_member(world, as_user, console_errors,
                                                            live_server):
    w = world
    dossier = accepted_dossier(w)
    council, _members = council_for(w)

    office = as_user(w.users["province_office"])
    office.goto(f"/hoi-dong/{council.pk}/")
    office.get_by_role("button", name="Phân công cho hội đồng").click()
    expect(office.get_by_text("Đã cập nhật hội đồng.")).to_be_visible()
    expect(office.get_by_text(f"{dossier.reference} — {w.product.name} (Đang đánh giá, lượt 1)")) \
        .to_be_visible()

    # The member whose relative represents the producer must declare; declaring the conflict
    # takes the dossier away from them.
    relative = as_user(w.users["relative"])
    relative.goto("/cham-diem/")
    relative.get_by_role("link", name="Cần kê khai xung đột lợi ích").click()
    expect(relative.get_by_text("Người đại diện của chủ thể có tên trong danh sách người thân "
                                "đã kê khai.")).to_be_visible()
    relative.get_by_role("radio", name=re.compile("^Tôi có xung đột lợi ích")).check()
    relative.get_by_role("button", name="Ghi nhận").click()
    expect(relative.get_by_text("Đã ghi nhận: bạn không tham gia chấm hồ sơ này.")).to_be_visible()
    expect(relative.get_by_role("link", name=dossier.reference)).to_have_count(0)
    for url in (f"/cham-diem/{dossier.pk}/", f"/ho-so/{dossier.pk}/"):
        response = relative.goto(url)
        assert response.status == 404, url
        expect(relative.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()
    # The browser logs each refused page as a failed resource; nothing else may be logged.
    assert [e.split(": ", 1)[0] for e in console_errors] == [
        f"{live_server.url}/cham-diem/{dossier.pk}/", f"{live_server.url}/ho-so/{dossier.pk}/"]


def test_council_of_three_scores_and_the_chair_finalises(world, as_user, console_errors):
    w = world
    dossier = accepted_dossier(w)
    council, members = council_for(w)
    services.assign_dossiers(actor=w.users["province_office"], council=council,
                             dossiers_to_assign=[dossier])
    services.declare_conflict(actor=w.users["relative"], member=members["relative"],
                              dossier=dossier, declared=True)

    answers = {name: answers_for(dossier, target) for name, target in TARGETS.items()}
    totals = {name: total_of(dossier, a) for name, a in answers.items()}
    pages = {name: as_user(w.users[name]) for name in TARGETS}
    for name, page in pages.items():
        score_on_page(page, dossier, answers[name])
        expect(page.get_by_text(f"Bạn đã nộp phiếu: {vi(totals[name])} điểm.")).to_be_visible()

    chair = pages["chair"]
    chair.goto("/cham-diem/")
    chair.get_by_role("link", name="Tổng hợp").click()
    expect(chair.get_by_role("heading", name="Tiến độ (3/3)")).to_be_visible()
    expect(chair.get_by_role("listitem").filter(has_text="Đỗ Văn Thân")) \
        .to_contain_text("xung đột lợi ích, không chấm")
    # Blind scoring: before the chair closes the revision, nobody's total is shown.
    for total in totals.values():
        expect(chair.get_by_text(vi(total))).to_have_count(0)
    chair.get_by_role("button", name="Khoá lượt chấm và tổng hợp").click()
    mean = (sum(totals.values()) / 3).quantize(Decimal("0.01"))
    expect(chair.locator(".score-total").first).to_have_text(vi(mean))
    chair.get_by_role("button", name="Chốt kết quả, lập biên bản").click()
    expect(chair.get_by_text("kết quả cuối cùng")).to_be_visible()
    expect(chair.get_by_role("link", name="Tải biên bản (PDF)")).to_be_visible()

    dossier.refresh_from_db()
    assert dossier.state == DossierState.SCORED
    # Once final, the producer sees the mean and the stars.
    producer = as_user(w.users["producer"])
    producer.goto(f"/ket-qua/{dossier.pk}/")
    expect(producer.locator(".score-total")).to_have_text(vi(mean))
    expect(producer.get_by_text("4 sao")).to_be_visible()
    assert console_errors == []


# --- 3. Recognition, certificate, verification, revocation --------------------------------


def test_certificate_issued_verified_and_revoked(world, as_user, anonymous, console_errors):
    w = world
    dossier, _council = scored_dossier(w)
    today = timezone.localdate()

    office = as_user(w.users["province_office"])
    office.goto(f"/dot-danh-gia/{w.round.pk}/cong-nhan/")
    expect(office.get_by_role("checkbox", name=dossier.reference)).to_be_checked()
    office.get_by_label("Số quyết định công nhận").fill("215/QĐ-UBND")
    office.get_by_label("Ngày ký").fill(today.isoformat())
    office.get_by_label("Người ký", exact=True).fill("Nguyễn Văn Ký")
    office.get_by_label("Chức vụ người ký").fill("Phó Chủ tịch UBND tỉnh")
    office.get_by_role("button", name="Xem trước và xác nhận").click()
    # The confirmation step lists what will be issued; nothing is issued yet.
    expect(office.get_by_role("cell", name=dossier.product.name)).to_be_visible()
    assert not Certificate.objects.exists()
    office.get_by_role("button", name="Xác nhận: ban hành và cấp giấy chứng nhận").click()
    expect(office.get_by_text(re.compile("^Đã ban hành .* và cấp giấy chứng nhận."))) \
        .to_be_visible()

    certificate = Certificate.objects.get(source_dossier=dossier)
    assert certificate.number == f"OCOP-24-{today.year}-00001"
    office.get_by_role("link", name=certificate.number).click()
    expect(office.get_by_role("heading", name=f"Giấy chứng nhận {certificate.number}")) \
        .to_be_visible()

    pdf_link = office.get_by_role("link", name="Tải PDF")
    response = office.request.get(pdf_link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # The printed QR code points to /verify/<number>; the page needs no account.
    verify_path = f"/verify/{certificate.number}"
    expect(office.get_by_role("link", name=verify_path)).to_have_attribute("href", verify_path)
    public = anonymous()
    public.goto(verify_path)
    verdict = public.get_by_role("status")
    expect(verdict).to_contain_text("Còn hiệu lực")
    expect(public.get_by_role("heading", name=w.product.name)).to_be_visible()
    expect(public.get_by_text("4 sao")).to_be_visible()

    office.get_by_role("link", name="Thu hồi").click()
    office.get_by_label("Số quyết định thu hồi").fill("301/QĐ-UBND")
    office.get_by_label("Lý do thu hồi").fill(REASON)
    office.get_by_role("button", name="Thu hồi").click()
    expect(office.get_by_text(f"Đã thu hồi giấy chứng nhận {certificate.number}.")) \
        .to_be_visible()
    expect(office.get_by_text(REASON)).to_be_visible()

    # Another visitor (the verification page may be cached for 60 s in a browser that saw it).
    public = anonymous()
    public.goto(verify_path)
    verdict = public.get_by_role("status")
    expect(verdict).to_contain_text("Đã bị thu hồi")
    expect(public.get_by_text(REASON)).to_be_visible()
    expect(public.get_by_text("301/QĐ-UBND")).to_be_visible()
    w.product.refresh_from_db()
    assert w.product.stars is None
    assert console_errors == []
