"""Excel exports and council work: the council list's export, and the dossier list exported by
council members — only the dossiers assigned to them without a conflict of interest, and no
score of anyone (blind scoring holds in files too)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.dossiers import services as dossier_services
from ocop.dossiers.testing import submitted
from ocop.evaluation import services
from ocop.evaluation.tests.conftest import answers_for
from ocop.jobs.testing import export_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(ev):
    """A second dossier (another producer) given to the same council; the second member
    declares a conflict of interest with it. The second member has submitted a sheet on the
    first dossier, whose total nobody else may learn."""
    other = submitted(ev.cycle, position="other_producer")
    dossier_services.accept(actor=None, dossier=other)
    other.refresh_from_db()
    services.assign_dossiers(actor=ev.cycle.users["province_office"], council=ev.council,
                             dossiers_to_assign=[other])
    other.refresh_from_db()
    second = ev.members["second"]
    services.declare_conflict(actor=second.user, member=second, dossier=other, declared=True,
                              reason="Người thân của chủ thể")
    ev.score("second", answers_for(ev.dossier, 71))
    ev.other = other
    return ev


def _flat(out) -> list:
    return [v for row in out.rows for v in row if v is not None]


@pytest.mark.parametrize(("who", "expected"), [
    ("chair", {"dossier", "other"}),
    ("second", {"dossier"}),  # declared a conflict with the other one
    ("outsider", set()),  # a council member who sits on no council
])
def test_council_members_export_only_their_conflict_free_dossiers(
        two, client, who, expected, django_capture_on_commit_callbacks):
    refs = {"dossier": two.dossier.reference, "other": two.other.reference}
    login_client(two.users[who], client)
    out = export_rows(client, django_capture_on_commit_callbacks, "dossiers.dossiers")
    assert set(out.column("Số hồ sơ")) == {refs[k] for k in expected}
    # No council figure: the only score column is the producer's self-assessment.
    assert [h for h in out.header if "Điểm" in h or "điểm" in h] == ["Điểm tự chấm"]
    secret = two.members["second"].sheets.get().total
    assert two.dossier.self_score != secret
    assert secret not in {v for v in _flat(out) if not isinstance(v, str)}
    assert str(secret) not in " ".join(str(v) for v in _flat(out))


def test_council_list_export_for_the_office_and_the_members(
        two, client, django_capture_on_commit_callbacks):
    login_client(two.users["province_office"], client)
    out = export_rows(client, django_capture_on_commit_callbacks, "evaluation.councils")
    assert out.header == ["Hội đồng", "Quyết định thành lập", "Cấp", "Đợt đánh giá", "Năm",
                          "Số thành viên", "Số hồ sơ", "Ngày thành lập"]
    row = dict(zip(out.header, out.rows[0], strict=True))
    assert len(out.rows) == 1
    assert row["Hội đồng"] == "Hội đồng đánh giá huyện Lục Ngạn 2024"
    assert row["Cấp"] == "Cấp huyện"  # the label, never "district"
    assert (row["Số thành viên"], row["Số hồ sơ"]) == (4, 2)
    # A member gets the councils they sit on, with the same figures and no score.
    login_client(two.users["second"], client)
    member = export_rows(client, django_capture_on_commit_callbacks, "evaluation.councils")
    assert member.rows == out.rows


@pytest.mark.parametrize("who", ["other_province_office", "outsider", "producer",
                                 "commune_officer"])
def test_council_list_export_holds_no_council_outside_the_reach(
        two, client, who, django_capture_on_commit_callbacks):
    login_client(two.users[who], client)
    out = export_rows(client, django_capture_on_commit_callbacks, "evaluation.councils")
    assert out.rows == []
    assert out.info["Số dòng"] == 0


def test_council_list_export_keeps_the_search(two, client, django_capture_on_commit_callbacks):
    login_client(two.users["central"], client)
    found = export_rows(client, django_capture_on_commit_callbacks, "evaluation.councils",
                        "q=luc+ngan")
    assert len(found.rows) == 1 and found.info["Bộ lọc"] == "Tìm kiếm: luc ngan"
    none = export_rows(client, django_capture_on_commit_callbacks, "evaluation.councils",
                       "q=khong+co+hoi+dong+nay")
    assert none.rows == []


def test_council_list_offers_the_export_with_its_search(two, client):
    login_client(two.users["province_office"], client)
    page = client.get(reverse("evaluation:councils") + "?q=luc+ngan").content.decode()
    action = reverse("jobs:export", args=["evaluation.councils"]) + "?q=luc+ngan"
    assert f'action="{action}"' in page
    assert 'type="submit">Xuất Excel</button>' in page
