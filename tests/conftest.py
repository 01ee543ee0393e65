from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from hypothesis import settings as hypothesis_settings

from skm.org.models import Agency, Membership, Service, Unit
from skm.org.services import agency_create, service_create, unit_create
from skm.surveys.models import Period
from skm.surveys.services import period_create

# Speed is measured in bench/, never asserted in tests: no per-example deadline, so that a
# loaded CI machine cannot fail a property test for being slow.
hypothesis_settings.register_profile("skm", deadline=None)
hypothesis_settings.load_profile("skm")


@pytest.fixture
def agency(db) -> Agency:
    return agency_create(name="Pemerintah Kota Contoh", city="Kota Contoh")


@pytest.fixture
def unit(agency) -> Unit:
    return unit_create(agency=agency, name="Dinas Contoh")


@pytest.fixture
def child(agency, unit) -> Unit:
    return unit_create(agency=agency, name="UPT Contoh", parent=unit)


@pytest.fixture
def service(unit) -> Service:
    return service_create(unit=unit, name="KTP-el")


@pytest.fixture
def period(unit) -> Period:
    return period_create(
        unit=unit,
        name="Semester I 2025",
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 6, 30),
        population=1000,
        status=Period.Status.OPEN,
    )


Role = Membership.Role


def member(unit: Unit, username: str, role: str):
    """A user holding ``role`` on ``unit`` (password "sandi-rahasia-123")."""
    user = get_user_model().objects.create_user(username=username, password="sandi-rahasia-123")
    Membership.objects.create(user=user, agency=unit.agency, unit=unit, role=role)
    return user


@pytest.fixture
def operator(unit):
    return member(unit, "operator", Role.OPERATOR)


@pytest.fixture
def manager(unit):
    return member(unit, "admin-unit", Role.UNIT_ADMIN)


@pytest.fixture
def head(unit):
    return member(unit, "pimpinan", Role.HEAD)


@pytest.fixture
def other_unit(agency) -> Unit:
    return unit_create(agency=agency, name="Dinas Lain")


@pytest.fixture
def stranger(other_unit):
    """An administrator of another unit of the same agency."""
    return member(other_unit, "admin-lain", Role.UNIT_ADMIN)
