"""Stored files on a real S3-API server (STORAGE_BACKEND=s3, docs/file-storage.md).

The server is moto's standalone S3 server in its own process (conftest.py), with signature
checking on. Each test switches the default storage to its private bucket and points
MEDIA_ROOT at an empty folder: what the app writes must land in the bucket and nowhere on disk,
and every download must still pass the permission check of its record.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from botocore.exceptions import ClientError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.core.tests.test_files import (
    KINDS,
    USERS,
    _evidence,
    _finalise,
    body,
    clients,
    outcome,
    png,
    record,
)
from ocop.dossiers.testing import PDF, cycle
from ocop.evaluation.tests.conftest import ev
from ocop.jobs.models import Job
from ocop.jobs.testing import export_rows, start_and_download
from ocop.registry import services as registry_services
from ocop.registry.models import EvidenceDocument, Producer
from ocop.registry.tests.conftest import world
from ocop.registry.tests.test_excel import check, confirm, producer_row, xlsx
from ocop.trace.tests.conftest import chain, classification, people

__all__ = ["chain", "classification", "clients", "cycle", "ev", "people", "world"]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_the_bucket(s3):
    """Before any other fixture writes a file: every test world here is built on the bucket."""


def nothing_on_disk(settings) -> bool:
    media = Path(settings.MEDIA_ROOT)
    return not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize("kind", KINDS)
def test_each_file_is_in_the_bucket_and_served_exactly_to_the_readers_of_its_record(
        kind, ev, clients, s3, settings):
    url, fieldfile, readers = record(kind, ev)
    assert fieldfile.name in s3.object_keys()
    stored = s3.read(fieldfile.name)
    observed = {name: outcome(client.get(url), stored) for name, client in clients.items()}
    refusal = {name: "login" if name == "anonymous" and kind not in
               {"product_image_uncertified", "product_image_certified"} else "404"
               for name in USERS}
    assert observed == {name: "200" if name in readers else refusal[name] for name in USERS}
    assert nothing_on_disk(settings)


def test_download_is_streamed_after_the_check_never_an_object_address(ev, clients, s3):
    evidence = _evidence(ev)
    response = clients["producer"].get(
        reverse("registry:document_file", args=[evidence.producer_id, evidence.pk]))
    assert response.status_code == 200  # the bytes themselves, not a redirect to the bucket
    assert body(response) == s3.read(evidence.file.name)
    assert response["Content-Disposition"] == 'attachment; filename="giay-attp-bi-mat.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert int(response["Content-Length"]) == len(s3.read(evidence.file.name))
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    assert s3.endpoint_url not in headers and s3.bucket not in headers


def test_the_bucket_is_private(ev, s3):
    evidence = _evidence(ev)
    key = evidence.file.name
    # Anonymous direct access to the object, as a browser that guessed the address would try.
    direct = requests.get(f"{s3.endpoint_url}/{s3.bucket}/{key}", timeout=10)
    assert direct.status_code == 403 and b"%PDF" not in direct.content
    # Nor can the bucket be listed (moto answers an unsigned listing with a 500, not AWS's 403;
    # what matters is that no name comes back).
    listing = requests.get(f"{s3.endpoint_url}/{s3.bucket}", timeout=10)
    assert listing.status_code >= 400 and key.encode() not in listing.content
    # The server checks signatures: the right key with a wrong secret is refused.
    with pytest.raises(ClientError) as wrong:
        s3.client(secret_key="not-the-secret").get_object(Bucket=s3.bucket, Key=key)
    assert wrong.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    # Written with the private ACL: only the owner is granted anything.
    acl = s3.client().get_object_acl(Bucket=s3.bucket, Key=key)
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]
    assert all(g["Grantee"]["Type"] == "CanonicalUser" for g in acl["Grants"])


def test_object_missing_from_the_bucket_is_a_vietnamese_404(ev, clients, s3):
    final = _finalise(ev)
    url = reverse("evaluation:minutes", args=[ev.dossier.pk, final.pk])
    office = clients["province_office"]
    assert office.get(url).status_code == 200
    s3.client().delete_object(Bucket=s3.bucket, Key=final.minutes.name)
    gone = office.get(url)
    assert gone.status_code == 404 and "Không tìm thấy trang" in gone.content.decode()


def test_generated_minutes_and_proposal_zip_are_written_to_and_read_from_the_bucket(
        ev, s3, settings, django_capture_on_commit_callbacks):
    final = _finalise(ev)  # the council minutes PDF is generated and stored here
    assert s3.read(final.minutes.name).startswith(b"%PDF")
    office = login_client(ev.users["province_office"])
    zip_url = reverse("evaluation:proposal", args=[ev.dossier.pk, final.pk])
    # The ZIP job reads the minutes and every dossier document back from the bucket.
    job, response = start_and_download(office, django_capture_on_commit_callbacks, zip_url)
    assert response.status_code == 200 and job.result.name in s3.object_keys()
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    names = archive.namelist()
    minutes = next(n for n in names if "/bien-ban-" in n)
    assert archive.read(minutes) == s3.read(final.minutes.name)
    documents = [d for d in ev.dossier.documents.all() if d.file]
    assert len(names) == len(documents) + 1
    for document in documents:
        entry = next(n for n in names if f"/tai-lieu/{document.pk}-" in n)
        assert archive.read(entry) == s3.read(document.file.name)
    assert nothing_on_disk(settings)


def test_stamp_sheet_job_lives_in_the_bucket_until_cleanup_deletes_it(
        chain, s3, settings, django_capture_on_commit_callbacks):
    producer = login_client(chain.people["producer"])
    url = reverse("trace:batch_pdf", args=[chain.batch.pk])
    job, response = start_and_download(producer, django_capture_on_commit_callbacks, url,
                                       {"from": "1", "to": "30"})
    key = job.result.name
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert body(response) == s3.read(key) and s3.read(key).startswith(b"%PDF")
    download = reverse("jobs:download", args=[job.pk])
    assert login_client(chain.people["far_producer"]).get(download).status_code == 404
    assert nothing_on_disk(settings)

    call_command("jobs_cleanup", stdout=io.StringIO())
    assert key in s3.object_keys()  # not expired yet
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("jobs_cleanup", stdout=io.StringIO())
    assert key not in s3.object_keys() and not Job.objects.filter(pk=job.pk).exists()


def test_list_export_goes_through_the_bucket(world, client, s3, settings,
                                             django_capture_on_commit_callbacks):
    login_client(world.users["province_office"], client)
    exported = export_rows(client, django_capture_on_commit_callbacks, "registry.producers")
    assert exported.job.result.name in s3.object_keys()
    assert s3.read(exported.job.result.name).startswith(b"PK")  # an .xlsx (a ZIP)
    assert exported.rows  # the province's producers are in the file
    assert nothing_on_disk(settings)


def test_excel_import_reads_its_upload_from_the_bucket_and_deletes_it(
        world, client, s3, settings, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    login_client(world.users["province_office"], client)
    url = reverse("registry:producer_import")
    content = xlsx([producer_row("2914177765", "HTX Na Lục Ngạn")])
    job, response = check(client, capture, url, content)
    upload = job.params["upload"]
    assert s3.read(upload) == content  # the uploaded workbook is in the bucket
    assert response.context["result"]["ok"], response.context["result"]
    written = confirm(client, capture, url, job)
    assert written.status == Job.Status.DONE
    assert Producer.objects.filter(tax_code="2914177765").exists()
    assert upload not in s3.object_keys() and not default_storage.exists(upload)
    assert nothing_on_disk(settings)


def test_an_upload_through_the_form_lands_in_the_bucket(world, client, s3, settings):
    producer = world.producers["own"]
    login_client(world.users["commune_officer"], client)
    response = client.post(reverse("registry:document_create", args=[producer.pk]), {
        "doc_type": "food_safety", "number": "34/ATTP",
        "file": SimpleUploadedFile("attp.pdf", PDF + b"form upload")})
    assert response.status_code == 302
    document = EvidenceDocument.objects.get(number="34/ATTP")
    assert s3.read(document.file.name) == PDF + b"form upload"
    assert nothing_on_disk(settings)
    file_url = reverse("registry:document_file", args=[producer.pk, document.pk])
    assert body(client.get(file_url)) == PDF + b"form upload"
    # Another province's office gets the 404 of a missing record, and nothing of the file.
    hanoi = login_client(make_user(Role.PROVINCE_OFFICE, unit=world.units.ha_noi))
    refused = hanoi.get(file_url)
    assert refused.status_code == 404 and b"form upload" not in refused.content


def test_a_replaced_photo_and_a_deleted_document_leave_the_bucket(
        world, s3, django_capture_on_commit_callbacks):
    product = world.products["own"]
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.update_product(actor=None, product=product, data={},
                                         image=SimpleUploadedFile("anh.png", png()))
    first = type(product).objects.get(pk=product.pk).image.name
    assert first in s3.object_keys()
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.update_product(actor=None, product=product, data={},
                                         image=SimpleUploadedFile("anh-moi.png", png()))
    second = type(product).objects.get(pk=product.pk).image.name
    assert second in s3.object_keys() and first not in s3.object_keys()

    document = registry_services.create_document(
        actor=None, producer=world.producers["own"], data={"doc_type": "other"},
        file=SimpleUploadedFile("a.pdf", PDF))
    key = document.file.name
    assert key in s3.object_keys()
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.delete_document(actor=None, document=document)
    assert key not in s3.object_keys()
