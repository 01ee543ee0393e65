"""PEKPPP indicators 6-9 at every band boundary (method.md §6)."""

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skm.method.pekppp import (
    INDICATOR_9_MONTHS,
    Crossing,
    add_months,
    band_crossing,
    completion_speed,
    indicator_6,
    indicator_7,
    indicator_8,
    indicator_9,
    months_between,
    months_text,
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
def test_completion_speed_bands(last, score):
    assert completion_speed(REPORT, [dt.date(2025, 8, 1), last]).score == score


def test_completion_speed_needs_every_item_done_and_a_plan():
    assert completion_speed(REPORT, []).score == 0
    result = completion_speed(REPORT, [dt.date(2025, 9, 1), None, None])
    assert result.score == 0 and result.basis == "2 rencana tindak lanjut belum selesai."
    assert completion_speed(None, [dt.date(2025, 9, 1)]).score == 0


# Indicator 9 as the evaluators score it: Laporan Hasil to Laporan Tindak Lanjut.
@pytest.mark.parametrize(
    ("followup", "score"),
    [
        (REPORT, 5),  # same day
        (dt.date(2025, 9, 22), 5),  # exactly one month
        (dt.date(2025, 9, 23), 4),
        (dt.date(2025, 11, 22), 4),  # exactly three months
        (dt.date(2025, 11, 23), 3),
        (dt.date(2026, 2, 22), 3),  # six months
        (dt.date(2026, 2, 23), 2),
        (dt.date(2026, 5, 22), 2),  # nine months
        (dt.date(2026, 5, 23), 1),
        (dt.date(2026, 8, 22), 1),  # twelve months
        (dt.date(2026, 8, 23), 0),
    ],
)
def test_indicator_9_bands_from_report_to_report(followup, score):
    # the items' own dates do not move the score, only the reports' dates do
    assert indicator_9(REPORT, followup, [dt.date(2025, 8, 1), REPORT]).score == score


def test_indicator_9_month_end_boundary():
    # 31 January + 1 month is 28 February (29 in a leap year)
    assert indicator_9(dt.date(2025, 1, 31), dt.date(2025, 2, 28), [dt.date(2025, 2, 1)]).score == 5
    assert indicator_9(dt.date(2025, 1, 31), dt.date(2025, 3, 1), [dt.date(2025, 2, 1)]).score == 4
    assert indicator_9(dt.date(2024, 1, 31), dt.date(2024, 2, 29), [dt.date(2024, 2, 1)]).score == 5


def test_indicator_9_basis_states_both_dates_and_the_months():
    result = indicator_9(REPORT, dt.date(2025, 9, 23), [dt.date(2025, 9, 1)])
    assert result.basis == (
        "Laporan Hasil SKM terbit 22 Agustus 2025, Laporan Tindak Lanjut 23 September 2025 "
        "(1 bulan 1 hari), semua rencana tindak lanjut selesai: dalam 3 bulan."
    )


def test_indicator_9_scores_zero_when_the_documents_cannot_show_it():
    done = [dt.date(2025, 9, 1)]
    assert indicator_9(REPORT, REPORT, []).basis == "Belum ada rencana tindak lanjut."
    assert indicator_9(None, REPORT, done).basis == "Tanggal terbit Laporan Hasil SKM belum diisi."
    assert "Laporan Tindak Lanjut belum diisi" in indicator_9(REPORT, None, done).basis
    assert indicator_9(REPORT, dt.date(2025, 10, 1), [None, *done]).basis == (
        "1 rencana tindak lanjut belum selesai."
    )
    # an item done after the Laporan Tindak Lanjut: that report cannot show it
    late = indicator_9(REPORT, dt.date(2025, 8, 31), done)
    assert late.score == 0 and "setelah tanggal Laporan Tindak Lanjut" in late.basis
    before = indicator_9(REPORT, dt.date(2025, 8, 21), [dt.date(2025, 8, 1)])
    assert before.score == 0 and "sebelum" in before.basis


def test_months_between():
    assert months_between(REPORT, REPORT) == (0, 0)
    assert months_between(REPORT, dt.date(2025, 9, 21)) == (0, 30)
    assert months_between(REPORT, dt.date(2025, 9, 22)) == (1, 0)
    assert months_between(REPORT, dt.date(2025, 9, 23)) == (1, 1)
    assert months_between(REPORT, dt.date(2026, 8, 22)) == (12, 0)
    assert months_between(dt.date(2025, 1, 31), dt.date(2025, 2, 28)) == (1, 0)
    assert months_between(dt.date(2025, 1, 31), dt.date(2025, 3, 30)) == (1, 30)
    assert months_between(dt.date(2025, 1, 31), dt.date(2025, 3, 31)) == (2, 0)
    assert months_text(REPORT, dt.date(2025, 9, 23)) == "1 bulan 1 hari"
    assert months_text(REPORT, dt.date(2025, 10, 22)) == "2 bulan"
    assert months_text(REPORT, REPORT) == "0 hari"
    with pytest.raises(ValueError):
        months_between(REPORT, dt.date(2025, 8, 21))


days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


@given(days, st.integers(min_value=0, max_value=500))
def test_months_between_adds_back(start, offset):
    end = start + dt.timedelta(days=offset)
    months, rest = months_between(start, end)
    assert add_months(start, months) + dt.timedelta(days=rest) == end
    assert add_months(start, months + 1) > end


@given(days, st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500))
def test_indicator_9_agrees_with_the_bands(start, to_done, extra):
    done = start + dt.timedelta(days=to_done)
    followup = done + dt.timedelta(days=extra)
    score = indicator_9(start, followup, [start, done]).score
    expected = next((s for m, s in INDICATOR_9_MONTHS if followup <= add_months(start, m)), 0)
    assert score == expected
    # never better later
    assert indicator_9(start, followup + dt.timedelta(days=1), [done]).score <= score


