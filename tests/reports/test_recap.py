"""The Laporan Rekapitulasi IKM (issue #14 point 13): which period counts for each unit, the
ranking, the agency's IKM by its roll-up rule exactly as skm.method computes it, the
readiness matrix naming what each unit still owes, and both formats as Word, LibreOffice
and a PDF reader see them."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document as WordDocument

from skm.method import compute
from skm.method.rollup import mean_of_units
from skm.org.models import Agency, Unit
from skm.org.services import agency_create, unit_create
from skm.plans.services import (
    item_create,
    plan_create,
    plan_finalise,
    plan_set_report_date,
    realisation_update,
)
from skm.reports.documents import ReportUnavailable
from skm.reports.pekppp import unit_levels
from skm.reports.recap import (
    aggregate,
    build_recap,
    choose_periods,
    ranked_rows,
    scope_of,
    span_of,
    span_results,
    unit_labels,
)
from skm.surveys.models import Period
from skm.surveys.selectors import (
    method_elements,
    period_result,
    period_summary,
    questionnaire_elements,
)
from skm.surveys.services import period_create, publication_publish, response_create
from tests.reports import test_docx_word as word

SIGNED = dt.date(2026, 1, 15)
needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext")


def _period(unit, name, start, end, **extra):
    return period_create(
        unit=unit,
        name=name,
        kind=Period.Kind.SEMESTER,
        start_date=start,
        end_date=end,
        status=Period.Status.OPEN,
        **extra,
    )


def _answer(period, unit, scores, times=1):
    codes = [e.code for e in questionnaire_elements(period)]
    when = timezone.make_aware(dt.datetime.combine(period.start_date, dt.time(10)))
    for _ in range(times):
        response_create(
            period=period,
            unit=unit,
            channel="paper",
            answers=dict(zip(codes, scores, strict=True)),
            submitted_at=when,
        )


@pytest.fixture
def city(db):
    """Alfa (two periods in 2025, all 4s in the second), Beta with UPT Beta Satu under it
    (Beta's period covers both; Beta's own answers and the UPT's), Gamma without a period,
    and Delta whose UPT has a period of its own besides Delta's."""
    agency = agency_create(name="Pemerintah Kota Uji", city="Kota Uji")
    alfa = unit_create(agency=agency, name="Dinas Alfa")
    beta = unit_create(agency=agency, name="Dinas Beta")
    upt = unit_create(agency=agency, name="UPT Beta Satu", parent=beta)
    gamma = unit_create(agency=agency, name="Dinas Gamma")
    delta = unit_create(agency=agency, name="Dinas Delta")
    upt_delta = unit_create(agency=agency, name="UPT Delta", parent=delta)
    p = {
        "alfa1": _period(alfa, "Semester I 2025", dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
        "alfa2": _period(alfa, "Semester II 2025", dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
        "beta0": _period(beta, "Tahun 2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        "beta": _period(
            beta, "Tahun 2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), population=500
        ),
        "delta": _period(delta, "Tahun 2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        "upt_delta": _period(
            upt_delta, "Semester I 2025", dt.date(2025, 1, 1), dt.date(2025, 6, 30)
        ),
    }
    _answer(p["alfa1"], alfa, [2] * 9, 2)
    _answer(p["alfa2"], alfa, [4] * 9, 3)
    _answer(p["beta0"], beta, [3] * 9, 2)
    _answer(p["beta"], beta, [4, 4, 3, 4, 4, 4, 4, 3, 3], 4)
    _answer(p["beta"], upt, [3] * 9, 2)
    _answer(p["delta"], delta, [2, 3, 3, 3, 3, 3, 3, 3, 3], 2)
    _answer(p["delta"], upt_delta, [1] * 9, 1)  # counted in Delta's period, not the UPT's
    _answer(p["upt_delta"], upt_delta, [4, 4, 4, 4, 4, 4, 4, 4, 3], 2)
    units = {
        "agency": agency,
        "alfa": alfa,
        "beta": beta,
        "upt": upt,
        "gamma": gamma,
        "delta": delta,
        "upt_delta": upt_delta,
    }
    return units, p


def test_span_dates():
    assert (span_of(2025).start, span_of(2025).end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert (span_of(2025, "S2").start, span_of(2025, "S2").end) == (
        dt.date(2025, 7, 1),
        dt.date(2025, 12, 31),
    )
    assert (span_of(2024, "tw1").start, span_of(2024, "tw1").end) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
    )
    assert span_of(2025, "TW3").label == "Triwulan III Tahun 2025"
    with pytest.raises(ReportUnavailable):
        span_of(2025, "S3")


def test_which_period_counts_for_each_unit(city):
    u, p = city
    chosen = choose_periods(list(u["agency"].units.all()), span_of(2025))
    assert chosen[u["alfa"].pk] == p["alfa2"]  # the latest of its own to end in the year
    assert chosen[u["upt"].pk] == p["beta"]  # covered by the Dinas above it
    assert chosen[u["upt_delta"].pk] == p["upt_delta"]  # its own wins over Delta's
    assert u["gamma"].pk not in chosen
    first_half = choose_periods(list(u["agency"].units.all()), span_of(2025, "S1"))
    assert first_half[u["alfa"].pk] == p["alfa1"]
    assert u["beta"].pk not in first_half  # Beta's year ends in December


def test_ranking_and_each_row_is_the_units_own_results_page(city):
    u, p = city
    scope = scope_of(agency=u["agency"], unit=None)
    results = span_results(scope, span_of(2025))
    rows = ranked_rows(scope, results)
    expected = {
        u["alfa"]: period_result(p["alfa2"], unit=u["alfa"]),
        u["beta"]: period_result(p["beta"], unit=u["beta"]),
        u["upt"]: period_result(p["beta"], unit=u["upt"]),
        u["delta"]: period_result(p["delta"], unit=u["delta"]),
        u["upt_delta"]: period_result(p["upt_delta"], unit=u["upt_delta"]),
    }
    for row in rows:
        if row.unit in expected:
            assert row.data.result.to_dict() == expected[row.unit].to_dict()
    assert [(row.rank, row.unit.name, row.data.ikm_text) for row in rows] == [
        ("1", "Dinas Alfa", "100.00"),
        ("2", "UPT Delta", "97.22"),
        ("3", "Dinas Beta", "86.11"),
        ("4", "UPT Beta Satu", "75.00"),
        ("5", "Dinas Delta", "56.48"),
        ("-", "Dinas Gamma", None),
    ]
    beta = next(row for row in rows if row.unit == u["beta"])
    assert beta.data.result.sample.required == 217  # Krejcie-Morgan of 500, Beta's own period
    assert beta.change == "+11.11"  # from Tahun 2024 (75.00)


def test_equal_ikm_share_a_rank(city):
    u, _p = city
    epsilon = unit_create(agency=u["agency"], name="Dinas Epsilon")
    period = _period(epsilon, "Tahun 2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    _answer(period, epsilon, [4] * 9)
    scope = scope_of(agency=u["agency"], unit=None)
    rows = ranked_rows(scope, span_results(scope, span_of(2025)))
    assert [(row.rank, row.unit.name) for row in rows][:3] == [
        ("1", "Dinas Alfa"),
        ("1", "Dinas Epsilon"),
        ("3", "UPT Delta"),
    ]


def test_agency_ikm_pooled_is_every_respondent_once(city):
    u, p = city
    scope = scope_of(agency=u["agency"], unit=None)
    total = aggregate(scope, span_results(scope, span_of(2025)))
    rows = questionnaire_elements(p["alfa2"])
    # Alfa's second semester, Beta's year (Beta's and the UPT's own answers), Delta's own
    # answers in its year, the UPT Delta's own semester: the one answer the UPT Delta gave
    # in Delta's period is not its counted period's, so it is not pooled.
    pooled = (
        period_summary(p["alfa2"], rows=rows)
        + period_summary(p["beta"], rows=rows)
        + period_summary(p["delta"], unit=u["delta"], rows=rows)
        - period_summary(p["delta"], unit=u["upt_delta"], rows=rows)
        + period_summary(p["upt_delta"], rows=rows)
    )
    expected = compute(pooled, method_elements(rows))
    assert total.rule == Agency.Rollup.POOLED
    assert total.result.to_dict() == expected.to_dict()
    assert total.result.respondents == 3 + 6 + 2 + 2
    assert total.units_used == 5  # Alfa, Beta, UPT Beta Satu, Delta, UPT Delta
    assert total.units_left_out == 1  # Gamma


def test_agency_ikm_mean_of_units(city):
    u, p = city
    agency = u["agency"]
    agency.rollup = Agency.Rollup.MEAN
    agency.save()
    scope = scope_of(agency=Agency.objects.get(pk=agency.pk), unit=None)
    total = aggregate(scope, span_results(scope, span_of(2025)))
    expected = mean_of_units(
        [
            period_result(p["alfa2"], unit=u["alfa"]),
            period_result(p["beta"], unit=u["beta"]),
            period_result(p["delta"], unit=u["delta"]),
        ]
    )
    assert total.result.to_dict() == expected.result.to_dict()
    assert (total.units_used, total.units_left_out) == (3, 1)  # Gamma has no result


def test_unit_recap_equals_the_results_page_rollup(city):
    """A Dinas's recap: its IKM is what its results page shows for its period."""
    from skm.surveys.results import children_results, unit_rollup

    u, p = city
    scope = scope_of(agency=None, unit=u["beta"])
    assert [x.name for x in scope.units] == ["UPT Beta Satu"]
    total = aggregate(scope, span_results(scope, span_of(2025)))
    page = unit_rollup(
        p["beta"], unit=u["beta"], children=children_results(p["beta"], unit=u["beta"])
    )
    assert total.result.to_dict() == page.result.to_dict()


def test_unit_recap_by_the_mean_rule_equals_the_results_page(city):
    """The mean of the units below and the unit's own respondents as one more unit."""
    from skm.surveys.results import children_results, unit_rollup

    u, p = city
    Agency.objects.filter(pk=u["agency"].pk).update(rollup=Agency.Rollup.MEAN)
    beta = Unit.objects.get(pk=u["beta"].pk)
    scope = scope_of(agency=None, unit=beta)
    total = aggregate(scope, span_results(scope, span_of(2025)))
    page = unit_rollup(p["beta"], unit=beta, children=children_results(p["beta"], unit=beta))
    assert page.rule == Agency.Rollup.MEAN
    assert total.result.to_dict() == page.result.to_dict()
    assert (total.units_used, total.units_left_out) == (2, 0)


def test_units_of_the_same_name_are_told_apart(city):
    u, _p = city
    unit_create(agency=u["agency"], name="UPT Laboratorium", parent=u["beta"])
    unit_create(agency=u["agency"], name="UPT Laboratorium", parent=u["delta"])
    labels = unit_labels(scope_of(agency=u["agency"], unit=None))
    assert sorted(v for v in labels.values() if "Laboratorium" in v) == [
        "UPT Laboratorium (Dinas Beta)",
        "UPT Laboratorium (Dinas Delta)",
    ]
    assert labels[u["upt"].pk] == "UPT Beta Satu"


def test_nothing_to_recap(city):
    u, _p = city
    with pytest.raises(ReportUnavailable, match="2019"):
        build_recap(agency=u["agency"], year=2019, fmt="pdf")
    with pytest.raises(ReportUnavailable):
        build_recap(unit=u["alfa"], year=2025, fmt="pdf")  # no unit below it
    with pytest.raises(ReportUnavailable):
        build_recap(agency=u["agency"], unit=u["alfa"], year=2025, fmt="pdf")
    with pytest.raises(ReportUnavailable):
        build_recap(agency=u["agency"], year=2025, part="S5", fmt="pdf")


def _docx_table(document, caption: str) -> list[list[str]]:
    body = list(document.element.body.iterchildren())
    from docx.table import Table

    for index, child in enumerate(body):
        text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
        has_tab = any(t.tag.endswith("}tab") for t in child.iter())
        if child.tag.endswith("}p") and text == caption and not has_tab:
            table = next(c for c in body[index + 1 :] if c.tag.endswith("}tbl"))
            return [[c.text.strip() for c in row.cells] for row in Table(table, document).rows]
    raise AssertionError(caption)


def test_readiness_names_what_each_unit_owes(city):
    u, p = city
    publication_publish(period=p["alfa2"], unit=u["alfa"])
    plan_create(period=p["alfa2"], unit=u["alfa"], user=None)
    # Beta's plan is final and its Laporan Tindak Lanjut issued on 1 February 2026.
    plan = plan_create(period=p["beta"], unit=u["beta"], user=None)
    item = item_create(
        plan.priorities.order_by("position").first(),
        data={"activity": "Menambah loket", "quarters": "1", "year": 2026, "owner_title": "Kasi"},
        user=None,
    )
    realisation_update(
        item,
        status="sudah",
        done_on=dt.date(2026, 1, 20),
        description="Loket ditambah",
        obstacles="",
        user=None,
    )
    plan_finalise(plan, user=None)
    plan_set_report_date(plan, dt.date(2026, 1, 5), dt.date(2026, 2, 1))
    content = build_recap(agency=u["agency"], year=2025, fmt="docx", signed_on=SIGNED).content
    document = WordDocument(io.BytesIO(content))
    matrix = _docx_table(document, "Tabel 3.1. Matriks kesiapan unit")
    assert matrix[0][7:] == ["PEKPPP 6", "PEKPPP 7", "PEKPPP 8", "PEKPPP 9"]
    by_unit = {row[1]: row for row in matrix[1:]}
    for name, row in by_unit.items():
        levels = unit_levels(Unit.objects.get(name=name), 2025)
        assert row[7:] == [str(levels.scores[n].score) for n in (6, 7, 8, 9)], name
    assert by_unit["Dinas Gamma"][2:7] == ["Belum", "-", "-", "-", "-"]
    assert by_unit["Dinas Alfa"][2:7] == ["Semester II 2025", "3", "Ya", "Draf", "Belum"]
    assert by_unit["Dinas Beta"][2:7] == ["Tahun 2025", "6", "Belum", "Ya", "1 Februari 2026"]
    assert by_unit["UPT Beta Satu"][2] == "Tahun 2025 (Dinas Beta)"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Survei belum dilaksanakan (1 unit): Dinas Gamma." in text
    assert "RTL masih draf (1 unit): Dinas Alfa." in text
    assert "Laporan tindak lanjut belum diterbitkan" not in text
    published = "Hasil belum dipublikasikan (4 unit): Dinas Beta, UPT Beta Satu, Dinas Delta dan"
    assert published + " UPT Delta." in text
    ranked = _docx_table(document, "Tabel 2.2. Peringkat IKM unit layanan")
    assert [row[1] for row in ranked[1:]] == [
        "Dinas Alfa",
        "UPT Delta",
        "Dinas Beta",
        "UPT Beta Satu",
        "Dinas Delta",
        "Dinas Gamma",
    ]
    assert ranked[3][:6] == ["3", "Dinas Beta", "6 / 217", "86.11", "B Baik", "+11.11"]


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    return Agency.objects.get(slug="pemkot-pekalongan")


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "rekap.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@needs_pdftotext
def test_demo_recap_pdf(demo, tmp_path):
    content = build_recap(agency=demo, year=2025, fmt="pdf", signed_on=SIGNED).content
    assert content.startswith(b"%PDF")
    text = _pdf_text(content, tmp_path)
    flat = " ".join(text.split())
    assert "LAPORAN REKAPITULASI INDEKS KEPUASAN MASYARAKAT TAHUN 2025" in flat
    dukcapil = Unit.objects.get(slug="dinas-kependudukan-dan-pencatatan-sipil")
    seed = Period.objects.get(unit=dukcapil, slug="semester-i-2025")
    assert period_result(seed, unit=dukcapil).ikm_text == "93.40"
    # ranked: Dukcapil 93.40 first, then the two Puskesmas around their Dinas
    order = [flat.index(name) for name in ("93.40", "88.40", "85.45", "82.15")]
    assert order == sorted(order)
    assert "IKM Pemerintah Kota Pekalongan Tahun 2025 adalah 90.18" in flat
    assert "gabungan 1,034 responden dari 3 unit" in flat
    for heading in ("DAFTAR ISI", "KATA PENGANTAR", "BAB III", "KESIAPAN EVALUASI"):
        assert heading in text
    assert "Kepala Bagian Organisasi" in flat


def test_demo_recap_docx_as_word_reads_it(demo):
    content = build_recap(agency=demo, year=2025, fmt="docx", signed_on=SIGNED).content
    package = zipfile.ZipFile(io.BytesIO(content))
    word._assert_widths(package)
    word.test_header_words_fit_their_columns_and_are_not_hyphenated(package)
    document = WordDocument(io.BytesIO(content))
    headings = [
        p.text.replace("\n", " ") for p in document.paragraphs if p.style.name == "Heading 1"
    ]
    assert headings == [
        "KATA PENGANTAR",
        "BAB I PENDAHULUAN",
        "BAB II HASIL REKAPITULASI",
        "BAB III KESIAPAN EVALUASI",
        "BAB IV PENUTUP",
    ]
    assert (
        document.core_properties.title
        == "Laporan Rekapitulasi IKM Pemerintah Kota Pekalongan Tahun 2025"
    )
    ranked = _docx_table(document, "Tabel 2.2. Peringkat IKM unit layanan")
    assert [row[3] for row in ranked[1:]] == ["93.40", "88.40", "85.45", "82.15"]
    matrix = _docx_table(document, "Tabel 3.1. Matriks kesiapan unit")
    dukcapil = Unit.objects.get(slug="dinas-kependudukan-dan-pencatatan-sipil")
    levels = unit_levels(dukcapil, 2025)
    assert matrix[1][1:] == [
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Semester I 2025",
        "615",
        "Ya",
        "Ya",
        "22 Agustus 2025",  # the demo's Laporan Tindak Lanjut
        *(str(levels.scores[n].score) for n in (6, 7, 8, 9)),
    ]
    # landscape: the ranked table's section is wider than it is tall
    sections = [s for s in document.sections if s.page_width > s.page_height]
    assert len(sections) == 2


def test_unit_recap_in_the_units_number_style(demo):
    """Dinas Kesehatan's recap of its Puskesmas, with a decimal comma set on its profile."""
    from skm.reports.models import ReportProfile

    dinkes = Unit.objects.get(name="Dinas Kesehatan")
    ReportProfile.objects.update_or_create(unit=dinkes, defaults={"decimal": ","})
    content = build_recap(unit=dinkes, year=2025, part="S1", fmt="docx", signed_on=SIGNED).content
    document = WordDocument(io.BytesIO(content))
    ranked = _docx_table(document, "Tabel 2.2. Peringkat IKM unit layanan")
    assert [row[3] for row in ranked[1:]] == ["88,40", "82,15"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "IKM Dinas Kesehatan Semester I Tahun 2025 adalah 85,45" in text
    word._assert_widths(zipfile.ZipFile(io.BytesIO(content)))


def test_libreoffice_converts_the_docx(demo, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install libreoffice-writer-nogui (.ci/run)")
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / "rekap.docx"
    source.write_bytes(build_recap(agency=demo, year=2025, fmt="docx", signed_on=SIGNED).content)
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    converted = (tmp_path / "rekap.pdf").read_bytes()
    assert converted.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        flat = " ".join(_pdf_text(converted, tmp_path).split())
        assert "Matriks kesiapan unit" in flat and "93.40" in flat
