"""The sufficient statistic of a survey: how many respondents gave each answer vector.

Every number the method produces (NRR, IKM, both confidence intervals) depends on the
answers only through this multiset, and a survey of 100,000 respondents rarely has more
than a few thousand distinct vectors. Working per distinct vector is what keeps compute()
fast, and it lets the database hand over ``GROUP BY`` results instead of rows.

The database encodes a vector as one integer, ``code = sum(score_i * 5**i)`` over element
positions i (0-based), a missing answer counting 0; it is computed with
``SUM(value * 5^position)`` per response and grouped on. :func:`tally_code` and
:meth:`Tally.from_codes` are the two directions of that encoding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["Pattern", "Tally", "decode_pattern", "tally_code"]

Pattern = tuple[int | None, ...]

_SCORES = frozenset((1, 2, 3, 4))


def _score(value: object) -> int | None:
    """A validated score: None, or an int 1..4 (bools and 4.0 are refused, see add())."""
    if value is None:
        return None
    if type(value) is int and value in _SCORES:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and int(value) in _SCORES:
        return int(value)
    raise ValueError(f"a score must be None or an integer 1..4, not {value!r}")


def _pattern(n_elements: int, answers: Iterable[object]) -> Pattern:
    pattern = tuple(_score(a) for a in answers)
    if len(pattern) != n_elements:
        raise ValueError(f"expected {n_elements} answers, got {len(pattern)}")
    return pattern


def tally_code(answers: Sequence[int | None]) -> int:
    """The base-5 code the database stores for an answer vector (missing = 0)."""
    code = 0
    for position, value in enumerate(answers):
        score = _score(value)
        if score is not None:
            code += score * 5**position
    return code


def decode_pattern(n_elements: int, code: int) -> Pattern:
    """The answer vector of a base-5 code; ValueError for a code no vector can have."""
    if isinstance(code, bool) or not isinstance(code, int) or not 0 <= code < 5**n_elements:
        raise ValueError(f"{code!r} is not a code of {n_elements} answers")
    answers: list[int | None] = []
    for _ in range(n_elements):
        code, digit = divmod(code, 5)
        answers.append(digit or None)
    return tuple(answers)


def _check_count(count: object) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"a count must be a non-negative integer, not {count!r}")
    return count


class Tally:
    """A multiset of answer vectors of one questionnaire with ``n_elements`` elements.

    ``patterns`` is a public Counter so that a file reader can do
    ``tally.patterns[tuple(row)] += 1`` in its hot loop; such direct writes are not
    validated here, which is why compute() validates each distinct pattern and ignores
    vectors without any answer (a blank line is not a respondent).
    """

    __slots__ = ("n_elements", "patterns")

    def __init__(self, n_elements: int) -> None:
        # 0 is allowed: a questionnaire without elements yet has an empty tally, no error.
        if isinstance(n_elements, bool) or not isinstance(n_elements, int) or n_elements < 0:
            raise ValueError(f"the number of elements must be an integer >= 0, not {n_elements!r}")
        self.n_elements = n_elements
        self.patterns: Counter[Pattern] = Counter()

    def add(self, answers: Sequence[int | None], count: int = 1) -> None:
        """Record ``count`` respondents who gave ``answers`` (scores in element order).

        None is a missing answer. Only ints 1..4 are scores: a 4.0 or a True would end up
        in the totals and silently turn exact sums into floats.
        """
        pattern = _pattern(self.n_elements, answers)
        if _check_count(count) and any(a is not None for a in pattern):
            self.patterns[pattern] += count

    @property
    def respondents(self) -> int:
        """Respondents who answered at least one element."""
        return sum(
            count
            for pattern, count in self.patterns.items()
            if count > 0 and any(a is not None for a in pattern)
        )

    def element_counts(self) -> list[tuple[int, int, int, int]]:
        """For each element, how many answered 1, 2, 3 and 4."""
        counts = [[0, 0, 0, 0, 0] for _ in range(self.n_elements)]
        for pattern, count in self.patterns.items():
            if count <= 0:
                continue
            for position, score in enumerate(pattern):
                if score is not None:
                    counts[position][score] += count
        return [(c[1], c[2], c[3], c[4]) for c in counts]

    def normalized(self) -> Counter[Pattern]:
        """``patterns`` without empty vectors and without zero counts (for comparisons)."""
        return Counter(
            {
                pattern: count
                for pattern, count in self.patterns.items()
                if count > 0 and any(a is not None for a in pattern)
            }
        )

    def codes(self) -> dict[int, int]:
        """The tally as {base-5 code: count}, the form the database groups by."""
        result: dict[int, int] = {}
        for pattern, count in self.normalized().items():
            code = tally_code(pattern)
            result[code] = result.get(code, 0) + count
        return result

    @classmethod
    def from_patterns(cls, n_elements: int, mapping: Mapping[Sequence[int | None], int]) -> Tally:
        """A validated tally from {answer vector: count}."""
        tally = cls(n_elements)
        for answers, count in mapping.items():
            tally.add(answers, count)
        return tally

    @classmethod
    def from_codes(cls, n_elements: int, mapping: Mapping[int, int]) -> Tally:
        """A tally from the database's {base-5 code: count} (see the module docstring)."""
        tally = cls(n_elements)
        for code, count in mapping.items():
            tally.add(decode_pattern(n_elements, code), count)
        return tally

    def merge(self, other: Tally) -> Tally:
        """A new tally with the respondents of both (roll-ups of periods or units)."""
        if not isinstance(other, Tally):
            raise TypeError(f"cannot merge a Tally with {type(other).__name__}")
        if other.n_elements != self.n_elements:
            raise ValueError(
                f"cannot merge tallies of {self.n_elements} and {other.n_elements} elements"
            )
        merged = Tally(self.n_elements)
        merged.patterns = self.normalized()
        merged.patterns.update(other.normalized())
        return merged

    def __add__(self, other: object) -> Tally:
        if not isinstance(other, Tally):
            return NotImplemented
        return self.merge(other)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tally):
            return NotImplemented
        return self.n_elements == other.n_elements and self.normalized() == other.normalized()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return (
            f"Tally(n_elements={self.n_elements}, respondents={self.respondents}, "
            f"patterns={len(self.patterns)})"
        )
