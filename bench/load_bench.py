"""Mixed load, 10 minutes by default, against the production-like server: gunicorn with several
workers (DEBUG off) and a running ``manage.py worker``, on the demo data.

    .venv/bin/python bench/load_bench.py                                     # SQLite, 10 minutes
    .venv/bin/python bench/load_bench.py --database-url postgres://postgres@127.0.0.1:5432/ocop_load_bench
    .venv/bin/python bench/load_bench.py --duration 30 \
        --mix consumer=4,producer=1,council=1,capture=1,office=1

Steps, on a fresh database (a SQLite file in var/bench/, or the PostgreSQL database named in the
URL, created first and dropped at the end):
1. ``migrate`` and ``manage.py demo`` (the deterministic demo: certificates, a stamped lot,
   dossiers, councils); then the round of the demo's accepted dossiers is reopened and a council
   of the three demo council members is given those dossiers, so that they have open score
   sheets; the demo producer gets an API token;
2. gunicorn on 127.0.0.1 (a free port, ``--web-workers`` sync workers, DEBUG off, collected
   static files) and ``manage.py worker`` beside it;
3. locust, headless, with these users (``--mix``, counts per kind; bench/load_locustfile.py):
   consumers scanning the printed stamps and opening certificate verify pages (anonymous);
   producers (demo-chuthe, demo-chuthe2; password login) autosaving their draft dossier;
   council members (demo-hoidong1..3; password + TOTP: the demo gives every staff account a
   device, whose key is derived from the user name) opening and saving score sheets; an EPCIS
   client capturing small documents through the API with a bearer token, now and then one
   above the synchronous limit (queued for the worker, polled to the end); a province office
   (demo-tinh, password + TOTP from the demo's derived key) reading the dossier list and the
   dashboard;
4. prints requests, every error with its status and endpoint, p50/p99 and request rate per
   endpoint, the total throughput, the machine's load average before and after, and whether
   locust warned that its own CPU was saturated (then the figures are a floor, not a ceiling).

The public rate limit is raised for the run (one load generator on one address would otherwise
measure the limiter). Other environment variables pass through to the servers unchanged (e.g.
DATABASE_REPLICA_URL, TASKS_REDIS_URL, STORAGE_BACKEND, CACHE_URL), so the same run can target
another topology. Exit status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402

PASSWORD = "ocop-demo-2026"  # every demo account's password (README)
DEFAULT_MIX = "consumer=24,producer=6,council=6,capture=3,office=1"
GTIN = "8930000000996"


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def server_env(database_url: str, media_root: Path) -> dict[str, str]:
    """The servers' environment: production settings on loopback, everything else inherited."""
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({
        "DATABASE_URL": database_url, "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "OCOP_LOCAL_DEMO": "true",
        "LOG_LEVEL": env.get("LOG_LEVEL", "WARNING"), "MEDIA_ROOT": str(media_root),
        **benchdb.NO_RATE_LIMITS,
    })
    return env


