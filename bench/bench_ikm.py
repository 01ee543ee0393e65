"""Benchmark of `skm ikm`: reading a response file and computing the IKM.

Generates (once, cached under bench/.cache/) a CSV and an XLSX of N respondents shaped like
a Google Forms export: timestamp, profile columns, the nine questions as headers with label
answers (some missing), a suggestion column. Then, each in a fresh subprocess so that peak
memory is the job's own, it measures:

- ``ikm``:  tally_file() + compute(), what `skm ikm` does after start-up;
- ``raw``:  merely reading the same file with the same library (csv.reader loop /
  calamine iter_rows loop), the floor any reader built on it pays;
- ``cli``:  the whole `skm ikm FILE --json` command (interpreter, Django set-up, output),
  when the console script exists;
- ``rows``: open_response_file(with_profile=True).rows(), the general reader `skm import`
  uses (every profile cell parsed, one FileRow per respondent); informative, no target.

Prints a table and merges the numbers into bench/results.json under the key "ikm".

    .venv/bin/python bench/bench_ikm.py            # 100,000 rows, 3 runs each
    .venv/bin/python bench/bench_ikm.py --quick    # 10,000 rows
    .venv/bin/python bench/bench_ikm.py --rows 250000 --repeat 1
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
CACHE = BENCH_DIR / ".cache"
# `make bench-quick` points this elsewhere so that a spot check does not replace the
# figures of the full run.
RESULTS = Path(os.environ.get("SKM_BENCH_RESULTS") or BENCH_DIR / "results.json")
GENERATOR_VERSION = 1  # bump when the generated shape changes, to invalidate the cache

TARGETS = {"csv": 2.0, "xlsx": 5.0}  # seconds for tally_file + compute
MEMORY_TARGET_MB = 250

# Answer distribution of a typical unit: mostly 3 and 4, and about 2 % skipped.
SCORE_WEIGHTS = (0.03, 0.08, 0.47, 0.42)
MISSING_RATE = 0.02
SUGGESTION_RATE = 0.3
SUGGESTIONS = (
    "Pelayanan sudah baik, pertahankan.",
    "Antrean terlalu lama pada jam sibuk, mohon ditambah petugas loket.",
    "Ruang tunggu panas, AC perlu diperbaiki.",
    "Petugas ramah dan cepat, terima kasih.",
    "Informasi persyaratan di website belum lengkap.",
    "Parkir sempit dan toilet kurang bersih.",
    "Mohon disediakan layanan online agar tidak perlu datang ke kantor.",
    "Sudah sangat memuaskan.",
)
SERVICES = ("KTP-el", "Kartu Keluarga", "Akta Kelahiran", "Akta Kematian", "Pindah Datang")
EDUCATIONS = ("SD", "SMP", "SMA", "D1-D3", "D4/S1", "S2", "S3")
OCCUPATIONS = ("PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Lainnya: Mahasiswa")


# --------------------------------------------------------------------------------------
# Generation


def _header() -> list[str]:
    from skm.method import DEFAULT_ELEMENTS

    profile = ["Cap waktu", "Jenis Kelamin", "Usia", "Pendidikan Terakhir", "Pekerjaan"]
    profile.append("Jenis Layanan")
    questions = [f"{i}. {e.question}" for i, e in enumerate(DEFAULT_ELEMENTS, 1)]
    return [*profile, *questions, "Saran dan Masukan"]


def _rows(n: int):
    """Deterministic rows: (timestamp, gender, age, education, occupation, service,
    nine answer labels or "", suggestion)."""
    from skm.method import DEFAULT_ELEMENTS

    rng = random.Random(20250314)
    start = dt.datetime(2025, 1, 2, 8, 0, 0)
    scores = (1, 2, 3, 4)
    for i in range(n):
        when = start + dt.timedelta(seconds=i * 150 + rng.randrange(120))
        answers = []
        for element in DEFAULT_ELEMENTS:
            if rng.random() < MISSING_RATE:
                answers.append("")
            else:
                answers.append(element.label(rng.choices(scores, SCORE_WEIGHTS)[0]))
        yield (
            when,
            rng.choice(("Laki-laki", "Perempuan")),
            rng.randrange(17, 75),
            rng.choice(EDUCATIONS),
            rng.choice(OCCUPATIONS),
            rng.choice(SERVICES),
            *answers,
            rng.choice(SUGGESTIONS) if rng.random() < SUGGESTION_RATE else "",
        )


def generate(rows: int) -> dict[str, Path]:
    """The cached CSV and XLSX of ``rows`` respondents (written on first use)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    stem = CACHE / f"responses-v{GENERATOR_VERSION}-{rows}"
    csv_path, xlsx_path = stem.with_suffix(".csv"), stem.with_suffix(".xlsx")
    if not csv_path.exists():
        tmp = csv_path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(_header())
            for row in _rows(rows):
                # Google Forms writes the Indonesian day-first timestamp as text.
                writer.writerow([row[0].strftime("%d/%m/%Y %H:%M:%S"), *row[1:]])
        tmp.replace(csv_path)
    if not xlsx_path.exists():
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Form Responses 1")
        sheet.append(_header())
        for row in _rows(rows):
            sheet.append([c if c != "" else None for c in row])
        tmp = xlsx_path.with_suffix(".tmp")
        workbook.save(tmp)
        tmp.replace(xlsx_path)
    return {"csv": csv_path, "xlsx": xlsx_path}


