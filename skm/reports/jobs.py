"""Documents made in the background, so that a large report never holds a web worker.

A ReportJob is created by the page together with its django-tasks task
(``report_job_task``), which the background runner makes (settings.TASK_RUNNER: the
`skm importworker` service in production, a thread of the web process in development;
skm.config.tasks, docs/operations.md). The file is written under
``<DATA_DIR>/reports/<ref>.<fmt>`` and served by a view that checks the unit.

Moving the job to "running" is its attempt, committed before the document is made; a job
found "running" when its task starts, or whose task's worker died, is failed with a
message and never made again.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from skm.config.tasks import enqueue, on_worker_death
from skm.reports.documents import SCOPED_KINDS, ReportUnavailable, build, build_scoped
from skm.reports.models import ReportJob

log = logging.getLogger(__name__)
Status = ReportJob.Status


def reports_dir() -> Path:
    return Path(settings.DATA_DIR) / "reports"


def job_file(job: ReportJob) -> Path:
    return reports_dir() / f"{uuid.UUID(str(job.ref)).hex}.{job.fmt}"


def report_job_create(
    *,
    unit=None,
    period=None,
    kind: str,
    fmt: str,
    size: str = "a4",
    signed_on,
    user,
    base_url: str = "",
    evidence_scope: str = "",
    agency=None,
    year: int | None = None,
    part: str = "",
):
    """A period's document (unit and period) or a year's (SCOPED_KINDS: unit or agency,
    year and part; skm.reports.documents.build_scoped)."""
    with transaction.atomic():  # the job and its task are stored together
        job = ReportJob.objects.create(
            ref=uuid.uuid4(),
            unit=unit,
            agency=agency,
            period=period,
            year=year,
            part=part,
            kind=kind,
            fmt=fmt,
            size=size,
            signed_on=signed_on,
            evidence_scope=evidence_scope,
            created_by=user if user is not None and user.is_authenticated else None,
        )
        # the site's address as the page was asked (the poster's QR without PUBLIC_BASE_URL)
        enqueue(report_job_task, job.pk, base_url)
    return job


@task()
def report_job_task(job_id: int, base_url: str = "") -> str:
    """Make a requested document (a background task)."""
    job = ReportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "gone"
    return report_job_run(job, base_url=base_url).status


def _claim(job: ReportJob) -> bool:
    return bool(
        ReportJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(status=Status.RUNNING)
    )


def report_job_run(job: ReportJob, *, base_url: str = "") -> ReportJob:
    """Make the document, once: a job found "running" was attempted before and is failed."""
    if not _claim(job):
        job.refresh_from_db()
        if job.status == Status.RUNNING:
            _fail_died(job_id=job.pk, statuses=(Status.RUNNING,))
            job.refresh_from_db()
        return job
    job.refresh_from_db()
    try:
        if job.kind in SCOPED_KINDS:
            document = build_scoped(
                job.kind,
                unit=job.unit,
                agency=job.agency,
                year=job.year,
                part=job.part,
                fmt=job.fmt,
                signed_on=job.signed_on,
            )
        else:
            document = build(
                job.kind,
                unit=job.unit,
                period=job.period,
                fmt=job.fmt,
                size=job.size,
                signed_on=job.signed_on,
                base_url=base_url,
                evidence=job.evidence_scope or None,
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


def _fail_died(*, job_id: int, statuses) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        error = _(
            "Processing stopped unexpectedly (the worker process died). Make the document "
            "again or contact the administrator."
        )
    failed = ReportJob.objects.filter(pk=job_id, status__in=statuses).update(
        status=Status.FAILED, error=error, updated_at=timezone.now()
    )
    if failed:
        log.warning("report job %s: its processing died; failed", job_id)


@on_worker_death(report_job_task)
def _report_died(job_id: int, base_url: str = "") -> None:
    _fail_died(job_id=job_id, statuses=(Status.QUEUED, Status.RUNNING))