def seed() -> dict:
    """The demo, a council with open score sheets, an API token: the plan the users follow."""
    from django.core.management import call_command

    from ocop.accounts.models import User
    from ocop.accounts.services import issue_api_token
    from ocop.certificates.models import Certificate
    from ocop.demo.world import demo_totp_key
    from ocop.dossiers.models import Dossier, Round
    from ocop.dossiers.models import DossierState as S
    from ocop.dossiers.services import save_round
    from ocop.evaluation import services as evaluation
    from ocop.evaluation.models import MemberRole
    from ocop.trace import stamps
    from ocop.trace.models import StampBatch

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo", stdout=io.StringIO())
    _log(f"migrate + demo in {time.perf_counter() - started:.0f} s")

    admin = User.objects.get(username="demo-admin")
    members = [User.objects.get(username=f"demo-hoidong{i}") for i in (1, 2, 3)]
    accepted = list(Dossier.objects.filter(state=S.ACCEPTED).select_related("round"))
    scoring: dict[str, list[int]] = {u.username: [] for u in members}
    for round_id in sorted({d.round_id for d in accepted}):
        batch = [d for d in accepted if d.round_id == round_id]
        round_ = batch[0].round
        if round_.status != Round.Status.OPEN:  # the demo's rounds of past dates are closed
            save_round(actor=admin, programme_year=round_.programme_year,
                       data={"status": Round.Status.OPEN}, round_=round_)
        council = evaluation.create_council(actor=admin, round=round_,
                                            name=f"Hội đồng thử tải {round_id}")
        for i, user in enumerate(members):
            evaluation.add_member(actor=admin, council=council, user=user,
                                  role=MemberRole.CHAIR if i == 0 else MemberRole.MEMBER)
        evaluation.assign_dossiers(actor=admin, council=council, dossiers_to_assign=batch)
        for user in members:
            scoring[user.username] += [d.pk for d in batch]

    producers = []
    for name in ("demo-chuthe", "demo-chuthe2"):
        user = User.objects.get(username=name)
        draft = Dossier.objects.filter(product__producer=user.producer_id,
                                       state=S.DRAFT).order_by("pk").first()
        if draft is not None:
            producers.append({"username": name, "dossier": draft.pk})
    capturer = User.objects.get(username="demo-chuthe")
    _, token = issue_api_token(user=capturer, name="thử tải", second_factor_passed=False)

    scan_paths = []
    for batch in StampBatch.objects.select_related("product", "lot"):
        for serial in range(batch.first_serial, batch.last_serial + 1):
            uri = stamps.stamp_uri(batch.product.gtin or None, batch.product_id, batch.lot.code,
                                   serial)
            scan_paths.append("/" + uri.split("://", 1)[1].split("/", 1)[1])
    verify_paths = [f"/verify/{n}" for n in
                    Certificate.objects.order_by("pk").values_list("number", flat=True)[:300]]
    return {
        "password": PASSWORD,
        "scan_paths": scan_paths, "verify_paths": verify_paths,
        "producers": producers,
        "dossier_fields": [("product_description", "Mô tả cập nhật"),
                           ("main_market", "Hà Nội, Bắc Ninh"), ("notes", "Ghi chú thử tải"),
                           ("packaging", "Hộp 500 g")],
        "council": [{"username": u, "dossiers": ids, "totp_key": demo_totp_key(u)}
                    for u, ids in scoring.items() if ids],
        "office": [{"username": "demo-tinh", "totp_key": demo_totp_key("demo-tinh")}],
        "api_token": token, "gtin": GTIN,
        "capture_events": 20, "capture_big_share": 0.03, "capture_big_events": 2_500,
    }


def collect_static(env: dict) -> None:
    """DEBUG off serves the collected, hashed static files. Collecting takes minutes on a busy
    2-core machine, so it is skipped while the manifest is newer than every static source."""
    manifest = ROOT / "var" / "static" / "staticfiles.json"
    sources = (p for p in (ROOT / "ocop").glob("*/static/**/*") if p.is_file())
    if manifest.exists() and all(p.stat().st_mtime < manifest.stat().st_mtime for p in sources):
        return
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)


def start_servers(env: dict, workers: int, log_dir: Path) -> tuple[str, list[subprocess.Popen]]:
    collect_static(env)
    port = benchdb.free_port()
    web = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "ocop.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=open(log_dir / "gunicorn.log", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.5"], cwd=ROOT, env=env,
        stdout=open(log_dir / "worker.log", "wb"), stderr=subprocess.STDOUT)  # noqa: SIM115
    base = f"http://127.0.0.1:{port}"
    benchdb.wait_for(base + "/healthz")
    return base, [web, worker]


