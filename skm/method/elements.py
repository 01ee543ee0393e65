"""The element catalogue (unsur) of Permen PANRB 14/2017 and tolerant matching.

Codes U1..U9 follow BAB I of the regulation (U8 = pengaduan, U9 = sarana), not the
printed questionnaire's order; an element is always identified by its code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "DEFAULT_ELEMENTS",
    "DEFAULT_ORDER",
    "GENERIC_SCALES",
    "KEYWORDS",
    "MISSING_TEXTS",
    "ORDERS",
    "AnswerError",
    "Element",
    "HeaderMatch",
    "LabelConflict",
    "QuestionnaireError",
    "Scale",
    "element_by_code",
    "label_conflicts",
    "match_element",
    "match_header",
    "normalize",
    "numbered_order",
    "official_scale",
    "order_decides",
    "parse_answer",
    "questionnaire_from_spec",
]

_PUNCT = re.compile(r"[^0-9a-z]+")
_CODE = re.compile(r"^u\s*0*(\d{1,2})$")
_LEADING_NUMBER = re.compile(r"^(?:no\s+)?(?:u\s*)?\d{1,2}\s+")
# "d. Sangat sesuai", "4 - Sangat sesuai", "Sangat sesuai (4)"
_LEADING_CHOICE = re.compile(r"^([a-d1-4])\s+(.+)$")
_TRAILING_CHOICE = re.compile(r"^(.+?)\s+([1-4])$")


def normalize(text: str) -> str:
    """Lower-case, punctuation to spaces, single spaces, without the word "dan".

    "Produk, Spesifikasi, dan Jenis Pelayanan" and "produk spesifikasi jenis pelayanan"
    normalise to the same string, so do "Biaya/Tarif" and "biaya tarif".
    """
    words = _PUNCT.sub(" ", str(text).lower()).split()
    return " ".join(w for w in words if w != "dan")


@dataclass(frozen=True)
class Element:
    """One survey element: its code, official name, question and the four answer labels.

    ``labels[0]`` is the label of score 1, ``labels[3]`` the label of score 4.
    """

    code: str
    name: str
    question: str = ""
    labels: tuple[str, str, str, str] = ("", "", "", "")
    aliases: tuple[str, ...] = field(default=())

    def label(self, score: int) -> str:
        return self.labels[score - 1]

    def names(self) -> tuple[str, ...]:
        """Every normalised name by which this element is known."""
        return tuple(normalize(n) for n in (self.name, *self.aliases) if n)


DEFAULT_ELEMENTS: tuple[Element, ...] = (
    Element(
        "U1",
        "Persyaratan",
        "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis "
        "pelayanannya?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
        ("Persyaratan Pelayanan", "Kesesuaian Persyaratan", "Kesesuaian Persyaratan Pelayanan"),
    ),
    Element(
        "U2",
        "Sistem, Mekanisme, dan Prosedur",
        "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
        (
            "Prosedur",
            "Prosedur Pelayanan",
            "Sistem Mekanisme Prosedur Pelayanan",
            "Kemudahan Prosedur",
            "Kemudahan Prosedur Pelayanan",
        ),
    ),
    Element(
        "U3",
        "Waktu Penyelesaian",
        "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
        (
            "Waktu Pelayanan",
            "Waktu",
            "Kecepatan Waktu",
            "Kecepatan Pelayanan",
            "Kecepatan Waktu Pelayanan",
            "Jangka Waktu Pelayanan",
            "Waktu Penyelesaian Pelayanan",
        ),
    ),
    Element(
        "U4",
        "Biaya/Tarif",
        "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
        ("Biaya", "Tarif", "Biaya Tarif Pelayanan", "Kewajaran Biaya", "Kewajaran Biaya Tarif"),
    ),
    Element(
        "U5",
        "Produk Spesifikasi Jenis Pelayanan",
        "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum "
        "dalam standar pelayanan dengan hasil yang diberikan?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
        (
            "Produk, Spesifikasi, dan Jenis Pelayanan",
            "Produk Spesifikasi Jenis Layanan",
            "Produk Layanan",
            "Produk Pelayanan",
            "Produk",
            "Kesesuaian Produk",
            "Kesesuaian Produk Pelayanan",
            "Spesifikasi Produk Pelayanan",
        ),
    ),
    Element(
        "U6",
        "Kompetensi Pelaksana",
        "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
        (
            "Kompetensi",
            "Kompetensi Petugas",
            "Kemampuan Petugas",
            "Kompetensi Pelaksana Pelayanan",
            "Kompetensi Kemampuan Petugas",
        ),
    ),
    Element(
        "U7",
        "Perilaku Pelaksana",
        "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan "
        "dan keramahan?",
        (
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ),
        (
            "Perilaku",
            "Perilaku Petugas",
            "Perilaku Pelaksana Pelayanan",
            "Kesopanan dan Keramahan",
        ),
    ),
    Element(
        "U8",
        "Penanganan Pengaduan, Saran dan Masukan",
        "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        (
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ),
        (
            "Penanganan Pengaduan",
            "Pengaduan",
            "Penanganan Pengaduan Pengguna Layanan",
            "Penanganan Pengaduan, Saran, dan Masukan",
        ),
    ),
    Element(
        "U9",
        "Sarana dan Prasarana",
        "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        ("Buruk", "Cukup", "Baik", "Sangat Baik"),
        ("Sarana Prasarana", "Sarpras", "Sarana", "Kualitas Sarana dan Prasarana"),
    ),
)


def element_by_code(code: str, elements: Iterable[Element] = DEFAULT_ELEMENTS) -> Element:
    """The element with this code (case-insensitive); KeyError when there is none."""
    wanted = code.strip().upper()
    for element in elements:
        if element.code.upper() == wanted:
            return element
    raise KeyError(code)


# --------------------------------------------------------------------------------------
# Matching a column header to an element
#
# Tiers, strongest first: the code; the official name, an alias or the question (exactly,
# or after a leading number/code, or contained whole in a longer header); then the words
# that name an element in real forms (KEYWORDS). A tier that fits two elements refuses
# the header with both candidates instead of guessing.

# Words that name one element in the headers of real forms (docs/method.md, "Reading
# other offices' files"). Whole normalised words; "kesesuaian", "pelayanan", "petugas"
# are deliberately absent (they appear in several questions).
KEYWORDS: dict[str, frozenset[str]] = {
    "U1": frozenset({"persyaratan", "syarat"}),
    "U2": frozenset({"prosedur", "mekanisme", "alur"}),
    "U3": frozenset({"waktu", "kecepatan"}),
    "U4": frozenset({"biaya", "tarif"}),
    "U5": frozenset({"produk", "spesifikasi"}),
    "U6": frozenset({"kompetensi", "kemampuan", "kecakapan", "kompeten"}),
    "U7": frozenset({"perilaku", "kesopanan", "keramahan"}),
    "U8": frozenset({"pengaduan", "keluhan"}),
    "U9": frozenset({"sarana", "prasarana", "sarpras", "fasilitas"}),
}
# A header with one of these words is a free-text, date or profile column, never an
# element by keyword ("Saran perbaikan sarana", "Tanggal/Waktu kunjungan").
_NOT_AN_ELEMENT = frozenset(
    {
        "saran", "masukan", "kritik", "komentar", "alasan", "keterangan", "catatan",
        "tanggal", "tgl", "timestamp", "jam", "pukul", "usia", "umur", "pendidikan",
        "pekerjaan", "kelamin", "nama", "alamat", "telepon", "hp", "email", "nik", "nip",
    }
)  # fmt: skip


@dataclass(frozen=True)
class HeaderMatch:
    """What a header designates: ``element`` (None when nothing or several fit), how it
    was decided (``reason``: "kode", "nama", "pertanyaan", "kata kunci") and, when
    several elements fit, ``candidates``."""

    element: Element | None
    reason: str = ""
    candidates: tuple[Element, ...] = ()


def _catalogue_twin(element: Element) -> Element | None:
    """The default element this one is (same code and a known name or the question)."""
    for default in DEFAULT_ELEMENTS:
        if default.code.upper() == element.code.upper() and (
            normalize(element.name) in default.names()
            or (element.question and normalize(element.question) == normalize(default.question))
        ):
            return default
    return None


def _keywords(element: Element) -> frozenset[str]:
    twin = _catalogue_twin(element)
    return KEYWORDS.get(twin.code, frozenset()) if twin is not None else frozenset()


def _names_of(element: Element) -> tuple[str, ...]:
    twin = _catalogue_twin(element)
    names = element.names()
    return names + twin.names() if twin is not None else names


def match_header(header: object, elements: Sequence[Element] = DEFAULT_ELEMENTS) -> HeaderMatch:
    """The element a column header designates, with the reason, or the candidates."""
    if header is None:
        return HeaderMatch(None)
    text = normalize(str(header))
    if not text:
        return HeaderMatch(None)
    code_match = _CODE.match(text)
    if code_match:
        wanted = f"U{int(code_match.group(1))}"
        found = next((e for e in elements if e.code.upper() == wanted), None)
        return HeaderMatch(found, "kode" if found else "")

    def by_name(candidate: str) -> HeaderMatch | None:
        official = [e for e in elements if candidate == normalize(e.name)]
        if len(official) == 1:
            return HeaderMatch(official[0], "nama")
        questions = [e for e in elements if e.question and candidate == normalize(e.question)]
        if len(questions) == 1:
            return HeaderMatch(questions[0], "pertanyaan")
        named = [e for e in elements if candidate in _names_of(e)]
        if len(named) == 1:
            return HeaderMatch(named[0], "nama")
        if len(named) > 1 or len(official) > 1:
            return HeaderMatch(None, "nama", tuple(named or official))
        return None

    found = by_name(text)
    if found:
        return found
    # "U3 Waktu Penyelesaian", "3 Waktu Penyelesaian", "no 3 ..."
    stripped = _LEADING_NUMBER.sub("", text)
    if stripped != text:
        found = by_name(stripped)
        if found and found.element is not None:
            prefix = text[: len(text) - len(stripped)].strip()
            prefix_code = _CODE.match(prefix)
            if prefix_code and f"U{int(prefix_code.group(1))}" != found.element.code.upper():
                # "U8 Sarana dan Prasarana": numbered in the questionnaire's order, where
                # 8 and 9 are swapped; the name decides. Any other contradiction refuses.
                number = int(prefix_code.group(1))
                swapped = {8: "U9", 9: "U8"}.get(number)
                if swapped != found.element.code.upper() or _catalogue_twin(found.element) is None:
                    wrong = next((e for e in elements if e.code.upper() == f"U{number}"), None)
                    return HeaderMatch(None, "nama", (found.element, *([wrong] if wrong else [])))
            return found
        if found:
            return found
    # the whole question inside a longer header
    containing = [e for e in elements if e.question and normalize(e.question) in text]
    if len(containing) == 1:
        return HeaderMatch(containing[0], "pertanyaan")
    # words that name an element ("Kompetensi petugas pelaksana", "Kewajaran biaya atau
    # tarif", "Kecepatan waktu dalam memberikan pelayanan")
    words = set(text.split())
    if words & _NOT_AN_ELEMENT:
        return HeaderMatch(None)
    padded = f" {text} "
    fitting = [
        e
        for e in elements
        if words & _keywords(e)
        or (_catalogue_twin(e) is None and f" {normalize(e.name)} " in padded)
    ]
    if len(fitting) == 1:
        return HeaderMatch(fitting[0], "kata kunci")
    if fitting:
        return HeaderMatch(None, "kata kunci", tuple(fitting))
    return HeaderMatch(None)


def match_element(header: object, elements: Sequence[Element] = DEFAULT_ELEMENTS) -> Element | None:
    """The element a column header (or a name) designates, or None.

    Accepted: the code ("U3", "u 3"), the official name or a known alias, the question text,
    each in any case and punctuation, with or without "dan", optionally preceded by a
    number ("3. Waktu Penyelesaian") or by the code ("U3 Waktu Penyelesaian"), a header
    that contains the whole question (Google Forms adds prefixes such as "Pertanyaan 3:"),
    or the words that name one element (:data:`KEYWORDS`). An ambiguous header (two
    elements fit equally) matches nothing; :func:`match_header` says which fit.
    """
    return match_header(header, elements).element


# --------------------------------------------------------------------------------------
# Answer labels: the official scale of each element, the variants real forms use, and the
# generic four-level scales a form may use for every element.

# Cells that mean "not answered".
MISSING_TEXTS = frozenset({"", "-", "--", "–", "—", "null", "none", "nan", "n/a", "#n/a"})
_WHOLE_DECIMAL = re.compile(r"^([1-4])[.,]0+$")


@dataclass(frozen=True)
class Scale:
    """A four-level answer scale: normalised label -> score, and how it is shown."""

    title: str
    scores: tuple[tuple[str, int], ...]
    official: bool = False

    def score(self, text: str) -> int | None:
        return dict(self.scores).get(text)


# Variants of official labels seen in real forms, per element code.
_VARIANTS: dict[str, tuple[tuple[str, int], ...]] = {
    "U7": (
        ("Tidak sopan dan tidak ramah", 1),
        ("Kurang sopan dan kurang ramah", 2),
        ("Cukup sopan dan ramah", 2),
        ("Sangat sopan dan sangat ramah", 4),
    ),
    "U8": (
        ("Ada tapi tidak berfungsi", 2),
        ("Ada namun tidak berfungsi", 2),
        ("Berfungsi tetapi kurang maksimal", 3),
        ("Berfungsi tapi kurang maksimal", 3),
        ("Dikelola baik", 4),
    ),
}

# Adjectives of the generic "Tidak X / Kurang X / X / Sangat X" scales (and their
# "Sangat tidak X / Tidak X / X / Sangat X" counterparts).
_ADJECTIVES = (
    "sesuai", "mudah", "cepat", "kompeten", "mampu", "sopan", "ramah", "sopan ramah",
    "memadai", "baik", "puas", "wajar", "jelas", "lengkap", "nyaman", "bersih", "tepat",
    "terjangkau", "berfungsi", "setuju", "bagus", "memuaskan", "murah", "tanggap",
    "responsif", "profesional", "layak",
)  # fmt: skip


def _each_word(words: str) -> tuple[tuple[str, int], ...]:
    """ "Tidak sopan dan tidak ramah" = 1 etc. for a two-word adjective."""
    if " " not in words:
        return ()
    first, second = words.split()
    return tuple(
        (f"{w} {first} {w} {second}", score)
        for w, score in (("tidak", 1), ("kurang", 2), ("sangat", 4))
    )


def _generic_scales() -> tuple[Scale, ...]:
    scales = [
        Scale(
            "Sangat buruk / Buruk / Baik / Sangat baik",
            (("sangat buruk", 1), ("buruk", 2), ("baik", 3), ("sangat baik", 4)),
        ),
    ]
    for word in _ADJECTIVES:
        shown = word.replace(" ", " dan ")
        scales.append(
            Scale(
                f"Tidak {shown} / Kurang {shown} / {shown.capitalize()} / Sangat {shown}",
                (
                    (f"tidak {word}", 1),
                    (f"kurang {word}", 2),
                    (f"cukup {word}", 2),
                    (word, 3),
                    (f"sangat {word}", 4),
                    *_each_word(word),
                ),
            )
        )
    for word in _ADJECTIVES:
        shown = word.replace(" ", " dan ")
        scales.append(
            Scale(
                f"Sangat tidak {shown} / Tidak {shown} / {shown.capitalize()} / Sangat {shown}",
                (
                    (f"sangat tidak {word}", 1),
                    (f"tidak {word}", 2),
                    (word, 3),
                    (f"sangat {word}", 4),
                ),
            )
        )
    scales.append(
        Scale(
            "Buruk / Cukup / Baik / Sangat baik",
            (("buruk", 1), ("cukup", 2), ("baik", 3), ("sangat baik", 4)),
        )
    )
    return tuple(scales)


GENERIC_SCALES: tuple[Scale, ...] = _generic_scales()


@dataclass(frozen=True)
class _Reading:
    score: int
    scale: Scale
    # other scales that read the same label as another score
    others: tuple[Scale, ...]


def official_scale(element: Element) -> Scale | None:
    """The element's own labels (and their known variants), None for an element without."""
    if not any(element.labels):
        return None
    pairs = [(normalize(label), score) for score, label in enumerate(element.labels, 1) if label]
    twin = _catalogue_twin(element)
    if twin is not None and tuple(normalize(x) for x in twin.labels) == tuple(
        normalize(x) for x in element.labels
    ):
        pairs += [(normalize(text), score) for text, score in _VARIANTS.get(twin.code, ())]
    title = " / ".join(label for label in element.labels if label)
    return Scale(title, tuple(pairs), official=True)


