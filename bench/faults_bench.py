"""kill -9 in the middle of long work: the web worker serving the request, and the task worker.

    .venv/bin/python bench/faults_bench.py                                    # SQLite
    .venv/bin/python bench/faults_bench.py --database-url postgres://postgres@127.0.0.1:5432/ocop_load_faults
    .venv/bin/python bench/faults_bench.py --only capture:task --events 3000  # one scenario

A fresh database (trace_bench's supply chain: a producer, a product with a GTIN, lots and stamp
batches; ``--certificates`` certificates already past their validity; a commune officer), then
gunicorn (2 sync workers, DEBUG off) and ``manage.py worker`` on loopback, and for each
scenario:

- ``<work>:web``: the request that starts the work is sent in full, then the gunicorn worker
  process holding its connection (found through /proc) gets SIGKILL right after the request's
  last byte, before it answers. The
  master starts a new worker; the user sends the request again.
- ``<work>:task``: the work runs in ``manage.py worker``; that process gets SIGKILL
  ``--kill-after`` seconds after it claimed the task, and a new worker is started (what
  scripts/supervise.sh and systemd do). The dead worker's task is requeued after the lease
  (``WORKER_LEASE_SECONDS``, 4 s here; 30 s in production) by ocop/worker/services.py.

Work: ``import`` (a registry Excel import of ``--rows`` producers: the upload on the web, the
writing job in the worker), ``capture`` (an EPCIS document of ``--events`` events: the API request
queues it, the worker stores it), ``certificates`` (the daily certificate batch: expiry of
``--certificates`` certificates, each in its own transaction; it runs only in the worker, so it
has no web scenario) and ``stamps`` (a stamp-sheet PDF of ``--stamps`` stamps: the print form on
the web, the PDF in the worker).

After each: the rows of the affected tables are counted right after the kill (no partial record:
all or none of an import or a capture) and once the work ended; the work must finish (resumed) or
fail with its Vietnamese message on the job page; ``manage.py audit_verify`` must pass. Prints
one table row per scenario; exit 1 if any scenario failed a check.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402
import epcis_docs  # noqa: E402
from load_bench import collect_static, server_env  # noqa: E402

PASSWORD = "x-Bench-12345"  # trace_bench.setup_chain's bench accounts
SCENARIOS = ("import:web", "import:task", "capture:web", "capture:task", "certificates:task",
             "stamps:web", "stamps:task")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


@dataclass
class Outcome:
    scenario: str
    killed_at: str
    outcome: str
    rows: str
    partial: bool  # a half-written record was seen
    finished: bool  # the work ended done, or failed visibly
    audit_ok: bool

    @property
    def ok(self) -> bool:
        return not self.partial and self.finished and self.audit_ok


# --- Seeding ----------------------------------------------------------------------------------


def seed(args: argparse.Namespace) -> dict:
    import trace_bench
    from django.core.management import call_command

    from ocop.accounts.models import Role, User
    from ocop.accounts.services import issue_api_token
    from ocop.certificates.testing import certify
    from ocop.registry import services as registry
    from ocop.registry.models import ProductSet
    from ocop.trace.models import StampBatch
    from ocop.units.models import Unit

    call_command("migrate", verbosity=0)
    chain = trace_bench.setup_chain()
    trace_bench.seed_stamps(chain, max(args.stamps, 100) * trace_bench.BATCHES)
    producer = chain["user"].producer
    product_set = ProductSet.objects.get(code="1048-01")
    issued = date.today() - timedelta(days=4 * 365)  # valid 36 months: expired a year ago
    for i in range(args.certificates):
        product = registry.create_product(actor=None, producer=producer, data={
            "name": f"Sản phẩm hết hạn {i}", "product_set": product_set})
        certify(product, 3, issued_on=issued)
    commune = Unit.objects.get(pk="C07582")
    officer = User.objects.create_user(username="bench-xa", password=PASSWORD,
                                       role=Role.COMMUNE_OFFICER, unit=commune)
    _, token = issue_api_token(user=chain["user"], name="bench", second_factor_passed=False)
    batch = StampBatch.objects.order_by("pk").first()
    return {"admin": chain["admin"].pk, "producer": chain["user"].pk, "officer": officer.pk,
            "commune": commune.code, "token": token, "batch": batch.pk,
            "first": batch.first_serial, "last": batch.first_serial + args.stamps - 1}


def import_workbook(rows: int, commune: str, seed: int) -> bytes:
    """``rows`` new producers with valid tax codes, different for each ``seed``."""
    import random

    from openpyxl import Workbook

    from ocop.demo.codes import make_tax_code
    from ocop.registry import excel

    headers = [c.header for c in excel.PRODUCER_COLUMNS]
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    rng = random.Random(seed)
    codes: set[str] = set()
    while len(codes) < rows:
        codes.add(make_tax_code(rng, "24"))
    for i, code in enumerate(sorted(codes)):
        values = {"Mã số thuế": code,
                  "Tên chủ thể": f"HTX thử lỗi {seed}-{i}", "Loại hình": "Hợp tác xã",
                  "Mã xã/phường": commune, "Người đại diện": "Nguyễn Văn A", "Số lao động": 10}
        ws.append([values.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def capture_document(n: int, tag: str) -> bytes:
    epcs = (f"https://id.gs1.org/01/08930000000026/21/F{tag}{i}" for i in range(n))
    events = epcis_docs.shipments(epcs, "2025-07-01T08:00:00.000+07:00")
    return json.dumps(epcis_docs.document(events)).encode()


# --- Processes --------------------------------------------------------------------------------


class Servers:
    """gunicorn and one ``manage.py worker``, restartable; logs under ``work``."""

    def __init__(self, env: dict, work: Path, web_workers: int) -> None:
        self.env, self.work, self.web_workers = env, work, web_workers
        self.port = benchdb.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None

    def start(self) -> None:
        collect_static(self.env)
        self.web = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "ocop.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", str(self.web_workers),
             "--log-level", "warning", "--timeout", "300"], cwd=ROOT, env=self.env,
            stdout=open(self.work / "gunicorn.log", "ab"), stderr=subprocess.STDOUT)  # noqa: SIM115
        self.start_worker()
        benchdb.wait_for(self.base + "/healthz")

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT, env=self.env, stdout=open(self.work / "worker.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT)

    def kill_worker(self) -> None:
        os.kill(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)

    def web_workers_pids(self) -> list[int]:
        children = Path(f"/proc/{self.web.pid}/task/{self.web.pid}/children").read_text()
        return [int(p) for p in children.split()]

    def worker_serving(self, client_port: int) -> int | None:
        """The gunicorn worker whose open socket is the server side of ``client_port``."""
        inode = None
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if (int(local.split(":")[1], 16) == self.port
                    and int(remote.split(":")[1], 16) == client_port):
                inode = fields[9]
        if inode is None:
            return None
        target = f"socket:[{inode}]"
        for pid in self.web_workers_pids():
            try:
                fds = list(Path(f"/proc/{pid}/fd").iterdir())
            except OSError:
                continue
            for fd in fds:
                try:
                    if os.readlink(fd) == target:
                        return pid
                except OSError:
                    continue
        return None

    def stop(self) -> None:
        for proc in (self.web, self.worker):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (self.web, self.worker):
            if proc is None:
                continue
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class Browser:
    """A signed-in session (password login; the bench accounts' roles need no second factor)."""

    def __init__(self, base: str, username: str) -> None:
        import requests

        self.base = base
        self.session = requests.Session()
        page = self.session.get(base + "/dang-nhap/")
        answer = self.session.post(base + "/dang-nhap/", data={
            "username": username, "password": PASSWORD,
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1)})
        if "/dang-nhap/" in answer.url:
            raise RuntimeError(f"{username} could not log in")

    def headers(self) -> dict[str, str]:
        cookies = "; ".join(f"{k}={v}" for k, v in self.session.cookies.items())
        return {"Cookie": cookies, "X-CSRFToken": self.session.cookies.get("csrftoken", ""),
                "Referer": self.base + "/"}


