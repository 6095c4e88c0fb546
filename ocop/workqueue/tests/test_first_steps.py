"""First steps on the home page of a province office that starts on the platform: each step is
done by its own records in the office's province, the next step is the main button, the list
goes when every step is done, and no other role sees it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.certificates.testing import certify
from ocop.dossiers import services as dossier_services
from ocop.planning.models import AnnualPlan
from ocop.registry.testing import TAX_CODES, make_producer, make_product, make_vegetable_set
from ocop.units.models import Unit
from ocop.workqueue.first_steps import first_steps

pytestmark = pytest.mark.django_db

TITLE = "Bắt đầu sử dụng nền tảng"
STEP_URLS = ["exchange:home", "registry:producer_import", "people:create", "planning:create",
             "dossiers:programme_year_create"]


def _home(user) -> str:
    response = login_client(user).get(reverse("web:home"))
    assert response.status_code == 200
    return response.content.decode()


def _done(user) -> list[bool]:
    steps = first_steps(user)
    return [True] * len(STEP_URLS) if steps is None else [s.done for s in steps.steps]


def test_a_new_province_is_shown_its_first_steps_in_order(units) -> None:
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    page = _home(office)
    assert TITLE in page and "Đã xong 0/5 bước." in page
    positions = [page.index(f'href="{reverse(name)}"') for name in STEP_URLS]
    assert positions == sorted(positions)
    steps = first_steps(office)
    assert steps is not None and steps.next is steps.steps[0]
    assert [s.url for s in steps.steps] == [reverse(name) for name in STEP_URLS]
    # The empty queue does not offer another next step beside them.
    assert "Không có việc nào cần làm." in page and "Xem các đợt đánh giá" not in page
    # Only the next step is the main button; the others are plain.
    assert page.count('class="btn btn-small"') == 1
    assert page.count('class="btn btn-ghost btn-small"') == 4


def test_each_step_is_done_by_its_own_records_and_the_list_goes_at_the_end(units) -> None:
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    product_set = make_vegetable_set()

    producer = make_producer("HTX Rau sạch Lục Ngạn", units.xa_luc_ngan, TAX_CODES[0])
    assert _done(office) == [False, True, False, False, False]
    assert first_steps(office).next.url == reverse("exchange:home")

    certify(make_product(producer, "Rau cải ngọt", product_set), 3, issued_on=date(2024, 6, 1))
    assert _done(office) == [True, True, False, False, False]
    page = _home(office)
    assert "Đã xong 2/5 bước." in page and "Đã xong</span>" in page
    assert f'href="{reverse("exchange:home")}"' not in page  # a done step has no button

    make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan)
    assert _done(office) == [True, True, True, False, False]

    AnnualPlan.objects.create(province=units.bac_ninh, year=2026, title="Kế hoạch OCOP 2026")
    assert _done(office) == [True, True, True, True, False]

    year = dossier_services.create_programme_year(actor=None, province=units.bac_ninh, year=2026)
    dossier_services.save_round(actor=None, programme_year=year, data={
        "level": "province", "number": 1, "name": "Đợt 1 năm 2026", "opens_on": date(2026, 3, 1),
        "submission_deadline": date(2026, 5, 31), "evaluation_deadline": date(2026, 7, 31),
        "recognition_deadline": date(2026, 9, 30), "status": "open",
        "issuing_unit": units.bac_ninh})
    assert first_steps(office) is None
    page = _home(office)
    assert TITLE not in page and "Xem các đợt đánh giá" in page


def test_records_of_another_province_or_of_the_nation_do_not_count(units) -> None:
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    make_producer("HTX Trà Hoàn Kiếm", Unit.objects.get(pk="C00070"), TAX_CODES[3])
    AnnualPlan.objects.create(province=units.ha_noi, year=2026, title="Kế hoạch Hà Nội 2026")
    # A national plan (no province) is visible to every province, and is not this one's plan.
    AnnualPlan.objects.create(province=None, year=2026, title="Kế hoạch trung ương 2026")
    dossier_services.create_programme_year(actor=None, province=units.ha_noi, year=2026)
    make_user(Role.COUNCIL_MEMBER, unit=units.ha_noi)
    assert _done(office) == [False, False, False, False, False]


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.PRODUCER, Role.CENTRAL,
                                  Role.ADMIN, Role.COUNCIL_MEMBER, Role.INSPECTOR])
def test_only_the_province_office_is_shown_first_steps(units, role) -> None:
    unit = {Role.COMMUNE_OFFICER: units.xa_luc_ngan, Role.COUNCIL_MEMBER: units.bac_ninh,
            Role.INSPECTOR: units.bac_ninh}.get(role)
    extra = {}
    if role == Role.PRODUCER:
        extra["producer"] = make_producer("HTX Một mình", units.xa_luc_ngan, TAX_CODES[0])
    user = make_user(role, unit=unit, **extra)
    assert first_steps(user) is None
    assert TITLE not in _home(user)
