from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse

from skm.org.models import Membership
from skm.org.services import unit_create
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


def _member(unit, username: str, role: str):
    user = get_user_model().objects.create_user(username=username, password="sandi-rahasia-123")
    Membership.objects.create(user=user, agency=unit.agency, unit=unit, role=role)
    return user


@pytest.fixture
def manager(unit):
    return _member(unit, "admin-unit", Role.UNIT_ADMIN)


@pytest.fixture
def operator(unit):
    return _member(unit, "operator", Role.OPERATOR)


@pytest.fixture
def stranger(agency):
    other = unit_create(agency=agency, name="Dinas Lain")
    return _member(other, "admin-lain", Role.UNIT_ADMIN)
