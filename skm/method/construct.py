"""Answer counts that reproduce given printed scores (demo data, tests).

A published report gives only printed scores (e.g. the seed's Tabel 1: 91.83, 92.32, ...).
To rebuild a survey that prints exactly those numbers we need a respondent count n for
which every score is reachable by some integer total, and a way to spread that total over
n answers. Only printed values are matched, so the IKM of the result is the IKM of the
exact scores, which callers should check when it matters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

__all__ = ["counts_for_scores", "counts_for_total", "totals_for_score"]

_HALF_CENT = Fraction(1, 200)
# Beyond 2,500 respondents every 2-decimal score is reachable (a total step is 1/n·25
# ≤ 0.01), so the search always ends.
_ALWAYS_REACHABLE = 2500


def _score(value: str | Decimal | Fraction) -> Fraction:
    if isinstance(value, Fraction):
        score = value
    else:
        try:
            score = Fraction(Decimal(str(value).strip().replace(",", ".")))
        except (ArithmeticError, ValueError):
            raise ValueError(f"not a printed score: {value!r}") from None
    if not 25 <= score <= 100:
        raise ValueError(f"a score lies between 25 and 100, not {value!r}")
    if (score * 100).denominator != 1:
        raise ValueError(f"a printed score has at most two decimals, not {value!r}")
    return score


def totals_for_score(score: str | Decimal | Fraction, n: int) -> range:
    """Totals T (n ≤ T ≤ 4n) whose score 25·T/n prints as ``score``; may be empty."""
    printed = _score(score)
    # round_half_up(25T/n, 2) == printed  <=>  printed - 0.005 <= 25T/n < printed + 0.005
    lowest = math.ceil((printed - _HALF_CENT) * n / 25)
    beyond = math.ceil((printed + _HALF_CENT) * n / 25)
    return range(max(lowest, n), min(beyond, 4 * n + 1))


def counts_for_total(n: int, total: int) -> tuple[int, int, int, int]:
    """Counts of 1s..4s of n answers summing to ``total``, using two adjacent scores.

    The least spread distribution with that mean: deterministic and easy to audit.
    """
    if n < 1 or not n <= total <= 4 * n:
        raise ValueError(f"{n} answers cannot sum to {total}")
    low = min(total // n, 3)  # the lower of the two scores used
    high_count = total - low * n  # answers one point above ``low``
    counts = [0, 0, 0, 0]
    counts[low - 1] = n - high_count
    if high_count:
        counts[low] = high_count
    return (counts[0], counts[1], counts[2], counts[3])


def counts_for_scores(
    scores: Sequence[str | Decimal], respondents: int | None = None
) -> tuple[int, list[tuple[int, int, int, int]]]:
    """The smallest n ≥ 100 (or exactly ``respondents``) at which every printed score is
    reachable, and per element the counts of 1s, 2s, 3s and 4s that print it.

    The lowest reachable total is used for each element. ValueError when ``respondents``
    is given and some score cannot be printed with that many answers.
    """
    wanted = [_score(s) for s in scores]
    if respondents is None:
        candidates = range(100, _ALWAYS_REACHABLE + 1)
    elif respondents < 1:
        raise ValueError("respondents must be at least 1")
    else:
        candidates = range(respondents, respondents + 1)
    for n in candidates:
        totals = [totals_for_score(s, n) for s in wanted]
        if all(totals):
            return n, [counts_for_total(n, t[0]) for t in totals]
    raise ValueError(f"not every score is reachable with {respondents} respondents")
