"""A job whose processing kills the worker (finding 2 of issue #12).

The real worker (`skm importworker`, the command the systemd unit runs) works against its
own PostgreSQL database. Four jobs wait, of three units: an import whose file makes the
reader abort the whole process (``tests/faults/abort_worker.py`` patches the reader; the
application has no such hook), two ordinary imports of other units and a report document.
The worker takes the aborting job first and dies. It is started again, as systemd
(``Restart=always``) would, as often as it dies, up to a limit. Expected: the aborting job
is failed exactly once, with the Indonesian message, and never taken again (the reader
aborted once); every other job completes: both imports are checked, one is then confirmed
and loaded, the document is made.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.faults import harness

pytestmark = pytest.mark.fault

DIED_ID = "Pemrosesan berhenti tak terduga (proses pekerja mati)"
MAX_STARTS = 4
TIMEOUT = 240

HEADER = "Tanggal;Jenis Layanan;Jenis Kelamin;Usia;Pendidikan;Pekerjaan;"
HEADER += ";".join(f"U{i}" for i in range(1, 10)) + ";Saran"

SETUP = """
import datetime as dt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from skm.org.models import Agency, Unit
from skm.org.services import service_create, unit_create
from skm.reports.jobs import report_job_create
from skm.surveys.models import Period
from skm.surveys.services import period_create
from skm.transfer.jobs import import_job_create

agency = Agency.objects.get()
first = Unit.objects.get()
today = timezone.localdate()
units = [first]
for name in ("Dinas Dua", "Dinas Tiga"):
    unit = unit_create(agency=agency, name=name)
    service_create(unit=unit, name="KTP-el")
    period_create(unit=unit, name="Uji " + name, kind=Period.Kind.OTHER,
                  start_date=today - dt.timedelta(days=30),
                  end_date=today + dt.timedelta(days=30), status=Period.Status.OPEN)
    units.append(unit)

def rows(suggestion):
    when = today.strftime("%d/%m/%Y")
    lines = [HEADER]
    for i in range(20):
        answers = ";".join(str((i + j) % 4 + 1) for j in range(9))
        lines.append(f"{when} 09:{i:02d};KTP-el;{'L' if i % 2 else 'P'};{20 + i};SMA;Swasta;"
                     f"{answers};{suggestion if i == 3 else ''}")
    return ("\\n".join(lines) + "\\n").encode()

def upload(unit, name, suggestion=""):
    period = Period.objects.get(unit=unit)
    job = import_job_create(unit=unit, period=period,
                            upload=SimpleUploadedFile(name, rows(suggestion)))
    print("IMPORT", name, job.pk)

upload(units[0], "mati.csv", "ABORT-WORKER")
upload(units[1], "dua.csv")
upload(units[2], "tiga.csv")
report = report_job_create(unit=units[1], period=Period.objects.get(unit=units[1]),
                           kind="hasil", fmt="docx", size="a4", signed_on=None, user=None)
print("REPORT", report.pk)
"""

CONFIRM = """
from skm.surveys.models import ImportJob
from skm.transfer.jobs import import_job_confirm
import_job_confirm(job=ImportJob.objects.get(pk={pk}))
"""


class Worker:
    """`skm importworker` under a supervisor that starts it again when it dies."""

    def __init__(self, stack: harness.Stack, env: dict[str, str]) -> None:
        self.stack, self.env = stack, env
        self.log = stack.work / "worker.log"
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.exits: list[int] = []

    def start(self) -> None:
        log = open(self.log, "ab")  # noqa: SIM115 (the child keeps it)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.abort_worker", "importworker"],
            env=self.env,
            cwd=harness.ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.starts += 1

    def keep_running(self) -> None:
        """As systemd's Restart=always (up to MAX_STARTS starts)."""
        assert self.process is not None
        code = self.process.poll()
        if code is None:
            return
        self.exits.append(code)
        if self.starts < MAX_STARTS:
            time.sleep(0.5)
            self.start()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


def import_jobs(stack: harness.Stack) -> dict[str, tuple[int, str, str]]:
    with stack.pg.connect(stack.name) as conn:
        rows = conn.execute(
            "SELECT original_name, id, status, problems::text FROM surveys_importjob"
        ).fetchall()
    return {name: (pk, status, problems) for name, pk, status, problems in rows}


