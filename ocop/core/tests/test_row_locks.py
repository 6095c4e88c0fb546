"""Row locks take ``FOR NO KEY UPDATE`` unless the row is deleted.

Every audited transaction ends by taking the audit chain's lock. A service that first locks a
row others refer to (a product, a dossier, a certificate) with ``FOR UPDATE`` blocks the
reference check (``FOR KEY SHARE``) of any transaction that inserted a row pointing at it — and
if that transaction holds the chain, PostgreSQL aborts one of the two as a deadlock
(registry/tests/test_locks.py, trace/tests/test_locks.py). ``FOR NO KEY UPDATE`` is what
PostgreSQL's own UPDATE of a non-key column takes: it still serialises the services that lock
the row and lets those checks through. SQLite ignores both.
"""

from __future__ import annotations

import ast
from pathlib import Path

OCOP = Path(__file__).resolve().parents[2]

# (file, function): why a plain FOR UPDATE is right there.
FOR_UPDATE = {
    ("criteria/publishing.py", "discard"): "deletes the row",
    # Django's update_or_create() takes select_for_update() itself, without no_key.
    ("criteria/publishing.py", "stage"): "update_or_create",
}


def _plain_locks(tree: ast.AST) -> list[tuple[str, int]]:
    found = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        for node in ast.walk(fn):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "select_for_update"
                    and not any(k.arg == "no_key" and isinstance(k.value, ast.Constant)
                                and k.value.value is True for k in node.keywords)):
                found.append((fn.name, node.lineno))
    return found


def test_row_locks_take_no_key_update_unless_the_row_is_deleted():
    found = []
    for path in OCOP.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        name = str(path.relative_to(OCOP))
        for function, line in _plain_locks(ast.parse(path.read_text())):
            if (name, function) not in FOR_UPDATE:
                found.append(f"{name}:{line} ({function})")
    assert not found, "select_for_update() without no_key=True: " + ", ".join(found)


def test_the_check_sees_a_plain_lock():
    sample = ast.parse(
        "def edit(pk):\n"
        "    a = Row.objects.select_for_update().get(pk=pk)\n"
        "    b = Row.objects.select_for_update(of=('self',)).get(pk=pk)\n"
        "    c = Row.objects.select_for_update(of=('self',), no_key=True).get(pk=pk)\n")
    assert _plain_locks(sample) == [("edit", 2), ("edit", 3)]