# --------------------------------------------------------------------------------------
# Measured jobs (run in a child process)


def _job_ikm(path: str) -> dict:
    from skm.method import DEFAULT_ELEMENTS, compute
    from skm.transfer.readers import tally_file

    tally, problems, count = tally_file(path)
    if count:
        raise SystemExit(f"unexpected problems: {[str(p) for p in problems[:5]]}")
    result = compute(tally, DEFAULT_ELEMENTS)
    return {
        "respondents": result.respondents,
        "ikm": result.ikm_text,
        "patterns": len(tally.patterns),
    }


def _job_raw(path: str) -> dict:
    rows = 0
    if path.endswith(".csv"):
        with open(path, encoding="utf-8-sig", newline="") as f:
            for _ in csv.reader(f):
                rows += 1
    else:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(path)
        for _ in workbook.get_sheet_by_index(0).iter_rows():
            rows += 1
    return {"rows": rows}


def _job_rows(path: str) -> dict:
    from skm.transfer.readers import open_response_file

    with open_response_file(path, with_profile=True) as source:
        rows = sum(1 for _ in source.rows())
        if source.problem_count:
            raise SystemExit(f"unexpected problems: {[str(p) for p in source.problems[:5]]}")
    return {"rows": rows}


JOBS = {"ikm": _job_ikm, "raw": _job_raw, "rows": _job_rows}


def _child(job: str, path: str) -> None:
    # Imports happen before the clock starts: start-up is measured by the "cli" job.
    if job in ("ikm", "rows"):
        import skm.method
        import skm.transfer.readers  # noqa: F401
    import python_calamine  # noqa: F401

    began = time.perf_counter()
    info = JOBS[job](path)
    seconds = time.perf_counter() - began
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, **info}))


