"""Web imports: a response file uploaded by staff, checked, confirmed, loaded in the background.

The upload request only stores the file (under a generated name in DATA_DIR/imports) and an
``ImportJob`` in status "checking"; it never reads the file. The check and the load are
django-tasks tasks (``import_check_task``, ``import_load_task``), stored with the job by
django-tasks-db and run outside the web request: by the `skm importworker` service in
production, by a thread of the web process in development, at once in the tests
(settings.TASK_RUNNER, skm.config.tasks, docs/operations.md).

Life of a job: checking -> ready | refused; ready -> queued (confirmed) | cancelled;
queued -> running -> done | refused | failed.

A step records its attempt in a committed write before its work (the check raises
``attempts``, the load moves the job to "running"); a job found already attempted when its
step starts, or whose task's worker died (skm.config.tasks.recover_dead_tasks), is failed
with a message and never worked on again. Since the load and the job's "done" commit
together, a load that died has loaded nothing.

The check reads the whole file with the same reader as ``skm ikm`` and records the column
mapping, a preview and every problem; the load is ``responses_import`` (all or nothing,
same checks, refusing a file loaded before unless the person ticked "load again").
On SQLite a file of more than settings.IMPORT_SQLITE_MAX_ROWS rows is refused at the check:
the load would hold the database's only write lock for its whole length.
Progress is written to a small file next to the upload rather than to the database:
during the load the database transaction is still open (SQLite: holding the write lock),
so a progress row could neither be written nor seen before the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from skm.config.tasks import enqueue, on_worker_death
from skm.method.elements import normalize
from skm.method.profile import EDUCATIONS, OCCUPATIONS
from skm.org.models import Service, Unit
from skm.surveys.models import ImportBatch, ImportJob, Period
from skm.surveys.selectors import method_elements, questionnaire_elements
from skm.surveys.services import ImportRefused, file_sha256, responses_import, service_lookup

log = logging.getLogger(__name__)

Status = ImportJob.Status
PREVIEW_ROWS = 10
MAX_PROBLEMS = 50
PROGRESS_EVERY = 2000
# Jobs checked but never confirmed are cancelled (and their file deleted) after this.
READY_EXPIRY = dt.timedelta(days=7)
FINAL = frozenset({Status.REFUSED, Status.DONE, Status.FAILED, Status.CANCELLED})
WAITING = (Status.CHECKING, Status.QUEUED)

_FIELD_LABELS = {
    "submitted_at": "Tanggal survei",
    "gender": "Jenis kelamin",
    "age": "Usia",
    "education": "Pendidikan",
    "occupation": "Pekerjaan",
    "occupation_other": "Pekerjaan lainnya",
    "service": "Jenis layanan",
    "suggestion": "Saran",
}
_EDUCATION_LABELS = dict(EDUCATIONS)
_OCCUPATION_LABELS = dict(OCCUPATIONS)


# --------------------------------------------------------------------------------------
# Files


def imports_dir() -> Path:
    """Where uploads wait for their job: inside the data directory, never under static."""
    return Path(settings.DATA_DIR) / "imports"


def job_path(job: ImportJob) -> Path:
    # Re-parsing the stored name as a UUID guarantees it can never point outside the folder.
    return imports_dir() / str(uuid.UUID(job.stored_name))


def _progress_path(job: ImportJob) -> Path:
    return imports_dir() / f"{uuid.UUID(job.stored_name)}.progress"


def _progress_write(job: ImportJob, done: int) -> None:
    path = _progress_path(job)
    temporary = path.with_suffix(".progress-tmp")
    temporary.write_text(str(done))
    os.replace(temporary, path)


def import_job_progress(job: ImportJob) -> int:
    """Rows read so far: live while checking or loading, the stored count otherwise."""
    if job.status in (Status.CHECKING, Status.RUNNING):
        try:
            return max(job.rows_done, int(_progress_path(job).read_text() or 0))
        except (OSError, ValueError):
            return job.rows_done
    return job.rows_done


def _remove_files(job: ImportJob) -> None:
    for path in (job_path(job), _progress_path(job)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


# --------------------------------------------------------------------------------------
# Creating, confirming, cancelling (called from views)


def periods_for_import(unit: Unit):
    """Periods a file may be loaded into: those covering the unit (its own and above)."""
    return (
        Period.objects.filter(unit__in=[unit, *unit.ancestors()])
        .select_related("unit")
        .order_by("-start_date", "unit__depth")
    )


def services_for_unit(unit: Unit):
    """Services a response of ``unit`` may name: its own and those of the units above."""
    return Service.objects.filter(unit__in=[unit, *unit.ancestors()], is_active=True).order_by(
        "unit__depth", "name"
    )


def import_job_create(
    *,
    unit: Unit,
    period: Period,
    upload: UploadedFile,
    service: Service | None = None,
    sheet: str = "",
    user: Any = None,
) -> ImportJob:
    """Store an uploaded file under a generated name and queue its check.

    Nothing of the file is read here (its type is decided by the reader, from its content).
    """
    if not unit.path.startswith(period.unit.path):
        raise ValidationError(
            _("The period %(period)s does not cover the unit %(unit)s.")
            % {"period": period.name, "unit": unit.name}
        )
    if service is not None and not services_for_unit(unit).filter(pk=service.pk).exists():
        raise ValidationError(
            _("%(service)s is not a service of %(unit)s.")
            % {"service": service.name, "unit": unit.name}
        )
    limit = settings.IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); at most %(max)s MB can be imported.")
            % {"size": megabytes(upload.size), "max": megabytes(limit)}
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."))
    folder = imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = str(uuid.uuid4())
    path = folder / stored_name
    written = 0
    try:
        with open(path, "xb") as out:
            for chunk in upload.chunks():
                written += len(chunk)
                if written > limit:
                    raise ValidationError(
                        _("The file is too large; at most %(max)s MB can be imported.")
                        % {"max": megabytes(limit)}
                    )
                out.write(chunk)
        with transaction.atomic():
            job = ImportJob.objects.create(
                unit=unit,
                period=period,
                service=service,
                created_by=user if getattr(user, "is_authenticated", False) else None,
                original_name=_display_name(upload.name or ""),
                stored_name=stored_name,
                sheet=sheet.strip()[:120],
                status=Status.CHECKING,
            )
            import_job_schedule(job)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        raise
    return job


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _display_name(name: str) -> str:
    """The uploaded file's name as shown to people; never used as a path."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or "file"


