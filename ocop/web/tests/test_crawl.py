"""No server error, no unresolved template variable, no English UI word, no id used twice and
exactly one <h1> on any page that an account of the demo reaches by following links from the
home page (issue 8).

The demo (``manage.py demo`` on its own provinces) is built once for the module inside a
transaction that is rolled back at the end, so the other tests never see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client, override_settings

from ocop.accounts.models import User
from ocop.accounts.testing import login_client
from ocop.web.tests.crawl import build_demo, crawl, inspect_html, strict_templates

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Every account that `make run` prints (demo_logins); test_every_demo_account_is_crawled keeps
# this list in step with the demo.
ACCOUNTS = ["demo-admin", "demo-trunguong", "demo-tinh", "demo-hanoi", "demo-xa", "demo-hoidong1",
            "demo-hoidong2", "demo-hoidong3", "demo-thanhtra", "demo-chuthe", "demo-chuthe2",
            "demo-benmua"]


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Path]:
    """The demo, and the media folder that holds its files (minutes, certificates)."""
    media = tmp_path_factory.mktemp("demo-media")
    with (django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, TASKS=IMMEDIATE),
          transaction.atomic()):
        build_demo()
        yield media
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_world, settings, _media_root) -> None:
    # Instead of the empty one of each test (conftest.py); sendfile serves from the same root.
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = demo_world


@pytest.fixture
def strict(demo) -> Iterator[None]:
    with strict_templates():
        yield


def _client(username: str | None, *, language: str = "vi") -> Client:
    client = Client()
    if language != "vi":
        client.cookies["django_language"] = language
    return login_client(User.objects.get(username=username), client) if username else client


def test_every_demo_account_is_crawled(demo_world) -> None:
    demo = set(User.objects.filter(username__startswith="demo-", is_active=True)
               .values_list("username", flat=True))
    assert demo == set(ACCOUNTS)


@pytest.mark.parametrize("username", [None, *ACCOUNTS])
def test_every_reachable_page_works_in_vietnamese(strict, username: str | None) -> None:
    result = crawl(_client(username), per_pattern=4)
    assert result.problems == []
    # The crawl really walked the site: anonymous visitors see the public pages only.
    assert len(result.html_pages()) >= (4 if username is None else 20)


@pytest.mark.parametrize("username",
                         ["demo-tinh", "demo-chuthe", "demo-hoidong1", "demo-benmua"])
def test_the_english_interface_has_no_server_error_either(strict, username: str) -> None:
    result = crawl(_client(username, language="en"), per_pattern=2)
    assert result.problems == []
    # The first page read (a buyer's home redirects to the supply-demand connection).
    assert '<html lang="en"' in next(v.html for v in result.visits if v.html)


def test_the_admin_site_has_no_server_error(demo) -> None:
    # Django's admin templates rely on silent missing variables and are Django's wording: only
    # server errors count here: the index, every model's list, then forms (bounded: admin pages
    # are slow).
    result = crawl(_client("demo-admin"), start=("/quan-tri/",), within="/quan-tri/",
                   skip=("/quan-tri/logout/",), per_pattern=1, limit=80)
    assert result.server_errors == []
    assert len(result.html_pages()) >= 40


def test_the_checks_catch_what_they_look_for() -> None:
    page = ('<html lang="vi"><body><h1>Trang</h1><a href="/a/">Trang chủ</a>'
            '<p>Number: 3 days</p><button lang="en">English</button>'
            '<td class="changes">True</td><p>⟦unresolved:d.missing⟧ Hộp số</p>'
            '<input id="place"><input id="place"></body></html>')
    links, problems = inspect_html(page, vietnamese=True)
    assert links == ["/a/"]
    assert [p.split(":")[0] for p in problems] == [
        "biến mẫu không có giá trị", "id lặp lại", "từ tiếng Anh 'Number'",
        "từ tiếng Anh 'days'"]
    _links, problems = inspect_html('<html lang="vi"><p>Không tiêu đề</p></html>',
                                    vietnamese=True)
    assert problems == ["0 thẻ h1 (cần đúng một)"]
