"""Every action the code records is told in a sentence of its own (``SENTENCES``), not by the
fallback that only names the kind of object ("… đã thực hiện một thao tác trên …")."""

from __future__ import annotations

import ast
from itertools import product
from pathlib import Path

from ocop.audit.sentences import SENTENCES, action_label
from ocop.jobs.models import Job

ROOT = Path(__file__).resolve().parents[2]


def _codes(node: ast.expr) -> list[str]:
    """The action codes an ``action=`` argument can take: a literal, a conditional between
    literals, or a literal joined to one of those. Anything else (an f-string) gives none."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _codes(node.body) + _codes(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a, b in product(_codes(node.left), _codes(node.right))]
    return []


def recorded_actions() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        for code in _codes(keyword.value):
                            if "." in code:
                                found.setdefault(code, str(path.relative_to(ROOT.parent)))
    return found


def test_the_walk_sees_recorded_actions():
    actions = recorded_actions()
    # A literal, a conditional and a joined literal: the three shapes the walk reads.
    assert {"dossier.open", "market.offer_update", "tourism.destination.update"} <= set(actions)


def test_every_recorded_action_has_a_sentence():
    missing = {code: path for code, path in recorded_actions().items() if code not in SENTENCES}
    assert missing == {}


def test_every_background_job_request_has_a_sentence():
    # Recorded as f"jobs.{kind}.request" (ocop/jobs/services.enqueue), which the walk cannot read.
    missing = [kind for kind in Job.Kind.values if f"jobs.{kind}.request" not in SENTENCES]
    assert missing == []
    assert action_label("jobs.list_export.request") == "Đã yêu cầu xuất danh sách ra Excel"


def test_an_action_reads_without_its_actor_in_the_filter():
    assert action_label("dossier.submit") == "Đã nộp hồ sơ"
    assert action_label("no.such.action") == "Thao tác khác (no.such.action)"
