"""Background tasks (django-tasks, stored by django-tasks-db): the runner of development and
the recovery of tasks whose worker died. docs/operations.md has the operator's side.

The jobs (skm.transfer.jobs: import check and load; skm.reports.jobs: documents) are tasks.
django-tasks-db's worker claims a task in a committed transaction (status RUNNING, its
worker id appended) before running it and never takes a RUNNING task again. A worker that
dies during a task (killed, out of memory, a crash in native code) thus leaves the task
RUNNING for ever and its job unfinished, but is never made to run it again.
``recover_dead_tasks`` closes such tasks (FAILED) and fails their jobs with a message; it
runs when a worker of the same id starts again (`skm importworker`), and in development
when the web process's runner first starts (tasks of runners whose process is gone).

Each job also records its attempt (status "running" or an attempt counter) in a committed
write before its work starts, and a job found already attempted is failed instead of being
worked on: whatever runs a task twice, a job that killed its worker is never retried.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db import connections, transaction
from django.dispatch import receiver
from django_tasks import DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus, task_finished

log = logging.getLogger(__name__)

# Task path -> what to do with its job when the worker died running it.
_DIED_HANDLERS: dict[str, Callable[..., None]] = {}


class WorkerDied(Exception):
    """Recorded as a task's error when its worker died while running it."""


def on_worker_death(task: Task) -> Callable:
    """Register ``handler(*task_args, **task_kwargs)``: fail the job of a dead task."""

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        _DIED_HANDLERS[task.module_path] = handler
        return handler

    return register


@receiver(task_finished)
def _fail_the_job_of_a_failed_task(sender, task_result, **kwargs) -> None:
    """A task that ended by an exception its job did not handle (the jobs catch their own
    errors; this is SystemExit on a second stop signal, a database error while recording
    the outcome, ...) fails its job like a dead worker does, instead of leaving it
    "running" with nobody to end it."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    handler = _DIED_HANDLERS.get(task_result.task.module_path)
    if handler is None:
        return
    try:
        handler(*task_result.args, **task_result.kwargs)
    except Exception:
        log.exception("task %s: its job could not be marked as failed", task_result.id)


def enqueue(task: Task, *args: Any) -> None:
    """Queue ``task(*args)`` for a job written in the current transaction.

    A database backend stores the task in that same transaction (the job and its task
    exist together or not at all); a backend that runs the task on the spot (the tests'
    immediate backend) is called after the commit, as the task must see the job.
    """
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args))


def recover_dead_tasks(backend_name: str, dead: Callable[[str], bool]) -> int:
    """Fail the RUNNING tasks whose worker ``dead(worker_id)`` says is gone, and their jobs."""
    from django_tasks_db.models import DBTaskResult

    recovered = 0
    running = DBTaskResult.objects.running().filter(backend_name=backend_name)
    for pk, workers in list(running.values_list("pk", "worker_ids")):
        worker = workers[-1] if workers else ""
        if not dead(worker):
            continue
        with transaction.atomic():
            result = (
                DBTaskResult.objects.select_for_update()
                .filter(pk=pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if result is None:
                continue
            try:
                result.task  # noqa: B018 (imports the task's module: registers its handler)
            except (ImportError, SuspiciousOperation):
                log.warning("task %s: %s cannot be imported", pk, result.task_path)
            handler = _DIED_HANDLERS.get(result.task_path)
            if handler is not None:
                handler(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            result.set_failed(WorkerDied(f"worker {worker} died while running this task"))
        log.warning("task %s (%s): worker %s died; failed", pk, result.task_path, worker)
        recovered += 1
    return recovered


# --------------------------------------------------------------------------------------
# Development: the web process runs the tasks (SKM_TASKS=web, the default of `make run`)


def _host() -> str:
    return socket.gethostname()[:40]


def web_worker_id() -> str:
    return f"web:{_host()}:{os.getpid()}"


def _web_runner_dead(worker: str) -> bool:
    """A runner of a web process of this machine that is no longer there."""
    kind, _, rest = worker.partition(":")
    host, _, pid = rest.rpartition(":")
    if kind != "web" or host != _host() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True  # a process of the same number before this one
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class _Runner:
    """One thread per web process that runs the waiting tasks, then ends."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.pending = False
        self.recovered = False

    def kick(self, alias: str) -> None:
        with self.lock:
            self.pending = True
            if self.thread is not None:
                return  # the running thread looks again before it ends
            self.thread = threading.Thread(
                target=self._run, args=(alias,), name="skm-tasks", daemon=True
            )
            self.thread.start()

    def _run(self, alias: str) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        try:
            if not self.recovered:
                recover_dead_tasks(alias, _web_runner_dead)
                self.recovered = True
            while True:
                with self.lock:
                    if not self.pending:
                        self.thread = None
                        return
                    self.pending = False
                Worker(
                    queue_names=[DEFAULT_TASK_QUEUE_NAME],
                    interval=0,
                    batch=True,
                    backend_name=alias,
                    startup_delay=False,
                    max_tasks=None,
                    worker_id=web_worker_id(),
                    excluded_queue_names=[],
                ).run()
        except Exception:
            log.exception("background tasks: the web process's runner failed")
            with self.lock:
                self.thread = None
        finally:
            connections.close_all()


_runner = _Runner()


class InProcessDatabaseBackend(DatabaseBackend):
    """django-tasks-db's backend whose tasks a thread of the web process runs after the
    commit: `make run` and `skm runserver` need no second process. The tasks are stored
    exactly as in production, so `skm importworker` could run them as well."""

    def enqueue(self, task, args, kwargs):
        result = super().enqueue(task, args, kwargs)
        transaction.on_commit(partial(_runner.kick, self.alias))
        return result


def run_waiting_tasks_in_process(alias: str = "default") -> None:
    """Start the web process's runner (development) if the backend is the in-process one."""
    if isinstance(task_backends[alias], InProcessDatabaseBackend):
        _runner.kick(alias)
