"""The Laporan Hasil SKM from the demo: its figures are the dashboard's, its outline is the
template units use, DOCX and PDF hold the same, and LibreOffice opens the DOCX."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command
from docx import Document

from skm.org.models import Unit
from skm.reports.documents import build
from skm.surveys.models import Period
from skm.surveys.selectors import period_result


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug="dinas-kependudukan-dan-pencatatan-sipil")
    return unit, Period.objects.get(unit=unit, slug="semester-i-2025")


def _table(docx, caption_start):
    """The table that follows the caption paragraph starting with ``caption_start``."""
    body = docx.element.body
    found = False
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        in_list = any(
            t.tag.endswith("}tab") and t.getparent().tag.endswith("}r") for t in child.iter()
        )
        if (
            tag == "p"
            and not in_list
            and "".join(  # not its entry in the DAFTAR TABEL
                t.text or "" for t in child.iter() if t.tag.endswith("}t")
            ).startswith(caption_start)
        ):
            found = True
        elif tag == "tbl" and found:
            from docx.table import Table

            return [[c.text.strip() for c in row.cells] for row in Table(child, docx).rows]
    raise AssertionError(f"no table after {caption_start!r}")


def test_the_docx_has_the_outline_the_figures_and_the_charts(demo):
    unit, period = demo
    document = build("hasil", unit=unit, period=period, fmt="docx")
    docx = Document(io.BytesIO(document.content))
    headings = [p.text.replace("\n", " ") for p in docx.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "KATA PENGANTAR",
        "RINGKASAN EKSEKUTIF",
        "BAB I PENDAHULUAN",
        "BAB II PENGUMPULAN DATA",
        "BAB III HASIL PENGOLAHAN DATA",
        "BAB IV ANALISIS",
        "BAB V PENUTUP",
        "LAMPIRAN",
    ]
    result = period_result(period, unit=unit)
    rows = _table(docx, "Tabel 3.6")
    assert [r[3] for r in rows[1:-1]] == [e.score_text for e in result.elements]
    assert [r[2] for r in rows[1:-1]] == [e.nrr_text for e in result.elements]
    assert rows[-1][3] == "93.40" and rows[-1][4] == f"{result.ci95[0]} - {result.ci95[1]}"
    sex = _table(docx, "Tabel 3.1")
    assert sex[1:] == [
        ["Laki-laki", "303", "49.3"],
        ["Perempuan", "312", "50.7"],
        ["Jumlah", "615", "100.0"],
    ]
    trend = _table(docx, "Tabel 4.2")
    assert [r[:3] for r in trend[1:]] == [
        ["Semester II 2024", "372", "91.76"],
        ["Semester I 2025", "615", "93.40"],
    ]
    plan = _table(docx, "Tabel 4.1")
    assert [r[0] for r in plan[1:]] == ["1.1", "1.2", "2.1", "2.2", "3.1"]
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "Nilai IKM adalah 93.40" in text and "naik 1.64 poin" in text
    assert "sampel minimal menurut tabel Krejcie dan Morgan adalah 378 responden" in text
    assert "telah menindaklanjuti rencana tindak lanjut sebanyak 100%" in text
    assert "Pembobotan:" in text
    # seven charts (five profile breakdowns, the elements, the trend) as pictures Word can
    # show, and the two photos of the survey itself (the follow-up's five are not printed)
    assert len(docx.inline_shapes) == 9
    sizes = {(round(s.page_width.mm), round(s.page_height.mm)) for s in docx.sections}
    assert sizes == {(210, 297), (297, 210)}  # the olah-data table is landscape


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_the_pdf_holds_the_same_figures(demo, tmp_path):
    unit, period = demo
    document = build("hasil", unit=unit, period=period, fmt="pdf")
    path = tmp_path / "hasil.pdf"
    path.write_bytes(document.content)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "Nilai IKM adalah 93.40" in text and "naik 1.64 poin" in text
    for score in ("91.83", "92.32", "91.02", "99.80", "91.91", "92.89", "91.26", "98.01", "91.54"):
        assert score in text
    assert "BAB IV ANALISIS" in text and "Lampiran 2. Olah Data" in text


def test_libreoffice_opens_the_docx(demo, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install libreoffice-writer-nogui (.ci/run)")
        pytest.skip("LibreOffice is not installed")
    unit, period = demo
    source = tmp_path / "hasil.docx"
    source.write_bytes(build("hasil", unit=unit, period=period, fmt="docx").content)
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    assert (tmp_path / "hasil.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext")
def test_kata_pengantar_comes_before_the_lists_in_both_formats(demo, tmp_path):
    """Cover, Kata Pengantar, Daftar Isi, Daftar Tabel, Daftar Gambar, then the summary and
    BAB I, as Indonesian reports are bound (issue #14); no blank page between."""
    unit, period = demo
    docx = Document(io.BytesIO(build("hasil", unit=unit, period=period, fmt="docx").content))
    order = [
        " ".join(p.text.split())
        for p in docx.paragraphs
        if p.style.name in ("Heading 1", "Title")
        and p.text.strip()
        and not p.text.startswith("LAPORAN")
    ]
    assert order[:5] == [
        "KATA PENGANTAR",
        "DAFTAR ISI",
        "DAFTAR TABEL",
        "DAFTAR GAMBAR",
        "RINGKASAN EKSEKUTIF",
    ], order
    path = tmp_path / "hasil.pdf"
    path.write_bytes(build("hasil", unit=unit, period=period, fmt="pdf").content)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    firsts = [next((ln.strip() for ln in page.splitlines() if ln.strip()), "") for page in pages]
    assert firsts[1:6] == [
        "KATA PENGANTAR",
        "DAFTAR ISI",
        "DAFTAR TABEL",
        "DAFTAR GAMBAR",
        "RINGKASAN EKSEKUTIF",
    ], firsts


def test_a_small_sample_is_printed_as_the_results_page_shows_it(settings, tmp_path, unit, period):
    """Issue #15, point 7, in the document: below a sufficient sample the Laporan Hasil
    prints no confidence interval and calls no change significant or overlapping; it says
    the sample is short. Before, it printed both intervals and "bermakna secara statistik"
    for 10 of 278 respondents."""
    import datetime as dt

    from skm.surveys.services import period_create
    from tests.plans.conftest import store

    settings.DATA_DIR = tmp_path
    earlier = period_create(
        unit=unit,
        name="Semester II 2024",
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2024, 7, 1),
        end_date=dt.date(2024, 12, 31),
        population=40,
        status=Period.Status.CLOSED,
    )
    store(earlier, unit, 40, low={"U3": 1, "U7": 1, "U9": 1},
          when=dt.datetime(2024, 8, 1, 9, tzinfo=dt.UTC))  # fmt: skip
    store(period, unit, 10, low={})  # all 4: far above the earlier period, 10 of 278
    result = period_result(period, unit=unit)
    assert not result.sample_sufficient and result.ci95 is not None

    docx = Document(io.BytesIO(build("hasil", unit=unit, period=period, fmt="docx").content))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "selang kepercayaan 95%:" not in text
    assert "bermakna secara statistik" not in text and "tidak bertumpang tindih" not in text
    assert "belum memenuhi sampel minimal, sehingga perubahan ini belum dapat disebut nyata" in text
    table = _table(docx, "Tabel 3.6")
    assert {row[4] for row in table[1:]} == {"-"}  # the interval column