def import_job_confirm(*, job: ImportJob, force: bool = False) -> ImportJob:
    """Queue a checked job for loading. A file loaded before into the period needs ``force``."""
    if job.status != Status.READY:
        raise ValidationError(_("This import can no longer be confirmed."))
    sha = job.preview.get("sha256", "")
    duplicate = bool(sha) and ImportBatch.objects.filter(period=job.period, sha256=sha).exists()
    if duplicate and not force:
        raise ValidationError(
            _(
                'This file was already imported into %(period)s. Tick "Load again" to load '
                "it a second time."
            )
            % {"period": job.period.name}
        )
    preview = {**job.preview, "duplicate": duplicate, "force": bool(force and duplicate)}
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=Status.READY).update(
            status=Status.QUEUED, preview=preview, updated_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This import can no longer be confirmed."))
        job.refresh_from_db()
        import_job_schedule(job)
    return job


def import_job_cancel(*, job: ImportJob) -> ImportJob:
    """Drop a checked job that will not be loaded, and its file."""
    updated = ImportJob.objects.filter(pk=job.pk, status__in=[Status.READY, Status.REFUSED]).update(
        status=Status.CANCELLED, finished_at=timezone.now(), updated_at=timezone.now()
    )
    if not updated and job.status != Status.CANCELLED:
        raise ValidationError(_("This import can no longer be cancelled."))
    _remove_files(job)
    job.refresh_from_db()
    return job


# --------------------------------------------------------------------------------------
# The check


def import_job_check(job: ImportJob) -> ImportJob:
    """Read the whole file; store mapping, preview and problems; ready or refused.

    Always leaves "checking" (an unexpected error fails the job), so a worker never spins
    on the same job.
    """
    if job.status != Status.CHECKING:
        return job
    # The attempt, committed before the file is read: a check that kills its worker is
    # found attempted by any later run and failed, never read again.
    started = ImportJob.objects.filter(pk=job.pk, status=Status.CHECKING, attempts=0).update(
        attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if not started:
        return _fail_died(job, Status.CHECKING)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            outcome = _check(job)
        except Exception:
            log.exception("import job %s: check failed", job.pk)
            outcome = {
                "status": Status.FAILED,
                "problems": [_problem_text(_("The check stopped because of an unexpected error."))],
                "problem_count": 1,
                "finished_at": timezone.now(),
            }
    if outcome["status"] == Status.REFUSED and "preview" in outcome:
        # A refused check keeps its file (until READY_EXPIRY) so that staff can correct
        # how the columns are read and check again (import_job_remap).
        outcome["preview"]["correctable"] = True
    updated = ImportJob.objects.filter(pk=job.pk, status=Status.CHECKING).update(
        updated_at=timezone.now(), **outcome
    )
    job.refresh_from_db()
    if updated and job.status in FINAL and not job.preview.get("correctable"):
        _remove_files(job)
    else:
        with contextlib.suppress(FileNotFoundError):
            _progress_path(job).unlink()
    return job


def _check(job: ImportJob) -> dict[str, Any]:
    from skm.transfer.readers import open_response_file

    path = job_path(job)
    if not path.is_file():
        return {
            "status": Status.FAILED,
            "problems": [_problem_text(_("The uploaded file is gone; upload it again."))],
            "problem_count": 1,
            "finished_at": timezone.now(),
        }
    period = job.period
    rows = questionnaire_elements(period)
    elements = method_elements(rows)
    lookup = service_lookup(job.unit)
    start = timezone.make_aware(dt.datetime.combine(period.start_date, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.end_date, dt.time.max))
    rename = _renamer(job)
    extra: list[dict[str, Any]] = []
    extra_count = 0
    preview_rows: list[dict[str, Any]] = []
    accepted = 0

    with open_response_file(
        path, sheet=job.sheet or None, elements=elements, with_profile=True, **reader_options(job)
    ) as reader:
        if reader.estimated_rows is not None:
            ImportJob.objects.filter(pk=job.pk).update(estimated_rows=reader.estimated_rows)
        columns = [
            {
                "field": field,
                "label": _field_label(field, elements),
                "column": column.letter,
                "header": _file_header(job, column.index, column.header),
            }
            for field, column in sorted(reader.columns.items(), key=lambda kv: kv[1].index)
        ]
        preview: dict[str, Any] = {
            "format": reader.format,
            "encoding": reader.encoding,
            "delimiter": reader.delimiter,
            "sheet": reader.sheet,
            "header_line": reader.header_line,
            "columns": columns,
            "elements": [e.code for e in elements],
            "profile_fields": [f for f in _FIELD_LABELS if f in reader.columns],
            "rows": preview_rows,
            # Every column and what it became, and why: the page lets staff correct it.
            "layout": reader.account.layout,
            "header_rows": list(reader.account.header_rows or ()),
            "all_columns": [
                {
                    "letter": c.letter,
                    "header": _file_header(job, index, c.header),
                    "role": c.role,
                    "reason": c.reason,
                }
                for index, c in enumerate(reader.account.columns)
            ],
        }
        if reader.header_problems:
            preview["notices"] = _web_notices(job, reader.account.lines(), rename)
            problems = [_problem_dict(p, rename) for p in reader.header_problems]
            return {
                "status": Status.REFUSED,
                "preview": preview,
                "problems": problems[:MAX_PROBLEMS],
                "problem_count": len(problems),
                "estimated_rows": reader.estimated_rows,
                "finished_at": timezone.now(),
            }
        service_column = reader.columns.get("service")
        date_column = reader.columns.get("submitted_at")
        sqlite_limit = settings.IMPORT_SQLITE_MAX_ROWS if connection.vendor == "sqlite" else None
        for row in reader.rows():
            if sqlite_limit is not None and reader.rows_read > sqlite_limit:
                return _too_large_for_sqlite(sqlite_limit)
            profile = row.profile
            row_service = job.service
            bad = False
            if profile is not None and profile.service and job.service is None:
                row_service = lookup.get(normalize(profile.service))
                if row_service is None:
                    extra_count += 1
                    bad = True
                    if len(extra) < MAX_PROBLEMS:
                        extra.append(
                            _extra_problem(
                                row.line,
                                service_column,
                                "service",
                                profile.service,
                                _('"%(value)s" is not a service of %(unit)s')
                                % {"value": profile.service, "unit": job.unit.name},
                                ", ".join(sorted({s.name for s in lookup.values()})) or "-",
                                rename(reader.name),
                            )
                        )
            if profile is not None and profile.submitted_at is not None:
                when = profile.submitted_at
                if timezone.is_naive(when):
                    when = timezone.make_aware(when)
                if not start <= when <= end:
                    extra_count += 1
                    bad = True
                    if len(extra) < MAX_PROBLEMS:
                        extra.append(
                            _extra_problem(
                                row.line,
                                date_column,
                                "submitted_at",
                                f"{timezone.localtime(when):%d/%m/%Y}",
                                _("the date is outside the period %(period)s")
                                % {"period": period.name},
                                f"{period.start_date:%d/%m/%Y} - {period.end_date:%d/%m/%Y}",
                                rename(reader.name),
                            )
                        )
            if not bad:
                accepted += 1
                if len(preview_rows) < PREVIEW_ROWS:
                    preview_rows.append(_preview_row(row, row_service))
            if reader.rows_read % PROGRESS_EVERY == 0:
                _progress_write(job, reader.rows_read)
        # What the reader did to the file's shape: header rows, skipped summary rows, ...
        preview["notices"] = _web_notices(job, reader.account.lines(), rename)
        problems = [_problem_dict(p, rename) for p in reader.problems] + extra
        problems.sort(key=lambda p: p.get("row") or 0)
        problem_count = reader.problem_count + extra_count
        sha = file_sha256(path)
        preview["sha256"] = sha
        preview["duplicate"] = ImportBatch.objects.filter(period=period, sha256=sha).exists()
        preview["accepted"] = accepted
        if not problem_count and not accepted:
            problems = [_problem_text(_("There are no responses in the file."))]
            problem_count = 1
        return {
            "status": Status.REFUSED if problem_count else Status.READY,
            "preview": preview,
            "problems": problems[:MAX_PROBLEMS],
            "problem_count": problem_count,
            "estimated_rows": max(reader.rows_read, 0),
            "rows_done": reader.rows_read,
            "finished_at": timezone.now() if problem_count else None,
        }


def _file_header(job: ImportJob, index: int, header: str) -> str:
    """A column's header as the file has it (read with staff's columns, the reader only
    knows the meanings they chose)."""
    headers = (job.mapping or {}).get("headers") or []
    return headers[index] if index < len(headers) else header


_CLI_ORDER = re.compile(r"jalankan lagi dengan --order (\w+)")


def _web_notices(job: ImportJob, lines: list[str], rename: Callable[[str], str]) -> list[str]:
    """The reader's notices as the web page says them: no command-line options, and with
    staff's own columns, no notice about how the reader would have read them."""
    if (job.mapping or {}).get("columns"):
        lines = [
            line
            for line in lines
            if not line.startswith(("Judul kolom dari --header-row", "Tanpa baris judul kolom"))
            and not line.startswith("PERHATIAN: kolom bernomor")
        ]
        lines.insert(0, _("The columns are read as chosen on this page (kept with the import)."))
    return [
        rename(
            _CLI_ORDER.sub(
                _('choose the other order under "Correct how the columns are read"'), line
            )
        )
        for line in lines
    ]


def _too_large_for_sqlite(limit: int) -> dict[str, Any]:
    text = _(
        "The file has more than %(max)s rows. On this server (SQLite database) at most "
        "%(max)s rows can be imported at once, because the import blocks every other "
        "write until it ends. Split the file into parts of at most %(max)s rows, or ask "
        "the administrator to move the application to PostgreSQL."
    ) % {"max": f"{limit:,}".replace(",", ".")}
    return {
        "status": Status.REFUSED,
        "problems": [_problem_text(text)],
        "problem_count": 1,
        "finished_at": timezone.now(),
    }


def _field_label(field: str, elements) -> str:
    for element in elements:
        if element.code == field:
            return f"{element.code} {element.name}"
    return _FIELD_LABELS.get(field, field)


def _renamer(job: ImportJob) -> Callable[[str], str]:
    """Messages name the stored file (a UUID); people know it by the name they uploaded."""
    stored = str(uuid.UUID(job.stored_name))

    def rename(text: str) -> str:
        return text.replace(stored, job.original_name)

    return rename


def _value_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _problem_dict(problem, rename: Callable[[str], str]) -> dict[str, Any]:
    return {
        "row": problem.row,
        "column": problem.column,
        "header": problem.header,
        "field": problem.field,
        "value": _value_text(problem.value),
        "expected": problem.expected,
        "message": problem.message,
        "text": rename(str(problem)),
    }


def _extra_problem(
    row: int, column, field: str, value: str, message: str, expected: str, file: str
) -> dict[str, Any]:
    letter = column.letter if column is not None else None
    header = column.header if column is not None else None
    where = [file, _("row %(row)s") % {"row": row}]
    if letter:
        where.append(_("column %(column)s") % {"column": letter})
    return {
        "row": row,
        "column": letter,
        "header": header,
        "field": field,
        "value": _value_text(value),
        "expected": expected,
        "message": message,
        "text": f"{', '.join(where)}: {message}; "
        + _("expected: %(expected)s") % {"expected": expected},
    }


def _problem_text(text: str) -> dict[str, Any]:
    return {"row": None, "column": None, "message": text, "text": text}


def _preview_row(row, service: Service | None) -> dict[str, Any]:
    profile = row.profile
    shown: dict[str, Any] = {}
    if profile is not None:
        shown = {
            "submitted_at": f"{profile.submitted_at:%d/%m/%Y %H:%M}"
            if profile.submitted_at
            else None,
            "gender": profile.gender,
            "age": profile.age,
            "education": _EDUCATION_LABELS.get(profile.education or "", profile.education),
            "occupation": _OCCUPATION_LABELS.get(profile.occupation or "", profile.occupation),
            "occupation_other": profile.occupation_other,
            "service": service.name if service else profile.service,
            "suggestion": _value_text(profile.suggestion),
        }
    return {"row": row.line, "answers": list(row.answers), "profile": shown}


# --------------------------------------------------------------------------------------
# The load


def import_job_run(job: ImportJob) -> ImportJob:
    """Load a confirmed (queued) job with responses_import.

    Moving the job to "running" is the load's attempt, committed before the load; a job
    found "running" here was attempted before (its worker died) and is failed.
    """
    if not _claim(job):
        job.refresh_from_db()
        if job.status == Status.RUNNING:
            return _fail_died(job, Status.RUNNING)
        return job
    return _load(job)


def _claim(job: ImportJob) -> bool:
    # Compare-and-set: of two runners reaching the same job only one moves it on.
    taken = ImportJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
        status=Status.RUNNING,
        rows_done=0,
        attempts=F("attempts") + 1,
        updated_at=timezone.now(),
    )
    return bool(taken)


def _load(job: ImportJob) -> ImportJob:
    job.refresh_from_db()
    rename = _renamer(job)

    def progress(done: int, total: int | None) -> None:
        _progress_write(job, done)

    with translation.override(settings.LANGUAGE_CODE):
        try:
            # The job's "done" commits with the responses: a crash leaves neither.
            with transaction.atomic():
                options = reader_options(job)
                order = options.pop("order", None)
                result = responses_import(
                    period=job.period,
                    unit=job.unit,
                    path=job_path(job),
                    service=job.service,
                    sheet=job.sheet or None,
                    force=bool(job.preview.get("force")),
                    progress=progress,
                    order=order,
                    shape=options or None,
                )
                if result.batch is not None:
                    ImportBatch.objects.filter(pk=result.batch.pk).update(
                        file_name=job.original_name[:255]
                    )
                ImportJob.objects.filter(pk=job.pk).update(
                    status=Status.DONE,
                    batch=result.batch,
                    rows_done=result.rows,
                    estimated_rows=result.rows,
                    problems=[],
                    problem_count=0,
                    finished_at=timezone.now(),
                    updated_at=timezone.now(),
                )
        except ImportRefused as refused:
            ImportJob.objects.filter(pk=job.pk).update(
                status=Status.REFUSED,
                problems=[_problem_text(rename(p)) for p in refused.problems[:MAX_PROBLEMS]],
                problem_count=refused.count,
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
        except Exception:
            log.exception("import job %s: load failed", job.pk)
            ImportJob.objects.filter(pk=job.pk).update(
                status=Status.FAILED,
                problems=[
                    _problem_text(
                        _(
                            "The import stopped because of an unexpected error; nothing was "
                            "imported."
                        )
                    )
                ],
                problem_count=1,
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
    _remove_files(job)
    job.refresh_from_db()
    return job


# --------------------------------------------------------------------------------------
# Runners


def import_job_schedule(job: ImportJob) -> None:
    """Queue the job's next step (its check, or its load) as a background task."""
    if job.status == Status.CHECKING:
        enqueue(import_check_task, job.pk)
    elif job.status == Status.QUEUED:
        enqueue(import_load_task, job.pk)


@task()
def import_check_task(job_id: int) -> str:
    """The check of an uploaded file (a background task)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "gone"
    job = import_job_check(job)
    import_jobs_expire()
    return job.status


@task()
def import_load_task(job_id: int) -> str:
    """The load of a confirmed file (a background task)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "gone"
    return import_job_run(job).status


def _died_message() -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        return _problem_text(
            _(
                "Processing stopped unexpectedly (the worker process died); nothing was "
                "imported. Upload the file again or contact the administrator."
            )
        )


def _fail_died(job: ImportJob, *statuses: str) -> ImportJob:
    """Fail a job whose step died (if it is still in one of ``statuses``); its files go."""
    failed = ImportJob.objects.filter(pk=job.pk, status__in=statuses).update(
        status=Status.FAILED,
        problems=[_died_message()],
        problem_count=1,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if failed:
        log.warning("import job %s: its processing died; failed", job.pk)
        _remove_files(job)
    job.refresh_from_db()
    return job


@on_worker_death(import_check_task)
def _check_died(job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        _fail_died(job, Status.CHECKING)


@on_worker_death(import_load_task)
def _load_died(job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        _fail_died(job, Status.QUEUED, Status.RUNNING)


def import_jobs_expire(now: dt.datetime | None = None) -> int:
    """Cancel checked jobs nobody confirmed within READY_EXPIRY, deleting their files; the
    files kept by refused checks (for a correction) are deleted after the same time."""
    limit = (now or timezone.now()) - READY_EXPIRY
    old = list(ImportJob.objects.filter(status=Status.READY, updated_at__lt=limit))
    for job in old:
        with contextlib.suppress(ValidationError):
            import_job_cancel(job=job)
    kept = ImportJob.objects.filter(
        status=Status.REFUSED, updated_at__lt=limit, preview__correctable=True
    )
    for job in kept:
        _remove_files(job)
        ImportJob.objects.filter(pk=job.pk).update(preview={**job.preview, "correctable": False})
    return len(old)


# --------------------------------------------------------------------------------------
# Correcting how a file is read (issue #13, point 9)

# What a column can be made to mean on the page: the tokens of the reader's --columns.
PROFILE_TOKENS = {
    "submitted_at": "tanggal",
    "gender": "jk",
    "age": "usia",
    "education": "pendidikan",
    "occupation": "pekerjaan",
    "occupation_other": "pekerjaan lainnya",
    "service": "layanan",
    "suggestion": "saran",
}
ORDERS = ("kuesioner", "daftar")


def reader_options(job: ImportJob) -> dict[str, Any]:
    """The reader's keyword arguments from the job's corrected mapping (none: automatic)."""
    mapping = job.mapping or {}
    options: dict[str, Any] = {}
    if mapping.get("order") in ORDERS:
        options["order"] = mapping["order"]
    if mapping.get("columns"):
        options["column_names"] = list(mapping["columns"])
        rows = mapping.get("header_row") or []
        if len(rows) == 2:
            options["header_row"] = (int(rows[0]), int(rows[1]))
    return options


def import_job_correctable(job: ImportJob) -> bool:
    """Whether the page may offer to correct the columns: a checked wide file still here."""
    return (
        (job.status == Status.READY or bool(job.preview.get("correctable")))
        and job.preview.get("layout", "wide") in ("wide", "named")
        and bool(job.preview.get("all_columns"))
        and job_path(job).is_file()
    )


def import_job_remap(*, job: ImportJob, columns: list[str], order: str | None) -> ImportJob:
    """Check the file again, reading each column as staff said (``columns``: one token per
    column, "-" for ignored; see PROFILE_TOKENS) with the header rows the reader found.

    One element in two columns is refused here with both columns named; what the
    reader itself would refuse comes back as the new check's problems.
    """
    if not import_job_correctable(job):
        raise ValidationError(_("The columns of this import can no longer be changed."))
    letters = [c["letter"] for c in job.preview["all_columns"]]
    seen: dict[str, str] = {}
    for letter, meaning in zip(letters, columns, strict=True):
        if meaning != "-" and meaning in seen:
            raise ValidationError(
                _("Columns %(first)s and %(second)s are both %(what)s; choose one.")
                % {"first": seen[meaning], "second": letter, "what": meaning}
            )
        seen[meaning] = letter
    if not any(t.upper().startswith("U") for t in columns):
        raise ValidationError(_("No column is read as an element."))
    mapping = {
        "header_row": job.preview.get("header_rows") or [],
        "columns": list(columns),
        "headers": [c["header"] for c in job.preview["all_columns"]],
        "order": order if order in ORDERS else "",
    }
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=Status.CHECKING,
            mapping=mapping,
            attempts=0,
            preview={},
            problems=[],
            problem_count=0,
            rows_done=0,
            finished_at=None,
            updated_at=timezone.now(),
        )
        if not updated:
            raise ValidationError(_("The columns of this import can no longer be changed."))
        job.refresh_from_db()
        import_job_schedule(job)
    return job
