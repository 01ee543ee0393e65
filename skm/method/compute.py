"""The SKM computation of Permen PANRB 14/2017 BAB V, exactly.

NRR_i = total_i / answered_i, NI = Σ NRR_i·w_i, IKM = 25·NI, score_i = 25·NRR_i, all as
fractions; each value is rounded once, half-up, for display (NRR and NI to 4 decimals,
scores and IKM to 2), and grades are read from the printed values, so every output agrees
with every other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import chain
from typing import Any

from .elements import Element
from .grades import Grade, grade_for
from .priorities import priority_codes
from .rounding import round_half_up
from .sampling import SampleResult, required_sample, sample_sufficient
from .stats import element_interval, index_interval, index_interval_from_groups
from .summary import Summary, weight_units
from .tally import Tally
from .weights import WEIGHTINGS, weights_for

__all__ = ["ElementResult", "SurveyResult", "compute"]


@dataclass(frozen=True)
class ElementResult:
    """One element's result. ``answered`` respondents answered it, their scores sum to
    ``total``; ``counts`` are how many answered 1, 2, 3 and 4. Exact values (``nrr``,
    ``score``) and printed ones (``*_text``) are both kept so callers never re-round."""

    code: str
    name: str
    weight: Fraction
    answered: int
    total: int
    counts: tuple[int, int, int, int]
    nrr: Fraction | None
    score: Fraction | None
    nrr_text: str | None
    score_text: str | None
    ci95: tuple[str, str] | None
    grade: Grade | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by the API, reports and tests (key order is part of it)."""
        return {
            "code": self.code,
            "name": self.name,
            "answered": self.answered,
            "total": self.total,
            "nrr": self.nrr_text,
            "score": self.score_text,
            "ci95": list(self.ci95) if self.ci95 is not None else None,
            "grade": self.grade.letter if self.grade else None,
            "performance": self.grade.performance if self.grade else None,
        }


