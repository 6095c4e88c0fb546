"""Two platforms on this machine: this test's database (a province, "tinh-bac-ninh") and a
second instance of the platform in its own process and its own SQLite file (the national
centre, "trung-uong"), started with ``manage.py runserver``. They exchange Bắc Ninh's records
with ``manage.py exchange push|pull`` over signed HTTP and end identical; a revocation made at
the centre comes back with a pull; pulling and pushing again changes nothing.

Time is bounded: every subprocess has a timeout, the server is stopped in ``finally``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from ocop.exchange import client, selectors, services
from ocop.exchange.models import Partner

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)
PYTHON = sys.executable
SETUP = """
import os
from ocop.units.services import load_units
from ocop.registry.testing import make_vegetable_set
from ocop.exchange import services
load_units(current_codes=(1, 24), legacy_codes=(24, 27))
make_vegetable_set(with_processed=True)
print(services.create_signing_key(actor=None).public_key_pem)
"""
REVOKE = """
from ocop.certificates.models import Certificate
from ocop.certificates.services import revoke_certificate
c = Certificate.objects.get(number=os.environ["NUMBER"])
revoke_certificate(actor=None, certificate=c, reason="Vi phạm chất lượng",
                   decision_number="77/QĐ-BNN")
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(env: dict[str, str], *args: str, timeout: float = 240) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, timeout=timeout,  # noqa: S603
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the second instance stopped"
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — our own loopback server
        except urllib.error.HTTPError:
            return  # it answers (401 without a signature)
        except OSError:
            time.sleep(0.5)
    raise AssertionError("the second instance did not start in time")



def test_two_instances_exchange_a_province_and_end_identical(xworld, settings, tmp_path):
    settings.EXCHANGE_PLATFORM_CODE = "tinh-bac-ninh"
    ours = services.create_signing_key(actor=None)
    (tmp_path / "a.pem").write_text(ours.public_key_pem)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'centre.sqlite3'}",
           "OCOP_EXCHANGE_PLATFORM_CODE": "trung-uong", "MEDIA_ROOT": str(tmp_path / "media"),
           "NUMBER": xworld.certificates["own"].number}
    env.pop("DATABASE_REPLICA_URL", None)
    _run(env, "migrate", "--noinput", "-v0", timeout=400)
    centre_key = _run(env, "shell", "-c", SETUP)
    _run(env, "exchange", "partner-add", "tinh-bac-ninh", "Nền tảng OCOP Bắc Ninh",
         "--public-key", str(tmp_path / "a.pem"), "--province", "P24")
    (tmp_path / "b.pem").write_text(centre_key)
    server = subprocess.Popen(  # noqa: S603
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/api/v1/exchange/changes", server)
        call_command("exchange", "partner-add", "trung-uong", "Văn phòng Điều phối Trung ương",
                     "--public-key", str(tmp_path / "b.pem"),
                     "--base-url", f"http://127.0.0.1:{port}", "--province", "P24")
        centre = Partner.objects.get(code="trung-uong")

        out = StringIO()
        call_command("exchange", "push", "trung-uong", stdout=out)
        assert "0 cập nhật" in out.getvalue()
        ours_now = list(selectors.export_records("P24"))
        assert client.export(centre) == ours_now
        assert len(ours_now) == 3 + 3 + 1 + 1  # Bắc Ninh: producers, products, decision, cert

        # A revocation at the centre comes back with a pull.
        _run(env, "shell", "-c", "import os\n" + REVOKE)
        out = StringIO()
        call_command("exchange", "pull", "trung-uong", stdout=out)
        assert "1 cập nhật" in out.getvalue()
        xworld.certificates["own"].refresh_from_db()
        assert xworld.certificates["own"].revocation_decision_number == "77/QĐ-BNN"
        assert client.export(centre) == list(selectors.export_records("P24"))

        # Again: nothing new either way; and a full re-send changes nothing at the centre.
        state = list(selectors.export_records(None))
        out = StringIO()
        call_command("exchange", "pull", "trung-uong", stdout=out)
        assert "0 thêm mới, 0 cập nhật" in out.getvalue()
        centre.refresh_from_db()
        services.advance_cursor(partner=centre, push=0)
        out = StringIO()
        call_command("exchange", "push", "trung-uong", stdout=out)
        assert "0 thêm mới, 0 cập nhật" in out.getvalue()
        assert list(selectors.export_records(None)) == state
        assert client.export(centre) == list(selectors.export_records("P24"))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
