"""Results of a unit with sub-units: pooled respondents, or the mean of the units' results.

Pooled (the default rule) needs nothing here: the tallies of every unit below are added
(``Tally.__add__``) and computed as one survey, so a unit with more respondents weighs more.
"Mean of units" treats every unit alike, as some agencies compare their OPD: each element's
NRR is the mean of the units' NRRs, NI the mean of the units' NI, IKM = 25 x NI. Units
without a complete result (no respondents, or an element nobody answered) are left out
and counted in ``units_left_out``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .compute import ElementResult, SurveyResult
from .grades import grade_for
from .priorities import priority_codes
from .rounding import round_half_up

__all__ = ["ROLLUPS", "UnitsMean", "mean_of_units"]

ROLLUPS = ("pooled", "mean")
_25 = Fraction(25)


@dataclass(frozen=True)
class UnitsMean:
    result: SurveyResult
    units_used: int
    units_left_out: int


def _text(value: Fraction, places: int) -> str:
    return str(round_half_up(value, places))


def mean_of_units(results: Sequence[SurveyResult], *, priorities: int = 3) -> UnitsMean:
    """The unweighted mean of the units' results (confidence intervals are not defined)."""
    complete = [r for r in results if r.index is not None]
    if not complete:
        raise ValueError("no unit has a complete result")
    codes = [e.code for e in complete[0].elements]
    for r in complete[1:]:
        if [e.code for e in r.elements] != codes:
            raise ValueError("the units were surveyed with different questionnaires")
    n = len(complete)
    elements: list[ElementResult] = []
    for position, first in enumerate(complete[0].elements):
        column = [r.elements[position] for r in complete]
        nrr = sum((e.nrr for e in column if e.nrr is not None), Fraction(0)) / n
        score = nrr * _25
        score_text = _text(score, 2)
        elements.append(
            ElementResult(
                code=first.code,
                name=first.name,
                weight=first.weight,
                answered=sum(e.answered for e in column),
                total=sum(e.total for e in column),
                counts=tuple(sum(e.counts[i] for e in column) for i in range(4)),  # type: ignore[arg-type]
                nrr=nrr,
                score=score,
                nrr_text=_text(nrr, 4),
                score_text=score_text,
                ci95=None,
                grade=grade_for(Decimal(score_text)),
            )
        )
    index = sum((r.index for r in complete if r.index is not None), Fraction(0)) / n
    ikm = index * _25
    ikm_text = _text(ikm, 2)
    result = SurveyResult(
        respondents=sum(r.respondents for r in complete),
        weighting=complete[0].weighting,
        weights=complete[0].weights,
        elements=tuple(elements),
        index=index,
        ikm=ikm,
        index_text=_text(index, 4),
        ikm_text=ikm_text,
        ci95=None,
        grade=grade_for(Decimal(ikm_text)),
        priorities=priority_codes(elements, priorities),
        sample=None,
    )
    return UnitsMean(result=result, units_used=n, units_left_out=len(results) - n)
