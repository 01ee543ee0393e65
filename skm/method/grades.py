"""Mutu and kinerja of Tabel II (Permen PANRB 14/2017, p.19).

The grade is read from the printed 2-decimal value on the 25..100 scale, never from the
exact value, so the letter always agrees with the number a reader sees: an exact 88.305
prints 88.31 and is therefore an A. This also closes the table's gaps (76.60 < x < 76.61).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .rounding import round_half_up

__all__ = ["GRADES", "GRADE_TABLE", "Grade", "grade_for"]


@dataclass(frozen=True)
class Grade:
    """A grade letter (mutu pelayanan) and the unit's performance label (kinerja)."""

    letter: str
    performance: str


GRADES: dict[str, Grade] = {
    "A": Grade("A", "Sangat Baik"),
    "B": Grade("B", "Baik"),
    "C": Grade("C", "Kurang Baik"),
    "D": Grade("D", "Tidak Baik"),
}

# (lowest printed value of the band, grade), highest band first.
GRADE_TABLE: tuple[tuple[Decimal, Grade], ...] = (
    (Decimal("88.31"), GRADES["A"]),
    (Decimal("76.61"), GRADES["B"]),
    (Decimal("65.00"), GRADES["C"]),
)


def grade_for(printed: Decimal | Fraction | int | str) -> Grade:
    """The grade of a printed score or IKM (25..100 scale).

    A value with more than two decimals is first rounded half-up to two, so passing an
    exact value gives the same answer as passing its printed form. Anything below 65.00 is
    D, including values under 25 that the "0.11" weighting can produce (24.75): the
    regulation's table stops at 25 but a report must never crash on it.
    """
    if isinstance(printed, str):
        printed = Decimal(printed.strip().replace(",", "."))
    value = round_half_up(printed, 2)
    for lowest, grade in GRADE_TABLE:
        if value >= lowest:
            return grade
    return GRADES["D"]
