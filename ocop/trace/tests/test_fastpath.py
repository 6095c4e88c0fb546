"""The WSGI fast path's contract (ocop/operations/fastpath.py, ocop/core/publiccache.py), driven
through the WSGI application itself, as gunicorn calls it (Django's test client would bypass it):
only anonymous GET/HEAD of pages that declared themselves public are replayed, never with a cookie
set or for a signed-in user, per language, with the security headers and a fresh request id; a
revocation or a void shows at once in this process; every scan through it is counted; a forged
stamp is refused."""

from __future__ import annotations

import re
from datetime import date
from http.cookies import SimpleCookie

import psycopg
import pytest
from django.core import signals
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, include, path, re_path
from django.urls.resolvers import RegexPattern
from django.utils.module_loading import import_string

from ocop.certificates import services as certificates
from ocop.core import publiccache
from ocop.core.metrics import REQUESTS
from ocop.operations import fastpath
from ocop.operations.fastpath import FastPath, sessionless_prefixes
from ocop.operations.testing import call
from ocop.trace import scanlog, services
from ocop.trace.tests.test_stamps_scan import stamp_path

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                    "Referrer-Policy", "Cross-Origin-Opener-Policy")


@pytest.fixture(autouse=True)
def _wsgi_like_the_test_client():
    """A request must not close the test's connection (``call`` disconnects the closing)."""
    caches[publiccache.CACHE_ALIAS].clear()
    yield
    caches[publiccache.CACHE_ALIAS].clear()
    scanlog.discard()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


class FakeApp:
    """A WSGI app answering one prepared response (as Django's handler would), counting calls."""

    def __init__(self, **headers: str) -> None:
        self.headers, self.calls, self.status, self.cookie = headers, 0, 200, False

    def __call__(self, environ, start_response):
        self.calls += 1
        response = HttpResponse(f"page {self.calls}", status=self.status)
        for name, value in self.headers.items():
            response[name.replace("_", "-")] = value
        if self.cookie:
            response.set_cookie("tracking", "1")
        start_response(f"{response.status_code} {response.reason_phrase}", [
            *response.items(), *(("Set-Cookie", c.OutputString())
                                 for c in response.cookies.values())])
        return response


PUBLIC = {"Cache_Control": "public, max-age=60"}


def test_a_public_page_is_stored_and_replayed() -> None:
    fake = FakeApp(**PUBLIC)
    app = FastPath(fake)
    first, second = call(app, "/trang-cong-khai/"), call(app, "/trang-cong-khai/")
    assert fake.calls == 1 and second.body == first.body == "page 1"
    assert "Age" in second.headers and "Age" not in first.headers
    assert second.headers["X-Request-ID"] != first.headers.get("X-Request-ID")
    head = call(app, "/trang-cong-khai/", method="HEAD")
    assert fake.calls == 1 and head.body == "" and head.status == 200
    assert call(app, "/trang-cong-khai/?page=2").body == "page 2"  # the query is in the key


@pytest.mark.parametrize("headers, status, cookie", [
    ({}, 200, False),                                                       # not declared
    ({"Cache_Control": "private, max-age=60"}, 200, False),
    ({"Cache_Control": "public, max-age=60, no-store"}, 200, False),
    ({"Cache_Control": "public, max-age=0"}, 200, False),
    ({**PUBLIC, "Vary": "Accept"}, 200, False),                             # negotiated
    ({**PUBLIC, "Content_Security_Policy": "script-src 'nonce-abc'"}, 200, False),
    (PUBLIC, 200, True),                                                    # sets a cookie
    (PUBLIC, 500, False),                                                   # an error
    (PUBLIC, 302, False),
])
def test_what_is_never_stored(headers, status, cookie) -> None:
    fake = FakeApp(**headers)
    fake.status, fake.cookie = status, cookie
    app = FastPath(fake)
    call(app, "/trang/"), call(app, "/trang/")
    assert fake.calls == 2


def test_a_page_varying_on_cookie_is_stored_only_from_a_request_without_a_csrf_cookie() -> None:
    """Without a session or a CSRF cookie the only cookie a page can depend on is the language,
    which is in the key (the catalogue says ``Vary: Cookie`` for the browsers' sake)."""
    fake = FakeApp(**PUBLIC, Vary="Accept-Language, Cookie")
    app = FastPath(fake)
    token = {"csrftoken": "a" * 32}
    call(app, "/trang/", cookies=token), call(app, "/trang/", cookies=token)
    assert fake.calls == 2  # perhaps a page with that visitor's token: never kept
    first, second = call(app, "/trang/"), call(app, "/trang/", cookies=token)
    assert fake.calls == 3 and second.body == first.body == "page 3"


