from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skm.method import Tally, decode_pattern, tally_code

N = 3


def test_add_and_counts():
    t = Tally(N)
    t.add([4, 3, None])
    t.add((4, 3, None), count=2)
    t.add([1, 2, 3])
    t.add([None, None, None])  # a blank line is not a respondent
    t.add([2, 2, 2], count=0)
    assert t.respondents == 4
    assert t.patterns == Counter({(4, 3, None): 3, (1, 2, 3): 1})
    assert t.element_counts() == [(1, 0, 0, 3), (0, 1, 3, 0), (0, 0, 1, 0)]


@pytest.mark.parametrize("bad", [0, 5, 4.0, True, "4", -1])
def test_add_rejects_non_scores(bad):
    with pytest.raises(ValueError):
        Tally(N).add([bad, 1, 1])


def test_add_rejects_wrong_length_and_count():
    with pytest.raises(ValueError):
        Tally(N).add([1, 2])
    with pytest.raises(ValueError):
        Tally(N).add([1, 2, 3], count=-1)
    with pytest.raises(ValueError):
        Tally(-1)


def test_direct_writes_are_tolerated_in_respondents():
    t = Tally(N)
    t.patterns[(None, None, None)] += 5
    t.patterns[(1, None, 4)] += 1
    assert t.respondents == 1
    assert t == Tally.from_patterns(N, {(1, None, 4): 1})


def test_codes_match_the_database_encoding():
    # code = Σ score_i · 5**i, missing = 0
    assert tally_code([1, 2, 3]) == 1 + 2 * 5 + 3 * 25
    assert tally_code([None, None, 4]) == 100
    assert tally_code([None, None, None]) == 0
    assert decode_pattern(3, 86) == (1, 2, 3)
    assert decode_pattern(3, 100) == (None, None, 4)
    with pytest.raises(ValueError):
        decode_pattern(3, 125)
    with pytest.raises(ValueError):
        decode_pattern(3, -1)
    t = Tally.from_codes(3, {86: 2, 100: 1, 0: 7})
    assert t.respondents == 3
    assert t.codes() == {86: 2, 100: 1}


def test_merge_and_add():
    a = Tally.from_patterns(N, {(4, 4, 4): 2, (1, None, 2): 1})
    b = Tally.from_patterns(N, {(4, 4, 4): 1, (3, 3, 3): 1})
    merged = a + b
    assert merged.patterns == Counter({(4, 4, 4): 3, (1, None, 2): 1, (3, 3, 3): 1})
    assert merged.respondents == 5
    assert a.respondents == 3  # operands are untouched
    assert a.merge(b) == merged
    with pytest.raises(ValueError):
        a.merge(Tally(4))


answers = st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=4, max_size=4)


@given(
    st.dictionaries(st.tuples(*[st.one_of(st.none(), st.integers(1, 4))] * 4), st.integers(0, 50))
)
def test_from_codes_equals_from_patterns(mapping):
    codes: dict[int, int] = {}
    for pattern, count in mapping.items():
        codes[tally_code(pattern)] = codes.get(tally_code(pattern), 0) + count
    assert Tally.from_codes(4, codes) == Tally.from_patterns(4, mapping)
    assert Tally.from_patterns(4, mapping).codes() == {c: n for c, n in codes.items() if n and c}


@given(answers)
def test_code_round_trip(vector):
    assert list(decode_pattern(4, tally_code(vector))) == vector


def test_zero_elements_is_an_empty_tally():
    t = Tally(0)
    t.add([])
    assert t.respondents == 0
    assert t == Tally.from_codes(0, {0: 3})
