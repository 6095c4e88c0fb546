"""Status page, polled status fragment and download of a background job (404 for anyone but
the requester, and for the requester once the permission on the record is gone). The fragment
and the download answer 404 to anonymous requests too, rather than revealing that the id
exists by redirecting to the login page."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ocop.core.files import serve_protected
from ocop.core.refusals import Forbidden, NotFound
from ocop.jobs import exports, selectors
from ocop.jobs.kinds import KINDS

POLL_SECONDS = 1


def _context(request: HttpRequest, pk: UUID) -> dict[str, Any]:
    job = selectors.job_for(request.user, pk)
    if job is None:
        raise Http404
    kind = KINDS[job.kind]
    follow = kind.follow
    # A kind with ``follow`` keeps no file of its own here (an import's outcome, a report whose
    # files live with the report), so the job's retention says nothing about it.
    return {"job": job, "poll": POLL_SECONDS, "keeps_file": follow is None,
            "follow": follow(job) if follow is not None and job.finished else None,
            "back": kind.back(job) if kind.back is not None else None}


@login_required
def detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    return render(request, "jobs/detail.html", _context(request, pk))


def status(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The fragment htmx swaps in every POLL_SECONDS until the job has finished."""
    response = render(request, "jobs/_status.html", _context(request, pk))
    response["Cache-Control"] = "no-store"
    return response


def download(request: HttpRequest, pk: UUID) -> HttpResponse:
    job = selectors.downloadable(request.user, pk)
    if job is None:
        raise Http404
    # Like every stored file: streamed, or handed to nginx (X-Accel-Redirect) in production.
    return serve_protected(request, job.result, job.result_name, content_type=job.content_type)


@login_required
@require_POST
def export(request: HttpRequest, name: str) -> HttpResponse:
    """"Xuất Excel" on a list page: the page's filters travel in the query string (the button
    sits in the list's results, so it always carries the filters shown); the job selects the
    rows for the requester when it runs."""
    try:
        job = exports.start_export(actor=request.user, name=name, filters=request.GET)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    return redirect("jobs:detail", pk=job.pk)
