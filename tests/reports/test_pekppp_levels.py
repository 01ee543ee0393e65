"""unit_levels: what a unit states and scores for PEKPPP evaluation year N (docs/reports.md
"PEKPPP"); the evidence pack and the agency recap print it."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skm.plans.services import (
    item_create,
    plan_create,
    plan_finalise,
    plan_set_report_date,
    realisation_update,
)
from skm.reports.models import ReportProfile
from skm.reports.pekppp import realisation_formula, unit_levels
from skm.reports.services import publication_medium_add
from skm.surveys.models import Period, Response
from skm.surveys.services import period_create, response_create

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _period(unit, name, start, end, *, population=10, n=10, closed=True, low=2):
    period = period_create(
        unit=unit,
        name=name,
        kind=Period.Kind.SEMESTER,
        start_date=start,
        end_date=end,
        population=population,
        status=Period.Status.OPEN,
    )
    for i in range(n):
        answers = {f"U{k}": 4 for k in range(1, 10)}
        answers["U3"] = low if i % 2 else 4
        response_create(
            period=period,
            unit=unit,
            channel=Response.Channel.PAPER,
            answers=answers,
            submitted_at=dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC),
        )
    if closed:
        Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
        period.refresh_from_db()
    return period


def _plan(period, unit, done: list[dt.date | None]):
    plan = plan_create(period=period, unit=unit, user=None)
    priority = plan.priorities.first()
    items = [
        item_create(
            priority,
            data={
                "activity": f"Kegiatan {i}",
                "quarters": "1",
                "year": 2026,
                "owner_title": "Kepala",
            },
            user=None,
        )
        for i in range(len(done))
    ]
    plan_finalise(plan, user=None)
    for item, day in zip(items, done, strict=True):
        if day is not None:
            realisation_update(
                item,
                status="sudah",
                done_on=day,
                description="Selesai",
                obstacles="",
                user=None,
                today=day,
            )
    plan.refresh_from_db()
    return plan


def _medium(unit, kind, day, *, url="", capture=True, period=None):
    return publication_medium_add(
        unit=unit,
        period=period,
        kind=kind,
        published_on=day,
        url=url,
        upload=SimpleUploadedFile("c.pdf", PDF) if capture else None,
    )


@pytest.fixture
def world(unit):
    old = _period(unit, "Semester II 2024", dt.date(2024, 7, 1), dt.date(2024, 12, 31))
    first = _period(unit, "Semester I 2025", dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    second = _period(unit, "Semester II 2025", dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    current = _period(
        unit, "Semester I 2026", dt.date(2026, 1, 1), dt.date(2026, 6, 30), n=0, closed=False
    )
    plan = _plan(second, unit, [dt.date(2026, 1, 20), dt.date(2026, 2, 10)])
    plan_set_report_date(plan, dt.date(2026, 1, 10), dt.date(2026, 3, 15))
    _medium(unit, "poster", dt.date(2026, 1, 15), period=second)
    _medium(unit, "social", dt.date(2026, 1, 20), url="https://www.instagram.com/dinas/p/1")
    _medium(unit, "social", dt.date(2026, 1, 21), url="https://facebook.com/dinas/1", capture=False)
    _medium(unit, "poster", dt.date(2026, 2, 1))  # a second poster: the same medium
    _medium(unit, "website", dt.date(2024, 3, 1))  # before N-1: not counted
    return {"old": old, "first": first, "second": second, "current": current, "plan": plan}


def test_levels_of_a_unit_that_did_everything(unit, world):
    levels = unit_levels(unit, 2026)
    assert levels.periods == [world["first"], world["second"], world["current"]]
    assert levels.periods_in_year == 1
    assert levels.last_result.period == world["second"]
    # a new unit's number style: the Indonesian comma
    assert levels.last_result.ikm == "97,22" and levels.last_result.grade == "A"
    assert levels.last_result.text == "97,22 (A, Sangat Baik), Semester II 2025"
    assert [m.published_on.year for m in levels.media] == [2026] * 4
    assert levels.media_count == 3  # poster, Instagram, Facebook
    assert levels.plans == [world["plan"]]
    assert (levels.planned, levels.realised, levels.percent_realised) == (2, 2, Fraction(100))
    assert levels.formula == (
        "Persentase RTL yang ditindaklanjuti = jumlah RTL yang terealisasi / jumlah RTL yang "
        "direncanakan × 100% = 2/2 × 100% = 100%"
    )
    assert levels.months_between_reports == "2 bulan 5 hari"
    assert levels.indicator_6.score == 5
    assert "1 media non-elektronik dan 2 media elektronik" in levels.indicator_6.basis
    assert levels.indicator_7.score == 3
    assert levels.indicator_8.score == 5
    # 10 January to 15 March: within 3 months
    assert levels.indicator_9.score == 4
    assert levels.completion.score == 5  # information: the last item 10 February
    assert levels.scores[9] == levels.indicator_9
    warnings = "\n".join(levels.warnings)
    # all items were done by 10 February: a Laporan Tindak Lanjut of that date scored 5
    assert "turun dari 5 menjadi 4" in warnings and "10 Februari 2026" in warnings
    assert "Semester I 2026 belum memiliki responden" in warnings
    assert "Media Media sosial (21 Januari 2026) belum memiliki tangkapan" in warnings


def test_the_unit_number_style_and_a_partial_plan(unit, world):
    ReportProfile.objects.create(unit=unit, decimal=".")  # the seed's point, chosen
    plan = world["plan"]
    item = plan.priorities.first().items.order_by("position").first()
    realisation_update(item, status="belum", done_on=None, description="", obstacles="", user=None)
    levels = unit_levels(unit, 2026)
    assert levels.last_result.ikm == "97.22"
    assert levels.percent_realised == Fraction(50)
    assert levels.formula.endswith("= 1/2 × 100% = 50%")
    assert realisation_formula(3, 2, ",").endswith("= 2/3 × 100% = 66,67%")
    assert realisation_formula(0, 0) is None
    assert levels.indicator_8.score == 3
    assert levels.indicator_9.score == 0 and "belum selesai" in levels.indicator_9.basis
    assert levels.indicator_6.score == 5  # followed up: one item realised


def test_a_unit_with_nothing_scores_zero_and_says_what_is_missing(unit):
    levels = unit_levels(unit, 2026)
    assert levels.periods == [] and levels.last_result is None and levels.plans == []
    assert [s.score for s in levels.scores.values()] == [0, 0, 0, 0]
    assert levels.percent_realised is None and levels.formula is None
    assert levels.months_between_reports is None and levels.completion is None
    warnings = "\n".join(levels.warnings)
    assert "Belum ada media publikasi" in warnings
    assert "Belum ada rencana tindak lanjut (RTL) dari SKM tahun 2025" in warnings


def test_a_survey_below_the_krejcie_morgan_sample_is_level_1(unit):
    _period(unit, "Semester II 2025", dt.date(2025, 7, 1), dt.date(2025, 12, 31), population=1000)
    _medium(unit, "poster", dt.date(2026, 1, 15))
    levels = unit_levels(unit, 2026)
    assert levels.indicator_6.score == 1
    assert "10 responden, kurang dari sampel minimal 278" in levels.indicator_6.basis
    assert "populasi 1.000" in levels.indicator_6.basis  # the unit's number style
    # a later survey that reaches its sample does not hide the earlier one
    _period(unit, "Semester I 2026", dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    levels = unit_levels(unit, 2026)
    assert levels.indicator_6.score == 1
    assert levels.indicator_6.basis.count("responden") == 1
    assert "Semester II 2025: 10 responden" in levels.indicator_6.basis


def test_only_electronic_media_stay_at_level_2_and_a_draft_plan_is_warned(unit):
    period = _period(unit, "Semester II 2025", dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    _medium(unit, "website", dt.date(2026, 1, 15), url="https://dinas.go.id/ikm")
    plan_create(period=period, unit=unit, user=None)
    levels = unit_levels(unit, 2026)
    assert levels.indicator_6.score == 2 and levels.indicator_7.score == 1
    warnings = "\n".join(levels.warnings)
    assert "masih draf" in warnings
    assert "Tanggal terbit Laporan Tindak Lanjut Semester II 2025 belum diisi" in warnings


def test_the_plan_of_n_minus_1_wins_else_the_latest_of_n(unit):
    a = _period(unit, "Semester I 2025", dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    b = _period(unit, "Semester I 2026", dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    plan_b = plan_create(period=b, unit=unit, user=None)
    assert unit_levels(unit, 2026).plans == [plan_b]  # no plan of 2025 yet
    plan_a = plan_create(period=a, unit=unit, user=None)
    assert unit_levels(unit, 2026).plans == [plan_a]
    assert unit_levels(unit, 2027).plans == [plan_b]


def test_the_demo_states_its_levels(settings, tmp_path, db):
    from django.core.management import call_command

    from skm.org.models import Unit

    call_command("demo")
    unit = Unit.objects.get(slug="dinas-kependudukan-dan-pencatatan-sipil")
    levels = unit_levels(unit, 2026)
    assert [p.period.slug for p in levels.plans] == ["semester-i-2025"]
    # the seed: 5 of 5 items done on 15 August; Laporan Hasil 30 June, Tindak Lanjut 22 August
    assert levels.formula.endswith("= 5/5 × 100% = 100%")
    assert levels.months_between_reports == "1 bulan 23 hari"
    assert levels.indicator_8.score == 5 and levels.indicator_9.score == 4
    assert levels.media_count == 4 and levels.indicator_7.score == 4
    assert all(m.has_capture for m in levels.media)
    assert levels.indicator_6.score == 5
    assert levels.last_result.text == "93.40 (A, Sangat Baik), Semester I 2025"
    assert not [w for w in levels.warnings if "Laporan" in w or "tangkapan" in w]
