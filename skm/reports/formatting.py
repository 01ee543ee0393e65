"""Numbers, dates and period names as Indonesian reports print them."""

from __future__ import annotations

import datetime as dt
import re

from skm.method.pekppp import date_text

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


# The number style is chosen per unit (ReportProfile.decimal): "." prints 91.83 and 24,000
# (as the seed report writes its decimals), "," prints 91,83 and 24.000 (Indonesian
# standard). The thousands separator is always the other character, so that a document never
# mixes "24.000" with "91.83" (docs/reports.md).
THOUSANDS = {".": ",", ",": "."}
_FIGURE = re.compile(r"(?<![\d.])(-?)(\d+)(?:\.(\d+))?(?!\d)")


def _group(digits: str, separator: str) -> str:
    """1234567 -> 1,234,567 with the given separator."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(groups)


def number(text: str | None, decimal: str = ".") -> str:
    """A printed figure ("91.83", "24000", "1/9") in the document's number style; "-" for
    None. Every number a document prints goes through here (or ``count``).

    The figure is already rounded by skm.method; only the separators change, so the
    digits are the dashboard's. Integer parts of four or more digits get the thousands
    separator; a fraction such as a weight "1/9" keeps its slash."""
    if text is None:
        return "-"
    text = str(text)
    thousands = THOUSANDS.get(decimal, ",")

    def one(match) -> str:
        sign, whole, fraction = match.group(1), match.group(2), match.group(3)
        out = sign + _group(whole, thousands)
        return out + (decimal + fraction if fraction is not None else "")

    return _FIGURE.sub(one, text)


def count(n: int | None, decimal: str = ".") -> str:
    """A count (respondents, population, answers) with the style's thousands separator."""
    if n is None:
        return "-"
    return number(str(int(n)), decimal)


def date_long(day: dt.date | None) -> str:
    """22 Agustus 2025."""
    if day is None:
        return "-"
    return date_text(day)


def period_label(kind: str, start: dt.date, end: dt.date, name: str) -> str:
    """Semester I Tahun 2025, Triwulan III Tahun 2025, Tahun 2025; else the period's name."""
    if kind == "semester" and start.year == end.year:
        return f"Semester {ROMAN[1 if start.month <= 6 else 2]} Tahun {start.year}"
    if kind == "triwulan" and start.year == end.year:
        return f"Triwulan {ROMAN[(start.month - 1) // 3 + 1]} Tahun {start.year}"
    if kind == "tahun" and start.year == end.year:
        return f"Tahun {start.year}"
    return name


def join_names(names: list[str]) -> str:
    """a, b dan c; "a, b, serta Sarana dan Prasarana" when a name holds "dan" itself (never
    "... dan Sarana dan Prasarana")."""
    if len(names) <= 1:
        return "".join(names)
    if " dan " in names[-1] or any(" dan " in n for n in names):
        return ", ".join(names[:-1]) + ", serta " + names[-1]
    return ", ".join(names[:-1]) + " dan " + names[-1]


_BAB = re.compile(r"^(BAB [IVXL]+)\s+(.+)$")


def bab_parts(text: str) -> tuple[str, str] | None:
    """ "BAB I PENDAHULUAN" -> ("BAB I", "PENDAHULUAN"): the seed sets a chapter's number on
    one line and its title centred under it."""
    match = _BAB.match(text)
    return (match.group(1), match.group(2)) if match else None


def balanced_lines(text: str, max_chars: int = 38) -> list[str]:
    """``text`` on as few lines as keep each within ``max_chars`` (a long word on its own),
    broken only between words and as evenly as possible: a jabatan reads "Plt. Kepala Dinas
    Kependudukan dan / Pencatatan Sipil Kota Pekalongan", never three ragged lines."""
    from itertools import combinations, pairwise

    words = text.split()
    if not words:
        return []
    if len(" ".join(words)) <= max_chars:
        return [" ".join(words)]
    for count in range(2, len(words) + 1):
        best: list[str] | None = None
        for cuts in combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            lines = [" ".join(words[a:b]) for a, b in pairwise(bounds)]
            if best is None or max(map(len, lines)) < max(map(len, best)):
                best = lines
        if best is not None and max(map(len, best)) <= max(max_chars, *map(len, words)):
            return best
    return words
