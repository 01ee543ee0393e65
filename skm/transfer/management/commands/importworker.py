"""`skm importworker`: run the background jobs (web imports, report documents).

The jobs are django-tasks tasks stored by django-tasks-db; this command is its `db_worker`
with a fixed worker id and a recovery step first (docs/operations.md):

1. it takes a lock on its worker id (``<DATA_DIR>/workers/<id>.lock``), so that a second
   worker of the same id cannot start while the first one lives;
2. it fails the tasks still "running" under its id, and their jobs, with a message: the
   previous process of that id died in them (killed, out of memory, a crash while reading
   a file). They are never run again, and the other jobs flow;
3. it cancels checked imports nobody confirmed within a week;
4. it runs `db_worker` (``--batch``: the waiting tasks, then exit).

Run it as a systemd service (deploy/skm-worker.service, Restart=always). Several workers
may run, on one machine or several, each with its own ``--worker-id``.
"""

from __future__ import annotations

import fcntl
import hashlib
import re
import socket
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend

from skm.config.tasks import recover_dead_tasks
from skm.transfer.jobs import import_jobs_expire


def default_worker_id() -> str:
    return socket.gethostname()[:64]


def _lock_name(worker_id: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9._-]{1,64}", worker_id):
        return f"{worker_id}.lock"
    return hashlib.sha256(worker_id.encode()).hexdigest()[:32] + ".lock"


class Command(BaseCommand):
    help = _(
        "Run the background jobs (imports, report documents): django-tasks-db's worker, "
        "after failing the jobs a dead worker of the same id left."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--worker-id",
            default=default_worker_id(),
            help=_("this worker's id, unique among the workers (default: the host name)"),
        )
        parser.add_argument(
            "--batch",
            "--once",
            action="store_true",
            dest="batch",
            help=_("run the waiting jobs, then exit"),
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help=_("seconds between looks for new jobs (default 1)"),
        )

    def handle(self, *args, **opts) -> None:
        alias = DEFAULT_TASK_BACKEND_ALIAS
        if not isinstance(task_backends[alias], DatabaseBackend):
            raise CommandError(
                _("SKM_TASKS=%(runner)s: the jobs are not stored for a worker.")
                % {"runner": settings.TASK_RUNNER}
            )
        worker_id = opts["worker_id"]
        if not worker_id or len(worker_id) > 64:
            raise CommandError(_("The worker id must have 1 to 64 characters."))
        folder = Path(settings.DATA_DIR) / "workers"
        folder.mkdir(parents=True, exist_ok=True)
        # Recovery fails what runs under this id: wrong while another process of the same
        # id lives. The lock ends with the process, however it ends.
        lock = open(folder / _lock_name(worker_id), "w")  # noqa: SIM115 (held for the process)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CommandError(
                _("Another worker with the id %(id)s is already running.") % {"id": worker_id}
            ) from None
        try:
            failed = recover_dead_tasks(alias, lambda worker: worker == worker_id)
            if failed:
                self.stderr.write(
                    _("%(n)s job(s) whose worker died marked as failed.") % {"n": failed}
                )
            import_jobs_expire()
            call_command(
                "db_worker",
                worker_id=worker_id,
                batch=opts["batch"],
                interval=opts["interval"],
                reload=False,
                startup_delay=False,
                backend_name=alias,
                verbosity=opts["verbosity"],
                stdout=self.stdout._out,
                stderr=self.stderr._out,
            )
        finally:
            lock.close()
