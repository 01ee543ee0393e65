from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from skm.org.models import Membership
from skm.surveys.models import Period, Response
from skm.surveys.services import period_create, response_create

Role = Membership.Role
ANSWERS = {f"U{i}": 3 for i in range(1, 10)}


@pytest.fixture
def current_period(unit) -> Period:
    """An open period covering today (the conftest ``period`` lies in 2025)."""
    today = timezone.localdate()
    return period_create(
        unit=unit,
        name="Periode Berjalan",
        kind=Period.Kind.SEMESTER,
        start_date=today - dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=60),
        population=500,
        status=Period.Status.OPEN,
    )


@pytest.fixture
def add_response(current_period, unit):
    """Store a response with a suggestion ``days_ago`` days before now."""

    def add(
        suggestion: str, *, days_ago: float = 1, where=None, service=None, period=None
    ) -> Response:
        return response_create(
            period=period or current_period,
            unit=where or unit,
            channel=Response.Channel.ONLINE,
            answers=ANSWERS,
            service=service,
            submitted_at=timezone.now() - dt.timedelta(days=days_ago),
            suggestion=suggestion,
        )

    return add