def test_only_anonymous_reads_take_the_fast_path() -> None:
    fake = FakeApp(**PUBLIC)
    app = FastPath(fake)
    call(app, "/trang/")
    call(app, "/trang/", cookies={"sessionid": "abc"})   # a signed-in browser
    call(app, "/trang/", cookies={"messages": "x"})      # any cookie but language and CSRF
    call(app, "/trang/", Authorization="Token abc")
    call(app, "/trang/", method="POST")
    assert fake.calls == 5
    call(app, "/trang/", cookies={"csrftoken": "x"})
    assert fake.calls == 5  # the CSRF cookie alone does not make a visitor personal


def test_replays_last_at_most_a_minute_whatever_the_page_says() -> None:
    assert publiccache.public_seconds("public, max-age=3600") == 60
    assert publiccache.public_seconds("max-age=30, public") == 30
    assert publiccache.public_seconds("public") == 0


def test_verify_page_replayed_with_the_security_headers_and_no_query(app, chain) -> None:
    path = f"/verify/{chain.certificate.number}"
    first = call(app, path)
    with CaptureQueriesContext(connection) as queries:
        second = call(app, path)
    assert len(queries) == 0 and "Age" in second.headers
    assert second.body == first.body and "Còn hiệu lực" in second.body
    for name in SECURITY_HEADERS:
        assert second.headers[name] == first.headers[name]
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]


def test_the_language_is_part_of_the_key(app, chain) -> None:
    path = f"/verify/{chain.certificate.number}"
    english = call(app, path, cookies={"django_language": "en"})
    assert "Valid" in english.body and english.headers["Content-Language"] == "en"
    vietnamese = call(app, path)
    assert "Còn hiệu lực" in vietnamese.body and "Age" not in vietnamese.headers
    # Pages ignore Accept-Language (ocop.web.middleware): an English browser gets Vietnamese.
    browser = call(app, path, Accept_Language="en-US,en")
    assert "Còn hiệu lực" in browser.body and "Age" in browser.headers
    assert "Age" in call(app, path, cookies={"django_language": "en"}).headers


def test_a_signed_in_user_is_never_served_nor_stored(app, chain) -> None:
    browser = Client()
    browser.force_login(chain.people["producer"])
    session = browser.cookies["sessionid"].value
    path = f"/verify/{chain.certificate.number}"
    signed_in = call(app, path, cookies={"sessionid": session})
    assert signed_in.status == 200 and "Age" not in signed_in.headers
    assert "Age" not in call(app, path).headers  # nothing was stored for the signed-in user
    assert "Age" not in call(app, path, cookies={"sessionid": session}).headers


def test_a_revocation_shows_at_once_in_this_process(app, chain) -> None:
    path = f"/verify/{chain.certificate.number}"
    call(app, path)
    assert "Age" in call(app, path).headers
    certificates.revoke_certificate(actor=None, certificate=chain.certificate,
                                    reason="Vi phạm an toàn thực phẩm",
                                    decision_number="99/QĐ-UBND", revoked_on=date(2025, 10, 1))
    after = call(app, path)
    assert "Đã bị thu hồi" in after.body and "Age" not in after.headers


def test_voiding_stamps_makes_stored_pages_stale(app, chain) -> None:
    before = publiccache.generation()
    services.void_stamps(actor=chain.people["producer"], batch=chain.batch, first=7, last=7,
                         reason="Cuộn tem bị mất")
    assert publiccache.generation() != before
    page = call(app, stamp_path(chain, 7))
    assert 'data-result="void"' in page.body


def test_every_scan_through_the_fast_path_is_counted(app, chain) -> None:
    path = stamp_path(chain, 9)
    scanlog.discard()
    # Three different networks: three sources (one network's repeats would be logged once).
    answers = [call(app, path, ip=f"203.0.{i}.10") for i in range(1, 4)]
    assert scanlog.flush() == 3
    for n, answer in enumerate(answers, start=1):
        assert answer.status == 200 and 'data-result="ok"' in answer.body
        assert f"lượt quét thứ {n} trong" in answer.body
        assert "Số sê-ri tem</dt><dd>9 " in answer.body
        assert "Age" not in answer.headers and "Set-Cookie" not in answer.headers
        assert answer.headers["Cache-Control"] == "no-store"
        for name in SECURITY_HEADERS:
            assert name in answer.headers
    # The light stack serves the same page as the full one (same source again: not counted).
    full = Client(REMOTE_ADDR="203.0.3.10").get(path).content.decode()
    assert full == call(app, path, ip="203.0.3.10").body
    assert f"?tem={path.split('?')[0].replace('/', '%2F')}" in full


