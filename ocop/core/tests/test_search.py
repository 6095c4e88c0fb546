"""One diacritic-insensitive search on every list (ocop.core.search), on the demo data.

Runs on SQLite and PostgreSQL alike (set DATABASE_URL); on PostgreSQL it also checks that the
trigram indexes exist. The demo is built once (it takes a while) and every list is checked.
"""

from __future__ import annotations

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from ocop.accounts.models import User
from ocop.accounts.testing import login_client
from ocop.certificates.models import RecognitionDecision
from ocop.core.search import fold
from ocop.demo.trace import build_demo_trace

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 29)

# list page, a query without diacritics, the same with them, a text every found row shows
LISTS = [
    # Narrow enough to stay under one page now that the demo carries every rated product's
    # certificate history (dozens of "Vải thiều" certificates).
    ("/giay-chung-nhan/", "mat ong dong lac", "Mật ong Đồng Lạc", "Mật ong Đồng Lạc"),
    ("/giay-chung-nhan/", "ga u muoi", "Gà ủ muối", "Gà ủ muối"),
    ("/quyet-dinh-cong-nhan/", "mat ong dong lac", "Mật ong Đồng Lạc", "/QĐ-UBND"),
    ("/hoi-dong/", "vai thieu", "Vải thiều", "Hội đồng"),
    ("/hoi-dong/", "dot 1 luc ngan", "đợt 1 Lục Ngạn", "Lục Ngạn năm 2024 (đợt 1)"),
    ("/dot-danh-gia/", "dot 1 luc ngan", "Đợt 1 Lục Ngạn", "Đợt 1 cấp huyện năm 2024 — Lục Ngạn"),
    ("/truy-xuat/vung/", "vai thieu", "Vải thiều", "Vùng vải thiều Phì Điền"),
    ("/truy-xuat/vung/", "phi dien", "Phì Điền", "Vùng vải thiều Phì Điền"),
    ("/truy-xuat/lo/", "vai thieu", "Vải thiều", "Vải thiều Lục Ngạn"),
]


def _rows(client, url: str, q: str) -> list[str]:
    """The text of the rows of the page's list (table rows, or list items on the rounds page)."""
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    body = html.split('role="search"', 1)[1].split("</form>", 1)[1]  # after the search box
    if "<tbody>" in body:
        rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    else:  # the rounds page: one list item per round, in one section per programme year
        sections = re.findall(r'<section class="panel">(.*?)</section>', body, re.S)
        rows = re.findall(r"<li>(.*?)</li>", "".join(sections), re.S)
    # An empty list shows one row spanning the table ("Chưa có …"), which is no result.
    return [re.sub(r"<[^>]+>", " ", r) for r in rows if "muted" not in r and "colspan" not in r]


def test_fold_handles_d_with_stroke() -> None:
    assert fold("Đồng Cốc") == "dong coc"
    assert fold("đồng  CỐC ") == "dong coc"
    assert fold("  Vải   THIỀU ") == "vai thieu"


def test_every_list_finds_without_diacritics(client, settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo_data", seed=2024, units_subset="01,24,27", stdout=StringIO())
    call_command("demo_cycle", stdout=StringIO())
    call_command("demo_results", date=TODAY.isoformat(), stdout=StringIO())
    build_demo_trace()
    login_client(User.objects.get(username="demo-admin"), client)
    # A decision number such as "1512/QĐ-UBND" (the demo numbers decisions after round ids,
    # which depend on what ran before): searched as "1512/qd" and as "1512/QĐ".
    numbers = list(RecognitionDecision.objects.order_by("pk").values_list("number", flat=True))
    number = next(n for n in numbers if n.endswith("/QĐ-UBND")
                  and sum(n.split("-")[0] in m for m in numbers) == 1)
    accented_number = number.split("-")[0]
    lists = [*LISTS, ("/quyet-dinh-cong-nhan/", fold(accented_number), accented_number, number)]

    failures = []
    for url, bare, accented, shown in lists:
        everything = _rows(client, url, "")
        found = _rows(client, url, bare)
        if not found or not all(fold(shown) in fold(row) for row in found):
            failures.append((url, bare, found))
        # The demo has one zone and one lot; every other list has rows the query leaves out.
        if len(found) >= len(everything) and not url.startswith("/truy-xuat/"):
            failures.append((url, bare, "nothing left out"))
        if found != _rows(client, url, accented):
            failures.append((url, accented, "differs from the query without diacritics"))
        if _rows(client, url, f"{bare} khongcogiday"):
            failures.append((url, bare, "a word found nowhere still matched"))
    assert failures == [], "\n".join(map(repr, failures))

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE %s",
                           ["%gin_trgm_ops%"])
            names = {row[0] for row in cursor.fetchall()}
        assert {"registry_producer_search_text_trgm", "registry_product_search_text_trgm",
                "certificates_recognitiondecision_search_text_trgm",
                "evaluation_council_search_text_trgm", "dossiers_round_search_text_trgm",
                "trace_zone_search_text_trgm"} <= names
