"""`skm importworker`: check and load web imports outside the web server.

Run it as a service in production (settings.IMPORT_RUNNER = "worker"); see
docs/operations.md. ``--once`` works through the waiting jobs and exits (cron, or to pick up
jobs that a restarted development server left behind).
"""

from __future__ import annotations

import contextlib
import fcntl
import signal
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection
from django.utils.translation import gettext as _

from skm.transfer.jobs import (
    import_job_take,
    import_job_work,
    import_jobs_expire,
    import_jobs_recover,
    imports_dir,
)


class Command(BaseCommand):
    help = _("Check and load the files uploaded on the import page (background worker).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help=_("work through the waiting jobs, then exit")
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help=_("seconds between looks for new jobs (default 2)"),
        )

    def handle(self, *args, **opts) -> None:
        folder = imports_dir()
        folder.mkdir(parents=True, exist_ok=True)
        # One worker per data directory: starting fails the jobs left "running", which
        # would be wrong while another worker is still loading them.
        lock = open(folder / "worker.lock", "w")  # noqa: SIM115 (held for the process)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CommandError(_("Another import worker is already running.")) from None

        stopping = False

        def stop(signum, frame) -> None:
            nonlocal stopping
            stopping = True

        with contextlib.suppress(ValueError):  # not in the main thread (tests)
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)

        failed = import_jobs_recover()
        if failed:
            self.stderr.write(_("%(n)s interrupted import(s) marked as failed.") % {"n": failed})
        worked = 0
        while not stopping:
            # Drop a connection the database closed meanwhile; never inside a transaction
            # (a test runs the worker within one, and closing would break it).
            if not connection.in_atomic_block:
                close_old_connections()
            import_jobs_expire()
            job = import_job_take()
            if job is None:
                # Report documents wait here too (skm.reports.jobs) when IMPORT_RUNNER is
                # "worker".
                from skm.reports.jobs import report_job_run, report_job_take

                report = report_job_take()
                if report is not None:
                    report_job_run(report)
                    continue
                if opts["once"]:
                    break
                time.sleep(opts["interval"])
                continue
            job = import_job_work(job)
            worked += 1
            self.stdout.write(
                _("Import %(id)s (%(name)s): %(status)s")
                % {"id": job.pk, "name": job.original_name, "status": job.get_status_display()}
            )
        lock.close()
        if opts["once"]:
            self.stdout.write(_("%(n)s job(s) done.") % {"n": worked})