def test_band_crossing_names_what_is_lost_and_the_last_date():
    done = [dt.date(2025, 9, 10), dt.date(2025, 9, 20)]  # all done within a month
    assert band_crossing(REPORT, dt.date(2025, 9, 22), done) is None  # last day of 5
    crossing = band_crossing(REPORT, dt.date(2025, 9, 23), done)  # one day late
    assert crossing == Crossing(score=4, possible=5, keep_by=dt.date(2025, 9, 22))
    assert crossing.message() == (
        "Semua rencana tindak lanjut sudah selesai sebelum batas, tetapi tanggal Laporan "
        "Tindak Lanjut melewatinya: indikator 9 turun dari 5 menjadi 4. Terbitkan paling "
        "lambat 22 September 2025 untuk nilai 5."
    )
    # done within 3 months; dated after a year
    late = band_crossing(REPORT, dt.date(2026, 8, 23), [dt.date(2025, 11, 22)])
    assert late == Crossing(score=0, possible=4, keep_by=dt.date(2025, 11, 22))
    # the last item itself crossed the boundary: nothing an earlier date could win
    assert band_crossing(REPORT, dt.date(2025, 9, 25), [dt.date(2025, 9, 23)]) is None
    # nothing to say without the dates or with an item open
    assert band_crossing(REPORT, None, done) is None
    assert band_crossing(None, REPORT, done) is None
    assert band_crossing(REPORT, dt.date(2025, 12, 1), [None, *done]) is None
    assert band_crossing(REPORT, dt.date(2025, 12, 1), []) is None


@given(days, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_band_crossing_keep_by_keeps_the_higher_score(start, to_done, extra):
    done = [start + dt.timedelta(days=to_done)]
    followup = done[0] + dt.timedelta(days=extra)
    crossing = band_crossing(start, followup, done)
    if crossing is None:
        return
    assert crossing.possible > crossing.score == indicator_9(start, followup, done).score
    assert indicator_9(start, crossing.keep_by, done).score == crossing.possible
    assert (
        indicator_9(start, crossing.keep_by + dt.timedelta(days=1), done).score < crossing.possible
    )


@pytest.mark.parametrize(
    ("count", "score"), [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (9, 5)]
)
def test_indicator_7_counts_the_media(count, score):
    assert indicator_7(count).score == score


def test_indicator_7_basis():
    assert indicator_7(5).basis == "Hasil SKM dipublikasikan di 5 media: lebih dari 4."
    assert indicator_7(0).basis == "Hasil SKM belum dipublikasikan di media apa pun."
    with pytest.raises(ValueError):
        indicator_7(-1)


def _six(**kw):
    facts = {
        "surveys": 2,
        "shortfalls": [],
        "non_electronic": 1,
        "electronic": 1,
        "planned": 4,
        "realised": 1,
    }
    return indicator_6(**{**facts, **kw})


def test_indicator_6_ladder():
    assert _six(surveys=0).score == 0
    assert _six(shortfalls=["responden 50, kurang dari sampel 80"]).score == 1
    assert (
        "responden 50, kurang dari sampel 80"
        in _six(shortfalls=["responden 50, kurang dari sampel 80"]).basis
    )
    assert _six(non_electronic=0, electronic=0).score == 2
    # electronic media alone do not reach level 3: the ladder needs non-electronic first
    only_web = _six(non_electronic=0, electronic=3)
    assert only_web.score == 2 and "belum di media non-elektronik" in only_web.basis
    assert _six(electronic=0).score == 3
    assert _six(planned=0, realised=0).score == 4
    assert _six(realised=0).score == 4
    five = _six()
    assert five.score == 5
    assert five.basis == (
        "2 SKM dilaksanakan sesuai PermenPANRB 14/2017; dipublikasikan di 1 media "
        "non-elektronik dan 1 media elektronik; ditindaklanjuti (1 dari 4 rencana "
        "terealisasi)."
    )
    assert "22 September 2025" in completion_speed(REPORT, [dt.date(2025, 9, 22)]).basis


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2025, 8, 22), 12) == dt.date(2026, 8, 22)