def report_status(stack: harness.Stack, pk: int) -> tuple[str, str]:
    with stack.pg.connect(stack.name) as conn:
        return conn.execute(
            "SELECT status, error FROM reports_reportjob WHERE id = %s", (pk,)
        ).fetchone()


def test_a_job_that_kills_the_worker_is_failed_once_and_the_others_complete(stack, figures):
    env = {
        **stack.env,
        "SKM_TASKS": "worker",
        # The runner setting before django-tasks: lets this test run (and fail: the worker
        # took the job again at every start) on the code before the fix.
        "SKM_IMPORT_RUNNER": "worker",
        "SKM_FAULT_ABORT_LOG": str(stack.work / "aborts.log"),
    }
    setup = subprocess.run(
        [
            str(harness.VENV_BIN / "skm"),
            "shell",
            "--no-imports",
            "-c",
            f"HEADER = {HEADER!r}\n" + SETUP,
        ],
        env=env,
        cwd=harness.ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    report_pk = int(
        next(line.split()[1] for line in setup.stdout.splitlines() if line.startswith("REPORT"))
    )

    worker = Worker(stack, env)
    started = time.monotonic()
    worker.start()
    confirmed = False
    try:
        while time.monotonic() - started < TIMEOUT:
            worker.keep_running()
            jobs = import_jobs(stack)
            if not confirmed and jobs["dua.csv"][1] == "ready":
                confirm = subprocess.run(
                    [
                        str(harness.VENV_BIN / "skm"),
                        "shell",
                        "--no-imports",
                        "-c",
                        CONFIRM.format(pk=jobs["dua.csv"][0]),
                    ],
                    env=env,
                    cwd=harness.ROOT,
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=False,
                )
                assert confirm.returncode == 0, confirm.stdout + confirm.stderr
                confirmed = True
            finished = (
                jobs["mati.csv"][1] in ("failed", "refused", "done", "cancelled")
                and jobs["dua.csv"][1] == "done"
                and jobs["tiga.csv"][1] == "ready"
                and report_status(stack, report_pk)[0] in ("done", "failed")
            )
            if finished:
                break
            if worker.starts >= MAX_STARTS and worker.process.poll() is not None:
                break
            time.sleep(0.3)
    finally:
        worker.stop()

    aborts_log = stack.work / "aborts.log"
    aborts = len(aborts_log.read_text().splitlines()) if aborts_log.exists() else 0
    jobs = import_jobs(stack)
    report = report_status(stack, report_pk)
    figures["worker abort"] = {
        "aborts": aborts,
        "worker_starts": worker.starts,
        "worker_exits": worker.exits,
        "jobs": {name: status for name, (_pk, status, _p) in jobs.items()},
        "report": report[0],
        "seconds": round(time.monotonic() - started, 1),
    }
    detail = f"{figures['worker abort']}\n{worker.log_tail()}"
    # The reader aborted the process once: the job was never taken again.
    assert aborts == 1, detail
    assert worker.exits and worker.exits[0] == -signal.SIGABRT, detail
    assert worker.starts == 2, detail
    status, problems = jobs["mati.csv"][1:]
    assert status == "failed", detail
    assert DIED_ID in problems, detail
    # Every other unit's job completed.
    assert jobs["dua.csv"][1] == "done", detail
    assert jobs["tiga.csv"][1] == "ready", detail
    assert report == ("done", ""), detail
    with stack.pg.connect(stack.name) as conn:
        loaded = conn.execute("SELECT count(*) FROM surveys_response").fetchone()[0]
        tasks = conn.execute(
            "SELECT task_path, args_kwargs->'args'->>0, status, exception_class_path"
            " FROM django_tasks_database_dbtaskresult"
        ).fetchall()
    assert loaded == 20, detail
    # One task per step; the aborting one closed as failed (the worker died), not retaken.
    aborting = str(jobs["mati.csv"][0])
    mine = [t for t in tasks if t[0].startswith("skm.transfer.") and t[1] == aborting]
    assert mine == [
        ("skm.transfer.jobs.import_check_task", aborting, "FAILED", "skm.config.tasks.WorkerDied")
    ], tasks
    others = [t for t in tasks if t not in mine]
    assert len(others) == 4 and all(t[2] == "SUCCESSFUL" for t in others), tasks
