"""How far the follow-up plan (RTL) is carried out, and the PEKPPP scores it earns.

method.md §6 (Permen PANRB 29/2022): % realised = realised items / planned items x 100.
Indicator 8 scores that percentage; indicator 9 scores how soon after the report date all
items were done. Both functions return the score with the basis in Indonesian, so a reader
can check the score by hand. Exact: percentages are fractions until printed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .rounding import round_half_up

__all__ = [
    "INDICATOR_9_MONTHS",
    "Score",
    "add_months",
    "indicator_8",
    "indicator_9",
    "percent_text",
    "realised_percent",
]

# Months after the report within which every item must be done, best score first.
INDICATOR_9_MONTHS: tuple[tuple[int, int], ...] = ((1, 5), (3, 4), (6, 3), (9, 2), (12, 1))


@dataclass(frozen=True)
class Score:
    score: int
    basis: str


def realised_percent(planned: int, realised: int) -> Fraction | None:
    """realised / planned x 100, exact; None without a plan item."""
    if planned < 0 or realised < 0 or realised > planned:
        raise ValueError(f"impossible counts: {realised} of {planned}")
    if planned == 0:
        return None
    return Fraction(realised * 100, planned)


def percent_text(value: Fraction | None, places: int = 2) -> str | None:
    """The percentage printed half-up ("100.00"); None stays None."""
    return None if value is None else str(round_half_up(value, places))


def indicator_8(planned: int, realised: int) -> Score:
    """0 no plan; 1 a plan but nothing done; 2 below 30 %; 3 from 30 % to 80 %;
    4 above 80 %; 5 at 100 %."""
    percent = realised_percent(planned, realised)
    if percent is None:
        return Score(0, "Belum ada rencana tindak lanjut.")
    shown = percent_text(percent)
    basis = f"{realised} dari {planned} rencana tindak lanjut terealisasi ({shown}%)"
    if realised == 0:
        return Score(1, basis + ": ada rencana, belum ada yang terealisasi.")
    if percent < 30:
        return Score(2, basis + ": kurang dari 30%.")
    if percent <= 80:
        return Score(3, basis + ": 30% sampai 80%.")
    if percent < 100:
        return Score(4, basis + ": lebih dari 80%.")
    return Score(5, basis + ": 100%.")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (the month's last day if shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _date_text(day: dt.date) -> str:
    months = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ]
    return f"{day.day} {months[day.month - 1]} {day.year}"


def indicator_9(report_date: dt.date | None, done_dates: Sequence[dt.date | None]) -> Score:
    """How soon after ``report_date`` every item was done: within 1 month 5, 3 months 4,
    6 months 3, 9 months 2, a year 1; otherwise (an item not done, done later than a
    year, no plan, no report date) 0. "Within n months" includes the day n calendar months
    after the report; an item done before the report date counts as within a month."""
    if not done_dates:
        return Score(0, "Belum ada rencana tindak lanjut.")
    if report_date is None:
        return Score(0, "Tanggal laporan hasil SKM belum diisi.")
    open_items = sum(1 for d in done_dates if d is None)
    if open_items:
        return Score(0, f"{open_items} rencana tindak lanjut belum selesai.")
    last = max(d for d in done_dates if d is not None)
    basis = (
        f"Semua rencana selesai; yang terakhir pada {_date_text(last)}, "
        f"laporan hasil SKM {_date_text(report_date)}"
    )
    for months, score in INDICATOR_9_MONTHS:
        if last <= add_months(report_date, months):
            return Score(score, basis + f": dalam {months} bulan.")
    return Score(0, basis + ": lebih dari 1 tahun.")
