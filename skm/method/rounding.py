"""Exact half-up rounding, the way Excel's ROUND prints numbers.

Every number the system shows (screen, DOCX, PDF, Excel) goes through :func:`round_half_up`
exactly once, from an exact value, so all outputs agree digit for digit. Binary floats are
refused: ``round(88.245, 2)`` is 88.24 in Python because 88.245 is stored as 88.24499...,
while the regulation's arithmetic (and Excel) print 88.25.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

__all__ = ["as_fraction", "round_half_up"]


def as_fraction(value: Fraction | Decimal | int) -> Fraction:
    """The exact rational value of ``value``; TypeError for floats and other types.

    Floats are refused on purpose: by the time a number is a float its decimal meaning is
    already lost, and silently accepting it is how the 88.245 trap gets back in.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise TypeError("a bool is not a number to round")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot round {value}")
        return Fraction(value)
    raise TypeError(f"expected Fraction, Decimal or int, not {type(value).__name__}")


def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """``value`` rounded to ``places`` decimals, halves away from zero, as a Decimal.

    Done with integer arithmetic on the exact fraction, so the result never depends on a
    decimal context's precision. The Decimal carries exactly ``places`` decimals
    (``Decimal("75.00")``), which makes ``str()`` the printed form.
    """
    exact = as_fraction(value)
    # Integer arithmetic only (this runs thousands of times per dashboard page).
    num, den = exact.numerator, exact.denominator
    negative = num < 0
    if places >= 0:
        num = abs(num) * 10**places
    else:
        num, den = abs(num), den * 10**-places
    # floor(|x| + 1/2) == round half away from zero of |x|
    units = (2 * num + den) // (2 * den)
    sign = 1 if negative and units else 0
    return Decimal((sign, tuple(map(int, str(units))), -places))
