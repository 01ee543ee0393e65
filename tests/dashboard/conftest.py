from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from skm.org.models import Membership
from skm.org.services import unit_create
from skm.surveys.models import Period
from skm.surveys.services import period_create

Role = Membership.Role


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Uploads and progress files of each test in its own folder."""
    settings.DATA_DIR = tmp_path
    settings.IMPORT_RUNNER = "thread"
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


def _member(unit, username: str, role: str):
    user = get_user_model().objects.create_user(username=username, password="sandi-rahasia-123")
    Membership.objects.create(user=user, agency=unit.agency, unit=unit, role=role)
    return user


@pytest.fixture
def operator(unit):
    return _member(unit, "operator", Role.OPERATOR)


@pytest.fixture
def manager(unit):
    return _member(unit, "admin-unit", Role.UNIT_ADMIN)


@pytest.fixture
def head(unit):
    return _member(unit, "pimpinan", Role.HEAD)


@pytest.fixture
def stranger(agency):
    """An administrator of another unit of the same agency."""
    other = unit_create(agency=agency, name="Dinas Lain")
    return _member(other, "admin-lain", Role.UNIT_ADMIN)


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client
