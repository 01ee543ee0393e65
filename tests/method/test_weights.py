from decimal import Decimal
from fractions import Fraction

import pytest

from skm.method import WEIGHTINGS, WeightError, weights_for


def test_conventions():
    assert WEIGHTINGS == ("exact", "0.111", "0.11", "custom")
    assert weights_for("exact", 9) == (Fraction(1, 9),) * 9
    assert weights_for("0.111", 9) == (Fraction(111, 1000),) * 9
    assert weights_for("0.11", 9) == (Fraction(11, 100),) * 9
    assert weights_for("0.111", 8) == (Fraction(125, 1000),) * 8
    assert weights_for("0.11", 8) == (Fraction(13, 100),) * 8  # 0.125 rounds half up
    assert weights_for("exact", 1) == (Fraction(1),)


def test_custom_weights():
    w = weights_for("custom", 3, ["0.5", Decimal("0.25"), Fraction(1, 4)])
    assert w == (Fraction(1, 2), Fraction(1, 4), Fraction(1, 4))
    assert weights_for("custom", 2, ["1/3", "2/3"]) == (Fraction(1, 3), Fraction(2, 3))
    assert weights_for("custom", 2, ["0,4", "0,6"]) == (Fraction(2, 5), Fraction(3, 5))
    # a float means what was typed, so five 0.2 sum to exactly 1
    assert sum(weights_for("custom", 5, [0.2] * 5)) == 1  # type: ignore[list-item]
    assert weights_for("custom", 1, [1]) == (Fraction(1),)


@pytest.mark.parametrize(
    ("weights", "fragment"),
    [
        (["0.111"] * 9, "Jumlah bobot harus tepat 1 (sekarang 0,999)"),
        (["0.5", "0.6"], "Jumlah bobot"),
        (["1/3", "1/3"], "Jumlah bobot"),
        (["0.5", "0.5", "0"], "lebih besar dari 0"),
        (["1.5", "-0.5"], "lebih besar dari 0"),
        (["0.5"], "Banyaknya bobot (1) harus sama dengan banyaknya unsur (2)"),
        (["abc", "0.5"], "bukan angka"),
    ],
)
def test_bad_custom_weights(weights, fragment):
    with pytest.raises(WeightError) as info:
        weights_for("custom", len(weights) if "Banyaknya" not in fragment else 2, weights)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_bad_conventions():
    with pytest.raises(WeightError, match="tidak dikenal"):
        weights_for("1/9", 9)
    with pytest.raises(WeightError):
        weights_for("custom", 9)
    with pytest.raises(WeightError):
        weights_for("exact", 9, ["1/9"] * 9)
    with pytest.raises(WeightError):
        weights_for("exact", 0)
    with pytest.raises(WeightError, match="dibulatkan menjadi 0"):
        weights_for("0.11", 201)
