"""One truth for stars: ``Product.stars`` follows the certificates, and only this app writes it.

A product is OCOP only while a certificate of it is valid; its stars are the best rating among
those valid certificates (``services.refresh_product_stars``). Code elsewhere that wrote
``stars`` on a product would make the copy disagree with the certificates, so an AST walk over
every module (tests included) refuses such writes outside ``ocop/certificates``.
"""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Q

from ocop.audit.models import AuditEntry
from ocop.certificates import selectors, services
from ocop.certificates.models import Certificate
from ocop.certificates.testing import stars_mismatches
from ocop.registry import hooks as registry_hooks
from ocop.registry.models import Product

ROOT = Path(__file__).resolve().parents[3]
OWNER = ROOT / "ocop" / "certificates"


def _sources() -> list[Path]:
    files = [*(ROOT / "ocop").rglob("*.py"), *(ROOT / "bench").rglob("*.py"), ROOT / "conftest.py"]
    return [p for p in files if "migrations" not in p.parts and OWNER not in p.parents
            and p.exists()]


def _names_product(node: ast.AST) -> bool:
    """``Product``, ``Product.objects``, ``Product.objects.filter(...)``, ... at the root."""
    while True:
        if isinstance(node, ast.Name):
            return node.id == "Product"
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return False


def _lists_stars(node: ast.AST | None) -> bool:
    return isinstance(node, ast.List | ast.Tuple | ast.Set) and any(
        isinstance(e, ast.Constant) and e.value == "stars" for e in node.elts)


