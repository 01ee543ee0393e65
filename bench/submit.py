"""Benchmark of the kiosk submission endpoint (POST /kios/api/responses) on PostgreSQL.

1. Creates a fresh PostgreSQL database (postgres@127.0.0.1:5432, trust auth), migrates it,
   and creates a unit, an open period covering today and an activated kiosk token.
2. Starts the app under gunicorn (production settings, Redis cache on db 15; 2 x cores
   sync workers by default, the class that measured best here) and drives
   ``--clients`` concurrent connections POSTing kiosk submissions (nine answers, a profile,
   a unique client id per request) for ``--duration`` seconds with wrk (Debian's package;
   installed with apt-get when missing and running as root).
3. Checks that the database holds exactly the accepted responses: every client id that
   got a 201 is stored once, with nine answers (lost = accepted - stored; duplicates).
4. Measures PostgreSQL alone doing the same inserts with pgbench (one response row and
   nine answer rows in a transaction, same concurrency, same duration).
5. Prints one JSON line {accepted_per_s, p50_ms, p99_ms, errors, lost, db_only_per_s,
   ratio} and merges the details into bench/results.json under "submit".

    .venv/bin/python bench/submit.py                  # 64 clients, 30 s
    .venv/bin/python bench/submit.py --quick          # 5 s
    .venv/bin/python bench/submit.py --worker-class gthread --threads 4

Exit status 1 when a target is missed (>= 1,000 accepted/s, p99 < 150 ms, no errors,
nothing lost).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# `make bench-quick` points this elsewhere so that a spot check does not replace the
# figures of the full run.
RESULTS = Path(os.environ.get("SKM_BENCH_RESULTS") or BENCH_DIR / "results.json")
VENV_BIN = Path(sys.executable).parent
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
REDIS_URL = "redis://127.0.0.1:6379/15"

TARGET_PER_S = 1000
TARGET_P99_MS = 150

# wrk: one unique client id per request (thread number, a per-run random prefix and a
# per-thread counter, formatted as a UUID); the server's reply carries the id at a fixed
# place, so each confirmed id is kept and written out at the end for the loss check.
WRK_SCRIPT = r"""
local threads = {}
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("no", thread_no)
  thread:set("run", RUN)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  accepted = 0
  replies = {}
  ids = {}
  path = PATH
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. TOKEN}
end

function request()
  counter = counter + 1
  local id = string.format("%08x-%04x-4%03x-8%03x-%012x", run, no, 0, 0, counter)
  local body = '{"client_id":"' .. id .. '","given_at":null,"service":null,'
    .. '"answers":{"U1":4,"U2":3,"U3":3,"U4":4,"U5":3,"U6":4,"U7":4,"U8":3,"U9":2},'
    .. '"profile":{"gender":"P","age":37,"education":"SMA","occupation":"SWASTA"},'
    .. '"suggestion":"Antrean cukup cepat.","queue_length":0}'
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status == 201 then
    accepted = accepted + 1
    ids[accepted] = string.sub(body, 9, 44)
  end
  replies[status] = (replies[status] or 0) + 1
end

function done(summary, latency, requests)
  local out = io.open(OUT, "w")
  local accepted_total = 0
  local statuses = {}
  for _, thread in ipairs(threads) do
    accepted_total = accepted_total + thread:get("accepted")
    for status, n in pairs(thread:get("replies")) do
      statuses[status] = (statuses[status] or 0) + n
    end
    for _, id in ipairs(thread:get("ids")) do
      out:write(id, "\n")
    end
  end
  out:close()
  local parts = {}
  for status, n in pairs(statuses) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "accepted": %d, "connect": %d, '
      .. '"read": %d, "write": %d, "status": %d, "timeout": %d, "p50_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, accepted_total, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(99), latency.max,
    table.concat(parts, ", ")))
