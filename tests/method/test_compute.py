"""The worked examples of method.md §8, boundaries, float traps and missing answers."""

from decimal import Decimal
from fractions import Fraction

import pytest

from skm.method import (
    DEFAULT_ELEMENTS,
    Grade,
    SampleResult,
    Tally,
    WeightError,
    compute,
    counts_for_scores,
    grade_for,
)

from ._build import column, tally_from_columns, tally_from_counts, tally_from_totals

E = DEFAULT_ELEMENTS
TOTALS_29 = [105, 101, 100, 116, 102, 105, 106, 105, 115]
SEED_SCORES = ["91.83", "92.32", "91.02", "99.80", "91.91", "92.89", "91.26", "98.01", "91.54"]


def one(answers, weighting="exact"):
    t = Tally(9)
    t.add(answers)
    return compute(t, E, weighting=weighting)


def test_29_respondents_exact():
    t = tally_from_totals(29, TOTALS_29)
    assert t.respondents == 29
    r = compute(t, E)
    assert [e.total for e in r.elements] == TOTALS_29
    assert [e.answered for e in r.elements] == [29] * 9
    assert r.ikm == Fraction(955 * 25, 9 * 29)
    assert r.ikm_text == "91.48"
    assert r.grade == Grade("A", "Sangat Baik")
    assert r.index == Fraction(955, 9 * 29)
    assert r.index_text == "3.6590"
    assert r.weighting == "exact"
    assert r.weights == (Fraction(1, 9),) * 9


def test_29_respondents_other_weightings():
    t = tally_from_totals(29, TOTALS_29)
    r11 = compute(t, E, weighting="0.11")
    assert r11.ikm_text == "90.56"
    assert r11.ikm == Fraction(955, 29) * Fraction(11, 100) * 25
    assert r11.grade.letter == "A"
    r111 = compute(t, E, weighting="0.111")
    assert r111.ikm_text == "91.38"
    assert r111.weights == (Fraction(111, 1000),) * 9


def test_single_respondents():
    all4 = one([4] * 9)
    assert (all4.ikm_text, all4.grade.letter) == ("100.00", "A")
    assert all4.index_text == "4.0000"
    all3 = one([3] * 9)
    assert (all3.ikm_text, all3.grade.letter, all3.grade.performance) == (
        "75.00",
        "C",
        "Kurang Baik",
    )
    mixed = one([4, 4, 3, 4, 4, 4, 4, 3, 3])
    assert (mixed.ikm_text, mixed.grade.letter) == ("91.67", "A")
    all1 = one([1] * 9)
    assert (all1.ikm_text, all1.grade.letter) == ("25.00", "D")
    below = one([1] * 9, weighting="0.11")
    assert (below.ikm_text, below.grade.letter) == ("24.75", "D")
    assert one([4] * 9, weighting="0.11").ikm_text == "99.00"
    # one respondent: no variance, no interval
    assert all4.ci95 is None
    assert all4.elements[0].ci95 is None


def test_seed_tabel_1():
    n, counts = counts_for_scores(SEED_SCORES)
    assert n == 615
    t = tally_from_counts(counts)
    assert t.respondents == 615
    r = compute(t, E)
    assert [e.score_text for e in r.elements] == SEED_SCORES
    assert all(e.answered == 615 for e in r.elements)
    assert r.ikm_text == "93.40"
    assert r.index_text == "3.7359"
    assert r.grade.letter == "A"
    assert r.priorities == ("U3", "U7", "U9")
    assert [e.grade.letter for e in r.elements] == ["A"] * 9


def test_element_results():
    t = tally_from_totals(29, TOTALS_29)
    u1 = compute(t, E).elements[0]
    assert (u1.code, u1.name, u1.weight) == ("U1", "Persyaratan", Fraction(1, 9))
    assert (u1.answered, u1.total) == (29, 105)
    assert u1.counts == (0, 0, 11, 18)
    assert u1.nrr == Fraction(105, 29)
    assert u1.score == Fraction(105 * 25, 29)
    assert (u1.nrr_text, u1.score_text) == ("3.6207", "90.52")
    assert u1.grade.letter == "A"


