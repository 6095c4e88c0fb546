"""Keeps bench/pages_bench.py from rotting: the same steps at tiny sizes, no timing asserted."""

from __future__ import annotations

import io

import benchdb
import pages_bench
import pytest
import workqueue_bench
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_pages_bench_at_tiny_sizes(monkeypatch):
    for name, value in benchdb.NO_RATE_LIMITS.items():
        monkeypatch.setattr(settings, name, value)
    call_command("load_units", provinces="01,24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    workqueue_bench._CHOSEN.clear()
    pages_bench._RECORDS.clear()
    rows = []
    for size in (40, 100):
        pages_bench.seed(size, log=lambda _m: None)
        rows += pages_bench.measure(size, requests=1,
                                    only=("central", "council member", "anonymous"))
    # Three of the eight people keep this under half a minute; the bench itself takes all.
    assert [who.split(" P")[0] for who, _ in pages_bench.people()] == [
        "admin", "commune officer", "province office", "council member", "inspector",
        "producer", "central", "anonymous"]
    measured = {(r.who, r.page) for r in rows}
    # The menu's pages are measured for the roles that see them, and public pages anonymously.
    assert ("central", "registry:product_list") in measured
    assert ("council member", "evaluation:assigned") in measured
    assert ("anonymous", "news:list") in measured
    assert any(who == "anonymous" and page.startswith("certificates:verify ")
               for who, page in measured)
    assert ("central", "dossiers:list last page") in measured  # a paged list, a later page
    assert ("anonymous", "dossiers:list") not in measured  # staff pages only for staff
    # The point of the benchmark: query counts do not grow with the data.
    assert pages_bench.query_growth(rows) == []
    assert pages_bench.lost_pages(rows) == []
    out = io.StringIO()
    pages_bench.print_table(rows, out)
    assert "q@100" in out.getvalue()


def test_list_pages_come_from_the_url_conf_and_the_menu():
    names = pages_bench.list_pages()
    assert {"registry:producer_list", "dossiers:list", "news:list", "maps:map",
            "inspections:complaint_list", "training:supports"} <= set(names)
    assert not set(names) & set(pages_bench.NOT_LISTS)
    assert "registry:product_create" not in names


def test_a_page_that_loads_rows_one_by_one_is_reported(monkeypatch):
    """The detector the bench relies on: the product list without its joins loads each row's
    producer and product set on its own, and django-zeal names them."""
    from ocop.accounts.models import Role, User
    from ocop.accounts.testing import login_client
    from ocop.demo.scale import generate
    from ocop.registry import selectors

    call_command("load_units", provinces="24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    generate(products=6, producers=3, documents=0, history=False)
    client = login_client(User.objects.create(username="central", role=Role.CENTRAL))
    pages_bench._watch_n_plus_one()
    _, joined = pages_bench._get(client, "/san-pham/")
    assert joined == ()
    monkeypatch.setattr(selectors, "product_list",
                        lambda user, f: selectors.products_for(user).order_by("name", "pk"))
    response, one_by_one = pages_bench._get(client, "/san-pham/")
    assert response.status_code == 200
    assert any("registry.Product.producer" in found for found in one_by_one), one_by_one
