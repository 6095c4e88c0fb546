"""The API, the command line and the page give the same result for the same answers; set
versions are stored, superseded and locked as documented."""

import io
import json
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from ocop.criteria import selectors, services
from ocop.criteria.engine import CriteriaSetError, load_set_file, shipped_sets_dir
from ocop.criteria.models import CriteriaSetVersion

SET_148 = "148-rau-cu-qua-hat-tuoi-minh-hoa"
SET_1048 = "1048-rau-cu-qua-hat-tuoi"
pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped():
    return services.load_shipped_sets()


def _answers(code: str, pick: int) -> dict[str, str]:
    _, cs = selectors.load(code)
    return {c.code: c.options[min(pick, len(c.options) - 1)].code for c in cs.criteria}


def _post(client, url: str, body) -> object:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


def test_list_and_detail(client, shipped):
    call_command("load_classification", verbosity=0)
    listed = {s["code"]: s for s in client.get("/api/v1/criteria-sets").json()}
    assert {SET_148, SET_1048, "148-mat-ong-minh-hoa"} <= set(listed) and len(listed) == 27
    assert listed["148-mat-ong-minh-hoa"]["product_sets"] == ["1048-04"]
    assert listed[SET_148]["product_sets"] == ["1048-01"]  # bound by its 148 sub-group
    detail = client.get(f"/api/v1/criteria-sets/{SET_1048}").json()
    assert detail["status"] == "reconstructed"
    assert len(detail["sheet"]["criteria"]) == 31
    assert client.get("/api/v1/criteria-sets/khong-co").status_code == 404


def test_api_command_and_page_agree(client, shipped, tmp_path):
    answers = _answers(SET_148, 2)
    api = _post(
        client, f"/api/v1/criteria-sets/{SET_148}/evaluate", {"answers": answers, "partial": True}
    ).json()

    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    out = io.StringIO()
    call_command("score", "--set", SET_148, str(path), "--partial", stdout=out)
    assert json.loads(out.getvalue()) == api

    page = client.post(
        f"/tieu-chi/{SET_148}/", {f"c-{k}": v for k, v in answers.items()}, HTTP_HX_REQUEST="true"
    )
    assert page.status_code == 200
    assert page.context["result"] == api
    # Vietnamese decimal comma on the page, a point in the JSON.
    shown = api["total"].replace(".", ",")
    assert f"{shown} <small>/ 100</small>" in page.content.decode()


def test_evaluate_full_sheet_gives_advice_that_reaches_next_star(client, shipped):
    answers = _answers(SET_1048, 1)
    body = _post(client, f"/api/v1/criteria-sets/{SET_1048}/evaluate", {"answers": answers}).json()
    advice = body["advice"]
    assert advice["target_stars"] == body["stars"] + 1
    assert advice["reachable"]
    improved = dict(answers) | {c["criterion"]: c["suggested_option"] for c in advice["changes"]}
    again = _post(client, f"/api/v1/criteria-sets/{SET_1048}/evaluate", {"answers": improved})
    assert again.json()["stars"] >= advice["target_stars"]


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ('{"answers": {"A1": "a", "A1": "b"}}', 400, "duplicate key 'A1'"),
        ("{not json", 400, "malformed JSON"),
        ({"answers": {"ZZ9": "a"}, "partial": True}, 422, "ZZ9"),
        ({"answers": {}, "partial": False}, 422, "no answer given"),
        ({"answers": {}, "extra": 1}, 400, "unknown field 'extra'"),
    ],
)
def test_bad_evaluate_requests_name_the_problem(client, shipped, body, status, needle):
    response = _post(client, f"/api/v1/criteria-sets/{SET_148}/evaluate", body)
    assert response.status_code == status
    assert needle in json.dumps(response.json(), ensure_ascii=False)


def test_unknown_option_is_named(client, shipped):
    answers = _answers(SET_148, 0)
    first = next(iter(answers))
    answers[first] = "khong-co"
    body = _post(client, f"/api/v1/criteria-sets/{SET_148}/evaluate", {"answers": answers}).json()
    assert body["code"] == "criteria.not_scorable"
    texts = " ".join(p["message"] for p in body["fields"])
    assert first in texts and "khong-co" in texts


