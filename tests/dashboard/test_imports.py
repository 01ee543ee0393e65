"""The import page: upload -> check (mapping, preview, problems) -> confirm -> loaded.

Mostly the tests call the job functions directly, which is exactly what the background
tasks do; the tests' task backend (immediate) runs a task after the commit, which the
``db`` fixture's transaction never reaches. The tests of the runner itself say which
backend they use (the database one for `skm importworker`).
"""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook

from skm.org.services import service_create
from skm.surveys.models import Answer, ImportBatch, ImportJob, Response
from skm.transfer import readers
from skm.transfer.jobs import (
    import_job_check,
    import_job_run,
    imports_dir,
    job_path,
)

Status = ImportJob.Status
HEADER = ["Tanggal", "Jenis Layanan", "Jenis Kelamin", "Usia", "Pendidikan", "Pekerjaan"]
HEADER += [f"U{i}" for i in range(1, 10)] + ["Saran"]


def _day(offset: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=offset)).strftime("%d/%m/%Y")


def _rows(n: int = 12):
    rows = []
    for i in range(n):
        answers = [(i + j) % 4 + 1 for j in range(9)]
        rows.append(
            [
                f"{_day(i % 5)} 09:{i:02d}",
                "KTP-el",
                "L" if i % 2 else "P",
                str(20 + i),
                "SMA",
                "Swasta",
                *answers,
                "Antrean lama" if i == 2 else "",
            ]
        )
    return rows


