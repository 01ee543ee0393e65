from decimal import Decimal
from fractions import Fraction

import pytest

from skm.method import GRADES, Grade, grade_for, round_half_up


def test_round_half_up_is_exact_and_away_from_zero():
    assert round_half_up(Fraction(88245, 1000), 2) == Decimal("88.25")
    assert str(round_half_up(Fraction(88245, 1000), 2)) == "88.25"
    assert str(round_half_up(Fraction(88244999, 1000000), 2)) == "88.24"
    assert str(round_half_up(Decimal("2.5"), 0)) == "3"
    assert str(round_half_up(Decimal("-2.5"), 0)) == "-3"
    assert str(round_half_up(Decimal("-0.004"), 2)) == "0.00"
    assert str(round_half_up(Fraction(-1, 200), 2)) == "-0.01"
    assert str(round_half_up(75, 2)) == "75.00"
    assert str(round_half_up(Fraction(1, 3), 4)) == "0.3333"
    assert str(round_half_up(Fraction(2, 3), 4)) == "0.6667"
    assert str(round_half_up(Fraction(955 * 25, 9 * 29), 2)) == "91.48"


def test_round_half_up_is_not_limited_by_decimal_precision():
    big = Fraction(10**40 + 5, 10)
    assert str(round_half_up(big, 0)) == str(10**39 + 1)


def test_round_half_up_refuses_floats():
    # 88.245 as a float is 88.2449999...: accepting it would reintroduce the trap
    with pytest.raises(TypeError):
        round_half_up(88.245, 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        round_half_up(Decimal("NaN"), 2)


def test_grade_table():
    assert grade_for(Decimal("100.00")) == Grade("A", "Sangat Baik")
    assert grade_for(Decimal("88.31")) == GRADES["A"]
    assert grade_for(Decimal("88.30")) == Grade("B", "Baik")
    assert grade_for(Decimal("76.61")) == GRADES["B"]
    assert grade_for(Decimal("76.60")) == Grade("C", "Kurang Baik")
    assert grade_for(Decimal("65.00")) == GRADES["C"]
    assert grade_for(Decimal("64.99")) == Grade("D", "Tidak Baik")
    assert grade_for(Decimal("25.00")) == GRADES["D"]


def test_grade_below_the_table_is_d_not_an_error():
    assert grade_for(Decimal("24.75")).letter == "D"
    assert grade_for(Decimal("0")).letter == "D"


def test_grade_reads_the_printed_value():
    # 88.305 prints 88.31, so it must be an A although it is below 88.31
    assert grade_for(Fraction(88305, 1000)).letter == "A"
    assert grade_for(Fraction(88304999, 1000000)).letter == "B"
    assert grade_for("76,61").letter == "B"
