import pytest

from skm.method import (
    DEFAULT_ELEMENTS,
    compute,
    counts_for_scores,
    counts_for_total,
    totals_for_score,
)

from ._build import tally_from_counts


def test_counts_for_total():
    assert counts_for_total(29, 105) == (0, 0, 11, 18)
    assert counts_for_total(29, 116) == (0, 0, 0, 29)
    assert counts_for_total(4, 4) == (4, 0, 0, 0)
    assert counts_for_total(4, 6) == (2, 2, 0, 0)
    assert counts_for_total(4, 12) == (0, 0, 4, 0)
    for n in range(1, 20):
        for total in range(n, 4 * n + 1):
            c = counts_for_total(n, total)
            assert sum(c) == n
            assert sum(s * k for s, k in enumerate(c, 1)) == total
    with pytest.raises(ValueError):
        counts_for_total(4, 17)
    with pytest.raises(ValueError):
        counts_for_total(4, 3)


def test_totals_for_score():
    assert list(totals_for_score("91.48", 29)) == []  # 29 respondents cannot print 91.48
    assert list(totals_for_score("90.52", 29)) == [105]
    assert list(totals_for_score("100.00", 7)) == [28]
    assert list(totals_for_score("25", 7)) == [7]
    assert list(totals_for_score("50", 4000)) == [8000]


def test_counts_for_scores_smallest_n():
    n, counts = counts_for_scores(["75.00", "100"])
    assert n == 100
    assert counts == [(0, 0, 100, 0), (0, 0, 0, 100)]


def test_counts_for_scores_given_n_reproduces_scores():
    scores = ["90.52", "87.07", "86.21", "100.00"]
    n, counts = counts_for_scores(scores, respondents=29)
    assert n == 29
    r = compute(tally_from_counts(counts), DEFAULT_ELEMENTS[:4])
    assert [e.score_text for e in r.elements] == scores
    with pytest.raises(ValueError):
        counts_for_scores(["91.48"], respondents=29)


def test_counts_for_scores_rejects_impossible_scores():
    for bad in ("24.99", "100.01", "91.835", "abc"):
        with pytest.raises(ValueError):
            counts_for_scores([bad])