@pytest.mark.parametrize(
    ("score", "letter"),
    [
        ("64.99", "D"),
        ("65.00", "C"),
        ("76.60", "C"),
        ("76.61", "B"),
        ("88.30", "B"),
        ("88.31", "A"),
    ],
)
def test_grade_boundaries_with_real_data(score, letter):
    # every element gets the same answers, so the exact IKM equals the exact element score
    _n, (counts,) = counts_for_scores([score])
    t = tally_from_counts([counts] * 9)
    r = compute(t, E)
    assert r.ikm_text == score
    assert r.grade.letter == letter
    assert grade_for(Decimal(score)).letter == letter
    assert all(e.score_text == score and e.grade.letter == letter for e in r.elements)
    assert r.ikm == r.elements[0].score


@pytest.mark.parametrize(
    ("n", "grand_total", "printed", "letter"),
    [
        (43, 1367, "88.31", "A"),  # exact 88.3075 < 88.31, yet printed 88.31: A
        (33, 1049, "88.30", "B"),  # exact 88.2997
        (19, 524, "76.61", "B"),  # exact 76.6082 < 76.61
        (33, 910, "76.60", "C"),  # exact 76.5993
        (113, 2644, "65.00", "C"),  # exact 64.9951 < 65
        (38, 889, "64.99", "D"),  # exact 64.9854
    ],
)
def test_grade_follows_the_printed_ikm_not_the_exact_one(n, grand_total, printed, letter):
    base, extra = divmod(grand_total, 9)
    t = tally_from_totals(n, [base + 1] * extra + [base] * (9 - extra))
    r = compute(t, E)
    assert r.ikm == Fraction(25 * grand_total, 9 * n)
    assert r.ikm_text == printed
    assert r.grade.letter == letter


def test_float_trap_0111():
    # Σ NRR = 31.8, so IKM = 31.8 · 0.111 · 25 = 88.245 exactly
    totals = [17, 17, 17, 18, 18, 18, 18, 18, 18]
    r = compute(tally_from_totals(5, totals), E, weighting="0.111")
    assert r.ikm == Fraction(88245, 1000)
    assert r.ikm_text == "88.25"
    assert r.grade.letter == "B"
    # the same computation in binary floating point lands on the other side
    ni = 0.0
    for total in totals:
        ni += (total / 5) * 0.111
    assert f"{ni * 25:.2f}" == "88.24"
    # ...and so does the Excel sheet's way, NI first (3.5298) then times 25. (Whether a float
    # lands below or above depends on the order: 31.8 * 0.111 * 25 happens to land above.)
    assert f"{3.5298 * 25:.2f}" == "88.24"
    assert round(ni * 25, 2) == 88.24


def test_float_trap_exact_weights():
    # 8 respondents, every element sums to 29: IKM = 25 · 29/8 = 90.625 exactly
    r = compute(tally_from_totals(8, [29] * 9), E)
    assert r.ikm == Fraction(725, 8)
    assert r.ikm_text == "90.63"
    ni = 0.0
    for total in [29] * 9:
        ni += (total / 8) * (1 / 9)
    assert ni * 25 < 90.625
    assert f"{ni * 25:.2f}" == "90.62"
    assert round(ni * 25, 2) == 90.62


def test_missing_answers_are_per_element():
    columns = [
        [4, 4, 3, None],
        [3, None, None, 2],
        [4, 4, 4, 4],
    ]
    t = tally_from_columns(columns)
    t.add([None, None, 1])  # a respondent who answered only the third element
    t.add([None, None, None])  # not a respondent
    elements = E[:3]
    r = compute(t, elements)
    assert r.respondents == 5
    assert [e.answered for e in r.elements] == [3, 2, 5]
    assert [e.total for e in r.elements] == [11, 5, 17]
    assert [e.nrr_text for e in r.elements] == ["3.6667", "2.5000", "3.4000"]
    assert r.index == (Fraction(11, 3) + Fraction(5, 2) + Fraction(17, 5)) / 3
    assert r.ikm_text == "79.72"
    assert r.grade.letter == "B"


def test_element_without_answers_gives_no_ikm():
    t = tally_from_columns([[4, 3], [None, None], [2, 2]])
    r = compute(t, E[:3])
    assert r.respondents == 2
    u2 = r.elements[1]
    assert (u2.answered, u2.total, u2.nrr, u2.score, u2.score_text, u2.grade) == (
        0,
        0,
        None,
        None,
        None,
        None,
    )
    assert (r.index, r.ikm, r.index_text, r.ikm_text, r.ci95, r.grade) == (None,) * 6
    assert r.priorities == ("U3", "U1")
    assert r.to_dict()["elements"][1] == {
        "code": "U2",
        "name": "Sistem, Mekanisme, dan Prosedur",
        "answered": 0,
        "total": 0,
        "nrr": None,
        "score": None,
        "ci95": None,
        "grade": None,
        "performance": None,
    }


