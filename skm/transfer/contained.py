"""Reading an XLSX sheet in a child process first, so that a crash cannot take us down.

python-calamine is native code (Rust): a sheet it cannot hold makes it abort the whole
process (an allocation failure is SIGABRT, not an exception), and a future bug could do
the same. The readers therefore let a short-lived child interpreter open the workbook and
read the chosen sheet to the end under an address-space ceiling and a time limit; only
when that child came back normally does the calling process (a web request, the import
worker, ``skm ikm``) read the sheet itself.

The child is a fresh ``python -m skm.transfer.contained`` started with :mod:`subprocess`,
not a :mod:`multiprocessing` process: the "spawn"/"forkserver" start methods re-run the
parent's ``__main__`` (pytest, gunicorn, the ``skm`` script) in the child and refuse to
start from a daemonic process, and "fork" is unsafe in a threaded server. This module is
pure (standard library and python-calamine only; import-linter checks it) so that the
child starts in a few tens of milliseconds.

The parent side is :class:`SheetCheck`; the child side is :func:`main`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CHILD_MEMORY_BYTES",
    "CHILD_TIMEOUT_SECONDS",
    "ChildReport",
    "SheetCheck",
    "check_sheet",
    "child_command",
    "main",
    "pick_sheet",
]

# The child's address-space ceiling (RLIMIT_AS). The largest sheet the readers accept
# (MAX_SHEET_CELLS, 10 million cells at 32 bytes each in calamine's dense grid, plus its
# strings) needs well under 1.5 GiB; a sheet that needs more makes the child fail, never
# the machine.
CHILD_MEMORY_BYTES = 3 * 1024**3
# Wall-clock limit of the child; a 250,000-row export takes a few seconds.
CHILD_TIMEOUT_SECONDS = 300
# How much of the child's error output is kept for the log.
_STDERR_TAIL = 2000


@dataclass(frozen=True, slots=True)
class ChildReport:
    """What the child found, or why it did not come back.

    ``crashed`` is the reason (Indonesian, for the user) when the child died, ran out of
    memory or time; ``detail`` is the technical reason for the log. When the child came
    back, ``height``/``width`` are the dimensions of the dense range calamine built and
    ``start`` its top-left cell (0-based row, column); ``error`` the text of an exception
    calamine raised (the caller reads the sheet in-process and reports it as usual).
    """

    crashed: str | None = None
    detail: str = ""
    height: int = 0
    width: int = 0
    start: tuple[int, int] | None = None
    error: str | None = None


def child_command() -> list[str]:
    """The command that starts the child (tests replace it by a child that crashes)."""
    return [sys.executable, "-m", "skm.transfer.contained"]


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The package root first, so that the child imports this very checkout even when
    # skm is not installed and the caller's working directory is elsewhere.
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env["RUST_BACKTRACE"] = "0"
    env.pop("PYTHONSTARTUP", None)
    return env


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def pick_sheet(names: list[str], sheet: str | None) -> str | None:
    """The sheet to read: the first, or the one named (exactly, else ignoring case and
    surrounding spaces when that finds just one); None when there is no such sheet."""
    if sheet is None:
        return names[0] if names else None
    if sheet in names:
        return sheet
    wanted = sheet.strip().casefold()
    near = [n for n in names if n.strip().casefold() == wanted]
    return near[0] if len(near) == 1 else None


class SheetCheck:
    """A child reading one sheet, started at once: the caller does its own checks while
    the child works, then takes its :meth:`report` or cancels it."""

    def __init__(self, path: str | Path, sheet: str | None) -> None:
        command = [
            *child_command(),
            str(Path(path).resolve()),
            "" if sheet is None else sheet,
            str(CHILD_MEMORY_BYTES),
            str(CHILD_TIMEOUT_SECONDS),
        ]
        self.failed: ChildReport | None = None
        self.process: subprocess.Popen[bytes] | None = None
        try:
            # The command is this interpreter and module; the path is one argument, no shell.
            self.process = subprocess.Popen(  # noqa: S603
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=_child_env(),
            )
        except OSError as exc:
            self.failed = ChildReport(
                crashed="pembaca XLSX tidak dapat dijalankan", detail=str(exc)
            )

    def cancel(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.communicate()
            self.process = None

    def report(self) -> ChildReport:
        """Wait for the child (at most CHILD_TIMEOUT_SECONDS) and say what it found.

        Never raises for what the child did; a child that cannot even be started is
        reported as a crash too, as the file then cannot be read safely.
        """
        if self.process is None:
            return self.failed or ChildReport(crashed="pembaca XLSX dibatalkan", detail="cancelled")
        process, self.process = self.process, None
        try:
            stdout, stderr = process.communicate(timeout=CHILD_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return ChildReport(
                crashed=f"pembacaan lembar melebihi batas waktu {CHILD_TIMEOUT_SECONDS} detik",
                detail="timeout",
            )
        return _understood(process.returncode, stdout, stderr)


def check_sheet(path: str | Path, sheet: str | None) -> ChildReport:
    """Open ``path`` and read ``sheet`` (None: the first one) to the end in a child."""
    return SheetCheck(path, sheet).report()


def _understood(returncode: int, stdout: bytes, stderr: bytes) -> ChildReport:
    tail = stderr[-_STDERR_TAIL:].decode("utf-8", "replace").strip()
    if returncode < 0:
        name = _signal_name(-returncode)
        return ChildReport(
            crashed=f"pembaca XLSX berhenti tak terduga ({name})", detail=f"{name}: {tail}"
        )
    if returncode != 0:
        return ChildReport(
            crashed=f"pembaca XLSX berhenti tak terduga (kode keluar {returncode})",
            detail=f"exit {returncode}: {tail}",
        )
    try:
        found = json.loads(stdout)
        if found.get("memory"):
            return ChildReport(crashed="memori tidak cukup untuk membaca lembar", detail="memory")
        if "error" in found:
            return ChildReport(error=str(found["error"]))
        start = found["start"]
        return ChildReport(
            height=int(found["height"]),
            width=int(found["width"]),
            start=(int(start[0]), int(start[1])) if start else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return ChildReport(
            crashed="pembaca XLSX memberi jawaban yang tidak dapat dipahami",
            detail=f"stdout {stdout[:200]!r}; {tail}",
        )


# --------------------------------------------------------------------------------------
# The child


def _limit(memory: int, seconds: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # A second line behind the parent's wall-clock limit, counting CPU time only.
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    # An abort must not write a core file of up to CHILD_MEMORY_BYTES.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _read(path: str, sheet: str) -> dict[str, object]:
    from python_calamine import CalamineWorkbook

    try:
        with CalamineWorkbook.from_path(path) as workbook:
            name = pick_sheet(list(workbook.sheet_names), sheet or None)
            if name is None:
                return {"error": f"no sheet {sheet!r}"}
            data = workbook.get_sheet_by_name(name)
            for _row in data.iter_rows():
                pass
            return {"height": data.height, "width": data.width, "start": data.start}
    except MemoryError:
        return {"memory": True}
    except Exception as exc:  # reported to the parent, which reads and reports it itself
        return {"error": f"{type(exc).__name__}: {exc}"}


def main(argv: list[str] | None = None) -> None:
    """Child entry point: ``python -m skm.transfer.contained PATH SHEET MEMORY SECONDS``."""
    path, sheet, memory, seconds = (sys.argv[1:] if argv is None else argv)[:4]
    _limit(int(memory), int(seconds))
    sys.stdout.write(json.dumps(_read(path, sheet)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
