"""The tourism test world: the test units (today's Bắc Ninh and Hà Nội, legacy Bắc Giang with
Xã Liên Chung, huyện Tân Yên), the shipped product classification, the Liên Chung demo (two
destinations, a route, certified products and one whose certificate expired) and one account
per role and position."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user
from ocop.tourism.demo import DemoTourism, build_demo_tourism
from ocop.units.models import Unit

PHUC_HOA = "C07330"  # Xã Phúc Hòa (Bắc Ninh), which Xã Liên Chung became
LUC_NGAN = "C07582"  # another commune of Bắc Ninh


@dataclass
class TourismWorld:
    demo: DemoTourism
    users: dict[str, User]
    lien_chung: Unit
    phuc_hoa: Unit


@pytest.fixture
def tourism_world(units) -> TourismWorld:
    call_command("load_classification", verbosity=0)
    demo = build_demo_tourism()
    assert demo is not None
    phuc_hoa = Unit.objects.get(pk=PHUC_HOA)
    users = {
        "admin": make_user(Role.ADMIN),
        "central": make_user(Role.CENTRAL),
        "province_office": make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh),
        "other_province_office": make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi),
        "commune_officer": make_user(Role.COMMUNE_OFFICER, unit=phuc_hoa),
        "other_commune_officer": make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan),
        "inspector": make_user(Role.INSPECTOR, unit=units.bac_ninh),
        "council_member": make_user(Role.COUNCIL_MEMBER, unit=units.bac_ninh),
        "producer": make_user(Role.PRODUCER, producer=demo.itinerary.stops.get(
            position=2).producer),
    }
    return TourismWorld(demo, users, Unit.objects.get(pk="LC07357"), phuc_hoa)


def png_upload(name: str = "anh.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
