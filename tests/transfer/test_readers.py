"""The response file reader: formats, header shapes, cells and row numbering.

Plain functions, no database. The central property: every accepted shape of the same
answers gives the same tally, hence the same result, as computing from the answers directly.
"""

from __future__ import annotations

import json
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skm.method import DEFAULT_ELEMENTS, compute
from skm.transfer.readers import (
    Column,
    FileRow,
    open_response_file,
    tally_file,
)

from ._files import (
    CODES,
    E,
    answers_29,
    answers_with_missing,
    as_digit,
    as_float,
    as_label,
    as_letter,
    as_number,
    as_shouted_label,
    datetimes,
    header_codes,
    header_names,
    header_questions,
    table,
    tally_of,
    timestamps,
    write_csv,
    write_xlsx,
)

PRINTED_ORDER = [0, 1, 2, 3, 4, 5, 6, 8, 7]  # the printed questionnaire asks U9 before U8


def shapes(rows):
    """(name, writer(path) -> path) for every file shape the reader accepts."""
    google = {
        "header": header_questions,
        "cell": as_label,
        "before": [
            ("Timestamp", timestamps),
            ("Jenis Kelamin", lambda i: "Laki-laki" if i % 2 else "Perempuan"),
            ("Usia", lambda i: 20 + i % 50),
        ],
        "after": [("Saran dan Masukan", lambda i: "Pelayanan baik, pertahankan" if i % 3 else "")],
    }
    return [
        ("csv-comma-codes-digits", "a.csv", lambda p: write_csv(p, table(rows))),
        (
            "csv-semicolon-codes-letters",
            "b.csv",
            lambda p: write_csv(p, table(rows, cell=as_letter), delimiter=";"),
        ),
        (
            "csv-tab-names-labels-bom",
            "c.csv",
            lambda p: write_csv(
                p, table(rows, header=header_names, cell=as_label), delimiter="\t", bom=True
            ),
        ),
        ("csv-google-forms", "d.csv", lambda p: write_csv(p, table(rows, **google))),
        (
            "csv-cp1252-shouted-labels",
            "e.csv",
            lambda p: write_csv(
                p,
                table(
                    rows,
                    header=header_names,
                    cell=as_shouted_label,
                    after=[("Saran", "Antrean lama, café penuh")],
                ),
                delimiter=";",
                encoding="cp1252",
            ),
        ),
        (
            "csv-printed-order-unknown-columns",
            "f.csv",
            lambda p: write_csv(
                p,
                table(
                    rows,
                    order=PRINTED_ORDER,
                    before=[("No", lambda i: i + 1), ("Nama Petugas", "Budi")],
                    after=[("Keterangan", "x")],
                ),
            ),
        ),
        (
            "csv-blank-lines",
            "g.csv",
            lambda p: write_csv(
                p, [[], [""] * 9, *table(rows)[:5], [""] * 9, *table(rows)[5:], [], [""] * 9]
            ),
        ),
        (
            "xlsx-codes-numbers",
            "h.xlsx",
            lambda p: write_xlsx(p, {"Data": table(rows, cell=as_number)}),
        ),
        (
            "xlsx-second-sheet-google",
            "i.xlsx",
            lambda p: write_xlsx(
                p,
                {
                    "Ringkasan": [["Rekap SKM"], ["bukan data jawaban"]],
                    "Form Responses 1": table(
                        rows, **{**google, "before": [("Cap waktu", datetimes)]}
                    ),
                },
            ),
        ),
        (
            "xlsx-offset-floats",
            "j.xlsx",
            lambda p: write_xlsx(
                p, {"Data": table(rows, header=header_names, cell=as_float)}, origin=(3, 3)
            ),
        ),
        (
            "xlsx-extension-csv",  # content decides, not the name
            "k.csv",
            lambda p: write_xlsx(p, {"Data": table(rows, cell=as_number)}),
        ),
    ]


SHEETS = {"xlsx-second-sheet-google": "Form Responses 1"}


