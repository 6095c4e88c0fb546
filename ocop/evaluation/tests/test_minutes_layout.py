"""The council's minutes (biên bản) as a reader sees them: Decree 30/2020/NĐ-CP parts in order
and every line of text inside the page's margins."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ocop.certificates.documents import date_line
from ocop.certificates.testing import pdf_pages
from ocop.evaluation import services
from ocop.evaluation.pdf import minutes_pdf
from ocop.evaluation.tests.conftest import answers_for

pytestmark = pytest.mark.django_db

MM = 72 / 25.4


def test_minutes_layout(ev, tmp_path):
    for name, full in (("chair", ("Nguyễn Văn", "Chủ")), ("third", ("Lê Thị", "Thư"))):
        user = ev.users[name]
        user.first_name, user.last_name = full
        user.save()
    for name, target in {"chair": 75, "second": 76, "third": 74}.items():
        ev.score(name, answers_for(ev.dossier, target))
    chair = ev.members["chair"].user
    services.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    final = services.finalise(actor=chair, council=ev.council, dossier=ev.dossier)

    pages = pdf_pages(minutes_pdf(final), tmp_path)
    for page in pages:
        # A4 portrait, margins 20 mm top and bottom, 30 mm left, 15 mm right (the page number
        # sits in the bottom margin box).
        assert round(page.box.x1 / MM) == 210 and round(page.box.y1 / MM) == 297
        for line in page.lines:
            assert line.inside(page.box), line
            assert line.x0 >= 30 * MM - 1 and line.x1 <= (210 - 15) * MM + 1, line
            assert line.y0 >= 20 * MM - 1 or line.text.startswith("Trang"), line
    texts = [line.text for page in pages for line in page.lines]
    day = timezone.localdate(final.finalised_at)
    order = ["UBND HUYỆN LỤC NGẠN", "HỘI ĐỒNG ĐÁNH GIÁ,", "PHÂN HẠNG SẢN PHẨM OCOP",
             "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             f"Số: {ev.dossier.reference}/BB-HĐ", date_line("Lục Ngạn", day), "BIÊN BẢN",
             "THƯ KÝ HỘI ĐỒNG", "Lê Thị Thư", "Nơi nhận:",
             "- Ủy ban nhân dân huyện Lục Ngạn (để quyết định công nhận);",
             f"- Lưu: hồ sơ {ev.dossier.reference}."]
    positions = [next((i for i, t in enumerate(texts) if expected in t), -1)
                 for expected in order]
    assert -1 not in positions, list(zip(order, positions, strict=True))
    # Left column (issuer, number) and right column (motto, date) each read top to bottom; the
    # whole header comes before the title; then the signatures and the recipients.
    left, right = [positions[i] for i in (0, 1, 2, 5)], [positions[i] for i in (3, 4, 6)]
    assert left == sorted(left) and right == sorted(right), texts[:12]
    assert max(positions[:7]) < positions[7]
    # After the title, in this order (each looked for after the previous one).
    at = positions[7]
    for expected in order[8:]:
        at = next(i for i in range(at + 1, len(texts)) if expected in texts[i])
    # The chair signs opposite the secretary: same height, chair on the right.
    signers = {line.text: line for page in pages for line in page.lines
               if line.text in ("Nguyễn Văn Chủ", "Lê Thị Thư")}
    chair_line, secretary_line = signers["Nguyễn Văn Chủ"], signers["Lê Thị Thư"]
    assert abs(chair_line.y0 - secretary_line.y0) < 2 and chair_line.x0 > secretary_line.x1
