"""What each column of a response file becomes, and why (pure: no Django).

:func:`classify` turns the header cells (and a few data rows, when there are any) into one
:class:`Role` per column: an element (by its code, name, question, keywords, or by a number
and the questionnaire order), a profile field, a date recognised by its content, or
ignored; with the notices a careful reader would want to hear (which number decided U8 and
U9, which answer-like columns were left out). docs/method.md, "Reading other offices'
files", states the rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from skm.method.elements import (
    DEFAULT_ORDER,
    AnswerError,
    Element,
    match_header,
    normalize,
    numbered_order,
    order_decides,
    parse_answer,
)

__all__ = ["Layout", "Role", "classify", "column_letter", "header_number"]

# Google Forms exports a grid question as "Penilaian Layanan [Persyaratan]".
_GRID_ROW = re.compile(r"\[([^\[\]]+)\]\s*$")
_SPLIT_DIGITS = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
# Words in front of a question's number: "Unsur 8", "Q8", "P 8", "Pertanyaan 8",
# "nilai_8", "jawaban8", "question_8", "skor_pertanyaan8". Longer words are recognised
# with one typo (an office's own template says "Unusr 8").
_NUMBER_WORDS = (
    "unsur", "pertanyaan", "nilai", "jawaban", "question", "soal", "item", "butir",
    "skor", "score", "kuesioner", "kuisioner", "indikator", "q", "p",
)  # fmt: skip
# Headers of a running respondent number, never answers.
_ROW_NUMBER_WORDS = frozenset({"no", "nomor", "nomer", "id", "nr", "responden", "urut"})
_DATE_TEXT = re.compile(
    r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?$"
)
_GENERIC = Element("U0", "jawaban")


@dataclass(frozen=True, slots=True)
class Role:
    """What column ``index`` (0-based in the header row) became.

    ``kind``: "element" (``target`` = code), "profile" (``target`` = field name;
    "submitted_at" for a date), "ambiguous" (``candidates`` = the element codes that fit)
    or "ignored". ``reason``: "kode", "nama", "pertanyaan", "kata kunci", "nomor"
    (number and questionnaire order), "isi" (content), "profil" or "" (nothing fits).
    ``answer_like``: an ignored column that looks like answers to a question.
    """

    index: int
    header: str
    kind: str
    target: str | None = None
    reason: str = ""
    candidates: tuple[str, ...] = ()
    answer_like: bool = False
    number: int | None = None


@dataclass
class Layout:
    """Every column's role and the notices to show the user (Indonesian)."""

    roles: list[Role]
    warnings: list[str] = field(default_factory=list)
    order: str | None = None

    def of(self, kind: str) -> list[Role]:
        return [r for r in self.roles if r.kind == kind]


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _near(word: str, wanted: str) -> bool:
    """Equal, or (for words of five letters or more) one edit or swap apart."""
    if word == wanted:
        return True
    if len(wanted) < 5 or abs(len(word) - len(wanted)) > 1:
        return False
    # optimal string alignment distance <= 1
    if len(word) == len(wanted):
        diff = [i for i, (a, b) in enumerate(zip(word, wanted, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and word[diff[0]] == wanted[diff[1]]
            and word[diff[1]] == wanted[diff[0]]
        )
    short, long = sorted((word, wanted), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def header_number(header: str) -> tuple[str, int] | None:
    """("u", 8) for "U8", ("unsur", 8) for "Unusr 8", ("", 8) for "8"; None when the
    header is not a bare question number."""
    words = _SPLIT_DIGITS.sub(" ", normalize(header)).split()
    if not words or not words[-1].isdigit() or len(words[-1]) > 2 or int(words[-1]) == 0:
        return None
    number = int(words[-1])
    before = words[:-1]
    if not before:
        return "", number
    if len(before) > 3 or any(w in _ROW_NUMBER_WORDS for w in before):
        return None
    prefix = before[-1]
    # "skor pertanyaan 3", "nilai unsur 3", "Nilai U1": every word before is such a word
    if all(w == "u" or any(_near(w, x) for x in _NUMBER_WORDS) for w in before):
        return prefix, number
    return None


def _looks_like_date(value: object) -> bool:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return True
    return isinstance(value, str) and bool(_DATE_TEXT.match(value.strip()))


def _values(sample: Sequence[Sequence[object]], index: int) -> list[object]:
    found = []
    for row in sample:
        if index < len(row):
            value = row[index]
            if value is not None and not (isinstance(value, str) and not value.strip()):
                found.append(value)
    return found


def _all_dates(values: list[object], is_date: Callable[[object], bool]) -> bool:
    return bool(values) and all(is_date(v) for v in values)


def _answer_like(values: list[object]) -> bool:
    if not values:
        return False
    scores = []
    for value in values:
        try:
            score = parse_answer(_GENERIC, value)
        except AnswerError:
            return False
        scores.append(score)
    # a running number 1, 2, 3, 4 is a respondent number, not answers
    return not _running_number(values) and any(s is not None for s in scores)


def _running_number(values: list[object]) -> bool:
    """1, 2, 3, ... (or 5, 6, 7, ...): a respondent number. Any cell that is not a whole
    number ("NULL", "-", a blank) means it is not one."""
    numbers: list[int] = []
    for value in values:
        text = str(value).strip() if value is not None else ""
        try:
            number = float(text)
        except ValueError:
            return False
        if not number.is_integer():
            return False
        numbers.append(int(number))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _shown(role: Role) -> str:
    return f'kolom {role.header and column_letter(role.index)} ("{_clip(role.header)}")'


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def classify(
    headers: Sequence[str],
    elements: Sequence[Element],
    *,
    order: str | None = None,
    profile: Callable[[str], str | None] = lambda _text: None,
    sample: Sequence[Sequence[object]] = (),
    is_date: Callable[[object], bool] = _looks_like_date,
    first_column: int = 0,
) -> Layout:
    """One Role per non-empty header cell, and the notices.

    ``profile(text)`` names the profile field of an exact profile header (the reader's
    list); ``sample`` holds the first data rows (their cells in header order), used
    only to decide by content: a column of dates is a date, whatever its header says, and
    an ignored column of answers is named as such. ``first_column`` is the sheet column
    of ``headers[0]`` (letters in messages).
    """
    ordered = numbered_order(elements, order or DEFAULT_ORDER)
    sensitive = order_decides(elements)
    codes = {e.code.upper(): e for e in elements}
    roles: list[Role] = []
    warnings: list[str] = []
    for index, raw in enumerate(headers):
        text = " ".join(str(raw or "").split())
        if not text:
            continue
        values = _values(sample, index) if sample else []
        field_name = profile(text)
        if field_name is not None:
            roles.append(Role(index, text, "profile", field_name, "profil"))
            continue
        numbered = header_number(text)
        if numbered is not None:
            prefix, number = numbered
            if (
                prefix == "u"
                and f"U{number}" in codes
                and (f"U{number}" not in sensitive or order != "kuesioner")
            ):
                # A bare code is the regulation's code (BAB I, the seed's Tabel 1, this
                # project's export) unless --order kuesioner says it counts questions.
                roles.append(Role(index, text, "element", f"U{number}", "kode", number=number))
            elif prefix == "u" and f"U{number}" not in codes:
                roles.append(Role(index, text, "ignored", answer_like=True, number=number))
            elif number <= len(ordered):
                target = ordered[number - 1].code
                roles.append(Role(index, text, "element", target, "nomor", number=number))
            else:
                roles.append(Role(index, text, "ignored", answer_like=True, number=number))
            continue
        found = match_header(text, elements)
        if found.element is None and not found.candidates:
            grid = _GRID_ROW.search(text)
            if grid:
                found = match_header(grid.group(1), elements)
        if found.element is not None or found.candidates:
            if _all_dates(values, is_date):
                roles.append(Role(index, text, "profile", "submitted_at", "isi"))
                what = (
                    f"unsur {found.element.code}"
                    if found.element is not None
                    else "unsur " + "/".join(e.code for e in found.candidates)
                )
                warnings.append(
                    f"{_at(index, first_column, text)} berisi tanggal, jadi dibaca sebagai "
                    f"tanggal survei, bukan {what}"
                )
            elif found.element is not None:
                roles.append(Role(index, text, "element", found.element.code, found.reason))
            else:
                roles.append(
                    Role(
                        index,
                        text,
                        "ambiguous",
                        reason=found.reason,
                        candidates=tuple(e.code for e in found.candidates),
                    )
                )
            continue
        words = normalize(text).split()
        counts_rows = bool(words) and words[0] in _ROW_NUMBER_WORDS
        roles.append(
            Role(index, text, "ignored", answer_like=not counts_rows and _answer_like(values))
        )

    taken = {r.target for r in roles if r.kind == "element"}
    for i, role in enumerate(roles):
        if role.kind == "ambiguous" and set(role.candidates) <= taken:
            # every element it could be has its own column: it is none of them
            roles[i] = Role(role.index, role.header, "ignored", answer_like=True)
    _order_warning(roles, codes, order, sensitive, first_column, warnings)
    for role in roles:
        if role.kind == "ignored" and role.answer_like:
            listed = f"{elements[0].code}-{elements[-1].code}" if len(elements) > 1 else ""
            warnings.append(
                f"{_at(role.index, first_column, role.header)} tampak sebagai kolom jawaban "
                f"tetapi tidak dihitung: kuesioner yang dipakai hanya {len(elements)} unsur "
                f"({listed}); untuk menghitungnya, nyatakan kuesionernya (skm ikm "
                '--elements "U1..U9,U10=Nama unsur", atau kuesioner periode untuk impor)'
            )
    return Layout(roles, warnings, order)


def _at(index: int, first_column: int, header: str) -> str:
    return f'kolom {column_letter(first_column + index)} ("{_clip(header)}")'


def _order_warning(
    roles: list[Role],
    codes: dict[str, Element],
    order: str | None,
    sensitive: frozenset[str],
    first_column: int,
    warnings: list[str],
) -> None:
    """Every time a number decided which column is U8 and which U9, say so."""
    decided = [
        r for r in roles if r.kind == "element" and r.number is not None and r.target in sensitive
    ]
    for reason in ("nomor", "kode"):
        these = [r for r in decided if r.reason == reason]
        if not these:
            continue
        parts = [
            f"{_at(r.index, first_column, r.header)} = {r.target} {codes[str(r.target)].name}"
            for r in these
        ]
        used = order or ("kuesioner" if reason == "nomor" else "daftar")
        other = "daftar" if used == "kuesioner" else "kuesioner"
        rule = (
            "urutan kuesioner Lampiran III (nomor 8 = sarana dan prasarana, 9 = penanganan "
            "pengaduan)"
            if used == "kuesioner"
            else "urutan daftar unsur BAB I (8 = penanganan pengaduan, 9 = sarana dan prasarana)"
        )
        warnings.append(
            f"PERHATIAN: kolom bernomor dibaca menurut {rule}, bukan menurut nama unsur: "
            f"{'; '.join(parts)}. Bila file ini mengikuti urutan lain, jalankan lagi "
            f"dengan --order {other}."
        )
