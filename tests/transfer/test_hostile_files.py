"""Files built to hurt the readers: a sheet spanning A1:XFD1048576 in 1.5 kB, a crashing
XLSX reader, a CSV of a million columns (issue #12).

The XLSX files that abort calamine are first run through `skm ikm` as a subprocess (on the
code before the fix that subprocess died with SIGABRT, exit 134): never read them in this
process without the readers' guard.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from skm.transfer import contained, readers
from skm.transfer.readers import MAX_SHEET_COLUMNS, open_response_file, tally_file

from ._files import CODES, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
SKM = ROOT / ".venv" / "bin" / "skm"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/{part}" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{relationships}</Relationships>"
)
_SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "{dimension}<sheetData>{rows}</sheetData></worksheet>"
)
# A header cell and a score at the opposite corner of the largest possible sheet.
FAR_APART = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>U1</t></is></c></row>'
    '<row r="1048576"><c r="XFD1048576"><v>4</v></c></row>'
)


def hand_xlsx(path: Path, sheets: dict[str, tuple[str | None, str]]) -> Path:
    """An XLSX written part by part: per sheet name, (dimension ref or None, row XML).

    Sheet i is stored as xl/worksheets/data{i}.xml, so that the readers must follow
    workbook.xml and its relationships to find it.
    """
    entries = []
    relationships = []
    parts = {}
    for i, (name, (dimension, rows)) in enumerate(sheets.items(), 1):
        entries.append(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>')
        relationships.append(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/worksheet" Target="worksheets/data{i}.xml"/>'
        )
        declared = f'<dimension ref="{dimension}"/>' if dimension else ""
        parts[f"xl/worksheets/data{i}.xml"] = _SHEET.format(dimension=declared, rows=rows)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(part="data1.xml"))
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(sheets="".join(entries)))
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(relationships="".join(relationships)),
        )
        for member, xml in parts.items():
            archive.writestr(member, xml)
    return path


HOSTILE = {
    "declared": ("A1:XFD1048576", FAR_APART),
    "undeclared": (None, FAR_APART),
    "declared_small": ("A1:B2", FAR_APART),
    # calamine itself ignores the declaration; refused all the same (another reader, or a
    # later calamine, may size its grid by it).
    "declared_only": ("A1:XFD1048576", '<row r="1"><c r="A1"><v>4</v></c></row>'),
}


def run_ikm(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SKM), "ikm", str(path)], capture_output=True, text=True, timeout=120, check=False
    )


# --------------------------------------------------------------------------------------
# The 1.5 kB sheet that spans the whole grid


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_skm_ikm_refuses_a_sheet_spanning_the_whole_grid(tmp_path, shape):
    path = hand_xlsx(tmp_path / f"{shape}.xlsx", {"Sheet1": HOSTILE[shape]})
    assert path.stat().st_size < 2000
    done = run_ikm(path)
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert "A1 sampai XFD1048576" in done.stderr
    assert "1.048.576 baris × 16.384 kolom" in done.stderr
    assert "terlalu besar" in done.stderr


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_the_reader_refuses_it_before_calamine_builds_the_grid(tmp_path, shape):
    path = hand_xlsx(tmp_path / f"{shape}.xlsx", {"Sheet1": HOSTILE[shape]})
    with open_response_file(path, with_profile=True) as source:
        assert len(source.header_problems) == 1
        problem = source.header_problems[0]
    assert problem.message.startswith('lembar "Sheet1" mencakup sel A1 sampai XFD1048576')
    assert "hapus" in problem.message
    _tally, problems, count = tally_file(path)
    assert count == 1 and problems[0].message == problem.message


def test_the_sheet_chosen_by_name_is_the_one_checked(tmp_path):
    small = [CODES, [4] * 9]
    rows = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{readers._column_letter(c)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
            for c, v in enumerate(line)
        )
        + "</row>"
        for r, line in enumerate(small, 1)
    )
    path = hand_xlsx(
        tmp_path / "dua.xlsx", {"Data": (None, rows), "Coretan": ("A1:XFD1048576", FAR_APART)}
    )
    _tally, problems, count = tally_file(path, sheet="Data")
    assert count == 0, [str(p) for p in problems]
    _tally, problems, count = tally_file(path, sheet=" coretan ")
    assert count == 1
    assert problems[0].message.startswith('lembar "Coretan" mencakup sel A1 sampai XFD1048576')


def test_cells_without_references_are_placed_by_order(tmp_path):
    # No r attributes: calamine places a cell after the previous one and a row after the
    # previous row, so 16,384 cells in row 5,002 span the full width.
    rows = (
        '<row><c t="inlineStr"><is><t>U1</t></is></c></row>'
        + "<row/>" * 5000
        + "<row>"
        + "<c/>" * 16383
        + "<c><v>4</v></c></row>"
    )
    path = hand_xlsx(tmp_path / "urut.xlsx", {"Sheet1": (None, rows)})
    _tally, problems, count = tally_file(path)
    assert count == 1
    assert "A1 sampai XFD5002 (5.002 baris × 16.384 kolom)" in problems[0].message


def test_too_many_cells_is_refused_even_within_the_column_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_SHEET_CELLS", 20)
    path = write_xlsx(tmp_path / "sel.xlsx", {"Data": [CODES, [4] * 9, [4] * 9]})
    _tally, problems, count = tally_file(path)
    assert count == 1
    assert "(3 baris × 9 kolom)" in problems[0].message
    assert "20 sel" in problems[0].message


# --------------------------------------------------------------------------------------
# Containment: whatever the native reader does, the caller survives


def crash_with(monkeypatch, code: str) -> None:
    monkeypatch.setattr(contained, "child_command", lambda: [sys.executable, "-c", code])


def ordinary_xlsx(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "biasa.xlsx", {"Data": [CODES, [4] * 9, [3] * 9]})


def test_a_reader_that_aborts_is_a_refusal_not_a_crash(tmp_path, monkeypatch):
    crash_with(monkeypatch, "import os; os.abort()")
    _tally, problems, count = tally_file(ordinary_xlsx(tmp_path))
    assert count == 1
    assert problems[0].message.startswith(
        "berkas tidak dapat dibaca: pembaca XLSX berhenti tak terduga (SIGABRT)"
    )


def test_a_reader_that_exits_or_hangs_is_a_refusal(tmp_path, monkeypatch):
    crash_with(monkeypatch, "import sys; sys.exit(3)")
    _tally, problems, _count = tally_file(ordinary_xlsx(tmp_path))
    assert "berhenti tak terduga (kode keluar 3)" in problems[0].message

    crash_with(monkeypatch, "import time; time.sleep(60)")
    monkeypatch.setattr(contained, "CHILD_TIMEOUT_SECONDS", 1)
    _tally, problems, _count = tally_file(ordinary_xlsx(tmp_path))
    assert "melebihi batas waktu 1 detik" in problems[0].message


def test_the_child_has_a_memory_ceiling(tmp_path, monkeypatch):
    # Without the extent check, the placed-by-order sheet makes calamine build a grid of
    # 5,002 × 16,384 cells (2.6 GB): the child's address-space ceiling stops it instead.
    rows = "<row><c><v>1</v></c></row>" + "<row/>" * 5000 + "<row>" + "<c/>" * 16383
    rows += "<c><v>4</v></c></row>"
    path = hand_xlsx(tmp_path / "urut.xlsx", {"Sheet1": (None, rows)})
    monkeypatch.setattr(readers, "_check_area", lambda *args: None)
    monkeypatch.setattr(contained, "CHILD_MEMORY_BYTES", 512 * 1024**2)
    _tally, problems, count = tally_file(path)
    assert count == 1
    assert problems[0].message.startswith("berkas tidak dapat dibaca: ")


def test_an_ordinary_workbook_reads_as_before(tmp_path):
    tally, problems, count = tally_file(ordinary_xlsx(tmp_path))
    assert count == 0, [str(p) for p in problems]
    assert tally.respondents == 2


# --------------------------------------------------------------------------------------
# CSV: a column limit and a bound on one record


def test_a_csv_of_a_million_columns_is_refused(tmp_path):
    path = tmp_path / "lebar.csv"
    with path.open("w") as f:
        f.write(",".join(CODES) + ",x" * 1_000_000 + "\r\n")
        f.write(",".join(["4"] * 9) + "\r\n")
    assert 2_000_000 < path.stat().st_size < 5_000_000
    tally, problems, count = tally_file(path)
    assert count == 1 and tally.respondents == 0
    message = str(problems[0])
    assert message.startswith("lebar.csv: baris 1: baris ini berisi 1.000.009 kolom")
    assert f"kolom; paling banyak {MAX_SHEET_COLUMNS} kolom" in message


def test_a_wide_data_row_stops_the_read_with_its_row_and_count(tmp_path):
    lines = [CODES, [4] * 9, [3] * 9 + ["x"] * 600, [4] * 9]
    path = write_csv(tmp_path / "baris.csv", lines)
    with open_response_file(path) as source:
        rows = list(source.rows())
    assert len(rows) == 1
    assert source.problem_count == 1
    problem = source.problems[0]
    assert problem.row == 3
    assert "609 kolom" in problem.message
    assert f"paling banyak {MAX_SHEET_COLUMNS} kolom" in problem.message


def test_a_wide_row_hidden_in_quotes_is_counted_after_parsing(tmp_path):
    # Quoted cells make the raw count of commas unreliable: the parsed row is counted.
    lines = [CODES, [4] * 9 + ["a,b"] * 600]
    path = write_csv(tmp_path / "kutip.csv", lines)
    _tally, problems, count = tally_file(path)
    assert count == 1
    assert "609 kolom" in problems[0].message and problems[0].row == 2


def test_a_record_of_many_short_lines_is_bounded(tmp_path):
    # 400,000 quoted line breaks: each physical line is short, the record is 1.6 MB and
    # would become a row of 400,009 cells.
    path = tmp_path / "panjang.csv"
    with path.open("w", newline="") as f:
        f.write(",".join(CODES) + "\r\n")
        f.write(",".join(["4"] * 9) + ',"\n"' * 400_000 + "\r\n")
    _tally, problems, count = tally_file(path)
    assert count == 1
    assert problems[0].row == 2
    assert "lebih dari 1.000.000 karakter" in problems[0].message


def test_the_guard_works_from_a_server_thread(tmp_path):
    # The development server and the worker's runner call the readers from threads.
    import threading

    path = hand_xlsx(tmp_path / "jauh.xlsx", {"Sheet1": HOSTILE["undeclared"]})
    found = []
    thread = threading.Thread(target=lambda: found.append(tally_file(path)))
    thread.start()
    thread.join(120)
    ((_tally, problems, count),) = found
    assert count == 1 and "A1 sampai XFD1048576" in problems[0].message


def test_a_reference_beyond_the_grid_is_placed_not_skipped(tmp_path):
    rows = '<row r="1"><c r="A1"><v>4</v></c><c r="AAAAA1"><v>4</v></c></row>'
    path = hand_xlsx(tmp_path / "luar.xlsx", {"Sheet1": (None, rows)})
    _tally, problems, count = tally_file(path)
    assert count == 1
    assert "A1 sampai AAAAA1 (1 baris × 475.255 kolom)" in problems[0].message


def test_full_cell_caches_still_read_every_value(tmp_path, monkeypatch):
    # The per-column caches stop growing at _MAX_CACHED distinct values (a column of
    # free text would otherwise keep every value); what is not cached is parsed again.
    monkeypatch.setattr(readers, "_MAX_CACHED", 3)
    lines = [[*CODES, "Jenis Layanan"]]
    lines += [[str(1 + i % 4)] * 9 + [f"Layanan {i}"] for i in range(12)]
    path = write_csv(tmp_path / "layanan.csv", lines)
    with open_response_file(path, with_profile=True) as source:
        rows = list(source.rows())
    assert [r.profile.service for r in rows] == [f"Layanan {i}" for i in range(12)]
    assert [r.answers[0] for r in rows] == [1 + i % 4 for i in range(12)]
    tally, _problems, count = tally_file(path)
    assert count == 0 and tally.respondents == 12