@lru_cache(maxsize=256)
def _readings(element: Element) -> dict[str, _Reading]:
    """Every label this element's cells may hold -> its reading (official scale first,
    then the generic scales in the order of GENERIC_SCALES)."""
    scales = [s for s in (official_scale(element), *GENERIC_SCALES) if s is not None]
    by_label: dict[str, list[tuple[int, Scale]]] = {}
    for scale in scales:
        for text, score in scale.scores:
            by_label.setdefault(text, []).append((score, scale))
    readings = {}
    for text, found in by_label.items():
        score, scale = found[0]
        others = tuple(s for sc, s in found[1:] if sc != score)
        readings[text] = _Reading(score, scale, others)
    return readings


class AnswerError(ValueError):
    """An answer cell that cannot be read as a score for its element."""

    def __init__(self, element: Element, value: object) -> None:
        self.element = element
        self.value = value
        super().__init__(f"{element.code}: {value!r}")

    def expected(self) -> str:
        """What would have been accepted, for the message shown to the user."""
        official = ""
        if any(self.element.labels):
            labels = ", ".join(f"{i} = {label}" for i, label in enumerate(self.element.labels, 1))
            official = f"label resmi ({labels}), "
        return (
            f"1-4, a-d, {official}skala umum seperti Sangat buruk/Buruk/Baik/Sangat baik "
            "atau Tidak puas/Kurang puas/Puas/Sangat puas; kosong, - atau NULL bila tidak "
            "dijawab"
        )


