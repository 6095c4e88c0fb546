"""The main menu offers exactly the pages each role may open: every link it shows answers, and
every entry it hides answers 403 (or sends the visitor to sign in)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.registry.testing import make_producer
from ocop.web.nav import MENU, Entry, Group, Link, menu_for

# Pages that open for a role the menu does not offer them to, on purpose: anyone may open
# "Chấm điểm" (it lists the score sheets assigned to them: none unless they sit on a council),
# and "Hội đồng" lists only the councils of rounds the user manages or sits on: empty for a
# commune, a producer or an inspector, and a council member reaches its councils from its
# score sheets.
OPEN_BUT_NOT_OFFERED = {
    "evaluation:assigned": set(Role) - {Role.COUNCIL_MEMBER},
    "evaluation:councils": {Role.COUNCIL_MEMBER, Role.COMMUNE_OFFICER, Role.PRODUCER,
                            Role.INSPECTOR},
}
ENTRIES = [e for item in MENU for e in (item.entries if not isinstance(item, Entry) else [item])]


def _links(items: list[Link | Group]) -> list[Link]:
    return [link for item in items for link in (item.links if isinstance(item, Group) else [item])]


def _user(role: Role, units):
    if role == Role.PRODUCER:
        producer = make_producer("HTX Menu", units.xa_luc_ngan, "0100109106")
        return make_user(role, producer=producer)
    if role == Role.COMMUNE_OFFICER:
        return make_user(role, unit=units.xa_luc_ngan)
    if role in (Role.PROVINCE_OFFICE, Role.INSPECTOR):
        return make_user(role, unit=units.bac_ninh)
    return make_user(role)


@pytest.mark.parametrize("role", list(Role))
def test_the_menu_shows_a_page_exactly_when_it_opens_for_the_role(units, role):
    user = _user(role, units)
    client = login_client(user)
    shown = {link.url for link in _links(menu_for(user, "/"))}
    wrong = []
    for entry in ENTRIES:
        url = reverse(entry.url_name)
        status = client.get(url).status_code
        if role in OPEN_BUT_NOT_OFFERED.get(entry.url_name, ()) and url not in shown:
            continue
        if (url in shown) != (status == 200):
            wrong.append((url, url in shown, status))
    assert wrong == []


@pytest.mark.django_db
def test_a_visitor_gets_a_short_flat_menu_of_public_pages():
    items = menu_for(Client().get("/").wsgi_request.user, "/")
    assert all(isinstance(item, Link) for item in items)
    assert [item.url for item in items] == [
        reverse("catalogue:list"), reverse("maps:map"), reverse("tourism:list"),
        reverse("fairs:calendar"), reverse("news:list"), reverse("criteria:sheet_list")]
    for item in items:
        assert Client().get(item.url).status_code == 200


def test_an_office_menu_is_grouped_and_marks_where_the_user_is(units):
    user = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    items = menu_for(user, reverse("reports:index"))
    groups = [item for item in items if isinstance(item, Group)]
    assert [g.label for g in groups] == ["Chương trình OCOP", "Điều hành", "Thông tin"]
    current = [link.url for link in _links(items) if link.current]
    assert current == [reverse("reports:index")]
    assert [g.current for g in groups] == [False, True, False]
    html = login_client(user).get("/").content.decode()
    assert '<details class="nav-group">' in html and "Điều hành" in html
