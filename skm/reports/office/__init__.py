"""A resident LibreOffice that lays DOCX files out, for the page numbers of their tables of
contents (skm.reports.toc.libreoffice_pages).

Starting LibreOffice for each document (``soffice --convert-to pdf``) costs 2-4 s a DOCX,
most of it starting and exporting a PDF nobody reads. Instead, each process that makes
documents (the job worker, ``skm report``, the test run) starts one LibreOffice when it
first needs it and keeps it: headless, with a profile of its own in a temporary folder and
a named pipe no other process knows. A small program run by the Python that has
LibreOffice's ``uno`` module (``client.py``; Debian's python3 with python3-uno) asks it,
over that pipe, to run a macro (``macro.py``, LibreOffice's Python script provider) that
opens the DOCX and returns the page each paragraph starts on: about half a second a
document.

The office stops with its process (at exit, and through the kernel's parent-death signal
if the process is killed), after ``settings.OFFICE_IDLE_SECONDS`` without work, and after
any failure (the next document starts a new one). Where it cannot run (no LibreOffice, no
Python with ``uno``, no script provider), ``layout`` returns None and the caller falls back
to a one-shot conversion. Hand-written rather than a library: unoserver and its kind
convert files; none returns where a paragraph lands.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
START_SECONDS = 60  # a first start with a new profile takes 2-5 s; more on a loaded machine
LAYOUT_SECONDS = 120  # one document
RETRY_SECONDS = 600  # after a reason not to use a resident office, look again after this
RESTART = 81  # soffice.bin's exit code for "start me again" (after making a new profile)


def _soffice() -> str | None:
    """LibreOffice's own binary (soffice.bin) where it can be found, so that stopping and the
    parent-death signal reach the office itself rather than the wrapper script that starts
    it; else the ``soffice`` on the PATH."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        return None
    binary = Path(os.path.realpath(found)).with_name("soffice.bin")
    return str(binary) if binary.exists() else found


