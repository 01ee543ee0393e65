from fractions import Fraction

import pytest

from skm.method import DEFAULT_ELEMENTS, Tally, compute
from skm.method.rollup import mean_of_units


def _result(vectors):
    tally = Tally(9)
    for v in vectors:
        tally.add(v)
    return compute(tally, DEFAULT_ELEMENTS)


def test_pooled_and_mean_of_units_differ_as_documented():
    # Unit A: one respondent, all 4 -> 100.00. Unit B: three respondents, all 3 -> 75.00.
    a = [(4,) * 9]
    b = [(3,) * 9] * 3
    pooled = _result(a + b)
    assert pooled.ikm == Fraction(325, 4)  # (4 + 9) / 4 * 25 = 81.25
    assert pooled.ikm_text == "81.25"
    mean = mean_of_units([_result(a), _result(b)])
    assert mean.result.ikm_text == "87.50"
    assert mean.result.grade.letter == "B"
    assert mean.result.respondents == 4
    assert mean.units_used == 2 and mean.units_left_out == 0
    assert mean.result.elements[0].nrr_text == "3.5000"
    assert mean.result.ci95 is None


def test_units_without_a_complete_result_are_left_out():
    empty = compute(Tally(9), DEFAULT_ELEMENTS)
    mean = mean_of_units([_result([(4,) * 9]), empty])
    assert (mean.units_used, mean.units_left_out) == (1, 1)
    assert mean.result.ikm_text == "100.00"
    with pytest.raises(ValueError):
        mean_of_units([empty])
