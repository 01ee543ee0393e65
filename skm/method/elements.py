"""The element catalogue (unsur) of Permen PANRB 14/2017 and tolerant matching.

Codes U1..U9 follow BAB I of the regulation (U8 = pengaduan, U9 = sarana), not the
printed questionnaire's order; an element is always identified by its code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_ELEMENTS",
    "AnswerError",
    "Element",
    "element_by_code",
    "match_element",
    "normalize",
    "parse_answer",
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
            "Sikap Petugas",
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


def match_element(header: object, elements: Sequence[Element] = DEFAULT_ELEMENTS) -> Element | None:
    """The element a column header (or a name) designates, or None.

    Accepted: the code ("U3", "u 3"), the official name or a known alias, the question text,
    each in any case and punctuation, with or without "dan", optionally preceded by a
    number ("3. Waktu Penyelesaian") or by the code ("U3 Waktu Penyelesaian"), or a header
    that contains the whole question (Google Forms adds prefixes such as "Pertanyaan 3:").
    An ambiguous header (two elements fit equally) matches nothing.
    """
    if header is None:
        return None
    text = normalize(str(header))
    if not text:
        return None
    code_match = _CODE.match(text)
    if code_match:
        wanted = f"U{int(code_match.group(1))}"
        return next((e for e in elements if e.code.upper() == wanted), None)

    def by_name(candidate: str) -> Element | None:
        found = [
            e for e in elements if candidate in e.names() or candidate == normalize(e.question)
        ]
        return found[0] if len(found) == 1 else None

    found = by_name(text)
    if found:
        return found
    # "U3 Waktu Penyelesaian", "3 Waktu Penyelesaian", "no 3 ..."
    stripped = _LEADING_NUMBER.sub("", text)
    if stripped != text:
        found = by_name(stripped)
        if found:
            prefix = text[: len(text) - len(stripped)].strip()
            prefix_code = _CODE.match(prefix)
            if prefix_code and f"U{int(prefix_code.group(1))}" != found.code.upper():
                return None
            return found
    # the whole question inside a longer header
    containing = [e for e in elements if e.question and normalize(e.question) in text]
    if len(containing) == 1:
        return containing[0]
    return None


class AnswerError(ValueError):
    """An answer cell that cannot be read as a score for its element."""

    def __init__(self, element: Element, value: object) -> None:
        self.element = element
        self.value = value
        super().__init__(f"{element.code}: {value!r}")

    def expected(self) -> str:
        """What would have been accepted, for the message shown to the user."""
        labels = ", ".join(f"{i} = {label}" for i, label in enumerate(self.element.labels, 1))
        return f"1-4, a-d, atau label resmi ({labels})"


def _label_score(element: Element, text: str) -> int | None:
    for score, label in enumerate(element.labels, 1):
        if label and normalize(label) == text:
            return score
    return None


def parse_answer(element: Element, value: object) -> int | None:
    """Score 1..4 of an answer cell, None for an empty cell; AnswerError otherwise.

    Accepts integers and whole floats 1..4 (as spreadsheets store them), "1".."4", "a".."d"
    (Lampiran III's options), the element's own labels in any case and spacing, and labels
    with their option in front or behind ("d. Sangat sesuai", "Sangat sesuai (4)") when both
    agree.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise AnswerError(element, value)
    if isinstance(value, int | float):
        if value in (1, 2, 3, 4):
            return int(value)
        raise AnswerError(element, value)
    text = normalize(str(value))
    if not text:
        if str(value).strip():
            raise AnswerError(element, value)
        return None
    if text in ("1", "2", "3", "4"):
        return int(text)
    if text in ("1 0", "2 0", "3 0", "4 0"):  # "4.0" as text
        return int(text[0])
    if text in ("a", "b", "c", "d"):
        return "abcd".index(text) + 1
    score = _label_score(element, text)
    if score is not None:
        return score
    for pattern, choice_group, label_group in (
        (_LEADING_CHOICE, 1, 2),
        (_TRAILING_CHOICE, 2, 1),
    ):
        m = pattern.match(text)
        if m:
            choice = m.group(choice_group)
            from_choice = int(choice) if choice.isdigit() else "abcd".index(choice) + 1
            if _label_score(element, m.group(label_group)) == from_choice:
                return from_choice
    raise AnswerError(element, value)