def test_empty_tally():
    r = compute(Tally(9), E, population=100)
    assert r.respondents == 0
    assert r.ikm is None and r.grade is None and r.ci95 is None
    assert r.priorities == ()
    assert r.sample == SampleResult(100, 80, False)


def test_direct_pattern_writes_are_validated_and_blank_vectors_ignored():
    t = Tally(3)
    t.patterns[(4, 4, 4)] += 2
    t.patterns[(None, None, None)] += 10
    t.patterns[(1, 1, 1)] += 0
    r = compute(t, E[:3])
    assert r.respondents == 2
    assert r.ikm_text == "100.00"
    for bad in [(4, 4), (4, 4, 5), (4, 4, 4.0), (4, True, 4), (4, "4", 4)]:
        t = Tally(3)
        t.patterns[bad] += 1
        with pytest.raises(ValueError):
            compute(t, E[:3])
    t = Tally(3)
    t.patterns[(4, 4, 4)] = -1
    with pytest.raises(ValueError):
        compute(t, E[:3])


def test_questionnaire_without_elements_has_an_empty_result():
    r = compute(Tally(0), ())
    assert (r.respondents, r.elements, r.weights, r.ikm, r.ci95, r.priorities) == (
        0,
        (),
        (),
        None,
        None,
        (),
    )
    with pytest.raises(WeightError):
        compute(Tally(0), (), weighting="nine")


def test_elements_must_match_the_tally():
    with pytest.raises(ValueError):
        compute(Tally(3), E)


def test_custom_weights_in_compute():
    t = tally_from_columns([[4, 4], [2, 2]])
    r = compute(t, E[:2], weighting="custom", weights=["0.75", "0.25"])
    assert r.index == Fraction(7, 2)
    assert r.ikm_text == "87.50"
    assert r.weights == (Fraction(3, 4), Fraction(1, 4))
    assert r.elements[0].weight == Fraction(3, 4)
    with pytest.raises(WeightError):
        compute(t, E[:2], weighting="custom", weights=["0.7", "0.2"])


def test_sample():
    t = tally_from_totals(29, TOTALS_29)
    assert compute(t, E).sample is None
    assert compute(t, E, population=30).sample == SampleResult(30, 28, True)
    assert compute(t, E, population=40).sample == SampleResult(40, 36, False)
    with pytest.raises(ValueError):
        compute(t, E, population=0)


def test_to_dict_shape_and_key_order():
    _n, counts = counts_for_scores(SEED_SCORES)
    r = compute(tally_from_counts(counts), E, population=40000)
    d = r.to_dict()
    assert list(d) == [
        "respondents",
        "weighting",
        "elements",
        "index",
        "ikm",
        "ci95",
        "grade",
        "performance",
        "priorities",
        "sample",
    ]
    assert d["respondents"] == 615
    assert d["weighting"] == "exact"
    assert (d["index"], d["ikm"], d["grade"], d["performance"]) == (
        "3.7359",
        "93.40",
        "A",
        "Sangat Baik",
    )
    assert d["ci95"] == ["92.67", "94.12"]
    assert d["priorities"] == ["U3", "U7", "U9"]
    assert d["sample"] == {"population": 40000, "required": 380, "reached": True}
    assert list(d["sample"]) == ["population", "required", "reached"]
    u1 = d["elements"][0]
    assert list(u1) == [
        "code",
        "name",
        "answered",
        "total",
        "nrr",
        "score",
        "ci95",
        "grade",
        "performance",
    ]
    assert u1 == {
        "code": "U1",
        "name": "Persyaratan",
        "answered": 615,
        "total": 2259,
        "nrr": "3.6732",
        "score": "91.83",
        "ci95": ["90.91", "92.75"],
        "grade": "A",
        "performance": "Sangat Baik",
    }
    assert len(d["elements"]) == 9
    assert compute(tally_from_counts(counts), E).to_dict()["sample"] is None


def test_result_lookup():
    r = compute(tally_from_totals(29, TOTALS_29), E)
    assert r.element("U4").score_text == "100.00"
    with pytest.raises(KeyError):
        r.element("U10")


def test_helpers_build_what_they_claim():
    assert column((1, 0, 2, 1)) == [1, 3, 3, 4]
