"""Builders of response files for the reader and command tests (written into tmp_path).

No binary fixtures are committed: every file is generated from answer vectors, so the test
states the data and the file shape separately and can check that every shape of the same
data gives the same result.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from skm.method import DEFAULT_ELEMENTS, Tally, counts_for_total

Answers = tuple[int | None, ...]
E = DEFAULT_ELEMENTS
CODES = [e.code for e in E]
TOTALS_29 = [105, 101, 100, 116, 102, 105, 106, 105, 115]


def answers_29() -> list[Answers]:
    """method.md §8's 29 respondents: element totals 105, 101, ..., 115 (IKM 91.48).

    Each element's 29 answers come from counts_for_total; rotating the columns by different
    offsets mixes them into varied respondent vectors (the totals do not depend on it).
    """
    columns = []
    for position, total in enumerate(TOTALS_29):
        counts = counts_for_total(29, total)
        column = [score for score, c in enumerate(counts, 1) for _ in range(c)]
        shift = (position * 7) % 29
        columns.append(column[shift:] + column[:shift])
    return [tuple(row) for row in zip(*columns, strict=True)]


def answers_with_missing(n: int = 60, seed: int = 7) -> list[Answers]:
    """Varied vectors with about 10 % missing answers, none entirely empty."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        row = [None if rng.random() < 0.1 else rng.choice((1, 2, 3, 3, 4, 4)) for _ in E]
        if all(a is None for a in row):
            row[0] = 4
        rows.append(tuple(row))
    return rows


def tally_of(rows: Sequence[Answers]) -> Tally:
    tally = Tally(len(E))
    for row in rows:
        tally.add(row)
    return tally


# Cell renderers: how one shape writes a score (None = empty cell).


def as_digit(element, score):
    return "" if score is None else str(score)


def as_letter(element, score):
    return "" if score is None else "abcd"[score - 1]


def as_label(element, score):
    return "" if score is None else element.label(score)


def as_shouted_label(element, score):
    return "" if score is None else f"  {element.label(score).upper()} "


def as_number(element, score):
    return score  # None stays an empty cell in XLSX


def as_float(element, score):
    return None if score is None else float(score)


def header_codes(elements=E):
    return [e.code for e in elements]


def header_names(elements=E):
    return [e.name for e in elements]


def header_questions(elements=E):
    """Google Forms: the question text, numbered as the form shows it."""
    return [f"{i}. {e.question}" for i, e in enumerate(elements, 1)]


def table(
    rows: Sequence[Answers],
    *,
    header=header_codes,
    cell=as_digit,
    order: Sequence[int] | None = None,
    before: Sequence[tuple[str, object]] = (),
    after: Sequence[tuple[str, object]] = (),
) -> list[list[object]]:
    """Header plus one line per respondent.

    ``order`` permutes the element columns (questionnaire order may differ from code
    order); ``before``/``after`` add extra columns as (header, value or callable(i)).
    """
    order = list(order) if order is not None else list(range(len(E)))
    elements = [E[i] for i in order]

    def extra(spec, i):
        return [v(i) if callable(v) else v for _, v in spec]

    lines: list[list[object]] = [
        [h for h, _ in before] + list(header(elements)) + [h for h, _ in after]
    ]
    for i, row in enumerate(rows):
        cells = [cell(E[j], row[j]) for j in order]
        lines.append(extra(before, i) + cells + extra(after, i))
    return lines


def write_csv(
    path: Path,
    lines: Sequence[Sequence[object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for line in lines:
        writer.writerow(["" if c is None else c for c in line])
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_xlsx(
    path: Path,
    sheets: dict[str, Sequence[Sequence[object]]],
    *,
    origin: tuple[int, int] = (1, 1),
) -> Path:
    """One worksheet per entry, in order; ``origin`` (row, column), 1-based, of the top-left
    cell of every table (to check row and column numbering of offset data)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, lines in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, line in enumerate(lines):
            for c, value in enumerate(line):
                if value is not None and value != "":
                    sheet.cell(origin[0] + r, origin[1] + c, value)
    workbook.save(path)
    return path


def timestamps(i: int) -> str:
    """Google Forms' Indonesian export: day-first text."""
    when = dt.datetime(2025, 3, 14, 8, 0, 0) + dt.timedelta(minutes=17 * i)
    return when.strftime("%d/%m/%Y %H:%M:%S")


def datetimes(i: int) -> dt.datetime:
    return dt.datetime(2025, 3, 14, 8, 0, 0) + dt.timedelta(minutes=17 * i)
