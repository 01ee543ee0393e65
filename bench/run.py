"""`make bench`: every benchmark, then the summary table in docs/performance.md.

    .venv/bin/python bench/run.py            # full sizes (about 15 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick    # spot check, under 2 minutes
    .venv/bin/python bench/run.py --table    # only rewrite the table from bench/results.json

Runs, one after the other (each in its own process, each creating and dropping its own
database): bench_ikm.py (reading response files), submit.py (kiosk submissions under load,
gunicorn + PostgreSQL), results.py (dashboard and API on 1,000,000 responses),
reports.py (every document on 100,000 responses) and exports.py (the CSV and the olah-data
XLSX exports of 100,000 responses, PostgreSQL and SQLite). Each merges its figures into
bench/results.json; this script then writes the summary table between the
``bench:table`` markers of docs/performance.md, every figure with its target, its in-run
baseline and the ratio, and the machine and date. The soak run (bench/soak.py,
`make soak`, 10 minutes) is not part of it; its last figures are read from the same file.

--quick runs every benchmark at its small size and writes bench/results-quick.json
instead, printing the table without touching the documentation. Exit status 1 when a
benchmark fails or misses its target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:table:begin -->", "<!-- bench:table:end -->"

# (script, arguments for the full run, arguments for --quick)
BENCHMARKS = [
    ("bench_ikm.py", [], ["--quick"]),
    ("submit.py", [], ["--quick"]),
    ("results.py", [], ["--quick"]),
    ("reports.py", [], ["--quick"]),
    ("exports.py", [], ["--quick"]),
]


def machine() -> dict:
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    try:
        postgresql = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atqc", "SHOW server_version"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        postgresql = "unavailable"
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "postgresql": postgresql.split(" ")[0],
        "python": platform.python_version(),
        "commit": commit,
    }


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        digits = 2 if unit == "s" else (1 if value < 100 else 0)
        text = f"{value:,.{digits}f}"
    else:
        text = f"{value:,}"
    return f"{text} {unit}".strip()


def _met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def rows(data: dict) -> list[tuple[str, str, str, str, str, str]]:
    """(figure, value, target, baseline, ratio, verdict) for every figure we have."""
    out = []
    ikm = data.get("ikm", {}).get("formats", {})
    size = data.get("ikm", {}).get("rows")
    for fmt, entry in sorted(ikm.items()):
        seconds = entry["ikm"]["seconds"]
        raw = entry["raw"]["seconds"]
        out.append(
            (
                f"`skm ikm` {fmt.upper()}, {_fmt(size)} respondents (time; peak memory)",
                f"{_fmt(seconds, 's')}; {_fmt(entry['ikm']['peak_mb'], 'MB')}",
                f"< {entry['target_seconds']} s; < 250 MB",
                f"raw file read {_fmt(raw, 's')}",
                f"{seconds / raw:.1f}x the raw read",
                _met(entry.get("meets_target")),
            )
        )
    submit = data.get("submit")
    if submit:
        out.append(
            (
                f"kiosk submissions, {submit['clients']} clients, {submit['duration_s']} s "
                "(accepted/s)",
                _fmt(submit["accepted_per_s"], "/s"),
                ">= 1,000/s",
                f"PostgreSQL alone {_fmt(submit['db_only_per_s'], '/s')}",
                f"{submit['ratio']:.2f} of the database alone",
                _met(submit["accepted_per_s"] >= 1000),
            )
        )
        out.append(
            (
                "kiosk submissions: p99 latency; errors; lost",
                f"{_fmt(submit['p99_ms'], 'ms')}; {submit['errors']}; {submit['lost']}",
                "< 150 ms; 0; 0",
                "",
                "",
                _met(submit["p99_ms"] < 150 and not submit["errors"] and not submit["lost"]),
            )
        )
    results = data.get("results")
    if results:
        n = _fmt(results["responses"])
        naive = results["naive_ms"]
        for key, label, target in (
            ("dashboard_root_ms", "dashboard, root of 50 units", 200),
            ("dashboard_unit_ms", "dashboard, one unit", 200),
            ("api_ms", "API results, root", 50),
        ):
            value = results[key]
            out.append(
                (
                    f"{label}, {n} responses (PostgreSQL)",
                    _fmt(value, "ms"),
                    f"< {target} ms" + ("; >= 100x naive" if key == "api_ms" else ""),
                    f"naive recomputation {_fmt(naive, 'ms')}",
                    f"{naive / value:,.0f}x faster",
                    _met(value < target and (key != "api_ms" or naive / value >= 100)),
                )
            )
    reports = data.get("reports")
    if reports:
        n = _fmt(reports["responses"])
        data_ms = reports.get("data_ms", {})
        for key, label in (
            ("tindak-lanjut.docx", "Laporan Tindak Lanjut DOCX"),
            ("tindak-lanjut.pdf", "Laporan Tindak Lanjut PDF"),
            ("hasil.docx", "Laporan Hasil SKM DOCX"),
            ("hasil.pdf", "Laporan Hasil SKM PDF"),
            ("poster.pdf", "poster PDF"),
        ):
            value = reports.get(f"{key}_ms")
            if value is None:
                continue
            target = 3000 if key.endswith("docx") else 5000
            base = data_ms.get(key.split(".")[0])
            out.append(
                (
                    f"{label}, {n} responses",
                    _fmt(value, "ms"),
                    f"< {target // 1000} s",
                    f"gathering its data {_fmt(base, 'ms')}" if base else "",
                    f"{value / base:.1f}x the data" if base else "",
                    _met(value < target),
                )
            )
    exports = data.get("exports")
    if exports:
        target_s = exports["targets"]["xlsx_seconds"]
        target_mb = exports["targets"]["peak_mb"]
        for database in ("postgresql", "sqlite"):
            entry = exports.get(database)
            if not entry:
                continue
            n = _fmt(entry["responses"])
            name = "PostgreSQL" if database == "postgresql" else "SQLite"
            fetch = entry["rows"]["seconds"]
            xlsx, csv_ = entry["xlsx"], entry["csv"]
            out.append(
                (
                    f"olah-data XLSX export, {n} responses, {name} (time; peak memory)",
                    f"{_fmt(xlsx['seconds'], 's')}; {_fmt(xlsx['peak_mb'], 'MB')}",
                    f"<= {target_s:g} s; < {target_mb:g} MB",
                    f"fetching the rows {_fmt(fetch, 's')}",
                    f"{xlsx['seconds'] / fetch:.1f}x the fetch",
                    _met(
                        (entry["responses"] < 100_000 or xlsx["seconds"] <= target_s)
                        and xlsx["peak_mb"] < target_mb
                    ),
                )
            )
            out.append(
                (
                    f"CSV export, {n} responses, {name} (time; peak memory)",
                    f"{_fmt(csv_['seconds'], 's')}; {_fmt(csv_['peak_mb'], 'MB')}",
                    f"faster than the XLSX; < {target_mb:g} MB",
                    f"fetching the rows {_fmt(fetch, 's')}",
                    f"{csv_['seconds'] / fetch:.1f}x the fetch",
                    _met(csv_["seconds"] <= xlsx["seconds"] and csv_["peak_mb"] < target_mb),
                )
            )
            unit = entry.get("xlsx_unit")
            if unit:
                out.append(
                    (
                        f"XLSX export peak memory, {_fmt(unit['responses'])} → {n} "
                        f"responses, {name}",
                        f"{_fmt(unit['peak_mb'], 'MB')} → {_fmt(xlsx['peak_mb'], 'MB')}",
                        "bounded: grows < 25 MB",
                        f"process before the export {_fmt(xlsx['before_mb'], 'MB')}",
                        f"+{xlsx['peak_mb'] - unit['peak_mb']:.1f} MB for "
                        f"{entry['responses'] / unit['responses']:.0f}x the rows",
                        _met(xlsx["peak_mb"] - unit["peak_mb"] < 25),
                    )
                )
    soak = data.get("soak")
    if soak:
        out.append(
            (
                f"soak, {soak['minutes']} min at {_fmt(soak['target_per_s'], '/s')} "
                "(accepted/s first → last minute)",
                f"{_fmt(soak['first_minute']['per_s'])} → {_fmt(soak['last_minute']['per_s'])}",
                "steady, no error",
                "",
                "",
                _met(soak.get("steady")),
            )
        )
        out.append(
            (
                "soak: p99 first → last minute; worker RSS start → end; errors",
                f"{_fmt(soak['first_minute']['p99_ms'], 'ms')} → "
                f"{_fmt(soak['last_minute']['p99_ms'], 'ms')}; "
                f"{_fmt(soak['rss_mb_start'], 'MB')} → {_fmt(soak['rss_mb_end'], 'MB')}; "
                f"{soak['errors']}",
                "flat; 0",
                "",
                "",
                _met(soak.get("steady")),
            )
        )
    return out


def table(data: dict) -> str:
    info = data.get("_run", {})
    m = info.get("machine", {})
    lines = [
        f"Machine: {m.get('cores')} cores ({m.get('cpu')}), {m.get('memory_gib')} GiB, "
        f"PostgreSQL {m.get('postgresql')}, Python {m.get('python')}; commit "
        f"{m.get('commit')}; run {info.get('date')} ({info.get('seconds', 0) / 60:.1f} min"
        f"{', quick' if info.get('quick') else ''}). Command: `make bench`.",
        "",
        "| figure | value | target | in-run baseline | ratio | met? |",
        "|---|---:|---|---|---|---|",
    ]
    for row in rows(data):
        lines.append("| " + " | ".join(row) + " |")
    exports = data.get("exports")
    if exports:
        load = ", ".join(f"{x:.1f}" for x in exports.get("load_average", []))
        lines += [
            "",
            f"Export figures from `bench/exports.py`, {exports['date']} (median of "
            f"{exports['runs']} run{'s' if exports['runs'] != 1 else ''}, each in a fresh "
            f"process; load average {load} on the shared machine).",
        ]
    soak = data.get("soak")
    if soak:
        lines += ["", f"Soak figures from `make soak`, {soak['date']}."]
    return "\n".join(lines) + "\n"


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    DOC.write_text(doc[:start] + "\n" + text + doc[end:], encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under 2 minutes")
    parser.add_argument("--table", action="store_true", help="only rewrite the table")
    args = parser.parse_args(argv)
    results = HERE / ("results-quick.json" if args.quick else "results.json")
    status = 0
    if not args.table:
        env = {**os.environ, "SKM_BENCH_RESULTS": str(results)}
        started = time.monotonic()
        for script, full, quick in BENCHMARKS:
            extra = quick if args.quick else full
            print(f"== {script} {' '.join(extra)}", flush=True)
            result = subprocess.run(
                [sys.executable, str(HERE / script), *extra], check=False, env=env
            )
            if result.returncode:
                print(f"== {script}: exit status {result.returncode}", flush=True)
                status = 1
        data = json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}
        data["_run"] = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "seconds": round(time.monotonic() - started),
            "quick": args.quick,
            "machine": machine(),
            "status": status,
        }
        results.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    data = json.loads(results.read_text(encoding="utf-8"))
    text = table(data)
    print(text)
    if not args.quick:
        write_doc(text)
        print(f"table written to {DOC.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
