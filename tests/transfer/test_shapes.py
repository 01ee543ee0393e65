"""Shapes of other offices' files: title rows and multi-row headers, summary and note rows
under the data, one row per answer (long format), no header row (issue #13, points 1, 2, 6,
7). Each file is built in the test; the read result and the notices are both checked.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook

from skm.method import compute
from skm.surveys.models import ImportJob, Period, Response
from skm.surveys.services import period_create
from skm.transfer.jobs import import_job_check, import_job_create
from skm.transfer.output import render_table
from skm.transfer.readers import open_response_file, tally_file
from tests.conftest import Role, member

from ._files import CODES, E, tally_of, write_csv, write_xlsx

ONE = (4, 3, 4, 3, 4, 3, 4, 3, 4)


def olah_data(rows, *, summary: bool = True):
    """An "olah data" sheet: title, two-row header, respondents, then the summary rows."""
    lines = [
        ["REKAPITULASI SURVEI KEPUASAN MASYARAKAT"],
        [],
        ["NO.", "PROFIL", "", "NILAI UNSUR PELAYANAN"] + [""] * 8,
        ["RESP", "JK", "USIA", *CODES],
    ]
    for i, row in enumerate(rows, 1):
        lines.append([i, "L" if i % 2 else "P", 20 + i, *row])
    if summary:
        sums = [sum(r[j] for r in rows) for j in range(9)]
        lines.append(["Σ Nilai / Unsur", "", "", *sums])
        lines.append(["NRR / Unsur", "", "", *[round(s / len(rows), 2) for s in sums]])
        lines.append(["NRR Tertimbang", "", "", *[round(s / len(rows) * 0.111, 3) for s in sums]])
        lines.append(["IKM", "", "", *[4] * 9])
    return lines


def test_one_respondent_with_summary_rows_is_one_respondent(tmp_path):
    """Regression: the "Σ Nilai / Unsur" (4s and 3s) and "IKM" rows were counted."""
    lines = [["No", *CODES], [1, *ONE], ["Σ Nilai / Unsur", *ONE], ["IKM", *[4] * 9]]
    for path in (
        write_csv(tmp_path / "satu.csv", lines),
        write_xlsx(tmp_path / "satu.xlsx", {"Olah": lines}),
    ):
        tally, problems, count = tally_file(path)
        assert count == 0, problems
        assert tally.respondents == 1
        assert tally == tally_of([ONE])


ROWS = [(4, 3, 4, 3, 4, 3, 4, 3, 4), (3, 3, 3, 3, 3, 3, 3, 3, 3), (2, 4, 4, 1, 3, 4, 2, 4, 3)]


def merged_xlsx(path, lines):
    """The olah-data sheet as Excel keeps it: merged title and group cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Olah Data"
    for r, line in enumerate(lines, 1):
        for c, value in enumerate(line, 1):
            if value not in (None, ""):
                sheet.cell(r, c, value)
    sheet.merge_cells("A1:L1")  # the title
    sheet.merge_cells("B3:C3")  # PROFIL over JK and USIA
    sheet.merge_cells("D3:L3")  # NILAI UNSUR PELAYANAN over U1 ... U9
    workbook.save(path)
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_title_rows_two_row_header_and_summary_rows(tmp_path, kind):
    lines = olah_data(ROWS)
    if kind == "csv":
        path = write_csv(tmp_path / "olah.csv", lines)
    else:
        path = merged_xlsx(tmp_path / "olah.xlsx", lines)
    with open_response_file(path, with_profile=True) as source:
        assert source.header_problems == []
        rows = list(source.rows())
        assert source.problem_count == 0, source.problems
        account = source.account
    assert [r.answers for r in rows] == ROWS
    assert [r.line for r in rows] == [5, 6, 7]
    assert [r.profile.gender for r in rows] == ["L", "P", "L"]
    assert account.header_rows == (3, 4)
    assert [s.line for s in account.skipped] == [8, 9, 10, 11]
    lines_ = account.lines()
    assert "Baris 1-2 di atas tabel dilewati (judul atau keterangan, bukan judul kolom)" in lines_
    assert "Baris 3-4 dipakai sebagai judul kolom (judul bertingkat)" in lines_
    assert 'Baris 9 ("NRR / Unsur") dilewati: baris ringkasan, bukan responden' in lines_
    assert 'Baris 11 ("IKM") dilewati: baris ringkasan, bukan responden' in lines_
    tally, problems, count = tally_file(path)
    assert count == 0, problems
    assert tally == tally_of(ROWS)
    explained = account.explain()
    assert any(line.startswith('kolom B "JK": jenis kelamin') for line in explained)
    assert any(line.startswith('kolom D "U1": unsur U1') for line in explained)


