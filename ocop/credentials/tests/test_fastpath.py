"""The verify page's service worker through the WSGI fast path (ocop/operations/fastpath.py), as
gunicorn serves it: the replayed page still names the worker, under the site's CSP; the worker's
script is answered fresh each time (never replayed) with its scope allowance."""

import pytest

from ocop.operations.testing import call

pytestmark = pytest.mark.django_db


def test_replayed_verify_page_and_worker_script(app, cw):
    certificate = cw.issue()
    for path in ("/verify/", f"/verify/{certificate.number}"):
        first = call(app, path)
        again = call(app, path)
        assert "Age" in again.headers and again.body == first.body  # replayed
        assert 'data-worker="/issuers/verify-sw.js?static=/static/"' in again.body
        csp = again.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "<script>" not in again.body  # the registration is in verify.js, not inline
    for _ in range(2):
        worker = call(app, "/issuers/verify-sw.js")
        assert worker.status == 200 and "Age" not in worker.headers
        assert worker.headers["Service-Worker-Allowed"] == "/verify/"
        assert worker.headers["Cache-Control"] == "no-cache"
        assert "Set-Cookie" not in worker.headers
