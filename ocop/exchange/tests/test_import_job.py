"""The staff page's import as a background job (ocop/exchange/jobs.py): the upload checked in
the request (nothing stored for a refused file), the job's progress in rows, its outcome and
the report, all or nothing inside the job, who may see the job, the stored upload's fate, and
a run through the real database queue.

`.ci/run` also runs this file with OCOP_TASKS_BACKEND=db and redis (every job through that
queue's worker)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.models import User
from ocop.accounts.testing import login_client
from ocop.audit.models import AuditEntry
from ocop.exchange import excel, selectors, services
from ocop.exchange import jobs as exchange_jobs
from ocop.exchange.models import Change, ImportBatch
from ocop.exchange.testing import upload_and_run
from ocop.exchange.tests.test_import import TODAY, _row
from ocop.jobs import services as job_services
from ocop.jobs.models import Job
from ocop.registry.models import Producer, Product

pytestmark = pytest.mark.django_db


def _excel_form(world, rows, name="ds-2024.xlsx", **over):
    return {"file": SimpleUploadedFile(name, excel.template(rows)),
            "issuing_unit": world.units.bac_ninh.pk, "signer_name": "Trần Văn Ký",
            "signer_title": "Phó Chủ tịch", **over}


def _jsonl(records) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def _stored(settings) -> list[Path]:
    """Every file under MEDIA_ROOT (the tests' own temporary media root)."""
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Services: progress counts rows ---------------------------------------------------------


def test_apply_records_reports_progress_in_rows(world):
    """An Excel row is four records; progress counts rows, from 0 to the total."""
    parsed = excel.parse(io.BytesIO(excel.template([_row(1), _row(2), _row(3)])),
                         province=world.units.bac_ninh, issuing_unit=world.units.bac_ninh,
                         signer_name="Trần Văn Ký", signer_title="Phó Chủ tịch")
    assert len(parsed.rows) == 12
    seen: list[tuple[int, int]] = []
    report = services.apply_records(parsed.rows, services.Scope(None, None, TODAY),
                                    progress=lambda done, total: seen.append((done, total)))
    # One producer and one decision (then unchanged twice each), three products and certificates.
    assert report.ok and (report.created, report.unchanged) == (8, 4)
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_apply_records_progress_of_a_refused_batch_still_ends_at_the_total(world):
    records = [{"entity": "producer", "data": {"tax_code": "0109999991", "name": "A",
                                               "legal_form": "household",
                                               "representative_name": "B",
                                               "commune": "nowhere"}, "_row": n}
               for n in (1, 2)]
    seen: list[tuple[int, int]] = []
    report = services.apply_records(records, services.Scope(None, None, TODAY),
                                    progress=lambda done, total: seen.append((done, total)))
    assert not report.ok and [p.row for p in report.problems] == [1, 2]
    assert seen == [(0, 2), (1, 2), (2, 2)]


# --- HTTP: the page starts a job; its page leads to the report ------------------------------


def test_an_excel_list_runs_as_a_job_with_counts_and_report(
        client, world, settings, django_capture_on_commit_callbacks):
    office = world.users["province_office"]
    client = login_client(office, client)
    response, job = upload_and_run(client, django_capture_on_commit_callbacks,
                                   _excel_form(world, [_row(1), _row(2)]))
    assert response.status_code == 302 and response["Location"] == f"/tac-vu/{job.pk}/"
    assert job.kind == Job.Kind.EXCHANGE_IMPORT and job.status == Job.Status.DONE, job.message
    assert (job.done, job.total) == (2, 2)  # Excel rows
    assert job.outcome["status"] == "applied"
    assert {k: job.outcome[k] for k in ("created", "updated", "unchanged", "problems")} == {
        "created": 6, "updated": 0, "unchanged": 2, "problems": 0}
    assert AuditEntry.objects.filter(action="jobs.exchange_import.request",
                                     object_id=str(job.pk), actor=office).exists()
    page = client.get(f"/tac-vu/{job.pk}/").content.decode()
    assert "Nhập dữ liệu từ “ds-2024.xlsx”" in page
    assert ("Đã nhập: 6 bản ghi thêm mới, 0 cập nhật, 2 không thay đổi. Xem kết quả"
            in page)
    batch = ImportBatch.objects.get(pk=job.outcome["batch"])
    assert (batch.source, batch.file_name, batch.created_by) == ("excel", "ds-2024.xlsx", office)
    assert batch.province == world.units.bac_ninh and len(batch.digest) == 64
    report = client.get(reverse("exchange:batch", args=[batch.pk])).content.decode()
    assert "Đã nhập: 6 bản ghi thêm mới, 0 bản ghi cập nhật, 2 bản ghi không thay đổi" in report
    # The upload was read and deleted: nothing of it is left under the media root.
    assert not _stored(settings)
    assert not (Path(settings.MEDIA_ROOT) / job.params["upload"]).exists()


def test_a_broken_list_is_reported_row_by_row_from_the_job(
        client, world, django_capture_on_commit_callbacks):
    client = login_client(world.users["province_office"], client)
    _response, job = upload_and_run(client, django_capture_on_commit_callbacks, _excel_form(
        world, [_row(1, stars=7), _row(2, commune="Xã Không Có")]))
    assert job.status == Job.Status.DONE and job.outcome["status"] == "refused"
    assert job.outcome["problems"] == 2
    page = client.get(f"/tac-vu/{job.pk}/").content.decode()
    assert "Bị từ chối, không ghi gì: 2 lỗi. Xem báo cáo lỗi" in page
    batch = ImportBatch.objects.get(pk=job.outcome["batch"])
    assert [(p["row"], p["column"]) for p in batch.problems] == [(2, "Hạng sao"),
                                                                 (3, "Xã/phường")]
    report = client.get(reverse("exchange:batch", args=[batch.pk])).content.decode()
    assert "3 đến 5 sao" in report and "Xã Không Có" in report
    assert not Producer.objects.filter(tax_code="0400100457").exists()


def test_one_bad_row_found_while_writing_rolls_the_whole_job_back(
        client, world, settings, django_capture_on_commit_callbacks):
    """Row 3's product set does not exist: only applying finds it (the file itself is fine), and
    then rows 2 and 4, already written inside the job's transaction, are rolled back too."""
    client = login_client(world.users["province_office"], client)
    producers, products = Producer.objects.count(), Product.objects.count()
    changes, audits = Change.objects.count(), AuditEntry.objects.count()
    _response, job = upload_and_run(client, django_capture_on_commit_callbacks, _excel_form(
        world, [_row(1), _row(2, product_set="9999-99"), _row(3)]))
    assert job.status == Job.Status.DONE and (job.done, job.total) == (3, 3)
    assert job.outcome["status"] == "refused" and job.outcome["created"] == 0
    batch = ImportBatch.objects.get(pk=job.outcome["batch"])
    assert batch.status == "refused"
    # Named precisely: the product set, and so the certificate of that row finds no product.
    assert [(p["row"], p["column"]) for p in batch.problems] == [(3, "Mã bộ sản phẩm"),
                                                                 (3, "Tên sản phẩm")]
    assert "9999-99" in batch.problems[0]["message"]
    assert (Producer.objects.count(), Product.objects.count()) == (producers, products)
    assert Change.objects.count() == changes
    # Only the job's own audit entry was added (the request), nothing of the import.
    assert AuditEntry.objects.count() == audits + 1
    assert not _stored(settings)


def test_a_jsonl_batch_through_the_page(client, xworld, django_capture_on_commit_callbacks):
    """The province's own export, uploaded back, changes nothing; a line with a record the
    platform refuses makes the whole batch write nothing, named by its line."""
    client = login_client(xworld.users["province_office"], client)
    capture = django_capture_on_commit_callbacks
    records = list(selectors.export_records(xworld.units.bac_ninh.pk))
    _response, job = upload_and_run(client, capture, {
        "file": SimpleUploadedFile("bac-ninh.jsonl", _jsonl(records))})
    assert job.status == Job.Status.DONE, job.message
    assert job.params["format"] == "jsonl" and job.params["province"] == xworld.units.bac_ninh.pk
    assert job.outcome["status"] == "applied" and job.outcome["unchanged"] == len(records)
    assert (job.done, job.total) == (len(records), len(records))
    batch = ImportBatch.objects.get(pk=job.outcome["batch"])
    assert batch.source == "records" and batch.file_name == "bac-ninh.jsonl"

    new = {"entity": "producer", "op": "upsert", "data": {
        "tax_code": "0108888888", "name": "HTX Mới", "legal_form": "cooperative",
        "representative_name": "Lê Văn D", "commune": records[0]["data"]["commune"]}}
    bad = {"entity": "product", "op": "upsert", "data": {
        "producer": "0108888888", "name": "Trà", "product_set": "9999-99"}}
    _response, job = upload_and_run(client, capture, {
        "file": SimpleUploadedFile("lo.jsonl", _jsonl([new, bad]))})
    assert job.outcome["status"] == "refused"
    assert ImportBatch.objects.get(pk=job.outcome["batch"]).problems == [
        {"row": 2, "column": "product_set", "message": "Không có bộ sản phẩm mã “9999-99”."}]
    assert not Producer.objects.filter(tax_code="0108888888").exists()


# --- The upload is checked in the request; a refused file leaves nothing behind -------------


def _zip(names) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("ds.xlsx", b"%PDF-1.7 not a list", "không phải bảng tính Excel (.xlsx) hay tệp JSON Lines"),
    ("ds.xlsx", bytes(range(256)) * 4, "không phải văn bản UTF-8"),
    ("ds.jsonl", b'{"entity": "producer"}\n{broken\n', "Dòng 2 không phải JSON hợp lệ"),
    ("ds.jsonl", b'{"entity": "producer"}\n[1, 2]\n', "Dòng 2 phải là một đối tượng JSON"),
    ("ds.jsonl", b"\n\n  \n", "không có bản ghi nào"),
    ("ds.xlsx", _zip(["a.txt"]), "nội dung thực tế là tệp nén ZIP"),
    ("ds.xlsx", _zip(["[Content_Types].xml", "xl/workbook.xml"]),
     "không mở được như bảng tính Excel"),
])
def test_a_file_that_is_no_list_is_refused_at_once(client, world, settings, name, content,
                                                   reason, django_capture_on_commit_callbacks):
    client = login_client(world.users["province_office"], client)
    response, job = upload_and_run(client, django_capture_on_commit_callbacks, {
        "file": SimpleUploadedFile(name, content), "issuing_unit": world.units.bac_ninh.pk})
    assert response.status_code == 200 and job is None
    text = response.content.decode()
    assert reason in text and f"“{name}”" in text
    assert not Job.objects.exists() and not ImportBatch.objects.exists()
    assert not _stored(settings)


