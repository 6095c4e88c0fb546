"""Service-worker scripts served by views (docs/offline.md, docs/credentials.md).

A worker controls at most the pages under its script's own folder. Ours live in the static files
(``/static/…``), which would make them control nothing useful, so each is answered by a view at
an address above the pages it serves, or with ``Service-Worker-Allowed`` naming the scope."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse


def script_response(static_name: str, *, allowed_scope: str | None = None) -> HttpResponse:
    """The worker script ``static_name`` from the static files, never cached (the browser
    checks a worker for updates), its scope widened to ``allowed_scope`` when given."""
    path = finders.find(static_name)
    if path is None:
        raise Http404
    with open(path, "rb") as handle:
        response = HttpResponse(handle.read(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    if allowed_scope is not None:
        response["Service-Worker-Allowed"] = allowed_scope
    return response