@pytest.mark.parametrize("data", ["29", "missing"])
def test_every_shape_gives_the_direct_result(tmp_path, data):
    rows = answers_29() if data == "29" else answers_with_missing()
    expected = compute(tally_of(rows), DEFAULT_ELEMENTS).to_dict()
    if data == "29":
        assert expected["ikm"] == "91.48"
        assert [e["total"] for e in expected["elements"]] == [
            105,
            101,
            100,
            116,
            102,
            105,
            106,
            105,
            115,
        ]
    for name, filename, write in shapes(rows):
        path = write(tmp_path / filename)
        tally, problems, count = tally_file(path, sheet=SHEETS.get(name))
        assert (problems, count) == ([], 0), (name, [str(p) for p in problems])
        assert tally == tally_of(rows), name
        got = compute(tally, DEFAULT_ELEMENTS).to_dict()
        assert json.dumps(got) == json.dumps(expected), name


@pytest.mark.parametrize("name", [s[0] for s in shapes(answers_29())])
def test_rows_and_tally_agree(tmp_path, name):
    rows = answers_with_missing(25)
    (_, filename, write), *_ = [s for s in shapes(rows) if s[0] == name]
    path = write(tmp_path / filename)
    with open_response_file(path, sheet=SHEETS.get(name)) as source:
        got = [r.answers for r in source.rows()]
        assert source.problem_count == 0
        assert source.rows_read == len(rows)
    assert got == rows
    tally, _, _ = tally_file(path, sheet=SHEETS.get(name))
    assert tally == tally_of(got)


def test_columns_and_lines_are_spreadsheet_positions(tmp_path):
    rows = answers_29()[:3]
    path = write_xlsx(
        tmp_path / "x.xlsx",
        {"Data": table(rows, before=[("Timestamp", datetimes)], order=PRINTED_ORDER)},
        origin=(3, 3),
    )
    with open_response_file(path) as source:
        assert source.header_line == 3
        assert source.columns["submitted_at"] == Column(0, "C", "Timestamp")
        assert source.columns["U1"] == Column(1, "D", "U1")
        assert source.columns["U9"] == Column(8, "K", "U9")
        assert source.columns["U8"] == Column(9, "L", "U8")
        lines = [r.line for r in source.rows()]
    assert lines == [4, 5, 6]

    path = write_csv(tmp_path / "x.csv", [[], [], *table(rows)])
    with open_response_file(path) as source:
        assert source.header_line == 3
        assert [r.line for r in source.rows()] == [4, 5, 6]


def test_csv_dialects_and_encodings_are_detected(tmp_path):
    rows = answers_29()[:2]
    cases = [
        (",", "utf-8", False, "utf-8-sig"),
        (";", "utf-8", True, "utf-8-sig"),
        ("\t", "cp1252", False, "cp1252"),
        ("\t", "utf-16", False, "utf-16"),  # Excel's "Unicode Text"
    ]
    for delimiter, encoding, bom, detected in cases:
        path = write_csv(
            tmp_path / "x.csv",
            table(rows, after=[("Saran", "Pelayanan cepat; ramah, café")]),
            delimiter=delimiter,
            encoding=encoding,
            bom=bom,
        )
        with open_response_file(path, with_profile=True) as source:
            assert (source.delimiter, source.encoding) == (delimiter, detected)
            got = list(source.rows())
        assert [r.answers for r in got] == rows
        assert got[0].profile.suggestion == "Pelayanan cepat; ramah, café"


def test_cp1252_is_detected_even_when_the_accent_is_far_down(tmp_path):
    # The é arrives after more than 1 MiB of plain ASCII: the encoding must still be right
    # for every row, including those read before it.
    rows = [(4, 4, 4, 4, 4, 4, 4, 4, 4)] * 12000
    lines = table(rows, after=[("Saran", "x" * 80)])
    lines.append([4] * 9 + ["Kafé dekat kantor"])
    path = write_csv(tmp_path / "big.csv", lines, encoding="cp1252")
    with open_response_file(path, with_profile=True) as source:
        assert source.encoding == "cp1252"
        last = list(source.rows())[-1]
    assert last.profile.suggestion == "Kafé dekat kantor"


