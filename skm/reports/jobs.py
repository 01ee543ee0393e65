"""Documents made in the background, so that a large report never holds a web worker.

A ReportJob is created by the page; with settings.IMPORT_RUNNER == "thread" (the default)
a daemon thread makes it after the transaction commits; with "worker" the `skm importworker`
process picks it up (it runs import jobs and report jobs). The file is written under
``<DATA_DIR>/reports/<ref>.<fmt>`` and served by a view that checks the unit.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction

from skm.reports.documents import ReportUnavailable, build
from skm.reports.models import ReportJob

log = logging.getLogger(__name__)
Status = ReportJob.Status


def reports_dir() -> Path:
    return Path(settings.DATA_DIR) / "reports"


def job_file(job: ReportJob) -> Path:
    return reports_dir() / f"{uuid.UUID(str(job.ref)).hex}.{job.fmt}"


def report_job_create(*, unit, period, kind: str, fmt: str, size: str, signed_on, user):
    job = ReportJob.objects.create(
        ref=uuid.uuid4(),
        unit=unit,
        period=period,
        kind=kind,
        fmt=fmt,
        size=size,
        signed_on=signed_on,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if getattr(settings, "IMPORT_RUNNER", "thread") == "thread":
        job_id = job.pk
        transaction.on_commit(lambda: _start_thread(job_id))
    return job


def _start_thread(job_id: int) -> None:
    threading.Thread(
        target=_run_in_thread, args=(job_id,), name=f"report-job-{job_id}", daemon=True
    ).start()


def _run_in_thread(job_id: int) -> None:
    try:
        job = ReportJob.objects.filter(pk=job_id).first()
        if job is not None:
            report_job_run(job)
    except Exception:
        log.exception("report job %s: background thread failed", job_id)
    finally:
        connections.close_all()


def _claim(job: ReportJob) -> bool:
    return bool(
        ReportJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(status=Status.RUNNING)
    )


def report_job_run(job: ReportJob) -> ReportJob:
    """Make the document (once: a job another runner claimed is left alone)."""
    if not _claim(job):
        return job
    job.refresh_from_db()
    try:
        document = build(
            job.kind,
            unit=job.unit,
            period=job.period,
            fmt=job.fmt,
            size=job.size,
            signed_on=job.signed_on,
        )
        path = job_file(job)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.part")
        temporary.write_bytes(document.content)
        os.replace(temporary, path)
    except ReportUnavailable as reason:
        job.status, job.error = Status.FAILED, str(reason)
    except Exception as error:
        log.exception("report job %s failed", job.pk)
        job.status, job.error = Status.FAILED, f"{type(error).__name__}: {error}"
    else:
        job.status, job.filename = Status.DONE, document.filename
    job.save(update_fields=["status", "error", "filename", "updated_at"])
    return job


def report_job_take() -> ReportJob | None:
    """The oldest waiting report job (for `skm importworker`)."""
    return ReportJob.objects.filter(status=Status.QUEUED).order_by("created_at", "pk").first()
