"""The permission matrix, tested three ways: the predicate, the pages and the API.

The expected table is written out here by hand (not derived from permissions.MATRIX), so a change
to the matrix must be made deliberately in both places.
"""

import pytest
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.registry import permissions
from ocop.registry.tests.conftest import POSITIONS, ROLES

EVERYWHERE = set(POSITIONS)
PROVINCE = {"own", "other_producer", "other_commune"}
COMMUNE = {"own", "other_producer"}
OWN = {"own"}
NOWHERE: set[str] = set()

# role → positions where the action is allowed, for product and document actions.
VIEW = {"admin": EVERYWHERE, "central": EVERYWHERE, "province_office": PROVINCE,
        "commune_officer": COMMUNE, "inspector": PROVINCE, "council_member": PROVINCE,
        "producer": OWN}
WRITE = {"admin": EVERYWHERE, "central": EVERYWHERE, "province_office": PROVINCE,
         "commune_officer": COMMUNE, "inspector": NOWHERE, "council_member": NOWHERE,
         "producer": OWN}
DELETE_OWNED = {**WRITE, "commune_officer": NOWHERE}
EXPECTED = {
    ("producer", "view"): VIEW,
    ("producer", "change"): WRITE,
    ("producer", "delete"): {**DELETE_OWNED, "producer": NOWHERE},
    ("product", "view"): VIEW,
    ("product", "create"): WRITE,
    ("product", "change"): WRITE,
    ("product", "delete"): DELETE_OWNED,
    ("document", "view"): VIEW,
    ("document", "create"): WRITE,
    ("document", "change"): WRITE,
    ("document", "delete"): DELETE_OWNED,
}
# Creating a producer: the target is the commune where it will be registered.
CREATE_PRODUCER = {"admin": EVERYWHERE, "central": EVERYWHERE, "province_office": PROVINCE,
                   "commune_officer": COMMUNE, "inspector": NOWHERE,
                   "council_member": NOWHERE, "producer": NOWHERE}


def _cases():
    for (entity, action), table in EXPECTED.items():
        for role in ROLES:
            yield entity, action, role, table[role]


@pytest.mark.parametrize(("entity", "action", "role", "allowed"), list(_cases()))
def test_matrix_predicate(world, entity, action, role, allowed):
    user = world.users[role]
    for position in POSITIONS:
        target = world.producers[position] if entity == "producer" else world.products[position]
        verdict = permissions.can(user, entity, action, target)
        assert bool(verdict) == (position in allowed), position
        # The same answer through rules / Django's permission API.
        assert user.has_perm(f"registry.{action}_{entity}", target) == (position in allowed)


@pytest.mark.parametrize("role", ROLES)
def test_matrix_create_producer(world, role):
    user = world.users[role]
    for position in POSITIONS:
        commune = world.producers[position].commune
        expected = position in CREATE_PRODUCER[role]
        assert bool(permissions.can(user, "producer", "create", commune)) == expected, position


def test_inactive_and_anonymous_users_have_no_rights(world):
    from django.contrib.auth.models import AnonymousUser

    user = world.users["admin"]
    user.is_active = False
    assert not permissions.can(user, "producer", "view", world.producers["own"])
    assert not permissions.can(AnonymousUser(), "producer", "view", world.producers["own"])


def test_legacy_commune_producer_is_in_todays_commune(world):
    """A producer registered under xã Đồng Cốc (huyện Lục Ngạn, Bắc Giang cũ) belongs to
    today's Xã Lục Ngạn: its commune officer sees and edits it, Hà Nội does not."""
    from ocop.registry.tests.conftest import make_producer

    legacy = make_producer("HTX Đồng Cốc", world.units.legacy_dong_coc, "0636083770")
    assert permissions.can(world.users["commune_officer"], "producer", "change", legacy)
    assert permissions.can(world.users["province_office"], "producer", "view", legacy)


# --- Pages -----------------------------------------------------------------------------------


