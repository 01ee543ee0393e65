import pytest

from skm.method import DEFAULT_ELEMENTS, AnswerError, element_by_code, match_element, parse_answer


def test_codes_follow_bab_i():
    assert [e.code for e in DEFAULT_ELEMENTS] == [f"U{i}" for i in range(1, 10)]
    assert element_by_code("u8").name.startswith("Penanganan Pengaduan")
    assert element_by_code("U9").name == "Sarana dan Prasarana"


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("U3", "U3"),
        ("u 3", "U3"),
        ("Waktu Pelayanan", "U3"),
        ("3. Waktu Penyelesaian", "U3"),
        ("U3 Waktu Penyelesaian", "U3"),
        ("Produk, Spesifikasi, dan Jenis Pelayanan", "U5"),
        ("PRODUK SPESIFIKASI JENIS PELAYANAN", "U5"),
        ("Penanganan Pengaduan, Saran, dan Masukan", "U8"),
        ("Sarana dan prasarana", "U9"),
        ("Biaya / Tarif", "U4"),
        ("Pertanyaan 9: Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?", "U9"),
    ],
)
def test_match_element(header, code):
    assert match_element(header).code == code


def test_match_element_refuses_contradictions_and_unknowns():
    assert match_element("U4 Waktu Penyelesaian") is None
    assert match_element("Nama") is None
    assert match_element(None) is None
    assert match_element("") is None


@pytest.mark.parametrize(
    ("value", "score"),
    [(4, 4), (4.0, 4), ("4", 4), ("d", 4), ("Sangat sesuai", 4), ("d. Sangat sesuai", 4),
     ("Sangat Sesuai (4)", 4), ("tidak sesuai", 1), (None, None), ("", None)],
)  # fmt: skip
def test_parse_answer(value, score):
    assert parse_answer(DEFAULT_ELEMENTS[0], value) == score


@pytest.mark.parametrize("value", [5, 0, True, "e", "Sesuai (4)", "luar biasa", "?"])
def test_parse_answer_errors(value):
    with pytest.raises(AnswerError) as info:
        parse_answer(DEFAULT_ELEMENTS[0], value)
    assert "Sangat sesuai" in info.value.expected()
