"""A survey's bounded sufficient statistic: what a database can keep per cell and add up.

A ``Tally`` (every distinct answer vector with its count) grows with the survey; this
summary does not. It holds, for one questionnaire of ``n_elements`` elements answered under
integer weights ``units`` (the weights scaled to the smallest whole numbers, see
:func:`weight_units`):

- ``counts``: per element, how many respondents answered 1, 2, 3 and 4 (NRR, scores,
  element intervals);
- ``groups``: per *answered weight* b (the sum of the units of the elements a respondent
  answered; everybody who answered every element has the same b), the number of such
  respondents, the sum of their weighted totals A = Σ u_i·x_i and the sum of A². That is
  exactly what the IKM interval needs (stats.index_interval groups a tally the same way).

Summaries add and subtract (roll-ups, a unit's own respondents), and ``compute`` gives the
same result for a summary as for the tally it summarises (tested as a property), as long
as the weights it is computed with have the units it was accumulated with.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction

__all__ = ["Summary", "weight_units"]

_SCORES = frozenset((1, 2, 3, 4))


def weight_units(weights: Sequence[Fraction]) -> tuple[int, ...]:
    """The weights as the smallest whole numbers in the same proportion.

    Equal weights (the exact 1/X and the 0.111 and 0.11 conventions) all give (1, ..., 1);
    only custom weights give anything else. Zero weights stay 0.
    """
    if not weights:
        return ()
    common = math.lcm(*(Fraction(w).denominator for w in weights))
    units = [int(Fraction(w) * common) for w in weights]
    divisor = math.gcd(*units) or 1
    return tuple(u // divisor for u in units)


class Summary:
    """Per-element score counts and per-answered-weight moments of a set of respondents."""

    __slots__ = ("counts", "groups", "n_elements", "units")

    def __init__(self, n_elements: int, units: Sequence[int]) -> None:
        if isinstance(n_elements, bool) or not isinstance(n_elements, int) or n_elements < 0:
            raise ValueError(f"the number of elements must be an integer >= 0, not {n_elements!r}")
        units = tuple(units)
        if len(units) != n_elements or any(
            isinstance(u, bool) or not isinstance(u, int) or u < 0 for u in units
        ):
            raise ValueError(f"expected {n_elements} non-negative integer units, not {units!r}")
        self.n_elements = n_elements
        self.units = units
        self.counts: list[list[int]] = [[0, 0, 0, 0] for _ in range(n_elements)]
        # b -> [respondents, Σ A, Σ A²]
        self.groups: dict[int, list[int]] = {}

    # -- building ------------------------------------------------------------------------

    def contribution(self, answers: Sequence[int | None]) -> tuple[int, int, int] | None:
        """(b, A, A²) of one answer vector; None when nothing was answered."""
        if len(answers) != self.n_elements:
            raise ValueError(f"expected {self.n_elements} answers, got {len(answers)}")
        a = b = 0
        answered = False
        for unit, x in zip(self.units, answers, strict=True):
            if x is None:
                continue
            if type(x) is not int or x not in _SCORES:
                raise ValueError(f"a score must be None or an integer 1..4, not {x!r}")
            answered = True
            a += unit * x
            b += unit
        if not answered:
            return None
        return b, a, a * a

    def add(self, answers: Sequence[int | None], count: int = 1) -> None:
        """Record ``count`` respondents who gave ``answers`` (None = not answered)."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"a count must be a non-negative integer, not {count!r}")
        moments = self.contribution(answers)
        if moments is None or not count:
            return
        b, a, a2 = moments
        for position, x in enumerate(answers):
            if x is not None:
                self.counts[position][x - 1] += count
        self.add_group(b, count, a * count, a2 * count)

    def add_group(self, b: int, n: int, sum_a: int, sum_a2: int) -> None:
        """Add stored moments of respondents with answered weight ``b``."""
        group = self.groups.setdefault(b, [0, 0, 0])
        group[0] += n
        group[1] += sum_a
        group[2] += sum_a2

    def add_counts(self, position: int, counts: Iterable[int]) -> None:
        """Add stored counts of 1s..4s of the element at ``position``."""
        row = self.counts[position]
        for i, c in enumerate(counts):
            row[i] += c

    @classmethod
    def from_tally(cls, tally, units: Sequence[int]) -> Summary:
        """The summary of a Tally (every distinct vector added with its count)."""
        summary = cls(tally.n_elements, units)
        for pattern, count in tally.patterns.items():
            if count:
                summary.add(pattern, count)
        return summary

    # -- reading -------------------------------------------------------------------------

    @property
    def respondents(self) -> int:
        return sum(group[0] for group in self.groups.values())

    def element_counts(self) -> list[tuple[int, int, int, int]]:
        return [(c[0], c[1], c[2], c[3]) for c in self.counts]

    def is_consistent(self) -> bool:
        """No negative figure, and no element answered more often than there are
        respondents (a subtraction of something that was never added shows up here)."""
        n = self.respondents
        return all(v >= 0 for g in self.groups.values() for v in g) and all(
            min(c) >= 0 and sum(c) <= n for c in self.counts
        )

    # -- arithmetic ----------------------------------------------------------------------

    def _check(self, other: object) -> Summary:
        if not isinstance(other, Summary):
            raise TypeError(f"cannot combine a Summary with {type(other).__name__}")
        if other.n_elements != self.n_elements or other.units != self.units:
            raise ValueError("cannot combine summaries of different questionnaires or weights")
        return other

    def _combined(self, other: Summary, sign: int) -> Summary:
        result = Summary(self.n_elements, self.units)
        for position in range(self.n_elements):
            result.counts[position] = [
                x + sign * y
                for x, y in zip(self.counts[position], other.counts[position], strict=True)
            ]
        for b, (n, s, s2) in self.groups.items():
            result.add_group(b, n, s, s2)
        for b, (n, s, s2) in other.groups.items():
            result.add_group(b, sign * n, sign * s, sign * s2)
        result.groups = {b: g for b, g in result.groups.items() if any(g)}
        return result

    def __add__(self, other: object) -> Summary:
        if not isinstance(other, Summary):
            return NotImplemented
        return self._combined(self._check(other), 1)

    def __sub__(self, other: object) -> Summary:
        if not isinstance(other, Summary):
            return NotImplemented
        result = self._combined(self._check(other), -1)
        if not result.is_consistent():
            raise ValueError("subtracted respondents that were never added")
        return result

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Summary):
            return NotImplemented
        return (
            self.n_elements == other.n_elements
            and self.units == other.units
            and self.counts == other.counts
            and {b: g for b, g in self.groups.items() if any(g)}
            == {b: g for b, g in other.groups.items() if any(g)}
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return (
            f"Summary(n_elements={self.n_elements}, respondents={self.respondents}, "
            f"groups={len(self.groups)})"
        )
