"""Everything wrong with a file is a Problem with a clear Indonesian message, never a
traceback: unreadable files, wrong headers, bad cells, too many problems."""

from __future__ import annotations

import random
import zipfile

import pytest

from skm.transfer.readers import MAX_KEPT_PROBLEMS, Problem, open_response_file, tally_file

from ._files import CODES, E, answers_29, as_label, header_names, table, write_csv, write_xlsx


def only_problem(path, **kwargs) -> Problem:
    tally, problems, count = tally_file(path, **kwargs)
    assert count == 1 and len(problems) == 1, [str(p) for p in problems]
    assert tally.respondents == 0
    return problems[0]


def test_unreadable_answer_names_file_row_column_value_and_expected(tmp_path):
    lines = table(answers_29()[:12], header=header_names, cell=as_label)
    lines[11][2] = "x"  # row 12 as the spreadsheet shows it (header is row 1)
    path = write_csv(tmp_path / "data.csv", lines)
    tally, problems, count = tally_file(path)
    assert count == 1
    (problem,) = problems
    assert (problem.file, problem.row, problem.column, problem.header) == (
        "data.csv",
        12,
        "C",
        "Waktu Penyelesaian",
    )
    assert (problem.field, problem.value) == ("U3", "x")
    assert str(problem) == (
        'data.csv, baris 12, kolom C ("Waktu Penyelesaian", unsur U3): nilai "x" tidak dapat '
        "dibaca; yang diharapkan: 1-4, a-d, label resmi (1 = Tidak cepat, "
        "2 = Kurang cepat, 3 = Cepat, 4 = Sangat cepat), skala umum seperti Sangat "
        "buruk/Buruk/Baik/Sangat baik atau Tidak puas/Kurang puas/Puas/Sangat puas; "
        "kosong, - atau NULL bila tidak dijawab"
    )
    # The bad row is not counted; the 11 others are.
    assert tally.respondents == 11


def test_every_bad_cell_of_a_row_is_reported_and_the_read_goes_on(tmp_path):
    lines = [CODES, ["5", "4", "0", "4", "4", "4", "4", "4", "4"], ["4"] * 9]
    path = write_csv(tmp_path / "two.csv", lines)
    with open_response_file(path) as source:
        rows = list(source.rows())
    assert [r.line for r in rows] == [3]
    assert [(p.row, p.column, p.value) for p in source.problems] == [(2, "A", "5"), (2, "C", "0")]


def test_xlsx_problem_names_the_sheet_and_shows_numbers_plainly(tmp_path):
    lines = [CODES, [4, 4, 4, 4.5, 4, 4, 4, 4, 4], [7] + [4] * 8]
    path = write_xlsx(tmp_path / "olah.xlsx", {"Rekap": [["-"]], "Jawaban": lines})
    _, problems, count = tally_file(path, sheet="Jawaban")
    assert count == 2
    assert str(problems[0]).startswith(
        'olah.xlsx, lembar "Jawaban", baris 2, kolom D ("U4", unsur U4): nilai "4.5" tidak'
    )
    assert 'nilai "7" tidak dapat dibaca' in str(problems[1])


def test_problems_beyond_fifty_are_counted_not_kept(tmp_path):
    lines = [CODES] + [["?"] + ["4"] * 8 for _ in range(120)] + [["4"] * 9]
    path = write_csv(tmp_path / "many.csv", lines)
    tally, problems, count = tally_file(path)
    assert count == 120
    assert len(problems) == MAX_KEPT_PROBLEMS == 50
    assert [p.row for p in problems] == list(range(2, 52))
    assert tally.respondents == 1
    with open_response_file(path) as source:
        assert len(list(source.rows())) == 1
        assert (len(source.problems), source.problem_count, source.rows_read) == (50, 120, 121)


def test_row_without_any_answer(tmp_path):
    lines = table(answers_29()[:2], before=[("Jenis Kelamin", "L")])
    lines.insert(2, ["P"] + [""] * 9)
    path = write_csv(tmp_path / "kosong.csv", lines)
    tally, problems = tally_file(path)[:2]
    assert problems == [] and tally.respondents == 2
    with open_response_file(path) as source:
        assert len(list(source.rows())) == 2
        assert source.problem_count == 0
        assert (
            "Baris 3 dilewati: tidak ada satu pun jawaban unsur (U1-U9); tidak dihitung"
            in source.account.lines()
        )


def test_missing_element_column(tmp_path):
    lines = [[c for c in CODES if c != "U3"], ["4"] * 8]
    path = write_csv(tmp_path / "nou3.csv", lines)
    problem = only_problem(path)
    assert str(problem) == (
        "nou3.csv, baris 1: kolom untuk unsur U3 (Waktu Penyelesaian) tidak ditemukan; yang "
        'diharapkan: judul kolom berisi kode (U3), nama unsur ("Waktu Penyelesaian") atau teks '
        "pertanyaannya"
    )
    with open_response_file(path) as source:
        assert list(source.rows()) == []
        assert source.rows_read == 0


