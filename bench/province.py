"""A year of a large province in one PostgreSQL database (issue #8 §4, docs/scaling.md).

The size, modelled on Jawa Barat (1 province and 27 kabupaten/kota, docs/scaling.md):
28 agencies (Pemerintah Daerah), each a tree of 96 units: the Pemda's root, 30 OPD and 23
kecamatan below it, and 42 UPT (40 puskesmas, 2 RSUD) below its Dinas Kesehatan; 10
services per agency; two semester periods per agency on its root. Each of the 95 units
below a root gets about 200 respondents per semester (Krejcie-Morgan for the small
populations most UPT serve): 28 x 95 x 2 x 200 = 1,064,000 responses with their nine
answers, bulk-loaded with COPY, and the per-cell counts computed by the application's own
counting code, then compacted as `skm compact` leaves them.

Then, timed as the median of repeated runs in this process (Django's test client, a
logged-in superuser), for one agency's Semester II (which shows the trend from Semester I):
the dashboard of the Pemda root (a roll-up of 95 units, with the ranking of its 53
children), of the Dinas Kesehatan (42 UPT), of one puskesmas; the API result of the root;
the Laporan Hasil SKM of the root (DOCX and PDF) and of a puskesmas (PDF); the Laporan
Tindak Lanjut of the root (DOCX and PDF, five plan items); and the naive recomputation of
the root's result from the raw answers. Also the size of the database and of each large
table, per response.

    .venv/bin/python bench/province.py                 # the full province (about 5 minutes)
    .venv/bin/python bench/province.py --scale 0.1     # a tenth of the respondents

Merged into bench/results.json under "province".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import results as results_bench  # noqa: E402 (PostgreSQL helpers of the results benchmark)

RESULTS = results_bench.RESULTS
AGENCIES, OPD, KECAMATAN, UPT, SERVICES = 28, 30, 23, 42, 10
PER_UNIT_SEMESTER = 200
CHANNELS = ("online", "kiosk", "paper", "import")
EDUCATION = ("SD", "SMP", "SMA", "D1_D3", "D4_S1", "S2", "S3")
OCCUPATION = ("PNS", "TNI", "POLRI", "SWASTA", "WIRAUSAHA", "LAINNYA")


def _median_ms(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def build_province(rng: random.Random, scale: float) -> dict:
    """Agencies, unit trees, services and two semester periods each."""
    from skm.org.services import agency_create, service_create, unit_create
    from skm.surveys.models import Period
    from skm.surveys.services import period_create

    agencies = []
    for a in range(AGENCIES):
        name = "Provinsi Simulasi" if a == 0 else f"Kabupaten Simulasi {a:02d}"
        agency = agency_create(name=f"Pemerintah {name}", city=name)
        root = unit_create(agency=agency, name=f"Sekretariat Daerah {name}")
        opd = [
            unit_create(agency=agency, name=f"Dinas {i:02d} {name}", parent=root)
            for i in range(OPD)
        ]
        kec = [
            unit_create(agency=agency, name=f"Kecamatan {i:02d} {name}", parent=root)
            for i in range(KECAMATAN)
        ]
        health = opd[0]
        upt = [
            unit_create(
                agency=agency,
                name=(f"Puskesmas {i:02d}" if i < UPT - 2 else f"RSUD {i - UPT + 3}") + f" {name}",
                parent=health,
            )
            for i in range(UPT)
        ]
        services = [service_create(unit=root, name=f"Layanan {i:02d}") for i in range(SERVICES)]
        periods = [
            period_create(
                unit=root,
                name=f"Semester {label} 2026",
                kind=Period.Kind.SEMESTER,
                start_date=start,
                end_date=end,
                population=250_000,
                status=Period.Status.CLOSED,
            )
            for label, start, end in (
                ("I", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
                ("II", dt.date(2026, 7, 1), dt.date(2026, 12, 31)),
            )
        ]
        agencies.append(
            {
                "agency": agency,
                "root": root,
                "health": health,
                "units": [*opd, *kec, *upt],
                "upt": upt,
                "services": services,
                "periods": periods,
            }
        )
    return {"agencies": agencies, "per_unit": max(1, round(PER_UNIT_SEMESTER * scale))}


def load_responses(province: dict, rng: random.Random) -> int:
    """COPY every response and answer; add the per-cell counts as the application would."""
    from django.db import connection, transaction

    from skm.surveys.counts import SHARDS, counts_add, merge_delta, period_units, response_delta
    from skm.surveys.models import Answer, Response

    response_t, answer_t = Response._meta.db_table, Answer._meta.db_table
    columns = (
        "id, period_id, unit_id, service_id, channel, submitted_at, gender, age,"
        " education, occupation, occupation_other, suggestion, created_at, agency_id"
    )
    first = province["agencies"][0]["periods"][0]
    elements = list(first.questionnaire.elements.order_by("position"))
    element_ids = [e.pk for e in elements]
    positions = [e.position for e in elements]
    pool = [tuple(rng.choices((1, 2, 3, 4), (2, 6, 42, 50), k=len(elements))) for _ in range(4000)]
    # Everything that reads the database comes before the COPY (the connection is busy
    # until it ends).
    units_by_period = {
        p.pk: period_units(p) for entry in province["agencies"] for p in entry["periods"]
    }
    next_id = 1
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        patterns: list[tuple[int, tuple]] = []
        # Counted during the COPY, written after it (the connection is busy until then).
        pending: list[list[dict]] = []
        with raw.copy(f"COPY {response_t} ({columns}) FROM STDIN") as copy:
            for entry in province["agencies"]:
                service_ids = [s.pk for s in entry["services"]]
                for period in entry["periods"]:
                    units_of = units_by_period[period.pk]
                    deltas: list[dict] = [{} for _ in range(SHARDS)]
                    start = dt.datetime.combine(period.start_date, dt.time(1), tzinfo=dt.UTC)
                    span = (period.end_date - period.start_date).days * 86400
                    for unit in entry["units"]:
                        for _ in range(province["per_unit"] + rng.randrange(-20, 21)):
                            when = start + dt.timedelta(seconds=rng.randrange(span))
                            values = (
                                next_id,
                                period.pk,
                                unit.pk,
                                service_ids[rng.randrange(SERVICES)],
                                CHANNELS[rng.randrange(4)],
                                when,
                                "LP"[next_id % 2],
                                18 + next_id % 60,
                                EDUCATION[next_id % 7],
                                OCCUPATION[next_id % 6],
                                "",
                                "",
                                when,
                                unit.agency_id,
                            )
                            pattern = pool[rng.randrange(len(pool))]
                            copy.write_row(values)
                            patterns.append((next_id, unit.agency_id, pattern))
                            merge_delta(
                                deltas[rng.randrange(SHARDS)],
                                response_delta(
                                    agency_id=unit.agency_id,
                                    period_id=period.pk,
                                    unit_id=unit.pk,
                                    service_id=values[3],
                                    channel=values[4],
                                    answers=zip(positions, pattern, strict=True),
                                    units=units_of,
                                    gender=values[6],
                                    age=values[7],
                                    education=values[8],
                                    occupation=values[9],
                                ),
                            )
                            next_id += 1
                    pending.append(deltas)
        for deltas in pending:
            for shard, shard_deltas in enumerate(deltas):
                counts_add(shard_deltas, shard=shard)
        with raw.copy(
            f"COPY {answer_t} (response_id, element_id, value, agency_id) FROM STDIN"
        ) as copy:
            for response_id, agency_id, pattern in patterns:
                for element_id, value in zip(element_ids, pattern, strict=True):
                    copy.write_row((response_id, element_id, value, agency_id))
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{response_t}', 'id'), %s)", [next_id]
        )
    return next_id - 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the respondents")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)
    with results_bench.scratch_postgres("province", keep=args.keep_db):
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        from skm.method import compute
        from skm.plans.services import item_create, plan_create, plan_finalise
        from skm.reports.documents import build
        from skm.surveys.counts import compact, verify
        from skm.surveys.models import CellCount
        from skm.surveys.selectors import (
            method_elements,
            period_tally,
            period_weights,
            questionnaire_elements,
        )

        rng = random.Random(20261128)
        started = time.perf_counter()
        province = build_province(rng, args.scale)
        organise_s = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        n = load_responses(province, rng)
        load_s = round(time.perf_counter() - started, 1)
        print(f"loaded {n:,} responses in {load_s} s", flush=True)
        started = time.perf_counter()
        compact()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        compact_s = round(time.perf_counter() - started, 1)

        big = province["agencies"][5]
        root, health, period = big["root"], big["health"], big["periods"][1]
        puskesmas = big["upt"][7]
        started = time.perf_counter()
        differences = verify(period_id=period.pk)
        verify_s = round(time.perf_counter() - started, 1)

        user = get_user_model().objects.create_superuser("bench", password="bench-pass-1")
        client = Client()
        client.force_login(user)

        def page(unit):
            response = client.get(f"/staf/unit/{unit.slug}/hasil/?periode={period.slug}")
            assert response.status_code == 200, response.status_code

        def api():
            response = client.get(f"/api/v1/results/{root.slug}/{period.slug}")
            assert response.status_code == 200, response.status_code

        rows = questionnaire_elements(period)

        def naive():
            tally = period_tally(period, unit=root, rows=rows)
            compute(
                tally,
                method_elements(rows),
                weighting=period.weighting,
                weights=period_weights(period, rows),
                population=period.population,
            )

        plan = plan_create(period=period, unit=root, user=None)
        priorities = list(plan.priorities.order_by("position"))
        for i in range(5):
            item_create(
                priorities[i % len(priorities)],
                data={
                    "activity": f"Kegiatan perbaikan {i + 1}",
                    "quarters": "34",
                    "year": 2026,
                    "owner_title": "Kepala Bagian Organisasi",
                },
                user=None,
            )
        plan_finalise(plan, user=None)
        runs = args.runs
        timings = {
            "dashboard_root_ms": _median_ms(lambda: page(root), runs),
            "dashboard_health_office_ms": _median_ms(lambda: page(health), runs),
            "dashboard_puskesmas_ms": _median_ms(lambda: page(puskesmas), runs),
            "api_root_ms": _median_ms(api, runs),
            "naive_root_ms": _median_ms(naive, max(3, runs // 2)),
        }
        for label, kind, unit, fmt in (
            ("hasil_root_docx_ms", "hasil", root, "docx"),
            ("hasil_root_pdf_ms", "hasil", root, "pdf"),
            ("hasil_puskesmas_pdf_ms", "hasil", puskesmas, "pdf"),
            ("tindak_lanjut_root_docx_ms", "tindak-lanjut", root, "docx"),
            ("tindak_lanjut_root_pdf_ms", "tindak-lanjut", root, "pdf"),
        ):
            timings[label] = _median_ms(
                lambda kind=kind, unit=unit, fmt=fmt: build(
                    kind, unit=unit, period=period, fmt=fmt
                ),
                max(1, runs // 2),
            )
        sizes = {}
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            sizes["database_mb"] = round(cursor.fetchone()[0] / 1024**2, 1)
            for table in ("surveys_response", "surveys_answer", "surveys_cellcount"):
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                sizes[f"{table}_mb"] = round(cursor.fetchone()[0] / 1024**2, 1)
        per_response = round(
            (sizes["surveys_response_mb"] + sizes["surveys_answer_mb"]) * 1024**2 / n
        )
        summary = {
            "agencies": AGENCIES,
            "units": AGENCIES * (1 + OPD + KECAMATAN + UPT),
            "periods": AGENCIES * 2,
            "responses": n,
            **timings,
            "speedup_api": round(timings["naive_root_ms"] / timings["api_root_ms"], 1),
        }
        details = {
            **summary,
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "runs": runs,
            "organise_seconds": organise_s,
            "load_seconds": load_s,
            "compact_vacuum_seconds": compact_s,
            "verify_one_period_seconds": verify_s,
            "counts_verified": not differences,
            "cellcount_rows": CellCount.objects.count(),
            "sizes": sizes,
            "bytes_per_response": per_response,
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "postgresql": results_bench._psql("SHOW server_version"),
            },
        }
        print(json.dumps(details, indent=2), flush=True)
        data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        data["province"] = details
        RESULTS.write_text(json.dumps(data, indent=2) + "\n")
        return 0 if not differences else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
