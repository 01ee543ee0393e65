from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from skm.org.models import Membership
from skm.surveys.models import Period
from skm.surveys.services import period_create

Role = Membership.Role


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Uploads and progress files of each test in its own folder."""
    settings.DATA_DIR = tmp_path
    return tmp_path


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
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client
