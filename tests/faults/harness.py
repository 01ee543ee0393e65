"""What the fault tests drive: a fresh PostgreSQL database, gunicorn, kiosk clients, probes.

Everything real: the app runs under gunicorn with production settings (as bench/submit.py
starts it) against its own PostgreSQL database; clients are threads that behave like the
kiosk's outbox (docs/kiosk.md): one submission at a time with a client id of its own, and
a submission that got an error, no answer or a timeout is sent again with the same id
until the server confirms it (201, or 200 for a replay).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
REDIS = ("127.0.0.1", 6379)
KIOSK_PATH = "/kios/api/responses"
WORKERS = 3
# What the app says while the database is away (the Indonesian catalogue).
UNAVAILABLE_ID = "Layanan sedang tidak dapat digunakan untuk sementara"

# Production settings, except that static files are served as they are in the package
# (the manifest storage would need `skm collectstatic`, ~30 s of CPU, for pages that have
# nothing to do with the faults tested here).
SETTINGS = """
from skm.config.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
"""

SETUP_CODE = """
import datetime as dt
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from skm.org.services import agency_create, unit_create, service_create
from skm.surveys.kiosks import kiosk_create, kiosk_activate
from skm.surveys.models import Period
from skm.surveys.services import period_create
agency = agency_create(name="Pemerintah Kota Gangguan", city="Kota Gangguan")
unit = unit_create(agency=agency, name="Dinas Gangguan")
service_create(unit=unit, name="KTP-el")
today = timezone.localdate()
period_create(unit=unit, name="Uji gangguan", kind=Period.Kind.OTHER,
              start_date=today - dt.timedelta(days=30), end_date=today + dt.timedelta(days=30),
              status=Period.Status.OPEN)
kiosk, code = kiosk_create(unit=unit, name="Loket Gangguan")
kiosk, token = kiosk_activate(code=code)
user = get_user_model().objects.create_superuser("gangguan", password="sandi-gangguan-123")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print("TOKEN", token)
print("UNIT", unit.slug)
print("SESSION", session.session_key)
"""


# ----------------------------------------------------------------------------------------
# PostgreSQL


@dataclass
class Postgres:
    """A PostgreSQL server reachable over TCP (trust auth)."""

    host: str
    port: int
    user: str = "postgres"

    def connect(self, dbname: str = "postgres", timeout: int = 3):
        import psycopg

        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            dbname=dbname,
            connect_timeout=timeout,
            autocommit=True,
        )

    def accepts(self) -> bool:
        try:
            with self.connect(timeout=2) as conn:
                conn.execute("SELECT 1")
            return True
        except Exception:
            return False

    def wait(self, timeout: float = 90) -> float:
        """Seconds until the server accepts connections; raises after ``timeout``."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.accepts():
                return time.monotonic() - start
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL on port {self.port} did not come up in {timeout} s")


# The machine's server, shared with other work: databases are created on it, never
# restarted.
SHARED = Postgres(
    host=os.environ.get("PGHOST", "127.0.0.1"),
    port=int(os.environ.get("PGPORT", "5432")),
    user=os.environ.get("PGUSER", "postgres"),
)


def pg_bindir() -> Path | None:
    """Where initdb and pg_ctl are: SKM_PG_BINDIR, `pg_config --bindir`, the PATH, or
    Debian's /usr/lib/postgresql/<version>/bin (newest)."""
    candidates = []
    if os.environ.get("SKM_PG_BINDIR"):
        candidates.append(Path(os.environ["SKM_PG_BINDIR"]))
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout
        candidates.append(Path(out.strip()))
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb")).resolve().parent)
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    return None