def send_and_kill(servers: Servers, method: str, path: str, body: bytes,
                  headers: dict[str, str]) -> tuple[str, str]:
    """Send the request and SIGKILL the worker holding its connection right after its last
    byte, before it answers. Returns (when the kill landed, what the client saw)."""
    conn = http.client.HTTPConnection("127.0.0.1", servers.port, timeout=120)
    conn.connect()
    client_port = conn.sock.getsockname()[1]
    seen: dict[str, str] = {}

    def client() -> None:
        try:
            response = conn.getresponse()
            seen["answer"] = f"HTTP {response.status}"
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            seen["answer"] = f"connection lost ({type(exc).__name__})"

    # All but the last byte first: the worker that accepted the connection waits for it, so it
    # can be found; the kill follows the last byte at once, while the request is processed.
    conn.putrequest(method, path, skip_accept_encoding=True)
    for key, value in {**headers, "Content-Length": str(len(body))}.items():
        conn.putheader(key, value)
    conn.endheaders()
    conn.send(body[:-1])
    pid = None
    for _ in range(400):
        pid = servers.worker_serving(client_port)
        if pid is not None:
            break
        time.sleep(0.005)
    started = time.perf_counter()
    conn.send(body[-1:])
    sent = time.perf_counter() - started
    reader = threading.Thread(target=client)
    reader.start()
    answered_first = "answer" in seen
    if pid is not None and not answered_first:
        os.kill(pid, signal.SIGKILL)
    reader.join(timeout=130)
    conn.close()
    if answered_first or pid is None:
        return f"not killed: answered first ({sent:.2f} s to send)", seen.get("answer", "?")
    return (f"web worker {pid}, right after the last byte of the request "
            f"({len(body) / 1e6:.1f} MB)", seen.get("answer", "?"))


