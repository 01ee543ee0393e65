"""Retention: old individual responses go, their counts and results stay; what needs the
individual responses says so instead of showing wrong figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from skm.audit.models import AuditEvent
from skm.org.models import Unit
from skm.surveys.counts import verify
from skm.surveys.models import Answer, CellCount, Period, Response
from skm.surveys.results import profile_breakdowns
from skm.surveys.retention import RawDataRemoved, retention_apply
from skm.surveys.selectors import period_result

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug=DUKCAPIL)
    return unit, Period.objects.get(unit=unit, slug="semester-ii-2024")


def test_old_responses_go_and_the_results_stay(demo):
    unit, old = demo
    before = period_result(old, unit=unit).to_dict()
    profile = [
        (b.name, [(r.key, r.count) for r in b.rows]) for b in profile_breakdowns(old, unit=unit)
    ]
    counts = CellCount.objects.filter(period=old).count()
    # today 2030-01-15 with 5 years: Semester II 2024 (ended 2024-12-31) is due, 2025 is not
    done = retention_apply(years=5, today=dt.date(2030, 1, 15))
    assert [(d.period.pk, d.responses) for d in done] == [(old.pk, 372)]
    assert not Response.objects.filter(period=old).exists()
    assert not Answer.objects.filter(response__period=old).exists()
    assert Response.objects.filter(period__slug="semester-i-2025", period__unit=unit).count() == 615
    old.refresh_from_db()
    assert old.raw_removed_at is not None
    assert CellCount.objects.filter(period=old).count() == counts
    assert period_result(old, unit=unit).to_dict() == before
    assert [
        (b.name, [(r.key, r.count) for r in b.rows]) for b in profile_breakdowns(old, unit=unit)
    ] == profile
    assert verify() == []
    event = AuditEvent.objects.get(model="surveys.response", action="delete")
    assert "372" in event.object_repr and event.unit == unit
    # a second run finds nothing more to do
    assert retention_apply(years=5, today=dt.date(2030, 1, 15)) == []


def test_views_that_need_individual_responses_say_so(demo, admin_client, capsys):
    unit, old = demo
    retention_apply(years=1, today=dt.date(2026, 6, 1))
    old.refresh_from_db()
    page = admin_client.get(
        f"/staf/unit/{DUKCAPIL}/hasil/?periode={old.slug}&dari=2024-08-01"
    ).content.decode()
    assert "dihapus" in page
    assert admin_client.get(f"/staf/unit/{DUKCAPIL}/hasil/?periode={old.slug}").status_code == 200
    with pytest.raises(SystemExit):
        call_command("results", "--unit", DUKCAPIL, "--period", old.slug, "--by", "sex")
    assert "dihapus" in capsys.readouterr().err
    api = admin_client.get(f"/api/v1/results/{DUKCAPIL}/{old.slug}?by=sex")
    assert api.status_code == 409
    with pytest.raises(RawDataRemoved):
        from skm.surveys.selectors import period_tally

        period_tally(old, unit=unit)


def test_open_periods_are_never_touched(demo):
    unit, _old = demo
    current = Period.objects.get(unit=unit, status=Period.Status.OPEN)
    retention_apply(years=1, today=current.end_date + dt.timedelta(days=5 * 366))
    current.refresh_from_db()
    assert current.raw_removed_at is None


def test_the_command(demo, capsys):
    call_command("retention", "--years", "1", "--dry-run")
    out = capsys.readouterr().out
    assert "372" in out and Response.objects.filter(period=demo[1]).exists()


def test_the_privacy_page_is_public_and_states_the_period(client, db, settings):
    settings.RETENTION_YEARS = 4
    page = client.get("/privasi/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "4 tahun" in text and "NIK" in text