def stop(processes: list[subprocess.Popen]) -> None:
    for proc in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in processes:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_locust(base: str, plan_file: Path, mix: dict[str, int], duration: int,
               out_dir: Path, spawn_rate: int | None = None) -> tuple[list[dict], list[dict], str]:
    """Run locust headless; its per-endpoint statistics, its failures and its output."""
    users = sum(mix.values())
    env = {**os.environ, "LOAD_BENCH_PLAN": str(plan_file),
           "LOAD_BENCH_MIX": ",".join(f"{k}={v}" for k, v in mix.items())}
    command = [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(ROOT / "bench" /
               "load_locustfile.py"), "--headless", "-u", str(users),
               "-r", str(spawn_rate or max(1, users // 5)), "-t", f"{duration}s", "--host", base,
               "--csv", str(out_dir / "locust"), "--only-summary", "--stop-timeout", "30",
               "--loglevel", "WARNING"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=duration + 300)
    with open(out_dir / "locust_stats.csv", encoding="utf-8") as fh:
        stats = list(csv.DictReader(fh))
    with open(out_dir / "locust_failures.csv", encoding="utf-8") as fh:
        failures = list(csv.DictReader(fh))
    # An exception inside a user's code (not an HTTP answer) is an error of the run too.
    with open(out_dir / "locust_exceptions.csv", encoding="utf-8") as fh:
        failures += [{"Method": "EXCEPTION", "Name": e["Traceback"].strip().splitlines()[-1][:120],
                      "Error": e["Message"], "Occurrences": e["Count"]}
                     for e in csv.DictReader(fh)]
    return stats, failures, done.stdout + done.stderr


def report(stats: list[dict], failures: list[dict], log: str, duration: int, before: str,
           after: str, extra: list[tuple[str, str]], out=sys.stdout) -> int:
    total = next(r for r in stats if r["Name"] == "Aggregated")
    rows = sorted((r for r in stats if r["Name"] != "Aggregated"),
                  key=lambda r: -int(r["Request Count"]))
    width = max([len(f"{r['Type']} {r['Name']}") for r in rows] + [8])
    out.write(f"\n{'endpoint'.ljust(width)}  {'requests':>8}  {'errors':>6}  {'req/s':>7}  "
              f"{'p50 ms':>7}  {'p99 ms':>7}\n")
    for r in rows:
        out.write(f"{(r['Type'] + ' ' + r['Name']).ljust(width)}  {int(r['Request Count']):>8,}  "
                  f"{int(r['Failure Count']):>6}  {float(r['Requests/s']):>7.1f}  "
                  f"{r['50%']:>7}  {r['99%']:>7}\n")
    errors = int(total["Failure Count"]) + sum(
        int(f["Occurrences"]) for f in failures if f["Method"] == "EXCEPTION")
    saturated = "CPU usage" in log and "above" in log
    benchdb.print_measures([
        ("requests", f"{int(total['Request Count']):,} in {duration} s"),
        ("throughput", f"{float(total['Requests/s']):.1f} req/s"),
        ("all requests p50 / p99", f"{total['50%']} / {total['99%']} ms"),
        ("errors", f"{errors}"),
        ("load average before (1/5/15 min)", before),
        ("load average after (1/5/15 min)", after),
        ("load generator saturated", "YES: locust warned its CPU was above 90 %; figures are a "
                                     "floor" if saturated else "no (no CPU warning from locust)"),
        *extra,
    ], value_width=40, out=out)
    if failures:
        out.write("\nEvery error (status or reason, endpoint, occurrences):\n")
        for f in failures:
            out.write(f"  {f['Occurrences']:>5} × {f['Method']} {f['Name']}: {f['Error']}\n")
    return errors


def outcome_rows() -> list[tuple[str, str]]:
    """What the load wrote, read back once it stopped: a sanity check of the writes."""
    from django.db.models import Count

    from ocop.evaluation.models import ScoreSheet
    from ocop.trace.models import CaptureJob, EpcisEvent, Scan

    jobs = dict(CaptureJob.objects.values_list("status").annotate(n=Count("pk")))
    return [
        ("scans logged", f"{Scan.objects.count():,}"),
        ("EPCIS events stored", f"{EpcisEvent.objects.count():,}"),
        ("capture jobs by status", ", ".join(f"{k} {v}" for k, v in sorted(jobs.items()))),
        ("score sheets (drafts saved)", f"{ScoreSheet.objects.count():,}"),
    ]


def parse_mix(text: str) -> dict[str, int]:
    mix = {k: int(v) for k, v in (p.split("=") for p in text.split(",") if p)}
    unknown = set(mix) - {"consumer", "producer", "council", "capture", "office"}
    if unknown:
        raise SystemExit(f"--mix: unknown kinds {sorted(unknown)}")
    return mix


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="postgres://…/<throw-away db> (created, dropped)")
    parser.add_argument("--duration", type=int, default=600, help="seconds of load (600)")
    parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_WORKERS", 3)))
    parser.add_argument("--mix", default=DEFAULT_MIX, help=f"users per kind ({DEFAULT_MIX})")
    args = parser.parse_args(argv)
    mix = parse_mix(args.mix)

    work = Path(tempfile.mkdtemp(prefix="load-", dir=ROOT / "var"))
    with benchdb.throwaway_database(args.database_url, sqlite_name="load.sqlite3") as url:
        env = server_env(url, work / "media")
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "ocop.settings"
        import django

        django.setup()
        plan = seed()
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        from django.db import connections

        connections.close_all()  # the servers write now; keep no connection of ours open
        base, servers = start_servers(env, args.web_workers, work)
        try:
            before = ", ".join(f"{x:.2f}" for x in os.getloadavg())
            _log(f"load: {sum(mix.values())} users ({args.mix}) for {args.duration} s on {base}, "
                 f"{args.web_workers} gunicorn workers + 1 task worker")
            stats, failures, log = run_locust(base, plan_file, mix, args.duration, work)
            after = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        finally:
            stop(servers)
        from django.db import connection

        extra = [("database", connection.vendor),
                 ("servers", f"gunicorn {args.web_workers} sync workers, DEBUG off; "
                             "1 manage.py worker"),
                 ("users", args.mix), ("machine", f"{os.cpu_count()} CPUs"),
                 *outcome_rows(), ("locust files and server logs", str(work))]
        errors = report(stats, failures, log, args.duration, before, after, extra)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