def test_unlabelled_summary_rows_by_shape_and_notes(tmp_path):
    lines = [["No", "JK", *CODES]]
    lines += [[i, "L", *row] for i, row in enumerate(ROWS, 1)]
    lines.append(["", "", *[3.11, 3.33, 3.67, 2.33, 3.33, 3.33, 3.0, 3.67, 3.33]])
    lines.append(["", "", "", "", "", "Mengetahui, Kepala Dinas"])
    lines.append(["Keterangan: nilai 1-4"])
    path = write_csv(tmp_path / "catatan.csv", lines)
    tally, problems, count = tally_file(path)
    assert count == 0, problems
    assert tally == tally_of(ROWS)
    with open_response_file(path) as source:
        list(source.rows())
        reasons = [(s.line, s.reason) for s in source.account.skipped]
    assert reasons == [
        (5, "baris ringkasan (angka di luar 1-4, tanpa nomor responden), bukan responden"),
        (6, "baris catatan, bukan responden"),
        (7, "baris catatan, bukan responden"),
    ]


def test_a_respondent_with_a_decimal_answer_stays_an_error(tmp_path):
    lines = [["No", *CODES], [1, *ONE], [2, 4, 3.5, 4, 3, 4, 3, 4, 3, 4]]
    for path in (
        write_csv(tmp_path / "desimal.csv", lines),
        write_xlsx(tmp_path / "desimal.xlsx", {"Data": lines}),
    ):
        _tally, problems, count = tally_file(path)
        assert count == 1
        assert (problems[0].row, problems[0].column, problems[0].field) == (3, "C", "U2")


def test_row_of_column_numbers_under_the_header_is_skipped(tmp_path):
    lines = [["No", *CODES], list(range(1, 11)), [1, *ONE]]
    path = write_csv(tmp_path / "nomor.csv", lines)
    with open_response_file(path) as source:
        rows = list(source.rows())
        assert source.problem_count == 0
        assert [s.line for s in source.account.skipped] == [2]
    assert [r.answers for r in rows] == [ONE]


def long_lines(rows, *, shuffle: bool = False):
    lines = [["respondent_id", "question", "answer", "jenis_kelamin"]]
    body = []
    for r, row in enumerate(rows, 1):
        for code, score in zip(CODES, row, strict=True):
            body.append([f"R{r}", code, score, "L"])
    if shuffle:
        body = body[::2] + body[1::2]  # every respondent interleaved with the others
    return lines + body


@pytest.mark.parametrize("shuffle", [False, True])
def test_long_format_is_pivoted(tmp_path, shuffle):
    path = write_csv(tmp_path / "panjang.csv", long_lines(ROWS, shuffle=shuffle))
    tally, problems, count = tally_file(path)
    assert count == 0, problems
    assert tally == tally_of(ROWS)
    with open_response_file(path, with_profile=True) as source:
        rows = sorted(source.rows(), key=lambda r: r.line)
        assert source.account.layout == "long"
        notices = source.account.lines()
    assert [r.answers for r in rows] == ROWS
    assert rows[0].line == 2
    assert notices[0].startswith(
        'Format panjang (satu baris per jawaban): kolom A ("respondent_id")'
    )
    assert "27 baris jawaban digabung menjadi 3 responden" in notices


