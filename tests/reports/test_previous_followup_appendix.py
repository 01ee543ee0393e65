"""The Laporan Hasil's appendix "Laporan Hasil Tindak Lanjut SKM pada Periode Sebelumnya"
(KemenPANRB's report template; issue #14 point 12): the previous period's plan with each
item's realisation and the % realised with the official formula, in DOCX and PDF and in
the table of contents; one sentence when there is no earlier plan."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from django.core.management import call_command
from docx import Document

from skm.org.models import Unit
from skm.plans.services import item_create, plan_create, plan_finalise, realisation_update
from skm.reports.documents import build
from skm.surveys.models import Period
from tests.reports.test_toc import _docx_body, _fields, _pages, _printed_lists

TITLE = "Laporan Hasil Tindak Lanjut SKM pada Periode Sebelumnya"
SIGNED = dt.date(2025, 8, 22)
needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext")


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug="dinas-kependudukan-dan-pencatatan-sipil")
    return (
        unit,
        Period.objects.get(unit=unit, slug="semester-ii-2024"),
        Period.objects.get(unit=unit, slug="semester-i-2025"),
    )


@pytest.fixture
def earlier_plan(demo):
    unit, earlier, _period = demo
    plan = plan_create(period=earlier, unit=unit, user=None)
    priority = plan.priorities.first()
    done = item_create(
        priority,
        data={
            "activity": "Menambah loket antrean daring",
            "quarters": "12",
            "year": 2025,
            "owner_title": "Kepala Bidang",
        },
        user=None,
    )
    for activity in ("Melatih petugas layanan prima", "Memasang papan alur layanan"):
        item_create(
            priority,
            data={"activity": activity, "quarters": "3", "year": 2025, "owner_title": "Sekretaris"},
            user=None,
        )
    plan_finalise(plan, user=None)
    realisation_update(
        done,
        status="sudah",
        done_on=dt.date(2025, 3, 14),
        description="Loket antrean daring dibuka",
        obstacles="",
        user=None,
        today=dt.date(2025, 3, 14),
    )
    return plan


def _docx(unit, period):
    content = build("hasil", unit=unit, period=period, fmt="docx", signed_on=SIGNED).content
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[c.text.strip() for c in r.cells] for r in t.rows] for t in document.tables]
    return content, headings, text, tables


def test_the_appendix_lists_the_previous_plan_in_the_docx_and_its_contents(demo, earlier_plan):
    unit, _earlier, period = demo
    content, headings, text, tables = _docx(unit, period)
    # the survey's documentation is Lampiran 3, so this is Lampiran 4
    assert f"Lampiran 4. {TITLE}" in headings
    assert headings.index(f"Lampiran 4. {TITLE}") > headings.index(
        "Lampiran 3. Dokumentasi Pelaksanaan Survei"
    )
    table = next(
        t for t in tables if t[0][:3] == ["No", "Unsur", "Program/kegiatan"] and len(t[0]) == 6
    )
    assert table[0] == [
        "No",
        "Unsur",
        "Program/kegiatan",
        "Waktu",
        "Status dan realisasi",
        "Selesai",
    ]
    assert table[1][0] == "1.1" and table[1][2] == "Menambah loket antrean daring"
    assert table[1][3] == "TW 1, TW 2 2025"
    assert table[1][4] == "Sudah: Loket antrean daring dibuka" and table[1][5] == "14 Maret 2025"
    assert table[2][2] == "Melatih petugas layanan prima" and table[2][5] == "-"
    assert "Belum" in table[2][4]
    assert "Rencana tindak lanjut hasil SKM Semester II Tahun 2024 dan realisasinya." in text
    assert (
        "Persentase RTL yang ditindaklanjuti = jumlah RTL yang terealisasi / jumlah RTL yang "
        "direncanakan × 100% = 1/3 × 100% = 33.33%." in text
    )
    fields = _fields(_docx_body(content))
    contents = next(e for instruction, e in fields if instruction.startswith('TOC \\o "1-2"'))
    assert f"Lampiran 4. {TITLE}" in [entry for entry, _page in contents]
    captions = next(e for instruction, e in fields if '\\t "Judul Tabel,1"' in instruction)
    assert any(c.startswith("Tabel L.4. Realisasi rencana tindak lanjut") for c, _p in captions)


@needs_pdftotext
def test_the_appendix_is_in_the_pdf_and_its_daftar_isi(demo, earlier_plan, tmp_path):
    unit, _earlier, period = demo
    pdf = build("hasil", unit=unit, period=period, fmt="pdf", signed_on=SIGNED).content
    pages = _pages(pdf, tmp_path)
    lists, _after = _printed_lists(pages)
    entries = [" ".join(text.split()) for text, _page in lists["DAFTAR ISI"]]
    assert f"Lampiran 4. {TITLE}" in entries  # wrapped over two lines, with its leader
    body = " ".join(" ".join(pages).split())
    # table cells wrap in the layout text: the caption and the formula are single lines
    assert "Tabel L.4. Realisasi rencana tindak lanjut Semester II Tahun 2024" in body
    assert "Menambah loket" in body and "14 Maret" in body
    assert "= 1/3 × 100% = 33.33%." in body


def test_without_an_earlier_plan_one_sentence_and_no_table(demo):
    unit, earlier, period = demo
    # Semester II 2024 is the first period: no plan before it, and no survey photos, so the
    # appendix is Lampiran 3
    _content, headings, text, tables = _docx(unit, earlier)
    assert f"Lampiran 3. {TITLE}" in headings
    assert not any("Dokumentasi Pelaksanaan Survei" in h for h in headings)
    assert (
        "Belum ada rencana tindak lanjut hasil SKM pada periode sebelumnya, sehingga belum ada "
        "tindak lanjut yang dilaporkan." in text
    )
    assert not any(t[0][-2:] == ["Status dan realisasi", "Selesai"] for t in tables)
    # Semester I 2025 without a plan of Semester II 2024: the same sentence
    _content, headings, text, _tables = _docx(unit, period)
    assert f"Lampiran 4. {TITLE}" in headings
    assert "Belum ada rencana tindak lanjut hasil SKM pada periode sebelumnya" in text


def test_the_comma_style_applies_to_the_formula(demo, earlier_plan):
    from skm.reports.models import ReportProfile

    unit, _earlier, period = demo
    ReportProfile.objects.filter(unit=unit).update(decimal=",")
    _content, _headings, text, _tables = _docx(unit, period)
    assert "= 1/3 × 100% = 33,33%." in text