def test_header_delimiter_ignores_commas_inside_quoted_headers(tmp_path):
    header = ['Penilaian "Sistem, Mekanisme, dan Prosedur"', *CODES[2:]]
    path = tmp_path / "q.csv"
    path.write_text(
        'U1;"Sistem, Mekanisme, dan Prosedur";'
        + ";".join(CODES[2:])
        + "\n"
        + ";".join(["4"] * 9)
        + "\n",
        encoding="utf-8",
    )
    assert header  # documents the shape
    with open_response_file(path) as source:
        assert source.delimiter == ";"
        assert source.columns["U2"].header == "Sistem, Mekanisme, dan Prosedur"
        assert [r.answers for r in source.rows()] == [(4,) * 9]


def test_google_forms_grid_headers(tmp_path):
    header = [f"Penilaian Layanan [{e.name}]" for e in E]
    path = write_csv(tmp_path / "grid.csv", [header, [e.label(3) for e in E]])
    tally, _problems, count = tally_file(path)
    assert count == 0
    assert dict(tally.patterns) == {(3,) * 9: 1}


@pytest.mark.parametrize(
    "header",
    ["Timestamp", "Tanggal", "Waktu Survei", "Cap waktu", "Jam/Tanggal", "Tanggal Survei"],
)
def test_time_columns_are_never_taken_for_u3_waktu(tmp_path, header):
    lines = table(answers_29()[:2], before=[(header, "14/03/2025")])
    path = write_csv(tmp_path / "t.csv", lines)
    with open_response_file(path) as source:
        assert source.header_problems == []
        assert source.columns["submitted_at"].header == header
        assert source.columns["U3"].header == "U3"


def test_profile_columns_recognised(tmp_path):
    headers = {
        "submitted_at": "Tanggal Survei",
        "gender": "L/P",
        "age": "Umur",
        "education": "Pendidikan Terakhir",
        "occupation": "Pekerjaan Utama",
        "occupation_other": "Pekerjaan Lainnya",
        "service": "Layanan yang diterima",
        "suggestion": "Kritik dan Saran",
    }
    path = write_csv(
        tmp_path / "p.csv", table([(4,) * 9], before=[(h, "") for h in headers.values()])
    )
    with open_response_file(path) as source:
        assert {f: source.columns[f].header for f in headers} == headers


def test_answers_in_any_accepted_form(tmp_path):
    u3 = E[2]
    values = ["4", " 4 ", "4.0", "d", "D", "Sangat cepat", "SANGAT  CEPAT", "d. Sangat cepat"]
    lines = [CODES] + [["1"] * 2 + [v] + ["1"] * 6 for v in values]
    path = write_csv(tmp_path / "v.csv", lines)
    with open_response_file(path) as source:
        got = [r.answers[2] for r in source.rows()]
    assert got == [4] * len(values)
    assert u3.label(4) == "Sangat cepat"


def test_missing_answer_is_missing_for_that_element_only(tmp_path):
    path = write_csv(tmp_path / "m.csv", [CODES, ["4", "", "3", "", "4", "4", "4", "4", ""]])
    with open_response_file(path) as source:
        assert [r.answers for r in source.rows()] == [(4, None, 3, None, 4, 4, 4, 4, None)]