# --- Database reads ---------------------------------------------------------------------------


def fresh_read(fn):
    """Run ``fn`` on a fresh connection: the servers write meanwhile."""
    from django.db import connections

    connections.close_all()
    try:
        return fn()
    finally:
        connections.close_all()


def audit_ok(env: dict) -> bool:
    done = subprocess.run([sys.executable, "manage.py", "audit_verify"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    return done.returncode == 0


def wait_until(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if fresh_read(predicate):
            return True
        time.sleep(0.5)
    return False


def task_status(path_suffix: str) -> str | None:
    """The status of the latest task of this function."""
    from django_tasks_db.models import DBTaskResult

    return (DBTaskResult.objects.filter(task_path__endswith=path_suffix)
            .order_by("-enqueued_at").values_list("status", flat=True).first())


def tasks_settled() -> bool:
    from django_tasks_db.models import DBTaskResult

    return not (DBTaskResult.objects.running().exists() or DBTaskResult.objects.ready().exists())


def job_state(job_id: str) -> tuple[str, str]:
    from ocop.jobs.models import Job

    job = Job.objects.get(pk=job_id)
    return job.status, job.message


def job_page_shows(browser: Browser | None, job_id: str, message: str) -> bool:
    """The failure is on the requester's job page, in Vietnamese."""
    if browser is None:
        return False
    page = browser.session.get(f"{browser.base}/tac-vu/{job_id}/")
    return page.status_code == 200 and message.split(".")[0] in page.text


def latest_job(kind: str, before: set[str]) -> str | None:
    from ocop.jobs.models import Job

    ids = {str(pk) for pk in Job.objects.filter(kind=kind).values_list("pk", flat=True)}
    new = sorted(ids - before)
    return new[-1] if new else None


def job_ids(kind: str) -> set[str]:
    from ocop.jobs.models import Job

    return {str(pk) for pk in Job.objects.filter(kind=kind).values_list("pk", flat=True)}


def finish_job(job_id: str, browser: Browser | None, timeout: float) -> tuple[str, bool]:
    """Wait for the job to end; (outcome words, ended done or failed visibly)."""
    from ocop.jobs.models import Job

    wait_until(lambda: Job.objects.get(pk=job_id).finished, timeout)
    status, message = fresh_read(lambda: job_state(job_id))
    if status == Job.Status.DONE:
        result = fresh_read(lambda: Job.objects.get(pk=job_id).outcome)
        if result.get("count") is not None:  # an import: what the check or the write found
            return (f"done: {result['count']} rows, {result['error_count']} with "
                    f"errors, {'written' if result['committed'] else 'not written'}", True)
        return "done", True
    if status == Job.Status.FAILED:
        visible = job_page_shows(browser, job_id, message)
        return f"failed: “{message[:60]}” ({'on' if visible else 'NOT on'} the job page)", visible
    return f"stuck “{status}” after {timeout:.0f} s", False


# --- Scenarios --------------------------------------------------------------------------------


def producer_count() -> int:
    from ocop.registry.models import Producer

    return Producer.objects.count()


def event_counts() -> tuple[int, int]:
    from ocop.trace.models import EpcisEvent, EventEpc

    return EpcisEvent.objects.count(), EventEpc.objects.count()


def expiry_counts() -> tuple[int, int, int]:
    """(certificates with the expiry recorded, audit entries of it, notifications of it)."""
    from ocop.audit.models import AuditEntry
    from ocop.certificates.models import Certificate
    from ocop.notifications.models import Notification

    return (Certificate.objects.filter(expiry_recorded_on__isnull=False).count(),
            AuditEntry.objects.filter(action="certificates.expire").count(),
            Notification.objects.filter(verb="certificate.expired").count())


def sheet_files(media: Path) -> int:
    return len(list((media / "jobs").rglob("*.pdf")))


class Bench:
    def __init__(self, args: argparse.Namespace, env: dict, plan: dict, servers: Servers,
                 media: Path) -> None:
        self.args, self.env, self.plan, self.servers, self.media = args, env, plan, servers, media
        self.imports = 0

    def attempts(self, path_suffix: str) -> str:
        """How many workers claimed the task that was killed (2: resumed by the next one)."""
        from django_tasks_db.models import DBTaskResult

        task = fresh_read(lambda: DBTaskResult.objects.filter(task_path__endswith=path_suffix)
                          .order_by("-enqueued_at").first())
        return f"attempt {len(task.worker_ids)}, {task.status.lower()}" if task else "no task"

    def kill_task_worker(self, path_suffix: str) -> str:
        if not wait_until(lambda: task_status(path_suffix) not in (None, "READY"), 120):
            return "not killed: the task never ran"
        time.sleep(self.args.kill_after)
        if fresh_read(lambda: task_status(path_suffix)) != "RUNNING":
            return "not killed: the task ended first"
        self.servers.kill_worker()
        return f"task worker {self.servers.worker.pid}, {self.args.kill_after:.1f} s into the task"

    def restart_worker(self) -> None:
        self.servers.start_worker()

    def outcome(self, scenario: str, killed: str, outcome: str, rows: str, partial: bool,
                finished: bool) -> Outcome:
        wait_until(tasks_settled, 60)
        return Outcome(scenario, killed, outcome, rows, partial, finished, audit_ok(self.env))

    # import ---------------------------------------------------------------------------------
    def import_task(self) -> Outcome:
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        from ocop.accounts.models import User
        from ocop.registry.jobs import start_registry_import

        rows = self.args.rows
        content = import_workbook(rows, self.plan["commune"], self.imports)
        self.imports += 1
        before = fresh_read(producer_count)
        path = default_storage.save("imports/faults.xlsx", ContentFile(content))
        job = start_registry_import(actor=User.objects.get(pk=self.plan["admin"]),
                                    entity="producer", upload=path, name="thu-loi.xlsx",
                                    commit=True)
        killed = self.kill_task_worker("run_job")
        at_kill = fresh_read(producer_count)
        self.restart_worker()
        outcome, finished = finish_job(str(job.pk), None, self.args.timeout)
        after = fresh_read(producer_count)
        done = fresh_read(lambda: job_state(str(job.pk)))[0] == "done"
        partial = at_kill not in (before, before + rows) or after != before + (rows if done
                                                                                 else 0)
        return self.outcome("import:task", killed, f"{outcome} ({self.attempts('run_job')})",
                            f"producers {before} → {at_kill} at kill → {after}", partial,
                            finished)

    def import_web(self) -> Outcome:
        from ocop.jobs.models import Job

        rows = self.args.rows
        content = import_workbook(rows, self.plan["commune"], self.imports)
        self.imports += 1
        browser = Browser(self.servers.base, "bench-xa")
        page = browser.session.get(self.servers.base + "/chu-the/nhap-excel/")
        boundary = "----faultsbench"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\""
                f"\r\n\r\n{CSRF.search(page.text).group(1)}\r\n--{boundary}\r\n"
                "Content-Disposition: form-data; name=\"file\"; filename=\"thu-loi.xlsx\"\r\n"
                "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                "\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        headers = {**browser.headers(),
                   "Content-Type": f"multipart/form-data; boundary={boundary}"}
        jobs_before = fresh_read(lambda: job_ids(Job.Kind.REGISTRY_IMPORT))
        producers_before = fresh_read(producer_count)
        killed, answer = send_and_kill(self.servers, "POST", "/chu-the/nhap-excel/", body, headers)
        benchdb.wait_for(self.servers.base + "/healthz")
        new = fresh_read(lambda: job_ids(Job.Kind.REGISTRY_IMPORT)) - jobs_before
        partial = not self.job_whole(new)
        # The user sends the file again on the fresh worker; the check job must end.
        retry = browser.session.post(self.servers.base + "/chu-the/nhap-excel/", data={
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1)},
            files={"file": ("thu-loi.xlsx", content)})
        job_id = retry.url.rstrip("/").rsplit("/", 1)[-1] if "/tac-vu/" in retry.url else None
        outcome, finished = (finish_job(job_id, browser, self.args.timeout) if job_id
                             else (f"retry refused: HTTP {retry.status_code}", False))
        after = fresh_read(producer_count)
        return self.outcome("import:web", killed, f"client: {answer}; retried: {outcome}",
                            f"import jobs +{len(new)} at kill; producers {producers_before} → "
                            f"{after} (a check writes none)", partial or after != producers_before,
                            finished)

    def job_whole(self, job_ids_: set[str]) -> bool:
        """Each job row the killed request left has its audit entry: the transaction of the
        request committed whole or not at all."""
        from ocop.audit.models import AuditEntry

        def whole() -> bool:
            return all(AuditEntry.objects.filter(object_id=j, action__startswith="jobs.").exists()
                       for j in job_ids_)
        return fresh_read(whole)

    # capture --------------------------------------------------------------------------------
    def capture_task(self) -> Outcome:
        from ocop.accounts.models import User
        from ocop.trace.capture import start_capture

        n = self.args.events
        before = fresh_read(event_counts)
        result = start_capture(document=json.loads(capture_document(n, "T")),
                               actor=User.objects.get(pk=self.plan["producer"]))
        killed = self.kill_task_worker("process_capture")
        at_kill = fresh_read(event_counts)
        self.restart_worker()
        return self.capture_end("capture:task", str(result.job.pk), killed, "", before, at_kill,
                                task="process_capture")

    def capture_end(self, scenario: str, job_id: str, killed: str, answer: str,
                    before: tuple[int, int], at_kill: tuple[int, int],
                    task: str | None = None) -> Outcome:
        from ocop.trace.models import CaptureJob

        n = self.args.events
        wait_until(lambda: CaptureJob.objects.get(pk=job_id).status != "pending",
                   self.args.timeout)
        job = fresh_read(lambda: CaptureJob.objects.get(pk=job_id))
        after = fresh_read(event_counts)
        stored = after[0] - before[0]
        partial = (at_kill[0] - before[0] not in (0, n)) or stored not in (0, n) or (
            job.status == "succeeded") != (stored == n)
        if job.status == "succeeded":
            outcome = "succeeded"
        elif job.status == "failed":
            outcome = f"failed: “{job.errors[0]['message'][:60]}” (GET /epcis/capture/{{id}})"
        else:
            outcome = f"stuck “{job.status}”"
        if task:
            outcome += f" ({self.attempts(task)})"
        return self.outcome(scenario, killed, (answer + "; " if answer else "") + outcome,
                            f"events {before[0]} → {at_kill[0]} at kill → {after[0]}",
                            partial, job.status in ("succeeded", "failed"))

    def capture_web(self) -> Outcome:
        from ocop.trace.models import CaptureJob

        body = capture_document(self.args.events, "W")
        headers = {"Authorization": f"Bearer {self.plan['token']}",
                   "Content-Type": "application/json"}
        before = fresh_read(event_counts)
        jobs_before = fresh_read(lambda: CaptureJob.objects.count())
        killed, answer = send_and_kill(self.servers, "POST", "/api/v1/epcis/capture", body,
                                       headers)
        benchdb.wait_for(self.servers.base + "/healthz")
        at_kill = fresh_read(event_counts)
        left = fresh_read(lambda: CaptureJob.objects.count()) - jobs_before
        import requests

        retry = requests.post(self.servers.base + "/api/v1/epcis/capture", data=body,
                              headers=headers, timeout=300)
        if retry.status_code not in (201, 202):
            return self.outcome("capture:web", killed, f"retry refused: HTTP {retry.status_code}",
                                "", True, False)
        out = self.capture_end("capture:web", retry.json()["captureID"], killed,
                               f"client: {answer}; jobs left by the killed request: {left}; "
                               "retried", before, at_kill)
        # The killed request's own job, if it committed, must also end whole.
        return out

    # certificates -----------------------------------------------------------------------------
    def certificates_task(self) -> Outcome:
        from ocop.certificates.tasks import certificates_daily

        n = self.args.certificates
        before = fresh_read(expiry_counts)
        certificates_daily.enqueue()
        killed = self.kill_task_worker("certificates_daily")
        at_kill = fresh_read(expiry_counts)
        self.restart_worker()
        wait_until(lambda: expiry_counts()[0] == n, self.args.timeout)
        after = fresh_read(expiry_counts)
        # Each certificate's expiry, audit entry and notification are one transaction.
        partial = len(set(at_kill)) != 1 or len(set(after)) != 1
        finished = after[0] == n
        return self.outcome("certificates:task", killed,
                            ("all expired" if finished else f"{after[0]} of {n} expired")
                            + f" ({self.attempts('certificates_daily')})",
                            f"expired {before[0]} → {at_kill[0]} at kill → {after[0]} "
                            f"(audit {after[1]}, notices {after[2]})", partial, finished)

    # stamps ---------------------------------------------------------------------------------
    def stamps_task(self) -> Outcome:
        from ocop.accounts.models import User
        from ocop.trace.jobs import start_stamp_sheet
        from ocop.trace.models import StampBatch

        files = sheet_files(self.media)
        job = start_stamp_sheet(actor=User.objects.get(pk=self.plan["producer"]),
                                batch=StampBatch.objects.get(pk=self.plan["batch"]),
                                first=self.plan["first"], last=self.plan["last"])
        killed = self.kill_task_worker("run_job")
        at_kill = sheet_files(self.media)
        self.restart_worker()
        browser = Browser(self.servers.base, "bench-producer")
        outcome, finished = finish_job(str(job.pk), browser, self.args.timeout)
        after = sheet_files(self.media)
        done = fresh_read(lambda: job_state(str(job.pk)))[0] == "done"
        return self.outcome("stamps:task", killed, f"{outcome} ({self.attempts('run_job')})",
                            f"sheet files {files} → {at_kill} at kill → {after}",
                            at_kill != files or after != files + int(done), finished)

    def stamps_web(self) -> Outcome:
        from ocop.jobs.models import Job

        browser = Browser(self.servers.base, "bench-producer")
        url = f"/truy-xuat/tem/{self.plan['batch']}/pdf"
        page = browser.session.get(f"{self.servers.base}/truy-xuat/tem/{self.plan['batch']}/")
        form = {"csrfmiddlewaretoken": CSRF.search(page.text).group(1),
                "first": str(self.plan["first"]), "last": str(self.plan["last"])}
        body = "&".join(f"{k}={v}" for k, v in form.items()).encode()
        headers = {**browser.headers(), "Content-Type": "application/x-www-form-urlencoded"}
        jobs_before = fresh_read(lambda: job_ids(Job.Kind.STAMP_SHEET))
        killed, answer = send_and_kill(self.servers, "POST", url, body, headers)
        benchdb.wait_for(self.servers.base + "/healthz")
        new = fresh_read(lambda: job_ids(Job.Kind.STAMP_SHEET)) - jobs_before
        partial = not self.job_whole(new)
        retry = browser.session.post(self.servers.base + url, data=form)
        job_id = retry.url.rstrip("/").rsplit("/", 1)[-1] if "/tac-vu/" in retry.url else None
        outcome, finished = (finish_job(job_id, browser, self.args.timeout) if job_id
                             else (f"retry refused: HTTP {retry.status_code}", False))
        for left in new:  # a job the killed request did commit must end too
            finish_job(left, browser, self.args.timeout)
        return self.outcome("stamps:web", killed, f"client: {answer}; retried: {outcome}",
                            f"stamp-sheet jobs +{len(new)} by the killed request", partial,
                            finished)


def print_table(outcomes: list[Outcome], out=sys.stdout) -> None:
    head = ("scenario", "killed at", "outcome", "rows before/after", "partial", "audit ok")
    rows = [(o.scenario, o.killed_at, o.outcome, o.rows, "YES" if o.partial else "none",
             "yes" if o.audit_ok else "NO") for o in outcomes]
    for cells in [head, *rows]:
        out.write(" | ".join(cells) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="postgres://…/<throw-away db> (created, dropped)")
    parser.add_argument("--only", help=f"comma-separated scenarios among {', '.join(SCENARIOS)}")
    parser.add_argument("--rows", type=int, default=2_000, help="producers in the import")
    parser.add_argument("--events", type=int, default=10_000, help="events in the capture")
    parser.add_argument("--certificates", type=int, default=200, help="certificates expiring")
    parser.add_argument("--stamps", type=int, default=2_000, help="stamps on the sheet")
    parser.add_argument("--kill-after", type=float, default=1.0,
                        help="seconds between the task's start and the kill")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a work may take")
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(SCENARIOS)
    if unknown := set(chosen) - set(SCENARIOS):
        raise SystemExit(f"--only: unknown scenarios {sorted(unknown)}")

    work = Path(tempfile.mkdtemp(prefix="faults-", dir=ROOT / "var"))
    media = work / "media"
    with benchdb.throwaway_database(args.database_url, sqlite_name="faults.sqlite3") as url:
        env = server_env(url, media)
        # Short heartbeat and lease, so that a dead worker's task is requeued within seconds.
        env.update({"WORKER_HEARTBEAT_SECONDS": "0.5", "WORKER_LEASE_SECONDS": "4"})
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "ocop.settings"
        import django

        django.setup()
        started = time.perf_counter()
        plan = seed(args)
        _log(f"seeded in {time.perf_counter() - started:.0f} s")
        servers = Servers(env, work, web_workers=2)
        servers.start()
        bench = Bench(args, env, plan, servers, media)
        outcomes: list[Outcome] = []
        try:
            for scenario in chosen:
                _log(f"scenario {scenario}")
                outcome = getattr(bench, scenario.replace(":", "_"))()
                _log(f"  {outcome}")
                outcomes.append(outcome)
        finally:
            servers.stop()
        from django.db import connection

        print(f"\ndatabase: {connection.vendor}; gunicorn 2 sync workers + 1 manage.py worker; "
              f"lease 4 s; load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
              f"logs in {work}\n")
        print_table(outcomes)
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
