"""Numbers, dates and period names as Indonesian reports print them."""

from __future__ import annotations

import datetime as dt

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
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def number(text: str | None, decimal: str = ".") -> str:
    """A printed figure ("91.83") with the agency's decimal separator; "-" for None.

    The figure is already rounded by skm.method; only the separator changes, so the
    digits are the dashboard's."""
    if text is None:
        return "-"
    if decimal == ",":
        return text.replace(".", ",")
    return text


def date_long(day: dt.date | None) -> str:
    """22 Agustus 2025."""
    if day is None:
        return "-"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def period_label(kind: str, start: dt.date, end: dt.date, name: str) -> str:
    """Semester I Tahun 2025, Triwulan III Tahun 2025, Tahun 2025; else the period's name."""
    if kind == "semester" and start.year == end.year:
        return f"Semester {ROMAN[1 if start.month <= 6 else 2]} Tahun {start.year}"
    if kind == "triwulan" and start.year == end.year:
        return f"Triwulan {ROMAN[(start.month - 1) // 3 + 1]} Tahun {start.year}"
    if kind == "tahun" and start.year == end.year:
        return f"Tahun {start.year}"
    return name


def join_names(names: list[str]) -> str:
    """a, b dan c."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " dan " + names[-1]
