from __future__ import annotations

import datetime as dt

import pytest

from skm.surveys.models import Period, Response
from skm.surveys.services import period_create, response_create

# Per respondent pattern, U3 < U7 < U9 < the rest: the seed's priorities.
LOW = {"U3": 2, "U7": 3, "U9": 3}


def store(period, unit, n=10, *, low=LOW, when=None, suggestion=""):
    for i in range(n):
        answers = {f"U{k}": 4 for k in range(1, 10)}
        answers.update(low)
        if i % 2:
            answers["U9"] = 4  # U9 a little better than U7
        response_create(
            period=period,
            unit=unit,
            channel=Response.Channel.PAPER,
            answers=answers,
            submitted_at=when or dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC),
            suggestion=suggestion,
        )


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def surveyed(period, unit) -> Period:
    """The conftest period (Semester I 2025) with responses whose lowest are U3, U7, U9."""
    store(period, unit)
    return period


@pytest.fixture
def next_period(unit) -> Period:
    period = period_create(
        unit=unit,
        name="Semester II 2025",
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2025, 7, 1),
        end_date=dt.date(2025, 12, 31),
        population=1000,
        status=Period.Status.OPEN,
    )
    store(
        period, unit, low={"U3": 3, "U7": 3, "U9": 4}, when=dt.datetime(2025, 8, 1, tzinfo=dt.UTC)
    )
    return period


def item_data(**extra):
    data = {
        "activity": "Memberikan pembinaan agar pelayanan dimulai tepat waktu.",
        "quarters": "34",
        "year": 2025,
        "horizon": "pendek",
        "owner_title": "Kepala Dinas",
    }
    data.update(extra)
    return data
