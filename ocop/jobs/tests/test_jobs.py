"""Background jobs: lifecycle, failures, permission on the download, the polled fragment,
retention, and a real stamp sheet PDF (page count, text, scannable QR codes)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
import zxingcpp
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from ocop.accounts.testing import login_client
from ocop.audit.models import AuditEntry
from ocop.core.refusals import Conflict, Invalid, NotFound
from ocop.jobs import kinds, services
from ocop.jobs.models import Job
from ocop.jobs.testing import job_of, start_and_download
from ocop.trace import jobs as trace_jobs
from ocop.trace import services as trace
from ocop.trace import stamps
from ocop.units.models import Unit

pytestmark = pytest.mark.django_db


def poppler(tool: str, *args) -> str:
    """Run a poppler-utils tool (installed by `make system-deps-test`) on our own temp files."""
    return subprocess.run([shutil.which(tool) or tool, *map(str, args)],  # noqa: S603
                          capture_output=True, text=True, check=True).stdout


def queued_sheet(chain, who: str = "producer", first: int = 1, last: int = 30) -> Job:
    """A stamp sheet job left in the queue (its on-commit hand-over is not run)."""
    return trace_jobs.start_stamp_sheet(actor=chain.people[who], batch=chain.batch, first=first,
                                        last=last)


def fake_kind(monkeypatch, run) -> None:
    monkeypatch.setitem(kinds.KINDS, "stamp_sheet",
                        kinds.JobKind(kinds.KINDS["stamp_sheet"].allowed, run))


def test_lifecycle_queued_running_progress_done(chain, monkeypatch, settings) -> None:
    settings.JOB_RESULT_RETENTION_HOURS = 6
    job = queued_sheet(chain)
    assert (job.status, job.done, job.total) == (Job.Status.QUEUED, 0, 2)  # 30 stamps: 2 pages
    assert AuditEntry.objects.filter(action="jobs.stamp_sheet.request",
                                     object_id=str(job.pk)).exists()
    seen = []

    def run(job: Job, progress) -> kinds.Output:
        seen.append(Job.objects.values_list("status", "done", "total").get(pk=job.pk))
        progress(1, 4)
        seen.append(Job.objects.values_list("status", "done", "total").get(pk=job.pk))
        progress(2, 4)  # within a second of the last write: not written
        seen.append(Job.objects.values_list("done", flat=True).get(pk=job.pk))
        progress(4, 4)  # the last step is always written
        seen.append(Job.objects.values_list("done", flat=True).get(pk=job.pk))
        return kinds.Output(b"%PDF-fake", "tem.pdf", "application/pdf")

    fake_kind(monkeypatch, run)
    services.run(job)
    assert seen == [("running", 0, 2), ("running", 1, 4), 1, 4]
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.percent == 100
    assert job.result.read() == b"%PDF-fake" and job.result_name == "tem.pdf"
    assert job.expires_at - job.finished_at == timedelta(hours=6)
    # The stored name is random and keeps nothing of the download name but its extension.
    assert job.result.name.startswith("jobs/") and "tem" not in job.result.name
    assert job.result.name.endswith(".pdf") and len(job.result.name) > 35
    # A second delivery of the same task does nothing.
    services.run(job)
    assert Job.objects.get(pk=job.pk).finished_at == job.finished_at


def test_refused_range_fails_with_its_own_message(chain, monkeypatch) -> None:
    job = queued_sheet(chain)

    def run(job: Job, progress) -> kinds.Output:
        raise Conflict("Sê-ri 1–30 đã bị huỷ.", code="trace.stamps_voided")

    fake_kind(monkeypatch, run)
    services.run(job)
    job.refresh_from_db()
    assert (job.status, job.message) == (Job.Status.FAILED, "Sê-ri 1–30 đã bị huỷ.")
    assert not job.result and job.expires_at is not None


def test_unexpected_error_is_logged_and_shown_in_vietnamese(chain, monkeypatch, caplog) -> None:
    job = queued_sheet(chain)

    def run(job: Job, progress) -> kinds.Output:
        raise OSError("disk full")

    fake_kind(monkeypatch, run)
    services.run(job)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message.startswith("Đã có lỗi khi tạo tệp") and "disk" not in job.message
    assert "disk full" in caplog.text


def test_start_refuses_users_without_the_permission(chain) -> None:
    for who in ("far_producer", "commune_officer", "hanoi_office"):
        with pytest.raises(services.JobRefused):
            queued_sheet(chain, who)
    with pytest.raises(trace.ActionError, match="ngoài lô tem"):
        queued_sheet(chain, first=90, last=120)
    assert not Job.objects.exists()


def test_refusals_are_core_refusals_with_code_and_message(chain) -> None:
    with pytest.raises(NotFound) as refused:
        queued_sheet(chain, "far_producer")
    assert isinstance(refused.value, services.JobRefused)
    assert refused.value.code == "jobs.stamp_sheet.not_allowed"
    assert refused.value.message == "Không tìm thấy."
    with pytest.raises(Invalid) as out_of_batch:
        queued_sheet(chain, first=90, last=120)
    assert out_of_batch.value.code == "trace.serials_out_of_batch"


def test_stamp_sheet_job_produces_the_real_pdf(chain, django_capture_on_commit_callbacks,
                                               tmp_path) -> None:
    client = login_client(chain.people["producer"])
    url = reverse("trace:batch_pdf", args=[chain.batch.pk])
    assert client.get(url).status_code == 405
    job, response = start_and_download(client, django_capture_on_commit_callbacks, url,
                                       {"from": "1", "to": "50"})
    assert (job.done, job.total) == (3, 3)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="tem-' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(b"".join(response.streaming_content))
    assert "Pages:           3" in poppler("pdfinfo", pdf)  # 50 stamps, 24 a page
    text = poppler("pdftotext", pdf, "-")
    assert "Vải sấy khô Lục Ngạn" in text and "Lô VS-2025-01 · 50" in text
    assert "· 51" not in text
    # The printed QR codes scan to the signed stamp URIs.
    poppler("pdftoppm", "-r", "100", "-png", "-f", "3", "-l", "3", pdf, tmp_path / "page")
    image = Image.open(next(tmp_path.glob("page*.png")))
    found = sorted(r.text for r in zxingcpp.read_barcodes(image))
    expected = sorted(uri for _s, uri in stamps.stamp_uris(
        chain.dried.gtin, chain.dried.pk, chain.packed.code, 49, 50))
    assert found == expected


def test_bad_range_goes_back_to_the_batch_with_the_reason(chain) -> None:
    client = login_client(chain.people["producer"])
    url = reverse("trace:batch_pdf", args=[chain.batch.pk])
    response = client.post(url, {"from": "90", "to": "130"}, follow=True)
    assert "nằm ngoài lô tem" in response.content.decode()
    response = client.post(url, {"from": "mười"}, follow=True)
    assert "Khoảng sê-ri không hợp lệ" in response.content.decode()
    assert not Job.objects.exists()
    assert login_client(chain.people["far_producer"]).post(url).status_code == 404


def test_download_only_for_the_requester_while_permitted(
        chain, django_capture_on_commit_callbacks) -> None:
    office = chain.people["province_office"]
    url = reverse("trace:batch_pdf", args=[chain.batch.pk])
    job, response = start_and_download(login_client(office), django_capture_on_commit_callbacks,
                                       url, {"from": "1", "to": "5"})
    assert response.status_code == 200
    download = reverse("jobs:download", args=[job.pk])
    fragment = reverse("jobs:status", args=[job.pk])
    # The producer may print the same batch, but did not ask for this file (decision: only
    # the requester); other jurisdictions and roles, and anonymous requests, get 404 too.
    for who in ("producer", "far_producer", "hanoi_office", "commune_officer", "admin"):
        client = login_client(chain.people[who])
        assert client.get(download).status_code == 404, who
        assert client.get(fragment).status_code == 404, who
    anonymous = login_client(office).__class__()
    assert anonymous.get(download).status_code == 404
    assert anonymous.get(fragment).status_code == 404
    # The requester loses the right (moved to Hà Nội): the file made earlier is gone too.
    office.unit = Unit.objects.get(pk="P01")
    office.save()
    assert login_client(office).get(download).status_code == 404


def test_export_and_proposal_kinds_check_their_records(chain) -> None:
    office = chain.people["province_office"]
    export = {"export": "registry.products", "filters": {}}
    assert kinds.KINDS["list_export"].allowed(office, export)
    assert not kinds.KINDS["list_export"].allowed(office, {"export": "nothing", "filters": {}})
    office.is_active = False
    assert not kinds.KINDS["list_export"].allowed(office, export)
    assert not kinds.KINDS["proposal_zip"].allowed(chain.people["producer"],
                                                   {"dossier": 1, "result": 1})


def test_status_fragment_follows_the_job(chain, monkeypatch) -> None:
    job = queued_sheet(chain)
    client = login_client(chain.people["producer"])
    url = reverse("jobs:status", args=[job.pk])
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html
    assert 'value="0"' in html and "Đang chờ đến lượt" in html

    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=1, total=4)
    response = client.get(url)
    html = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert '<progress max="100" value="25"' in html and "Đang thực hiện: 25% (1/4)" in html

    fake_kind(monkeypatch, lambda job, progress: kinds.Output(b"x", "tem.pdf", "application/pdf"))
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    services.run(Job.objects.get(pk=job.pk))
    html = client.get(url).content.decode()
    assert "hx-trigger" not in html  # finished: the polling stops
    assert f'href="{reverse("jobs:download", args=[job.pk])}"' in html and "Tải về tem.pdf" in html

    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, message="Hết giấy.")
    html = client.get(url).content.decode()
    assert 'role="alert"' in html and "Không tạo được tệp: Hết giấy." in html
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "<h1>Tờ tem lô VS-2025-01, sê-ri 1–30</h1>" in page and 'id="job-status"' in page
    assert "Tệp được giữ trong thời gian có hạn." in page  # a job that keeps its own file


def test_expired_results_are_removed(chain, django_capture_on_commit_callbacks,
                                     settings) -> None:
    client = login_client(chain.people["producer"])
    url = reverse("trace:batch_pdf", args=[chain.batch.pk])
    job, _response = start_and_download(client, django_capture_on_commit_callbacks, url,
                                        {"from": "1", "to": "2"})
    stuck = queued_sheet(chain)
    storage, name = job.result.storage, job.result.name
    assert storage.exists(name)
    call_command("jobs_cleanup", stdout=io.StringIO())
    assert Job.objects.count() == 2  # nothing is old yet

    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    Job.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=25))
    out = io.StringIO()
    call_command("jobs_cleanup", stdout=out)
    assert out.getvalue().strip() == "2"
    assert not Job.objects.exists() and not storage.exists(name)


def test_stamp_uris_match_one_by_one_uris() -> None:
    for gtin in ("8930000000019", None):
        bulk = list(stamps.stamp_uris(gtin, 7, "VS-2025.01", 8, 30))
        assert bulk == [(s, stamps.stamp_uri(gtin, 7, "VS-2025.01", s)) for s in range(8, 31)]


def test_started_job_page_redirect(chain, django_capture_on_commit_callbacks) -> None:
    client = login_client(chain.people["producer"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("trace:batch_pdf", args=[chain.batch.pk]))
    job = job_of(response)
    assert len(callbacks) == 1  # handed to the queue only once the request's data is committed
    assert (job.params, job.status) == ({"batch": chain.batch.pk, "first": 1, "last": 100},
                                        Job.Status.QUEUED)


def test_long_and_decomposed_names_fit_the_stamp() -> None:
    import unicodedata

    from ocop.trace import pdf

    text = pdf._Text(pdf._font())
    width = pdf.CELL_W - 4 * pdf.MM
    decomposed = unicodedata.normalize("NFD", "Vải sấy khô Lục Ngạn")
    assert text.fit_lines(decomposed, 7, width, 2) == ["Vải sấy khô Lục Ngạn"]
    lines = text.fit_lines("Mật " + "ong" * 40 + " rừng U Minh Hạ " * 10, 7, width, 2)
    assert lines[0] == "Mật" and lines[1].startswith("ongong") and lines[1].endswith("…")
    lines = text.fit_lines("ong" * 40 + " rừng", 7, width, 2)  # an over-long first word
    assert lines[0].endswith("…") and lines[1] == "rừng"
    assert all(text.width(line, 7) <= width for line in lines)
