"""demo_cycle on top of demo_data (map subset): rounds of the seed plan, every intake state."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.accounts.models import User
from ocop.criteria.selectors import product_sets_of
from ocop.dossiers.models import Dossier, DossierDocument, ProgrammeYear, Round

pytestmark = pytest.mark.django_db


def _fingerprint() -> list[tuple]:
    return list(Dossier.objects.order_by("product__name", "product__producer__tax_code")
                .values_list("product__name", "state", "target_stars", "self_score",
                             "round__name", "requested_round__name"))


def test_demo_cycle(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo_data", seed=2024, units_subset="01,24,27", stdout=StringIO())
    out = StringIO()
    call_command("demo_cycle", stdout=out)
    assert "Demo cycle:" in out.getvalue()
    y24 = ProgrammeYear.objects.get(province_id="LP24", year=2024)
    assert y24.plan_reference == "Kế hoạch 14/KH-UBND"
    district = y24.rounds.filter(level="district")
    assert {r.evaluation_deadline for r in district} == {date(2024, 6, 15), date(2024, 10, 15)}
    assert {r.evaluation_deadline for r in y24.rounds.filter(level="province")} == {
        date(2024, 7, 10), date(2024, 10, 30)}
    assert {r.recognition_deadline for r in y24.rounds.all()} == {date(2024, 12, 15)}
    assert all(r.issuing_unit.parent_id == "LP24" for r in district)
    assert not y24.rounds.filter(status=Round.Status.OPEN).exists()
    states_2024 = set(Dossier.objects.filter(round__programme_year=y24)
                      .values_list("state", flat=True))
    assert states_2024 == {"accepted"}
    assert Dossier.objects.filter(procedure="148_2023", state="withdrawn").count() == 1
    open_round = Round.objects.get(programme_year__province_id="P24", status="open")
    states = set(Dossier.objects.filter(requested_round=open_round)
                 .values_list("state", flat=True))
    assert states == {"draft", "submitted", "commune_checked", "corrections_requested",
                      "resubmitted"}
    # Its kinds follow the certificates held (most demo products hold one from the paper
    # records), and products never certified come in for their first evaluation.
    kinds = {kind: {state for k, state in Dossier.objects.filter(requested_round=open_round)
                    .values_list("kind", "state") if k == kind} for kind in Dossier.Kind.values}
    assert kinds["new"] == {"draft", "submitted"}
    assert kinds["re_recognition"] and kinds["upgrade"]
    for dossier in Dossier.objects.filter(kind="new").select_related("product"):
        assert not dossier.product.certificates.filter(
            issued_on__lte=dossier.created_at.date(), valid_until__gte=dossier.created_at.date()
        ).exists(), dossier
    # The demo accounts have work waiting for them.
    xa, tinh, chuthe = (User.objects.get(username=u)
                        for u in ("demo-xa", "demo-tinh", "demo-chuthe"))
    assert xa.notifications.filter(read_at__isnull=True).exists()
    assert tinh.notifications.filter(read_at__isnull=True).exists()
    assert Dossier.objects.filter(producer=chuthe.producer, state="draft").exists()
    # Every dossier is scored on a sheet of its own product set (honey on the honey sheet…).
    for dossier in Dossier.objects.select_related("criteria_set", "product__product_set"):
        assert dossier.product.product_set_id in product_sets_of(dossier.criteria_set), dossier
    assert len({d.criteria_set.code for d in Dossier.objects.select_related("criteria_set")}) > 3
    # The attached samples are real one-page PDFs named as a producer names files, saying what
    # they stand for and that they are samples.
    documents = DossierDocument.objects.filter(file__gt="")
    names = set(documents.values_list("original_name", flat=True))
    assert "phieu-ket-qua-kiem-nghiem-san-pham.pdf" in names
    assert not any("_" in name for name in names), names
    sample = documents.filter(checklist_item="test_report").first()
    with sample.file.open("rb") as fh:
        # The system's pdftotext (poppler-utils, installed by the Makefile).
        text = subprocess.run([shutil.which("pdftotext") or "pdftotext", "-", "-"],  # noqa: S603
                              input=fh.read(), capture_output=True, check=True).stdout.decode()
    assert "TÀI LIỆU MẪU" in text and "Phiếu kết quả kiểm nghiệm sản phẩm" in text
    first = _fingerprint()
    with pytest.raises(CommandError, match="already loaded"):
        call_command("demo_cycle", stdout=StringIO())
    assert _fingerprint() == first