def _run_child(job: str, path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", job, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    return json.loads(out.stdout)


def _run_cli(path: Path) -> dict | None:
    """The whole command in a child; peak RSS of that child via wait4."""
    skm = Path(sys.executable).parent / "skm"
    if not skm.exists():
        return None
    began = time.perf_counter()
    process = subprocess.Popen(
        [str(skm), "ikm", str(path), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - began
    # communicate() already reaped the child, so read its rusage from the children total:
    # each cli run happens in its own bench subprocess (see _cli_child) for that reason.
    if process.returncode != 0:
        raise SystemExit(f"skm ikm failed ({process.returncode}): {stderr.decode()[-2000:]}")
    result = json.loads(stdout)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "peak_mb": peak_kb / 1024, "ikm": result["ikm"]}


def _cli_child(path: str) -> None:
    print(json.dumps(_run_cli(Path(path))))


# --------------------------------------------------------------------------------------
# Driver


def _machine() -> dict:
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return {
        "cpu": model or platform.processor(),
        "nproc": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _merge_results(entry: dict) -> None:
    data = {}
    if RESULTS.exists():
        try:
            data = json.loads(RESULTS.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            data = {}
    data["ikm"] = entry
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 rows, one run each")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--child", nargs=2, metavar=("JOB", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--cli-child", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    if args.cli_child:
        _cli_child(args.cli_child)
        return 0
    if args.quick:
        args.rows, args.repeat = 10_000, 1
    if args.rows < 1 or args.repeat < 1:
        parser.error("--rows and --repeat must be positive")

    sys.path.insert(0, str(ROOT))
    began = time.perf_counter()
    paths = generate(args.rows)
    print(f"data: {args.rows:,} rows, ready in {time.perf_counter() - began:.1f} s")
    for fmt, path in paths.items():
        print(f"  {fmt}: {path.relative_to(ROOT)} ({path.stat().st_size / 1024**2:.1f} MiB)")

    measured: dict[str, dict] = {}
    for fmt, path in paths.items():
        runs = {job: [_run_child(job, path) for _ in range(args.repeat)] for job in JOBS}
        cli_runs = []
        if shutil.which("skm", path=str(Path(sys.executable).parent)):
            for _ in range(args.repeat):
                out = subprocess.run(
                    [sys.executable, __file__, "--cli-child", str(path)],
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                )
                cli_runs.append(json.loads(out.stdout))
        entry = {
            "file_mb": round(path.stat().st_size / 1024**2, 2),
            "target_seconds": TARGETS[fmt],
        }
        for job, job_runs in (*runs.items(), ("cli", cli_runs)):
            if not job_runs:
                continue
            entry[job] = {
                "seconds": round(statistics.median(r["seconds"] for r in job_runs), 3),
                "seconds_runs": [round(r["seconds"], 3) for r in job_runs],
                "peak_mb": round(max(r["peak_mb"] for r in job_runs), 1),
            }
        ikm = runs["ikm"][0]
        entry["respondents"] = ikm["respondents"]
        entry["ikm_value"] = ikm["ikm"]
        entry["patterns"] = ikm["patterns"]
        entry["ratio_to_raw"] = round(entry["ikm"]["seconds"] / entry["raw"]["seconds"], 2)
        entry["meets_target"] = (
            entry["ikm"]["seconds"] < TARGETS[fmt] and entry["ikm"]["peak_mb"] < MEMORY_TARGET_MB
        )
        measured[fmt] = entry

    ikm_values = {m["ikm_value"] for m in measured.values()}
    if len(ikm_values) != 1:
        raise SystemExit(f"CSV and XLSX disagree: {ikm_values}")

    print()
    header = f"{'format':6} {'job':4} {'median s':>9} {'peak MB':>8}  runs"
    print(header)
    print("-" * len(header))
    for fmt, entry in measured.items():
        for job in ("raw", "ikm", "cli", "rows"):
            if job in entry:
                e = entry[job]
                runs_text = ", ".join(f"{s:.3f}" for s in e["seconds_runs"])
                print(f"{fmt:6} {job:4} {e['seconds']:9.3f} {e['peak_mb']:8.1f}  {runs_text}")
        verdict = "OK" if entry["meets_target"] else "MISSED"
        print(
            f"{fmt:6} ikm/raw = {entry['ratio_to_raw']:.2f}x; target < {TARGETS[fmt]} s and "
            f"< {MEMORY_TARGET_MB} MB: {verdict}"
        )
    first = next(iter(measured.values()))
    print(
        f"\nrespondents {first['respondents']:,}, IKM {first['ikm_value']}, "
        f"patterns {first['patterns']:,}"
    )

    _merge_results(
        {
            "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "rows": args.rows,
            "repeat": args.repeat,
            "machine": _machine(),
            "memory_target_mb": MEMORY_TARGET_MB,
            "formats": measured,
        }
    )
    print(f"results merged into {RESULTS.relative_to(ROOT)} (key 'ikm')")
    return 0 if all(m["meets_target"] for m in measured.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
