import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from ocop.accounts.testing import login_client
from ocop.audit.models import AuditEntry
from ocop.core.refusals import Conflict
from ocop.jobs.models import Job
from ocop.jobs.testing import job_of, start_and_download
from ocop.registry import excel
from ocop.registry.models import Producer, Product

HEADERS = [c.header for c in excel.PRODUCER_COLUMNS]


def xlsx(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def producer_row(tax_code: str, name: str, commune: str = "07582", **over) -> list:
    values = {
        "Mã số thuế": tax_code, "Tên chủ thể": name, "Loại hình": "Hợp tác xã",
        "Mã xã/phường": commune, "Người đại diện": "Trần Văn B", "Ngày đăng ký": "15/03/2019",
        "Số lao động": 10, "Lao động địa phương": 8, "Chủ thể là nữ": "Có", **over,
    }
    return [values.get(h) for h in HEADERS]


def upload(client, url: str, content: bytes, name: str = "du-lieu.xlsx"):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def check(client, capture, url: str, content: bytes, name: str = "du-lieu.xlsx"):
    """Upload, run the check job at once, and open the result page the job links to."""
    with capture(execute=True):
        job = job_of(upload(client, url, content, name))
    job.refresh_from_db()
    return job, client.get(url, {"ket-qua": str(job.pk)})


def confirm(client, capture, url: str, check_job: Job) -> Job:
    with capture(execute=True):
        job = job_of(client.post(url, {"job": str(check_job.pk)}))
    job.refresh_from_db()
    return job


def errors_of(response) -> set[tuple[int, str]]:
    return {(r["number"], e["column"]) for r in response.context["result"]["rows"]
            for e in r["errors"]}


def test_good_file_previews_then_imports_all_rows(world, client,
                                                 django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    user = world.users["province_office"]
    login_client(user, client)
    url = reverse("registry:producer_import")
    content = xlsx([producer_row("2914177765", "HTX Na Lục Ngạn"),
                    producer_row("3170669072", "Hộ Bánh đa Kế", "07210",
                                 **{"Loại hình": "Hộ kinh doanh"})])
    before = Producer.objects.count()
    job, response = check(client, capture, url, content)
    assert job.status == Job.Status.DONE and (job.done, job.total) == (2, 2)
    result = response.context["result"]
    assert result["ok"] and result["count"] == 2, result["rows"]
    assert response.context["confirm"]
    assert Producer.objects.count() == before  # the check writes nothing
    detail = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'href="{url}?ket-qua={job.pk}"' in detail and "Xem kết quả kiểm tra" in detail

    written = confirm(client, capture, url, job)
    assert written.status == Job.Status.DONE and written.params["commit"] is True
    assert Producer.objects.count() == before + 2
    created = Producer.objects.get(tax_code="3170669072")
    assert created.legal_form == "household" and created.commune_id == "C07210"
    assert Producer.objects.get(tax_code="2914177765").woman_owner is True
    assert AuditEntry.objects.filter(action="registry.producer.create",
                                     actor_id=user.pk).count() == 2
    # The written upload is gone; the job page links to the list.
    assert not default_storage.exists(job.params["upload"])
    detail = client.get(reverse("jobs:detail", args=[written.pk])).content.decode()
    assert reverse("registry:producer_list") in detail and "Đã nhập 2 dòng" in detail
    # A second click on the confirm button leads to the same write job, nothing is written twice.
    assert confirm(client, capture, url, job).pk == written.pk
    assert Producer.objects.count() == before + 2


def test_one_bad_row_imports_nothing_and_names_row_and_column(world, client,
                                                             django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    login_client(world.users["province_office"], client)
    url = reverse("registry:producer_import")
    content = xlsx([
        producer_row("2914177765", "HTX Một"),
        producer_row("2914177766", "HTX Hai"),  # wrong check digit
        producer_row("3170669072", "HTX Ba", **{"Lao động địa phương": 20}),  # > employees
        producer_row("4391500083", "HTX Bốn", "00070"),  # Hà Nội: outside Bắc Ninh
        producer_row("2914177765", "HTX Năm"),  # duplicate of row 2
    ])
    before = Producer.objects.count()
    job, response = check(client, capture, url, content)
    result = response.context["result"]
    assert not result["ok"] and not response.context["confirm"]
    errors = errors_of(response)
    assert (3, "Mã số thuế") in errors
    assert (4, "Lao động địa phương") in errors
    assert (5, "Mã xã/phường") in errors
    assert (6, "Mã số thuế") in errors
    assert not result["rows"][0]["errors"]
    assert Producer.objects.count() == before
    page = response.content.decode()
    assert "Dòng 3, cột “Mã số thuế”" in page and "Có 4 lỗi; chưa nhập dòng nào" in page
    assert 'name="job"' not in page
    # Even a forged confirm cannot import: a failed check cannot be confirmed.
    with capture(execute=True):
        response = client.post(url, {"job": str(job.pk)})
    assert response.status_code == 404
    assert Producer.objects.count() == before
    assert Job.objects.filter(params__commit=True).count() == 0


def test_long_file_result_keeps_the_rows_with_errors_first(world, monkeypatch):
    monkeypatch.setattr(excel, "PREVIEW_ROWS", 2)
    content = xlsx([producer_row("2914177765", "HTX Một"), producer_row("3170669072", "HTX Hai"),
                    producer_row("1", "HTX Ba")])
    result = excel.import_producers(world.users["admin"], io.BytesIO(content), commit=False)
    out = excel.outcome(result)
    assert (out["count"], out["shown"], out["ok"]) == (3, 1, False)
    assert out["rows"][0]["number"] == 4 and out["rows"][0]["cells"][0] == ["Mã số thuế", "1"]


def test_check_reports_its_progress(world):
    content = xlsx([producer_row("2914177765", "HTX Một"), producer_row("3170669072", "HTX Hai")])
    calls: list[tuple[int, int]] = []
    excel.import_producers(world.users["admin"], io.BytesIO(content), commit=False,
                           progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 2), (1, 2), (2, 2)]


def test_only_the_requester_sees_and_confirms(world, client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    url = reverse("registry:producer_import")
    login_client(world.users["province_office"], client)
    job, _response = check(client, capture, url,
                           xlsx([producer_row("2914177765", "HTX Na Lục Ngạn")]))
    before = Producer.objects.count()
    other = login_client(world.users["admin"])  # may import too, but this is not their job
    assert other.get(url, {"ket-qua": str(job.pk)}).status_code == 404
    assert other.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    with capture(execute=True):
        assert other.post(url, {"job": str(job.pk)}).status_code == 404
    assert other.get(url, {"ket-qua": "not-a-uuid"}).status_code == 404
    anonymous = Client()
    assert anonymous.get(reverse("jobs:status", args=[job.pk])).status_code == 404
    assert anonymous.post(url, {"job": str(job.pk)}).status_code == 302  # to the login page
    # The product page does not show a producer check.
    assert client.get(reverse("registry:product_import"),
                      {"ket-qua": str(job.pk)}).status_code == 404
    assert Producer.objects.count() == before


def test_write_job_checks_again_and_writes_nothing_on_a_new_error(
        world, client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    login_client(world.users["province_office"], client)
    url = reverse("registry:producer_import")
    job, _response = check(client, capture, url,
                           xlsx([producer_row("2914177765", "HTX Một"),
                                 producer_row("3170669072", "HTX Hai")]))
    # Between the check and the confirmation, one tax code is registered by someone else.
    excel.import_producers(world.users["admin"],
                           io.BytesIO(xlsx([producer_row("3170669072", "HTX Khác")])), commit=True)
    before = Producer.objects.count()
    written = confirm(client, capture, url, job)
    assert written.status == Job.Status.DONE and not written.outcome["committed"]
    assert Producer.objects.count() == before
    response = client.get(url, {"ket-qua": str(written.pk)})
    assert (3, "Mã số thuế") in errors_of(response) and not response.context["confirm"]
    assert default_storage.exists(job.params["upload"])  # kept until the jobs expire
    Job.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("jobs_cleanup", stdout=io.StringIO())
    assert not default_storage.exists(job.params["upload"]) and not Job.objects.exists()


def test_commit_runs_all_in_one_transaction(world):
    """import_producers(commit=True) with a bad row leaves the database untouched."""
    content = xlsx([producer_row("2914177765", "HTX Một"), producer_row("1", "HTX Hai")])
    before = (Producer.objects.count(), AuditEntry.objects.count())
    result = excel.import_producers(world.users["admin"], io.BytesIO(content), commit=True)
    assert not result.committed
    assert (Producer.objects.count(), AuditEntry.objects.count()) == before


def test_non_xlsx_file_gets_a_clear_message(world, client):
    login_client(world.users["admin"], client)
    url = reverse("registry:producer_import")
    response = upload(client, url, "Mã số thuế;Tên\n0100109106;A\n".encode(), "du-lieu.csv")
    form = response.context["form"]
    assert "du-lieu.csv" in form.errors["file"][0]
    assert "văn bản thuần" in form.errors["file"][0]
    # A zip that is not a workbook.
    response = upload(client, url, b"PK\x03\x04garbage", "hong.xlsx")
    assert "hong.xlsx" in response.context["form"].errors["file"][0]
    assert not Job.objects.exists()


def test_disguised_upload_refused(world, client):
    login_client(world.users["admin"], client)
    response = upload(client, reverse("registry:producer_import"),
                      b"MZ\x90\x00" + b"\x00" * 100, "danh-sach.xlsx")
    message = response.context["form"].errors["file"][0]
    assert "danh-sach.xlsx" in message and "EXE" in message


def test_missing_columns_fail_the_check_with_the_reason(world, client,
                                                       django_capture_on_commit_callbacks):
    login_client(world.users["admin"], client)
    url = reverse("registry:producer_import")
    job, response = check(client, django_capture_on_commit_callbacks, url,
                          xlsx([["x"]], headers=["Tên chủ thể"]))
    assert job.status == Job.Status.FAILED
    assert "Thiếu cột bắt buộc" in job.message and "Mã số thuế" in job.message
    assert response.status_code == 302  # back to the job page, which says why
    detail = client.get(response["Location"]).content.decode()
    assert "Thiếu cột bắt buộc" in detail and f'href="{url}"' in detail


def test_product_import_and_template(world, client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    login_client(world.users["commune_officer"], client)
    url = reverse("registry:product_import")
    template = client.get(url, {"mau": "1"})
    wb = load_workbook(io.BytesIO(b"".join(template.streaming_content)))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers == [c.header for c in excel.PRODUCT_COLUMNS]
    assert wb.sheetnames[1] == "Hướng dẫn"
    rows = [
        ["0100109106", "Vải thiều sấy", "1048-01", "8934567890120", "Hộp 500 g", 365, "", "", ""],
        # Another province's producer is not found for a commune officer.
        ["0300588569", "Trà", "1048-01", "", "", "", "", "", ""],
    ]
    _job, response = check(client, capture, url, xlsx(rows, headers))
    assert [e["column"] for e in response.context["result"]["rows"][1]["errors"]] == [
        "Mã số thuế chủ thể"]
    assert not Product.objects.filter(name="Vải thiều sấy").exists()
    job, _response = check(client, capture, url, xlsx(rows[:1], headers))
    confirm(client, capture, url, job)
    product = Product.objects.get(name="Vải thiều sấy")
    assert product.gtin == "8934567890120" and product.status == "active"


def test_inspector_cannot_import(world, client):
    login_client(world.users["inspector"], client)
    assert client.get(reverse("registry:producer_import")).status_code == 403


@pytest.mark.parametrize(("kind", "url"), [("producers", "registry:producer_export"),
                                            ("products", "registry:product_export")])
def test_export_content_follows_filters_and_reach(world, client, kind, url,
                                                  django_capture_on_commit_callbacks):
    """The export runs as a background job; the list's filters travel in the query string."""
    login_client(world.users["province_office"], client)
    assert client.get(reverse(url)).status_code == 405  # starting a job is a POST
    _job, response = start_and_download(client, django_capture_on_commit_callbacks,
                                        reverse(url) + "?q=vai+thieu&page=3")
    assert response["Content-Disposition"].startswith("attachment")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "ID"
    assert "Mã số thuế" in rows[0][1]
    assert len(rows) == 2  # header + the one matching row
    if kind == "producers":
        assert rows[1][2] == "HTX Vải thiều Lục Ngạn"
        assert rows[1][3] == "Hợp tác xã"
    else:
        assert rows[1][3] == "Sản phẩm HTX Vải thiều Lục Ngạn"
    # Without a filter: only the province's three rows, never Hà Nội's.
    _job, response = start_and_download(client, django_capture_on_commit_callbacks, reverse(url))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.worksheets[0].max_row == 4
    entries = AuditEntry.objects.filter(action=f"registry.{kind}.export").order_by("id")
    assert [e.changes["filters"] for e in entries] == [{"q": "vai thieu"}, {}]


def test_exported_producers_can_be_reimported(world):
    """The export keeps the import headers, so an edited export imports back: every column of
    the exported row parses, and the only complaint is that the tax code is already taken."""
    qs = Producer.objects.filter(pk=world.producers["own"].pk).select_related(
        "commune__current_commune", "commune__current_province")
    out = excel.export_workbook(qs, "producers")
    result = excel.import_producers(world.users["admin"], out, commit=False)
    assert set(result.headers) == {c.header for c in excel.PRODUCER_COLUMNS}
    errors = [(e.column, e.message) for e in result.rows[0].errors]
    assert errors == [("Mã số thuế", "Mã số thuế 0100109106 đã được đăng ký trong hệ thống.")]


def test_a_producer_of_a_former_commune_exports_its_key_and_imports_back(world):
    """Registered under a pre-2025 commune: the export writes that commune's key (LC + its
    code, as the template's guide says), and the import reads it back as the same commune."""
    from ocop.registry.testing import TAX_CODES, make_producer

    legacy = make_producer("HTX Mật ong Đồng Cốc", world.units.legacy_dong_coc, TAX_CODES[4])
    qs = Producer.objects.filter(pk=legacy.pk).select_related(
        "commune__current_commune", "commune__current_province")
    sheet = load_workbook(excel.export_workbook(qs, "producers")).worksheets[0]
    header, row = ([c.value for c in r] for r in sheet.iter_rows(max_row=2))
    assert dict(zip(header, row, strict=True))["Mã xã/phường"] == "LC07591"
    result = excel.import_producers(world.users["admin"], excel.export_workbook(qs, "producers"),
                                    commit=False)
    assert [e.column for e in result.rows[0].errors] == ["Mã số thuế"]  # only: already taken
    assert result.rows[0].values["commune"] == world.units.legacy_dong_coc
    guide = excel.template_workbook(excel.PRODUCER_COLUMNS, "Chủ thể")
    assert "LC07591" in str([c.value for c in load_workbook(io.BytesIO(guide))["Hướng dẫn"]["C"]])


def test_exported_places_carry_their_type_word(world):
    """Today's commune and province are written as an official writes them ("Xã …", "Tỉnh …"):
    a ward and a commune of the same name stay apart."""
    from ocop.units.names import official_name

    producer = Producer.objects.select_related(
        "commune__current_commune", "commune__current_province").get(pk=world.producers["own"].pk)
    qs = Producer.objects.filter(pk=producer.pk).select_related(
        "commune__current_commune", "commune__current_province")
    sheet = load_workbook(excel.export_workbook(qs, "producers")).worksheets[0]
    header, row = ([c.value for c in r] for r in sheet.iter_rows(max_row=2))
    cells = dict(zip(header, row, strict=True))
    commune, province = producer.commune.current_commune, producer.commune.current_province
    assert cells["Xã/phường hiện nay"] == official_name(commune) != commune.name
    assert cells["Tỉnh/thành phố hiện nay"] == official_name(province) != province.name


def test_export_product_whose_set_has_no_subgroup(world):
    """A set without a 148 sub-group still exports its group."""
    from ocop.registry.models import ProductSet
    from ocop.registry.testing import make_product

    unlinked = ProductSet.objects.get(code="1048-07")
    product = make_product(world.producers["own"], "Mứt vải", unlinked)
    qs = Product.objects.filter(pk=product.pk).select_related(
        "producer__commune__current_province", "product_set__group")
    wb = load_workbook(excel.export_workbook(qs, "products"))
    row = [c.value for c in wb.worksheets[0][2]]
    assert row[3] == "Mứt vải" and row[5] == "Chế biến từ rau, củ, quả, hạt"
    assert row[6] == "Thực phẩm"


def test_preview_checks_every_row_without_writing_or_a_transaction(world, monkeypatch):
    """SQLite's IMMEDIATE transactions lock the whole database: the check must hold none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [producer_row(code, f"HTX {i}") for i, code in enumerate(TAX_CODES_OK)]
    seen_atomic = []
    real = excel.services.prepare_producer

    def spy(**kwargs):
        # pytest-django's own test transaction is the one outer block allowed here.
        seen_atomic.append(len(connection.atomic_blocks))
        return real(**kwargs)

    monkeypatch.setattr(excel.services, "prepare_producer", spy)
    with CaptureQueriesContext(connection) as queries:
        result = excel.import_producers(world.users["admin"], io.BytesIO(xlsx(rows)),
                                        commit=False)
    assert result.ok and len(result.rows) == len(rows) and not result.committed
    assert seen_atomic and max(seen_atomic) == min(seen_atomic) == seen_atomic[0]
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE", "SAVEPOINT"}]
    assert writes == []


def test_tax_code_taken_between_check_and_write_imports_nothing(world, monkeypatch):
    content = xlsx([producer_row("2914177765", "HTX A"), producer_row("3170669072", "HTX B")])
    before = Producer.objects.count()
    # Another office creates the second producer after the check passed: the unique constraint
    # refuses the write and the whole file is rolled back with a message.
    real = excel.services.save_prepared_producer

    def racing(*, actor, producer):
        if producer.tax_code == "3170669072":
            Producer.objects.create(**{**{f.name: getattr(producer, f.name)
                                          for f in Producer._meta.concrete_fields
                                          if f.name != "id"}})
        return real(actor=actor, producer=producer)

    monkeypatch.setattr(excel.services, "save_prepared_producer", racing)
    with pytest.raises(Conflict, match="không dòng nào được nhập") as refused:
        excel.import_producers(world.users["admin"], io.BytesIO(content), commit=True)
    assert refused.value.code == "registry.import_changed_meanwhile"
    assert Producer.objects.count() == before
    assert not Producer.objects.filter(tax_code="2914177765").exists()


TAX_CODES_OK = ["2914177765", "3170669072"]
