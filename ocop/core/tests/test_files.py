"""Stored files: every file-bearing record × every role, own and other jurisdiction, anonymous.

The world is the evaluation one (a Bắc Giang 2024 dossier of the producer "own" in Xã Lục Ngạn,
Bắc Ninh, assigned to a council) plus a registry document, product photos and a Bắc Ninh
recognition decision whose certificate belongs to the neighbouring producer ("other_producer").
Each record's expected readers are written out by hand from docs/accounts-and-security.md, not
derived from the permission code under test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.views.static import serve
from django_sendfile.utils import _get_sendfile
from PIL import Image

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.certificates import services as certificate_services
from ocop.core.files import UnguessableUploadTo
from ocop.dossiers.models import DossierDocument
from ocop.dossiers.testing import PDF, cycle
from ocop.evaluation import services as evaluation_services
from ocop.evaluation.models import CouncilResult
from ocop.evaluation.tests.conftest import EvalWorld, answers_for, ev
from ocop.registry import services as registry_services

__all__ = ["cycle", "ev"]
pytestmark = pytest.mark.django_db

USERS = ("anonymous", "admin", "central", "province_office", "other_province_office",
         "commune_officer", "other_commune_officer", "inspector", "other_inspector",
         "council_member", "other_council_member", "producer", "other_producer")
# Who may read the dossier of "own": its producer, the officers of its commune and province,
# the council it is assigned to, nation-wide accounts.
DOSSIER_READERS = {"admin", "central", "province_office", "commune_officer", "inspector",
                   "council_member", "producer"}
# Registry records of "own": the same, but every council member of the province (not only the
# assigned council) may browse the registry of its area.
REGISTRY_READERS = DOSSIER_READERS | {"other_council_member"}
# Minutes name each member's total: nation-wide accounts, the standing office, the council.
MINUTES_READERS = {"admin", "central", "province_office", "council_member"}
# The decision certifies the product of "other_producer": readers of that certificate.
DECISION_READERS = {"admin", "central", "province_office", "commune_officer", "inspector",
                    "council_member", "other_council_member", "other_producer"}
PUBLIC = set(USERS)
TOKEN = re.compile(r"[0-9a-f]{32}")


def png() -> bytes:
    buf = BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def clients(ev: EvalWorld) -> dict[str, Client]:
    units = ev.cycle.units
    users = {
        **{name: ev.users[name] for name in USERS if name in ev.users},
        "admin": make_user(Role.ADMIN),
        "other_inspector": make_user(Role.INSPECTOR, unit=units.ha_noi),
        "council_member": ev.members["chair"].user,
        "other_council_member": ev.users["outsider"],
    }
    return {"anonymous": Client(), **{name: login_client(users[name]) for name in USERS[1:]}}


def _finalise(ev: EvalWorld) -> CouncilResult:
    for name, target in {"chair": 60, "second": 61, "third": 62}.items():
        ev.score(name, answers_for(ev.dossier, target))
    chair = ev.members["chair"].user
    evaluation_services.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    return evaluation_services.finalise(actor=chair, council=ev.council, dossier=ev.dossier)


def _certify_neighbour(ev: EvalWorld) -> tuple:
    """A Bắc Ninh decision (with its PDF) and a certificate, valid today, for the product of
    "other_producer"."""
    today = timezone.localdate()
    decision = certificate_services.create_decision(
        actor=None, number="56/QĐ-UBND", date=today - timedelta(days=60), signer_name="Lê Văn Tỉnh",
        signer_title="Phó Chủ tịch", level="province", issuing_unit=ev.cycle.units.bac_ninh,
        file=SimpleUploadedFile("quyet-dinh.pdf", PDF + b"decision"),
    )
    product = ev.cycle.products["other_producer"]
    certificate_services.issue_certificate(
        actor=None, decision=decision, product=product, stars=3, total_score=Decimal("65.00"),
        issued_on=today - timedelta(days=30), today=today,
    )
    return decision, product


def _evidence(ev: EvalWorld):
    return registry_services.create_document(
        actor=None, producer=ev.cycle.producers["own"],
        data={"doc_type": "food_safety", "number": "12/ATTP"},
        file=SimpleUploadedFile("giay-attp-bi-mat.pdf", PDF + b"evidence"))


def record(kind: str, ev: EvalWorld) -> tuple[str, models.FieldFile, set[str]]:
    """(download URL, stored file, who may read it) for one kind of file-bearing record."""
    if kind == "dossier_upload":
        doc = ev.dossier.documents.exclude(file="").first()
        return (reverse("dossiers:document_file", args=[ev.dossier.pk, doc.pk]), doc.file,
                DOSSIER_READERS)
    if kind == "dossier_reused_evidence":
        evidence = _evidence(ev)
        doc = DossierDocument.objects.create(dossier=ev.dossier, checklist_item="food_safety",
                                             evidence=evidence, original_name=str(evidence))
        return (reverse("dossiers:document_file", args=[ev.dossier.pk, doc.pk]), evidence.file,
                DOSSIER_READERS)
    if kind == "registry_document":
        evidence = _evidence(ev)
        return (reverse("registry:document_file", args=[evidence.producer_id, evidence.pk]),
                evidence.file, REGISTRY_READERS)
    if kind == "product_image_uncertified":
        product = ev.cycle.products["own"]
        product.image.save("anh.png", ContentFile(png()))
        return reverse("registry:product_image", args=[product.pk]), product.image, \
            REGISTRY_READERS
    if kind == "product_image_certified":
        _, product = _certify_neighbour(ev)
        product.image.save("anh.png", ContentFile(png()))
        return reverse("registry:product_image", args=[product.pk]), product.image, PUBLIC
    if kind == "council_minutes":
        final = _finalise(ev)
        return (reverse("evaluation:minutes", args=[ev.dossier.pk, final.pk]), final.minutes,
                MINUTES_READERS)
    if kind == "recognition_decision":
        decision, _ = _certify_neighbour(ev)
        return (reverse("certificates:decision_file", args=[decision.pk]), decision.file,
                DECISION_READERS)
    raise AssertionError(kind)


KINDS = ("dossier_upload", "dossier_reused_evidence", "registry_document",
         "product_image_uncertified", "product_image_certified", "council_minutes",
         "recognition_decision")
LOGIN_FREE = {"product_image_uncertified", "product_image_certified"}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def outcome(response, stored: bytes) -> str:
    if response.status_code == 200:
        assert body(response) == stored
        return "200"
    assert stored not in body(response)  # nothing of the file leaks with a refusal
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "login"
    return str(response.status_code)


@pytest.mark.parametrize("kind", KINDS)
def test_each_file_is_served_exactly_to_the_readers_of_its_record(kind, ev, clients):
    url, fieldfile, readers = record(kind, ev)
    with fieldfile.open("rb") as fh:
        stored = fh.read()
    observed = {name: outcome(client.get(url), stored) for name, client in clients.items()}
    # Anonymous visitors are sent to the login page for every protected URL alike (existing or
    # not; the photo view has no login, so a private photo is its 404), signed-in accounts
    # outside the record's reach get the 404 of a missing record.
    refusal = {name: "login" if name == "anonymous" and kind not in LOGIN_FREE else "404"
               for name in USERS}
    expected = {name: "200" if name in readers else refusal[name] for name in USERS}
    assert observed == expected


def test_downloads_keep_the_original_name_and_are_not_cached(ev, clients):
    evidence = _evidence(ev)
    response = clients["producer"].get(
        reverse("registry:document_file", args=[evidence.producer_id, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="giay-attp-bi-mat.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    final = _finalise(ev)
    response = clients["province_office"].get(
        reverse("evaluation:minutes", args=[ev.dossier.pk, final.pk]))
    assert response["Content-Disposition"] == (
        f'inline; filename="bien-ban-{ev.dossier.reference}-lan-{final.revision}.pdf"')


def test_public_photo_may_be_cached_a_private_one_not(ev, clients):
    _, certified = _certify_neighbour(ev)
    own = ev.cycle.products["own"]
    for product in (certified, own):
        product.image.save("anh.png", ContentFile(png()))
    public = clients["anonymous"].get(reverse("registry:product_image", args=[certified.pk]))
    private = clients["producer"].get(reverse("registry:product_image", args=[own.pk]))
    assert public["Cache-Control"].startswith("public")
    assert private["Cache-Control"] == "private, no-store"
    assert public["Content-Type"] == "image/png"


def test_missing_files_are_a_vietnamese_404_not_a_500(ev, clients):
    final = _finalise(ev)
    office = clients["province_office"]
    url = reverse("evaluation:minutes", args=[ev.dossier.pk, final.pk])
    # The file is gone from the disk …
    Path(final.minutes.path).unlink()
    gone = office.get(url)
    # … or the result never had minutes (issue 9: this was a 500).
    CouncilResult.objects.filter(pk=final.pk).update(minutes="")
    never = office.get(url)
    for response in (gone, never):
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.content.decode()
    decision, _ = _certify_neighbour(ev)
    type(decision).objects.filter(pk=decision.pk).update(file="")
    assert office.get(reverse("certificates:decision_file", args=[decision.pk])).status_code == 404


def test_no_url_serves_the_media_root(ev, clients):
    doc = ev.dossier.documents.exclude(file="").first()
    admin = clients["admin"]
    assert admin.get(f"/media/{doc.file.name}").status_code == 404
    assert clients["anonymous"].get("/media/dossiers/29/phieu-dang-ky.pdf").status_code == 404
    assert clients["anonymous"].get("/media/minutes/3/bien-ban-HS-000003-lan-1.pdf") \
        .status_code == 404

    def views(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from views(p.url_patterns)
            elif isinstance(p, URLPattern):
                yield p.callback

    assert serve not in set(views(get_resolver().url_patterns))


def test_every_stored_file_gets_an_unguessable_name(ev):
    fields = [f for model in apps.get_models() for f in model._meta.get_fields()
              if isinstance(f, models.FileField)]
    assert {f"{f.model._meta.label}.{f.name}" for f in fields} == {
        "registry.Product.image", "registry.EvidenceDocument.file",
        "dossiers.DossierDocument.file", "evaluation.CouncilResult.minutes",
        "certificates.RecognitionDecision.file", "jobs.Job.result",
        "news.Attachment.file", "inspections.VisitPhoto.file", "inspections.Complaint.photo",
        "planning.AnnualPlan.decision_file", "reports.Report.excel", "reports.Report.pdf",
        "market.GiftSet.photo", "tourism.Photo.image", "opendata.ReleaseFile.file"}
    assert all(isinstance(f.upload_to, UnguessableUploadTo) for f in fields)
    docs = list(ev.dossier.documents.exclude(file=""))
    names = [d.file.name for d in docs]
    assert len(set(names)) == len(names) > 1
    for doc in docs:
        prefix, shard, leaf = doc.file.name.split("/")
        token, extension = leaf.split(".")
        assert prefix == "dossiers" and extension == "pdf"
        assert TOKEN.fullmatch(token) and shard == token[:2]  # 32 hex digits = 128 bits
        assert doc.original_name.rsplit(".", 1)[0] not in doc.file.name
    # A name without a usable extension keeps none; an odd one is not carried over.
    upload_to = UnguessableUploadTo("documents")
    assert TOKEN.fullmatch(upload_to(None, "ho-so").rsplit("/", 1)[1])
    assert upload_to(None, "x.p<h>p").rsplit("/", 1)[1].count(".") == 0


@pytest.fixture
def nginx(settings):
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    settings.SENDFILE_URL = "/protected-media"
    _get_sendfile.cache_clear()  # django-sendfile2 caches the backend module
    yield
    _get_sendfile.cache_clear()


def test_production_backend_hands_the_transfer_to_nginx(ev, clients, nginx):
    doc = ev.dossier.documents.exclude(file="").first()
    url = reverse("dossiers:document_file", args=[ev.dossier.pk, doc.pk])
    response = clients["producer"].get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{doc.file.name}"
    assert response.content == b""
    assert response["Content-Disposition"] == f'attachment; filename="{doc.original_name}"'
    # The permission check still comes first: no redirect header for an outsider.
    refused = clients["other_producer"].get(url)
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


@pytest.mark.parametrize(("value", "backend"), [
    (None, "django_sendfile.backends.development"),
    ("nginx", "django_sendfile.backends.nginx"),
    ("simple", "django_sendfile.backends.simple"),
])
def test_sendfile_backend_is_chosen_by_environment(value, backend):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENDFILE_")}
    if value is not None:
        env["SENDFILE_BACKEND"] = value
    code = ("from django.conf import settings; "
            "print(settings.SENDFILE_BACKEND, settings.SENDFILE_ROOT == settings.MEDIA_ROOT)")
    result = subprocess.run(  # noqa: S603 — our own interpreter and settings
        [sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "ocop.settings"},
        cwd=Path(__file__).resolve().parents[3], capture_output=True, text=True, timeout=60,
        check=True)
    assert result.stdout.split() == [backend, "True"]


def _settings_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("S3_", "STORAGE_BACKEND"))}
    code = ("from django.conf import settings; s = settings.STORAGES['default']; "
            "o = s.get('OPTIONS', {}); print(s['BACKEND'], o.get('bucket_name'), "
            "o.get('default_acl'), o.get('querystring_auth'), o.get('region_name'), "
            "o.get('addressing_style'))")
    return subprocess.run(  # noqa: S603 — our own interpreter and settings
        [sys.executable, "-c", code],
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "ocop.settings"},
        cwd=Path(__file__).resolve().parents[3], capture_output=True, text=True, timeout=60,
        check=False)


def test_storage_backend_is_chosen_by_environment():
    local = _settings_in_subprocess({})
    assert local.stdout.split()[0] == "django.core.files.storage.FileSystemStorage"
    s3 = _settings_in_subprocess({
        "STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "S3_BUCKET": "ocop-files", "S3_ACCESS_KEY_ID": "k", "S3_SECRET_ACCESS_KEY": "s"})
    assert s3.stdout.split() == ["storages.backends.s3.S3Storage", "ocop-files", "private",
                                 "True", "us-east-1", "path"]
    missing = _settings_in_subprocess({"STORAGE_BACKEND": "s3"})
    assert missing.returncode != 0 and "S3_BUCKET" in missing.stderr
    wrong = _settings_in_subprocess({"STORAGE_BACKEND": "ftp"})
    assert wrong.returncode != 0 and "STORAGE_BACKEND must be 'local' or 's3'" in wrong.stderr
