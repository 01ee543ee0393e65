"""Weighting conventions for the nilai indeks.

The regulation defines w = 1/X (X = number of elements) and lets a unit set unequal weights
that sum to 1. It also prints "1/9 = 0,11", and the widespread Excel sheet uses 0,111; both
are kept as named conventions so an agency can stay comparable with its earlier reports,
but they are not the default: with 0.11 a survey where everybody answers 4 scores 99.00.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .rounding import round_half_up

__all__ = ["WEIGHTINGS", "WeightError", "weights_for"]

WEIGHTINGS: tuple[str, ...] = ("exact", "0.111", "0.11", "custom")


class WeightError(ValueError):
    """Weights that cannot be used; the message is shown to users, hence Indonesian."""


def _to_fraction(value: object, position: int) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise WeightError(f"Bobot ke-{position} bukan angka: {value!r}.")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise WeightError(f"Bobot ke-{position} bukan angka: {value!r}.")
        return Fraction(value)
    if isinstance(value, float):
        # A float typed by a person ("0.2") means its shortest decimal form, not the
        # binary number 0.2000000000000000111...; otherwise five "0.2" would not sum to 1.
        value = repr(value)
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        try:
            if "/" in text:
                return Fraction(text)
            return Fraction(Decimal(text))
        except (ValueError, ZeroDivisionError, InvalidOperation):
            raise WeightError(f"Bobot ke-{position} bukan angka: {value!r}.") from None
    raise WeightError(f"Bobot ke-{position} bukan angka: {value!r}.")


def _show(value: Fraction) -> str:
    """A sum as an Indonesian decimal, exact when it terminates ("0,999"), else approximate."""
    for places in range(13):
        if (value * 10**places).denominator == 1:
            return str(round_half_up(value, places)).replace(".", ",")
    return "± " + str(round_half_up(value, 12)).replace(".", ",")


def weights_for(
    convention: str,
    n_elements: int,
    custom: Sequence[Fraction | Decimal | str | int] | None = None,
) -> tuple[Fraction, ...]:
    """The exact weight of each element under ``convention``.

    ``"exact"``: 1/X each. ``"0.111"`` / ``"0.11"``: 1/X rounded half-up to 3 / 2 decimals,
    as the Excel sheet and the regulation's printed example do (their sum is then not 1,
    which is the point of offering them). ``"custom"``: the given weights, which must be
    positive, one per element and sum to exactly 1.
    """
    if convention not in WEIGHTINGS:
        known = ", ".join(WEIGHTINGS)
        raise WeightError(f"Konvensi pembobotan {convention!r} tidak dikenal (pilihan: {known}).")
    if isinstance(n_elements, bool) or not isinstance(n_elements, int) or n_elements < 1:
        raise WeightError("Kuesioner harus memiliki sedikitnya satu unsur.")
    if convention != "custom":
        if custom is not None:
            raise WeightError("Bobot khusus hanya dipakai dengan konvensi pembobotan 'custom'.")
        if convention == "exact":
            return (Fraction(1, n_elements),) * n_elements
        places = 3 if convention == "0.111" else 2
        weight = Fraction(round_half_up(Fraction(1, n_elements), places))
        if weight == 0:
            raise WeightError(
                f"Dengan konvensi {convention!r}, bobot 1/{n_elements} dibulatkan menjadi 0; "
                "gunakan konvensi 'exact'."
            )
        return (weight,) * n_elements
    if custom is None:
        raise WeightError("Konvensi 'custom' memerlukan daftar bobot untuk setiap unsur.")
    weights = tuple(_to_fraction(v, i) for i, v in enumerate(custom, 1))
    if len(weights) != n_elements:
        raise WeightError(
            f"Banyaknya bobot ({len(weights)}) harus sama dengan banyaknya unsur ({n_elements})."
        )
    for i, weight in enumerate(weights, 1):
        if weight <= 0:
            raise WeightError(f"Bobot ke-{i} harus lebih besar dari 0.")
    total = sum(weights, Fraction(0))
    if total != 1:
        raise WeightError(f"Jumlah bobot harus tepat 1 (sekarang {_show(total)}).")
    return weights