def test_the_scan_page_keeps_its_stamp_own_serial_and_address(app, chain) -> None:
    """Two stamps of one lot share the cached rendering; each shows its own serial and link."""
    seven, eight = call(app, stamp_path(chain, 7)), call(app, stamp_path(chain, 8))
    assert "Số sê-ri tem</dt><dd>7 " in seven.body and "Số sê-ri tem</dt><dd>8 " in eight.body
    def link(serial: int) -> str:
        return "?tem=" + stamp_path(chain, serial).split("?")[0].replace("/", "%2F") + "&amp;"

    assert link(8) in eight.body and link(7) not in eight.body and link(7) in seven.body


def test_a_link_set_never_stands_in_for_the_counted_page(app, chain) -> None:
    path = stamp_path(chain, 9)
    linkset = call(app, path, Accept="application/linkset+json")
    assert linkset.headers["Content-Type"] == "application/linkset+json"
    scanlog.discard()
    page = call(app, path, Accept="text/html")
    assert 'data-result="ok"' in page.body and scanlog.flush() == 1


def test_a_forged_stamp_is_refused_and_counted(app, chain) -> None:
    forged = stamp_path(chain, 9)[:-4] + "ZZZZ"
    scanlog.discard()
    answer = call(app, forged)
    assert 'data-result="bad_signature"' in answer.body and "Vải sấy" not in answer.body
    assert scanlog.flush() == 1


def test_the_public_rate_limit_holds_on_the_fast_path(app, chain, settings) -> None:
    settings.PUBLIC_RATE_LIMIT = "2/m"
    caches["default"].clear()
    path = stamp_path(chain, 9)
    statuses = [call(app, path, ip="192.0.2.50").status for _ in range(3)]
    assert statuses == [200, 200, 429]
    verify = f"/verify/{chain.certificate.number}"
    assert call(app, verify, ip="192.0.2.51").status == 200
    call(app, verify, ip="192.0.2.51")
    assert call(app, verify, ip="192.0.2.51").status == 429  # replays are limited too