@dataclass(frozen=True)
class SurveyResult:
    """The result of a survey (or a roll-up): per element, the index and the IKM.

    ``index``/``ikm`` and their texts, ``ci95`` and ``grade`` are None when some element
    has no answer at all (NI would silently drop a term) or nobody responded.
    """

    respondents: int
    weighting: str
    weights: tuple[Fraction, ...]
    elements: tuple[ElementResult, ...]
    index: Fraction | None
    ikm: Fraction | None
    index_text: str | None
    ikm_text: str | None
    ci95: tuple[str, str] | None
    grade: Grade | None
    priorities: tuple[str, ...]
    sample: SampleResult | None = None

    def element(self, code: str) -> ElementResult:
        """The result of the element with this code; KeyError when there is none."""
        for result in self.elements:
            if result.code == code:
                return result
        raise KeyError(code)

    @property
    def sample_sufficient(self) -> bool:
        """Enough respondents to show intervals, significance and effects (sampling.py:
        the required sample when the population is known, never below the minimum)."""
        population = self.sample.population if self.sample is not None else None
        return sample_sufficient(self.respondents, population)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by the API, reports and tests (key order is part of it)."""
        return {
            "respondents": self.respondents,
            "weighting": self.weighting,
            "elements": [e.to_dict() for e in self.elements],
            "index": self.index_text,
            "ikm": self.ikm_text,
            "ci95": list(self.ci95) if self.ci95 is not None else None,
            "grade": self.grade.letter if self.grade else None,
            "performance": self.grade.performance if self.grade else None,
            "priorities": list(self.priorities),
            "sample": (
                {
                    "population": self.sample.population,
                    "required": self.sample.required,
                    "reached": self.sample.reached,
                }
                if self.sample is not None
                else None
            ),
        }


_SCORES = (1, 2, 3, 4)
_VALUES = frozenset((None, 1, 2, 3, 4))
_TYPES = frozenset((int, type(None)))
_25 = Fraction(25)


def _text(value: Fraction, places: int) -> str:
    return str(round_half_up(value, places))


def _valid_patterns(tally: Tally) -> dict[tuple[int | None, ...], int]:
    """The tally's answered vectors with positive counts, validated.

    Readers may write into ``tally.patterns`` directly, bypassing Tally.add(); a wrong
    length or a score outside 1..4 must fail loudly here rather than skew a published IKM.
    The checks run through C-level set/map calls because this is the hot path for large
    surveys (one pass over every distinct vector).
    """
    n_elements = tally.n_elements
    valid = {
        pattern: count
        for pattern, count in tally.patterns.items()
        if count and pattern.count(None) != n_elements
    }
    if not valid:
        return valid
    if any(type(c) is not int or c < 0 for c in valid.values()):
        bad = next(c for c in valid.values() if type(c) is not int or c < 0)
        raise ValueError(f"invalid respondent count {bad!r}")
    if set(map(len, valid)) != {n_elements}:
        bad_pattern = next(p for p in valid if len(p) != n_elements)
        raise ValueError(f"expected {n_elements} answers, got {bad_pattern!r}")
    # Checking types first makes the value check exact (True == 1 and 4.0 == 4 otherwise).
    kinds = set(map(type, chain.from_iterable(valid)))
    if not kinds <= _TYPES or not set(chain.from_iterable(valid)) <= _VALUES:
        bad_pattern = next(
            p for p in valid if not all(x is None or (type(x) is int and x in _SCORES) for x in p)
        )
        raise ValueError(f"a score must be None or an integer 1..4, got {bad_pattern!r}")
    return valid


def _element_counts(
    patterns: dict[tuple[int | None, ...], int], n_elements: int
) -> list[tuple[int, int, int, int]]:
    """Per element, the numbers of 1s..4s, one column at a time (fastest in CPython)."""
    if not patterns:
        return [(0, 0, 0, 0)] * n_elements
    weights = list(patterns.values())
    result = []
    for column in zip(*patterns, strict=True):
        acc = dict.fromkeys(_VALUES, 0)
        for x, count in zip(column, weights, strict=True):
            acc[x] += count
        result.append((acc[1], acc[2], acc[3], acc[4]))
    return result


def compute(
    tally: Tally | Summary,
    elements: Sequence[Element],
    *,
    weighting: str = "exact",
    weights: Sequence[Fraction | Decimal | str | int] | None = None,
    priorities: int = 3,
    population: int | None = None,
) -> SurveyResult:
    """Compute a survey's result from its tally (or the bounded Summary of one).

    ``elements`` describes the tally's positions in order; ``weighting``/``weights`` select
    the weights (see weights_for); ``priorities`` is k of priority_codes; ``population``
    (service users in the period) adds the required sample and the finite population
    correction of the confidence intervals.
    """
    if len(elements) != tally.n_elements:
        raise ValueError(
            f"{len(elements)} elements given for a tally of {tally.n_elements} elements"
        )
    if population is not None:
        sample_required = required_sample(population)
    if tally.n_elements == 0 and weighting in WEIGHTINGS and not weights:
        # A questionnaire without elements (a draft) has no result, which is not an error.
        element_weights: tuple[Fraction, ...] = ()
    else:
        element_weights = weights_for(weighting, tally.n_elements, weights)
    if isinstance(tally, Summary):
        if tally.units != weight_units(element_weights):
            raise ValueError("the summary was accumulated with other weights")
        if not tally.is_consistent():
            raise ValueError("the summary has negative or impossible counts")
        patterns = None
        respondents = tally.respondents
        counts = tally.element_counts()
    else:
        patterns = _valid_patterns(tally)
        respondents = sum(patterns.values())
        counts = _element_counts(patterns, tally.n_elements)

    results: list[ElementResult] = []
    for element, weight, element_counts in zip(elements, element_weights, counts, strict=True):
        c1, c2, c3, c4 = element_counts
        answered = c1 + c2 + c3 + c4
        total = c1 + 2 * c2 + 3 * c3 + 4 * c4
        if answered:
            nrr = Fraction(total, answered)
            score = nrr * _25
            score_text = _text(score, 2)
            results.append(
                ElementResult(
                    element.code,
                    element.name,
                    weight,
                    answered,
                    total,
                    element_counts,
                    nrr,
                    score,
                    _text(nrr, 4),
                    score_text,
                    element_interval(element_counts, population),
                    grade_for(Decimal(score_text)),
                )
            )
        else:
            results.append(
                ElementResult(
                    code=element.code,
                    name=element.name,
                    weight=weight,
                    answered=0,
                    total=0,
                    counts=element_counts,
                    nrr=None,
                    score=None,
                    nrr_text=None,
                    score_text=None,
                    ci95=None,
                    grade=None,
                )
            )

    index = ikm = index_text = ikm_text = ci95 = grade = None
    if respondents and all(r.nrr is not None for r in results):
        index = sum((r.nrr * r.weight for r in results if r.nrr is not None), Fraction(0))
        ikm = index * _25
        index_text = _text(index, 4)
        ikm_text = _text(ikm, 2)
        if patterns is None:
            ci95 = index_interval_from_groups(
                tally.groups, sum(element_weights, Fraction(0)), ikm, population
            )
        else:
            ci95 = index_interval(patterns, element_weights, ikm, population)
        grade = grade_for(Decimal(ikm_text))

    sample = None
    if population is not None:
        sample = SampleResult(population, sample_required, respondents >= sample_required)

    return SurveyResult(
        respondents=respondents,
        weighting=weighting,
        weights=element_weights,
        elements=tuple(results),
        index=index,
        ikm=ikm,
        index_text=index_text,
        ikm_text=ikm_text,
        ci95=ci95,
        grade=grade,
        priorities=priority_codes(results, priorities),
        sample=sample,
    )
