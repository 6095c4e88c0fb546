"""A province's standing office gives the people of its programme their accounts: commune
officers, council members, inspectors and producers (``rules.MANAGED_ROLES``), each bound inside
its province, and locks or unlocks them. The new person sets a password through an e-mailed link
(``tasks.send_invitation``); the officials among them must use two-step verification, and are
taken to its set-up at their first sign-in (ocop.accounts.policy)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.models import Role, User
from ocop.audit import services as audit
from ocop.core.refusals import ALLOWED, Invalid, Verdict, denied
from ocop.people import rules, selectors


def can_manage_people(user: User) -> Verdict:
    if selectors.managed_province_id(user) is None:
        return denied(_("Chỉ cơ quan thường trực tỉnh cấp tài khoản cho người trong tỉnh. Tài "
                        "khoản khác do quản trị hệ thống cấp."), "people.forbidden")
    return ALLOWED


def _bound(province_id: str, role: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Where the new account is bound, checked to lie in ``province_id``."""
    if role in rules.PROVINCE_BOUND_ROLES:
        return {"unit_id": province_id, "producer": None}
    if role == Role.COMMUNE_OFFICER:
        commune = data.get("commune")
        if commune is None or not selectors.communes_of(province_id).filter(
                pk=commune.pk).exists():
            raise Invalid(_("Chọn một xã/phường của tỉnh."), code="people.commune",
                          fields={"commune": _("Chọn một xã/phường của tỉnh.")})
        return {"unit_id": commune.pk, "producer": None}
    producer = data.get("producer")
    if producer is None or not selectors.producers_of(province_id).filter(
            pk=producer.pk).exists():
        raise Invalid(_("Chọn một chủ thể của tỉnh."), code="people.producer",
                      fields={"producer": _("Chọn một chủ thể của tỉnh.")})
    return {"unit_id": None, "producer": producer}


def create_person(*, actor: User, data: Mapping[str, Any]) -> User:
    """A new account of ``data["role"]`` in the actor's province, with no usable password
    until its owner sets one through the e-mailed link (sent after the commit)."""
    can_manage_people(actor).check()
    province = selectors.managed_province_id(actor)
    role = data.get("role")
    if role not in rules.MANAGED_ROLES:
        raise Invalid(_("Vai trò này do quản trị hệ thống cấp."), code="people.role",
                      fields={"role": _("Vai trò này do quản trị hệ thống cấp.")})
    username = (data.get("username") or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise Invalid(_("Tên đăng nhập này đã có người dùng."), code="people.username",
                      fields={"username": _("Tên đăng nhập này đã có người dùng.")})
    person = User(username=username, first_name=(data.get("full_name") or "").strip(),
                  email=(data.get("email") or "").strip(), phone=data.get("phone") or "",
                  role=role, **_bound(province, role, data),
                  # Officials who check dossiers, score blind or inspect sign in with a second
                  # factor, as the demo's do; a producer may turn it on itself.
                  require_otp=role in rules.OFFICIAL_ROLES)
    person.set_unusable_password()
    try:
        person.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise Invalid(_("Thông tin tài khoản chưa hợp lệ."), code="people.invalid",
                      fields={name: " ".join(messages)
                              for name, messages in exc.message_dict.items()}) from exc
    with transaction.atomic():
        person.save()
        audit.record(actor=actor, action="people.account.create", obj=person,
                     changes={"role": role, "unit": person.unit_id or "",
                              "producer": person.producer_id or ""})
    return person


def set_active(*, actor: User, person: User, active: bool) -> User:
    """Lock (``active=False``) or unlock an account the actor manages. A locked account cannot
    sign in, and its API tokens stop working with it (``ocop.api.auth`` reads ``is_active``)."""
    can_manage_people(actor).check()
    person = selectors.person_for(actor, person.pk)
    if person.is_active == active:
        return person
    with transaction.atomic():
        person.is_active = active
        person.save(update_fields=["is_active"])
        audit.record(actor=actor, action="people.account.unlock" if active
                     else "people.account.lock", obj=person)
    return person
