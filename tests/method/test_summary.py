"""The bounded Summary gives exactly what the Tally gives (hypothesis), and adds up."""

from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skm.method import DEFAULT_ELEMENTS, Summary, Tally, compute, weight_units, weights_for
from tests.method.test_properties import surveys, tally_of


@st.composite
def custom_weights(draw, k):
    """k positive weights summing to exactly 1 (as hundredths)."""
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=k - 1, max_size=k - 1, unique=True)))
    edges = [0, *cuts, 100]
    return [Fraction(b - a, 100) for a, b in pairwise(edges)]


def test_weight_units():
    assert weight_units(weights_for("exact", 9)) == (1,) * 9
    assert weight_units(weights_for("0.111", 9)) == (1,) * 9
    assert weight_units(weights_for("0.11", 9)) == (1,) * 9
    assert weight_units([Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)]) == (3, 2, 1)
    assert weight_units([Fraction(15, 100), Fraction(85, 100)]) == (3, 17)


@settings(max_examples=300)
@given(
    surveys(min_size=0, max_size=60),
    st.sampled_from(["exact", "0.111", "0.11", "custom"]),
    st.one_of(st.none(), st.integers(1, 300)),
    st.data(),
)
def test_summary_computes_exactly_what_the_tally_computes(survey, weighting, population, data):
    k, vectors = survey
    weights = data.draw(custom_weights(k)) if weighting == "custom" and k > 1 else None
    if weighting == "custom" and weights is None:
        weighting = "exact"
    tally = tally_of(k, vectors)
    units = weight_units(weights_for(weighting, k, weights))
    summary = Summary.from_tally(tally, units)
    kwargs = {"weighting": weighting, "weights": weights, "population": population}
    assert compute(summary, DEFAULT_ELEMENTS[:k], **kwargs) == compute(
        tally, DEFAULT_ELEMENTS[:k], **kwargs
    )


@given(surveys(max_size=30), surveys(max_size=30))
def test_summaries_add_and_subtract_like_tallies(a, b):
    k = a[0]
    vectors_b = [v[:k] + [None] * (k - len(v[:k])) for v in b[1]]
    units = (1,) * k
    sa = Summary.from_tally(tally_of(k, a[1]), units)
    sb = Summary.from_tally(tally_of(k, vectors_b), units)
    both = Summary.from_tally(tally_of(k, a[1] + vectors_b), units)
    assert sa + sb == both
    assert both - sb == sa


def test_subtracting_what_was_never_added_is_refused():
    one = Summary(2, (1, 1))
    one.add((4, 4))
    other = Summary(2, (1, 1))
    other.add((1, 1))
    with pytest.raises(ValueError, match="never added"):
        one - other


def test_a_summary_with_other_weights_is_refused():
    s = Summary(2, (1, 1))
    s.add((4, 3))
    with pytest.raises(ValueError, match="other weights"):
        compute(s, DEFAULT_ELEMENTS[:2], weighting="custom", weights=["0.25", "0.75"])
    with pytest.raises(ValueError):
        s + Summary(2, (1, 3))


def test_blank_vectors_and_bad_scores():
    s = Summary(3, (1, 1, 1))
    s.add((None, None, None))
    assert s.respondents == 0 and s.groups == {}
    with pytest.raises(ValueError):
        s.add((5, 1, 1))
    with pytest.raises(ValueError):
        s.add((True, 1, 1))
    with pytest.raises(ValueError):
        s.add((1, 1))


def test_groups_by_answered_weight():
    s = Summary(3, (1, 2, 1))
    s.add((4, 4, 4), 2)  # b = 4, A = 16
    s.add((1, None, 3))  # b = 2, A = 4
    assert s.groups == {4: [2, 32, 512], 2: [1, 4, 16]}
    assert s.element_counts() == [(1, 0, 0, 2), (0, 0, 0, 2), (0, 0, 1, 2)]
    assert Summary.from_tally(Tally.from_patterns(3, {(4, 4, 4): 2, (1, None, 3): 1}), s.units) == s
