"""The users of bench/load_bench.py, for locust (run headless by that script; not a benchmark by
itself). Every staff user logs in through the real login form (and the TOTP step where the
account needs it); the plan (URLs, accounts, the API token) is the JSON file named by
``LOAD_BENCH_PLAN``, written by load_bench.py after seeding.

A response counts as a failure when its status is not the expected one, or when a page that
answers 200 says it did not save (the htmx fragments of the dossier and the score sheet)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import struct
import time
import uuid
from datetime import UTC, datetime

import epcis_docs
from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115
MIX = dict(part.split("=") for part in os.environ.get("LOAD_BENCH_MIX", "").split(",") if part)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RADIO = re.compile(r'<input[^>]*type="radio"[^>]*name="c-([^"]+)"[^>]*value="([^"]*)"')
# A wrong answer does not always come as a non-2xx: these say a save failed inside a 200.
NOT_SAVED = ("Chưa lưu:", 'class="save-status error"')


def totp(key_hex: str, at: float) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), as django-otp's TOTPDevice checks it."""
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", int(at) // 30),
                      hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 1_000_000:06d}"


# django-otp accepts each TOTP code once (a replay is refused), so two users of one account must
# log in in different 30-second windows: the last window each account used (all users run in
# this one process).
_WINDOW_USED: dict[str, int] = {}
_TURN: dict[str, int] = {}


def fresh_code(account: dict) -> str:
    while (window := int(time.time()) // 30) <= _WINDOW_USED.get(account["username"], -1):
        time.sleep((window + 1) * 30 - time.time() + 0.5)  # gevent-patched: only this user waits
    _WINDOW_USED[account["username"]] = window
    return totp(account["totp_key"], time.time())


class StaffUser(HttpUser):
    abstract = True
    accounts: list[dict] = []

    def on_start(self) -> None:
        # Accounts in turn, so that users spread over them.
        turn = _TURN[type(self).__name__] = _TURN.get(type(self).__name__, -1) + 1
        account = self.accounts[turn % len(self.accounts)]
        page = self.client.get("/dang-nhap/", name="login form")
        response = self.client.post("/dang-nhap/", name="login", data={
            "username": account["username"], "password": PLAN["password"],
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1)})
        if account.get("totp_key"):
            step = response.text
            response = self.client.post("/xac-thuc-2-buoc/", name="login 2FA", data={
                "token": fresh_code(account), "csrfmiddlewaretoken": CSRF.search(step).group(1)})
        if "/dang-nhap/" in response.url or "/xac-thuc-2-buoc/" in response.url:
            events.request.fire(request_type="LOGIN", name=f"login {account['username']}",
                                response_time=0, response_length=0, response=response,
                                context={}, exception=RuntimeError("login refused"))
        self.account = account

    def htmx_post(self, url: str, data: dict, name: str) -> None:
        headers = {"HX-Request": "true", "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                   "Referer": self.host + url}
        with self.client.post(url, data=data, headers=headers, name=name,
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: "
                                 + re.sub(r"<[^>]+>", "", response.text).strip()[:160])
            elif any(marker in response.text for marker in NOT_SAVED):
                response.failure("answered 200 but not saved: "
                                 + re.sub(r"<[^>]+>", "", response.text)[:160])


class Consumer(HttpUser):
    """Scans a printed stamp and opens the certificate's public verify page."""

    fixed_count = int(MIX.get("consumer", 0))
    wait_time = between(0.2, 1.0)

    @task(3)
    def scan(self) -> None:
        self.client.get(random.choice(PLAN["scan_paths"]), name="scan stamp")

    @task(1)
    def verify(self) -> None:
        self.client.get(random.choice(PLAN["verify_paths"]), name="verify certificate")


class Producer(StaffUser):
    """Edits a draft dossier: the form autosaves each change (htmx)."""

    fixed_count = int(MIX.get("producer", 0))
    wait_time = between(1, 3)
    accounts = PLAN["producers"]

    @task
    def save_draft(self) -> None:
        pk = self.account["dossier"]
        if random.random() < 0.2:
            self.client.get(f"/ho-so/{pk}/soan/", name="dossier edit page")
        field, value = random.choice(PLAN["dossier_fields"])
        self.htmx_post(f"/ho-so/{pk}/luu/", {f"f-{field}": f"{value} {random.randint(1, 999)}"},
                       name="dossier autosave")


class CouncilMember(StaffUser):
    """Opens an assigned score sheet and saves answers as the radio buttons are clicked (the
    demo council members have TOTP devices: password and code)."""

    fixed_count = int(MIX.get("council", 0))
    wait_time = between(1, 3)
    accounts = PLAN["council"]

    @task
    def score(self) -> None:
        pk = random.choice(self.account["dossiers"])
        page = self.client.get(f"/cham-diem/{pk}/", name="score sheet page")
        choices: dict[str, list[str]] = {}
        for code, value in RADIO.findall(page.text):
            choices.setdefault(code, []).append(value)
        if not choices:
            return
        picked = random.sample(sorted(choices), min(3, len(choices)))
        self.htmx_post(f"/cham-diem/{pk}/", {f"c-{c}": random.choice(choices[c]) for c in picked},
                       name="score sheet save")


class EpcisClient(HttpUser):
    """A producer's system sending EPCIS documents through the API with its bearer token; now and
    then a document above the synchronous limit, queued for the worker and polled."""

    fixed_count = int(MIX.get("capture", 0))
    wait_time = between(0.5, 2)

    def document(self, n: int) -> str:
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        tag = uuid.uuid4().hex[:12]
        epcs = (f"https://id.gs1.org/01/{PLAN['gtin']}/21/L{tag}{i}" for i in range(n))
        return json.dumps(epcis_docs.document(epcis_docs.shipments(epcs, now), now))

    @task
    def capture(self) -> None:
        big = random.random() < PLAN["capture_big_share"]
        n = PLAN["capture_big_events"] if big else PLAN["capture_events"]
        headers = {"Authorization": f"Bearer {PLAN['api_token']}",
                   "Content-Type": "application/json"}
        name = "epcis capture (queued)" if big else "epcis capture"
        with self.client.post("/api/v1/epcis/capture", data=self.document(n), headers=headers,
                              name=name, catch_response=True) as response:
            if response.status_code != (202 if big else 201):
                response.failure(f"HTTP {response.status_code}: {response.text[:160]}")
                return
        if big:
            location = response.headers["Location"]
            for _ in range(120):  # bounded: two minutes at most
                state = self.client.get(location, headers=headers, name="epcis capture status")
                if state.status_code != 200 or not state.json().get("running"):
                    break
                time.sleep(1)
            if state.status_code == 200 and state.json().get("status") != "succeeded":
                events.request.fire(request_type="JOB", name="epcis capture job",
                                    response_time=0, response_length=0, response=state,
                                    context={}, exception=RuntimeError(state.text[:160]))


class Office(StaffUser):
    """A province office (2FA required) reading the dossier list and the dashboard."""

    fixed_count = int(MIX.get("office", 0))
    wait_time = between(2, 5)
    accounts = PLAN["office"]

    @task
    def lists(self) -> None:
        self.client.get("/ho-so/", name="dossier list")
        self.client.get("/bang-dieu-khien/", name="dashboard")