end
"""

SETUP_CODE = """
import datetime as dt
from django.utils import timezone
from skm.org.services import agency_create, unit_create, service_create
from skm.surveys.kiosks import kiosk_create, kiosk_activate
from skm.surveys.models import Period
from skm.surveys.services import period_create
agency = agency_create(name="Pemerintah Kota Bench", city="Kota Bench")
unit = unit_create(agency=agency, name="Dinas Bench")
service_create(unit=unit, name="KTP-el")
today = timezone.localdate()
period_create(unit=unit, name="Bench", kind=Period.Kind.OTHER,
              start_date=today - dt.timedelta(days=30), end_date=today + dt.timedelta(days=30),
              status=Period.Status.OPEN)
kiosk, code = kiosk_create(unit=unit, name="Bench")
kiosk, token = kiosk_activate(code=code)
print("TOKEN", token)
"""

KIOSK_MIDDLEWARE_SETTINGS = """
from skm.config.settings import *  # noqa: F403

_FAST = "skm.public.kiosk.KioskApiMiddleware"
MIDDLEWARE = [_FAST, *(m for m in MIDDLEWARE if m != _FAST)]  # noqa: F405
"""

PGBENCH_SCRIPT = """
BEGIN;
INSERT INTO surveys_response (agency_id, period_id, unit_id, service_id, channel, submitted_at,
  gender, age, education, occupation, occupation_other, suggestion, kiosk_id, client_id,
  created_at)
  VALUES (:agency, :period, :unit, NULL, 'kiosk', now(), 'P', 37, 'SMA', 'SWASTA', '',
  'Antrean cukup cepat.', :kiosk, gen_random_uuid(), now()) RETURNING id \\gset
INSERT INTO surveys_answer (response_id, agency_id, element_id, value) VALUES
  (:id, :agency, :e1, 4), (:id, :agency, :e2, 3), (:id, :agency, :e3, 3),
  (:id, :agency, :e4, 4), (:id, :agency, :e5, 3), (:id, :agency, :e6, 4),
  (:id, :agency, :e7, 4), (:id, :agency, :e8, 3), (:id, :agency, :e9, 2);