def test_a_file_too_large_is_refused_at_once(client, world, settings,
                                             django_capture_on_commit_callbacks):
    settings.UPLOAD_MAX_BYTES = 1000
    client = login_client(world.users["province_office"], client)
    for name, content in (("ds.xlsx", excel.template([_row(1)])),
                          ("ds.jsonl", b'{"entity": "x"}\n' * 100)):
        response, job = upload_and_run(client, django_capture_on_commit_callbacks, {
            "file": SimpleUploadedFile(name, content), "issuing_unit": world.units.bac_ninh.pk})
        assert job is None and "quá lớn" in response.content.decode(), name
    assert not Job.objects.exists() and not _stored(settings)


def test_an_excel_list_needs_the_issuing_province(client, world, settings,
                                                  django_capture_on_commit_callbacks):
    client = login_client(world.users["central"], client)
    response, job = upload_and_run(client, django_capture_on_commit_callbacks,
                                   _excel_form(world, [_row(1)], issuing_unit=""))
    assert job is None
    assert "Hãy chọn tỉnh đã ban hành các quyết định" in response.content.decode()
    assert not _stored(settings)


# --- Who sees the job ----------------------------------------------------------------------


def test_only_the_requester_sees_the_job(client, xworld, django_capture_on_commit_callbacks):
    office = xworld.users["province_office"]
    _response, job = upload_and_run(login_client(office, client),
                                    django_capture_on_commit_callbacks,
                                    _excel_form(xworld, [_row(1)]))
    detail, status = f"/tac-vu/{job.pk}/", f"/tac-vu/{job.pk}/trang-thai"
    assert login_client(office).get(detail).status_code == 200
    assert login_client(office).get(status).status_code == 200
    # Another province's officer, and the national office (which may read the report in the
    # import history, but the job is the requester's): 404.
    for other in ("other_province_office", "central", "commune_officer"):
        viewer = login_client(xworld.users[other])
        assert viewer.get(detail).status_code == 404, other
        assert viewer.get(status).status_code == 404, other
    # The report itself follows the import history's rule: the province's staff, not another's.
    colleague = User.objects.create_user(username="bn_office_2", password="x-Pass-123456",
                                         role="province_office", unit=xworld.units.bac_ninh)
    report = reverse("exchange:batch", args=[job.outcome["batch"]])
    assert login_client(colleague).get(report).status_code == 200
    assert login_client(xworld.users["other_province_office"]).get(report).status_code == 404
    # Anonymous: the page sends to the login page; the polled fragment is a plain 404.
    from django.test import Client
    anonymous = Client()
    page = anonymous.get(detail)
    assert page.status_code == 302 and "/dang-nhap" in page["Location"]
    assert anonymous.get(status).status_code == 404
    # The requester moved to another province: the job is out of their reach now.
    office.unit = xworld.units.ha_noi
    office.save(update_fields=["unit"])
    assert login_client(office).get(detail).status_code == 404