class PrivatePostgres(Postgres):
    """A throwaway PostgreSQL cluster (initdb in a temporary folder, its own port), for
    the test that stops and starts the server: the machine's shared server is never
    restarted. Runs as the ``postgres`` system user when the tests run as root (the
    server refuses to run as root)."""

    def __init__(self, bindir: Path, run_as: str | None) -> None:
        super().__init__(host="127.0.0.1", port=free_port(), user="postgres")
        self.bindir, self.run_as = bindir, run_as
        self.folder = Path(tempfile.mkdtemp(prefix="skm-fault-pg-"))
        self.data, self.log = self.folder / "data", self.folder / "server.log"
        if run_as:
            shutil.chown(self.folder, user=run_as)

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", self.run_as, "--"] if self.run_as else []
        return subprocess.run(
            [*prefix, *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=timeout,
            cwd=self.folder,
        )

    def create(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.folder}'\nmax_connections = 60\n"
                "shared_buffers = 32MB\n"
            )
        self.start()

    def start(self) -> float:
        """pg_ctl start (waits until it accepts connections); returns the seconds taken."""
        begin = time.monotonic()
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "start"
        )
        self.wait()
        return time.monotonic() - begin

    def stop(self, mode: str = "fast") -> float:
        """pg_ctl stop -m fast: open connections are cut, as in a restart or failover."""
        begin = time.monotonic()
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")
        return time.monotonic() - begin

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# ----------------------------------------------------------------------------------------
# The app's database and environment


