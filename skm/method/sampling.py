"""Required sample size (Permen PANRB 14/2017 p.17, Lampiran II: Krejcie & Morgan 1970).

S = λ² N P Q / (d² (N - 1) + λ² P Q), λ² = 3.841, P = Q = 0.5, d = 0.05, rounded to the
nearest integer. Computed with exact fractions; this reproduces all 90 rows of Lampiran II
(the regulation's "d = 0,0" is a typo for 0,05).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .rounding import round_half_up

__all__ = ["MINIMUM_RESPONDENTS", "SampleResult", "required_sample", "sample_sufficient"]

# Project decision (docs/cycle.md, docs/method.md): below this many respondents no interval,
# significance or effect is shown, whatever the population, unless the population itself is
# smaller (then every service user must have answered). 30 is the usual floor for the normal
# approximation behind the 95% intervals; Lampiran II asks 28 of 30 service users already.
MINIMUM_RESPONDENTS = 30

_LAMBDA2 = Fraction(3841, 1000)
_PQ = Fraction(1, 4)
_D2 = Fraction(5, 100) ** 2


def required_sample(population: int) -> int:
    """The number of respondents Lampiran II requires for ``population`` service users."""
    if isinstance(population, bool) or not isinstance(population, int):
        raise TypeError(f"population must be an integer, not {population!r}")
    if population < 1:
        raise ValueError("population must be at least 1")
    exact = _LAMBDA2 * population * _PQ / (_D2 * (population - 1) + _LAMBDA2 * _PQ)
    return int(round_half_up(exact, 0))


def sample_sufficient(respondents: int, population: int | None = None) -> bool:
    """Whether ``respondents`` are enough to read intervals, significance and effects: at
    least the Krejcie-Morgan sample of ``population`` (when known) and never fewer than
    MINIMUM_RESPONDENTS (or the whole population when it is smaller)."""
    floor = MINIMUM_RESPONDENTS if population is None else min(MINIMUM_RESPONDENTS, population)
    if respondents < floor:
        return False
    return population is None or respondents >= required_sample(population)


@dataclass(frozen=True)
class SampleResult:
    """The population of the period, the sample it requires and whether it was reached."""

    population: int
    required: int
    reached: bool