def test_a_refused_scan_page_keeps_a_working_language_switch(app, chain, settings) -> None:
    """The refusal is drawn in the site's layout, whose language switch is a POST form: the
    light stack (no CSRF middleware) still sets the cookie its token belongs to."""
    settings.PUBLIC_RATE_LIMIT = "1/m"
    caches["default"].clear()
    path = stamp_path(chain, 9)
    call(app, path, ip="192.0.2.70")
    refused = call(app, path, ip="192.0.2.70")
    assert refused.status == 429 and 'action="/i18n/setlang/"' in refused.body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', refused.body)[1]
    cookie = SimpleCookie(refused.headers["Set-Cookie"])[settings.CSRF_COOKIE_NAME].value
    browser = Client(enforce_csrf_checks=True)
    browser.cookies[settings.CSRF_COOKIE_NAME] = cookie
    switched = browser.post("/i18n/setlang/", {"language": "en", "next": "/",
                                               "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_replays_are_counted_in_the_metrics(app, chain) -> None:
    path = f"/verify/{chain.certificate.number}"
    call(app, path)
    counter = REQUESTS.labels("verify/<str:number>", "GET", "2xx")
    before = counter._value.get()
    call(app, path)
    assert counter._value.get() == before + 1


def test_a_scan_goes_to_the_light_stack_without_touching_the_page_cache(app, chain) -> None:
    """Its answer is never stored, so the fast path does not look for one: the route's literal
    start sends it to the light stack before any key or cache read."""
    page_cache = caches[publiccache.CACHE_ALIAS]
    page_cache.clear()  # the chain's certificate made a generation
    answer = call(app, stamp_path(chain, 5), ip="203.0.9.10")
    assert answer.status == 200 and 'data-result="ok"' in answer.body
    assert page_cache.get(publiccache.GENERATION_KEY) is None
    # A path under the same start that is not a scan route takes the usual way (and its
    # public 404 may be stored: the generation is read).
    assert call(app, "/01/khong-phai-tem").status == 404
    assert page_cache.get(publiccache.GENERATION_KEY) is not None


def test_below_the_request_context_the_light_stack_runs_flat() -> None:
    """Every light middleware but the first (the request context, which wraps the whole
    answer) can run as hooks: a middleware added later that cannot leaves the scan page
    nested again below it, correct but slower (docs/traceability.md, "Sixth pass")."""
    paths = fastpath.light_middleware()
    assert paths[0] == "ocop.operations.middleware.RequestContextMiddleware"
    assert [path for path in paths[1:] if not fastpath.flattenable(
        import_string(path), path in fastpath.GUARD_MIDDLEWARE)] == []


def test_the_flat_light_stack_answers_as_the_nested_one(app, chain, monkeypatch, settings) -> None:
    """The same requests through the light stack run flat (the site's) and nested (Django's
    way): the same status, headers and page. Each scan's buffered log is dropped before the
    next, so both runs see the same stamp as never scanned."""
    monkeypatch.setattr(fastpath, "flattenable", lambda cls, guard: False)
    nested = FastPath(WSGIHandler())
    genuine, forged = stamp_path(chain, 9), stamp_path(chain, 9)[:-4] + "ZZZZ"
    cases = [
        (genuine, {}), (genuine, {"Accept": "application/json"}),
        (genuine, {"Accept": "application/linkset+json"}), (forged, {}),
        ("/01/12345/10/L1/21/1", {}), (f"/t/{chain.dried.pk}/{chain.packed.code}/abc", {}),
    ]
    for method in ("GET", "HEAD"):
        for address, headers in cases:
            answers = []
            for handler in (nested, app):
                scanlog.discard()
                answers.append(call(handler, address, method=method, **headers))
            for answer in answers:
                assert answer.headers.pop("X-Request-ID")
            assert answers[0] == answers[1], (method, address, headers)
    settings.PUBLIC_RATE_LIMIT = "1/m"
    caches["default"].clear()
    refused = [[call(handler, genuine, ip=ip) for _ in range(2)][1]
               for handler, ip in ((nested, "192.0.2.60"), (app, "192.0.2.61"))]
    for answer in refused:
        assert answer.status == 429 and answer.headers.pop("X-Request-ID")
        # The refusal is the site's page, whose forms carry a fresh CSRF token per rendering
        # (and the cookie it belongs to).
        assert answer.headers.pop("Set-Cookie").startswith(settings.CSRF_COOKIE_NAME + "=")
        answer.body = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1",
                             answer.body)
    assert refused[0] == refused[1]


def test_the_scan_routes_literal_starts_are_found_in_the_urlconf() -> None:
    assert sessionless_prefixes() == ("/01/", "/t/")


@publiccache.sessionless
def _scan(request):
    return HttpResponse()


def test_literal_starts_stop_at_a_route_parameter_or_a_regular_expression() -> None:
    def other(request):
        return HttpResponse()

    inner = [path("tem/<str:serial>", _scan), path("khac/", other)]
    urls = URLResolver(RegexPattern(r"^/"), [
        path("a/", include(inner)),
        path("b/<int:year>/c/", include(inner)),
        re_path(r"^d/", include(inner)),
        path("e/", include([path("khac/", other)])),
        path("f/<str:code>", _scan),
    ])
    assert sessionless_prefixes(urls) == ("/a/tem/", "/b/", "/", "/f/")


def _terminate_backend(of) -> None:
    """Cut ``of``'s server process from another connection, as a server restart or a proxy
    closing an idle connection would."""
    with psycopg.connect(**of.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [of.connection.info.backend_pid])


@pytest.fixture
def checks(monkeypatch) -> list[bool]:
    """One entry per time Django asks the server whether the connection works (``SELECT 1``)."""
    asked: list[bool] = []
    is_usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: asked.append(True) or is_usable())
    return asked


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_scan_skips_the_health_check_and_is_answered_again_on_a_lost_connection(
        app, chain, checks) -> None:
    """The light stack does not open each request with Django's ``SELECT 1``; a connection that
    died since the last request is found by the scan's first query and the scan is answered
    again on a new connection: the visitor sees the page, not an error."""
    path = stamp_path(chain, 9)
    assert call(app, path, ip="203.0.21.10").status == 200
    close_old_connections()  # request_started: Django would check the connection before use
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] and not connection.health_check_done
    answer = call(app, path, ip="203.0.22.10")
    assert answer.status == 200 and checks == []

    _terminate_backend(connection)
    close_old_connections()
    answer = call(app, path, ip="203.0.23.10")
    assert answer.status == 200 and 'data-result="ok"' in answer.body
    assert "lượt quét thứ 3 trong" in answer.body
    assert checks == [True]  # asked once, after the first query failed
    assert scanlog.flush() == 3


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_staff_page_still_checks_its_connection(app, chain, checks) -> None:
    """The full stack keeps Django's health check (its views write)."""
    _terminate_backend(connection)
    close_old_connections()
    assert call(app, "/san-pham-ocop/", cookies={"sessionid": "x"}).status == 200
    assert checks == [True]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_with_a_cache_in_the_database_a_scan_still_checks_its_connection(
        chain, checks, settings) -> None:
    """The public rate limit reads its cache before the view (and the second run) is reached: with
    the cache in the database the light stack keeps Django's check, and a lost connection is
    still no error."""
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ocop_cache"}}
    call_command("createcachetable", verbosity=0)
    database_cached = FastPath(WSGIHandler())
    path = stamp_path(chain, 9)
    assert call(database_cached, path, ip="203.0.24.10").status == 200
    checks.clear()  # from here on: after the connection is cut
    _terminate_backend(connection)
    close_old_connections()
    answer = call(database_cached, path, ip="203.0.25.10")
    assert answer.status == 200 and 'data-result="ok"' in answer.body
    assert checks == [True]  # the health check, before the rate limit's first query