@dataclass
class Stack:
    """A fresh database with a unit, an open period, an activated kiosk and a staff
    session; the environment every process of the app gets."""

    name: str
    pg: Postgres = field(default_factory=lambda: SHARED)
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="skm-fault-")))
    token: str = ""
    unit_slug: str = ""
    session_key: str = ""

    @property
    def database_url(self) -> str:
        return f"postgres://{self.pg.user}@{self.pg.host}:{self.pg.port}/{self.name}"

    @property
    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SKM_ENV": "production",
            "SKM_SECRET_KEY": "fault-" + "k" * 40,
            "SKM_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SKM_DATA_DIR": str(self.work / "data"),
            "DJANGO_SETTINGS_MODULE": "skm_fault_settings",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(self.work), str(ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
        }
        if redis_up():
            env["SKM_CACHE_URL"] = "redis://127.0.0.1:6379/15"
        else:
            env.pop("SKM_CACHE_URL", None)
        return env

    def create(self) -> None:
        (self.work / "data" / "static").mkdir(parents=True, exist_ok=True)
        (self.work / "skm_fault_settings.py").write_text(SETTINGS, encoding="utf-8")
        self.drop_leftovers()
        with self.pg.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.skm("migrate", "-v0", "--noinput")
        out = self.skm("shell", "--no-imports", "-c", SETUP_CODE).stdout
        values = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
        self.token, self.unit_slug = values["TOKEN"], values["UNIT"]
        self.session_key = values["SESSION"]

    def drop(self) -> None:
        # DROP DATABASE waits for every backend of the server to acknowledge it, even
        # those of other databases; one stuck elsewhere (seen: another program's COPY
        # left hanging) must not hold the test for minutes. Given up after a while, the
        # database is left behind under its unique name and dropped by a later run.
        try:
            with self.pg.connect() as conn:
                conn.execute("SET statement_timeout = '30s'")
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        except Exception as error:
            print(f"fault tests: database {self.name} not dropped ({error})", file=sys.stderr)
        shutil.rmtree(self.work, ignore_errors=True)

    def drop_leftovers(self) -> None:
        """Databases of earlier runs whose process is gone (see drop)."""
        with self.pg.connect() as conn:
            conn.execute("SET statement_timeout = '30s'")
            names = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'skm\\_fault\\_%'"
            ).fetchall()
            for (name,) in names:
                pid = name.rsplit("_", 1)[-1]
                if pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)):
                    with contextlib.suppress(Exception):
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def skm(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(VENV_BIN / "skm"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=check,
            timeout=300,
        )

    def stored(self) -> dict[str, int]:
        """client id -> number of stored responses with that id."""
        with self.pg.connect(self.name) as conn:
            rows = conn.execute(
                "SELECT client_id::text, count(*) FROM surveys_response"
                " WHERE client_id IS NOT NULL GROUP BY 1"
            ).fetchall()
        return dict(rows)

    def responses_without_nine_answers(self) -> int:
        with self.pg.connect(self.name) as conn:
            return conn.execute(
                "SELECT count(*) FROM surveys_response r WHERE"
                " (SELECT count(*) FROM surveys_answer a WHERE a.response_id = r.id) <> 9"
            ).fetchone()[0]


# ----------------------------------------------------------------------------------------
# gunicorn


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


class Gunicorn:
    """gunicorn serving the stack on ``port``: sync workers, as deploy/gunicorn.conf.py."""

    def __init__(self, stack: Stack, port: int, workers: int = WORKERS) -> None:
        self.stack, self.port, self.workers = stack, port, workers
        self.process: subprocess.Popen | None = None
        self.log = stack.work / "gunicorn.log"
        self.starts = 0

    def start(self, timeout: float = 60) -> None:
        command = [
            str(VENV_BIN / "gunicorn"),
            "skm.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        log = open(self.log, "ab")  # noqa: SIM115 (the child keeps it)
        self.process = subprocess.Popen(
            command,
            env=self.stack.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited while starting:\n{self.log_tail()}")
            if len(self.worker_pids()) == self.workers:
                with contextlib.suppress(OSError, http.client.HTTPException):
                    if get(self.port, "/healthz").status == 200:
                        return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not become healthy:\n{self.log_tail()}")

    @property
    def master(self) -> int:
        assert self.process is not None
        return self.process.pid

    def worker_pids(self) -> list[int]:
        return [pid for pid in children(self.master) if alive(pid)] if self.process else []

    def kill_worker(self) -> int:
        victim = self.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def wait_respawned(self, victim: int, timeout: float = 20) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            pids = self.worker_pids()
            if len(pids) == self.workers and victim not in pids:
                return time.monotonic() - start
            time.sleep(0.05)
        raise AssertionError(f"the master did not replace worker {victim} in {timeout} s")

    def kill_all(self) -> None:
        """kill -9 the master, then its workers (they would otherwise notice the orphaning
        only at their next loop), and wait until none is left."""
        assert self.process is not None
        workers = self.worker_pids()
        os.kill(self.master, signal.SIGKILL)
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# ----------------------------------------------------------------------------------------
# HTTP


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        # As behind the TLS proxy of a real deployment (production redirects plain HTTP).
        conn.request(method, path, body=body, headers={"X-Forwarded-Proto": "https", **headers})
        response = conn.getresponse()
        data = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        conn.close()


def get(port: int, path: str, headers: dict[str, str] | None = None) -> Reply:
    return request(port, "GET", path, headers=headers or {}, timeout=5)


def submission(client_id: str) -> bytes:
    return json.dumps(
        {
            "client_id": client_id,
            "given_at": None,
            "service": None,
            "answers": {"U1": 4, "U2": 3, "U3": 3, "U4": 4, "U5": 3, "U6": 4, "U7": 4, "U8": 3}
            | {"U9": 2},
            "profile": {"gender": "P", "age": 37, "education": "SMA", "occupation": "SWASTA"},
            "suggestion": "Antrean cukup cepat.",
            "queue_length": 0,
        }
    ).encode()


def well_formed_503(reply: Reply, *, json_body: bool) -> bool:
    """503 as the app promises it: Retry-After, the Indonesian message, no traceback."""
    if reply.status != 503 or not reply.headers.get("retry-after", "").isdigit():
        return False
    text = reply.body.decode(errors="replace")
    if "Traceback" in text:
        return False
    if json_body:
        try:
            body = json.loads(text)
        except ValueError:
            return False
        return body.get("error") == "unavailable" and UNAVAILABLE_ID in body.get("message", "")
    return reply.headers.get("content-type", "").startswith("text/html") and UNAVAILABLE_ID in text


# ----------------------------------------------------------------------------------------
# Load: kiosk clients


class Load:
    """``clients`` threads submitting to the kiosk API, each like a kiosk's outbox."""

    def __init__(self, port: int, token: str, clients: int = 8, think: float = 0.02) -> None:
        self.port, self.token, self.think = port, token, think
        self.lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()
        self.ids: list[str] = []  # every client id ever sent
        self.confirmed: dict[str, int] = {}  # id -> status of its confirmation
        self.successes: list[float] = []  # monotonic times of confirmations
        self.bad_503: list[str] = []
        self.unexpected: list[str] = []
        self.stopping = threading.Event()
        self.started = self.finished = 0.0
        self.threads = [
            threading.Thread(target=self._client, name=f"kiosk-{n}", daemon=True)
            for n in range(clients)
        ]

    def start(self) -> None:
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()

    def stop(self, drain_timeout: float = 60) -> None:
        """No new submissions; waits until every client's pending one is confirmed."""
        self.stopping.set()
        deadline = time.monotonic() + drain_timeout
        for thread in self.threads:
            thread.join(max(0.1, deadline - time.monotonic()))
        self.finished = time.monotonic()
        if any(thread.is_alive() for thread in self.threads):
            raise AssertionError(f"clients still retrying after {drain_timeout} s: {self.outcomes}")

    def confirmed_since(self, moment: float) -> int:
        with self.lock:
            return sum(1 for t in self.successes if t >= moment)

    def first_confirmation_after(self, moment: float) -> float | None:
        with self.lock:
            later = [t for t in self.successes if t >= moment]
        return min(later) if later else None

    def _record(self, outcome: str) -> None:
        with self.lock:
            self.outcomes[outcome] += 1

    def _client(self) -> None:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"}
        pending: str | None = None
        failures = 0
        while True:
            if pending is None:
                if self.stopping.is_set():
                    return
                pending = str(uuid.uuid4())
                with self.lock:
                    self.ids.append(pending)
            try:
                reply = request(self.port, "POST", KIOSK_PATH, submission(pending), headers)
            except TimeoutError:
                self._record("timeout")
            except (OSError, http.client.HTTPException) as error:
                self._record(f"no answer ({type(error).__name__})")
            else:
                self._record(str(reply.status))
                if reply.status in (200, 201):
                    body = reply.json()
                    if body.get("id") != pending or body.get("stored") is not True:
                        with self.lock:
                            self.unexpected.append(f"{reply.status} {reply.body[:200]!r}")
                    with self.lock:
                        self.confirmed[pending] = reply.status
                        self.successes.append(time.monotonic())
                    pending, failures = None, 0
                    time.sleep(self.think)
                    continue
                if reply.status == 503:
                    if not well_formed_503(reply, json_body=True):
                        with self.lock:
                            self.bad_503.append(repr(reply)[:300])
                else:
                    with self.lock:
                        self.unexpected.append(f"{reply.status} {reply.body[:200]!r}")
            # Not confirmed: the same id again, after a short backoff (the kiosk's outbox
            # waits 2 s doubling to 60 s; shorter here to keep the run short).
            failures += 1
            time.sleep(min(1.0, 0.05 * 2 ** min(failures, 5)))

    def figures(self) -> dict:
        attempts = sum(self.outcomes.values())
        return {
            "submissions": len(self.ids),
            "confirmed": len(self.confirmed),
            "created_201": sum(1 for s in self.confirmed.values() if s == 201),
            "replayed_200": sum(1 for s in self.confirmed.values() if s == 200),
            "requests": attempts,
            "retries": attempts - len(self.ids),
            "outcomes": dict(sorted(self.outcomes.items())),
            "load_seconds": round((self.finished or time.monotonic()) - self.started, 1),
        }


class Probe:
    """GETs of the pages and APIs that need the database, round-robin, recorded."""

    def __init__(self, port: int, paths: dict[str, tuple[str, dict[str, str]]]) -> None:
        self.port, self.paths = port, paths
        self.replies: list[tuple[float, str, Reply | str]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="probe", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(10)

    def _run(self) -> None:
        while not self.stopping.is_set():
            for name, (path, headers) in self.paths.items():
                try:
                    reply: Reply | str = get(self.port, path, headers)
                except (OSError, http.client.HTTPException) as error:
                    reply = type(error).__name__
                self.replies.append((time.monotonic(), name, reply))
            time.sleep(0.1)

    def statuses(self, name: str) -> Counter:
        return Counter(
            r.status if isinstance(r, Reply) else r for _t, n, r in self.replies if n == name
        )


def check_stored_exactly_once(stack: Stack, load: Load) -> dict:
    """Every id a client sent (all of them ended confirmed) is stored once, with its nine
    answers, and nothing else is stored; returns the figures."""
    stored = stack.stored()
    sent = set(load.ids)
    missing = [i for i in load.ids if stored.get(i, 0) == 0]
    doubled = {i: n for i, n in stored.items() if n != 1}
    strangers = set(stored) - sent
    unconfirmed = sent - set(load.confirmed)
    assert not unconfirmed, f"{len(unconfirmed)} submissions never confirmed"
    assert not missing, f"confirmed but not stored: {missing[:5]} ({len(missing)})"
    assert not doubled, f"stored more than once: {list(doubled.items())[:5]}"
    assert not strangers, f"stored but never sent: {list(strangers)[:5]}"
    assert stack.responses_without_nine_answers() == 0
    verify = stack.skm("verify", check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    return {"stored": len(stored), "lost": 0, "doubled": 0, "verify": verify.stdout.strip()}