END;
"""


def _psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        [
            "psql",
            "-h",
            PG["host"],
            "-p",
            PG["port"],
            "-U",
            PG["user"],
            "-d",
            database,
            "-Atqc",
            sql,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        print("installing wrk (apt-get install -y wrk)", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
        return shutil.which("wrk") or "wrk"
    raise SystemExit("wrk is missing: run `sudo apt-get install -y wrk` and try again")


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not become healthy")


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _backends(database: str) -> list[int]:
    """PostgreSQL server processes serving ``database`` (their titles name it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {database} " in title:
                found.append(int(entry.name))
    return found


def _merge_results(entry: dict) -> None:
    data = {}
    if RESULTS.exists():
        try:
            data = json.loads(RESULTS.read_text(encoding="utf-8"))
        except ValueError:
            data = {}
    data["submit"] = entry
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    cores = os.cpu_count() or 2
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of load (30)")
    parser.add_argument("--clients", type=int, default=64, help="concurrent connections (64)")
    parser.add_argument("--quick", action="store_true", help="5 seconds")
    parser.add_argument("--workers", type=int, default=2 * cores, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--kiosk-middleware",
        action="store_true",
        help="serve with skm.public.kiosk.KioskApiMiddleware first in MIDDLEWARE "
        "(added for this run when the settings do not have it)",
    )
    args = parser.parse_args(argv)
    duration = 5 if args.quick else args.duration

    wrk = _ensure_wrk()
    db = f"skm_bench_submit_{os.getpid()}"
    database_url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{db}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SKM_CACHE_URL": REDIS_URL,
        "SKM_ENV": "production",
        "SKM_SECRET_KEY": "bench-" + "k" * 40,
        "SKM_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SKM_DATA_DIR": tempfile.mkdtemp(prefix="skm-bench-submit-"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    skm = str(VENV_BIN / "skm")
    _psql(f'CREATE DATABASE "{db}"')
    gunicorn = None
    work = Path(tempfile.mkdtemp(prefix="skm-bench-wrk-"))
    try:
        subprocess.run([skm, "migrate", "-v0", "--noinput"], env=env, check=True)
        out = subprocess.run(
            [skm, "shell", "--no-imports", "-c", SETUP_CODE],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        token = next(line.split()[1] for line in out.splitlines() if line.startswith("TOKEN "))

        port = _free_port()
        command = [
            str(VENV_BIN / "gunicorn"),
            "skm.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ]
        if args.worker_class == "gthread":
            command += ["--threads", str(args.threads)]
        server_env = dict(env)
        if args.kiosk_middleware:
            (work / "bench_submit_settings.py").write_text(KIOSK_MIDDLEWARE_SETTINGS)
            server_env["DJANGO_SETTINGS_MODULE"] = "bench_submit_settings"
            server_env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(work), str(ROOT), env.get("PYTHONPATH", "")) if p
            )
        gunicorn = subprocess.Popen(command, env=server_env, cwd=ROOT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base + "/healthz", gunicorn)

        ids_file = work / "accepted.txt"
        script = work / "submit.lua"
        script.write_text(
            f'RUN = {int(time.time()) & 0xFFFFFFFF}\nPATH = "/kios/api/responses"\n'
            f'TOKEN = "{token}"\nOUT = "{ids_file}"\n' + WRK_SCRIPT,
            encoding="utf-8",
        )
        print(
            f"wrk: {args.clients} clients, {duration} s, gunicorn {args.workers} x "
            f"{args.worker_class}"
            + (f" ({args.threads} threads)" if args.worker_class == "gthread" else ""),
            flush=True,
        )
        workers = _children(gunicorn.pid)
        app_cpu = _cpu_seconds(workers)
        run = subprocess.Popen(
            [
                wrk,
                "-t",
                str(args.wrk_threads),
                "-c",
                str(args.clients),
                "-d",
                f"{duration}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base + "/kios/api/responses",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        # The database backends exist once the workers have connected.
        time.sleep(min(2.0, duration / 3))
        backends = _backends(db)
        db_cpu = _cpu_seconds(backends)
        stdout, _err = run.communicate()
        app_cpu = _cpu_seconds(workers) - app_cpu
        db_cpu = _cpu_seconds(backends) - db_cpu
        line = next(x for x in stdout.splitlines() if x.startswith("WRK_JSON "))
        wrk_result = json.loads(line[len("WRK_JSON ") :])
        # Let requests still in flight when wrk stopped finish before counting.
        time.sleep(1.0)
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
        gunicorn = None

        accepted_ids = ids_file.read_text().split()
        accepted = wrk_result["accepted"]
        ids_table = work / "ids.csv"
        ids_table.write_text("\n".join(accepted_ids) + "\n")
        _psql("CREATE TABLE bench_accepted (client_id uuid)", db)
        subprocess.run(
            [
                "psql",
                "-h",
                PG["host"],
                "-U",
                PG["user"],
                "-d",
                db,
                "-qc",
                f"\\copy bench_accepted FROM '{ids_table}'",
            ],
            check=True,
        )
        stored_accepted = int(
            _psql(
                "SELECT count(*) FROM bench_accepted a JOIN surveys_response r"
                " ON r.client_id = a.client_id",
                db,
            )
        )
        stored_total = int(_psql("SELECT count(*) FROM surveys_response", db))
        duplicate_ids = int(
            _psql("SELECT count(*) - count(DISTINCT client_id) FROM bench_accepted", db)
        )
        wrong_answers = int(
            _psql(
                "SELECT count(*) FROM (SELECT r.id FROM surveys_response r"
                " LEFT JOIN surveys_answer a ON a.response_id = r.id"
                " GROUP BY r.id HAVING count(a.id) <> 9) x",
                db,
            )
        )
        lost = accepted - stored_accepted
        # The answer-pattern counts the results read must equal the raw answers.
        counts_verified = (
            subprocess.run(
                [skm, "verify"], env=env, check=False, capture_output=True, text=True
            ).returncode
            == 0
        )
        errors = (
            wrk_result["connect"]
            + wrk_result["read"]
            + wrk_result["write"]
            + wrk_result["status"]
            + wrk_result["timeout"]
        )

        # PostgreSQL alone: the same rows, same concurrency, same duration.
        period_id, unit_id, kiosk_id, agency_id = _psql(
            "SELECT p.id, p.unit_id, k.id, u.agency_id FROM surveys_period p"
            " JOIN org_unit u ON u.id = p.unit_id, surveys_kiosk k LIMIT 1",
            db,
        ).split("|")
        elements = _psql(
            "SELECT string_agg(e.id::text, ',' ORDER BY e.position) FROM"
            " surveys_questionnaireelement e JOIN surveys_period p"
            " ON p.questionnaire_id = e.questionnaire_id",
            db,
        ).split(",")
        pg_script = work / "insert.sql"
        pg_script.write_text(PGBENCH_SCRIPT)
        defines = ["-D", f"period={period_id}", "-D", f"unit={unit_id}", "-D", f"kiosk={kiosk_id}"]
        defines += ["-D", f"agency={agency_id}"]
        for i, element in enumerate(elements, 1):
            defines += ["-D", f"e{i}={element}"]
        bench = subprocess.run(
            [
                "pgbench",
                "-h",
                PG["host"],
                "-U",
                PG["user"],
                "-n",
                "-c",
                str(args.clients),
                "-j",
                str(args.wrk_threads),
                "-T",
                str(duration),
                "-f",
                str(pg_script),
                *defines,
                db,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        tps_line = next(
            x for x in bench.stdout.splitlines() if x.startswith("tps = ") and "without" in x
        )
        db_only = float(tps_line.split()[2])
    finally:
        if gunicorn is not None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
        if not args.keep_db:
            _psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)

    seconds = wrk_result["duration_us"] / 1e6
    accepted_per_s = accepted / seconds
    summary = {
        "accepted_per_s": round(accepted_per_s, 1),
        "p50_ms": round(wrk_result["p50_us"] / 1000, 2),
        "p99_ms": round(wrk_result["p99_us"] / 1000, 2),
        "errors": errors,
        "lost": lost,
        "db_only_per_s": round(db_only, 1),
        "ratio": round(accepted_per_s / db_only, 3) if db_only else None,
    }
    details = {
        **summary,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": cores,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "postgresql": _psql("SHOW server_version"),
        },
        "clients": args.clients,
        "duration_s": duration,
        "kiosk_middleware": args.kiosk_middleware,
        "gunicorn": {
            "workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads if args.worker_class == "gthread" else 1,
        },
        "requests": wrk_result["requests"],
        "accepted": accepted,
        "statuses": wrk_result["statuses"],
        "stored_total": stored_total,
        "stored_not_confirmed": stored_total - stored_accepted,
        "duplicate_ids": duplicate_ids,
        "responses_without_nine_answers": wrong_answers,
        "counts_verified": counts_verified,
        "max_ms": round(wrk_result["max_us"] / 1000, 2),
        # CPU per completed request: the app's workers over the whole run, the database
        # backends from ~2 s in (when they exist). Load-independent, unlike the rate.
        "app_cpu_ms_per_request": round(app_cpu * 1000 / max(1, wrk_result["requests"]), 3),
        "db_cpu_ms_per_request": round(db_cpu * 1000 / max(1, wrk_result["requests"]), 3),
        "load_average_after": os.getloadavg()[0],
    }
    print(json.dumps(summary), flush=True)
    _merge_results(details)
    ok = (
        accepted_per_s >= TARGET_PER_S
        and summary["p99_ms"] < TARGET_P99_MS
        and errors == 0
        and lost == 0
        and duplicate_ids == 0
        and wrong_answers == 0
        and counts_verified
    )
    if not ok:
        print(
            f"target missed: want >= {TARGET_PER_S}/s, p99 < {TARGET_P99_MS} ms, "
            "no errors, nothing lost",
            file=sys.stderr,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