def _expected_status(role: str, position: str, entity: str, action: str) -> int:
    if position not in VIEW[role]:
        return 404  # outside the user's reach: existence is not revealed
    return 200 if position in EXPECTED[(entity, action)][role] else 403


@pytest.mark.parametrize("role", ROLES)
def test_pages_follow_the_matrix(world, client, role):
    login_client(world.users[role], client)
    for position in POSITIONS:
        producer = world.producers[position]
        product = world.products[position]
        checks = [
            (reverse("registry:producer_detail", args=[producer.pk]), "producer", "view"),
            (reverse("registry:producer_edit", args=[producer.pk]), "producer", "change"),
            (reverse("registry:producer_delete", args=[producer.pk]), "producer", "delete"),
            (reverse("registry:product_detail", args=[product.pk]), "product", "view"),
            (reverse("registry:product_edit", args=[product.pk]), "product", "change"),
            (reverse("registry:product_delete", args=[product.pk]), "product", "delete"),
            (reverse("registry:document_create", args=[producer.pk]), "document", "create"),
        ]
        for url, entity, action in checks:
            expected = _expected_status(role, position, entity, action)
            assert client.get(url).status_code == expected, (url, position)


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_the_reach(world, client, role):
    login_client(world.users[role], client)
    page = client.get(reverse("registry:producer_list")).content.decode()
    for position in POSITIONS:
        assert (world.producers[position].name in page) == (position in VIEW[role]), position
    page = client.get(reverse("registry:product_list")).content.decode()
    for position in POSITIONS:
        assert (world.products[position].name in page) == (position in VIEW[role]), position


def test_create_pages(world, client):
    for role in ROLES:
        login_client(world.users[role], client)
        status = client.get(reverse("registry:producer_create")).status_code
        assert status == (200 if CREATE_PRODUCER[role] else 403), role


def test_post_edit_outside_reach_is_404_and_changes_nothing(world, client):
    login_client(world.users["commune_officer"], client)
    other = world.producers["other_province"]
    response = client.post(reverse("registry:producer_edit", args=[other.pk]), {"name": "Hacked"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name != "Hacked"


def test_document_of_another_producer_not_reachable_through_own_url(world, client):
    from ocop.registry import services

    doc = services.create_document(actor=None, producer=world.producers["other_producer"],
                                   data={"doc_type": "other"})
    login_client(world.users["producer"], client)
    own = world.producers["own"]
    # Own producer id in the URL, someone else's document id: still 404.
    url = reverse("registry:document_edit", args=[own.pk, doc.pk])
    assert client.get(url).status_code == 404


# --- API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_api_follows_the_matrix(world, client, role):
    login_client(world.users[role], client)
    for position in POSITIONS:
        producer = world.producers[position]
        product = world.products[position]
        view = _expected_status(role, position, "producer", "view")
        assert client.get(f"/api/v1/producers/{producer.pk}").status_code == view
        assert client.get(f"/api/v1/products/{product.pk}").status_code == view
        assert client.get(f"/api/v1/producers/{producer.pk}/documents").status_code == view
        change = _expected_status(role, position, "producer", "change")
        response = client.patch(f"/api/v1/producers/{producer.pk}", {"phone": "0911111111"},
                                content_type="application/json")
        assert response.status_code == change, (position, response.content)
        change = _expected_status(role, position, "product", "change")
        response = client.patch(f"/api/v1/products/{product.pk}", {"packaging": "Hộp"},
                                content_type="application/json")
        assert response.status_code == change, (position, response.content)


@pytest.mark.parametrize("role", ROLES)
def test_api_lists_show_only_the_reach(world, client, role):
    login_client(world.users[role], client)
    ids = {r["id"] for r in client.get("/api/v1/producers").json()["results"]}
    assert ids == {world.producers[p].pk for p in VIEW[role]}
    ids = {r["id"] for r in client.get("/api/v1/products").json()["results"]}
    assert ids == {world.products[p].pk for p in VIEW[role]}


def test_api_needs_authentication(world, client):
    assert client.get("/api/v1/producers").status_code == 401
