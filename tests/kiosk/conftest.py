from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from skm.surveys.kiosks import clear_caches, kiosk_activate, kiosk_create
from skm.surveys.models import Period
from skm.surveys.services import period_create


@pytest.fixture(autouse=True)
def _fresh_caches():
    # The submission path caches questionnaire elements per process; ids repeat between
    # tests once the database is rolled back.
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def open_period(unit) -> Period:
    """An open period covering today (the shared ``period`` fixture lies in 2025)."""
    today = timezone.localdate()
    return period_create(
        unit=unit,
        name="Periode Berjalan",
        kind=Period.Kind.OTHER,
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=30),
        population=500,
        status=Period.Status.OPEN,
    )


@pytest.fixture
def kiosk_and_code(unit):
    return kiosk_create(unit=unit, name="Loket 1")


@pytest.fixture
def kiosk_token(kiosk_and_code):
    _kiosk, code = kiosk_and_code
    kiosk, token = kiosk_activate(code=code)
    return kiosk, token
