"""Pages that show a rule of the rulebook: the star filter offers the certified ratings, and
only a certificate below 5★ offers an upgrade."""

from __future__ import annotations

import re
from datetime import date

from django.urls import reverse

from ocop.accounts.testing import login_client


def test_star_filter_offers_the_certified_ratings(cw):
    cw.issue(stars=3)
    cw.issue(decision=cw.province_decision, issued_on=date(2025, 9, 1), stars=4)
    office = login_client(cw.users["admin"])
    html = office.get(reverse("certificates:list"), {"stars": "4"}).content.decode()
    select = re.search(r'<select id="f-stars".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\d)"', select) == ["3", "4", "5"]
    assert re.findall(r'<option value="(\d)" selected', select) == ["4"]
    assert html.count("4 sao") >= 2  # the option and the one 4★ certificate listed


def test_upgrade_is_offered_below_five_stars_only(cw):
    four = cw.issue(decision=cw.province_decision, issued_on=date(2025, 9, 1), stars=4)
    five = cw.issue(decision=cw.province_decision, issued_on=date(2025, 9, 1), stars=5)
    producer = login_client(cw.users["producer"])
    pages = {c.stars: producer.get(reverse("certificates:detail", args=[c.number]))
             for c in (four, five)}
    assert all(page.status_code == 200 for page in pages.values())
    assert "Mở hồ sơ đánh giá lại" in pages[4].content.decode()
    assert "Mở hồ sơ nâng hạng" in pages[4].content.decode()
    assert "Mở hồ sơ đánh giá lại" in pages[5].content.decode()
    assert "Mở hồ sơ nâng hạng" not in pages[5].content.decode()
