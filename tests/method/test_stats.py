"""Confidence intervals (docs/method.md, "Confidence intervals"), checked by hand."""

from decimal import Decimal, localcontext
from fractions import Fraction

from skm.method import DEFAULT_ELEMENTS, Tally, compute, element_interval, index_interval

E = DEFAULT_ELEMENTS


def test_element_interval_by_hand():
    # answers 2, 3, 3, 4: m = 3, s² = 2/3, SE = sqrt(2/3 / 4) = 0.408248...
    # 25 · (3 ± 1.96 · 0.408248) = 75 ± 20.004166 -> 54.995834 .. 95.004166
    assert element_interval((0, 1, 2, 1)) == ("55.00", "95.00")
    with localcontext() as ctx:
        ctx.prec = 40
        half = 49 / Decimal(6).sqrt()
    assert str((75 - half).quantize(Decimal("0.01"))) == "55.00"


def test_element_interval_with_population():
    # N = 10: FPC² = (10 - 4)/(10 - 1) = 2/3, SE² = 1/6 · 2/3 = 1/9, SE = 1/3 exactly
    # 75 ± 49/3 = 58.666.. .. 91.333..
    assert element_interval((0, 1, 2, 1), population=10) == ("58.67", "91.33")
    # the whole population answered: no sampling error left
    assert element_interval((0, 1, 2, 1), population=4) == ("75.00", "75.00")
    assert element_interval((0, 1, 2, 1), population=3) == ("75.00", "75.00")


def test_element_interval_clamped_and_exact_roots():
    # 2, 4: s² = 2, SE = 1: 25·(3 ± 1.96) = 26 .. 124, clamped to 100
    assert element_interval((0, 1, 0, 1)) == ("26.00", "100.00")
    # 4, 4, 3, 3, 4: 90 ± 49·sqrt(0.06) = 77.9975.. .. 102.0025..
    assert element_interval((0, 0, 2, 3)) == ("78.00", "100.00")
    # 3, 4, 4, 4 with N = 5: SE = 1/8 exactly, ends 87.625 and 99.875 exactly: half up
    assert element_interval((0, 0, 1, 3), population=5) == ("87.63", "99.88")
    # no variance
    assert element_interval((0, 0, 0, 5)) == ("100.00", "100.00")
    assert element_interval((5, 0, 0, 0)) == ("25.00", "25.00")


def test_element_interval_needs_two_answers():
    assert element_interval((0, 0, 0, 1)) is None
    assert element_interval((0, 0, 0, 0)) is None


def test_index_interval_one_element_equals_element_interval():
    t = Tally(1)
    for x in (2, 3, 3, 4):
        t.add([x])
    r = compute(t, E[:1])
    assert r.ci95 == r.elements[0].ci95 == ("55.00", "95.00")
    r = compute(t, E[:1], population=10)
    assert r.ci95 == ("58.67", "91.33")


def test_index_interval_with_missing_answers():
    # two elements, w = 1/2 each; respondents (4, 4), (3, -), (2, 3)
    # t = 4, 3, 2.5 (a respondent's answered mean, times Σw = 1); mean t = 19/6
    # s²(t) = ((5/6)² + (1/6)² + (4/6)²) / 2 = 7/12; SE² = 7/36; 25·1.96·SE = 49·√7/6
    # IKM = 25 · (3 + 3.5)/2 = 81.25 (centred on the IKM, not on mean t)
    # 81.25 - 21.6069.. = 59.6430..; upper clamped to 100
    t = Tally(2)
    t.add([4, 4])
    t.add([3, None])
    t.add([2, 3])
    r = compute(t, E[:2])
    assert r.ikm_text == "81.25"
    assert r.ci95 == ("59.64", "100.00")


def test_index_interval_complete_answers_mean_is_ni():
    # With complete answers mean(t) = NI, so the interval is symmetric around the IKM.
    # (3, 3), (3, 4), (4, 3), (4, 4): t = 3, 3.5, 3.5, 4; mean 3.5 = NI; s² = 1/6;
    # SE² = 1/24; 87.5 ± 49·sqrt(1/24) = 87.5 ± 10.0021
    t = Tally(2)
    for answers in ([3, 3], [3, 4], [4, 3], [4, 4]):
        t.add(answers)
    r = compute(t, E[:2])
    assert r.ikm_text == "87.50"
    assert r.ci95 == ("77.50", "97.50")
    # clamped at the top: (4, 3), (3, 3), (4, 4): 87.5 ± 49·sqrt(1/12) = 73.3549 .. 101.645
    t = Tally(2)
    for answers in ([4, 3], [3, 3], [4, 4]):
        t.add(answers)
    assert compute(t, E[:2]).ci95 == ("73.35", "100.00")


def test_index_interval_respects_weights_and_clamps_to_the_weight_range():
    # "0.11": Σw = 0.99, so the IKM scale is 24.75 .. 99; all-4 answers give 99.00 .. 99.00
    t = Tally(9)
    t.add([4] * 9, count=3)
    r = compute(t, E, weighting="0.11")
    assert r.ikm_text == "99.00"
    assert r.ci95 == ("99.00", "99.00")
    t = Tally(9)
    t.add([1] * 9, count=2)
    t.add([4] * 9)
    r = compute(t, E, weighting="0.11")
    assert r.ci95[0] == "24.75"


def test_index_interval_none_cases():
    t = Tally(2)
    t.add([4, 3])
    assert compute(t, E[:2]).ci95 is None
    t.add([None, None])
    assert index_interval(t.patterns, [Fraction(1, 2)] * 2, Fraction(80)) is None
    t = Tally(2)
    t.add([4, None], count=5)
    assert compute(t, E[:2]).ci95 is None  # no IKM: U2 has no answer


def test_interval_contains_the_printed_value():
    t = Tally(3)
    t.add([4, 3, 2], count=7)
    t.add([1, None, 4], count=2)
    t.add([3, 3, None], count=4)
    r = compute(t, E[:3], population=50)
    lo, hi = r.ci95
    assert Decimal(lo) <= Decimal(r.ikm_text) <= Decimal(hi)
    for e in r.elements:
        assert Decimal(e.ci95[0]) <= Decimal(e.score_text) <= Decimal(e.ci95[1])
