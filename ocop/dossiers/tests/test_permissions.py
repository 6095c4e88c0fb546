"""Who sees which dossier, on the pages and in the API (outside jurisdiction → 404)."""

from __future__ import annotations

import pytest

from ocop.accounts.testing import login_client
from ocop.dossiers.testing import D2025, Cycle, submitted

pytestmark = pytest.mark.django_db

# viewer → sees the dossier of producer "own" (Xã Lục Ngạn, Bắc Ninh)?
VISIBILITY = {
    "producer": True,
    "other_producer": False,
    "commune_officer": True,
    "other_commune_officer": False,
    "province_office": True,
    "other_province_office": False,
    "central": True,
    "council_member": False,  # nothing assigned to this member
    "inspector": True,
}


@pytest.mark.parametrize(("viewer", "visible"), VISIBILITY.items())
def test_dossier_visibility_pages_and_api(cycle: Cycle, viewer: str, visible: bool) -> None:
    dossier = submitted(cycle, when=D2025)
    client = login_client(cycle.users[viewer])
    expected = 200 if visible else 404
    assert client.get(f"/ho-so/{dossier.pk}/").status_code == expected
    assert client.get(f"/ho-so/{dossier.pk}/phien-ban/").status_code == expected
    assert client.get(f"/api/v1/dossiers/{dossier.pk}").status_code == expected
    listed = client.get("/api/v1/dossiers").json()["results"]
    assert (dossier.pk in {r["id"] for r in listed}) is visible
    page = client.get("/ho-so/").content.decode()
    assert (dossier.reference in page) is visible


# viewer → status of the review page (completeness check) and of the accept endpoint.
REVIEW = {
    "producer": 403,
    "commune_officer": 403,
    "other_commune_officer": 404,
    "province_office": 200,
    "other_province_office": 404,
    "central": 200,
    "inspector": 403,
}


@pytest.mark.parametrize(("viewer", "status"), REVIEW.items())
def test_review_rights(cycle: Cycle, viewer: str, status: int) -> None:
    dossier = submitted(cycle, when=D2025)
    client = login_client(cycle.users[viewer])
    assert client.get(f"/ho-so/{dossier.pk}/tham-dinh/").status_code == status
    response = client.post(f"/api/v1/dossiers/{dossier.pk}/accept", {},
                           content_type="application/json")
    # Visible reviewers reach the state check (not yet checked by the commune → 409).
    assert response.status_code == (409 if status == 200 else status)


# viewer → may they edit (autosave) a draft of "own"?
EDIT = {
    "producer": 200,
    "other_producer": 404,
    "commune_officer": 200,  # on the producer's behalf
    "other_commune_officer": 404,
    "province_office": 403,
    "central": 403,
}


@pytest.mark.parametrize(("viewer", "status"), EDIT.items())
def test_edit_rights(cycle: Cycle, viewer: str, status: int) -> None:
    from ocop.dossiers import services

    dossier = services.open_dossier(actor=None, product=cycle.products["own"], today=D2025)
    client = login_client(cycle.users[viewer])
    response = client.patch(f"/api/v1/dossiers/{dossier.pk}", {"form": {"notes": viewer}},
                            content_type="application/json")
    assert response.status_code == status
    dossier.refresh_from_db()
    assert (dossier.form.get("notes") == viewer) is (status == 200)


def test_precheck_page_only_for_the_producers_commune(cycle: Cycle) -> None:
    dossier = submitted(cycle, when=D2025)
    ok = login_client(cycle.users["commune_officer"]).get(f"/ho-so/{dossier.pk}/xa-kiem-tra/")
    assert ok.status_code == 200
    other = login_client(cycle.users["other_commune_officer"])
    assert other.get(f"/ho-so/{dossier.pk}/xa-kiem-tra/").status_code == 404
    office = login_client(cycle.users["province_office"])
    assert office.get(f"/ho-so/{dossier.pk}/xa-kiem-tra/").status_code == 403


def test_anonymous_is_sent_to_login(cycle: Cycle, client) -> None:
    dossier = submitted(cycle, when=D2025)
    assert client.get(f"/ho-so/{dossier.pk}/").status_code == 302
    assert client.get(f"/api/v1/dossiers/{dossier.pk}").status_code == 401