def parse_answer(element: Element, value: object) -> int | None:
    """Score 1..4 of an answer cell, None for a missing answer; AnswerError otherwise.

    Accepts integers and whole decimals 1..4 (4, 4.0, "4.0", "4,00"), "a".."d" (Lampiran
    III's options), the element's own labels and their known variants, the generic
    four-level scales (GENERIC_SCALES), each in any case and spacing, and labels with
    their option in front or behind ("d. Sangat sesuai", "Sangat sesuai (4)") when both
    agree. Empty cells, "-" and "NULL" are missing answers.

    A label that two scales read differently ("Tidak puas": 1 on Tidak/Kurang/Puas/Sangat,
    2 on Sangat tidak/Tidak/Puas/Sangat) is read on the element's official scale, else on
    the first generic scale; :func:`label_conflicts` then checks the whole column.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise AnswerError(element, value)
    if isinstance(value, int | float):
        if value in (1, 2, 3, 4):
            return int(value)
        raise AnswerError(element, value)
    raw = str(value).strip()
    if raw.lower() in MISSING_TEXTS:
        return None
    whole = _WHOLE_DECIMAL.match(raw)
    if whole:
        return int(whole.group(1))
    text = normalize(raw)
    if not text:
        raise AnswerError(element, value)
    if text in ("1", "2", "3", "4"):
        return int(text)
    if text in ("a", "b", "c", "d"):
        return "abcd".index(text) + 1
    readings = _readings(element)
    reading = readings.get(text)
    if reading is not None:
        return reading.score
    for pattern, choice_group, label_group in (
        (_LEADING_CHOICE, 1, 2),
        (_TRAILING_CHOICE, 2, 1),
    ):
        m = pattern.match(text)
        if m:
            choice = m.group(choice_group)
            from_choice = int(choice) if choice.isdigit() else "abcd".index(choice) + 1
            labelled = readings.get(m.group(label_group))
            if labelled is not None and labelled.score == from_choice:
                return from_choice
    raise AnswerError(element, value)


@dataclass(frozen=True)
class LabelConflict:
    """A label a column's own content shows to be read on the wrong scale, or that the
    column leaves undecided; ``str()`` is the Indonesian message."""

    label: str
    read_as: int
    scale: Scale
    candidates: tuple[tuple[int, Scale], ...]
    evidence: str | None

    def __str__(self) -> str:
        options = "; ".join(f"{score} pada skala {s.title}" for score, s in self.candidates)
        if self.evidence is not None:
            why = (
                f'kolom ini juga berisi "{self.evidence}", yang tidak ada pada skala '
                f"{self.scale.title}"
            )
        else:
            why = "isi kolom tidak menunjukkan skala mana yang dipakai"
        return f'label "{self.label}" berarti {options}; {why}'


def label_conflicts(element: Element, seen: Iterable[object]) -> list[LabelConflict]:
    """Labels of one column whose score depends on the scale, checked against the
    column's other labels.

    ``seen`` holds the column's distinct raw values. A label read on one scale while the
    column also holds a label only another scale has (where the first label scores
    differently) is a conflict; so is such a label in a column that shows no scale at all,
    unless it was read on the element's official scale (the regulation's labels are
    presumed).
    """
    readings = _readings(element)
    labels: dict[str, str] = {}
    for value in seen:
        if isinstance(value, str):
            text = normalize(value)
            if text in readings:
                labels.setdefault(text, value.strip())
    conflicts = []
    for text, shown in labels.items():
        reading = readings[text]
        if not reading.others:
            continue
        own = dict(reading.scale.scores)
        other_labels = {t for o in reading.others for t, _score in o.scores}
        evidence_for_own = any(t in own and t not in other_labels for t in labels)
        against = None
        for other in reading.others:
            theirs = dict(other.scores)
            proof = next((t for t in labels if t in theirs and t not in own), None)
            if proof is not None:
                against = labels[proof]
                break
        if against is None and (evidence_for_own or reading.scale.official):
            continue
        candidates = (
            (reading.score, reading.scale),
            *((dict(o.scores)[text], o) for o in reading.others),
        )
        conflicts.append(LabelConflict(shown, reading.score, reading.scale, candidates, against))
    return conflicts


# --------------------------------------------------------------------------------------
# Questionnaire order (numbered columns) and custom questionnaires

# How numbered columns ("Unsur 8", "nilai_8", "U8") map to elements. "kuesioner": the
# order of the questionnaire printed in Lampiran III and of every form seen (8 = sarana
# dan prasarana, 9 = penanganan pengaduan), the default; "daftar": the order of the
# list of elements in BAB I (8 = pengaduan, 9 = sarana), as the codes U8/U9 are defined.
ORDERS: tuple[str, ...] = ("kuesioner", "daftar")
DEFAULT_ORDER = "kuesioner"


def _is(element: Element, code: str) -> bool:
    twin = _catalogue_twin(element)
    return twin is not None and twin.code == code


def numbered_order(elements: Sequence[Element], order: str = DEFAULT_ORDER) -> tuple[Element, ...]:
    """The elements as numbered columns count them (number N is item N-1).

    Only the pair pengaduan (U8) / sarana (U9) depends on the order, and only when they
    stand next to each other; every other element keeps its position.
    """
    if order not in ORDERS:
        raise ValueError(f"urutan {order!r} tidak dikenal; pilihan: {', '.join(ORDERS)}")
    items = list(elements)
    for i in range(len(items) - 1):
        pair = {"U8" if _is(e, "U8") else "U9" if _is(e, "U9") else "": e for e in items[i : i + 2]}
        if set(pair) == {"U8", "U9"}:
            if order == "kuesioner":
                items[i], items[i + 1] = pair["U9"], pair["U8"]
            else:
                items[i], items[i + 1] = pair["U8"], pair["U9"]
            break
    return tuple(items)


def order_decides(elements: Sequence[Element]) -> frozenset[str]:
    """Codes whose numbered column depends on the order (U8 and U9 when both present
    next to each other), empty otherwise."""
    a, b = numbered_order(elements, "kuesioner"), numbered_order(elements, "daftar")
    return frozenset(x.code for x, y in zip(a, b, strict=True) if x.code != y.code)


class QuestionnaireError(ValueError):
    """A custom questionnaire that cannot be built; ``str()`` is the Indonesian message."""


MAX_CUSTOM_ELEMENTS = 20
_SPEC_CODE = re.compile(r"^[Uu]\s*0*(\d{1,2})$")
_SPEC_RANGE = re.compile(r"^[Uu]\s*0*(\d{1,2})\s*(?:\.\.|-|–|sampai|s/d)\s*[Uu]?\s*0*(\d{1,2})$")


def _numbered_element(number: int) -> Element:
    if number <= len(DEFAULT_ELEMENTS):
        return DEFAULT_ELEMENTS[number - 1]
    return Element(f"U{number}", f"Unsur {number}")


def questionnaire_from_spec(spec: str) -> tuple[Element, ...]:
    """A questionnaire from a short text (``skm ikm --elements``).

    - "14": U1..U14, the nine elements of the regulation then "Unsur 10".."Unsur 14";
    - "U1..U9,U10=Sikap petugas,U11=Maklumat pelayanan": ranges and single codes of the
      regulation's elements ("U1..U9", "U1-U7", "U9"), and new elements with their name
      ("U10=Sikap petugas"); a code of the regulation given a new name is a new element.
      Items are separated by commas, or by semicolons when a name holds a comma.

    New elements have no official labels: their cells are read as 1-4, a-d or a generic
    four-level scale.
    """
    text = str(spec).strip()
    if not text:
        raise QuestionnaireError("daftar unsur kosong")
    if text.isdigit():
        count = int(text)
        if not 1 <= count <= MAX_CUSTOM_ELEMENTS:
            raise QuestionnaireError(
                f"jumlah unsur harus 1 sampai {MAX_CUSTOM_ELEMENTS}, bukan {count}"
            )
        return tuple(_numbered_element(n) for n in range(1, count + 1))
    separator = ";" if ";" in text else ","
    found: list[Element] = []
    for raw in text.split(separator):
        item = raw.strip()
        if not item:
            continue
        code, eq, name = item.partition("=")
        code = code.strip()
        single = _SPEC_CODE.match(code)
        span = _SPEC_RANGE.match(code)
        if eq:
            if not single or not name.strip():
                raise QuestionnaireError(
                    f'"{item}" tidak dapat dibaca; tulis kode dan nama, mis. "U10=Sikap petugas"'
                )
            found.append(Element(f"U{int(single.group(1))}", " ".join(name.split())))
        elif single:
            found.append(_numbered_element(int(single.group(1))))
        elif span:
            low, high = int(span.group(1)), int(span.group(2))
            if not 1 <= low <= high:
                raise QuestionnaireError(f'rentang "{item}" tidak dapat dibaca (mis. "U1..U9")')
            found.extend(_numbered_element(n) for n in range(low, high + 1))
        else:
            raise QuestionnaireError(
                f'"{item}" tidak dapat dibaca; contoh: "U1..U9,U10=Sikap petugas" atau "14"'
            )
    codes = [e.code for e in found]
    doubles = sorted({c for c in codes if codes.count(c) > 1}, key=codes.index)
    if doubles:
        raise QuestionnaireError(f"kode unsur dipakai lebih dari sekali: {', '.join(doubles)}")
    if not found:
        raise QuestionnaireError("daftar unsur kosong")
    if len(found) > MAX_CUSTOM_ELEMENTS:
        raise QuestionnaireError(
            f"paling banyak {MAX_CUSTOM_ELEMENTS} unsur (sekarang {len(found)})"
        )
    return tuple(found)
