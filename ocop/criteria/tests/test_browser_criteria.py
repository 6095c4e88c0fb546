"""Self-scoring on the public criteria pages in a real browser (issue #3).

Each choice posts the sheet with htmx and the result panel (criteria/_result.html) is swapped in;
the total shown must be the one the API gives for the same answers.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from ocop.criteria.services import load_shipped_sets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "148-rau-cu-qua-hat-tuoi-minh-hoa"
TITLE = ("Phiếu đánh giá sản phẩm OCOP theo cấu trúc Quyết định 148/QĐ-TTg — "
         "Rau, củ, quả, hạt tươi (MINH HỌA)")


@pytest.fixture
def shipped_sets(transactional_db):
    return load_shipped_sets()


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    # A CSP violation (inline script/style) or a failed htmx request shows up here.
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def criterion(page: Page, code: str):
    """The radio group of one criterion; its accessible name starts with the code."""
    return page.get_by_role("radiogroup", name=re.compile(rf"^{re.escape(code)} "))


def test_live_self_scoring_matches_the_api(page: Page, live_server, shipped_sets,
                                            console_errors):
    page.goto(f"{live_server.url}/tieu-chi/")
    expect(page.get_by_role("heading", name="Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP")) \
        .to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text("Minh họa, không chính thức")).to_be_visible()

    total = page.get_by_test_id("total")
    stars = page.get_by_test_id("stars")
    expect(page.get_by_text("Chọn phương án cho từng tiêu chí; điểm và hạng sao hiện ở đây.")) \
        .to_be_visible()
    expect(total).to_have_count(0)

    # One choice: 5 points, the rest still to answer.
    criterion(page, "A1").get_by_role(
        "radio", name=re.compile("có mã số vùng trồng")).check()
    expect(total).to_have_text("5,00 / 100")
    expect(stars).to_have_text("1 sao")
    expect(page.get_by_text("Còn 32 tiêu chí chưa chọn.")).to_be_visible()
    expect(page.get_by_role("heading", name="Gợi ý nâng hạng")).to_have_count(0)

    # Changing the answer replaces its points (5 → 1) rather than adding to them.
    criterion(page, "A1").get_by_role("radio", name=re.compile("^Dưới 50% nguyên liệu")).check()
    expect(total).to_have_text("1,00 / 100")

    # Answer every criterion with its second option: 40 points, two stars (the reference
    # figures of the engine's own tests for this sheet).
    groups = page.get_by_role("radiogroup")
    expect(groups).to_have_count(33)
    for i in range(groups.count()):
        groups.nth(i).get_by_role("radio").nth(1).check()
    expect(total).to_have_text("40,00 / 100")
    expect(stars).to_have_text("2 sao")
    expect(page.get_by_text("Chưa đủ điều kiện chứng nhận (dưới 3 sao)")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Còn \d+ tiêu chí chưa chọn"))).to_have_count(0)
    expect(page.get_by_role("heading", name="Gợi ý nâng hạng")).to_be_visible()
    # The advice names the mandatory food-safety test (C6) that keeps the sheet below 3 stars.
    advice = page.locator("ul.advice")
    expect(advice).to_contain_text("C6")
    expect(advice).to_contain_text("Có kiểm tra, đạt nhưng chưa đầy đủ chỉ tiêu")

    # The same answers, read back from the form, through the public API.
    answers = page.eval_on_selector_all(
        "input[type=radio]:checked", "els => Object.fromEntries(els.map("
        "e => [e.name.slice(2), e.value]))")
    assert len(answers) == 33
    response = page.request.post(
        f"{live_server.url}/api/v1/criteria-sets/{CODE}/evaluate",
        data=json.dumps({"answers": answers}), headers={"Content-Type": "application/json"},
    )
    assert response.ok, response.text()
    api = response.json()
    assert f"{api['total'].replace('.', ',')} / 100" == total.inner_text()
    assert f"{api['stars']} sao" == stars.inner_text()
    assert api["advice"]["changes"][0]["criterion"] == "C6"
    assert console_errors == []


def test_sheet_without_javascript_answers_by_post(page: Page, live_server, shipped_sets):
    """The "Tính điểm" button posts the whole page, for a browser where htmx did not load."""
    page.route(re.compile(r"htmx.*\.js$"), lambda route: route.abort())
    page.goto(f"{live_server.url}/tieu-chi/{CODE}@v1/")
    criterion(page, "A1").get_by_role("radio", name=re.compile("có mã số vùng trồng")).check()
    criterion(page, "C9").get_by_role("radio", name=re.compile("sang thị trường")).check()
    # Without htmx nothing is posted on change: the panel still shows its invitation.
    expect(page.get_by_text("Chọn phương án cho từng tiêu chí; điểm và hạng sao hiện ở đây.")) \
        .to_be_visible()
    page.get_by_role("button", name="Tính điểm").click()
    expect(page.get_by_test_id("total")).to_have_text("11,00 / 100")
    # The page keeps the choices made.
    expect(criterion(page, "A1").get_by_role("radio", name=re.compile("có mã số vùng trồng"))) \
        .to_be_checked()
