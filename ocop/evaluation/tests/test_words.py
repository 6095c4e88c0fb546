"""Council pages and minutes name members and criteria, and write numbers one way."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.contrib.messages import get_messages

from ocop.accounts.testing import login_client
from ocop.criteria import selectors as criteria_selectors
from ocop.evaluation import services
from ocop.evaluation.tests.conftest import answers_for

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "m.pdf"
    path.write_bytes(content)
    text = subprocess.run([shutil.which("pdftotext") or "pdftotext", str(path), "-"],  # noqa: S603
                          capture_output=True, check=True, text=True).stdout
    return " ".join(text.split())


def test_minutes_name_members_with_their_roles_and_write_decimal_commas(ev, tmp_path):
    for name, target in {"chair": 62, "second": 60, "third": 64}.items():
        ev.score(name, answers_for(ev.dossier, target))
    chair = ev.members["chair"].user
    services.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    final = services.finalise(actor=chair, council=ev.council, dossier=ev.dossier)
    line = next(x for x in final.data["explanation_vi"] if x.startswith("Điểm từng thành viên"))
    assert "Chair (Chủ tịch hội đồng): " in line and "Third (Thành viên, thư ký): " in line
    for member in ev.members.values():
        assert f"{member.pk}: " not in line
    text = _pdf_text(final.minutes.read(), tmp_path)
    assert "Chair (Chủ tịch hội đồng): " in text
    assert ev.dossier.criteria_set.title_vi in text
    mean = f"{final.mean:.2f}"
    assert mean.replace(".", ",") in text and mean not in text


def test_incomplete_sheet_gives_one_message_naming_each_missing_criterion(ev):
    answers = answers_for(ev.dossier, 60)
    first = next(iter(answers))
    client = login_client(ev.members["second"].user)
    response = client.post(f"/cham-diem/{ev.dossier.pk}/nop/", {f"c-{first}": answers[first]})
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(shown) == 1, shown
    criteria = criteria_selectors.engine_set(ev.dossier.criteria_set).criteria
    missing = [c for c in criteria if c.code != first]
    assert shown[0].startswith(f"Phiếu còn {len(missing)} tiêu chí chưa chấm: ")
    for criterion in missing:
        assert shown[0].count(f"{criterion.code} {criterion.label_vi}") == 1
    assert "no answer given" not in shown[0]
