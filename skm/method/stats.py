"""95 % confidence intervals for element scores and for the IKM.

The regulation gives no interval; the project adds one so readers can tell a 91.48 from a
sample of 29 from one of 4,000. Everything up to the variance is exact; only the final
square root is taken in Decimal with 50 significant digits. When the variance is the square
of a rational number the root is taken exactly instead, because only then can an interval
end fall exactly on a rounding half (with an irrational root it never does, and 50 digits
decide the rounding).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Context, Decimal, localcontext
from fractions import Fraction
from operator import mul

from .rounding import round_half_up
from .summary import weight_units

__all__ = [
    "Z95",
    "element_interval",
    "index_interval",
    "index_interval_from_groups",
    "interval",
    "variance_of_mean",
]

Z95 = Fraction(196, 100)
_PRECISION = 50


def _exact_sqrt(value: Fraction) -> Fraction | None:
    num, den = value.numerator, value.denominator
    root_num, root_den = math.isqrt(num), math.isqrt(den)
    if root_num * root_num == num and root_den * root_den == den:
        return Fraction(root_num, root_den)
    return None


def _fpc2(n: int, population: int | None) -> Fraction:
    """Squared finite population correction (N - n) / (N - 1); 0 once the sample is all."""
    if population is None:
        return Fraction(1)
    if n >= population:
        return Fraction(0)
    return Fraction(population - n, population - 1)


def variance_of_mean(
    n: int, total: Fraction, total_sq: Fraction, population: int | None
) -> Fraction:
    """SE² of a mean from n values, their sum and sum of squares (n - 1 denominator)."""
    sample_variance = (total_sq - total * total / n) / (n - 1)
    return sample_variance / n * _fpc2(n, population)


def interval(
    centre: Fraction, se2: Fraction, scale: Fraction, low: Fraction, high: Fraction
) -> tuple[str, str]:
    """centre ± scale·1.96·sqrt(se2), clamped to [low, high], each end printed to 2 dp."""
    root = _exact_sqrt(se2)
    if root is not None:
        half = scale * Z95 * root
        lo = max(low, min(high, centre - half))
        hi = max(low, min(high, centre + half))
        return str(round_half_up(lo, 2)), str(round_half_up(hi, 2))
    with localcontext(Context(prec=_PRECISION)):
        root_d = (Decimal(se2.numerator) / Decimal(se2.denominator)).sqrt()
        half_d = Decimal(scale.numerator) * Decimal(Z95.numerator) * root_d
        half_d = half_d / (Decimal(scale.denominator) * Decimal(Z95.denominator))
        centre_d = Decimal(centre.numerator) / Decimal(centre.denominator)
        low_d = Decimal(low.numerator) / Decimal(low.denominator)
        high_d = Decimal(high.numerator) / Decimal(high.denominator)
        lo_d = max(low_d, min(high_d, centre_d - half_d))
        hi_d = max(low_d, min(high_d, centre_d + half_d))
    return str(round_half_up(lo_d, 2)), str(round_half_up(hi_d, 2))


_25 = Fraction(25)


def element_interval(
    counts: Sequence[int], population: int | None = None
) -> tuple[str, str] | None:
    """The 95 % interval of an element score from its counts of 1s, 2s, 3s and 4s.

    25·(m ± 1.96·s/√n·FPC), clamped to [25, 100]; None below two answers, where no
    variance can be estimated.
    """
    n = sum(counts)
    if n < 2:
        return None
    total = Fraction(sum(score * c for score, c in enumerate(counts, 1)))
    total_sq = Fraction(sum(score * score * c for score, c in enumerate(counts, 1)))
    se2 = variance_of_mean(n, total, total_sq, population)
    return interval(_25 * total / n, se2, _25, _25, Fraction(100))


def index_interval(
    patterns: Mapping[tuple[int | None, ...], int],
    weights: Sequence[Fraction],
    ikm: Fraction,
    population: int | None = None,
) -> tuple[str, str] | None:
    """The 95 % interval of the IKM, from distinct answer vectors and their counts.

    Each respondent j gets t_j = Σ w_i x_ij / Σ w_i (over the elements j answered) · Σ w_i,
    their weighted mean rescaled to the full weight, so that with complete answers the mean
    of t is exactly NI. The interval is IKM ± 25·1.96·sd(t)/√n·FPC, centred on the IKM and
    clamped to [25·Σw, 100·Σw]. Vectors are grouped by their answered weight (see
    :func:`index_interval_from_groups`), so each vector costs a few integer sums.
    """
    if not weights:
        return None
    units = weight_units(weights)
    full = sum(units)
    # Complete vectors (the usual case) all have answered weight ``full``: accumulate them
    # inline. Others are grouped by answered weight b: {b: [n, Σ c·A, Σ c·A²]}
    # with A = Σ units·x.
    n = full_sum_a = full_sum_a2 = 0
    groups: dict[int, list[int]] = {}
    for pattern, count in patterns.items():
        if count <= 0:
            continue
        if None not in pattern:
            a = sum(map(mul, units, pattern))
            n += count
            full_sum_a += count * a
            full_sum_a2 += count * a * a
            continue
        a = b = 0
        for unit, x in zip(units, pattern, strict=True):
            if x is not None:
                a += unit * x
                b += unit
        group = groups.setdefault(b, [0, 0, 0])
        group[0] += count
        group[1] += count * a
        group[2] += count * a * a
    group = groups.setdefault(full, [0, 0, 0])
    group[0] += n
    group[1] += full_sum_a
    group[2] += full_sum_a2
    return index_interval_from_groups(groups, sum(weights, Fraction(0)), ikm, population)


def index_interval_from_groups(
    groups: Mapping[int, Sequence[int]],
    weight_sum: Fraction,
    ikm: Fraction,
    population: int | None = None,
) -> tuple[str, str] | None:
    """The IKM interval from respondents grouped by answered weight b (in integer units):
    {b: (respondents, Σ A, Σ A²)} with A = Σ u_i·x_i over the answered elements.

    t = A / b · Σw for each respondent, so Σ t and Σ t² follow from each group's sums
    with one fraction per group. Groups with b = 0 (only zero-weight elements answered)
    carry no information about the index and are left out.
    """
    n = 0
    total = Fraction(0)
    total_sq = Fraction(0)
    for b, (count, sum_a, sum_a2) in groups.items():
        if b == 0 or count <= 0:
            continue
        n += count
        factor = weight_sum / b
        total += factor * sum_a
        total_sq += factor * factor * sum_a2
    if n < 2:
        return None
    se2 = variance_of_mean(n, total, total_sq, population)
    return interval(ikm, se2, _25, _25 * weight_sum, 100 * weight_sum)
