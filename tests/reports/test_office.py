"""The resident LibreOffice (skm.reports.office) that lays DOCX files out for their tables of
contents: right pages, kept between documents, started again after a crash, stopped when
idle, at exit and when its process is killed, and a one-shot conversion where it cannot
run."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_BREAK

from skm.reports import office as office_module
from skm.reports.office import Office
from skm.reports.toc import Entry, libreoffice_pages

REPO = Path(__file__).resolve().parents[2]


def _office_runs() -> bool:
    try:
        return (
            subprocess.run(
                ["/usr/bin/python3", "-c", "import uno"], capture_output=True, timeout=30
            ).returncode
            == 0
            and office_module._soffice() is not None
            and Path("/usr/lib/libreoffice/program/pythonscript.py").exists()
        )
    except OSError:
        return False


needs_office = pytest.mark.skipif(
    not _office_runs(),
    reason="needs LibreOffice with python3-uno and libreoffice-script-provider-python",
)


def _docx() -> bytes:
    document = Document()
    document.add_paragraph("Halaman satu")
    document.add_paragraph("")  # empty paragraphs are left out
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Di dalam tabel"
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Halaman dua")
    heading = document.add_paragraph()
    heading.add_run().add_break(WD_BREAK.PAGE)
    heading.add_run("BAB I")
    heading.add_run().add_break()
    heading.add_run("PENDAHULUAN")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


EXPECTED = [(1, "Halaman satu"), (2, "Halaman dua"), (3, "BAB I\nPENDAHULUAN")]


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a parent that does not reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _wait_gone(pid: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


@needs_office
def test_lays_out_each_paragraph_on_its_page_and_stays_for_the_next_document():
    office = Office()
    try:
        assert office.layout(_docx()) == EXPECTED
        pid = office.pid
        assert pid and _alive(pid)
        assert office.layout(_docx()) == EXPECTED
        assert office.pid == pid  # the same office: no start for the second document
    finally:
        office.stop()
    assert office.pid is None
    assert _wait_gone(pid)


@needs_office
def test_an_office_that_died_is_started_again():
    office = Office()
    try:
        assert office.layout(_docx()) == EXPECTED
        first = office.pid
        os.killpg(first, signal.SIGKILL)
        assert _wait_gone(first)
        assert office.layout(_docx()) == EXPECTED
        assert office.pid not in (None, first)
    finally:
        office.stop()


@needs_office
def test_an_idle_office_stops(settings):
    settings.OFFICE_IDLE_SECONDS = 0.5
    office = Office()
    try:
        assert office.layout(_docx()) == EXPECTED
        pid = office.pid
        assert _wait_gone(pid)
        assert office.pid is None
        assert office.layout(_docx()) == EXPECTED  # and starts again when needed
    finally:
        office.stop()


@needs_office
def test_the_office_dies_with_the_process_that_started_it(tmp_path):
    """Killed without a chance to clean up (SIGKILL), the process still takes its office
    along: the kernel's parent-death signal, set from a thread that lives as long as the
    process although the document was made on a short-lived thread."""
    source = tmp_path / "doc.docx"
    source.write_bytes(_docx())
    script = (
        "import sys, threading, time, django; django.setup()\n"
        "from pathlib import Path\n"
        "from skm.reports.office import office\n"
        "worker = threading.Thread(target=lambda: office.layout(Path(sys.argv[1]).read_bytes()))\n"
        "worker.start(); worker.join()\n"
        "print(office.pid, flush=True); time.sleep(120)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "skm.config.settings",
        "SKM_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(REPO),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(source)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        line = child.stdout.readline().strip()
        assert line.isdigit(), line
        pid = int(line)
        time.sleep(1)
        assert _alive(pid)  # the thread that made the document has ended: the office stays
        child.kill()
        child.wait(timeout=30)
        assert _wait_gone(pid)
    finally:
        if child.poll() is None:
            child.kill()


def test_without_uno_there_is_no_resident_office(settings):
    settings.OFFICE_PYTHON = sys.executable  # the application's Python has no uno
    office = Office()
    assert office.layout(_docx()) is None
    assert "uno" in office.unusable
    assert office.pid is None


@pytest.mark.skipif(
    office_module._soffice() is None or not shutil.which("pdftotext"),
    reason="needs LibreOffice and pdftotext",
)
def test_table_of_contents_pages_without_a_resident_office_come_from_a_conversion(
    settings, monkeypatch
):
    entries = [[Entry("dua", "Halaman dua"), Entry("bab", "BAB I PENDAHULUAN")]]
    if _office_runs():
        assert libreoffice_pages(_docx(), entries) == {"dua": 2, "bab": 3}
    monkeypatch.setattr(office_module.office, "layout", lambda docx: None)
    assert libreoffice_pages(_docx(), entries) == {"dua": 2, "bab": 3}
    settings.DOCX_TOC_LIBREOFFICE = False
    assert libreoffice_pages(_docx(), entries) is None


@needs_office
def test_an_office_that_asks_to_be_started_again_after_its_pipe_appeared(monkeypatch):
    """Seen on a loaded machine: the first start with a new profile opened its pipe and only
    then ended with "start me again" (exit 81); the client then waited a minute for an
    office that was gone. Here a stand-in makes the pipe's file and ends with 81; the real
    office must be started again while the client waits, and the layout come back."""
    real = Office._popen_here
    calls = []

    def first_asks_again(self):
        calls.append(self._pipe)
        if len(calls) > 1:
            return real(self)
        socket = Path("/tmp") / f"OSL_PIPE_{os.getuid()}_{self._pipe}"
        return subprocess.Popen(
            ["/bin/sh", "-c", f'touch "{socket}"; sleep 0.5; rm -f "{socket}"; exit 81']
        )

    monkeypatch.setattr(Office, "_popen_here", first_asks_again)
    office = Office()
    try:
        started = time.monotonic()
        assert office.layout(_docx()) == EXPECTED
        assert len(calls) >= 2 and len(set(calls)) == 1  # started again, same pipe
        assert time.monotonic() - started < office_module.START_SECONDS
    finally:
        office.stop()
