"""Soak: kiosk submissions at half the measured maximum rate for 10 minutes (issue #8 §3).

    .venv/bin/python bench/soak.py                   # 10 minutes, half of submit.py's rate
    .venv/bin/python bench/soak.py --minutes 1       # a short look
    .venv/bin/python bench/soak.py --rate 200        # a given rate instead

Same set-up as bench/submit.py (a fresh PostgreSQL database, gunicorn with the production
settings and 2 x cores sync workers, Redis as the cache, an activated kiosk), then the load
in one-minute slices: each minute is one wrk run whose connections pause between requests
(wrk's `delay()`), so that the rate is held at the target instead of the maximum. After
each minute it records the accepted rate, p50/p99, errors, and the resident memory (RSS)
of every gunicorn worker and of the master. At the end: every confirmed client id is
stored exactly once with nine answers, and `skm verify` finds the counts equal to the
answers.

The target rate is half of `submit.accepted_per_s` in bench/results.json (the last
submit.py run on this machine) unless --rate is given. Steady means: every minute within
15 % of the target rate, the last minute's p99 at most 1.5 times the first's (or under
50 ms), worker memory growing by less than 10 % from the second minute (after warm-up)
to the end, and no error. Merged into bench/results.json under "soak".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import submit  # noqa: E402 (set-up, wrk script and helpers of the submission benchmark)

RESULTS = submit.RESULTS
CONNECTIONS = 16


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def main(argv: list[str]) -> int:
    cores = os.cpu_count() or 2
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--rate", type=float, help="submissions per second (default: half max)")
    parser.add_argument("--workers", type=int, default=2 * cores)
    args = parser.parse_args(argv)
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if args.rate:
        rate = args.rate
    elif saved.get("submit"):
        rate = round(saved["submit"]["accepted_per_s"] / 2, 1)
    else:
        raise SystemExit("no submit.py figure in bench/results.json: run it first or give --rate")
    # Each connection waits `delay` ms after each answer: CONNECTIONS / (delay + latency).
    delay_ms = max(1, round(CONNECTIONS * 1000 / rate) - 5)

    wrk = submit._ensure_wrk()
    db = f"skm_bench_soak_{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{submit.PG['user']}@{submit.PG['host']}:"
        f"{submit.PG['port']}/{db}",
        "SKM_CACHE_URL": submit.REDIS_URL,
        "SKM_ENV": "production",
        "SKM_SECRET_KEY": "bench-" + "k" * 40,
        "SKM_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SKM_DATA_DIR": tempfile.mkdtemp(prefix="skm-bench-soak-"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    skm = str(submit.VENV_BIN / "skm")
    submit._psql(f'CREATE DATABASE "{db}"')
    work = Path(tempfile.mkdtemp(prefix="skm-bench-soak-"))
    gunicorn = None
    minutes: list[dict] = []
    try:
        subprocess.run([skm, "migrate", "-v0", "--noinput"], env=env, check=True)
        out = subprocess.run(
            [skm, "shell", "--no-imports", "-c", submit.SETUP_CODE],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        token = next(line.split()[1] for line in out.splitlines() if line.startswith("TOKEN "))
        port = submit._free_port()
        gunicorn = subprocess.Popen(
            [
                str(submit.VENV_BIN / "gunicorn"),
                "skm.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--worker-class",
                "sync",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=submit.ROOT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        submit._wait_healthy(base + "/healthz", gunicorn)
        workers = submit._children(gunicorn.pid)
        print(
            f"soak: {args.minutes} min at {rate}/s ({CONNECTIONS} connections, "
            f"{delay_ms} ms pause), gunicorn {args.workers} x sync",
            flush=True,
        )
        accepted_ids: list[str] = []
        run_id = int(time.time()) & 0xFFFFFF
        for minute in range(args.minutes):
            ids_file = work / f"accepted-{minute}.txt"
            script = work / f"soak-{minute}.lua"
            script.write_text(
                f'RUN = {(run_id << 8) + minute}\nPATH = "/kios/api/responses"\n'
                f'TOKEN = "{token}"\nOUT = "{ids_file}"\n'
                + submit.WRK_SCRIPT
                + f"\nfunction delay()\n  return {delay_ms}\nend\n",
                encoding="utf-8",
            )
            result = subprocess.run(
                [
                    wrk,
                    "-t",
                    "2",
                    "-c",
                    str(CONNECTIONS),
                    "-d",
                    "60s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(script),
                    base + "/kios/api/responses",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            line = next(x for x in result.stdout.splitlines() if x.startswith("WRK_JSON "))
            w = json.loads(line[len("WRK_JSON ") :])
            accepted_ids += ids_file.read_text().split()
            errors = w["connect"] + w["read"] + w["write"] + w["status"] + w["timeout"]
            rss = {pid: _rss_mb(pid) for pid in [gunicorn.pid, *workers]}
            entry = {
                "minute": minute + 1,
                "per_s": round(w["accepted"] / (w["duration_us"] / 1e6), 1),
                "p50_ms": round(w["p50_us"] / 1000, 2),
                "p99_ms": round(w["p99_us"] / 1000, 2),
                "errors": errors,
                "worker_rss_mb": [rss[p] for p in workers],
                "master_rss_mb": rss[gunicorn.pid],
                "load_average": round(os.getloadavg()[0], 2),
            }
            minutes.append(entry)
            print(json.dumps(entry), flush=True)
        respawned = sorted(set(submit._children(gunicorn.pid)) - set(workers))
        time.sleep(1.0)
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
        gunicorn = None

        ids_table = work / "ids.csv"
        ids_table.write_text("\n".join(accepted_ids) + "\n")
        submit._psql("CREATE TABLE bench_accepted (client_id uuid)", db)
        subprocess.run(
            [
                "psql",
                "-h",
                submit.PG["host"],
                "-U",
                submit.PG["user"],
                "-d",
                db,
                "-qc",
                f"\\copy bench_accepted FROM '{ids_table}'",
            ],
            check=True,
        )
        stored = int(
            submit._psql(
                "SELECT count(*) FROM bench_accepted a JOIN surveys_response r"
                " ON r.client_id = a.client_id",
                db,
            )
        )
        duplicates = int(
            submit._psql("SELECT count(*) - count(DISTINCT client_id) FROM bench_accepted", db)
        )
        incomplete = int(
            submit._psql(
                "SELECT count(*) FROM (SELECT r.id FROM surveys_response r"
                " LEFT JOIN surveys_answer a ON a.response_id = r.id"
                " GROUP BY r.id HAVING count(a.id) <> 9) x",
                db,
            )
        )
        verified = (
            subprocess.run([skm, "verify"], env=env, capture_output=True, check=False).returncode
            == 0
        )
    finally:
        if gunicorn is not None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
        submit._psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(env["SKM_DATA_DIR"], ignore_errors=True)

    first, last = minutes[0], minutes[-1]
    warm = minutes[1] if len(minutes) > 1 else first
    rss_warm = sum(warm["worker_rss_mb"]) / len(warm["worker_rss_mb"])
    rss_end = sum(last["worker_rss_mb"]) / len(last["worker_rss_mb"])
    errors = sum(m["errors"] for m in minutes)
    lost = len(accepted_ids) - stored
    steady = (
        all(abs(m["per_s"] - rate) <= 0.15 * rate for m in minutes)
        and (last["p99_ms"] <= 1.5 * first["p99_ms"] or last["p99_ms"] < 50)
        and rss_end <= 1.10 * rss_warm
        and errors == 0
        and lost == 0
        and duplicates == 0
        and incomplete == 0
        and verified
        and not respawned
    )
    summary = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "minutes": args.minutes,
        "target_per_s": rate,
        "connections": CONNECTIONS,
        "delay_ms": delay_ms,
        "first_minute": first,
        "last_minute": last,
        "rss_mb_start": round(sum(first["worker_rss_mb"]) / len(first["worker_rss_mb"]), 1),
        "rss_mb_after_warmup": round(rss_warm, 1),
        "rss_mb_end": round(rss_end, 1),
        "errors": errors,
        "accepted": len(accepted_ids),
        "lost": lost,
        "duplicates": duplicates,
        "responses_without_nine_answers": incomplete,
        "counts_verified": verified,
        "workers_respawned": len(respawned),
        "steady": steady,
        "per_minute": minutes,
        "machine": {
            "cpus": cores,
            "python": platform.python_version(),
            "postgresql": submit._psql("SHOW server_version"),
        },
    }
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["soak"] = summary
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        json.dumps({k: summary[k] for k in ("target_per_s", "errors", "lost", "steady")}),
        flush=True,
    )
    return 0 if steady else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