def test_long_format_duplicate_and_conflicting_answers_are_refused(tmp_path):
    lines = long_lines(ROWS)
    lines.append(["R1", "U3", 4, "L"])  # the same answer again (row 29)
    lines.append(["R2", "U3", 4, "L"])  # a different answer (R2 answered 3 in row 13)
    path = write_csv(tmp_path / "ganda.csv", lines)
    _tally, problems, count = tally_file(path)
    assert count == 2
    assert [str(p) for p in problems] == [
        'ganda.csv, baris 29, kolom B ("question"): responden "R1" menjawab unsur U3 dua kali, '
        "di baris 4 dan 29; yang diharapkan: satu jawaban per unsur untuk setiap responden",
        'ganda.csv, baris 30, kolom B ("question"): responden "R2" menjawab unsur U3 dua kali '
        "berbeda (3 dan 4), di baris 13 dan 30; yang diharapkan: satu jawaban per unsur untuk "
        "setiap responden",
    ]


def test_long_format_by_option_and_unknown_questions_named(tmp_path):
    lines = [["id", "kode", "skor"]]
    lines += [["7", code, 4] for code in CODES] + [["7", "Sikap petugas", 4]]
    path = write_csv(tmp_path / "opsi.csv", lines)
    with open_response_file(path, layout="long") as source:
        assert source.header_problems, "no role column of a long file: refused with the reason"
        assert "tidak ada baris judul kolom dengan kolom responden, unsur dan jawaban" in str(
            source.header_problems[0]
        )
    lines[0] = ["id_responden", "unsur", "nilai"]
    path = write_csv(tmp_path / "opsi2.csv", lines)
    with open_response_file(path, layout="long") as source:
        rows = list(source.rows())
        warnings = source.account.warnings
    assert [r.answers for r in rows] == [(4,) * 9]
    assert warnings == [
        'Peringatan: pertanyaan "Sikap petugas" bukan unsur kuesioner: 1 jawaban (pertama di '
        "baris 11) diabaikan"
    ]


def test_no_header_row_is_said_and_columns_option_names_them(tmp_path):
    lines = [["14/03/2025", "L", 30, *row, "baik"] for row in ROWS]
    path = write_csv(tmp_path / "tanpa.csv", lines)
    tally, problems, count = tally_file(path)
    assert count == 1 and tally.respondents == 0
    text = str(problems[0])
    assert text.startswith(
        'tanpa.csv, baris 1: baris 1 tampak berisi data, bukan judul kolom ("14/03/2025", "L", "30"'
    )
    assert "--columns" in text
    names = ["tanggal", "jk", "usia", *CODES, "saran"]
    tally, problems, count = tally_file(path, column_names=names)
    assert count == 0, problems
    assert tally == tally_of(ROWS)
    with open_response_file(path, column_names=names, with_profile=True) as source:
        rows = list(source.rows())
        assert source.account.layout == "named"
    assert [r.line for r in rows] == [1, 2, 3]
    assert rows[0].profile.age == 30 and rows[0].profile.suggestion == "baik"
    _tally, problems, count = tally_file(path, column_names=["tanggal", "jk", "umurnya"])
    assert count == 1
    assert '--columns: "umurnya" (kolom ke-3) tidak dikenal' in str(problems[0])


def test_header_row_option(tmp_path):
    lines = [["Rekap"], ["No", *CODES], [1, *ONE]]
    path = write_csv(tmp_path / "pilih.csv", lines)
    with open_response_file(path, header_row=(2, 2)) as source:
        assert [r.answers for r in source.rows()] == [ONE]
        assert source.account.header_rows == (2, 2)
    with open_response_file(path, header_row=(40, 40)) as source:
        assert "--header-row 40" in str(source.header_problems[0])


# -- once per entry point: `skm ikm`, `skm import`, the web import


def olah_csv(tmp_path, rows=ROWS):
    """The olah-data table with dates in the profile, as `skm import` needs them."""
    lines = olah_data(rows)
    lines[3] = ["RESP", "JK", "TANGGAL", *CODES]
    for line in lines[4 : 4 + len(rows)]:
        line[2] = "14/03/2025"
    return write_csv(tmp_path / "olah.csv", lines)


