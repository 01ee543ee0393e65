from __future__ import annotations

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse

from skm.org.models import Membership
from skm.surveys.models import Period
from skm.surveys.services import period_create, response_create

Role = Membership.Role


@pytest.fixture(autouse=True)
def publish_urls(settings):
    """Until the lead includes skm.dashboard.publish_urls in skm/dashboard/urls.py."""
    try:
        reverse("dashboard:publish", args=["x"])
    except NoReverseMatch:
        settings.ROOT_URLCONF = "tests.publication.urls"


def add_responses(period, unit, n, *, gender="L", education="SMA", value=4):
    for i in range(n):
        response_create(
            period=period,
            unit=unit,
            channel="paper",
            answers={f"U{k}": value for k in range(1, 10)},
            submitted_at=dt.datetime(2025, 3, 1 + i % 28, 10, tzinfo=dt.UTC),
            gender=gender,
            age=30,
            education=education,
            occupation="SWASTA",
        )


@pytest.fixture
def small_period(unit) -> Period:
    return period_create(
        unit=unit,
        name="Triwulan I 2025",
        kind=Period.Kind.QUARTER,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 3, 31),
        status=Period.Status.CLOSED,
    )