def test_only_exchange_staff_may_start_an_import(client, world, settings,
                                                 django_capture_on_commit_callbacks):
    client = login_client(world.users["commune_officer"], client)
    response, job = upload_and_run(client, django_capture_on_commit_callbacks,
                                   _excel_form(world, [_row(1)]))
    assert response.status_code == 403 and job is None
    assert not _stored(settings) and not Job.objects.exists()


def test_start_import_refuses_another_province(world, settings):
    upload = SimpleUploadedFile("ds.jsonl", b'{"entity": "producer", "data": {}}\n')
    with pytest.raises(job_services.JobRefused):
        exchange_jobs.start_import(actor=world.users["province_office"], file=upload,
                                   file_format="jsonl", province=world.units.ha_noi)
    assert not _stored(settings) and not Job.objects.exists()


# --- The stored upload ---------------------------------------------------------------------


def test_the_stored_upload_is_unguessable_unserved_and_cleaned_up(world, settings):
    """Queued and never run (a worker that died): the upload waits under a random name that no
    URL serves; the jobs' cleanup removes it with the job."""
    upload = SimpleUploadedFile("Danh sách 2024.xlsx", excel.template([_row(1)]))
    job = exchange_jobs.start_import(actor=world.users["province_office"], file=upload,
                                     file_format="xlsx", province=world.units.bac_ninh,
                                     issuing_unit=world.units.bac_ninh)
    path = job.params["upload"]
    assert path.startswith("imports/") and path.endswith(".xlsx") and "sach" not in path
    assert len(Path(path).stem) == 32
    assert (Path(settings.MEDIA_ROOT) / path).exists()
    client = login_client(world.users["province_office"])
    assert client.get(f"/media/{path}").status_code == 404
    assert client.get(f"/tac-vu/{job.pk}/tai-ve").status_code == 404  # no result file
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert job_services.delete_expired() == 1
    assert not Job.objects.filter(pk=job.pk).exists() and not _stored(settings)


