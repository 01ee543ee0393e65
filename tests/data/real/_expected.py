"""Expected figures of the real corpus, computed independently of the reader.

Each function below reads ONE file of tests/data/real/ with the standard csv module and an
explicit, hand-written mapping taken from the owner's own application (its form, its
questionnaire table): which rows are respondents, which column (or which question id, in
long files) is which element, how a missing answer is written. The arithmetic is
skm.method.compute (Permen PANRB 14/2017, exact weights 1/9, no intermediate rounding).

Element codes follow BAB I of the regulation and docs/method.md: U8 = Penanganan
pengaduan, U9 = Sarana dan prasarana. Where a form asks sarana 8th and pengaduan 9th (the
printed questionnaire's order, most offices), its 8th answer is U9 and its 9th is U8.

Run ``.venv/bin/python tests/data/real/_expected.py`` to print every file's figures and
``--check`` to compare them with manifest.json (tests/transfer/test_real_corpus.py does
the same). The reader (skm.transfer.readers) is never imported here.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from skm.method import DEFAULT_ELEMENTS, SurveyResult, Tally, compute

HERE = Path(__file__).resolve().parent
CODES = tuple(e.code for e in DEFAULT_ELEMENTS)  # U1..U9, U8 = pengaduan, U9 = sarana

# A form that asks questions 1..9 in the printed questionnaire's order (8 sarana, 9 pengaduan).
PRINTED_ORDER = ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U9", "U8")
# A form that asks in the order of BAB I (8 pengaduan, 9 sarana).
BAB_I_ORDER = CODES


def _score(text: str) -> int | None:
    """A stored answer: "1".."4" is a score; "NULL" (SQL NULL as dumped) and "" are missing."""
    text = text.strip()
    if text in ("", "NULL"):
        return None
    value = int(text)  # anything else is a surprise in these files: fail loudly
    if value not in (1, 2, 3, 4):
        raise ValueError(f"not a score: {text!r}")
    return value


def _rows(name: str, *, delimiter: str = ",", header: bool = True) -> Iterable[list[str]]:
    with open(HERE / name, newline="", encoding="utf-8") as f:
        reader = csv.reader(f, delimiter=delimiter)
        if header:
            next(reader)
        yield from reader


def _tally(vectors: Iterable[dict[str, int | None]]) -> Tally:
    tally = Tally(len(CODES))
    for vector in vectors:
        tally.add([vector.get(code) for code in CODES])
    return tally


def _wide(
    name: str, columns: Sequence[int], order: Sequence[str], **kwargs
) -> Iterable[dict[str, int | None]]:
    """One respondent per row; ``columns[i]`` holds the answer to element ``order[i]``."""
    for row in _rows(name, **kwargs):
        yield {code: _score(row[col]) for col, code in zip(columns, order, strict=True)}


class Conflict(ValueError):
    """One respondent answered one element twice: the file must be refused."""

    def __init__(self, respondent: str, message: str) -> None:
        super().__init__(message)
        self.respondent = respondent


def _long(
    name: str, respondent: int, question: int, answer: int, questions: dict[str, str]
) -> dict[str, dict[str, int | None]]:
    """One answer per row: group by respondent id, map the question id to an element.

    Refuses (Conflict) a respondent who answered one question twice: the mapping has
    no way to choose, and the test expects the reader to refuse the same file.
    """
    vectors: dict[str, dict[str, int | None]] = defaultdict(dict)
    for line, row in enumerate(_rows(name), start=2):
        code = questions[row[question]]
        who = row[respondent]
        if code in vectors[who]:
            raise Conflict(who, f"{name}: respondent {who} answered {code} twice (line {line})")
        vectors[who][code] = _score(row[answer])
    return vectors


# --- one function per file -------------------------------------------------------------


def webskm_ekspor_data() -> Tally:
    """Ahmad-munip/Web_SKM ekspor_data.csv, as the app exported it.

    No header row; ';' separated; 15 fields: id; age; sex; occupation; education;
    nilai_1..nilai_9 (fields 6-14); date as text ("Sabtu, 01 April 2023 - 00:00").
    The app's form.php asks sarana 8th and pengaduan 9th.
    """
    return _tally(
        _wide("webskm_ekspor_data.csv", range(5, 14), PRINTED_ORDER, delimiter=";", header=False)
    )


def webskm_index_kepuasan_masyarakat() -> Tally:
    """Ahmad-munip/Web_SKM table index_kepuasan_masyarakat (db/bappeda_data.sql).

    Header: id, umur, jenis_kelamin, pekerjaan, pendidikan, nilai_1..nilai_9, waktu.
    nilai_N is form question N (form.php): nilai_8 = sarana (U9), nilai_9 = pengaduan (U8).
    "waktu" is the submission date-time, not U3.
    """
    return _tally(_wide("webskm_index_kepuasan_masyarakat.csv", range(5, 14), PRINTED_ORDER))


def eskm_kutim_2024() -> Tally:
    """gunturborneo31/eskm-bayan table `2024`: u1..u15, "NULL" for no answer.

    The public form (resources/views/skm.blade.php, posted to NilaiUnsurController) asks
    u1..u7 = U1..U7, u8 = sarana (U9), u9 = pengaduan (U8). u10..u15 exist in the table
    but are NULL in every row: not part of this questionnaire. Columns u1..u9 are 10..18.
    """
    return _tally(_wide("eskm_kutim_2024.csv", range(10, 19), PRINTED_ORDER))


def eskm_kutim_template_input_skm() -> Tally:
    """gunturborneo31/eskm-bayan public/template_input_skm.csv: the office's import template.

    Header: Pilar, Program, Nama, No HP, Alamat, Jenis Kelamin, Usia, Pendidikan, Pekerjaan,
    Unsur 1..Unsur 9, Saran/Masukan; one example row, then empty rows (",,,,"). Unsur N is
    stored as uN, same order as the form: Unsur 8 = sarana (U9), Unsur 9 = pengaduan (U8).
    The empty rows are not respondents (a row without answers is blank).
    """
    return _tally(_wide("eskm_kutim_template_input_skm.csv", range(9, 18), PRINTED_ORDER))


MPP_QUESTIONS = {
    "1": "U1",
    "2": "U2",
    "4": "U3",
    "5": "U4",
    "6": "U5",
    "7": "U6",
    "8": "U7",
    "9": "U9",
    "10": "U8",
}  # data_pertanyaan: id 9 asks sarana, id 10 pengaduan


def mpp_data_jawaban() -> Tally:
    """NyomanWahyu01/Survai-Kepuasan-MPP table data_jawaban, long format.

    Columns id_jawaban, id_responden, id_pertanyaan, point_jawaban (1..4), status.
    Question ids per data_pertanyaan (id 3 does not exist): see MPP_QUESTIONS.
    Respondent 30 has two complete, conflicting sets of answers (ids 325-333 and 341-349):
    this raises Conflict, the file must be refused (see mpp_data_jawaban_without_30).
    """
    return _tally(_long("mpp_data_jawaban.csv", 1, 2, 3, MPP_QUESTIONS).values())


def mpp_data_jawaban_without_30() -> Tally:
    """The same file without respondent 30's rows, for information in the README."""
    vectors: dict[str, dict[str, int | None]] = defaultdict(dict)
    for row in _rows("mpp_data_jawaban.csv"):
        if row[1] != "30":
            vectors[row[1]][MPP_QUESTIONS[row[2]]] = _score(row[3])
    return _tally(vectors.values())


