"""Properties of compute() over random surveys (hypothesis)."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from skm.method import (
    DEFAULT_ELEMENTS,
    WEIGHTINGS,
    Tally,
    compute,
    grade_for,
    tally_code,
    weights_for,
)
from skm.method.stats import interval, variance_of_mean

answer = st.sampled_from([None, 1, 2, 3, 4, 4, 3])


@st.composite
def surveys(draw, min_size=0, max_size=40):
    """(n_elements, list of answer vectors)."""
    k = draw(st.integers(1, 9))
    vectors = draw(
        st.lists(st.lists(answer, min_size=k, max_size=k), min_size=min_size, max_size=max_size)
    )
    return k, vectors


def tally_of(k, vectors):
    t = Tally(k)
    for v in vectors:
        t.add(v)
    return t


@given(surveys())
def test_ikm_within_25_and_100_with_exact_weights(survey):
    k, vectors = survey
    r = compute(tally_of(k, vectors), DEFAULT_ELEMENTS[:k])
    if r.ikm is not None:
        assert 25 <= r.ikm <= 100
        assert 1 <= r.index <= 4
        assert Decimal("25.00") <= Decimal(r.ikm_text) <= Decimal("100.00")
    for e in r.elements:
        if e.score is not None:
            assert 25 <= e.score <= 100


@given(surveys(), st.randoms(use_true_random=False))
def test_order_of_respondents_does_not_matter(survey, rnd):
    k, vectors = survey
    shuffled = list(vectors)
    rnd.shuffle(shuffled)
    a = compute(tally_of(k, vectors), DEFAULT_ELEMENTS[:k], population=100)
    b = compute(tally_of(k, shuffled), DEFAULT_ELEMENTS[:k], population=100)
    assert a == b


@given(surveys(), st.sampled_from(WEIGHTINGS[:3]))
def test_a_satisfied_respondent_never_lowers_the_ikm(survey, weighting):
    k, vectors = survey
    before = compute(tally_of(k, vectors), DEFAULT_ELEMENTS[:k], weighting=weighting)
    after = compute(tally_of(k, [*vectors, [4] * k]), DEFAULT_ELEMENTS[:k], weighting=weighting)
    assert after.ikm is not None
    if before.ikm is not None:
        assert after.ikm >= before.ikm
    for e_before, e_after in zip(before.elements, after.elements, strict=True):
        if e_before.score is not None:
            assert e_after.score >= e_before.score


@given(surveys(), st.sampled_from(WEIGHTINGS[:3]))
def test_grades_always_match_the_printed_values(survey, weighting):
    k, vectors = survey
    r = compute(tally_of(k, vectors), DEFAULT_ELEMENTS[:k], weighting=weighting)
    if r.ikm_text is not None:
        assert r.grade == grade_for(Decimal(r.ikm_text))
        assert r.to_dict()["grade"] == r.grade.letter
    else:
        assert r.grade is None
    for e in r.elements:
        if e.score_text is not None:
            assert e.grade == grade_for(Decimal(e.score_text))


@given(surveys(min_size=2), st.one_of(st.none(), st.integers(1, 200)))
def test_intervals_contain_the_printed_values(survey, population):
    k, vectors = survey
    r = compute(tally_of(k, vectors), DEFAULT_ELEMENTS[:k], population=population)
    if r.ci95 is not None:
        lo, hi = (Decimal(x) for x in r.ci95)
        assert lo <= Decimal(r.ikm_text) <= hi
    for e in r.elements:
        if e.ci95 is not None:
            assert Decimal(e.ci95[0]) <= Decimal(e.score_text) <= Decimal(e.ci95[1])


@given(surveys())
def test_codes_give_the_same_result(survey):
    k, vectors = survey
    codes: dict[int, int] = {}
    for v in vectors:
        codes[tally_code(v)] = codes.get(tally_code(v), 0) + 1
    assert compute(Tally.from_codes(k, codes), DEFAULT_ELEMENTS[:k]) == compute(
        tally_of(k, vectors), DEFAULT_ELEMENTS[:k]
    )


@settings(max_examples=200)
@given(surveys(), st.sampled_from(WEIGHTINGS[:3]), st.one_of(st.none(), st.integers(1, 100)))
def test_matches_a_naive_per_respondent_implementation(survey, weighting, population):
    """The per-pattern shortcuts agree with the definitions applied respondent by respondent."""
    k, vectors = survey
    r = compute(
        tally_of(k, vectors), DEFAULT_ELEMENTS[:k], weighting=weighting, population=population
    )
    w = weights_for(weighting, k)
    respondents = [v for v in vectors if any(x is not None for x in v)]
    assert r.respondents == len(respondents)
    nrr = []
    for i in range(k):
        answers = [v[i] for v in respondents if v[i] is not None]
        assert r.elements[i].answered == len(answers)
        assert r.elements[i].total == sum(answers)
        nrr.append(Fraction(sum(answers), len(answers)) if answers else None)
    assert [e.nrr for e in r.elements] == nrr
    if None in nrr or not respondents:
        assert r.ikm is None and r.ci95 is None
        return
    ikm = 25 * sum(n * wi for n, wi in zip(nrr, w, strict=True))
    assert r.ikm == ikm
    t = []
    for v in respondents:
        answered = [(wi, x) for wi, x in zip(w, v, strict=True) if x is not None]
        t.append(sum(wi * x for wi, x in answered) / sum(wi for wi, _ in answered) * sum(w))
    n = len(t)
    if n < 2:
        assert r.ci95 is None
        return
    mean = sum(t) / n
    naive_var = sum((tj - mean) ** 2 for tj in t) / (n - 1)
    se2 = variance_of_mean(n, sum(t), sum(tj * tj for tj in t), population)
    fpc2 = (
        1
        if population is None
        else max(Fraction(0), Fraction(population - n, max(population - 1, 1)))
    )
    assert se2 == naive_var / n * fpc2
    assert r.ci95 == interval(ikm, se2, Fraction(25), 25 * sum(w), 100 * sum(w))
