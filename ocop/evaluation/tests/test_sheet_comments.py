"""Comments on a score sheet (one per criterion and one on the whole sheet), online and through
the offline queue (docs/offline.md): kept with the answers, covered by the content hash, shown
to the member and, for a held copy, to the office beside the server's version — in words (the
criterion's number and title, the option's label), never as option codes."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.core.refusals import Invalid
from ocop.criteria import selectors as criteria_selectors
from ocop.evaluation import rules, selectors, services
from ocop.evaluation.models import ScoreSheet, SheetSubmission
from ocop.evaluation.tests.conftest import answers_for

pytestmark = pytest.mark.django_db


def _sheet(ev, answers, comments=None, comment=""):
    base = selectors.sheet_base(ev.dossier, selectors.current_assignment(ev.dossier))
    return {"client_id": str(uuid.uuid4()), "base": base, "answers": answers,
            "comments": comments or {}, "comment": comment,
            "content_hash": rules.sheet_hash(answers, comments or {}, comment)}


def _receive(ev, name, payload):
    return services.receive_sheet(
        actor=ev.members[name].user, dossier_id=ev.dossier.pk, client_id=payload["client_id"],
        base=payload["base"], answers=payload["answers"], content_hash=payload["content_hash"],
        comments=payload["comments"], comment=payload["comment"])


def test_the_hash_without_comments_is_the_old_answers_hash():
    # Sheets queued on a device before comments existed must still verify.
    assert rules.sheet_hash({"a": "1"}, {}, "") == rules.answers_hash({"a": "1"})
    assert rules.sheet_hash({"a": "1"}, {"a": ""}, "") == rules.answers_hash({"a": "1"})


def test_the_hash_with_comments_is_the_scripts_canonical_json():
    # What queue.js's stable() builds: keys sorted at every level, no spaces, UTF-8 kept.
    text = '{"answers":{"a":"1","b":"2"},"comment":"Tốt","comments":{"a":"Rõ ràng"}}'
    assert rules.sheet_hash({"b": "2", "a": "1"}, {"a": "Rõ ràng", "b": ""}, "Tốt") == \
        hashlib.sha256(text.encode()).hexdigest()


def test_comments_travel_with_the_sheet_and_a_replay_is_one(ev):
    answers = answers_for(ev.dossier, 72)
    code = next(iter(answers))
    payload = _sheet(ev, answers, {code: "  Nhãn rõ, có mã truy xuất  "}, "Sản phẩm ổn định")
    first = _receive(ev, "second", payload)
    again = _receive(ev, "second", payload)
    assert first.accepted and again.replayed
    sheet = ScoreSheet.objects.get(member=ev.members["second"])
    assert sheet.comments == {code: "Nhãn rõ, có mã truy xuất"}
    assert sheet.comment == "Sản phẩm ổn định"
    assert SheetSubmission.objects.count() == 1


def test_a_comment_changed_after_submit_is_refused(ev):
    answers = answers_for(ev.dossier, 72)
    payload = _sheet(ev, answers, comment="Đạt")
    with pytest.raises(Invalid) as exc:
        _receive(ev, "second", {**payload, "comment": "Không đạt"})
    assert exc.value.code == "evaluation.hash_mismatch"
    assert not SheetSubmission.objects.exists()


@pytest.mark.parametrize("comments, comment, field", [
    ({"khong-co": "x"}, "", "khong-co"),
    ({}, "x" * (services.COMMENT_MAX + 1), "comment"),
    ({}, "<script>alert(1)</script>", "comment"),
])
def test_bad_comments_are_refused_with_a_message_and_nothing_stored(ev, comments, comment,
                                                                     field):
    payload = _sheet(ev, answers_for(ev.dossier, 72), comments, comment)
    with pytest.raises(Invalid) as exc:
        _receive(ev, "second", payload)
    assert field in exc.value.fields and exc.value.message
    assert not SheetSubmission.objects.exists()
    assert not ScoreSheet.objects.filter(member=ev.members["second"]).exists()


def test_the_page_saves_comments_in_the_draft_and_shows_them_only_to_their_author(ev):
    answers = answers_for(ev.dossier, 72)
    code = next(iter(answers))
    member = login_client(ev.members["second"].user)
    url = reverse("evaluation:score", args=[ev.dossier.pk])
    response = member.post(url, {f"c-{code}": answers[code], f"n-{code}": "Thiếu tem nhãn",
                                 "comment": "Cần bổ sung hồ sơ"})
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(member=ev.members["second"])
    assert sheet.comments == {code: "Thiếu tem nhãn"} and sheet.comment == "Cần bổ sung hồ sơ"
    page = member.get(url).content.decode()
    assert "Thiếu tem nhãn" in page and "Cần bổ sung hồ sơ" in page
    # Clearing a comment in the draft removes it.
    member.post(url, {f"n-{code}": "", "comment": ""})
    sheet.refresh_from_db()
    assert sheet.comments == {} and sheet.comment == ""
    # Blind scoring: another member's page never carries this member's words.
    services.save_draft(actor=ev.members["second"].user, dossier=ev.dossier, answers={},
                        comments={code: "Ý kiến riêng của thành viên"})
    other = login_client(ev.members["chair"].user).get(url).content.decode()
    assert "Ý kiến riêng của thành viên" not in other


def test_the_page_form_submits_its_comments(ev):
    answers = answers_for(ev.dossier, 72)
    code = next(iter(answers))
    base = selectors.sheet_base(ev.dossier, selectors.current_assignment(ev.dossier))
    form = {f"c-{k}": v for k, v in answers.items()} | {
        f"n-{code}": "Ghi chú", "comment": "Chung", "client_id": str(uuid.uuid4()),
        **{f"base_{k}": v for k, v in base.items()}}
    response = login_client(ev.members["second"].user).post(
        reverse("evaluation:submit", args=[ev.dossier.pk]), form)
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(member=ev.members["second"])
    assert sheet.state == "submitted" and sheet.comments == {code: "Ghi chú"}
    assert sheet.comment == "Chung"


def test_the_held_list_shows_both_versions_in_words_with_their_comments(ev):
    engine_set = criteria_selectors.engine_set(ev.dossier.criteria_set)
    first = answers_for(ev.dossier, 90)
    code = next(iter(first))
    criterion = engine_set.criterion(code)
    other_option = next(o for o in criterion.options if o.code != first[code])
    late = {**first, code: other_option.code}
    # The member submitted online, then an older copy from the device arrives: held.
    assert _receive(ev, "second", _sheet(ev, first, {code: "Bản trên máy chủ"}, "Chung A")).accepted
    held = _receive(ev, "second", _sheet(ev, late, {code: "Bản trên máy"}, "Chung B"))
    assert held.submission.reason_code == "already_submitted"
    assert held.submission.server["sheet_comments"] == {code: "Bản trên máy chủ"}

    page = login_client(ev.users["province_office"]).get(
        reverse("evaluation:held", args=[ev.council.pk])).content.decode()
    chosen = next(o for o in criterion.options if o.code == first[code])
    assert criterion.label_vi in page
    assert other_option.label_vi in page and chosen.label_vi in page
    assert "Bản trên máy chủ" in page and "Bản trên máy" in page
    assert "Chung A" in page and "Chung B" in page
    # No "code=option" pairs any more.
    assert f"{code}={late[code]}" not in page and f"{code}={first[code]}" not in page
    row = selectors.held_rows(ev.council)[0]
    line = next(line for line in row.lines if line.number == code)
    assert line.differs and line.mine == other_option.label_vi and line.server == chosen.label_vi
    assert row.differences == 1


def test_the_secretary_imports_comments_too(ev):
    answers = answers_for(ev.dossier, 72)
    code = next(iter(answers))
    item = {**_sheet(ev, answers, {code: "Từ tệp"}, "Nhận xét từ tệp"), "dossier": ev.dossier.pk}
    data = {"kind": services.EXPORT_KIND, "username": ev.members["second"].user.username,
            "items": [item]}
    login_client(ev.users["province_office"]).post(
        reverse("evaluation:held", args=[ev.council.pk]),
        {"file": SimpleUploadedFile("p.json", json.dumps(data).encode(), "application/json")})
    sheet = ScoreSheet.objects.get(member=ev.members["second"])
    assert sheet.comments == {code: "Từ tệp"} and sheet.comment == "Nhận xét từ tệp"


def test_a_held_page_form_copy_is_shown_in_words_too(ev):
    # The page's form sends its base versions as text.
    answers = answers_for(ev.dossier, 72)
    base = selectors.sheet_base(ev.dossier, selectors.current_assignment(ev.dossier))
    form = {f"c-{k}": v for k, v in answers.items()} | {
        "client_id": str(uuid.uuid4()), **{f"base_{k}": str(v) for k, v in base.items()}}
    for name in ("chair", "third"):
        ev.score(name, answers_for(ev.dossier, 70))
    services.close_scoring(actor=ev.members["chair"].user, council=ev.council, dossier=ev.dossier)
    response = login_client(ev.members["second"].user).post(
        reverse("evaluation:submit", args=[ev.dossier.pk]), form)
    assert response.status_code == 409
    row = selectors.held_rows(ev.council)[0]
    engine_set = criteria_selectors.engine_set(ev.dossier.criteria_set)
    code = next(iter(answers))
    line = next(line for line in row.lines if line.number == code)
    assert line.mine == next(o.label_vi for o in engine_set.criterion(code).options
                             if o.code == answers[code])
    assert line.server == "" and line.title == engine_set.criterion(code).label_vi


def test_the_chair_reads_the_comments_only_once_the_revision_is_closed(ev):
    code = criteria_selectors.engine_set(ev.dossier.criteria_set).criteria[0].code
    title = criteria_selectors.engine_set(ev.dossier.criteria_set).criteria[0].label_vi
    payload = _sheet(ev, answers_for(ev.dossier, 72), {code: "Nhãn thiếu hạn dùng"},
                     "Cần bổ sung hồ sơ nhãn")
    _receive(ev, "second", payload)
    chair = login_client(ev.members["chair"].user)
    url = reverse("evaluation:summary", args=[ev.council.pk, ev.dossier.pk])
    page = chair.get(url).content.decode()
    assert "Nhãn thiếu hạn dùng" not in page and "Cần bổ sung hồ sơ nhãn" not in page
    ev.score("chair", answers_for(ev.dossier, 70))
    ev.score("third", answers_for(ev.dossier, 72))
    services.close_scoring(actor=ev.members["chair"].user, council=ev.council,
                           dossier=ev.dossier)
    page = chair.get(url).content.decode()
    assert "Nhận xét của thành viên" in page
    assert "Cần bổ sung hồ sơ nhãn" in page and "Nhãn thiếu hạn dùng" in page
    assert f"{code} {title}" in page
    producer = login_client(ev.users["producer"])
    result = producer.get(reverse("evaluation:result", args=[ev.dossier.pk])).content.decode()
    assert "Nhãn thiếu hạn dùng" not in result