BIRO_QUESTIONS = {  # pertanyaan.teks_pertanyaan of each UUID (db_skm.sql)
    "78fe6efb-d82b-4a96-ab22-a466ec99f5a0": "U1",  # kesesuaian persyaratan
    "dc634bcd-e8ec-43b3-8655-e08744e2dd3f": "U2",  # kemudahan prosedur
    "99dcce2e-d765-4557-bfd1-758e03a6d4bf": "U3",  # waktu
    "f63214a9-5b57-41b0-8eda-f764080003b4": "U4",  # kewajaran biaya/tarif
    "95649ef6-c7ab-42d9-8ae2-e35a42039440": "U5",  # kesesuaian produk
    "d231f0fc-c475-4eee-9f05-cc50651ce740": "U6",  # kompetensi petugas
    "0bb67a45-a494-4bdb-b373-a20aace17a3a": "U7",  # perilaku petugas
    "d8eae20b-029d-4953-81fe-6f7de7d4c1b7": "U8",  # penanganan pengaduan
    "870f4060-752c-4fce-9c8d-c9f1430aad63": "U9",  # sarana dan prasarana
}


def _biro_vectors() -> dict[str, dict[str, int | None]]:
    return _long("biro_detail_penilaian.csv", 1, 2, 3, BIRO_QUESTIONS)


