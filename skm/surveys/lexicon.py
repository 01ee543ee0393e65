"""Which element (unsur) a free-text suggestion most likely concerns: a keyword lexicon.

PURE Python, no Django: the inbox, the API and tests use it alike. The lexicon proposes,
staff decide: a wrong guess costs one click, so the rules stay simple and explainable
(weighted keyword counts) rather than clever. When nothing matches, or two elements score
the same, no element is proposed, because a confident wrong guess is worse than none.

Matching is on word stems: a word also matches after dropping the particles -nya/-lah/-kah,
the suffixes -an/-kan/-i and up to two of the prefixes di-, ke-, ter-, ber-, per-, me(N)-,
pe(N)-, so that "antrean", "mengantre" and "antrenya" all find "antre", and "keterlambatan"
finds "lambat". Phrases ("ruang tunggu", "jam buka") are matched on whole words first and
their words are then not counted again, so "ruang tunggu" speaks for U9, not for U3's
"tunggu".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Weights: 3 for words that name the element almost by themselves, 2 for words that usually
# mean it, 1 for hints that only tip a balance.
LEXICON: dict[str, dict[str, int]] = {
    "U1": {
        "syarat": 3,
        "berkas": 3,
        "dokumen": 2,
        "fotokopi": 2,
        "fotocopy": 2,
        "lengkap": 1,
        "formulir": 1,
        "blanko": 1,
        "surat pengantar": 3,
        "kartu keluarga": 1,
    },
    "U2": {
        "prosedur": 3,
        "alur": 3,
        "mekanisme": 3,
        "ribet": 3,
        "berbelit": 3,
        "belit": 3,
        "rumit": 2,
        "online": 2,
        "daring": 2,
        "aplikasi": 2,
        "website": 2,
        "situs": 2,
        "sistem": 2,
        "daftar": 1,
        "informasi": 1,
        "mudah": 1,
        "tahap": 1,
    },
    "U3": {
        "antre": 3,
        "antri": 3,
        "lama": 2,
        "cepat": 2,
        "lambat": 3,
        "tunggu": 2,
        "nunggu": 2,
        "waktu": 2,
        "molor": 3,
        "tunda": 2,
        "selesai": 1,
        "loket": 1,
        "jam buka": 3,
        "jam layanan": 3,
        "jam pelayanan": 3,
        "jam kerja": 3,
        "jam istirahat": 3,
        "tepat waktu": 3,
        "berhari hari": 2,
    },
    "U4": {
        "biaya": 3,
        "bayar": 3,
        "pungli": 3,
        "pungut": 3,
        "gratis": 3,
        "tarif": 3,
        "mahal": 3,
        "murah": 2,
        "uang": 2,
        "calo": 2,
        "imbalan": 3,
        "retribusi": 3,
    },
    "U5": {
        "hasil": 1,
        "produk": 3,
        "salah cetak": 3,
        "data salah": 3,
        "salah data": 3,
        "salah ketik": 3,
        "salah tulis": 3,
        "salah nama": 3,
        "typo": 3,
        "keliru": 2,
        "cetak": 1,
        "standar pelayanan": 2,
    },
    "U6": {
        "paham": 3,
        "maham": 3,
        "kompeten": 3,
        "kompetensi": 3,
        "kuasa": 2,
        "menguasai": 3,
        "terampil": 3,
        "cekatan": 2,
        "profesional": 2,
        "kemampuan": 3,
        "pengetahuan": 2,
        "bingung menjelaskan": 3,
        "tidak bisa menjelaskan": 3,
        "kurang jelas menjelaskan": 3,
        "menjelaskan": 1,
        "penjelasan": 1,
    },
    "U7": {
        "ramah": 3,
        "sopan": 3,
        "santun": 3,
        "judes": 3,
        "jutek": 3,
        "ketus": 3,
        "kasar": 3,
        "cuek": 3,
        "galak": 3,
        "senyum": 3,
        "salam": 2,
        "sapa": 2,
        "nyapa": 2,
        "sikap": 3,
        "perilaku": 3,
        "etika": 3,
        "etik": 3,
        "marah": 2,
        "5s": 3,
        "petugas marah": 3,
        "main hp": 3,
        "main handphone": 3,
        "petugas": 1,
        "bantu": 1,
    },
    "U8": {
        "adu": 3,
        "keluh": 3,
        "ngeluh": 3,
        "komplain": 3,
        "kotak saran": 3,
        "tanggap": 2,
        "nanggap": 2,
        "respon": 2,
        "hotline": 2,
        "lapor": 1,
        "sp4n": 3,
        "tindak lanjut": 2,
    },
    "U9": {
        "ruang tunggu": 3,
        "tempat duduk": 3,
        "kamar mandi": 3,
        "air minum": 2,
        "kursi": 3,
        "ac": 3,
        "kipas": 3,
        "parkir": 3,
        "toilet": 3,
        "wc": 3,
        "panas": 2,
        "gerah": 3,
        "sempit": 2,
        "bersih": 2,
        "kotor": 2,
        "fasilitas": 3,
        "sarana": 3,
        "prasarana": 3,
        "gedung": 2,
        "ruang": 1,
        "wifi": 2,
        "mushola": 3,
        "musala": 3,
        "nyaman": 1,
    },
}

_PARTICLES = ("nya", "lah", "kah")
_SUFFIXES = ("kan", "an", "i")
# Longest first, so that "meng" is tried before "me".
_PREFIXES = ("meng", "meny", "peng", "peny", "mem", "men", "pem", "pen", "ter", "ber", "per")
_SHORT_PREFIXES = ("di", "ke", "me", "pe")
_MIN_STEM = 3
_WORD = re.compile(r"[0-9a-z]+")


def normalise(text: str) -> list[str]:
    """Lower-case words of ``text``, punctuation dropped ("AC," -> "ac")."""
    return _WORD.findall(text.lower())


def _strip_prefix(word: str) -> set[str]:
    found = set()
    for prefix in (*_PREFIXES, *_SHORT_PREFIXES):
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            found.add(word[len(prefix) :])
    return found


def word_forms(word: str) -> set[str]:
    """The word and the stems it may come from by cheap Indonesian affix stripping."""
    forms = {word}
    for particle in _PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= _MIN_STEM:
            forms.add(word[: -len(particle)])
    for form in list(forms):
        for suffix in _SUFFIXES:
            if form.endswith(suffix) and len(form) - len(suffix) >= _MIN_STEM:
                forms.add(form[: -len(suffix)])
    # Two rounds: "keterlambatan" is ke- + ter- + lambat + -an.
    for _round in range(2):
        for form in list(forms):
            forms |= _strip_prefix(form)
    return forms


def _phrases() -> list[tuple[tuple[str, ...], str, int]]:
    found = [
        (tuple(term.split()), code, weight)
        for code, terms in LEXICON.items()
        for term, weight in terms.items()
        if " " in term
    ]
    # Longer phrases first, so that "tidak bisa menjelaskan" wins over "menjelaskan".
    return sorted(found, key=lambda item: -len(item[0]))


_PHRASES = _phrases()
_WORDS: dict[str, list[tuple[str, int]]] = {}
for _code, _terms in LEXICON.items():
    for _term, _weight in _terms.items():
        if " " not in _term:
            _WORDS.setdefault(_term, []).append((_code, _weight))


def element_scores(text: str) -> dict[str, int]:
    """Weighted keyword matches per element code; only elements with a match appear."""
    words = normalise(text)
    used = [False] * len(words)
    scores: dict[str, int] = {}
    for phrase, code, weight in _PHRASES:
        size = len(phrase)
        for start in range(len(words) - size + 1):
            if any(used[start : start + size]):
                continue
            window = words[start : start + size]
            # The last word of a phrase may carry a particle: "ruang tunggunya".
            if window[:-1] == list(phrase[:-1]) and phrase[-1] in word_forms(window[-1]):
                scores[code] = scores.get(code, 0) + weight
                used[start : start + size] = [True] * size
    for index, word in enumerate(words):
        if used[index]:
            continue
        # A word counts once per element even if several of its forms match.
        best: dict[str, int] = {}
        for form in word_forms(word):
            for code, weight in _WORDS.get(form, ()):
                best[code] = max(best.get(code, 0), weight)
        for code, weight in best.items():
            scores[code] = scores.get(code, 0) + weight
    return scores


def suggest_element(
    text: str, codes: Iterable[str] | None = None
) -> tuple[str | None, dict[str, int]]:
    """The element ``text`` most likely concerns, and the scores behind the choice.

    ``codes`` limits the answer to the elements a questionnaire has (a unit that replaced
    U4 gets no U4). None when nothing matches or the best two elements tie.
    """
    scores = element_scores(text)
    if codes is not None:
        allowed = set(codes)
        scores = {code: score for code, score in scores.items() if code in allowed}
    if not scores:
        return None, scores
    ranked = sorted(scores.values(), reverse=True)
    if len(ranked) > 1 and ranked[0] == ranked[1]:
        return None, scores
    best = max(scores, key=scores.__getitem__)
    return best, scores


# --------------------------------------------------------------------------------------
# Complaints and their themes (the Laporan Hasil's BAB IV analysis, issue #14 point 10)

# A suggestion is a complaint or a request when it names a problem, a lack, or asks for a
# change; thanks and praise alone ("Petugas ramah dan membantu, terima kasih.") are not,
# and are never quoted under a weak element.
_COMPLAINT_WORDS = frozenset(
    {
        "tidak",
        "tak",
        "gak",
        "nggak",
        "kurang",
        "belum",
        "lama",
        "lambat",
        "antre",
        "antri",
        "antrian",
        "mohon",
        "tolong",
        "harap",
        "sebaik",
        "seharus",
        "perlu",
        "agar",
        "supaya",
        "jangan",
        "susah",
        "sulit",
        "ribet",
        "rumit",
        "mahal",
        "pungli",
        "kotor",
        "panas",
        "sempit",
        "rusak",
        "error",
        "eror",
        "ganggu",
        "gangguan",
        "jutek",
        "judes",
        "kasar",
        "tingkat",
        "baik",
        "perbaik",
        "tambah",
        "lebih",
        "sering",
        "mati",
        "bau",
        "bocor",
        "penuh",
        "jauh",
        "bingung",
        "macet",
    }
)
# "baik" alone is praise ("sudah baik"); only "perbaiki"/"diperbaiki"/"ditingkatkan" ask.
_PRAISE_ONLY = frozenset({"baik", "tingkat"})
_REQUEST_FORMS = frozenset({"perbaiki", "diperbaiki", "perbaikan", "ditingkatkan", "tingkatkan"})


def is_complaint(text: str) -> bool:
    """Whether a suggestion names a problem or asks for a change (not thanks or praise)."""
    for word in normalise(text):
        if word in _REQUEST_FORMS:
            return True
        forms = word_forms(word) - _PRAISE_ONLY
        if forms & _COMPLAINT_WORDS:
            return True
    return False


def complaint_themes(texts: list[str], *, limit: int = 5) -> list[tuple[str, int]]:
    """The complaints among ``texts``, de-duplicated (same words, any case or punctuation)
    and counted, most frequent first: [("Antrean lama", 3), ...]."""
    counts: dict[tuple[str, ...], int] = {}
    shown: dict[tuple[str, ...], str] = {}
    for text in texts:
        if not text or not is_complaint(text):
            continue
        key = tuple(normalise(text))
        if not key:
            continue
        counts[key] = counts.get(key, 0) + 1
        shown.setdefault(key, " ".join(text.split()).rstrip(".!;, "))
    ranked = sorted(counts, key=lambda k: (-counts[k], shown[k].lower()))
    return [(shown[k], counts[k]) for k in ranked[:limit]]
