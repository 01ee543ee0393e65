"""Issue #13, points 3-5 and 8: the vocabulary of other offices' files (pure, no Django)."""

import pytest

from skm.method import DEFAULT_ELEMENTS, AnswerError, element_by_code, parse_answer
from skm.method.elements import (
    QuestionnaireError,
    label_conflicts,
    match_header,
    numbered_order,
    order_decides,
    questionnaire_from_spec,
)

U = {e.code: e for e in DEFAULT_ELEMENTS}


# -- names and questions (point 4): phrasings of real forms


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Kompetensi petugas pelaksana", "U6"),
        ("Perilaku petugas pelaksana", "U7"),
        ("Kesesuaian persyaratan layanan", "U1"),
        ("Kewajaran biaya atau tarif", "U4"),
        ("Kesopanan dan keramahan petugas", "U7"),
        ("Kecepatan waktu dalam memberikan pelayanan", "U3"),
        # questions of public SKM apps (docs/method.md, "Reading other offices' files")
        ("Bagaimana pendapat saudara tentang kewajaran biaya atau tarif dalam pelayanan? "
         "(Jika saudara peserta BPJS/Asuransi tidak perlu diisi)", "U4"),
        ("Bagaimana pendapat saudara tentang kompetensi atau kemampuan petugas dalam "
         "pelayanan?", "U6"),
        ("Perilaku atau sikap petugas dalam pelayanan terkait keramahan", "U7"),
        ("Kesesuaian persyaratan pelayanan dengan jenis pelayanannya di Poltekkes", "U1"),
        ("Kemudahan prosedur pelayanan Administrasi Kependudukan", "U2"),
        ("Kecepatan waktu dalam pelayanan Administrasi Kependudukan", "U3"),
        ("Kesesuaian SOP dan standar pelayanan setiap produk pelayanan dengan hasil yang "
         "diterima", "U5"),
        ("Kemampuan dan kecakapan petugas dalam memberikan pelayanan", "U6"),
        ("Kualitas sarana dan prasarana pada Dinas Kependudukan", "U9"),
        ("Ketersediaan pelayanan pengaduan bagi pengguna layanan", "U8"),
        ("Penanganan pengaduan, saran dan masukan", "U8"),
    ],
)  # fmt: skip
def test_real_phrasings(header, code):
    assert match_header(header).element.code == code


def test_a_header_that_fits_two_elements_is_refused_with_both():
    found = match_header("Waktu dan biaya pelayanan")
    assert found.element is None
    assert [e.code for e in found.candidates] == ["U3", "U4"]


@pytest.mark.parametrize(
    "header", ["Saran perbaikan sarana", "Tanggal/Waktu kunjungan", "Nama petugas", "Umur"]
)
def test_free_text_date_and_profile_headers_are_no_element(header):
    assert match_header(header).element is None
    assert match_header(header).candidates == ()


def test_u8_numbered_in_questionnaire_order_with_a_name_is_read_by_its_name():
    assert match_header("U8 Sarana dan Prasarana").element.code == "U9"
    assert match_header("U9 Penanganan Pengaduan").element.code == "U8"
    refused = match_header("U4 Waktu Penyelesaian")
    assert refused.element is None
    assert {e.code for e in refused.candidates} == {"U3", "U4"}


def test_sikap_petugas_is_not_u7_and_names_a_custom_element():
    assert match_header("Sikap petugas").element is None
    custom = questionnaire_from_spec("U1..U9,U10=Sikap petugas")
    assert match_header("Sikap petugas", custom).element.code == "U10"
    assert match_header("Bagaimana sikap petugas?", custom).element.code == "U10"


# -- labels (point 5)


