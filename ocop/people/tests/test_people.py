"""A province's standing office gives the people of its programme their accounts: who may, where
each account may be bound, the e-mailed set-password link, locking, and the province boundary on
every page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse

from ocop.accounts.models import Role, User
from ocop.accounts.testing import DEFAULT_PASSWORD, login_client, make_user
from ocop.audit.models import AuditEntry
from ocop.core.refusals import Forbidden, Invalid
from ocop.people import selectors, services
from ocop.registry.testing import TAX_CODES, make_producer
from ocop.units.models import Unit

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Vai-thieu-Luc-Ngan-2026"
HOAN_KIEM = "C00070"  # a commune of Hà Nội


@pytest.fixture
def office(units):
    return make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)


@pytest.fixture
def producers(units):
    return {
        "own": make_producer("HTX Vải thiều Lục Ngạn", units.xa_luc_ngan, TAX_CODES[0]),
        "other_province": make_producer("HTX Trà Hoàn Kiếm", Unit.objects.get(pk=HOAN_KIEM),
                                        TAX_CODES[3]),
    }


def _form(**changes) -> dict:
    data = {"full_name": "Nguyễn Thị Hoa", "role": Role.COMMUNE_OFFICER, "commune": "C07582",
            "producer": "", "username": "hoa.lucngan", "email": "hoa@lucngan.example.vn",
            "phone": "0912345678"}
    return {**data, **changes}


# --- Who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in Role if r != Role.PROVINCE_OFFICE])
def test_only_a_province_office_manages_people(units, producers, role) -> None:
    unit = {Role.COMMUNE_OFFICER: units.xa_luc_ngan, Role.COUNCIL_MEMBER: units.bac_ninh,
            Role.INSPECTOR: units.bac_ninh}.get(role)
    extra = {"producer": producers["own"]} if role == Role.PRODUCER else {}
    user = make_user(role, unit=unit, **extra)
    assert not services.can_manage_people(user)
    client = login_client(user)
    for name in ("people:list", "people:create"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("people:create"), _form()).status_code == 403
    assert not User.objects.filter(username="hoa.lucngan").exists()
    with pytest.raises(Forbidden):
        services.create_person(actor=user, data={"role": Role.COMMUNE_OFFICER})


def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    response = client.get(reverse("people:list"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_menu_offers_the_page_to_the_office_only(office, units) -> None:
    url = f'href="{reverse("people:list")}"'
    assert url in login_client(office).get(reverse("web:home")).content.decode()
    officer = make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan)
    assert url not in login_client(officer).get(reverse("web:home")).content.decode()


# --- Creating an account -------------------------------------------------------------------------


def test_a_commune_officer_is_created_and_sets_a_password_from_the_mail(
        office, mailoutbox, django_capture_on_commit_callbacks) -> None:
    client = login_client(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:create"), _form())
    assert response["Location"] == reverse("people:list")
    person = User.objects.get(username="hoa.lucngan")
    assert (person.role, person.unit_id, person.producer_id) == (Role.COMMUNE_OFFICER, "C07582",
                                                                 None)
    assert person.get_full_name() == "Nguyễn Thị Hoa" and not person.has_usable_password()
    assert person.require_otp  # an official signs in with a second factor
    assert AuditEntry.objects.filter(action="people.account.create",
                                     object_id=str(person.pk)).exists()
    listing = client.get(reverse("people:list")).content.decode()
    assert "hoa.lucngan" in listing and "Chưa đặt mật khẩu" in listing

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["hoa@lucngan.example.vn"]
    assert mail.subject == "Tài khoản của bạn trên Hệ thống quản lý OCOP"
    assert "“Cán bộ xã”" in mail.body and "Tên đăng nhập: hoa.lucngan" in mail.body
    link = re.search(r"http://testserver(/dat-lai-mat-khau/\S+/)", mail.body)
    assert link, mail.body
    visitor = client.__class__()
    form_page = visitor.get(link.group(1), follow=True)
    set_url = form_page.redirect_chain[-1][0]
    visitor.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert "Đang dùng" in client.get(reverse("people:list")).content.decode()


@pytest.mark.parametrize(("role", "bound"), [
    (Role.COUNCIL_MEMBER, ("P24", None)), (Role.INSPECTOR, ("P24", None)),
    (Role.PRODUCER, (None, "own"))])
def test_each_role_is_bound_inside_the_province(office, producers, role, bound) -> None:
    client = login_client(office)
    client.post(reverse("people:create"), _form(role=role, commune="",
                                                producer=producers["own"].pk))
    person = User.objects.get(username="hoa.lucngan")
    unit, producer = bound
    assert person.unit_id == unit
    assert person.require_otp == (role != Role.PRODUCER)
    assert person.producer_id == (producers[producer].pk if producer else None)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"commune": HOAN_KIEM}, "commune", "Chọn một xã/phường của tỉnh."),
    ({"commune": ""}, "commune", "Chọn một xã/phường của tỉnh."),
    ({"role": Role.PRODUCER, "commune": "", "producer": "other"}, "producer",
     "Chọn một chủ thể của tỉnh."),
    ({"role": Role.PROVINCE_OFFICE}, "role", "Vai trò này do quản trị hệ thống cấp."),
    ({"role": Role.ADMIN}, "role", "Vai trò này do quản trị hệ thống cấp."),
    ({"email": ""}, "email", "Trường này là bắt buộc."),
])
def test_a_wrong_choice_is_named_and_nothing_is_created(office, producers, mailoutbox,
                                                        django_capture_on_commit_callbacks,
                                                        changes, field, message) -> None:
    if changes.get("producer") == "other":
        changes = {**changes, "producer": producers["other_province"].pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = login_client(office).post(reverse("people:create"), _form(**changes))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors.get(field, ""))
    assert not User.objects.filter(username="hoa.lucngan").exists()
    assert mailoutbox == []


def test_the_service_refuses_what_the_form_would_not_offer(office, units) -> None:
    """The rules hold without the form (an API or a forged request)."""
    commune = Unit.objects.get(pk=HOAN_KIEM)
    with pytest.raises(Invalid) as refused:
        services.create_person(actor=office, data={
            "role": Role.COMMUNE_OFFICER, "commune": commune, "username": "x",
            "full_name": "X", "email": "x@example.vn"})
    assert "commune" in refused.value.fields
    with pytest.raises(Invalid) as refused:
        services.create_person(actor=office, data={
            "role": Role.PROVINCE_OFFICE, "username": "y", "full_name": "Y",
            "email": "y@example.vn"})
    assert "role" in refused.value.fields
    make_user(Role.INSPECTOR, unit=units.bac_ninh, username="trung.ten")
    with pytest.raises(Invalid) as refused:
        services.create_person(actor=office, data={
            "role": Role.INSPECTOR, "username": "Trung.Ten", "full_name": "Z",
            "email": "z@example.vn"})
    assert "username" in refused.value.fields
    assert not User.objects.filter(username__in=["x", "y", "Trung.Ten"]).exists()


# --- The province boundary, locking, sending again ---------------------------------------------


def test_the_list_holds_the_province_people_only(office, units, producers) -> None:
    ha_noi = Unit.objects.get(pk=HOAN_KIEM)
    ours = [make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan),
            make_user(Role.COUNCIL_MEMBER, unit=units.bac_ninh),
            make_user(Role.INSPECTOR, unit=units.bac_ninh),
            make_user(Role.PRODUCER, producer=producers["own"])]
    theirs = [make_user(Role.COMMUNE_OFFICER, unit=ha_noi),
              make_user(Role.COUNCIL_MEMBER, unit=units.ha_noi),
              make_user(Role.PRODUCER, producer=producers["other_province"]),
              make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh),
              make_user(Role.CENTRAL), make_user(Role.BUYER)]
    assert set(selectors.people_for(office)) == set(ours)
    page = login_client(office).get(reverse("people:list")).content.decode()
    for person in ours:
        assert person.username in page
    for person in theirs:
        assert person.username not in page


def test_locking_stops_the_sign_in_and_unlocking_restores_it(office, units) -> None:
    person = make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan)
    client = login_client(office)
    client.post(reverse("people:active", args=[person.pk]), {"active": "0"})
    person.refresh_from_db()
    assert not person.is_active
    assert "Đã khoá" in client.get(reverse("people:list")).content.decode()
    assert authenticate(RequestFactory().post("/"), username=person.username,
                        password=DEFAULT_PASSWORD) is None
    client.post(reverse("people:active", args=[person.pk]), {"active": "1"})
    person.refresh_from_db()
    assert person.is_active
    assert [e.action for e in AuditEntry.objects.filter(object_id=str(person.pk))
            .order_by("id")][-2:] == ["people.account.lock", "people.account.unlock"]


def test_an_account_outside_the_province_is_not_found(office, units) -> None:
    others = [make_user(Role.COUNCIL_MEMBER, unit=units.ha_noi),
              make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh), office]
    client = login_client(office)
    for person in others:
        for name in ("people:active", "people:invite"):
            assert client.post(reverse(name, args=[person.pk]),
                               {"active": "0"}).status_code == 404
        person.refresh_from_db()
        assert person.is_active
    assert client.get(reverse("people:active", args=[others[0].pk])).status_code == 405


def test_the_mail_is_sent_again_only_while_no_password_is_set(
        office, units, mailoutbox, django_capture_on_commit_callbacks) -> None:
    waiting = make_user(Role.INSPECTOR, unit=units.bac_ninh, email="tra@example.vn")
    waiting.set_unusable_password()
    waiting.save()
    settled = make_user(Role.INSPECTOR, unit=units.bac_ninh, email="da@example.vn")
    client = login_client(office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:invite", args=[waiting.pk]))
        response = client.post(reverse("people:invite", args=[settled.pk]), follow=True)
    assert [m.to for m in mailoutbox] == [["tra@example.vn"]]
    assert "đã đặt mật khẩu hoặc đang bị khoá" in response.content.decode()