# --- Through the real database queue --------------------------------------------------------


def test_the_job_goes_through_the_database_queue(
        db_queue, client, world, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from ocop.jobs.tasks import run_job
    from ocop.worker.testing import drain

    client = login_client(world.users["province_office"], client)
    _response, job = upload_and_run(client, django_capture_on_commit_callbacks,
                                    _excel_form(world, [_row(1), _row(2)]))
    assert job.status == Job.Status.QUEUED
    task = DBTaskResult.objects.get(task_path=run_job.module_path)
    assert task.args_kwargs["args"] == [str(job.pk)]
    waiting = client.get(f"/tac-vu/{job.pk}/trang-thai").content.decode()
    assert "Đang chờ đến lượt" in waiting and "hx-trigger" in waiting
    drain()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.outcome["created"] == 6, job.message
    done = client.get(f"/tac-vu/{job.pk}/trang-thai").content.decode()
    assert "Xem kết quả" in done and "hx-trigger" not in done


# --- Progress seen while the job's transaction is still open (PostgreSQL) --------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_by_others_while_the_import_runs(world, monkeypatch, settings):
    """The import writes in one transaction; its progress goes through a second connection, so
    another session reads it mid-way while the rows themselves are not yet visible."""
    monkeypatch.setattr(job_services, "PROGRESS_EVERY", 0)
    upload = SimpleUploadedFile("ds.xlsx", excel.template([_row(n) for n in range(1, 6)]))
    # The queue keeps the job (no worker): the test runs it below.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    job = exchange_jobs.start_import(actor=world.users["province_office"], file=upload,
                                     file_format="xlsx", province=world.units.bac_ninh,
                                     issuing_unit=world.units.bac_ninh,
                                     signer_name="Trần Văn Ký", signer_title="Phó Chủ tịch")
    observer = connections.create_connection("default")
    seen: list[tuple[int, int, int]] = []
    real_apply = services.apply_row

    def apply_and_look(record, scope):
        if record["entity"] == "producer":  # the first record of each Excel row
            with observer.cursor() as cursor:
                cursor.execute("SELECT done, total FROM jobs_job WHERE id = %s", [str(job.pk)])
                done, total = cursor.fetchone()
                cursor.execute("SELECT count(*) FROM registry_product")
                seen.append((done, total, cursor.fetchone()[0]))
        return real_apply(record, scope)

    monkeypatch.setattr(services, "apply_row", apply_and_look)
    products = Product.objects.count()
    try:
        job_services.run(Job.objects.get(pk=job.pk))
    finally:
        observer.close()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.outcome["status"] == "applied", ImportBatch.objects.get().problems
    assert seen == [(n, 5, products) for n in range(5)]
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and (job.done, job.total) == (5, 5)
    assert Product.objects.count() == products + 5


