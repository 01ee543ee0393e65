"""Helpers that turn per-element data into real answer vectors for the tests."""

from __future__ import annotations

from collections.abc import Sequence

from skm.method import Tally, counts_for_total


def column(counts: Sequence[int]) -> list[int]:
    """One element's answers, sorted: counts (c1, c2, c3, c4) -> [1]*c1 + [2]*c2 + ..."""
    return [score for score, c in enumerate(counts, 1) for _ in range(c)]


def tally_from_columns(columns: Sequence[Sequence[int | None]]) -> Tally:
    """Respondent j answers columns[i][j] to element i (all columns the same length)."""
    tally = Tally(len(columns))
    for answers in zip(*columns, strict=True):
        tally.add(answers)
    return tally


def tally_from_counts(counts: Sequence[Sequence[int]]) -> Tally:
    return tally_from_columns([column(c) for c in counts])


def tally_from_totals(n: int, totals: Sequence[int]) -> Tally:
    """n respondents, no missing answers, element i summing to totals[i]."""
    return tally_from_counts([counts_for_total(n, t) for t in totals])
