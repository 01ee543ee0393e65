"""When a sample is enough to read intervals, significance and effects (docs/cycle.md)."""

import pytest

from skm.method import DEFAULT_ELEMENTS, MINIMUM_RESPONDENTS, compute, sample_sufficient

from ._build import tally_from_totals


def test_the_minimum_is_thirty():
    assert MINIMUM_RESPONDENTS == 30


@pytest.mark.parametrize(
    ("respondents", "population", "sufficient"),
    [
        (2, None, False),
        (29, None, False),
        (30, None, True),  # no population: the minimum alone
        (277, 1000, False),  # Krejcie-Morgan: 278 of 1000
        (278, 1000, True),
        (9, 10, False),  # 10 of 10 required: a census
        (10, 10, True),  # the minimum never asks more than the whole population
        (28, 30, False),  # Lampiran II asks 28 of 30, the minimum asks all 30
        (30, 30, True),
        (29, 31, False),  # Krejcie-Morgan asks 29 of 31, the minimum 30
        (30, 31, True),
    ],
)
def test_sample_sufficient(respondents, population, sufficient):
    assert sample_sufficient(respondents, population) is sufficient


def test_a_result_knows_whether_its_sample_is_sufficient():
    totals = [105, 101, 100, 116, 102, 105, 106, 105, 115]
    t = tally_from_totals(29, totals)
    assert compute(t, DEFAULT_ELEMENTS).sample_sufficient is False  # 29 < 30
    assert compute(t, DEFAULT_ELEMENTS, population=29).sample_sufficient is True  # all of them
    assert compute(t, DEFAULT_ELEMENTS, population=4000).sample_sufficient is False
