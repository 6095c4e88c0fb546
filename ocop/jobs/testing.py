"""Test helpers: request a background job over HTTP and fetch its file.

Tests run tasks with Django's ImmediateBackend (see conftest.py), and jobs are handed to the
queue on commit, so requests go through ``django_capture_on_commit_callbacks(execute=True)``.
"""

from __future__ import annotations

from django.test import Client
from django.urls import resolve

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
