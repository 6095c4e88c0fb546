"""A gunicorn worker loads the URLconf and the public templates when it imports ``ocop.wsgi``,
not on its first visitor's request (ocop.operations.fastpath.warm; docs/traceability.md: that
first request cost 2.2 s of CPU per worker). Checked in a fresh interpreter, as a worker starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import json, sys
import ocop.wsgi
from django.db import connections
from django.template import engines
from django.urls import get_resolver
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({
    "views": "ocop.trace.views_scan" in sys.modules and "ocop.certificates.views" in sys.modules,
    "reverse": bool(get_resolver()._populated),
    "templates": sorted(name for name in loader.get_template_cache if name.startswith("trace/")),
    "connections": [alias for alias in connections if connections[alias].connection is not None],
}))
"""


def test_importing_the_wsgi_module_loads_the_urlconf_and_templates(tmp_path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ocop.settings", "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": "warm-test-" + "x" * 40, "DJANGO_ALLOWED_HOSTS": "localhost",
           # No database at all: warming must not need one.
           "DATABASE_URL": f"sqlite:///{tmp_path / 'absent' / 'none.sqlite3'}"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, check=True,  # noqa: S603
                         capture_output=True, text=True).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["views"] and seen["reverse"]
    assert {"trace/scan.html", "trace/_scan_lot.html"} <= set(seen["templates"])
    assert seen["connections"] == []
