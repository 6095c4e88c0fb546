"""The request id and the structured request log line."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.operations.logs import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[3]


def _request_lines(caplog) -> list[dict]:
    formatter, request_id = JsonFormatter(), RequestIdFilter()
    lines = []
    for record in caplog.records:
        if record.name == "ocop.request":
            request_id.filter(record)
            lines.append(json.loads(formatter.format(record)))
    return lines


@pytest.mark.django_db
def test_a_well_formed_incoming_request_id_is_kept_and_returned(client, caplog):
    caplog.set_level(logging.INFO, logger="ocop.request")
    response = client.get("/healthz?secret=1", HTTP_X_REQUEST_ID="lb-7f3a9c21e0")
    assert response["X-Request-ID"] == "lb-7f3a9c21e0"
    [line] = _request_lines(caplog)
    assert line["request_id"] == "lb-7f3a9c21e0"
    assert line["method"] == "GET" and line["path"] == "/healthz" and line["status"] == 200
    assert line["route"] == "healthz" and line["level"] == "INFO"
    assert line["logger"] == "ocop.request" and isinstance(line["duration_ms"], float)
    assert "time" in line and "secret" not in json.dumps(line)


@pytest.mark.django_db
@pytest.mark.parametrize("sent", ["short", "has space in it", "a" * 65, "line\nbreak-0123",
                                  "<script>alert(1)</script>"])
def test_a_malformed_request_id_is_replaced(client, sent):
    returned = client.get("/healthz", HTTP_X_REQUEST_ID=sent)["X-Request-ID"]
    assert returned != sent and len(returned) == 32 and returned.isalnum()


@pytest.mark.django_db
def test_every_response_gets_its_own_id(client):
    first, second = client.get("/healthz"), client.get("/khong-co/")
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert second.status_code == 404


@pytest.mark.django_db
def test_the_line_names_the_user_by_id_and_role_only(units, caplog):
    user = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, username="tinh.nguyen",
                     email="nguyen@example.vn", first_name="Nguyễn Văn A")
    caplog.set_level(logging.INFO, logger="ocop.request")
    login_client(user).get("/")
    [line] = _request_lines(caplog)
    assert line["user_id"] == user.pk and line["role"] == "province_office"
    text = json.dumps(line, ensure_ascii=False)
    assert "tinh.nguyen" not in text and "example.vn" not in text and "Nguyễn" not in text


@pytest.mark.django_db
def test_the_password_reset_token_never_reaches_the_log(client, caplog):
    caplog.set_level(logging.INFO, logger="ocop.request")
    client.get("/dat-lai-mat-khau/MTI/cd5x1a-0123456789abcdef0123456789abcdef/")
    [line] = _request_lines(caplog)
    assert "0123456789abcdef" not in json.dumps(line) and "MTI" not in line["path"]
    assert line["path"] == "/dat-lai-mat-khau/***/***/"


def test_log_format_json_writes_one_object_a_line(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOG_"))},
           "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}", "LOG_FORMAT": "json"}
    code = ("import logging; logging.getLogger('ocop.test').warning('xin chào %s', 'bạn'); "
            "logging.getLogger('ocop.request').info('ghi dòng yêu cầu')")
    result = subprocess.run(  # noqa: S603 — our own manage.py
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120, check=True)
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(x["level"], x["logger"], x["message"]) for x in lines] == [
        ("WARNING", "ocop.test", "xin chào bạn"), ("INFO", "ocop.request", "ghi dòng yêu cầu")]
    # Plain text stays the default (make run).
    env["LOG_FORMAT"] = "text"
    text = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120, check=True)
    assert text.stderr.splitlines() == ["xin chào bạn"]
