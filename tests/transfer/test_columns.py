"""Issue #13 points 3, 4 and 8: what each column becomes, and why (pure, no files)."""

import datetime as dt

import pytest

from skm.method import DEFAULT_ELEMENTS
from skm.method.elements import questionnaire_from_spec
from skm.transfer.columns import classify, header_number

NUMBERED = [f"Unsur {i}" for i in range(1, 10)]


def roles(layout):
    return {r.header: (r.kind, r.target, r.reason) for r in layout.roles}


@pytest.mark.parametrize(
    ("header", "number"),
    [
        ("Unsur 8", 8), ("Unusr 8", 8), ("UNSUR  8", 8), ("U8", 8), ("u 8", 8), ("Q 8", 8),
        ("Q8", 8), ("P 8", 8), ("Pertanyaan 8", 8), ("Pertanyan 8", 8), ("nilai_8", 8),
        ("jawaban8", 8), ("question_8", 8), ("skor_pertanyaan8", 8), ("Nilai U8", 8),
        ("8", 8), ("u15", 15),
    ],
)  # fmt: skip
def test_numbered_headers(header, number):
    assert header_number(header)[1] == number


@pytest.mark.parametrize("header", ["No 8", "Usia 2", "Nama", "Unsur", "Kolom 8", "U0"])
def test_not_numbered(header):
    assert header_number(header) is None


def test_unusr_8_typo_and_the_questionnaire_order_with_a_warning():
    # An office's own template: "Unsur 1" .. "Unsur 9" with the typo "Unusr 8".
    headers = [*NUMBERED[:7], "Unusr 8", "Unsur 9"]
    layout = classify(headers, DEFAULT_ELEMENTS)
    found = roles(layout)
    assert found["Unusr 8"] == ("element", "U9", "nomor")  # 8th question: sarana
    assert found["Unsur 9"] == ("element", "U8", "nomor")  # 9th question: pengaduan
    assert found["Unsur 1"] == ("element", "U1", "nomor")
    [warning] = layout.warnings
    assert "urutan kuesioner" in warning and "--order daftar" in warning
    assert 'kolom H ("Unusr 8") = U9 Sarana dan Prasarana' in warning


def test_the_other_order_on_request_still_warns():
    layout = classify(NUMBERED, DEFAULT_ELEMENTS, order="daftar")
    assert roles(layout)["Unsur 8"][1] == "U8"
    assert roles(layout)["Unsur 9"][1] == "U9"
    [warning] = layout.warnings
    assert "urutan daftar unsur" in warning and "--order kuesioner" in warning


def test_mislabelled_priority_bare_u8_u9_are_codes_with_a_warning_and_an_option():
    # The review's "U8 Penanganan Pengaduan" top priority was the facilities column of a
    # form numbered in questionnaire order: a bare code is read as the regulation's code
    # (this project's own export writes them), with a warning that names --order.
    headers = [f"u{i}" for i in range(1, 10)]
    layout = classify(headers, DEFAULT_ELEMENTS)
    assert roles(layout)["u8"] == ("element", "U8", "kode")
    assert roles(layout)["u3"] == ("element", "U3", "kode")
    [warning] = layout.warnings
    assert "urutan daftar unsur" in warning and "--order kuesioner" in warning
    assert 'kolom H ("u8") = U8 Penanganan Pengaduan' in warning
    swapped = classify(headers, DEFAULT_ELEMENTS, order="kuesioner")
    assert roles(swapped)["u8"] == ("element", "U9", "nomor")
    assert roles(swapped)["u9"] == ("element", "U8", "nomor")
    assert "--order daftar" in swapped.warnings[0]
    # no warning where the order cannot matter
    assert classify(["U1", "U2"], DEFAULT_ELEMENTS[:2]).warnings == []


def test_no_order_where_headers_carry_names():
    headers = [e.name for e in DEFAULT_ELEMENTS]
    layout = classify(headers, DEFAULT_ELEMENTS)
    assert [r.target for r in layout.roles] == [e.code for e in DEFAULT_ELEMENTS]
    assert layout.warnings == []
    named = classify(["U8 Sarana dan Prasarana", "U9 Penanganan Pengaduan"], DEFAULT_ELEMENTS)
    assert [(r.target, r.reason) for r in named.roles] == [("U9", "nama"), ("U8", "nama")]
    assert named.warnings == []


def test_waktu_date_column_is_a_date_by_content_and_frees_u3():
    headers = ["Waktu", "Kecepatan waktu dalam memberikan pelayanan", "Persyaratan"]
    sample = [
        [dt.datetime(2025, 3, 14, 10, 0), 4, 3],
        ["15/03/2025 09:12", 3, 3],
    ]
    layout = classify(headers, DEFAULT_ELEMENTS, sample=sample)
    found = roles(layout)
    assert found["Waktu"] == ("profile", "submitted_at", "isi")
    assert found["Kecepatan waktu dalam memberikan pelayanan"] == ("element", "U3", "kata kunci")
    assert any("berisi tanggal" in w and "bukan unsur U3" in w for w in layout.warnings)
    # without data, or with answers in it, "Waktu" stays the element
    assert roles(classify(["Waktu"], DEFAULT_ELEMENTS))["Waktu"][1] == "U3"
    assert roles(classify(["Waktu"], DEFAULT_ELEMENTS, sample=[[4]]))["Waktu"][1] == "U3"


def test_a_header_fitting_two_elements_is_ambiguous_unless_both_have_columns():
    layout = classify(["Waktu dan biaya", "Persyaratan"], DEFAULT_ELEMENTS)
    [ambiguous] = layout.of("ambiguous")
    assert ambiguous.candidates == ("U3", "U4")
    settled = classify(["Waktu dan biaya", "U3", "Biaya"], DEFAULT_ELEMENTS)
    assert settled.of("ambiguous") == []
    assert any('"Waktu dan biaya"' in w for w in settled.warnings)


