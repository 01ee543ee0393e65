"""Issue #14, points 7 and 8: one number style per document, charts included, with
thousands separators; chart labels never cut mid-word and never shared by two bars; the
trend chart's gridlines at round values that equal their labels, points on the same scale.

Built from the demo's Laporan Hasil in both number styles: the PDF read with pdftotext,
the DOCX with python-docx, and the charts' SVG text."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.management import call_command
from docx import Document

from skm.org.models import Unit
from skm.reports import blocks as b
from skm.reports import formatting as fmt
from skm.reports.charts import Bar, Series, bar_chart, count_bars, line_chart
from skm.reports.documents import build
from skm.reports.models import ReportProfile
from skm.reports.results_report import results_blocks
from skm.surveys.models import Period
from skm.surveys.results import profile_breakdowns
from skm.surveys.selectors import period_result

NS = "{http://www.w3.org/2000/svg}"
STYLES = (".", ",")

# A decimal written in the other style. Thousands groups have exactly three digits, so a
# separator followed by 1, 2 or 4 digits is a decimal separator.
WRONG = {
    ".": re.compile(r"(?<![\d,.])\d{1,3},(?:\d{1,2}|\d{4})(?![\d,])"),
    ",": re.compile(r"(?<![\d,.])\d{1,3}\.(?:\d{2}|\d{4})(?![\d.])"),
}
THOUSANDS = {".": ",", ",": "."}


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug="dinas-kependudukan-dan-pencatatan-sipil")
    return unit, Period.objects.get(unit=unit, slug="semester-i-2025")


def _style(unit, decimal):
    profile, _ = ReportProfile.objects.get_or_create(unit=unit)
    profile.decimal = decimal
    profile.save()


def _svg_texts(svg) -> list[str]:
    """Each <text>'s whole text, its <tspan> lines joined by a space."""
    out = []
    for node in ET.fromstring(str(svg)).iter(f"{NS}text"):
        spans = [s.text or "" for s in node.iter(f"{NS}tspan")]
        out.append(" ".join(spans) if spans else (node.text or ""))
    return out


def _labels(svg, css="bar-label") -> list[tuple[str, list[str]]]:
    """(whole label, its lines) of every bar label."""
    out = []
    for node in ET.fromstring(str(svg)).iter(f"{NS}text"):
        if node.get("class") != css:
            continue
        lines = [s.text or "" for s in node.iter(f"{NS}tspan")] or [node.text or ""]
        out.append((" ".join(lines), lines))
    return out


def _figures(unit, period):
    parts, _ = results_blocks(period, unit)
    return [p.svg for p in parts if isinstance(p, b.Figure)]


def _without_identifiers(text: str) -> str:
    # A NIP and a telephone number in the letterhead ("(0285) 000000") are identifiers,
    # not counts; years are not grouped either.
    text = re.sub(r"\(0\d{2,3}\)\s*\d[\d\s-]*", "", text)
    # A letter's number ("Nomor 400.14/012/2025") is an identifier too.
    text = re.sub(r"\d+(?:[.,]\d+)*(?:/[\w.]+)+", "", text)
    return re.sub(r"NIP\.?\s*\d+", "", text)


def _assert_one_style(text: str, decimal: str, where: str):
    text = _without_identifiers(text)
    wrong = WRONG[decimal].findall(text)
    assert not wrong, f"{where}: numbers in the other style {wrong[:10]}"
    ungrouped = [
        n for n in re.findall(r"(?<![\d.,/])\d{4,}(?![\d.,/])", text) if not 1945 <= int(n) <= 2100
    ]
    assert not ungrouped, f"{where}: counts without a thousands separator {ungrouped[:10]}"


@pytest.mark.parametrize("decimal", STYLES)
def test_the_formatter_groups_thousands_in_the_style(decimal):
    sep = THOUSANDS[decimal]
    assert fmt.count(24000, decimal) == f"24{sep}000"
    assert fmt.count(615, decimal) == "615"
    assert fmt.count(1234567, decimal) == f"1{sep}234{sep}567"
    assert fmt.number("91.83", decimal) == f"91{decimal}83"
    assert fmt.number("12345.6", decimal) == f"12{sep}345{decimal}6"
    assert fmt.number("-1.64", decimal) == f"-1{decimal}64"
    assert fmt.number(None, decimal) == "-"


@pytest.mark.parametrize("decimal", STYLES)
def test_the_docx_prints_one_number_style(demo, decimal):
    unit, period = demo
    _style(unit, decimal)
    document = build("hasil", unit=unit, period=period, fmt="docx")
    docx = Document(io.BytesIO(document.content))
    texts = [p.text for p in docx.paragraphs]
    for table in docx.tables:
        for row in table.rows:
            texts.extend(c.text for c in row.cells)
    text = "\n".join(texts)
    _assert_one_style(text, decimal, "DOCX")
    sep = THOUSANDS[decimal]
    assert f"24{sep}000" in text  # the population
    assert f"1{decimal}96" in text  # the interval's factor
    result = period_result(period, unit=unit)
    assert fmt.number(result.ikm_text, decimal) in text
    sex = next(br for br in profile_breakdowns(period, unit=unit))
    assert fmt.number(sex.rows[0].percent, decimal) in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
