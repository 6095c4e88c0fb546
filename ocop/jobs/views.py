"""Status page, polled status fragment and download of a background job (404 for anyone but
the requester, and for the requester once the permission on the record is gone). The fragment
and the download answer 404 to anonymous requests too, rather than revealing that the id
exists by redirecting to the login page."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ocop.jobs import selectors
from ocop.web.files import serve_protected

POLL_SECONDS = 1


def _job(request: HttpRequest, pk: UUID):
    job = selectors.job_for(request.user, pk)
    if job is None:
        raise Http404
    return job


@login_required
def detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    return render(request, "jobs/detail.html", {"job": _job(request, pk),
                                                 "poll": POLL_SECONDS})


def status(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The fragment htmx swaps in every POLL_SECONDS until the job has finished."""
    response = render(request, "jobs/_status.html", {"job": _job(request, pk),
                                                      "poll": POLL_SECONDS})
    response["Cache-Control"] = "no-store"
    return response


def download(request: HttpRequest, pk: UUID) -> HttpResponse:
    job = selectors.downloadable(request.user, pk)
    if job is None:
        raise Http404
    # Like every stored file: streamed, or handed to nginx (X-Accel-Redirect) in production.
    return serve_protected(request, job.result, job.result_name)