# --- The writer of a long transaction's progress -------------------------------------------


@pytest.mark.sqlite
def test_on_sqlite_progress_inside_the_transaction_is_not_written(world):
    """SQLite's only write lock belongs to the import's transaction: a second connection would
    wait for the very work it reports on, so nothing is written inside it (and nothing hangs)."""
    from django.db import transaction

    upload = SimpleUploadedFile("ds.jsonl", b'{"entity": "producer", "data": {}}\n')
    job = exchange_jobs.start_import(actor=world.users["province_office"], file=upload,
                                     file_format="jsonl", province=world.units.bac_ninh)
    writer = job_services.SideProgressWriter(job)
    with transaction.atomic():
        writer.write(3, 7)
    assert writer.side is None
    assert Job.objects.values_list("done", "total").get(pk=job.pk) == (0, 0)


@pytest.mark.postgresql
def test_a_progress_write_that_fails_stops_progress_not_the_work(world, monkeypatch):
    """A side write that errors (here: the table cannot be found by the second connection) is
    logged, and later steps do not try again; the job itself goes on."""
    from django.db import transaction

    upload = SimpleUploadedFile("ds.jsonl", b'{"entity": "producer", "data": {}}\n')
    job = exchange_jobs.start_import(actor=world.users["province_office"], file=upload,
                                     file_format="jsonl", province=world.units.bac_ninh)
    monkeypatch.setattr(Job._meta, "db_table", "jobs_job_missing")
    writer = job_services.SideProgressWriter(job)
    with transaction.atomic():
        writer.write(1, 2)
        assert writer.broken and writer.side is None
        writer.write(2, 2)  # not tried again
    writer.close()
