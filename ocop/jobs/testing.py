"""Test helpers: request a background job over HTTP and fetch its file.

Tests run tasks with Django's ImmediateBackend (see conftest.py), and jobs are handed to the
queue on commit, so requests go through ``django_capture_on_commit_callbacks(execute=True)``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.test import Client
from django.urls import resolve, reverse
from openpyxl import load_workbook

from ocop.jobs.models import Job


def job_of(response) -> Job:
    """The job a 'start' view redirected to."""
    assert response.status_code == 302, response.status_code
    match = resolve(response["Location"])
    assert match.view_name == "jobs:detail", response["Location"]
    return Job.objects.get(pk=match.kwargs["pk"])


def start_and_download(client: Client, capture, url: str, data: dict | None = None):
    """POST ``url`` (running the job at once) and return (job, download response)."""
    with capture(execute=True):
        response = client.post(url, data or {})
    job = job_of(response)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    return job, client.get(f"/tac-vu/{job.pk}/tai-ve")


@dataclass
class Exported:
    """A list export as a test reads it: the job, the header, the rows, the info sheet."""

    job: Job
    header: list
    rows: list[list]
    info: dict[str, object]
    workbook: object

    def column(self, header: str) -> list:
        i = self.header.index(header)
        return [row[i] for row in self.rows]


def export_rows(client: Client, capture, name: str, query: str = "") -> Exported:
    """Press "Xuất Excel" of list ``name`` with the page's ``query`` string, run the job, download
    the file and read it with openpyxl."""
    url = reverse("jobs:export", args=[name]) + (f"?{query}" if query else "")
    job, response = start_and_download(client, capture, url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet, about = workbook.worksheets
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    return Exported(job, values[0], values[1:],
                    {row[0]: row[1] for row in about.iter_rows(values_only=True)}, workbook)