@pytest.mark.parametrize(
    ("code", "value", "score"),
    [
        ("U8", "Ada tapi tidak berfungsi", 2),
        ("U8", "Ada tetapi tidak berfungsi", 2),
        ("U7", "Tidak Sopan dan Tidak Ramah", 1),
        ("U7", "Cukup Sopan dan Ramah", 2),
        ("U4", "Tidak Wajar", 1),
        ("U4", "Cukup Wajar", 2),
        ("U4", "Wajar", 3),
        ("U4", "Sangat Wajar", 4),
        ("U1", "Sangat Buruk", 1),
        ("U1", "Buruk", 2),
        ("U1", "Baik", 3),
        ("U1", "Sangat Baik", 4),
        ("U3", "Tidak Puas", 1),
        ("U3", "Kurang Puas", 2),
        ("U3", "Puas", 3),
        ("U3", "Sangat Puas", 4),
        ("U9", "Tidak Memadai", 1),
        ("U9", "Buruk", 1),  # the official U9 scale wins
        ("U2", "4.0", 4),
        ("U2", "3,00", 3),
        ("U2", 2.0, 2),
        ("U2", "NULL", None),
        ("U2", "null", None),
        ("U2", "-", None),
        ("U2", "", None),
        ("U2", "  ", None),
    ],
)
def test_labels_of_real_forms(code, value, score):
    assert parse_answer(U[code], value) == score


@pytest.mark.parametrize("value", ["3.5", "4.01", "5.0", "0", "Lumayan", "--x"])
def test_non_answers_stay_errors(value):
    with pytest.raises(AnswerError) as info:
        parse_answer(U["U2"], value)
    assert "NULL" in info.value.expected()


def test_a_label_two_scales_read_differently_is_refused_with_the_candidates():
    # "Tidak puas" is 1 on Tidak/Kurang/Puas/Sangat and 2 on Sangat tidak/Tidak/Puas/Sangat.
    undecided = label_conflicts(U["U1"], ["Tidak puas", "Puas", "Sangat puas"])
    assert len(undecided) == 1
    text = str(undecided[0])
    assert "Tidak puas" in text and "1 pada skala" in text and "2 pada skala" in text
    # the column shows its scale: decided
    assert label_conflicts(U["U1"], ["Tidak puas", "Kurang puas", "Puas"]) == []
    against = label_conflicts(U["U1"], ["Tidak puas", "Sangat tidak puas"])
    assert len(against) == 1 and "Sangat tidak puas" in str(against[0])


def test_official_u9_buruk_is_kept_unless_the_column_uses_the_generic_scale():
    assert label_conflicts(U["U9"], ["Buruk", "Baik", "Sangat Baik"]) == []
    assert label_conflicts(U["U9"], ["Buruk", "Cukup"]) == []
    mixed = label_conflicts(U["U9"], ["Buruk", "Sangat buruk", 4])
    assert len(mixed) == 1 and '"Sangat buruk"' in str(mixed[0])


# -- order of numbered columns (point 3) and custom questionnaires (point 8)


def test_default_order_is_the_questionnaires():
    codes = [e.code for e in numbered_order(DEFAULT_ELEMENTS)]
    assert codes[7:] == ["U9", "U8"]
    assert [e.code for e in numbered_order(DEFAULT_ELEMENTS, "daftar")][7:] == ["U8", "U9"]
    assert order_decides(DEFAULT_ELEMENTS) == {"U8", "U9"}
    assert order_decides(DEFAULT_ELEMENTS[:8]) == frozenset()
    with pytest.raises(ValueError, match="urutan"):
        numbered_order(DEFAULT_ELEMENTS, "abjad")


def test_questionnaire_specs():
    fourteen = questionnaire_from_spec("14")
    assert [e.code for e in fourteen] == [f"U{i}" for i in range(1, 15)]
    assert fourteen[8] == element_by_code("U9") and fourteen[13].name == "Unsur 14"
    extra = questionnaire_from_spec(" U1..U9, U10=Sikap  petugas,")
    assert extra[-1].name == "Sikap petugas"
    semis = questionnaire_from_spec("U1-U7;U8=Pengaduan, saran;U9")
    assert [e.code for e in semis] == [f"U{i}" for i in range(1, 10)]
    assert semis[7].name == "Pengaduan, saran" and semis[7].labels == ("", "", "", "")
    assert parse_answer(semis[7], "Sangat Baik") == 4


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "kosong"),
        ("0", "1 sampai 20"),
        ("21", "1 sampai 20"),
        ("U1..U9,U9", "lebih dari sekali: U9"),
        ("U1..U25", "paling banyak 20"),
        ("X1", "tidak dapat dibaca"),
        ("U10=", "tulis kode dan nama"),
    ],
)
def test_questionnaire_spec_errors(spec, message):
    with pytest.raises(QuestionnaireError, match=message):
        questionnaire_from_spec(spec)
