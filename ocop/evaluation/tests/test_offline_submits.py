"""Submits from a device (docs/offline.md): one record per client id under a replay (the
database constraint, not a pre-check), conflicts kept with both versions (409), tampered copies
refused, members who left or recused refused, old queued items held, the page form, the JSON
endpoint, the secretary's list and import."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.testing import login_client
from ocop.core.refusals import Invalid, NotFound
from ocop.dossiers.models import DossierVersion
from ocop.evaluation import rules, selectors, services
from ocop.evaluation.models import MemberRole, ScoreSheet, SheetSubmission
from ocop.evaluation.tests.conftest import answers_for

pytestmark = pytest.mark.django_db


def _payload(ev, answers, **more):
    page_base = selectors.sheet_base(ev.dossier, selectors.current_assignment(ev.dossier))
    return {"client_id": str(uuid.uuid4()), "base": page_base, "answers": answers,
            "content_hash": rules.answers_hash(answers), **more}


def _receive(ev, name, payload, **more):
    user = ev.members[name].user if name in ev.members else ev.users[name]
    return services.receive_sheet(actor=user, dossier_id=ev.dossier.pk,
                                  client_id=payload["client_id"], base=payload["base"],
                                  answers=payload["answers"],
                                  content_hash=payload["content_hash"], **more)


def _close(ev, *, with_sheets=("chair", "third")):
    for name in with_sheets:
        ev.score(name, answers_for(ev.dossier, 70))
    services.close_scoring(actor=ev.members["chair"].user, council=ev.council, dossier=ev.dossier)


def test_hash_matches_the_scripts_canonical_json():
    # What queue.js builds: keys sorted, empty answers left out, no spaces.
    assert rules.canonical_answers({"b": "2", "a": "1"}) == '{"a":"1","b":"2"}'
    assert len(rules.answers_hash({"a": "1"})) == 64


def test_a_replayed_submit_is_one_record_and_one_sheet(ev):
    payload = _payload(ev, answers_for(ev.dossier, 72))
    first = _receive(ev, "second", payload)
    again = _receive(ev, "second", payload)
    assert first.accepted and not first.replayed
    assert again.accepted and again.replayed
    assert again.submission.pk == first.submission.pk
    assert SheetSubmission.objects.filter(client_id=payload["client_id"]).count() == 1
    sheet = ScoreSheet.objects.get(member=ev.members["second"], dossier=ev.dossier)
    assert sheet.state == ScoreSheet.State.SUBMITTED and sheet.answers == payload["answers"]


def test_the_database_refuses_a_second_row_for_a_client_id(ev):
    """The idempotency is the table's constraint: a writer that skipped the service's handling
    still cannot store the same submit twice."""
    payload = _payload(ev, answers_for(ev.dossier, 72))
    row = _receive(ev, "second", payload).submission
    with pytest.raises(IntegrityError):
        SheetSubmission.objects.create(client_id=row.client_id, user=row.user,
                                       dossier=row.dossier, via="offline", outcome="accepted")


def test_same_client_id_with_other_answers_is_refused(ev):
    payload = _payload(ev, answers_for(ev.dossier, 72))
    _receive(ev, "second", payload)
    other = answers_for(ev.dossier, 60)
    with pytest.raises(Invalid) as exc:
        _receive(ev, "second", {**payload, "answers": other,
                                "content_hash": rules.answers_hash(other)})
    assert exc.value.code == "evaluation.client_id_reused"


def test_a_tampered_copy_is_refused_and_nothing_stored(ev):
    payload = _payload(ev, answers_for(ev.dossier, 72))
    tampered = dict(payload["answers"])
    code = next(iter(tampered))
    tampered[code] = "x-" + tampered[code]
    with pytest.raises(Invalid) as exc:
        _receive(ev, "second", {**payload, "answers": tampered})
    assert exc.value.code == "evaluation.hash_mismatch"
    assert not SheetSubmission.objects.exists()
    assert not ScoreSheet.objects.filter(member=ev.members["second"]).exists()


def test_after_the_chair_closed_the_revision_the_copy_is_kept_with_both_versions(ev):
    payload = _payload(ev, answers_for(ev.dossier, 90))
    _close(ev)
    receipt = _receive(ev, "second", payload)
    row = receipt.submission
    assert not receipt.accepted and row.reason_code == "revision_closed"
    assert row.answers == payload["answers"] and row.base == payload["base"]
    assert row.server["revision"] == 1 and row.server["sheet_state"] == "none"
    assert not ScoreSheet.objects.filter(member=ev.members["second"]).exists()
    # The replay answers the same conflict, without a second row.
    assert _receive(ev, "second", payload).replayed
    assert SheetSubmission.objects.count() == 1


def test_a_second_submit_never_overwrites_the_first(ev):
    first = _payload(ev, answers_for(ev.dossier, 72))
    _receive(ev, "second", first)
    second = _payload(ev, answers_for(ev.dossier, 40))
    receipt = _receive(ev, "second", second)
    assert receipt.submission.reason_code == "already_submitted"
    assert receipt.submission.server["sheet_answers"] == first["answers"]
    sheet = ScoreSheet.objects.get(member=ev.members["second"], dossier=ev.dossier)
    assert sheet.answers == first["answers"]


def test_a_changed_dossier_or_a_new_revision_is_a_conflict(ev):
    payload = _payload(ev, answers_for(ev.dossier, 72))
    number = selectors.dossier_version(ev.dossier) + 1
    DossierVersion.objects.create(dossier=ev.dossier, number=number, snapshot={})
    assert _receive(ev, "second", payload).submission.reason_code == "dossier_changed"
    stale = _payload(ev, answers_for(ev.dossier, 72))
    stale["base"] = {**stale["base"], "revision": 0}
    assert _receive(ev, "second", stale).submission.reason_code == "revision_changed"


def test_recused_and_no_longer_scoring_members_are_refused_and_kept(ev):
    payload = _payload(ev, answers_for(ev.dossier, 72))
    services.declare_conflict(actor=ev.members["second"].user, member=ev.members["second"],
                              dossier=ev.dossier, declared=True, reason="Người thân")
    assert _receive(ev, "second", payload).submission.reason_code == "recused"
    member = ev.members["third"]
    member.role = MemberRole.ADVISOR  # removed from the scoring members
    member.save(update_fields=["role"])
    assert _receive(ev, "third", _payload(ev, payload["answers"])).submission.reason_code \
        == "no_longer_scoring"
    assert SheetSubmission.objects.filter(outcome="conflict").count() == 2
    assert not ScoreSheet.objects.filter(state="submitted").exists()


def test_a_stranger_gets_not_found_and_nothing_is_stored(ev):
    payload = _payload(ev, answers_for(ev.dossier, 72))
    with pytest.raises(NotFound):
        _receive(ev, "outsider", payload)
    assert not SheetSubmission.objects.exists()


def test_an_old_queued_item_is_held(ev):
    payload = _payload(ev, answers_for(ev.dossier, 72))
    old = timezone.now() - rules.MAX_QUEUED_AGE - timedelta(hours=1)
    receipt = _receive(ev, "second", payload, captured_at=old)
    assert receipt.submission.reason_code == "too_old"
    recent = _receive(ev, "third", _payload(ev, payload["answers"]),
                      captured_at=timezone.now() - timedelta(days=3))
    assert recent.accepted


# --- HTTP ------------------------------------------------------------------------------------


def _post_json(client, ev, payload):
    return client.post(reverse("evaluation:submit_json", args=[ev.dossier.pk]),
                       data=json.dumps(payload), content_type="application/json")


def test_json_endpoint_accepts_replays_and_answers_409_with_both_versions(ev):
    client = login_client(ev.members["second"].user)
    payload = _payload(ev, answers_for(ev.dossier, 72))
    first = _post_json(client, ev, payload)
    assert first.status_code == 200 and first.json()["outcome"] == "accepted"
    again = _post_json(client, ev, payload)
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert ScoreSheet.objects.filter(member=ev.members["second"], state="submitted").count() == 1
    third = login_client(ev.members["third"].user)
    late = _payload(ev, answers_for(ev.dossier, 50))
    _close(ev, with_sheets=("chair",))
    response = _post_json(third, ev, late)
    assert response.status_code == 409
    body = response.json()
    assert "khoá lượt chấm" in body["message"] and body["base"] == late["base"]
    assert body["server"]["revision"] == 1


def test_json_endpoint_refusals(ev):
    client = login_client(ev.members["second"].user)
    payload = _payload(ev, answers_for(ev.dossier, 72))
    bad = _post_json(client, ev, {**payload, "content_hash": "0" * 64})
    assert bad.status_code == 422 and "mã kiểm tra" in bad.json()["message"]
    incomplete = dict(list(payload["answers"].items())[:3])
    short = _post_json(client, ev, _payload(ev, incomplete))
    assert short.status_code == 422
    outsider = login_client(ev.users["outsider"])
    assert _post_json(outsider, ev, payload).status_code == 404
    anonymous = _post_json(client.__class__(), ev, payload)
    assert anonymous.status_code == 302
    assert not SheetSubmission.objects.exists()


def test_page_form_double_post_is_one_submission_and_late_is_409(ev):
    client = login_client(ev.members["second"].user)
    page = client.get(reverse("evaluation:score", args=[ev.dossier.pk]))
    base = page.context["base"]
    form = {f"c-{k}": v for k, v in answers_for(ev.dossier, 72).items()}
    form.update({"client_id": str(page.context["client_id"]),
                 **{f"base_{k}": v for k, v in base.items()}})
    url = reverse("evaluation:submit", args=[ev.dossier.pk])
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # the same rendered form again
    assert SheetSubmission.objects.count() == 1
    third = login_client(ev.members["third"].user)
    third_page = third.get(reverse("evaluation:score", args=[ev.dossier.pk]))
    late = {**form, "client_id": str(third_page.context["client_id"])}
    _close(ev, with_sheets=("chair",))
    response = third.post(url, late)
    assert response.status_code == 409
    assert "khoá lượt chấm" in response.content.decode()
    assert SheetSubmission.objects.get(user=ev.members["third"].user).outcome == "conflict"


def test_offline_manifest_lists_only_own_non_conflicted_dossiers(ev):
    client = login_client(ev.members["second"].user)
    data = client.get(reverse("evaluation:offline_manifest")).json()
    assert [d["dossier"] for d in data["dossiers"]] == [ev.dossier.pk]
    # Each evidence file with its size, so the device keeps within its room and the limit.
    sizes = {reverse("evaluation:evidence", args=[ev.dossier.pk, d.pk]): d.size
             for d in ev.dossier.documents.exclude(file="")}
    assert {e["url"]: e["size"] for e in data["dossiers"][0]["evidence"]} == sizes
    assert data["evidence_limit"] == selectors.OFFLINE_EVIDENCE_MAX
    services.declare_conflict(actor=ev.members["second"].user, member=ev.members["second"],
                              dossier=ev.dossier, declared=True, reason="Người thân")
    assert client.get(reverse("evaluation:offline_manifest")).json()["dossiers"] == []
    assert login_client(ev.users["outsider"]).get(
        reverse("evaluation:offline_manifest")).json()["dossiers"] == []


def test_service_worker_is_served_from_the_members_scope(client):
    response = client.get(reverse("evaluation:service_worker"))
    assert response.status_code == 200 and b"OcopQueue" in response.content
    assert response["Content-Type"].startswith("text/javascript")


# --- The secretary ---------------------------------------------------------------------------


def _export_file(ev, name, items):
    data = {"kind": services.EXPORT_KIND, "username": ev.members[name].user.username,
            "items": [{**i, "dossier": ev.dossier.pk} for i in items]}
    return SimpleUploadedFile("phieu.json", json.dumps(data).encode(), "application/json")


def test_held_list_and_import_for_the_office_only(ev):
    office = login_client(ev.users["province_office"])
    url = reverse("evaluation:held", args=[ev.council.pk])
    accepted = _payload(ev, answers_for(ev.dossier, 72))
    response = office.post(url, {"file": _export_file(ev, "second", [accepted])})
    assert response.status_code == 200
    assert ScoreSheet.objects.get(member=ev.members["second"]).state == "submitted"
    row = SheetSubmission.objects.get()
    assert row.via == "import" and row.imported_by == ev.users["province_office"]
    # Importing the same file again changes nothing.
    office.post(url, {"file": _export_file(ev, "second", [accepted])})
    assert SheetSubmission.objects.count() == 1
    _close(ev, with_sheets=("chair",))
    late = _payload(ev, answers_for(ev.dossier, 50))
    office.post(url, {"file": _export_file(ev, "third", [late])})
    listing = office.get(url).content.decode()
    assert "khoá lượt chấm" in listing and ev.dossier.reference in listing
    for name in ("second", "chair", "outsider"):
        assert login_client(ev.members[name].user if name in ev.members
                            else ev.users[name]).get(url).status_code == 404
    bad = office.post(url, {"file": SimpleUploadedFile("x.json", b"not json")})
    assert "Tệp không đọc được" in bad.content.decode()


def test_the_queue_must_send_its_base_versions(ev):
    payload = _payload(ev, answers_for(ev.dossier, 72))
    with pytest.raises(Invalid) as exc:
        _receive(ev, "second", {**payload, "base": {"revision": 1}})
    assert exc.value.code == "evaluation.base_missing"


MATRIX_ROLES = ("producer", "commune_officer", "province_office", "central", "chair", "second",
                "advisor", "outsider")


@pytest.mark.parametrize("role", MATRIX_ROLES)
def test_permission_matrix_of_the_offline_pages(ev, role):
    """Roles × the new pages: the held list is the office's (the province's and nation-wide
    accounts that manage the round); the evidence file, the JSON submit and the device's list
    are a scoring member's own."""
    user = ev.members[role].user if role in ev.members else ev.users[role]
    client = login_client(user)
    held = client.get(reverse("evaluation:held", args=[ev.council.pk])).status_code
    managers = {"province_office", "central"}
    assert (held == 200) == (role in managers), held
    if role not in managers:
        assert held == 404
    document = ev.dossier.documents.exclude(file="").first()
    evidence = client.get(reverse("evaluation:evidence", args=[ev.dossier.pk, document.pk]))
    scorers = {"chair", "second"}
    assert evidence.status_code == (200 if role in scorers else 404)
    listed = client.get(reverse("evaluation:offline_manifest")).json()["dossiers"]
    assert bool(listed) == (role in scorers)
    response = _post_json(client, ev, _payload(ev, answers_for(ev.dossier, 72)))
    # An advisor sits on the council (knows the dossier) but does not score: a conflict kept
    # for the office, like a member taken off the scoring.
    expected = 200 if role in scorers else 409 if role == "advisor" else 404
    assert response.status_code == expected
    anonymous = client.__class__()
    for name, args in (("held", [ev.council.pk]), ("offline_manifest", []),
                       ("evidence", [ev.dossier.pk, document.pk])):
        assert anonymous.get(reverse(f"evaluation:{name}", args=args)).status_code == 302