def test_profile_headers_come_first():
    layout = classify(["Jenis Layanan", "Saran", "Tanggal"], DEFAULT_ELEMENTS, profile={
        "Jenis Layanan": "service", "Saran": "suggestion", "Tanggal": "submitted_at"
    }.get)  # fmt: skip
    assert [r.kind for r in layout.roles] == ["profile"] * 3


def test_every_ignored_answer_column_is_named():
    headers = [f"u{i}" for i in range(1, 16)]
    layout = classify(headers, DEFAULT_ELEMENTS)
    ignored = [r.header for r in layout.roles if r.kind == "ignored"]
    assert ignored == [f"u{i}" for i in range(10, 16)]
    named = [w for w in layout.warnings if "tidak dihitung" in w]
    assert len(named) == 6 and '"u10"' in named[0] and "--elements" in named[0]


def test_an_extra_question_by_content_is_named_but_a_row_number_is_not():
    headers = ["No", *NUMBERED, "Maklumat pelayanan", "Nama petugas"]
    sample = [[1, *[4] * 9, "Sangat Baik", "Budi"], [2, *[3] * 9, "Baik", "Ani"]]
    layout = classify(headers, DEFAULT_ELEMENTS, sample=sample)
    named = [w for w in layout.warnings if "tidak dihitung" in w]
    assert len(named) == 1 and "Maklumat pelayanan" in named[0]


def test_a_custom_questionnaire_counts_the_extra_columns():
    custom = questionnaire_from_spec("U1..U9,U10=Sikap petugas")
    layout = classify([*NUMBERED, "Sikap petugas"], custom)
    assert roles(layout)["Sikap petugas"] == ("element", "U10", "nama")
    assert not [w for w in layout.warnings if "tidak dihitung" in w]
    fourteen = questionnaire_from_spec("14")
    layout = classify([f"u{i}" for i in range(1, 15)], fourteen)
    assert [r.target for r in layout.roles][-5:] == ["U10", "U11", "U12", "U13", "U14"]
    assert [r.target for r in layout.roles][7:9] == ["U8", "U9"]  # codes: their own


# -- through the reader (the one path of skm ikm, skm import and the web import)


def _csv(tmp_path, lines):
    from tests.transfer._files import write_csv

    return write_csv(tmp_path / "data.csv", lines)


def test_reader_waktu_dates_do_not_block_u3(tmp_path):
    from skm.transfer.readers import open_response_file

    names = [e.name for e in DEFAULT_ELEMENTS]
    names[2] = "Kecepatan waktu dalam memberikan pelayanan"
    path = _csv(tmp_path, [["Waktu", *names], ["14/03/2025 10:00", *["4"] * 9]])
    with open_response_file(path, with_profile=True) as source:
        assert source.header_problems == []
        [row] = list(source.rows())
    assert row.answers == (4,) * 9
    assert row.profile.submitted_at == dt.datetime(2025, 3, 14, 10, 0)
    assert any("berisi tanggal" in w for w in source.account.warnings)


def test_reader_numbered_columns_order_and_ignored_extra(tmp_path):
    from skm.transfer.readers import open_response_file, tally_file

    headers = [*NUMBERED[:7], "Unusr 8", "Unsur 9", "Unsur 10"]
    path = _csv(tmp_path, [headers, ["4", "4", "4", "4", "4", "4", "4", "1", "2", "3"]])
    tally, _problems, count = tally_file(path)
    assert count == 0
    assert list(tally.patterns) == [(4, 4, 4, 4, 4, 4, 4, 2, 1)]  # U8 = "Unsur 9"
    tally, _p, _c = tally_file(path, order="daftar")
    assert list(tally.patterns) == [(4, 4, 4, 4, 4, 4, 4, 1, 2)]
    with open_response_file(path) as source:
        warnings = source.account.warnings
    assert any("--order daftar" in w for w in warnings)
    assert any('"Unsur 10"' in w and "tidak dihitung" in w for w in warnings)
    custom = questionnaire_from_spec("10")
    tally, _p, count = tally_file(path, elements=custom)
    assert count == 0 and list(tally.patterns) == [(4, 4, 4, 4, 4, 4, 4, 2, 1, 3)]


def test_reader_refuses_a_label_the_column_leaves_undecided(tmp_path):
    from skm.transfer.readers import tally_file

    rows = [[e.code for e in DEFAULT_ELEMENTS]]
    rows += [["Tidak puas", *["4"] * 8], ["Puas", *["4"] * 8]]
    _t, problems, count = tally_file(_csv(tmp_path, rows))
    assert count == 1
    assert '"Tidak puas" berarti 1' in str(problems[0]) and "kolom A" in str(problems[0])
    rows.append(["Kurang puas", *["4"] * 8])  # the column shows its scale
    tally, problems, count = tally_file(_csv(tmp_path, rows))
    assert count == 0 and tally.respondents == 3


def test_reader_labels_of_real_forms(tmp_path):
    from skm.transfer.readers import tally_file

    rows = [[e.code for e in DEFAULT_ELEMENTS]]
    rows.append(["4.0", "NULL", "-", "Cukup Wajar", "Sangat Baik", "Baik", "Cukup Sopan dan Ramah",
                 "Ada tapi tidak berfungsi", "Sangat Baik"])  # fmt: skip
    tally, problems, count = tally_file(_csv(tmp_path, rows))
    assert count == 0, problems
    assert list(tally.patterns) == [(4, None, None, 2, 4, 3, 2, 2, 4)]
