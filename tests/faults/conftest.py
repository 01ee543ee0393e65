"""Fault tests (docs/faults.md): marked ``fault``, deselected by `make test` (addopts has
``-m "not fault"``), run by `make fault` (``pytest -m fault tests/faults``) and by CI.

They skip, saying why, where what they need is missing: PostgreSQL on PGHOST:PGPORT
(default 127.0.0.1:5432, user postgres, trust auth), gunicorn in the virtualenv, initdb
and pg_ctl (the restart test runs a private cluster: the shared server is never
restarted), root to mount a tmpfs.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess

import pytest

from tests.faults import harness

# Figures of each scenario, printed at the end of the run (docs/faults.md quotes them).
FIGURES: dict[str, dict] = {}


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not FIGURES:
        return
    terminalreporter.section("fault test figures")
    for name, figures in FIGURES.items():
        terminalreporter.write_line(f"{name}: {json.dumps(figures, ensure_ascii=False)}")


@pytest.fixture(scope="session")
def figures() -> dict[str, dict]:
    return FIGURES


def need_gunicorn() -> None:
    if not (harness.VENV_BIN / "gunicorn").exists():
        pytest.skip(f"gunicorn is not installed in {harness.VENV_BIN}")


def need_root(why: str) -> None:
    if os.geteuid() != 0:
        pytest.skip(f"needs root: {why}")


@pytest.fixture(scope="module")
def postgres() -> harness.Postgres:
    """The server the module's database lives on: the machine's (PGHOST, PGPORT)."""
    if not harness.SHARED.accepts():
        pytest.skip(
            f"PostgreSQL does not accept connections at {harness.SHARED.host}:"
            f"{harness.SHARED.port} as {harness.SHARED.user}"
        )
    return harness.SHARED


@pytest.fixture(scope="module")
def private_postgres():
    """A throwaway cluster of its own (initdb, a free port), removed at the end."""
    bindir = harness.pg_bindir()
    if bindir is None:
        pytest.skip("initdb and pg_ctl not found (set SKM_PG_BINDIR)")
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a 'postgres' user to run a server as")
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser")
        run_as = "postgres"
    server = harness.PrivatePostgres(bindir, run_as)
    try:
        server.create()
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", "") or error
        server.destroy()
        pytest.skip(f"cannot start a private PostgreSQL: {detail}")
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="module")
def stack(request, postgres):
    """A fresh database for the module (created, migrated, dropped at the end)."""
    need_gunicorn()
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")[:20]
    stack = harness.Stack(name=f"skm_fault_{module}_{os.getpid()}", pg=postgres)
    try:
        stack.create()
        yield stack
    finally:
        stack.drop()


@pytest.fixture
def server(stack):
    server = harness.Gunicorn(stack, harness.free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
