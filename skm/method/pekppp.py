"""The PEKPPP scores of the SKM (Permen PANRB 29/2022, aspect "Kebijakan Pelayanan").

method.md §6: indicator 6 (SKM held per Permen PANRB 14/2017, published, followed up),
indicator 7 (number of publication media), indicator 8 (% of the follow-up plan (RTL)
realised = realised items / planned items x 100) and indicator 9 (speed of the follow-up).
Indicator 9 is scored as the evaluators read it off the documents: from the issue date of
the Laporan Hasil SKM to the issue date of the Laporan Tindak Lanjut, every item done by the
latter. ``completion_speed`` (report date to the last item's completion) is kept as
information beside it. Every function returns the score with its basis in Indonesian, so a
reader can check the score by hand. Exact: percentages are fractions until printed.
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
    "MONTHS",
    "Crossing",
    "Score",
    "add_months",
    "band_crossing",
    "completion_speed",
    "date_text",
    "indicator_6",
    "indicator_7",
    "indicator_8",
    "indicator_9",
    "months_between",
    "months_text",
    "percent_text",
    "realised_percent",
]

# Months after the report within which every item must be done, best score first.
INDICATOR_9_MONTHS: tuple[tuple[int, int], ...] = ((1, 5), (3, 4), (6, 3), (9, 2), (12, 1))
MONTHS = (
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
)


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


def date_text(day: dt.date) -> str:
    """22 Agustus 2025 (the one place month names are written; skm.reports.formatting too
    dates through it)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def completion_speed(report_date: dt.date | None, done_dates: Sequence[dt.date | None]) -> Score:
    """Information beside indicator 9: how soon after ``report_date`` every item was done:
    within 1 month 5, 3 months 4, 6 months 3, 9 months 2, a year 1; otherwise (an item not
    done, done later than a year, no plan, no report date) 0. "Within n months" includes
    the day n calendar months after the report; an item done before the report date counts
    as within a month. Evaluators do not score this (see ``indicator_9``)."""
    if not done_dates:
        return Score(0, "Belum ada rencana tindak lanjut.")
    if report_date is None:
        return Score(0, "Tanggal laporan hasil SKM belum diisi.")
    open_items = sum(1 for d in done_dates if d is None)
    if open_items:
        return Score(0, f"{open_items} rencana tindak lanjut belum selesai.")
    last = max(d for d in done_dates if d is not None)
    basis = (
        f"Semua rencana selesai; yang terakhir pada {date_text(last)}, "
        f"laporan hasil SKM {date_text(report_date)}"
    )
    score, months = _band(report_date, last)
    if score:
        return Score(score, basis + f": dalam {months} bulan.")
    return Score(0, basis + ": lebih dari 1 tahun.")


def _band(start: dt.date, end: dt.date) -> tuple[int, int]:
    """(score, months) of the first band of INDICATOR_9_MONTHS that ``end`` falls in,
    counted from ``start``; (0, 0) beyond a year."""
    for months, score in INDICATOR_9_MONTHS:
        if end <= add_months(start, months):
            return score, months
    return 0, 0


def months_between(start: dt.date, end: dt.date) -> tuple[int, int]:
    """Whole calendar months and remaining days from ``start`` to ``end`` (end not before
    start): 22 August 2025 to 23 September 2025 is (1, 1); to 22 August 2026 (12, 0)."""
    if end < start:
        raise ValueError(f"{end} is before {start}")
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months, (end - add_months(start, months)).days


def months_text(start: dt.date, end: dt.date) -> str:
    """ "1 bulan 1 hari", "2 bulan", "20 hari", "0 hari"."""
    months, days = months_between(start, end)
    parts = [f"{months} bulan"] if months else []
    if days or not months:
        parts.append(f"{days} hari")
    return " ".join(parts)


def indicator_9(
    result_issued: dt.date | None,
    followup_issued: dt.date | None,
    done_dates: Sequence[dt.date | None],
) -> Score:
    """Indicator 9 as the evaluators score it: the time between the issue date of the
    Laporan Hasil SKM (``result_issued``) and that of the Laporan Tindak Lanjut
    (``followup_issued``), every plan item done by the latter's date. Within 1 month 5,
    3 months 4, 6 months 3, 9 months 2, 12 months 1 (up to and including the same day n
    calendar months later); otherwise 0, and 0 without a plan item, without either date,
    with an item not done or done after the Laporan Tindak Lanjut (that report cannot show
    it), or with a Laporan Tindak Lanjut dated before the Laporan Hasil."""
    if not done_dates:
        return Score(0, "Belum ada rencana tindak lanjut.")
    if result_issued is None:
        return Score(0, "Tanggal terbit Laporan Hasil SKM belum diisi.")
    if followup_issued is None:
        return Score(0, "Tanggal terbit Laporan Tindak Lanjut belum diisi.")
    if followup_issued < result_issued:
        return Score(
            0,
            f"Laporan Tindak Lanjut ({date_text(followup_issued)}) bertanggal sebelum "
            f"Laporan Hasil SKM ({date_text(result_issued)}).",
        )
    open_items = sum(1 for d in done_dates if d is None)
    if open_items:
        return Score(0, f"{open_items} rencana tindak lanjut belum selesai.")
    late = sum(1 for d in done_dates if d is not None and d > followup_issued)
    if late:
        return Score(
            0,
            f"{late} rencana tindak lanjut selesai setelah tanggal Laporan Tindak Lanjut "
            f"({date_text(followup_issued)}).",
        )
    basis = (
        f"Laporan Hasil SKM terbit {date_text(result_issued)}, Laporan Tindak Lanjut "
        f"{date_text(followup_issued)} ({months_text(result_issued, followup_issued)}), "
        "semua rencana tindak lanjut selesai"
    )
    score, months = _band(result_issued, followup_issued)
    if score:
        return Score(score, basis + f": dalam {months} bulan.")
    return Score(0, basis + ": lebih dari 12 bulan.")


