"""`skm ikm FILE`: result on stdout and exit 0, or every problem on stderr and exit 2."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from skm.method import DEFAULT_ELEMENTS, compute
from skm.transfer.output import render_json, render_table

from ._files import (
    CODES,
    answers_29,
    as_label,
    datetimes,
    header_questions,
    table,
    tally_of,
    timestamps,
    write_csv,
    write_xlsx,
)


def ikm(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ikm", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def ikm_fails(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ikm", *args, stdout=out, stderr=err)
    assert exit_info.value.code == 2
    return out.getvalue(), err.getvalue()


@pytest.fixture
def google_csv(tmp_path) -> Path:
    lines = table(
        answers_29(),
        header=header_questions,
        cell=as_label,
        before=[("Timestamp", timestamps), ("Jenis Kelamin", "L")],
        after=[("Saran", "")],
    )
    return write_csv(tmp_path / "data.csv", lines)


def test_json_equals_computing_directly(google_csv):
    out, err = ikm(str(google_csv), "--json")
    assert err == ""
    direct = compute(tally_of(answers_29()), DEFAULT_ELEMENTS)
    assert out == render_json(direct) + "\n"
    data = json.loads(out)
    assert (data["respondents"], data["ikm"], data["grade"]) == (29, "91.48", "A")


def test_table_on_stdout(google_csv):
    out, _err = ikm(str(google_csv))
    direct = compute(tally_of(answers_29()), DEFAULT_ELEMENTS)
    assert out == render_table(direct, file_label="data.csv")
    assert "91.48 (mutu A, Sangat Baik)" in out


@pytest.mark.parametrize(
    ("weighting", "printed"),
    [("exact", "91.48"), ("0.11", "90.56"), ("0.111", "91.38"), ("0,111", "91.38")],
)
def test_weightings(google_csv, weighting, printed):
    out, _ = ikm(str(google_csv), "--json", "--weighting", weighting)
    assert json.loads(out)["ikm"] == printed


def test_population_and_priorities(google_csv):
    out, _ = ikm(str(google_csv), "--json", "--population", "1000", "--priorities", "5")
    data = json.loads(out)
    assert data["sample"] == {"population": 1000, "required": 278, "reached": False}
    assert data["priorities"] == ["U3", "U2", "U5", "U1", "U6"]
    out, _ = ikm(str(google_csv), "--json", "--priorities", "0")
    assert json.loads(out)["priorities"] == []


def test_xlsx_sheet(tmp_path):
    rows = answers_29()
    path = write_xlsx(
        tmp_path / "data.xlsx",
        {
            "Petunjuk": [["Isi lembar Jawaban"]],
            "Jawaban": table(rows, before=[("Cap waktu", datetimes)]),
        },
    )
    out, _ = ikm(str(path), "--json", "--sheet", "Jawaban")
    assert out == render_json(compute(tally_of(rows), DEFAULT_ELEMENTS)) + "\n"
    _, err = ikm_fails(str(path))  # the first sheet is not a response table
    assert "kolom untuk unsur U1 (Persyaratan) tidak ditemukan" in err
    _, err = ikm_fails(str(path), "--sheet", "Data")
    assert 'lembar "Data" tidak ada; lembar yang tersedia: "Petunjuk", "Jawaban"' in err


def test_problems_go_to_stderr_and_no_result_is_printed(tmp_path):
    lines = table(answers_29())
    lines[5][3] = "banyak"
    path = write_csv(tmp_path / "data.csv", lines)
    out, err = ikm_fails(str(path), "--json")
    assert out == ""
    notices = ("Catatan pembacaan file:", "  - ")  # the reader's notices come first
    assert [line for line in err.splitlines() if not line.startswith(notices)] == [
        'data.csv, baris 6, kolom D ("U4", unsur U4): nilai "banyak" tidak dapat dibaca; yang '
        "diharapkan: 1-4, a-d, label resmi (1 = Sangat mahal, 2 = Cukup mahal, "
        "3 = Murah, 4 = Gratis), skala umum seperti Sangat buruk/Buruk/Baik/Sangat baik "
        "atau Tidak puas/Kurang puas/Puas/Sangat puas; kosong, - atau NULL bila tidak "
        "dijawab",
        "Hasil tidak dihitung: 1 masalah pada file data.csv; perbaiki lalu jalankan lagi.",
    ]


def test_more_than_fifty_problems(tmp_path):
    lines = [CODES] + [["x"] + ["4"] * 8 for _ in range(75)]
    path = write_csv(tmp_path / "many.csv", lines)
    out, err = ikm_fails(str(path))
    # The reader's notices (here the U8/U9 order warning) come first, then the problems.
    lines = [line for line in err.splitlines() if not line.startswith(("Catatan", "  - "))]
    assert out == ""
    assert len(lines) == 52
    assert lines[49].startswith("many.csv, baris 51, kolom A")
    assert lines[50] == "... dan 25 masalah lain"
    assert (
        lines[51]
        == "Hasil tidak dihitung: 75 masalah pada file many.csv; perbaiki lalu jalankan lagi."
    )


def test_element_without_any_answer(tmp_path):
    lines = [CODES] + [["4"] * 8 + [""] for _ in range(3)]
    path = write_csv(tmp_path / "nou9.csv", lines)
    out, err = ikm_fails(str(path))
    assert out == ""
    assert err == (
        "nou9.csv: unsur U9 (Sarana dan Prasarana) tidak dijawab oleh satu responden pun; "
        "IKM tidak dapat dihitung.\n"
    )


def test_file_without_respondents(tmp_path):
    path = write_csv(tmp_path / "header.csv", [CODES, [""] * 9])
    _out, err = ikm_fails(str(path))
    assert err.endswith("\nheader.csv: tidak ada jawaban responden di bawah baris judul kolom.\n")


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02garbage" * 100, b"PK\x03\x04broken"],
    ids=["empty", "binary", "zip"],
)
def test_unreadable_files(tmp_path, content):
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    out, err = ikm_fails(str(path))
    assert out == "" and err.startswith("input.csv: ")
    assert "Traceback" not in err


def test_missing_file(tmp_path):
    _, err = ikm_fails(str(tmp_path / "hilang.xlsx"))
    assert err.startswith("hilang.xlsx: file tidak ditemukan\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--population", "0"], '--population harus bilangan bulat 1 atau lebih, bukan "0".'),
        (["--population", "-5"], '--population harus bilangan bulat 1 atau lebih, bukan "-5".'),
        (["--population", "1e3"], '--population harus bilangan bulat 1 atau lebih, bukan "1e3".'),
        (["--priorities", "-1"], '--priorities harus bilangan bulat 0 atau lebih, bukan "-1".'),
        (["--priorities", "tiga"], '--priorities harus bilangan bulat 0 atau lebih, bukan "tiga".'),
        (["--weighting", "mean"], 'Pembobotan "mean" tidak dikenal; pilihan: exact, 0.111, 0.11.'),
    ],
)
def test_bad_arguments(google_csv, args, message):
    out, err = ikm_fails(str(google_csv), *args)
    assert (out, err) == ("", message + "\n")


def test_runs_without_database(google_csv):
    """No db fixture here: pytest-django would turn any query into an error. The console
    script test below also points DATABASE_URL at a server that does not exist."""
    out, _ = ikm(str(google_csv), "--json")
    assert json.loads(out)["ikm"] == "91.48"


def test_console_script(google_csv, tmp_path):
    """The real `skm` entry point: exit statuses as a shell sees them."""
    skm = Path(sys.executable).parent / "skm"
    if not skm.exists():
        pytest.skip("console script not installed")
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}
    done = subprocess.run(
        [str(skm), "ikm", str(google_csv), "--json"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ikm"] == "91.48"

    bad = write_csv(tmp_path / "bad.csv", [CODES, ["x"] * 9])
    done = subprocess.run([str(skm), "ikm", str(bad)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert 'bad.csv, baris 2, kolom A ("U1", unsur U1): nilai "x"' in done.stderr
    assert "Traceback" not in done.stderr
