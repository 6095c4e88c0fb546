"""The layering rules that the import contract (pyproject.toml, `lint-imports`) cannot see.

`lint-imports` checks the direction of every import. It cannot tell a function-local import that
dodges a cycle from an honest one, nor see `importlib` reaching up by name; these tests do.
"""

from __future__ import annotations

import ast
from pathlib import Path

OCOP = Path(__file__).resolve().parents[2]


def _sources() -> list[Path]:
    # Tests and their fixtures (conftest.py) may build their worlds from any app. The root
    # conftest imports worker/testing.py before Django is set up (it picks the task queue in
    # pytest_configure), so that module imports the queue backends inside the fixtures' helpers.
    return [p for p in OCOP.rglob("*.py") if "migrations" not in p.parts
            and "tests" not in p.parts and p.name != "conftest.py"
            and p != OCOP / "worker" / "testing.py"]


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""] if node.level == 0 else []
    return [alias.name for alias in node.names]


def test_no_import_by_name():
    found = [f"{p.relative_to(OCOP)}:{n.lineno}" for p in _sources()
             for n in ast.walk(ast.parse(p.read_text()))
             if isinstance(n, ast.Attribute) and n.attr == "import_module"]
    assert not found, "importlib reaches up by name (declare a hook instead): " + ", ".join(found)


def test_no_function_local_import_of_project_code():
    """Inside a function, only AppConfig.ready() may import project code (Django's own pattern
    for registering hooks, permissions and job kinds once the models are loaded). A local
    import elsewhere hides a cycle, even inside one app: two modules that need each other import
    each other as modules, at the top (ocop/jobs/services.py and tasks.py)."""
    found = []
    for path in _sources():
        for fn in ast.walk(ast.parse(path.read_text())):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if path.name == "apps.py" and fn.name == "ready":
                continue
            for node in ast.walk(fn):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                for module in _imported(node):
                    parts = module.split(".")
                    if parts[0] == "ocop":
                        found.append(f"{path.relative_to(OCOP)}:{node.lineno} {module}")
    assert not found, "function-local imports of project code: " + ", ".join(found)


def test_the_checks_see_what_they_look_for():
    """The AST walk above finds a local import of another app in a sample module."""
    sample = "def f():\n    from ocop.trace import models\n"
    nodes = [n for fn in ast.walk(ast.parse(sample)) if isinstance(fn, ast.FunctionDef)
             for n in ast.walk(fn) if isinstance(n, ast.ImportFrom)]
    assert [m for n in nodes for m in _imported(n)] == ["ocop.trace"]
