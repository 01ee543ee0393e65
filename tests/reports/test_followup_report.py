"""The Laporan Tindak Lanjut from the demo: read back from the DOCX (python-docx) and the PDF
(pdftotext), the figures equal the dashboard's; LibreOffice opens the DOCX."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command
from docx import Document

from skm.org.models import Unit
from skm.plans.selectors import plan_view
from skm.reports.documents import ReportUnavailable, build
from skm.surveys.models import Period
from skm.surveys.selectors import period_result

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"
SEED_TABLE1 = [
    ("1", "Persyaratan", "91.83", "Sangat Baik"),
    ("2", "Sistem, Mekanisme, dan Prosedur", "92.32", "Sangat Baik"),
    ("3", "Waktu Penyelesaian", "91.02", "Sangat Baik"),
    ("4", "Biaya/Tarif", "99.80", "Sangat Baik"),
    ("5", "Produk Spesifikasi Jenis Pelayanan", "91.91", "Sangat Baik"),
    ("6", "Kompetensi Pelaksana", "92.89", "Sangat Baik"),
    ("7", "Perilaku Pelaksana", "91.26", "Sangat Baik"),
    ("8", "Penanganan Pengaduan, Saran dan Masukan", "98.01", "Sangat Baik"),
    ("9", "Sarana dan Prasarana", "91.54", "Sangat Baik"),
]


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug=DUKCAPIL)
    period = Period.objects.get(unit=unit, slug="semester-i-2025")
    return unit, period


def _docx(unit, period):
    document = build(
        "tindak-lanjut", unit=unit, period=period, fmt="docx", signed_on=dt.date(2025, 8, 22)
    )
    return document, Document(io.BytesIO(document.content))


def _rows(table):
    return [tuple(c.text.strip() for c in row.cells) for row in table.rows]


def test_the_docx_holds_the_seed_tables_numbers_and_signatory(demo):
    unit, period = demo
    document, docx = _docx(unit, period)
    assert document.filename == f"laporan-tindak-lanjut-{DUKCAPIL}-semester-i-2025.docx"
    table1, table2, table3, strategies = docx.tables
    assert _rows(table1)[1:] == SEED_TABLE1
    # the dashboard's figures, digit for digit
    result = period_result(period, unit=unit)
    assert [r[2] for r in _rows(table1)[1:]] == [e.score_text for e in result.elements]

    plan_rows = _rows(table2)[2:]
    assert [(r[0], r[1], r[2][:3], r[3:7], r[7], r[8]) for r in plan_rows] == [
        ("1", "Waktu Penyelesaian", "1.1", ("", "", "√", "√"), "2025", "Kepala Dinas"),
        ("1", "Waktu Penyelesaian", "1.2", ("", "", "√", "√"), "2025", "Kepala Dinas"),
        ("2", "Perilaku Pelaksana", "2.1", ("", "", "√", "√"), "2025", "Kepala Dinas"),
        ("2", "Perilaku Pelaksana", "2.2", ("", "", "√", ""), "2025", "Kepala Dinas"),
        ("3", "Sarana dan Prasarana", "3.1", ("", "", "√", ""), "2025", "Kepala Dinas"),
    ]
    realisation = _rows(table3)[1:]
    assert [(r[1], r[2]) for r in realisation] == [
        ("1.1", "Sudah"),
        ("1.2", "Sudah"),
        ("2.1", "Sudah"),
        ("2.2", "Sudah"),
        ("3.1", "Sudah"),
    ]
    assert len(docx.inline_shapes) == 5  # the documentation photos, embedded

    text = "\n".join(p.text for p in docx.paragraphs)
    assert "LAPORAN TINDAK LANJUT" in text and "SEMESTER I TAHUN 2025" in text
    assert (
        "Waktu Penyelesaian (91.02), Perilaku Pelaksana (91.26), serta Sarana dan Prasarana (91.54)"
        in text
    )
    assert "telah menindaklanjuti rencana tindak lanjut sebanyak 100%" in text
    assert "Pekalongan, 22 Agustus 2025" in text
    assert "ISKANDAR, SH, M.Hum." in text and "NIP. 196905251990031005" in text
    assert _rows(strategies)[1][2] == "Mengadakan Public Hearing Peninjauan Standar Pelayanan"
    # heading styles, from which Word builds the table of contents
    # ("BAB I" over its title: one heading with a line break, tests/reports/test_letterhead.py)
    headings = [p.text.replace("\n", " ") for p in docx.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "BAB I LATAR BELAKANG",
        "BAB II DESKRIPSI RENCANA TINDAK LANJUT",
        "BAB III REALISASI RENCANA TINDAK LANJUT",
        "BAB IV KESIMPULAN",
    ]
    # A4, with BAB III in landscape
    sizes = [(round(s.page_width.mm), round(s.page_height.mm)) for s in docx.sections]
    assert sizes == [(210, 297), (297, 210), (210, 297)]


def test_the_comma_style_changes_only_the_separator(demo):
    from skm.reports.models import ReportProfile

    unit, period = demo
    ReportProfile.objects.filter(unit=unit).update(decimal=",")
    _document, docx = _docx(unit, period)
    assert [r[2] for r in _rows(docx.tables[0])[1:]][:3] == ["91,83", "92,32", "91,02"]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_pdf_has_the_same_text(demo, tmp_path):
    unit, period = demo
    document = build(
        "tindak-lanjut", unit=unit, period=period, fmt="pdf", signed_on=dt.date(2025, 8, 22)
    )
    assert document.content.startswith(b"%PDF")
    path = tmp_path / "ltl.pdf"
    path.write_bytes(document.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for _no, element, ikm, _mutu in SEED_TABLE1:
        assert ikm in text
    assert "telah menindaklanjuti rencana tindak lanjut sebanyak 100%" in " ".join(text.split())
    # a cell's lines in reading order (without -layout), however narrow its column
    flow = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "1.2 Memberikan pembinaan kepada" in " ".join(flow.split()) and "3.1" in text
    assert "ISKANDAR, SH, M.Hum." in text and "NIP. 196905251990031005" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "yes" in fonts.splitlines()[2]  # fonts embedded
    assert plan_view(unit.plans.get(period=period)).percent_text == "100.00"


def test_libreoffice_opens_the_docx(demo, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install libreoffice-writer-nogui (.ci/run)")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    unit, period = demo
    document, _parsed = _docx(unit, period)
    source = tmp_path / "ltl.docx"
    source.write_bytes(document.content)
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
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
    converted = tmp_path / "ltl.pdf"
    assert converted.exists() and converted.read_bytes().startswith(b"%PDF")


def test_without_a_plan_the_report_says_so(demo):
    unit, _period = demo
    other = Period.objects.filter(unit=unit).exclude(slug="semester-i-2025").first()
    with pytest.raises(ReportUnavailable, match="belum memiliki rencana tindak lanjut"):
        build("tindak-lanjut", unit=unit, period=other, fmt="docx")


def test_the_agency_logo_is_on_the_cover_when_set(demo, settings):
    from django.core.files.base import ContentFile

    from tests.plans.test_evidence import png_bytes

    unit, period = demo
    settings.MEDIA_ROOT = settings.DATA_DIR / "files"
    unit.agency.logo.save("logo.png", ContentFile(png_bytes()))
    _document, docx = _docx(unit, period)
    assert len(docx.inline_shapes) == 5  # the five photos; the logo floats in the kop surat
    assert len(docx.element.body.xpath(".//wp:anchor//pic:pic")) == 1
    html = __import__("skm.reports.pdf_render", fromlist=["x"]).followup_html(
        __import__("skm.reports.data", fromlist=["x"]).followup_report(
            unit.plans.get(period=period)
        )
    )
    assert 'src="data:image/png;base64,' in html.split('class="kop-emblem"')[1][:200]
