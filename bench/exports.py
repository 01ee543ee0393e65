"""Exports at scale: the CSV and the "olah data" XLSX of 100,000 responses (issue #13 §10).

Loads N responses (default 100,000) with the loader of bench/results.py (50 units under one
root, 20 services, nine answers each) into a fresh database, PostgreSQL
(postgres@127.0.0.1:5432) and then a temporary SQLite file, and gives 30 % of them a
suggestion (some starting with a formula sign, some with a control character stored before
input was cleaned) and the "Lainnya" occupations a free text, so that the text hygiene of
every cell is part of what is timed. Then, each in a fresh process so that its peak memory
(``ru_maxrss``) belongs to that export alone:

- ``rows``: iterating ``respondent_rows`` (the one query both exports read) and nothing else,
  the floor and the in-run baseline;
- ``csv``: ``responses_csv`` of the root (every response), written to a temporary file;
- ``xlsx``: ``olah_data_write`` of the root, written to a temporary file;
- ``xlsx_unit``: the same for one unit (about 2 % of the responses): a peak memory close to
  the root's shows that memory does not grow with the number of responses.

Times are the median of ``--runs`` processes. Targets on this 2-core machine: the XLSX of
100,000 responses within 10 s, the CSV faster than the XLSX, a peak memory under 250 MB
for either, and the XLSX's peak for 100,000 responses within 25 MB of its peak for one
unit's 2,000 (bounded memory). Merges its figures into bench/results.json under "exports"
(per database).

    .venv/bin/python bench/exports.py            # 100,000 responses, PostgreSQL and SQLite
    .venv/bin/python bench/exports.py --quick    # 10,000 responses, 1 run
    .venv/bin/python bench/exports.py --database sqlite --profile xlsx
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import results as results_bench  # noqa: E402 (the loader of the results benchmark)

RESULTS = Path(os.environ.get("SKM_BENCH_RESULTS") or HERE / "results.json")
TARGET_XLSX_S = 10.0
TARGET_PEAK_MB = 250.0
JOBS = ("rows", "csv", "xlsx", "xlsx_unit")
SUGGESTIONS = (
    "Pelayanan cepat, petugas ramah; terima kasih.",
    "Antrean terlalu panjang di loket 2, mohon ditambah petugas",
    '=HYPERLINK("http://contoh.example";"klik")',
    "+62 812 tidak dicatat",
    "Ruang tunggu panas\x0b AC rusak",
    "Informasi persyaratan di situs web belum lengkap, -kurang jelas-",
)


def _decorate(period_id: int) -> None:
    """Suggestions on 30 % of the responses and a free text on the "Lainnya" occupations."""
    from django.db import connection

    from skm.surveys.models import Response

    table = Response._meta.db_table
    with connection.cursor() as cursor:
        for i, text in enumerate(SUGGESTIONS):
            cursor.execute(
                f"UPDATE {table} SET suggestion = %s WHERE period_id = %s AND id %% 20 = %s",
                [text, period_id, i],
            )
        cursor.execute(
            f"UPDATE {table} SET occupation_other = %s WHERE period_id = %s "
            "AND occupation = 'LAINNYA' AND id %% 4 = 0",
            ["pedagang keliling", period_id],
        )


def child(job: str, unit_slug: str, period_id: int, profile: bool) -> None:
    """One export in this process; prints {"seconds", "peak_mb", "before_mb", "bytes"}."""
    import resource

    import django

    django.setup()
    from skm.org.models import Unit
    from skm.surveys.models import Period
    from skm.transfer.exports import olah_data_write, respondent_rows, responses_csv

    unit = Unit.objects.get(slug=unit_slug)
    period = Period.objects.get(pk=period_id)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    target = tempfile.TemporaryFile()  # noqa: SIM115 (closed below, after its size is read)

    def run() -> None:
        if job == "rows":
            for _row in respondent_rows(period, unit):
                pass
        elif job == "csv":
            for line in responses_csv(period, unit):
                target.write(line.encode("utf-8"))
        else:
            olah_data_write(period=period, unit=unit, target=target)

    started = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(run)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    else:
        run()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = target.tell()
    target.close()
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "peak_mb": round(peak, 1),
                "before_mb": round(before, 1),
                "bytes": size,
            }
        )
    )


def _spawn(job: str, unit_slug: str, period_id: int, env: dict, profile: bool = False) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            job,
            "--unit",
            unit_slug,
            "--period",
            str(period_id),
            *(["--profile-child"] if profile else []),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if profile else subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(database: str, n: int, runs: int, jobs: tuple[str, ...], profile: str | None):
    """Load N responses into a fresh database and time every job in fresh processes."""
    data_dir = tempfile.mkdtemp(prefix="skm-bench-exports-")
    db = f"skm_bench_exports_{os.getpid()}"
    env = {**os.environ, "SKM_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "skm.config.settings"}
    if database == "sqlite":
        env.pop("DATABASE_URL", None)
    else:
        pg = results_bench.PG
        env["DATABASE_URL"] = f"postgres://{pg['user']}@{pg['host']}:{pg['port']}/{db}"
        results_bench._psql(f'CREATE DATABASE "{db}"')
    try:
        loader = subprocess.run(
            [sys.executable, __file__, "--load", str(n)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if loader.returncode:
            sys.stderr.write(loader.stderr)
            raise SystemExit(f"loading {n:,} responses into {database} failed")
        loaded = json.loads(loader.stdout.strip().splitlines()[-1])
        print(f"[{database}] loaded {n:,} responses in {loaded['seconds']} s", flush=True)
        if profile:
            slug = loaded["root"] if profile != "xlsx_unit" else loaded["unit"]
            _spawn(profile.replace("_unit", ""), slug, loaded["period"], env, profile=True)
            return None
        figures: dict = {}
        for job in jobs:
            slug = loaded["unit"] if job == "xlsx_unit" else loaded["root"]
            kind = "xlsx" if job == "xlsx_unit" else job
            samples = [_spawn(kind, slug, loaded["period"], env) for _ in range(runs)]
            figures[job] = {
                "seconds": round(statistics.median(s["seconds"] for s in samples), 2),
                "peak_mb": max(s["peak_mb"] for s in samples),
                "before_mb": max(s["before_mb"] for s in samples),
                "bytes": samples[0]["bytes"],
                "samples_s": [s["seconds"] for s in samples],
            }
            if job == "xlsx_unit":
                figures[job]["responses"] = loaded["unit_responses"]
            print(f"[{database}] {job}: {json.dumps(figures[job])}", flush=True)
        return {
            "responses": n,
            "load_seconds": loaded["seconds"],
            **figures,
            "machine_database": (
                "SQLite " + __import__("sqlite3").sqlite_version
                if database == "sqlite"
                else "PostgreSQL " + results_bench._psql("SHOW server_version")
            ),
        }
    finally:
        if database != "sqlite":
            results_bench._psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def load(n: int) -> None:
    """(child) Migrate the database of the environment and load N responses into it."""
    import django

    django.setup()
    from django.core.management import call_command

    from skm.surveys.counts import compact
    from skm.surveys.models import Response

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    loaded = results_bench._load(n, random.Random(20261202))
    compact()
    _decorate(loaded["period"].pk)
    print(
        json.dumps(
            {
                "seconds": round(time.perf_counter() - started, 1),
                "root": loaded["root"].slug,
                "unit": loaded["unit"].slug,
                "period": loaded["period"].pk,
                "unit_responses": Response.objects.filter(unit=loaded["unit"]).count(),
            }
        )
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 responses, 1 run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--database", choices=("postgresql", "sqlite", "both"), default="both", help="default both"
    )
    parser.add_argument("--jobs", default=",".join(JOBS), help=f"some of {','.join(JOBS)}")
    parser.add_argument("--profile", choices=JOBS, help="print a cProfile of one job instead")
    parser.add_argument("--child", choices=("rows", "csv", "xlsx"), help=argparse.SUPPRESS)
    parser.add_argument("--profile-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--unit", help=argparse.SUPPRESS)
    parser.add_argument("--period", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--load", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.unit, args.period, args.profile_child)
        return 0
    if args.load:
        load(args.load)
        return 0
    n = 10_000 if args.quick else args.responses
    runs = 1 if args.quick else args.runs
    jobs = tuple(j for j in args.jobs.split(",") if j)
    databases = ("postgresql", "sqlite") if args.database == "both" else (args.database,)
    figures = {}
    for database in databases:
        result = measure(database, n, runs, jobs, args.profile)
        if result is not None:
            figures[database] = result
    if args.profile:
        return 0
    load_avg = os.getloadavg()
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["exports"] = {
        **figures,
        "targets": {"xlsx_seconds": TARGET_XLSX_S, "peak_mb": TARGET_PEAK_MB},
        "runs": runs,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average": [round(x, 2) for x in load_avg],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")
    missed = []
    for database, entry in figures.items():
        xlsx, csv_ = entry.get("xlsx"), entry.get("csv")
        if xlsx and xlsx["seconds"] > TARGET_XLSX_S and n >= 100_000:
            missed.append(f"{database} XLSX {xlsx['seconds']} s > {TARGET_XLSX_S} s")
        for job in ("csv", "xlsx", "xlsx_unit"):
            if job in entry and entry[job]["peak_mb"] >= TARGET_PEAK_MB:
                missed.append(f"{database} {job} peak {entry[job]['peak_mb']} MB")
        unit = entry.get("xlsx_unit")
        if xlsx and unit and xlsx["peak_mb"] - unit["peak_mb"] >= 25:
            missed.append(f"{database} XLSX memory grows with the rows")
        if xlsx and csv_ and csv_["seconds"] > xlsx["seconds"]:
            missed.append(f"{database} CSV slower than the XLSX")
    print(json.dumps({"load_average": load_avg, "missed": missed}), flush=True)
    if missed:
        print("target missed: " + "; ".join(missed), file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
