"""The Laporan Tindak Lanjut's PEKPPP checks (issue #14, point 12): a date of signing or a
recorded issue date that crosses a band boundary of indicator 9, and a missing Laporan
Hasil issue date. Shown before printing, never printed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from skm.org.models import Unit
from skm.plans.models import Plan
from skm.plans.services import plan_set_report_date
from skm.reports.checks import report_checks
from skm.surveys.models import Period

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug=DUKCAPIL)
    period = Period.objects.get(unit=unit, slug="semester-i-2025")
    return unit, period, Plan.objects.get(unit=unit, period=period)


def _pekppp(unit, period, signed_on, kind="tindak-lanjut"):
    return [c for c in report_checks(unit, period, kind, signed_on) if c.code.startswith("pekppp")]


def test_a_date_of_signing_past_the_boundary_is_warned_with_the_last_good_date(demo):
    unit, period, plan = demo
    # Laporan Hasil 30 June 2025, every item done 15 August: within 3 months (4) up to
    # 30 September 2025
    plan_set_report_date(plan, dt.date(2025, 6, 30), None)
    assert _pekppp(unit, period, dt.date(2025, 9, 30)) == []
    checks = _pekppp(unit, period, dt.date(2025, 10, 1))
    assert [c.code for c in checks] == ["pekppp-band"]
    message = checks[0].message
    assert "30 September 2025" in message and "1 Oktober 2025" in message
    assert "dari 4 menjadi 3" in message and "tanggal penandatanganan" in message
    # the other documents do not carry this check
    assert _pekppp(unit, period, dt.date(2025, 10, 1), "hasil") == []
    assert _pekppp(unit, period, dt.date(2025, 10, 1), "poster") == []


def test_the_recorded_issue_date_is_checked_too(demo):
    unit, period, plan = demo
    plan_set_report_date(plan, dt.date(2025, 6, 30), dt.date(2025, 12, 1))  # 6 months: 3
    checks = _pekppp(unit, period, dt.date(2025, 8, 22))  # signed in time
    assert len(checks) == 1
    assert "tanggal terbit Laporan Tindak Lanjut di halaman rencana" in checks[0].message
    assert "1 Desember 2025" in checks[0].message and "dari 4 menjadi 3" in checks[0].message
    # the same date as the date of signing: said once
    assert len(_pekppp(unit, period, dt.date(2025, 12, 1))) == 1


def test_a_missing_laporan_hasil_date_is_warned(demo):
    unit, period, plan = demo
    plan_set_report_date(plan, None, None)
    checks = _pekppp(unit, period, dt.date(2025, 8, 22))
    assert [c.code for c in checks] == ["pekppp-date"]
    assert "Tanggal terbit Laporan Hasil SKM belum diisi" in checks[0].message


def test_the_report_page_shows_the_band_warning(client, demo):
    from skm.org.models import Membership
    from tests.conftest import member

    unit, period, _plan = demo
    client.force_login(member(unit, "kepala", Membership.Role.HEAD))
    page = client.get(
        f"/staf/unit/{DUKCAPIL}/laporan/?periode={period.slug}&tanggal=2025-10-01"
    ).content.decode()
    assert "turun dari 4 menjadi 3" in page