def test_council_aggregate_endpoint(client, shipped):
    members = [
        {"member_id": "chu-tich", "answers": _answers(SET_148, 3), "is_chair": True},
        {"member_id": "uy-vien-1", "answers": _answers(SET_148, 3)},
        {"member_id": "uy-vien-2", "answers": _answers(SET_148, 0)},
        {"member_id": "uy-vien-3", "answers": _answers(SET_148, 3), "conflicted": True},
    ]
    body = {"criteria_set": SET_148, "council": {"size": 4}, "members": members}
    result = _post(client, "/api/v1/councils/aggregate", body).json()
    assert result["quorum_met"] is True  # 3 of 4 present and not conflicted, chair included
    assert result["rescore_required"] is True  # the lowest and highest picks differ by > 10
    assert set(result["counted"]) == {"chu-tich", "uy-vien-1", "uy-vien-2"}
    assert {"member_id": "uy-vien-3", "reason": "conflicted"} in result["excluded"]
    body["members"][0]["present"] = False
    no_chair = _post(client, "/api/v1/councils/aggregate", body).json()
    assert no_chair["quorum_met"] is False


def test_import_supersedes_and_locks(shipped, tmp_path):
    source = yaml.safe_load((shipped_sets_dir() / f"{SET_148}.yaml").read_text())
    source["version"] = 2
    source["legal_basis"]["effective_from"] = "2025-07-06"
    source["legal_basis"]["decision"] = "1489/QĐ-TTg"
    path = tmp_path / "v2.yaml"
    path.write_text(yaml.safe_dump(source, allow_unicode=True))
    call_command("criteria", "import", str(path), stdout=io.StringIO())
    v1 = CriteriaSetVersion.objects.get(code=SET_148, version=1)
    assert str(v1.effective_to) == "2025-07-05"
    assert selectors.get_version(SET_148).version == 2
    assert selectors.get_version(f"{SET_148}@v1").version == 1

    services.lock_version(version=v1)
    changed = load_set_file(shipped_sets_dir() / f"{SET_148}.yaml")
    changed_data = services.canonical_data(changed)
    changed_data["title_vi"] = "Tên khác"
    from ocop.criteria.engine import validate_set

    with pytest.raises(CriteriaSetError, match="already used for scoring"):
        services.import_set(criteria_set=validate_set(changed_data, source="edited"))
    # Re-importing identical content is a no-op, even when locked.
    assert services.import_set(criteria_set=changed)[1] is False


def test_broken_set_file_is_rejected_by_the_command(tmp_path):
    data = yaml.safe_load((shipped_sets_dir() / f"{SET_1048}.yaml").read_text())
    data["criteria"][1]["code"] = data["criteria"][0]["code"]
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(CommandError) as err:
        call_command("criteria", "validate", str(path))
    assert "broken.yaml" in str(err.value)
    assert data["criteria"][0]["code"] in str(err.value)
    assert not CriteriaSetVersion.objects.exists()


def test_excel_export_and_import_round_trip(shipped, tmp_path):
    out = tmp_path / "sheet.xlsx"
    call_command("criteria", "export-xlsx", SET_1048, str(out), stdout=io.StringIO())
    cs = services.parse_upload(out.name, out.read_bytes())
    assert services.canonical_data(cs) == CriteriaSetVersion.objects.get(code=SET_1048).data


def test_page_lists_sets_in_vietnamese(client, shipped):
    page = client.get("/tieu-chi/").content.decode()
    assert "Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP" in page
    assert "Minh họa, không chính thức" in page
    assert client.get("/tieu-chi/khong-co/").status_code == 404
    # Each option's points in words: "điểm", not "đ" (which reads as đồng, a price).
    sheet = client.get(f"/tieu-chi/{SET_148}/").content.decode()
    assert re.search(r'<span class="pts">\d+ điểm</span>', sheet)
    assert not re.search(r'<span class="pts">[^<]* đ</span>', sheet)


def test_shipped_paths_exist():
    assert Path(shipped_sets_dir(), f"{SET_148}.yaml").exists()
