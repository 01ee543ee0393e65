"""PEKPPP indicators 8 and 9 at every band boundary (method.md §6)."""

import datetime as dt
from fractions import Fraction

import pytest

from skm.method.pekppp import (
    add_months,
    indicator_8,
    indicator_9,
    percent_text,
    realised_percent,
)


def test_realised_percent_is_exact():
    assert realised_percent(5, 5) == 100
    assert realised_percent(3, 1) == Fraction(100, 3)
    assert percent_text(realised_percent(3, 1)) == "33.33"
    assert percent_text(realised_percent(3, 2)) == "66.67"
    assert realised_percent(0, 0) is None
    with pytest.raises(ValueError):
        realised_percent(2, 3)


@pytest.mark.parametrize(
    ("planned", "realised", "score"),
    [
        (0, 0, 0),  # no plan
        (5, 0, 1),  # a plan, nothing done
        (1000, 1, 2),
        (1000, 299, 2),  # 29.9 %
        (10, 3, 3),  # exactly 30 %
        (1000, 300, 3),
        (10, 8, 3),  # exactly 80 %
        (1000, 801, 4),  # 80.1 %
        (1000, 999, 4),
        (5, 5, 5),  # 100 %
        (1, 1, 5),
    ],
)
def test_indicator_8_bands(planned, realised, score):
    assert indicator_8(planned, realised).score == score


def test_indicator_8_basis_states_the_figures():
    assert indicator_8(5, 5).basis == "5 dari 5 rencana tindak lanjut terealisasi (100.00%): 100%."
    assert "29.90%" in indicator_8(1000, 299).basis


REPORT = dt.date(2025, 8, 22)


@pytest.mark.parametrize(
    ("last", "score"),
    [
        (dt.date(2025, 7, 1), 5),  # before the report
        (REPORT, 5),
        (dt.date(2025, 9, 22), 5),  # exactly one month
        (dt.date(2025, 9, 23), 4),
        (dt.date(2025, 11, 22), 4),  # exactly three months
        (dt.date(2025, 11, 23), 3),
        (dt.date(2026, 2, 22), 3),  # six months
        (dt.date(2026, 2, 23), 2),
        (dt.date(2026, 5, 22), 2),  # nine months
        (dt.date(2026, 5, 23), 1),
        (dt.date(2026, 8, 22), 1),  # a year
        (dt.date(2026, 8, 23), 0),
    ],
)
def test_indicator_9_bands(last, score):
    assert indicator_9(REPORT, [dt.date(2025, 8, 1), last]).score == score


def test_indicator_9_needs_every_item_done_and_a_plan():
    assert indicator_9(REPORT, []).score == 0
    result = indicator_9(REPORT, [dt.date(2025, 9, 1), None, None])
    assert result.score == 0 and result.basis == "2 rencana tindak lanjut belum selesai."
    assert indicator_9(None, [dt.date(2025, 9, 1)]).score == 0
    assert "22 September 2025" in indicator_9(REPORT, [dt.date(2025, 9, 22)]).basis


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2025, 8, 22), 12) == dt.date(2026, 8, 22)
