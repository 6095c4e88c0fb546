"""The read-replica router against a real PostgreSQL streaming standby (docs/database-replica.md).

Run by .ci/run after scripts/start-replica.sh, with DATABASE_REPLICA_URL naming the standby;
skipped without one. The tests are transactional: the standby only sees committed rows. Lag is
made for real by pausing WAL replay on the standby, failures by a closed port and by terminating
the standby's backend under a request.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
from django.apps import apps
from django.db import connections, router, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path, reverse

from ocop.accounts.models import Role, User
from ocop.accounts.testing import login_client, make_user
from ocop.core import replica
from ocop.news.models import Article
from ocop.registry.models import ProductGroup

pytestmark = [pytest.mark.replica,
              pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


@pytest.fixture(autouse=True)
def _fresh_health(settings) -> Iterator[None]:
    settings.REPLICA_CHECK_SECONDS = 0  # measure at every read: the tests change the standby
    replica.forget_health()
    yield
    replica.forget_health()


def _standby() -> psycopg.Connection:
    """A separate superuser connection to the standby, for pausing replay and killing backends."""
    params = connections["replica"].settings_dict
    return psycopg.connect(host=params["HOST"] or "127.0.0.1", port=params["PORT"] or 5432,
                           user=params["USER"], password=params["PASSWORD"] or None,
                           dbname=params["NAME"], autocommit=True)


class Replay:
    """WAL replay on the standby: paused to make real lag, resumed to let it catch up."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn

    def pause(self) -> None:
        # First let it replay everything committed so far (the test's users, units, sessions).
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            lsn = cursor.fetchone()[0]
        _wait_until(lambda: self.conn.execute(
            "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0])
        self.conn.execute("SELECT pg_wal_replay_pause()")

    def resume(self) -> None:
        self.conn.execute("SELECT pg_wal_replay_resume()")


@pytest.fixture
def replay() -> Iterator[Replay]:
    with _standby() as conn:
        try:
            yield Replay(conn)
        finally:
            conn.execute("SELECT pg_wal_replay_resume()")


def _wait_until(condition: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the standby did not catch up in time"
        time.sleep(0.05)


def _on_standby(code: str) -> bool:
    return ProductGroup.objects.using("replica").filter(code=code).exists()


def _in_request(method: str, work: Callable[[], object], cookies: dict | None = None):
    """Run ``work`` as the view of one request through the pinning middleware."""
    request = RequestFactory().generic(method, "/")
    request.COOKIES.update(cookies or {})
    out: list[object] = []

    def view(_request):
        out.append(work())
        return HttpResponse()

    response = replica.ReplicaPinningMiddleware(view)(request)
    return out[0], response


def test_reads_go_to_the_replica_and_writes_transactions_and_locks_to_the_primary():
    def get_request():
        routed = {"read": ProductGroup.objects.all().db,
                  "account": User.objects.all().db}
        with transaction.atomic():
            routed["in_transaction"] = ProductGroup.objects.all().db
        routed["after_transaction"] = ProductGroup.objects.all().db
        routed["lock"] = ProductGroup.objects.select_for_update().db
        # A lock or a write pins the rest of the request: it may read what it wrote.
        routed["after_lock"] = ProductGroup.objects.all().db
        return routed

    routed, _ = _in_request("GET", get_request)
    assert routed == {"read": "replica", "account": "default", "in_transaction": "default",
                      "after_transaction": "replica", "lock": "default", "after_lock": "default"}
    written, _ = _in_request("GET", lambda: (
        ProductGroup.objects.create(code="R1", name_vi="Nhóm thử")._state.db,
        ProductGroup.objects.filter(code="R1").exists()))
    assert written == ("default", True)
    posted, response = _in_request("POST", lambda: ProductGroup.objects.all().db)
    assert posted == "default"
    assert float(response.cookies[replica.PIN_COOKIE].value) > time.time()
    pinned, _ = _in_request("GET", lambda: ProductGroup.objects.all().db,
                            {replica.PIN_COOKIE: response.cookies[replica.PIN_COOKIE].value})
    assert pinned == "default"
    expired, _ = _in_request("GET", lambda: ProductGroup.objects.all().db,
                             {replica.PIN_COOKIE: str(int(time.time()) - 1)})
    assert expired == "replica"
    # Outside a request (commands, background tasks): the primary.
    assert ProductGroup.objects.all().db == "default"


def test_rows_written_on_the_primary_are_read_back_from_the_standby():
    ProductGroup.objects.create(code="R2", name_vi="Nhóm sao chép")
    _wait_until(lambda: _on_standby("R2"))
    with _standby() as conn:
        in_recovery, name = conn.execute(
            "SELECT pg_is_in_recovery(), name_vi FROM registry_productgroup WHERE code = 'R2'"
        ).fetchone()
    assert in_recovery and name == "Nhóm sao chép"


def test_migrations_run_on_the_primary_only():
    for model in apps.get_models():
        assert router.allow_migrate_model("default", model)
        assert not router.allow_migrate_model("replica", model)


def test_a_saved_article_is_shown_after_the_save_though_the_replica_lags(units, replay,
                                                                         settings):
    settings.REPLICA_MAX_LAG_SECONDS = 60  # lagging, but within the limit: the replica is used
    office = login_client(make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh))
    replay.pause()
    response = office.post(reverse("news:create"), {
        "kind": Article.Kind.GUIDANCE, "title": "Hướng dẫn bản sao đọc", "body": "Nội dung",
        "title_en": "", "body_en": ""})
    assert response.status_code == 302 and replica.PIN_COOKIE in response.cookies
    assert "Hướng dẫn bản sao đọc" in office.get(reverse("news:manage")).content.decode()
    # The same user without the pin reads the paused standby, which has not got the article.
    del office.cookies[replica.PIN_COOKIE]
    assert "Hướng dẫn bản sao đọc" not in office.get(reverse("news:manage")).content.decode()
    replay.resume()
    _wait_until(lambda: Article.objects.using("replica").filter(
        title="Hướng dẫn bản sao đọc").exists())
    assert "Hướng dẫn bản sao đọc" in office.get(reverse("news:manage")).content.decode()


def test_reads_fall_back_to_the_primary_when_the_replica_lags_too_far(replay, settings, caplog):
    settings.REPLICA_MAX_LAG_SECONDS = 1
    replay.pause()
    ProductGroup.objects.create(code="R3", name_vi="Nhóm trễ")
    time.sleep(1.5)  # the standby has replayed nothing for longer than the limit
    with caplog.at_level(logging.WARNING, logger="ocop.replica"):
        routed, _ = _in_request("GET", lambda: list(ProductGroup.objects.values_list(
            "code", flat=True)))
    assert "R3" in routed  # read from the primary, not the stale standby
    assert "reads fall back to the primary" in caplog.text and "behind" in caplog.text
    replay.resume()
    # Back within the limit once it has caught up (with every database of the cluster).
    _wait_until(lambda: _in_request("GET", lambda: ProductGroup.objects.all().db)[0] == "replica")
    assert _on_standby("R3")


@pytest.fixture
def unreachable_replica() -> Iterator[None]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]  # nothing listens there once the socket is closed
    params = connections["replica"].settings_dict
    real_port = params["PORT"]
    connections["replica"].close()
    params["PORT"] = closed_port
    try:
        yield
    finally:
        connections["replica"].close()
        params["PORT"] = real_port


def test_reads_fall_back_to_the_primary_when_the_replica_is_unreachable(unreachable_replica,
                                                                        caplog):
    ProductGroup.objects.create(code="R4", name_vi="Nhóm dự phòng")
    with caplog.at_level(logging.WARNING, logger="ocop.replica"):
        routed, _ = _in_request("GET", lambda: (ProductGroup.objects.all().db,
                                                ProductGroup.objects.filter(code="R4").exists()))
        page = Client().get(reverse("news:list"))
    assert routed == ("default", True)
    assert page.status_code == 200
    assert "replica unusable (unreachable" in caplog.text


def _groups_view(request):
    """Reads from the standby, then loses its standby connection before the second read."""
    first = list(ProductGroup.objects.values_list("code", flat=True))
    calls.append(ProductGroup.objects.all().db)
    if len(calls) == 1:
        with _standby() as conn:
            conn.execute("SELECT pg_terminate_backend(%s)",
                         [connections["replica"].connection.info.backend_pid])
    second = list(ProductGroup.objects.values_list("name_vi", flat=True))
    return HttpResponse(",".join(first + second))


calls: list[str] = []
urlpatterns = [path("groups/", _groups_view)]


@pytest.mark.urls(__name__)
def test_a_safe_request_whose_replica_dies_half_way_is_answered_from_the_primary(settings,
                                                                                 caplog):
    ProductGroup.objects.create(code="R5", name_vi="Nhóm giữa chừng")
    _wait_until(lambda: _on_standby("R5"))
    # The first read finds the standby healthy; the next check is far away, so the second read
    # meets the dead connection itself, as a request does between two checks.
    settings.REPLICA_CHECK_SECONDS = 600
    calls.clear()
    with caplog.at_level(logging.WARNING, logger="ocop.replica"):
        response = Client().get("/groups/")
    assert response.status_code == 200 and response.content.decode() == "R5,Nhóm giữa chừng"
    assert calls == ["replica", "default"]  # the first pass read the standby, the retry did not
    assert "answered again from the primary" in caplog.text