def biro_detail_penilaian() -> Tally:
    """alfikridotname/SKM-Biro-Organisasi-Anak-Magang table detail_penilaian, long format.

    Columns id_detail_penilaian, id_penilaian (the respondent's submission, UUID),
    id_pertanyaan (UUID, see BIRO_QUESTIONS), nilai_pertanyaan (1..4), NNR (the app's
    weighted value nilai x 0.11, not an answer), created_at, updated_at.
    """
    return _tally(_biro_vectors().values())


def biro_first_two() -> Tally:
    """The two submissions of 2024-02-19 (created_at), the period of hasil_survey's 60.50."""
    first = {"2ef89e39-d7f7-4330-bfa6-5ea2a58b3031", "363bc1ab-9ef7-4a7f-9f02-90012ff6a6aa"}
    return _tally(v for k, v in _biro_vectors().items() if k in first)


LULU_QUESTIONS = {
    "1": "U1",
    "2": "U2",
    "3": "U3",
    "4": "U4",
    "5": "U5",
    "6": "U6",
    "7": "U7",
    "8": "U9",
    "9": "U8",
}  # master_pertanyaan: 8 sarana, 9 pengaduan


def lulu_skm_kuesioner() -> Tally:
    """luluergaa/Survei-Kepuasan-Masyarakat table skm_kuesioner, long format.

    Columns id_kuesioner, id_skm_biodata (respondent), id_pertanyaan (1..9, see
    LULU_QUESTIONS), jawaban (1..4).
    """
    return _tally(_long("lulu_skm_kuesioner.csv", 1, 2, 3, LULU_QUESTIONS).values())


# tb_kuesioner: ids 1..45 are units 1..5 x their U1..U9 (urutan 1..9); their U8 is
# "Penanganan Pengaduan, Saran dan Masukan" and U9 "Sarana dan Prasarana", as ours.
CONTOH_QUESTIONS = {str(9 * unit + k + 1): CODES[k] for unit in range(5) for k in range(9)}


def contoh_tb_survei_jawaban(unit: str | None = None) -> Tally:
    """contohprogramweb/survey_kepuasan_masyarakat table tb_survei_jawaban, long format.

    Columns id_responden, id_kuesioner (element of one unit, see CONTOH_QUESTIONS),
    id_periode, id_unit, nilai (1..4), created_at ("NOW()" as dumped). The whole file
    mixes three units; ``unit`` selects one (for the owner's per-unit tb_rekap_ikm).
    """
    vectors = _long("contoh_tb_survei_jawaban.csv", 0, 1, 4, CONTOH_QUESTIONS)
    if unit is not None:
        units = {row[0]: row[3] for row in _rows("contoh_tb_survei_jawaban.csv")}
        vectors = {k: v for k, v in vectors.items() if units[k] == unit}
    return _tally(vectors.values())


def poltekkes_masyarakat() -> Tally:
    """chrizzzii/IndeksKepuasanV2 table masyarakat: p1..p9 (columns 12..20), "NULL" missing.

    pertanyaan_masyarakat asks 8 = penanganan pengaduan, 9 = sarana: BAB I's order, so
    p8 = U8 and p9 = U9. Three rows have no answer at all (not respondents).
    """
    return _tally(_wide("poltekkes_masyarakat.csv", range(12, 21), BAB_I_ORDER))