def _csv(rows, header=HEADER) -> bytes:
    lines = [";".join(header)] + [";".join(str(c) for c in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Jawaban"
    sheet.append(header)
    for row in rows:
        sheet.append([int(c) if isinstance(c, int) else c for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _url(unit, suffix: str = "") -> str:
    return f"/staf/unit/{unit.slug}/impor/{suffix}"


def _upload(client, unit, period, content: bytes, name: str = "jawaban.csv", **extra):
    data = {"period": period.pk, "file": SimpleUploadedFile(name, content), **extra}
    return client.post(_url(unit), data)


@pytest.fixture
def ktp(unit):
    return service_create(unit=unit, name="KTP-el")


def test_upload_stores_the_file_under_a_generated_name_and_reads_nothing(
    operator_client, unit, current_period, ktp
):
    response = _upload(operator_client, unit, current_period, _csv(_rows()))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(unit, f"{job.stored_name}/")
    assert (job.status, job.original_name, job.unit, job.period) == (
        Status.CHECKING,
        "jawaban.csv",
        unit,
        current_period,
    )
    assert job_path(job).parent == imports_dir()
    assert job_path(job).read_bytes() == _csv(_rows())
    assert "jawaban" not in job.stored_name
    assert Response.objects.count() == 0


def test_check_shows_mapping_preview_then_confirm_loads_everything(
    operator_client, unit, current_period, ktp
):
    _upload(operator_client, unit, current_period, _csv(_rows()))
    job = import_job_check(ImportJob.objects.get())

    assert job.status == Status.READY
    assert job.problem_count == 0
    mapping = {c["field"]: (c["column"], c["header"]) for c in job.preview["columns"]}
    assert mapping["submitted_at"] == ("A", "Tanggal")
    assert mapping["service"] == ("B", "Jenis Layanan")
    assert mapping["U1"] == ("G", "U1")
    assert mapping["suggestion"] == ("P", "Saran")
    assert len(job.preview["rows"]) == 10
    first = job.preview["rows"][0]
    assert first["row"] == 2
    assert first["answers"] == [1, 2, 3, 4, 1, 2, 3, 4, 1]
    assert first["profile"]["service"] == "KTP-el"
    assert first["profile"]["gender"] == "P"
    assert job.preview["accepted"] == 12

    page = operator_client.get(_url(unit, f"{job.stored_name}/")).content.decode()
    assert "Kolom yang ditemukan" in page
    assert "U1 Persyaratan" in page
    assert "Jenis Layanan" in page
    assert "Konfirmasi impor" in page
    assert "Jawaban responden yang siap dimuat ke Periode Berjalan: 12." in page
    assert 'http-equiv="refresh"' not in page

    response = operator_client.post(_url(unit, f"{job.stored_name}/muat/"))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    assert Response.objects.count() == 0

    job = import_job_run(job)
    assert job.status == Status.DONE
    assert job.rows_done == 12
    assert Response.objects.filter(channel=Response.Channel.IMPORT, unit=unit).count() == 12
    assert Response.objects.filter(service=ktp).count() == 12
    assert Answer.objects.count() == 12 * 9
    assert Response.objects.get(suggestion="Antrean lama").age == 22
    batch = ImportBatch.objects.get()
    assert (job.batch, batch.file_name, batch.rows) == (batch, "jawaban.csv", 12)
    assert not job_path(job).exists()
    page = operator_client.get(_url(unit, f"{job.stored_name}/")).content.decode()
    assert "Selesai dimuat. Jawaban responden yang disimpan ke Periode Berjalan: 12." in page


def test_a_file_with_problems_is_refused_with_row_column_value_and_nothing_is_written(
    operator_client, unit, current_period, ktp
):
    rows = _rows()
    rows[1][8] = "7"  # U3 of spreadsheet row 3
    rows[4][1] = "Paspor"  # unknown service, row 6
    rows[6][0] = "01/01/2001 10:00"  # outside the period, row 8
    _upload(operator_client, unit, current_period, _csv(rows))
    job = import_job_check(ImportJob.objects.get())

    assert job.status == Status.REFUSED
    assert job.problem_count == 3
    by_row = {p["row"]: p for p in job.problems}
    assert sorted(by_row) == [3, 6, 8]
    assert (by_row[3]["column"], by_row[3]["header"], by_row[3]["value"]) == ("I", "U3", "7")
    assert by_row[3]["expected"].startswith("1-4")
    assert (by_row[6]["column"], by_row[6]["value"]) == ("B", "Paspor")
    assert by_row[6]["message"] == '"Paspor" bukan jenis layanan Dinas Contoh'
    assert by_row[6]["expected"] == "KTP-el"
    assert (by_row[8]["column"], by_row[8]["value"]) == ("A", "01/01/2001")
    assert "jawaban.csv, baris 3, kolom I" in by_row[3]["text"]
    assert job.stored_name not in by_row[3]["text"]
    # Kept (until READY_EXPIRY or "Discard") so that the columns can be corrected.
    assert job_path(job).exists() and job.preview["correctable"]

    page = operator_client.get(_url(unit, f"{job.stored_name}/")).content.decode()
    assert "Ditolak: tidak ada yang diimpor" in page
    # the count inside the sentence, never "...: 3." which reads as a list number
    assert "File ini memiliki 3 masalah, tercantum di bawah." in page
    assert ": 3." not in page
    assert "Paspor" in page
    assert "Konfirmasi impor" not in page

    response = operator_client.post(_url(unit, f"{job.stored_name}/muat/"))
    assert response.status_code == 200
    assert "Impor ini tidak dapat dikonfirmasi lagi." in response.content.decode()
    job.refresh_from_db()
    assert job.status == Status.REFUSED
    assert import_job_run(job).status == Status.REFUSED
    assert Response.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    operator_client.post(_url(unit, f"{job.stored_name}/batal/"))
    assert not job_path(job).exists()


def test_a_file_without_element_columns_is_refused_at_the_header(
    operator_client, unit, current_period
):
    _upload(operator_client, unit, current_period, b"Nama;Alamat\nBudi;Jl. Merdeka\n")
    job = import_job_check(ImportJob.objects.get())
    assert job.status == Status.REFUSED
    assert job.problem_count == 9
    assert job.problems[0]["message"] == "kolom untuk unsur U1 (Persyaratan) tidak ditemukan"
    assert Response.objects.count() == 0


def test_the_same_file_twice_needs_load_again(operator_client, unit, current_period, ktp):
    content = _csv(_rows())
    _upload(operator_client, unit, current_period, content)
    first = import_job_check(ImportJob.objects.get())
    operator_client.post(_url(unit, f"{first.stored_name}/muat/"))
    import_job_run(ImportJob.objects.get(pk=first.pk))
    assert Response.objects.count() == 12

    _upload(operator_client, unit, current_period, content, name="lagi.csv")
    second = import_job_check(ImportJob.objects.exclude(pk=first.pk).get())
    assert second.status == Status.READY
    assert second.preview["duplicate"] is True
    page = operator_client.get(_url(unit, f"{second.stored_name}/")).content.decode()
    assert "File yang persis sama sudah pernah diimpor ke periode ini." in page
    assert 'name="force"' in page

    response = operator_client.post(_url(unit, f"{second.stored_name}/muat/"))
    assert response.status_code == 200
    assert "Centang &quot;Muat lagi&quot;" in response.content.decode()
    second.refresh_from_db()
    assert second.status == Status.READY
    assert Response.objects.count() == 12

    operator_client.post(_url(unit, f"{second.stored_name}/muat/"), {"force": "on"})
    second = import_job_run(ImportJob.objects.get(pk=second.pk))
    assert second.status == Status.DONE
    assert Response.objects.count() == 24
    assert list(ImportBatch.objects.order_by("pk").values_list("forced", flat=True)) == [
        False,
        True,
    ]


def test_a_file_over_the_size_limit_is_refused_and_not_stored(
    operator_client, unit, current_period, settings
):
    settings.IMPORT_MAX_BYTES = 100
    response = _upload(operator_client, unit, current_period, b"U1;U2\n" + b"4;4\n" * 60)
    assert response.status_code == 200
    assert "File terlalu besar; paling besar 0 MB yang dapat diimpor." in (
        response.content.decode()
    )
    assert ImportJob.objects.count() == 0
    assert not imports_dir().exists() or list(imports_dir().iterdir()) == []


def test_xlsx_is_read_by_content_whatever_its_name(operator_client, unit, current_period, ktp):
    _upload(operator_client, unit, current_period, _xlsx(_rows(5)), name="jawaban.csv")
    job = import_job_check(ImportJob.objects.get())
    assert (job.status, job.preview["format"], job.preview["sheet"]) == (
        Status.READY,
        "xlsx",
        "Jawaban",
    )
    job.status = Status.READY
    operator_client.post(_url(unit, f"{job.stored_name}/muat/"))
    job = import_job_run(ImportJob.objects.get(pk=job.pk))
    assert job.status == Status.DONE
    assert Response.objects.count() == 5


def test_one_service_for_the_whole_file(operator_client, unit, current_period, ktp):
    kk = service_create(unit=unit, name="Kartu Keluarga")
    header = [h for h in HEADER if h != "Jenis Layanan"]
    rows = [[c for k, c in enumerate(r) if k != 1] for r in _rows(3)]
    _upload(operator_client, unit, current_period, _csv(rows, header), service=kk.pk)
    job = import_job_check(ImportJob.objects.get())
    operator_client.post(_url(unit, f"{job.stored_name}/muat/"))
    import_job_run(ImportJob.objects.get(pk=job.pk))
    assert Response.objects.filter(service=kk).count() == 3


def test_cancel_a_checked_import(operator_client, unit, current_period, ktp):
    _upload(operator_client, unit, current_period, _csv(_rows()))
    job = import_job_check(ImportJob.objects.get())
    response = operator_client.post(_url(unit, f"{job.stored_name}/batal/"))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert not job_path(job).exists()
    assert Response.objects.count() == 0


def test_status_endpoint_reports_progress(operator_client, unit, current_period, ktp):
    _upload(operator_client, unit, current_period, _csv(_rows()))
    job = ImportJob.objects.get()
    data = operator_client.get(_url(unit, f"{job.stored_name}/status/")).json()
    assert (data["status"], data["finished"]) == ("checking", False)
    page = operator_client.get(_url(unit, f"{job.stored_name}/")).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    import_job_check(job)
    data = operator_client.get(_url(unit, f"{job.stored_name}/status/")).json()
    assert data == {
        "status": "ready",
        "status_label": "Diperiksa, menunggu konfirmasi",
        "rows_done": 12,
        "estimated_rows": 12,
        "percent": 100,
        "problem_count": 0,
        "finished": True,
    }


DIED = (
    "Pemrosesan berhenti tak terduga (proses pekerja mati); tidak ada data yang diimpor. "
    "Unggah ulang berkas atau hubungi admin."
)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_check_and_the_load_run_as_tasks_after_the_commit(
    operator_client, unit, current_period, ktp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _upload(operator_client, unit, current_period, _csv(_rows()))
    assert len(callbacks) == 1
    job = ImportJob.objects.get()
    assert (job.status, job.attempts) == (Status.READY, 1)
    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(_url(unit, f"{job.stored_name}/muat/"))
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 2)
    assert Response.objects.count() == 12


def _never_read(*args, **kwargs):
    raise AssertionError("the file was read again")


def test_a_check_found_attempted_is_failed_and_not_read_again(
    operator_client, unit, current_period, ktp, monkeypatch
):
    # A check that died (its worker killed mid-read) left the job "checking", attempted.
    _upload(operator_client, unit, current_period, _csv(_rows()))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(attempts=1)
    monkeypatch.setattr(readers, "open_response_file", _never_read)
    job = import_job_check(ImportJob.objects.get())
    assert job.status == Status.FAILED
    assert job.problems[0]["text"] == DIED
    assert not job_path(job).exists()


def test_a_load_found_running_is_failed_and_loads_nothing(
    operator_client, unit, current_period, ktp
):
    _upload(operator_client, unit, current_period, _csv(_rows()))
    job = import_job_check(ImportJob.objects.get())
    # Its load died: the job was moved to "running", the load's transaction never committed.
    ImportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, attempts=2)
    job = import_job_run(ImportJob.objects.get(pk=job.pk))
    assert job.status == Status.FAILED
    assert job.problems[0]["text"] == DIED
    assert not job_path(job).exists()
    assert Response.objects.count() == 0


@pytest.fixture
def db_tasks(transactional_db, settings, tmp_path):
    """The production backend (tasks stored for `skm importworker`); real commits, since
    the worker checks its connection between tasks, as db_worker does."""
    settings.TASKS = DB_TASKS
    settings.DATA_DIR = tmp_path


def test_worker_checks_and_loads_waiting_jobs(db_tasks, operator_client, unit, current_period, ktp):
    from django_tasks_db.models import DBTaskResult

    _upload(operator_client, unit, current_period, _csv(_rows()))
    job = ImportJob.objects.get()
    assert job.status == Status.CHECKING
    assert DBTaskResult.objects.get().task_path == "skm.transfer.jobs.import_check_task"
    call_command("importworker", "--batch", "--worker-id", "test-worker")
    job.refresh_from_db()
    assert job.status == Status.READY
    operator_client.post(_url(unit, f"{job.stored_name}/muat/"))
    call_command("importworker", "--once", "--worker-id", "test-worker")
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert Response.objects.count() == 12
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_worker_start_fails_the_jobs_its_dead_predecessor_left(
    db_tasks, operator_client, unit, current_period, ktp
):
    from django_tasks_db.models import DBTaskResult

    _upload(operator_client, unit, current_period, _csv(_rows()))
    job = ImportJob.objects.get()
    # Worker "w1" took the check and died in it: its task stays "running" (django-tasks-db
    # never takes a running task again), the job "checking" with its attempt recorded.
    DBTaskResult.objects.update(status="RUNNING", worker_ids=["w1"])
    ImportJob.objects.filter(pk=job.pk).update(attempts=1)
    # Another worker leaves it alone: w1 might still be working on it.
    call_command("importworker", "--batch", "--worker-id", "w2")
    job.refresh_from_db()
    assert (job.status, DBTaskResult.objects.get().status) == (Status.CHECKING, "RUNNING")
    # w1 starting again knows that its predecessor died.
    call_command("importworker", "--batch", "--worker-id", "w1")
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.problems[0]["text"] == DIED
    assert not job_path(job).exists()
    task = DBTaskResult.objects.get()
    assert (task.status, task.exception_class_path) == ("FAILED", "skm.config.tasks.WorkerDied")
    # Another upload flows as usual.
    _upload(operator_client, unit, current_period, _csv(_rows(3)))
    call_command("importworker", "--batch", "--worker-id", "w1")
    assert ImportJob.objects.latest("pk").status == Status.READY


def test_a_large_file_on_sqlite_is_refused_at_the_check(
    operator_client, unit, current_period, ktp, settings
):
    from django.db import connection

    settings.IMPORT_SQLITE_MAX_ROWS = 10
    _upload(operator_client, unit, current_period, _csv(_rows(11)))
    job = import_job_check(ImportJob.objects.get())
    if connection.vendor != "sqlite":
        assert job.status == Status.READY  # PostgreSQL: no such limit
        return
    assert job.status == Status.REFUSED
    assert job.problems[0]["text"] == (
        "Berkas berisi lebih dari 10 baris. Di server ini (basis data SQLite) paling "
        "banyak 10 baris dapat diimpor sekaligus, karena impor menahan semua penulisan "
        "lain sampai selesai. Pecah berkas menjadi beberapa bagian berisi paling banyak "
        "10 baris, atau minta admin memindahkan aplikasi ke PostgreSQL."
    )
    assert not job_path(job).exists()
    _upload(operator_client, unit, current_period, _csv(_rows(10)))
    assert import_job_check(ImportJob.objects.latest("pk")).status == Status.READY


def test_another_units_job_is_not_found(client, stranger, operator, unit, current_period, ktp):
    client.force_login(operator)
    _upload(client, unit, current_period, _csv(_rows()))
    job = ImportJob.objects.get()
    client.force_login(stranger)
    other = stranger.memberships.get().unit
    assert client.get(_url(unit, f"{job.stored_name}/")).status_code == 404
    assert client.get(_url(other, f"{job.stored_name}/")).status_code == 404
    assert client.post(_url(other, f"{job.stored_name}/muat/")).status_code == 404


def test_anonymous_upload_goes_to_login_and_stores_nothing(client, unit, current_period):
    response = _upload(client, unit, current_period, _csv(_rows()))
    assert response.status_code == 302
    assert response["Location"].startswith("/staf/masuk/?next=")
    assert ImportJob.objects.count() == 0
    assert not imports_dir().exists()


def test_upload_form_errors_keep_the_page(operator_client, unit, current_period):
    response = operator_client.post(_url(unit), {"period": current_period.pk})
    assert response.status_code == 200
    assert "Mohon perbaiki isian berikut" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_upload_without_the_csrf_token_is_refused(operator, unit, current_period):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    response = _upload(client, unit, current_period, _csv(_rows()))
    assert response.status_code == 403
    assert ImportJob.objects.count() == 0
    assert not imports_dir().exists() or list(imports_dir().iterdir()) == []


def test_checked_jobs_nobody_confirms_expire(operator_client, unit, current_period, ktp):
    from skm.transfer.jobs import import_jobs_expire

    _upload(operator_client, unit, current_period, _csv(_rows()))
    job = import_job_check(ImportJob.objects.get())
    assert import_jobs_expire() == 0
    assert import_jobs_expire(now=timezone.now() + dt.timedelta(days=8)) == 1
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert not job_path(job).exists()


def test_development_runner_fails_the_tasks_of_dead_web_processes_only(
    db_tasks, operator_client, unit, current_period, ktp
):
    import subprocess

    from django_tasks_db.models import DBTaskResult

    from skm.config.tasks import _host, _web_runner_dead, recover_dead_tasks

    _upload(operator_client, unit, current_period, _csv(_rows()), name="mati.csv")
    _upload(operator_client, unit, current_period, _csv(_rows(3)), name="hidup.csv")
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process number that no longer runs
    for name, pid in (("mati.csv", gone.pid), ("hidup.csv", os.getppid())):
        job = ImportJob.objects.get(original_name=name)
        DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).update(
            status="RUNNING", worker_ids=[f"web:{_host()}:{pid}"]
        )
        ImportJob.objects.filter(pk=job.pk).update(attempts=1)
    assert recover_dead_tasks("default", _web_runner_dead) == 1
    statuses = dict(ImportJob.objects.values_list("original_name", "status"))
    assert statuses == {"mati.csv": Status.FAILED, "hidup.csv": Status.CHECKING}


def test_a_task_ended_by_an_unhandled_exit_fails_its_job(
    operator_client, unit, current_period, ktp, monkeypatch, django_capture_on_commit_callbacks
):
    # e.g. the worker's second stop signal (SystemExit) in the middle of a check.
    def stop(job):
        raise SystemExit(1)

    monkeypatch.setattr("skm.transfer.jobs._check", stop)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(operator_client, unit, current_period, _csv(_rows()))
    job = ImportJob.objects.get()
    assert job.status == Status.FAILED
    assert job.problems[0]["text"] == DIED
