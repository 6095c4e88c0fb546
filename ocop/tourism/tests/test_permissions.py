"""Who may do what: every role and position × every management page and action, through HTTP
(so that the views, the selectors and the services agree), and the public pages for everyone."""

from __future__ import annotations

import pytest
from django.test import Client

from ocop.accounts.testing import login_client
from ocop.tourism.models import Destination, Itinerary

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "admin", "central", "province_office", "other_province_office",
         "commune_officer", "other_commune_officer", "inspector", "council_member", "producer")
# Allowed (True) per role for: the management list, a destination of Liên Chung, creating an
# itinerary, the Liên Chung itinerary.
MATRIX = {
    "anonymous":             (False, False, False, False),
    "admin":                 (True, True, True, True),
    "central":               (True, True, True, True),
    "province_office":       (True, True, True, True),
    "other_province_office": (True, False, True, False),
    "commune_officer":       (True, True, False, False),
    "other_commune_officer": (True, False, False, False),
    "inspector":             (False, False, False, False),
    "council_member":        (False, False, False, False),
    "producer":              (False, False, False, False),
}


def _client(world, role: str) -> Client:
    return Client() if role == "anonymous" else login_client(world.users[role])


def _status(allowed: bool, role: str, *, hidden: bool = False) -> set[int]:
    """What a refused request answers: the login page for a visitor, 403 for a role without
    the pages, 404 for a record out of reach (the same as a missing one)."""
    if allowed:
        return {200}
    if role == "anonymous":
        return {302}
    return {404} if hidden else {403}


@pytest.mark.parametrize("role", ROLES)
def test_management_pages(tourism_world, role):
    client = _client(tourism_world, role)
    may_list, may_destination, may_create_route, may_route = MATRIX[role]
    d = tourism_world.demo.destinations[0]
    it = tourism_world.demo.itinerary
    office = may_list
    assert client.get("/du-lich/quan-ly/").status_code in _status(may_list, role)
    # A nation-wide account picks the province first (?tinh=); the others work in their own.
    province = tourism_world.demo.destinations[0].commune.current_province_id
    assert client.get(f"/du-lich/quan-ly/diem/moi/?tinh={province}").status_code in _status(
        may_list, role)
    assert client.get(f"/du-lich/quan-ly/diem/{d.pk}/").status_code in _status(
        may_destination, role, hidden=office)
    assert client.get(f"/du-lich/quan-ly/tuyen/moi/?tinh={province}").status_code in _status(
        may_create_route, role)
    assert client.get(f"/du-lich/quan-ly/tuyen/{it.pk}/").status_code in _status(
        may_route, role, hidden=may_create_route)


def test_a_nationwide_account_picks_the_province_first(tourism_world, units):
    """The country's every commune and producer on one form made a page of tens of thousands
    of choices: a central office picks the province, and the form offers that province's."""
    client = login_client(tourism_world.users["central"])
    assert 'name="tinh"' in client.get("/du-lich/quan-ly/").content.decode()
    for path in ("/du-lich/quan-ly/diem/moi/", "/du-lich/quan-ly/tuyen/moi/"):
        response = client.get(path, follow=True)
        assert response.redirect_chain[-1][0] == "/du-lich/quan-ly/"
        assert "Hãy chọn tỉnh/thành phố trước." in response.content.decode()
    nui_danh = tourism_world.demo.destinations[0]
    bac_ninh, ha_noi = nui_danh.commune.current_province_id, units.ha_noi.pk

    def page(path: str, province: str) -> str:
        return client.get(f"/du-lich/quan-ly/{path}/moi/?tinh={province}").content.decode()

    assert 'value="LC07357"' in page("diem", bac_ninh)  # Xã Liên Chung, Bắc Ninh
    assert 'value="LC07357"' not in page("diem", ha_noi)
    assert nui_danh.name in page("tuyen", bac_ninh)
    assert f'<p class="muted">{units.ha_noi.full_name}</p>' in page("tuyen", ha_noi)  # where
    assert nui_danh.name not in page("tuyen", ha_noi)
    response = client.post(f"/du-lich/quan-ly/tuyen/moi/?tinh={bac_ninh}", {
        "name": "Một ngày Bắc Ninh", "summary": "Ngắn.", "stop_1_destination": nui_danh.pk})
    assert response.status_code == 302
    assert Itinerary.objects.get(name="Một ngày Bắc Ninh").province_id == bac_ninh
    # A stop of another province is not among the choices: refused, nothing saved.
    page = client.post(f"/du-lich/quan-ly/tuyen/moi/?tinh={ha_noi}", {
        "name": "Sai tỉnh", "summary": "Ngắn.", "stop_1_destination": nui_danh.pk})
    assert page.status_code == 200 and not Itinerary.objects.filter(name="Sai tỉnh").exists()


@pytest.mark.parametrize("role", ROLES)
def test_publishing_follows_the_matrix(tourism_world, role):
    client = _client(tourism_world, role)
    d = tourism_world.demo.destinations[0]
    response = client.post(f"/du-lich/quan-ly/diem/{d.pk}/cong-khai/", {"published": "0"})
    allowed = MATRIX[role][1]
    assert response.status_code in ({302} if allowed or role == "anonymous" else {403, 404})
    d.refresh_from_db()
    assert d.published is not allowed


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_for_everyone(tourism_world, role):
    client = _client(tourism_world, role)
    d = tourism_world.demo.destinations[0]
    for url in ("/du-lich/", f"/du-lich/diem/{d.pk}/",
                f"/du-lich/tuyen/{tourism_world.demo.itinerary.pk}/", "/du-lich/ban-do/",
                "/du-lich/du-lieu/ban-do.geojson", "/api/v1/tourism/destinations",
                f"/api/v1/tourism/destinations/{d.pk}"):
        assert client.get(url).status_code == 200, url


def test_an_office_creates_a_destination_in_its_commune_only(tourism_world, units):
    officer = tourism_world.users["commune_officer"]
    client = login_client(officer)
    data = {"name": "Vườn vải Liên Chung", "commune": "LC07357", "latitude": "21.378",
            "longitude": "106.170", "summary": "Vườn vải thiều.", "services": ["experience"]}
    response = client.post("/du-lich/quan-ly/diem/moi/", data)
    assert response.status_code == 302
    created = Destination.objects.get(name="Vườn vải Liên Chung")
    assert created.created_by == officer and not created.published
    # Another commune is not among the choices: the form refuses it, nothing is saved.
    other = client.post("/du-lich/quan-ly/diem/moi/", {**data, "name": "Ngoài địa bàn",
                                                      "commune": units.xa_luc_ngan.pk})
    assert other.status_code == 200
    assert not Destination.objects.filter(name="Ngoài địa bàn").exists()


@pytest.mark.parametrize("role", ROLES[1:])
def test_django_permissions_agree_with_the_matrix(tourism_world, role):
    user = tourism_world.users[role]
    assert user.has_perm("tourism.manage_destination",
                         tourism_world.demo.destinations[0]) is MATRIX[role][1]
    assert user.has_perm("tourism.manage_itinerary",
                         tourism_world.demo.itinerary) is MATRIX[role][3]
