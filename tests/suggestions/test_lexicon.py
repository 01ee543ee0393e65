"""The keyword lexicon: realistic suggestions get the element a person would pick."""

from __future__ import annotations

import pytest

from skm.surveys.lexicon import element_scores, suggest_element, word_forms

CASES = [
    # The seed report's themes.
    ("Pelayanan dimulai tepat waktu sesuai jam buka.", "U3"),
    ("Mohon pelayanan dimulai sesuai jam layanan, jangan terlambat.", "U3"),
    ("Petugas harus menerapkan 5S: senyum, salam, sapa, sopan dan santun.", "U7"),
    ("Sarana dan prasarana penunjang kurang nyaman.", "U9"),
    # What respondents write.
    ("Antrean terlalu lama, mohon ditambah loket.", "U3"),
    ("Menunggu berjam-jam, keterlambatannya parah.", "U3"),
    ("Prosesnya cepat, semoga dipertahankan.", "U3"),
    ("Petugas ramah dan membantu, terima kasih.", "U7"),
    ("Petugasnya judes dan tidak pernah senyum", "U7"),
    ("Mohon petugas lebih sopan ketika menjelaskan persyaratan.", "U7"),
    ("Ruang tunggu panas, perlu tambahan kipas atau AC.", "U9"),
    ("AC mati, ruang tunggunya gerah", "U9"),
    ("Kursi ruang tunggu kurang, banyak yang berdiri.", "U9"),
    ("Toilet perlu dibersihkan lebih sering.", "U9"),
    ("Parkir motor sempit.", "U9"),
    ("Informasi persyaratan di papan pengumuman kurang jelas.", "U1"),
    ("Persyaratannya terlalu banyak, berkasnya harus fotokopi semua", "U1"),
    ("Website pendaftaran online sering tidak bisa diakses.", "U2"),
    ("Alurnya berbelit-belit, aplikasinya sering error", "U2"),
    ("Ada pungli di loket, katanya gratis tapi disuruh bayar.", "U4"),
    ("KTP saya salah cetak, nama keliru.", "U5"),
    ("Petugasnya kurang paham aturan, bingung menjelaskan.", "U6"),
    ("Pengaduan saya tidak ditanggapi sampai sekarang.", "U8"),
    ("Kotak saran tidak pernah dibuka", "U8"),
    # Nothing to say about an element.
    ("Terima kasih.", None),
    ("Semoga sukses selalu!", None),
    ("Mohon ada layanan jemput bola untuk lansia.", None),
    ("", None),
    ("<script>alert(1)</script>", None),
]


@pytest.mark.parametrize(("text", "code"), CASES)
def test_suggest_element(text, code):
    assert suggest_element(text)[0] == code


def test_a_tie_proposes_nothing():
    # "antre" (U3, 3) against "parkir" (U9, 3)
    code, scores = suggest_element("antre parkir")
    assert (code, scores) == (None, {"U3": 3, "U9": 3})


def test_scores_are_weighted_and_a_phrase_is_not_counted_twice():
    # "ruang tunggu" is U9 (3); its "tunggu" does not also count for U3.
    assert element_scores("Ruang tunggu panas") == {"U9": 5}
    assert element_scores("Menunggu lama") == {"U3": 4}


def test_codes_limit_the_answer_to_the_questionnaire():
    assert suggest_element("Biayanya mahal sekali")[0] == "U4"
    assert suggest_element("Biayanya mahal sekali", codes=["U1", "U2", "U3"]) == (None, {})


def test_word_forms_strip_cheap_affixes():
    assert "antre" in word_forms("mengantre")
    assert "antre" in word_forms("antreannya")
    assert "lambat" in word_forms("keterlambatan")
    assert "ramah" in word_forms("keramahan")
    assert "bayar" in word_forms("pembayaran")
    # "selama" is not "lama": se- is not stripped.
    assert "lama" not in word_forms("selama")