def _die_with_parent():
    """For Popen's preexec_fn: the kernel sends SIGTERM to the office when the process that
    started it dies, killed or not (Linux's PR_SET_PDEATHSIG); elsewhere, nothing."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def set_signal():
        prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG

    return set_signal


class Office:
    """One resident LibreOffice for this process; ``layout`` is safe from several threads
    (documents are laid out one at a time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._process: subprocess.Popen | None = None
        self._folder: Path | None = None
        self._pipe = ""
        self._timer: threading.Timer | None = None
        self._unusable = ""  # why this process does not use a resident office (for now)
        self._retry_at = 0.0
        self._python_checked = False
        self._spawner: ThreadPoolExecutor | None = None

    # what callers use -------------------------------------------------------------------

    def layout(self, docx: bytes) -> list[tuple[int, str]] | None:
        """Every non-empty paragraph of the DOCX's body (tables left out), in order, with
        the page it starts on as LibreOffice lays it out; None where no resident office can
        run (the reason is in ``unusable``) or it failed (logged; the next call starts a
        new one)."""
        from django.conf import settings

        with self._lock:
            if os.getpid() != self._pid:  # a forked child: the parent's office is not ours
                self.__init__()
            if not self._usable(settings):
                return None
            self._cancel_timer()
            try:
                return self._layout(docx, settings)
            except (OSError, subprocess.SubprocessError, ValueError) as error:
                logger.warning("The resident LibreOffice failed: %s", error)
                self._stop()
                return None
            finally:
                self._arm_timer(settings)

    @property
    def unusable(self) -> str:
        return self._unusable

    @property
    def pid(self) -> int | None:
        """The office's process id while it runs."""
        return self._process.pid if self._process and self._process.poll() is None else None

    def stop(self) -> None:
        with self._lock:
            self._cancel_timer()
            self._stop()

    # inside ---------------------------------------------------------------------------

    def _usable(self, settings) -> bool:
        if self._unusable and time.monotonic() < self._retry_at:
            return False
        self._unusable = ""
        if not _soffice():
            self._give_up("LibreOffice (soffice) is not installed")
            return False
        if not self._python_checked:
            python = settings.OFFICE_PYTHON
            try:
                found = (
                    subprocess.run(  # noqa: S603 (a configured interpreter, fixed code)
                        [python, "-c", "import uno"], capture_output=True, timeout=30
                    ).returncode
                    == 0
                )
            except (OSError, subprocess.SubprocessError):
                found = False
            if not found:
                self._give_up(f"{python} cannot import uno (python3-uno)")
                return False
            self._python_checked = True
        return True

    def _start(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="skm-office-"))
        scripts = self._folder / "profile" / "user" / "Scripts" / "python"
        scripts.mkdir(parents=True)
        shutil.copyfile(HERE / "macro.py", scripts / "skm_layout.py")
        self._pipe = f"skm-office-{os.getpid()}-{secrets.token_hex(6)}"
        # The first start with a new profile ends with exit 81, "start me again" (what
        # LibreOffice's launcher, oosplash, does); the office is ready once its pipe exists.
        sockets = {
            Path(folder) / f"OSL_PIPE_{os.getuid()}_{self._pipe}"
            for folder in ("/tmp", os.environ.get("TMPDIR") or "/tmp")  # noqa: S108 (LibreOffice's)
        }
        deadline = time.monotonic() + START_SECONDS
        self._process = self._popen()
        while not any(path.exists() for path in sockets):
            code = self._process.poll()
            if code == RESTART:
                self._process = self._popen()
            elif code is not None:
                self._give_up(f"LibreOffice ended with exit {code} while starting")
                raise OSError(self._unusable)
            elif time.monotonic() > deadline:
                self._give_up(f"LibreOffice did not open its pipe in {START_SECONDS} s")
                raise OSError(self._unusable)
            time.sleep(0.05)
        logger.info("Started a resident LibreOffice (pid %s)", self._process.pid)

    def _popen(self) -> subprocess.Popen:
        """Started from this office's own thread, which lives as long as the process: the
        parent-death signal fires when the thread that started a child ends, and a request's
        or a job's thread ends long before the process does."""
        if self._spawner is None:
            self._spawner = ThreadPoolExecutor(1, thread_name_prefix="skm-office")
        return self._spawner.submit(self._popen_here).result()

    def _popen_here(self) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 (fixed arguments, our own folder)
            [
                _soffice(),
                f"-env:UserInstallation={(self._folder / 'profile').as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                f"--accept=pipe,name={self._pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent(),  # one prctl call, prepared before fork
        )

    def _layout(self, docx: bytes, settings) -> list[tuple[int, str]] | None:
        if self._process is None or self._process.poll() is not None:
            self._stop()
            self._start()
        source = self._folder / "doc.docx"
        source.write_bytes(docx)
        try:
            done = self._client(settings, source)
        finally:
            source.unlink(missing_ok=True)
        if done.returncode == 4:
            self._give_up(f"LibreOffice has no Python script provider: {done.stderr.strip()}")
            self._stop()
            return None
        if done.returncode != 0:
            raise ValueError(f"exit {done.returncode}: {done.stderr.strip()[-500:]}")
        return [(int(page), str(text)) for page, text in json.loads(done.stdout)]

    def _client(self, settings, source: Path) -> subprocess.CompletedProcess:
        """Run the client while watching the office: a first start with a new profile may
        open its pipe and only then end with "start me again" (exit 81; seen on a loaded
        machine), so the office is started again under the same pipe name while the client
        keeps trying to connect, instead of the client waiting START_SECONDS for nobody."""
        args = [settings.OFFICE_PYTHON, str(HERE / "client.py"), self._pipe, str(source)]
        client = subprocess.Popen(  # noqa: S603 (fixed arguments, our own files)
            [*args, str(START_SECONDS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + START_SECONDS + LAYOUT_SECONDS
        while True:
            try:
                out, err = client.communicate(timeout=0.2)
                return subprocess.CompletedProcess(args, client.returncode, out, err)
            except subprocess.TimeoutExpired:
                if self._process is not None and self._process.poll() == RESTART:
                    self._process = self._popen()
                if time.monotonic() > deadline:
                    client.kill()
                    client.communicate()
                    raise

    def _give_up(self, reason: str) -> None:
        """No resident office in this process for RETRY_SECONDS (each document meanwhile
        takes the one-shot way): what cannot start now is not tried for every document."""
        self._unusable, self._retry_at = reason, time.monotonic() + RETRY_SECONDS
        logger.warning("No resident LibreOffice: %s", reason)

    def _stop(self) -> None:
        process, folder = self._process, self._folder
        self._process, self._folder = None, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
                except (OSError, subprocess.TimeoutExpired):
                    pass
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def _arm_timer(self, settings) -> None:
        if self._process is None:
            return
        self._timer = threading.Timer(settings.OFFICE_IDLE_SECONDS, self._idle)
        self._timer.daemon = True
        self._timer.start()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _idle(self) -> None:
        with self._lock:
            if os.getpid() == self._pid:
                self._stop()


office = Office()
atexit.register(office.stop)
