"""Probes and metrics for load balancers and monitoring (docs/deployment.md, "Monitoring")."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from ocop.operations import access, health
from ocop.operations.metrics import exposition


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. No dependency is asked, so a database outage does not make
    the orchestrator restart every app server; /readyz takes the server out of the pool."""
    response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when every dependency answers, else 503. Anonymous callers see each
    check's name and outcome only; an operator (access.operator) also sees the errors."""
    results = health.run_checks()
    ready = all(result.status == "ok" for result in results)
    body: dict[str, object] = {
        "status": "ok" if ready else "error",
        "checks": {result.name: result.status for result in results},
    }
    if access.operator(request):
        body["details"] = {result.name: {"ms": result.duration_ms, "error": result.detail}
                           for result in results}
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not access.operator(request):
        # 404 rather than 403: the endpoint is not advertised to the public.
        response = HttpResponse("Not found\n", status=404, content_type="text/plain")
    else:
        body, content_type = exposition()
        response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response
