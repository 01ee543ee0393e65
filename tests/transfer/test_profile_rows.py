"""Respondent profiles read with with_profile=True (what `skm import` stores)."""

from __future__ import annotations

import datetime as dt

import pytest

from skm.transfer.readers import Profile, open_response_file, parse_submitted_at

from ._files import CODES, write_csv, write_xlsx

PROFILE_HEADER = [
    "Timestamp",
    "Jenis Kelamin",
    "Usia",
    "Pendidikan Terakhir",
    "Pekerjaan",
    "Pekerjaan Lainnya",
    "Jenis Layanan",
    "Saran dan Masukan",
]


def read(path, **kwargs):
    with open_response_file(path, with_profile=True, **kwargs) as source:
        rows = list(source.rows())
        return rows, source


def test_profile_of_a_google_forms_row(tmp_path):
    lines = [
        [*PROFILE_HEADER, *CODES],
        [
            "14/03/2025 10:22:01",
            "Laki-laki",
            "35",
            "D4/S1",
            "PNS",
            "",
            "KTP-el",
            "  Antrean cepat  ",
            *["4"] * 9,
        ],
        ["15/03/2025", "P", "40 tahun", "SMA", "Lainnya: Mahasiswa", "", " Akta ", "", *["3"] * 9],
        ["2025-03-16 08:00:00", "", "", "", "Lainnya", "Pedagang", "", "", *["2"] * 9],
    ]
    rows, source = read(write_csv(tmp_path / "gf.csv", lines))
    assert source.problem_count == 0
    assert [r.profile for r in rows] == [
        Profile(
            submitted_at=dt.datetime(2025, 3, 14, 10, 22, 1),
            gender="L",
            age=35,
            education="D4_S1",
            occupation="PNS",
            occupation_other=None,
            service="KTP-el",
            suggestion="Antrean cepat",
        ),
        Profile(
            submitted_at=dt.datetime(2025, 3, 15),
            gender="P",
            age=40,
            education="SMA",
            occupation="LAINNYA",
            occupation_other="Mahasiswa",
            service="Akta",
            suggestion=None,
        ),
        Profile(
            submitted_at=dt.datetime(2025, 3, 16, 8, 0),
            occupation="LAINNYA",
            occupation_other="Pedagang",
        ),
    ]


def test_no_profile_without_with_profile(tmp_path):
    lines = [[*PROFILE_HEADER, *CODES], ["kemarin", "?", "tua", "?", "", "", "", "", *["4"] * 9]]
    path = write_csv(tmp_path / "np.csv", lines)
    with open_response_file(path) as source:
        (row,) = source.rows()
        assert row.profile is None and source.problem_count == 0


def test_profile_from_xlsx_cells(tmp_path):
    lines = [
        ["Tanggal", "JK", "Umur", "Pendidikan", *CODES],
        [dt.datetime(2025, 3, 14, 10, 22, 1), "L", 35, "S2", *[4] * 9],
        [dt.date(2025, 3, 15), "Perempuan", 41.0, "D3", *[4] * 9],
    ]
    rows, source = read(write_xlsx(tmp_path / "p.xlsx", {"Data": lines}))
    assert source.problem_count == 0
    assert [(r.profile.submitted_at, r.profile.gender, r.profile.age) for r in rows] == [
        (dt.datetime(2025, 3, 14, 10, 22, 1), "L", 35),
        (dt.datetime(2025, 3, 15), "P", 41),
    ]
    assert [r.profile.education for r in rows] == ["S2", "D1_D3"]


def test_unreadable_profile_values_name_row_and_column(tmp_path):
    lines = [
        ["Timestamp", "Jenis Kelamin", "Usia", *CODES],
        ["14/03/2025", "X", "35", *["4"] * 9],
        ["3/14/2025", "L", "lima", *["4"] * 9],
        ["14/03/2025", "L", "35", *["4"] * 9],
    ]
    rows, source = read(write_csv(tmp_path / "bad.csv", lines))
    assert [r.line for r in rows] == [4]
    assert [(p.row, p.column, p.field, p.value) for p in source.problems] == [
        (2, "B", "gender", "X"),
        (3, "A", "submitted_at", "3/14/2025"),
        (3, "C", "age", "lima"),
    ]
    assert str(source.problems[0]) == (
        'bad.csv, baris 2, kolom B ("Jenis Kelamin", jenis kelamin): nilai "X" tidak dapat '
        "dibaca; yang diharapkan: L/Laki-laki/Pria atau P/Perempuan/Wanita"
    )
    assert "yang diharapkan: tanggal seperti 14/03/2025 10:22:01" in str(source.problems[1])


def test_suggestion_longer_than_2000_characters(tmp_path):
    lines = [["Saran", *CODES], ["a" * 2000, *["4"] * 9], ["b" * 2001, *["4"] * 9]]
    rows, source = read(write_csv(tmp_path / "s.csv", lines))
    assert [len(r.profile.suggestion) for r in rows] == [2000]
    assert str(source.problems[0]) == (
        's.csv, baris 3, kolom A ("Saran", saran): saran terlalu panjang (2001 karakter); '
        "yang diharapkan: paling banyak 2000 karakter"
    )


def test_a_row_with_a_bad_answer_and_a_bad_profile_value_reports_both(tmp_path):
    lines = [["Usia", *CODES], ["200", "9", *["4"] * 8]]
    rows, source = read(write_csv(tmp_path / "both.csv", lines))
    assert rows == []
    assert [p.field for p in source.problems] == ["U1", "age"]


def test_typed_survey_date_wins_over_the_form_timestamp(tmp_path):
    lines = [
        ["Timestamp", "Tanggal Survei", *CODES],
        ["20/04/2025 09:00:00", "14/03/2025", *["4"] * 9],
    ]
    rows, source = read(write_csv(tmp_path / "two-dates.csv", lines))
    assert source.header_problems == []
    assert source.columns["submitted_at"].header == "Tanggal Survei"
    assert rows[0].profile.submitted_at == dt.datetime(2025, 3, 14)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-14 10:22:01", dt.datetime(2025, 3, 14, 10, 22, 1)),
        ("14/03/2025 10:22:01", dt.datetime(2025, 3, 14, 10, 22, 1)),
        ("14/03/2025", dt.datetime(2025, 3, 14)),
        ("2025-03-14", dt.datetime(2025, 3, 14)),
        ("4/3/2025 9:05:01", dt.datetime(2025, 3, 4, 9, 5, 1)),
        ("14-03-2025 10:22", dt.datetime(2025, 3, 14, 10, 22)),
        ("14/03/2025 10.22.01", dt.datetime(2025, 3, 14, 10, 22, 1)),
        ("2025-03-14T03:22:01+00:00", dt.datetime(2025, 3, 14, 10, 22, 1)),  # to WIB
        (dt.datetime(2025, 3, 14, 10, 22, 1), dt.datetime(2025, 3, 14, 10, 22, 1)),
        (dt.date(2025, 3, 14), dt.datetime(2025, 3, 14)),
        ("", None),
        (None, None),
    ],
)
def test_parse_submitted_at(value, expected):
    assert parse_submitted_at(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "13/14/2025",
        "31/02/2025",
        "14/03/2025 25:00",
        "14/03-2025",
        "kemarin",
        "14/03/25x",
        45730.5,
        dt.time(10, 0),
    ],
)
def test_parse_submitted_at_refuses(value):
    with pytest.raises(ValueError, match="tanggal seperti"):
        parse_submitted_at(value)