@dataclass(frozen=True)
class Crossing:
    """A Laporan Tindak Lanjut dated past a band boundary that the work itself met."""

    score: int  # the score at the report's date
    possible: int  # the score an earlier issue date would have kept
    keep_by: dt.date  # the last issue date that keeps ``possible``

    def message(self) -> str:
        return (
            f"Semua rencana tindak lanjut sudah selesai sebelum batas, tetapi tanggal Laporan "
            f"Tindak Lanjut melewatinya: indikator 9 turun dari {self.possible} menjadi "
            f"{self.score}. Terbitkan paling lambat {date_text(self.keep_by)} untuk "
            f"nilai {self.possible}."
        )


def band_crossing(
    result_issued: dt.date | None,
    followup_issued: dt.date | None,
    done_dates: Sequence[dt.date | None],
) -> Crossing | None:
    """When every item was done by a band boundary but the Laporan Tindak Lanjut is dated
    after it (an earlier issue date would have scored higher): the score lost and the last
    date that keeps the higher one. None when nothing is lost (or the report cannot score:
    no plan, no dates, an item not done)."""
    if not done_dates or result_issued is None or followup_issued is None:
        return None
    if any(d is None for d in done_dates) or followup_issued < result_issued:
        return None
    # The report cannot be issued before the last item is done nor before the Laporan Hasil.
    earliest = max([result_issued, *(d for d in done_dates if d is not None)])
    possible, months = _band(result_issued, earliest)
    score = indicator_9(result_issued, followup_issued, done_dates).score
    if possible <= score:
        return None
    return Crossing(score=score, possible=possible, keep_by=add_months(result_issued, months))


def indicator_7(media: int) -> Score:
    """The number of media the results were published on: 0 none, 1 to 4 that number,
    5 more than 4."""
    if media < 0:
        raise ValueError(f"impossible count: {media}")
    if media == 0:
        return Score(0, "Hasil SKM belum dipublikasikan di media apa pun.")
    if media > 4:
        return Score(5, f"Hasil SKM dipublikasikan di {media} media: lebih dari 4.")
    return Score(media, f"Hasil SKM dipublikasikan di {media} media.")


def indicator_6(
    *,
    surveys: int,
    shortfalls: Sequence[str],
    non_electronic: int,
    electronic: int,
    planned: int,
    realised: int,
) -> Score:
    """SKM dilaksanakan sesuai PermenPANRB, a ladder where each step needs the one below:
    0 no survey in the year (``surveys`` = surveys held); 1 a survey, but not as Permen
    PANRB 14/2017 asks (``shortfalls`` names why, e.g. fewer than 9 elements or fewer
    respondents than Krejcie-Morgan requires); 2 held as the Permen asks; 3 and its results
    published on non-electronic media; 4 on non-electronic and electronic media; 5 and
    followed up (a follow-up plan with at least one item realised)."""
    if surveys < 0 or non_electronic < 0 or electronic < 0:
        raise ValueError("impossible counts")
    if surveys == 0:
        return Score(0, "Belum ada SKM yang dilaksanakan pada tahun ini.")
    if shortfalls:
        return Score(
            1,
            "SKM dilaksanakan, tetapi belum sesuai PermenPANRB 14/2017: "
            + "; ".join(shortfalls)
            + ".",
        )
    held = f"{surveys} SKM dilaksanakan sesuai PermenPANRB 14/2017"
    if non_electronic == 0:
        if electronic:
            return Score(
                2,
                held + "; dipublikasikan hanya di media elektronik, belum di media non-elektronik.",
            )
        return Score(2, held + "; hasilnya belum dipublikasikan.")
    published = f"{held}; dipublikasikan di {non_electronic} media non-elektronik"
    if electronic == 0:
        return Score(3, published + ", belum di media elektronik.")
    published += f" dan {electronic} media elektronik"
    if planned == 0:
        return Score(4, published + "; belum ada rencana tindak lanjut.")
    if realised == 0:
        return Score(
            4, published + f"; belum ada dari {planned} rencana tindak lanjut yang terealisasi."
        )
    return Score(
        5, published + f"; ditindaklanjuti ({realised} dari {planned} rencana terealisasi)."
    )