@pytest.mark.parametrize("decimal", STYLES)
def test_the_pdf_prints_one_number_style(demo, decimal, tmp_path):
    unit, period = demo
    _style(unit, decimal)
    document = build("hasil", unit=unit, period=period, fmt="pdf")
    path = tmp_path / "hasil.pdf"
    path.write_bytes(document.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    _assert_one_style(text, decimal, "PDF")
    assert f"24{THOUSANDS[decimal]}000" in text


@pytest.mark.parametrize("decimal", STYLES)
def test_the_charts_print_the_documents_number_style(demo, decimal):
    unit, period = demo
    _style(unit, decimal)
    figures = _figures(unit, period)
    assert len(figures) == 7
    for svg in figures:
        _assert_one_style("\n".join(_svg_texts(svg)), decimal, "chart")
    result = period_result(period, unit=unit)
    elements = next(svg for svg in figures if "chart-bars" in str(svg))
    values = "\n".join(_svg_texts(elements))
    for e in result.elements:
        assert fmt.number(e.score_text, decimal) in values


def test_chart_labels_are_whole_and_distinct(demo):
    unit, period = demo
    result = period_result(period, unit=unit)
    intended = {f"{e.code} {e.name}" for e in result.elements}
    for br in profile_breakdowns(period, unit=unit):
        intended |= {r.label for r in br.rows}
    for svg in _figures(unit, period):
        labels = _labels(svg)
        whole = [w for w, _ in labels]
        assert len(whole) == len(set(whole)), f"two bars share a label: {whole}"
        for label, lines in labels:
            assert label in intended, f"label cut or changed: {lines}"
            assert all(line and line == line.strip() for line in lines)


def test_long_labels_wrap_at_word_boundaries():
    long = "Kartu Identitas Anak dan Akta Kelahiran (permohonan baru)"
    other = "Kartu Identitas Anak dan Akta Kematian (permohonan baru)"
    for svg in (
        count_bars([(long, 3, "60.0"), (other, 2, "40.0")], title="Jenis layanan"),
        bar_chart([Bar(long, "91.83"), Bar(other, "92.00")], title="Nilai"),
    ):
        labels = _labels(svg)
        assert [w for w, _ in labels] == [long, other]
        for _, lines in labels:
            assert len(lines) > 1
            assert all(len(line) <= 32 for line in lines)
        # the rows grow with their lines: no two labels overlap
        ys = [
            [float(s.get("y")) for s in node.iter(f"{NS}tspan")]
            for node in ET.fromstring(str(svg)).iter(f"{NS}text")
            if node.get("class") == "bar-label"
        ]
        assert max(ys[0]) < min(ys[1])


def _grid(svg):
    root = ET.fromstring(str(svg))
    lines = [float(n.get("y1")) for n in root.iter(f"{NS}line") if n.get("class") == "grid"]
    labels = [
        n.text for n in root.iter(f"{NS}text") if n.get("class") == "axis" and n.get("x") == "44"
    ]
    return root, lines, labels


@pytest.mark.parametrize(
    "values",
    [["91.76", "93.40"], ["88.31", "93.40", "90.12"], ["60.00", "99.80"], ["93.40"]],
)
@pytest.mark.parametrize("decimal", STYLES)
def test_trend_gridlines_are_round_and_points_sit_on_their_scale(values, decimal):
    svg = line_chart(
        [f"P{i}" for i in range(len(values))],
        [Series("IKM", values)],
        title="Tren",
        decimal=decimal,
    )
    root, ys, labels = _grid(svg)
    assert len(ys) == len(labels) >= 3
    ticks = [Decimal(t.replace(",", ".")) for t in labels]
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    step = steps.pop()
    assert step > 0 and step in {Decimal(s) for s in (1, 2, 5, 10, 20, 25)}
    assert all(t % step == 0 for t in ticks)
    # y is linear in the printed tick values
    (t0, y0), (t1, y1) = (ticks[0], ys[0]), (ticks[-1], ys[-1])
    scale = (y1 - y0) / float(t1 - t0)
    for t, y in zip(ticks, ys, strict=True):
        assert abs(y0 + float(t - t0) * scale - y) < 0.15
    # every point lies between the gridlines of its value, at its place on the scale
    points = [float(c.get("cy")) for c in root.iter(f"{NS}circle")]
    for value, cy in zip(values, points, strict=True):
        assert ticks[0] <= Decimal(value) <= ticks[-1]
        assert abs(y0 + float(Decimal(value) - t0) * scale - cy) < 0.15
    point_labels = [n.text for n in root.iter(f"{NS}text") if n.get("class") == "point-label"]
    assert point_labels == [fmt.number(v, decimal) for v in values]


def test_period_names_wrap_whole_and_never_overlap():
    labels = [f"Triwulan {r} {y}" for y in (2024, 2025) for r in ("I", "II", "III", "IV")]
    svg = line_chart(labels, [Series("IKM", ["90.00"] * 8)], title="Tren")
    root = ET.fromstring(str(svg))
    names = [
        n for n in root.iter(f"{NS}text") if n.get("class") == "axis" and list(n.iter(f"{NS}tspan"))
    ]
    assert [" ".join(s.text for s in n.iter(f"{NS}tspan")) for n in names] == labels
    # 7.5 px a character at 13 px: each name's widest line, centred on its point
    spans = []
    for n in names:
        x = float(n.get("x"))
        half = max(len(s.text) for s in n.iter(f"{NS}tspan")) * 7.5 / 2
        assert n.get("text-anchor") == "middle"
        spans.append((x - half, x + half))
    assert spans[0][0] >= 0 and spans[-1][1] <= 640
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))


def test_two_bars_with_the_same_name_are_told_apart():
    svg = count_bars([("Lainnya", 3, "60.0"), ("Lainnya", 2, "40.0")], title="Pekerjaan")
    assert [w for w, _ in _labels(svg)] == ["Lainnya", "Lainnya (2)"]
