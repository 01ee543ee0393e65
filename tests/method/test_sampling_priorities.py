from fractions import Fraction

import pytest

from skm.method import (
    DEFAULT_ELEMENTS,
    GRADES,
    ElementResult,
    compute,
    priority_codes,
    required_sample,
)

from ._build import tally_from_totals

# Lampiran II of Permen PANRB 14/2017 = Krejcie & Morgan (1970), all 90 rows
LAMPIRAN_II = {
    10: 10, 15: 14, 20: 19, 25: 24, 30: 28, 35: 32, 40: 36, 45: 40, 50: 44, 55: 48,
    60: 52, 65: 56, 70: 59, 75: 63, 80: 66, 85: 70, 90: 73, 95: 76, 100: 80, 110: 86,
    120: 92, 130: 97, 140: 103, 150: 108, 160: 113, 170: 118, 180: 123, 190: 127,
    200: 132, 210: 136, 220: 140, 230: 144, 240: 148, 250: 152, 260: 155, 270: 159,
    280: 162, 290: 165, 300: 169, 320: 175, 340: 181, 360: 186, 380: 191, 400: 196,
    420: 201, 440: 205, 460: 210, 480: 214, 500: 217, 550: 226, 600: 234, 650: 242,
    700: 248, 750: 254, 800: 260, 850: 265, 900: 269, 950: 274, 1000: 278, 1100: 285,
    1200: 291, 1300: 297, 1400: 302, 1500: 306, 1600: 310, 1700: 313, 1800: 317,
    1900: 320, 2000: 322, 2200: 327, 2400: 331, 2600: 335, 2800: 338, 3000: 341,
    3500: 346, 4000: 351, 4500: 354, 5000: 357, 6000: 361, 7000: 364, 8000: 367,
    9000: 368, 10000: 370, 15000: 375, 20000: 377, 30000: 379, 40000: 380, 50000: 381,
    75000: 382, 1000000: 384,
}  # fmt: skip


def test_lampiran_ii_table():
    assert len(LAMPIRAN_II) == 90
    mismatches = {n: required_sample(n) for n, s in LAMPIRAN_II.items() if required_sample(n) != s}
    assert mismatches == {}


def test_required_sample_small_and_bad():
    assert required_sample(1) == 1
    assert required_sample(2) == 2
    assert required_sample(10**9) == 384
    with pytest.raises(ValueError):
        required_sample(0)
    with pytest.raises(TypeError):
        required_sample(10.0)  # type: ignore[arg-type]


def _element(code: str, score: str | None, letter: str | None) -> ElementResult:
    exact = Fraction(score) if score is not None else None
    return ElementResult(
        code=code,
        name=code,
        weight=Fraction(1, 9),
        answered=1 if score else 0,
        total=0,
        counts=(0, 0, 0, 0),
        nrr=exact / 25 if exact is not None else None,
        score=exact,
        nrr_text=None,
        score_text=score,
        ci95=None,
        grade=GRADES[letter] if letter else None,
    )


def test_priorities_lowest_first_ties_in_element_order():
    elements = [
        _element("U1", "90", "A"),
        _element("U2", "85", "B"),
        _element("U3", "95", "A"),
        _element("U4", "85", "B"),
        _element("U5", None, None),
        _element("U6", "80", "B"),
    ]
    assert priority_codes(elements) == ("U6", "U2", "U4")
    assert priority_codes(elements, k=1) == ("U6",)
    assert priority_codes(elements, k=10) == ("U6", "U2", "U4", "U1", "U3")
    assert priority_codes(list(reversed(elements)), k=2) == ("U6", "U4")


def test_priorities_add_every_c_or_d_beyond_k():
    elements = [
        _element("U1", "60", "D"),
        _element("U2", "70", "C"),
        _element("U3", "76.6", "C"),
        _element("U4", "75", "C"),
        _element("U5", "90", "A"),
        _element("U6", "80", "B"),
    ]
    assert priority_codes(elements, k=2) == ("U1", "U2", "U4", "U3")
    assert priority_codes(elements, k=0) == ("U1", "U2", "U4", "U3")
    assert priority_codes(elements, k=5) == ("U1", "U2", "U4", "U3", "U6")
    with pytest.raises(ValueError):
        priority_codes(elements, k=-1)


def test_priorities_through_compute():
    # 29 respondents: U3 (100) < U2 (101) < U5 (102) < U1 = U6 = U8 (105)
    t = tally_from_totals(29, [105, 101, 100, 116, 102, 105, 106, 105, 115])
    assert compute(t, DEFAULT_ELEMENTS).priorities == ("U3", "U2", "U5")
    assert compute(t, DEFAULT_ELEMENTS, priorities=4).priorities == ("U3", "U2", "U5", "U1")
    # all 3 = 75.00 = C everywhere: every element is a priority
    t = tally_from_totals(4, [12] * 9)
    assert compute(t, DEFAULT_ELEMENTS).priorities == tuple(f"U{i}" for i in range(1, 10))