def star_writes(source: str) -> list[int]:
    """Line numbers of writes of ``stars`` on a product in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr == "stars" for t in targets):
                found.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        keywords = {k.arg: k.value for k in node.keywords}
        method = func.attr if isinstance(func, ast.Attribute) else None
        # Product.objects....update(stars=…), Product.objects.create(stars=…), Product(stars=…)
        if "stars" in keywords and (method == "update" or _names_product(func)):
            found.append(node.lineno)
        # save(update_fields=["stars"]), bulk_update(rows, ["stars"]), setattr(p, "stars", …)
        if method == "save" and _lists_stars(keywords.get("update_fields")):
            found.append(node.lineno)
        if method == "bulk_update" and (any(_lists_stars(a) for a in node.args)
                                        or _lists_stars(keywords.get("fields"))):
            found.append(node.lineno)
        if (isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant) and node.args[1].value == "stars"):
            found.append(node.lineno)
        # get_or_create / update_or_create(defaults={"stars": …})
        defaults = keywords.get("defaults")
        if isinstance(defaults, ast.Dict) and any(
                isinstance(k, ast.Constant) and k.value == "stars" for k in defaults.keys):
            found.append(node.lineno)
    return sorted(set(found))


def test_only_the_certificates_app_writes_product_stars():
    found = [f"{p.relative_to(ROOT)}:{line}" for p in _sources()
             for line in star_writes(p.read_text())]
    assert not found, ("stars written outside ocop/certificates (issue a certificate, or call "
                       "certificates.services.refresh_product_stars): " + ", ".join(found))


@pytest.mark.parametrize("code", [
    "Product.objects.filter(pk=1).update(stars=4)",
    "qs.update(stars=None)",
    "product.stars = 3",
    "Product.objects.create(name='x', stars=3)",
    "Product(name='x', stars=3)",
    "p.save(update_fields=['stars'])",
    "Product.objects.bulk_update(rows, ['stars'])",
    "setattr(p, 'stars', 4)",
    "Product.objects.update_or_create(pk=1, defaults={'stars': 4})",
])
def test_the_walk_sees_each_kind_of_write(code):
    assert star_writes(code) == [1]


def test_the_walk_leaves_reads_and_certificates_alone():
    code = ("best = product.stars\nCertificate.objects.create(stars=3)\n"
            "qs.filter(stars=4)\nCouncilResult.objects.create(stars=4)\n")
    assert star_writes(code) == []


# --- Behaviour -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_refresh_product_stars_in_bulk(cw, django_assert_max_num_queries):
    """One UPDATE for all products whose stars moved; each change audited; None without a
    valid certificate; the best rating among several valid ones."""
    three = cw.issue("own", stars=3, issued_on=date(2024, 2, 29))
    cw.issue("own", stars=4, decision=cw.province_decision, issued_on=date(2025, 9, 1))
    cw.issue("legacy", stars=3, issued_on=date(2024, 2, 29))
    # Written behind the service's back (as a stale copy would be), then repaired in bulk.
    Product.objects.update(stars=None)
    day = date(2026, 6, 1)
    ids = [p.pk for p in cw.products.values()]
    assert services.refresh_product_stars(ids, today=day) == 2
    assert stars_mismatches(day) == []
    assert Product.objects.get(pk=cw.products["own"].pk).stars == 4
    # 28/02/2027 is the 3★ certificates' last day; the 4★ one runs to 31/08/2028.
    later = date(2027, 3, 1)
    assert services.refresh_product_stars(Product.objects.all(), today=later) == 1
    assert Product.objects.get(pk=cw.products["legacy"].pk).stars is None
    assert Product.objects.get(pk=three.product_id).stars == 4
    with django_assert_max_num_queries(1):
        assert services.refresh_product_stars(ids, today=later) == 0  # nothing moved
    # Three changes while issuing, two repaired, one expiry.
    assert AuditEntry.objects.filter(action="registry.product.stars").count() == 6
    # Generated benchmark rows: the same UPDATE, no audit entry.
    Product.objects.update(stars=5)
    assert services.refresh_product_stars(ids, today=later, audited=False) == 3
    assert stars_mismatches(later) == []
    assert AuditEntry.objects.filter(action="registry.product.stars").count() == 6


@pytest.mark.django_db
def test_paper_certificates_numbered_audited_and_starred(cw):
    today = date(2026, 11, 29)
    old = services.PaperCertificate(decision=cw.district_decision, product=cw.products["own"],
                                    stars=3, total_score=Decimal("61.5"),
                                    issued_on=date(2024, 2, 29))
    older = services.PaperCertificate(decision=cw.district_decision,
                                      product=cw.products["legacy"], stars=3,
                                      total_score=Decimal("58"), issued_on=date(2024, 2, 29))
    created = services.enter_paper_certificates(actor=None, records=[old, older], today=today)
    assert sorted(c.number for c in created) == ["OCOP-24-2024-00001", "OCOP-24-2024-00002"]
    assert {c.valid_until for c in created} == {date(2027, 2, 28)}
    assert stars_mismatches(today) == []
    assert Product.objects.get(pk=cw.products["own"].pk).stars == 3
    # Already expired on entry: recorded so, the daily job does not announce it years late.
    decision_2020 = services.create_decision(
        actor=None, number="88/QĐ-UBND", date=date(2020, 3, 2), signer_name="Trần Văn Ký",
        signer_title="Chủ tịch", level="district", issuing_unit=cw.units.legacy_luc_ngan)
    expired = services.PaperCertificate(decision=decision_2020,
                                        product=cw.products["hanoi"], stars=3,
                                        total_score=Decimal("55"), issued_on=date(2020, 3, 2))
    (cert,) = services.enter_paper_certificates(actor=None, records=[expired], today=today)
    assert cert.expiry_recorded_on == today
    assert services.run_daily(today=today).expired == []
    assert Product.objects.get(pk=cw.products["hanoi"].pk).stars is None


@pytest.mark.django_db
def test_recognised_and_valid_are_kept_apart(cw):
    """Recognised counts every product ever certified (the plans' "luỹ kế"); valid only those
    whose certificate holds that day; both by the best stars."""
    cw.issue("own", stars=3, issued_on=date(2024, 2, 29))
    cw.issue("own", stars=4, decision=cw.province_decision, issued_on=date(2025, 9, 1))
    legacy = cw.issue("legacy", stars=3, issued_on=date(2024, 2, 29))
    cw.issue("hanoi", stars=4, decision=cw.hanoi_decision, issued_on=date(2025, 9, 1))
    services.revoke_certificate(actor=None, certificate=legacy, reason="Ngừng sản xuất",
                                decision_number="9/QĐ-UBND", revoked_on=date(2025, 1, 2),
                                today=date(2025, 1, 2))
    day = date(2027, 6, 1)
    assert selectors.count_by_stars(selectors.recognised_products(day)) == {4: 2, 3: 1}
    assert selectors.count_by_stars(selectors.valid_products(day)) == {4: 2}
    bac_ninh = cw.units.bac_ninh.pk
    area = {"producer__commune__current_province_id": bac_ninh}
    assert set(selectors.recognised_products(day, area=Q(**area)).values_list(
        "pk", flat=True)) == {cw.products["own"].pk, cw.products["legacy"].pk}
    assert list(selectors.valid_products(day, area=Q(**area), stars=4).values_list(
        "best_stars", flat=True)) == [4]
    assert selectors.count_by_stars(selectors.recognised_products(date(2024, 2, 28))) == {}


@pytest.mark.django_db
def test_public_catalogue_lists_only_products_with_a_valid_certificate(cw):
    """The registry's ``public_products_q`` hook (what the public may see of a product), as the
    certificates app answers it: a product whose certificate expired is no longer public, nor
    is one never certified."""
    cert = cw.issue("own", stars=3, issued_on=date(2024, 2, 29))
    last_day, next_day = date(2027, 2, 28), date(2027, 3, 1)
    public = Product.objects.filter(registry_hooks.public_products_q(last_day))
    assert list(public.values_list("pk", flat=True)) == [cert.product_id]
    assert Certificate.objects.get(pk=cert.pk).status_on(next_day) == "expired"
    assert not Product.objects.filter(registry_hooks.public_products_q(next_day)).exists()