def dinsos_gorontalo_kuesioners() -> Tally:
    """koyobunga/DINSOS-WEB table kuesioners: id, tanggal, waktu (1 = 08:00-12:00,
    2 = 13:00-17:00: a time slot, not U3), nama, ..., u1..u9 (columns 8..16), saran.

    resources/views/home/kuesioner.blade.php asks u8 = sarana (U9), u9 = pengaduan (U8).
    """
    return _tally(_wide("dinsos_gorontalo_kuesioners.csv", range(8, 17), PRINTED_ORDER))


FILES: dict[str, Callable[[], Tally]] = {
    "webskm_ekspor_data.csv": webskm_ekspor_data,
    "webskm_index_kepuasan_masyarakat.csv": webskm_index_kepuasan_masyarakat,
    "eskm_kutim_2024.csv": eskm_kutim_2024,
    "eskm_kutim_template_input_skm.csv": eskm_kutim_template_input_skm,
    "mpp_data_jawaban.csv": mpp_data_jawaban,
    "biro_detail_penilaian.csv": biro_detail_penilaian,
    "lulu_skm_kuesioner.csv": lulu_skm_kuesioner,
    "contoh_tb_survei_jawaban.csv": contoh_tb_survei_jawaban,
    "poltekkes_masyarakat.csv": poltekkes_masyarakat,
    "dinsos_gorontalo_kuesioners.csv": dinsos_gorontalo_kuesioners,
}


def figures(result: SurveyResult) -> dict:
    """The manifest's "expected" form of a result."""
    return {
        "respondents": result.respondents,
        "ikm": result.ikm_text,
        "elements": {e.code: e.nrr_text for e in result.elements},
    }


def expected(name: str) -> dict:
    """The expected figures of one file, or {"refused": reason, "must_mention": respondent}
    when it must be refused (the reader's problems must name that respondent)."""
    try:
        tally = FILES[name]()
    except Conflict as exc:
        return {"refused": str(exc), "must_mention": exc.respondent}
    return figures(compute(tally, DEFAULT_ELEMENTS))


# Figures compared with the owner's own (manifest "owner_figure"): how we recompute
# the owner's number with the owner's convention, from the same file.
def owner_checks() -> dict[str, dict[str, str]]:
    """Per file and per owner figure: our exact IKM and our IKM with the owner's convention."""
    out: dict[str, dict[str, str]] = {}
    biro = compute(biro_first_two(), DEFAULT_ELEMENTS)
    biro_011 = compute(biro_first_two(), DEFAULT_ELEMENTS, weighting="0.11")
    out["biro_detail_penilaian.csv"] = {
        "nilai_akhir_survey": biro.ikm_text,
        "nilai_akhir_survey@0.11": biro_011.ikm_text,
    }
    for submission, vector in _biro_vectors().items():  # penilaian.hasil_akhir, one each
        one = _tally([vector])
        out["biro_detail_penilaian.csv"][f"hasil_akhir {submission[:8]}"] = compute(
            one, DEFAULT_ELEMENTS
        ).ikm_text
        out["biro_detail_penilaian.csv"][f"hasil_akhir {submission[:8]}@0.11"] = compute(
            one, DEFAULT_ELEMENTS, weighting="0.11"
        ).ikm_text
    contoh: dict[str, str] = {}
    for unit in ("1", "2", "3"):
        contoh[f"unit_{unit}"] = compute(contoh_tb_survei_jawaban(unit), DEFAULT_ELEMENTS).ikm_text
    out["contoh_tb_survei_jawaban.csv"] = contoh
    return out


if __name__ == "__main__":
    manifest = json.loads((HERE / "manifest.json").read_text()) if "--check" in sys.argv else None
    failures = 0
    for name in FILES:
        got = expected(name)
        if manifest is None:
            print(name, json.dumps(got, ensure_ascii=False))
            continue
        entry = next(e for e in manifest["files"] if e["file"] == name)
        if entry["expected"] != got:
            failures += 1
            print("DIFFERS", name, got, entry["expected"])
    if manifest is None:
        print("owner checks", json.dumps(owner_checks()))
        print(
            "mpp without respondent 30",
            figures(compute(mpp_data_jawaban_without_30(), DEFAULT_ELEMENTS)),
        )
    sys.exit(1 if failures else 0)