def ikm_cli(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ikm", *args, stdout=out, stderr=err)
    except SystemExit as exit_info:
        return exit_info.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_skm_ikm_prints_what_the_reader_did(tmp_path):
    path = olah_csv(tmp_path)
    status, out, _err = ikm_cli(str(path), "--explain")
    assert status == 0
    assert "Catatan pembacaan file:" in out
    assert "  - Baris 3-4 dipakai sebagai judul kolom (judul bertingkat)" in out
    assert '  - Baris 9 ("NRR / Unsur") dilewati: baris ringkasan, bukan responden' in out
    assert "Kolom yang dibaca:" in out
    assert '  - kolom C "TANGGAL": tanggal survei' in out
    direct = compute(tally_of(ROWS), E)
    assert out.endswith(render_table(direct, file_label="olah.csv"))
    status, out, err = ikm_cli(str(path), "--json")
    assert status == 0 and json.loads(out)["respondents"] == 3
    assert "Baris 3-4 dipakai sebagai judul kolom (judul bertingkat)" in err


def test_skm_ikm_shape_options(tmp_path):
    bare = write_csv(tmp_path / "tanpa.csv", [["14/03/2025", "L", 30, *r] for r in ROWS])
    status, _out, err = ikm_cli(str(bare))
    assert status == 2 and "tampak berisi data, bukan judul kolom" in err
    status, out, _err = ikm_cli(str(bare), "--columns", ",".join(["tanggal", "jk", "-", *CODES]))
    assert status == 0, _err
    assert "Tanpa baris judul kolom: arti 12 kolom diambil dari --columns" in out
    long = write_csv(tmp_path / "panjang.csv", long_lines(ROWS))
    status, out, _err = ikm_cli(str(long), "--long")
    assert status == 0 and "27 baris jawaban digabung menjadi 3 responden" in out
    status, _out, err = ikm_cli(str(olah_csv(tmp_path)), "--header-row", "4")
    assert status == 0, err
    status, _out, err = ikm_cli(str(long), "--header-row", "dua")
    assert status == 2 and '--header-row "dua" tidak dapat dibaca' in err


def test_skm_import_reads_the_same_shapes(period, unit, tmp_path, capsys):
    path = olah_csv(tmp_path)
    call_command("import", str(path), "--unit", unit.slug, "--period", period.slug, "--explain")
    out = capsys.readouterr().out
    assert Response.objects.count() == 3
    assert sorted(Response.objects.values_list("gender", flat=True)) == ["L", "L", "P"]
    assert '  - Baris 11 ("IKM") dilewati: baris ringkasan, bukan responden' in out
    assert '  - kolom D "U1": unsur U1' in out
    bare = write_csv(tmp_path / "tanpa.csv", [["14/03/2025", *r] for r in ROWS])
    with pytest.raises(SystemExit):
        call_command("import", str(bare), "--unit", unit.slug, "--period", period.slug)
    assert "tampak berisi data, bukan judul kolom" in capsys.readouterr().err
    call_command(
        "import",
        str(bare),
        "--unit",
        unit.slug,
        "--period",
        period.slug,
        "--columns",
        ",".join(["tanggal", *CODES]),
    )
    assert Response.objects.count() == 6


def test_web_import_check_shows_the_notices(client, unit, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    today = timezone.localdate()
    period = period_create(
        unit=unit,
        name="Berjalan",
        kind=Period.Kind.SEMESTER,
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=30),
        status=Period.Status.OPEN,
    )
    lines = olah_data(ROWS)
    job = import_job_create(
        unit=unit,
        period=period,
        upload=SimpleUploadedFile("olah.csv", write_csv(tmp_path / "o.csv", lines).read_bytes()),
    )
    job = import_job_check(ImportJob.objects.get(pk=job.pk))
    assert job.status == ImportJob.Status.READY, job.problems
    assert job.preview["accepted"] == 3
    notices = job.preview["notices"]
    assert "Baris 3-4 dipakai sebagai judul kolom (judul bertingkat)" in notices
    assert 'Baris 8 ("Σ Nilai / Unsur") dilewati: baris ringkasan, bukan responden' in notices
    client.force_login(member(unit, "operator-bentuk", Role.OPERATOR))
    page = client.get(f"/staf/unit/{unit.slug}/impor/{job.stored_name}/").content.decode()
    assert "Cara file dibaca" in page
    assert "Baris 9 (&quot;NRR / Unsur&quot;) dilewati: baris ringkasan, bukan responden" in page