def test_two_columns_for_one_element(tmp_path):
    lines = [[*CODES, "Waktu Pelayanan"], ["4"] * 10]
    path = write_csv(tmp_path / "dup.csv", lines)
    problem = only_problem(path)
    assert 'unsur U3 (Waktu Penyelesaian) ditemukan di lebih dari satu kolom: C ("U3"), ' in str(
        problem
    )
    assert 'J ("Waktu Pelayanan")' in str(problem)


def test_all_header_problems_are_listed_at_once(tmp_path):
    path = write_csv(tmp_path / "other.csv", [["Nama", "Alamat"], ["a", "b"]])
    _, problems, count = tally_file(path)
    assert count == 9
    assert [p.field for p in problems] == CODES


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file kosong"),
        (b"  \r\n\r\n ", "file kosong"),
        (b"\r\n,,,\r\n , ,\r\n", "file kosong: tidak ada baris judul kolom"),
        (b"%PDF-1.7\n...", "ini file PDF, bukan CSV atau XLSX"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "ini file Excel lama (XLS, Excel 97-2003) atau file Excel yang dilindungi",
        ),
        (
            random.Random(3).randbytes(5000),
            "ini bukan file CSV atau XLSX yang dapat dibaca (isi file biner)",
        ),
        (b"PK\x03\x04 truncated zip", "file ZIP/XLSX rusak atau tidak lengkap"),
    ],
)
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "input.xlsx"
    path.write_bytes(content)
    problem = only_problem(path)
    assert str(problem).startswith(f"input.xlsx: {message}")


def test_ods_and_other_zip_files(tmp_path):
    ods = tmp_path / "data.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    assert "format ODS (LibreOffice/OpenOffice) tidak didukung" in str(only_problem(ods))

    docx = tmp_path / "laporan.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    assert "bukan file XLSX" in str(only_problem(docx))


def test_broken_xlsx_is_a_problem(tmp_path):
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really")
    assert "broken.xlsx: file XLSX tidak dapat dibaca" in str(only_problem(path))


def test_missing_file_and_directory(tmp_path):
    assert str(only_problem(tmp_path / "tidak-ada.csv")) == "tidak-ada.csv: file tidak ditemukan"
    assert "ini sebuah folder, bukan file" in str(only_problem(tmp_path))


def test_unknown_sheet_lists_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", {"Data": [CODES, [4] * 9], "Rekap": [["x"]]})
    problem = only_problem(path, sheet="Jawaban")
    assert str(problem) == (
        's.xlsx: lembar "Jawaban" tidak ada; lembar yang tersedia: "Data", "Rekap"'
    )


def test_empty_sheet(tmp_path):
    path = write_xlsx(tmp_path / "e.xlsx", {"Kosong": [], "Data": [CODES, [4] * 9]})
    assert 'lembar "Kosong" kosong' in str(only_problem(path))


def test_header_only_file_has_no_rows_and_no_problem(tmp_path):
    path = write_csv(tmp_path / "h.csv", [CODES])
    tally, problems, count = tally_file(path)
    assert (tally.respondents, problems, count) == (0, [], 0)


def test_malformed_csv_record_stops_with_a_problem(tmp_path):
    # A field over csv's size limit: the reader cannot resynchronise after it.
    path = tmp_path / "long.csv"
    path.write_bytes(
        (",".join([*CODES, "Saran"]) + "\r\n").encode()
        + b"4,4,4,4,4,4,4,4,4,ok\r\n" * 1000
        + b'4,4,4,4,4,4,4,4,4,"'
        + b"x" * 200_000
        + b'"\r\n'
        + b"4,4,4,4,4,4,4,4,4,ok\r\n" * 10
    )
    tally, problems, count = tally_file(path)
    assert count == 1
    assert str(problems[0]) == (
        "long.csv, baris 1002: sel terlalu panjang (lebih dari 131072 karakter); "
        "pembacaan dihentikan"
    )
    assert tally.respondents == 1000
    with open_response_file(path, with_profile=True) as source:
        assert len(list(source.rows())) == 1000
        assert [p.row for p in source.problems] == [1002]


def test_profile_only_header_problems_need_with_profile(tmp_path):
    lines = table(answers_29()[:1], before=[("Pekerjaan", "PNS"), ("Pekerjaan Utama", "PNS")])
    path = write_csv(tmp_path / "pk.csv", lines)
    assert tally_file(path)[2] == 0  # ikm ignores profile columns entirely
    with open_response_file(path, with_profile=True) as source:
        (problem,) = source.header_problems
    assert str(problem) == (
        'pk.csv, baris 1: pekerjaan ditemukan di lebih dari satu kolom: A ("Pekerjaan"), '
        'B ("Pekerjaan Utama"); yang diharapkan: satu kolom; hapus atau ganti judul kolom '
        "lainnya"
    )


def test_elements_argument_must_not_be_empty(tmp_path):
    with pytest.raises(ValueError, match="elements"):
        open_response_file(tmp_path / "x.csv", elements=())


def test_problem_without_location():
    assert str(Problem("a.csv", "file kosong")) == "a.csv: file kosong"
    assert E  # the catalogue is in use