def test_short_rows_are_missing_answers(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(",".join(CODES) + "\n4,3,2\n", encoding="utf-8")
    with open_response_file(path) as source:
        assert [r.answers for r in source.rows()] == [(4, 3, 2) + (None,) * 6]
    tally, _, count = tally_file(path)
    assert count == 0 and dict(tally.patterns) == {(4, 3, 2) + (None,) * 6: 1}


def test_custom_questionnaire_elements(tmp_path):
    elements = (E[0], E[1], E[2])  # e.g. a unit that dropped some elements
    path = write_csv(tmp_path / "three.csv", [["U1", "U2", "U3", "U4"], ["4", "3", "2", "zzz"]])
    tally, _problems, count = tally_file(path, elements=elements)
    assert count == 0  # U4 is not in this questionnaire: an ignored column
    assert dict(tally.patterns) == {(4, 3, 2): 1}


def test_filerow_shape(tmp_path):
    path = write_csv(tmp_path / "r.csv", table([(1, 2, 3, 4, 1, 2, 3, 4, 1)]))
    with open_response_file(path) as source:
        (row,) = source.rows()
    assert row == FileRow(2, (1, 2, 3, 4, 1, 2, 3, 4, 1), None)


def test_tally_file_streams(tmp_path):
    """Peak memory of tally_file does not grow with the number of rows."""

    def peak(n: int) -> int:
        lines = table([(4, 3, 4, 3, 4, 3, 4, 3, 4)] * n, after=[("Saran", "s" * 200)])
        path = write_csv(tmp_path / f"s{n}.csv", lines)
        tracemalloc.start()
        try:
            tally, _, count = tally_file(path)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert count == 0 and tally.respondents == n

    # Both files are larger than the 1 MiB chunk of the encoding check; holding the rows
    # of the larger one (40,000 x ~250 bytes) would cost over 10 MB.
    small, large = peak(8_000), peak(40_000)
    assert large < small + 300_000, (small, large)


def test_xlsx_booleans_are_not_scores(tmp_path):
    lines = [CODES, [1] * 9, [True] + [1] * 8]
    path = write_xlsx(tmp_path / "b.xlsx", {"Data": lines})
    _tally, problems, count = tally_file(path)
    assert count == 1
    assert problems[0].row == 3 and problems[0].column == "A"
    with open_response_file(path) as source:
        assert len(list(source.rows())) == 1
        assert source.problem_count == 1


def test_xlsx_formats_and_numbers(tmp_path):
    lines = [CODES, [4, 4.0, "4", "d", "Gratis" if False else "4", 3, 3.0, "c", "Baik"]]
    path = write_xlsx(tmp_path / "n.xlsx", {"Data": lines})
    with open_response_file(path) as source:
        assert [r.answers for r in source.rows()] == [(4, 4, 4, 4, 4, 3, 3, 3, 3)]


def test_sheet_name_is_matched_leniently(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", {"A": [["x"]], "Form Responses 1": table([(4,) * 9])})
    with open_response_file(path, sheet="form responses 1") as source:
        assert source.sheet == "Form Responses 1"
        assert len(list(source.rows())) == 1


def test_as_digit_helper_roundtrip():
    assert [as_digit(E[0], s) for s in (None, 1, 4)] == ["", "1", "4"]
    assert header_codes() == CODES


answer = st.one_of(st.none(), st.integers(1, 4))
respondent = st.tuples(*[answer] * 9).filter(lambda row: any(a is not None for a in row))
STYLES = [as_digit, as_letter, as_label, as_shouted_label]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(respondent, min_size=1, max_size=30),
    styles=st.lists(st.sampled_from(STYLES), min_size=9, max_size=9),
    order=st.permutations(range(9)),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "cp1252"]),
)
def test_any_csv_shape_reads_back_its_answers(tmp_path, rows, styles, order, delimiter, encoding):
    def cell(element, score):
        return styles[E.index(element)](element, score)

    path = write_csv(
        tmp_path / "h.csv",
        table(rows, cell=cell, order=order),
        delimiter=delimiter,
        encoding=encoding,
    )
    tally, problems, count = tally_file(path)
    assert count == 0, [str(p) for p in problems]
    assert tally == tally_of(rows)


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    import zipfile

    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"\x00" * 1_000_000
            for _ in range(30):  # 30 MB of zeros pack into a few dozen kB
                sheet.write(chunk)
    assert path.stat().st_size < 200_000
    _tally, problems, _count = tally_file(path)
    assert len(problems) == 1
    assert "zip bomb" in problems[0].message and "sheet1.xml" in problems[0].message


def test_an_oversized_sheet_is_refused_with_its_size(tmp_path, monkeypatch):
    from skm.transfer import readers

    monkeypatch.setattr(readers, "MAX_SHEET_ROWS", 2)
    path = write_xlsx(tmp_path / "besar.xlsx", {"Data": [CODES, [4] * 9, [4] * 9, [4] * 9]})
    _tally, problems, _count = tally_file(path)
    assert "terlalu besar" in problems[0].message and "4 baris" in problems[0].message
