"""The chart module: self-contained, escaped SVG with its text inside."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from skm.reports.charts import Bar, Series, Svg, bar_chart, count_bars, line_chart

NS = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    """Each <text>'s whole text (the lines of a wrapped label joined by a space)."""
    out = []
    for t in ET.fromstring(svg).iter(f"{NS}text"):
        spans = [s.text or "" for s in t.iter(f"{NS}tspan")]
        out.append(" ".join(spans) if spans else t.text)
    return out


def test_bar_chart_labels_values_priorities_and_grade_lines():
    svg = bar_chart(
        [Bar("U1 Persyaratan", "91.83"), Bar("U3 Waktu", "91.02", True, "(prioritas)")],
        title="IKM per unsur",
    )
    assert isinstance(svg, Svg)
    assert svg.__html__() == str(svg)
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == "IKM per unsur"
    assert _texts(svg) == [
        "C ≥ 65.00",
        "B ≥ 76.61",
        "A ≥ 88.31",
        "U1 Persyaratan",
        "91.83",
        "U3 Waktu",
        "91.02 (prioritas)",
    ]
    assert len([r for r in root.iter(f"{NS}rect") if r.get("class") == "bar marked"]) == 1
    assert len([line for line in root.iter(f"{NS}line") if line.get("class") == "threshold"]) == 3


def test_bar_chart_width_is_proportional_on_the_25_to_100_scale():
    root = ET.fromstring(bar_chart([Bar("a", "100.00"), Bar("b", "62.50")], title="t"))
    widths = [float(r.get("width")) for r in root.iter(f"{NS}rect") if r.get("class") == "bar"]
    assert widths == [330.0, 165.0]


def test_text_is_escaped():
    svg = bar_chart([Bar("<script>&", "50.00")], title='"><b>')
    assert "<script>" not in svg
    assert "&lt;script&gt;&amp;" in svg
    assert ET.fromstring(svg).find(f"{NS}title").text == '"><b>'


def test_missing_value_is_a_dash_not_a_bar():
    root = ET.fromstring(bar_chart([Bar("U1", None)], title="t"))
    assert [r for r in root.iter(f"{NS}rect") if r.get("class") == "bar"] == []
    assert _texts(ET.tostring(root, encoding="unicode"))[-1] == "–"


def test_count_bars_show_count_and_percent():
    svg = count_bars([("Laki-laki", 3, "60.0"), ("Perempuan", 2, "40.0")], title="Jenis kelamin")
    assert _texts(svg) == ["Laki-laki", "3 (60.0%)", "Perempuan", "2 (40.0%)"]


def test_long_count_labels_wrap_whole_words_onto_several_lines():
    long = "Kesehatan Ibu dan Anak (Puskesmas Kramatsari)"
    svg = count_bars([(long, 3, "100.0")], title="Jenis layanan")
    root = ET.fromstring(svg)
    label = next(t for t in root.iter(f"{NS}text") if t.get("class") == "bar-label")
    lines = [s.text for s in label.iter(f"{NS}tspan")]
    assert lines == ["Kesehatan Ibu dan Anak", "(Puskesmas Kramatsari)"]


def test_line_chart_points_labels_and_breaks():
    svg = line_chart(
        ["S2 2024", "S1 2025", "S2 2025"],
        [Series("IKM", ["91.76", None, "93.40"])],
        title="Tren",
    )
    root = ET.fromstring(svg)
    assert len(list(root.iter(f"{NS}circle"))) == 2
    # A missing period breaks the line: no segment joins the two points.
    assert list(root.iter(f"{NS}polyline")) == []
    texts = _texts(svg)
    assert texts[-2:] == ["91.76", "93.40"]
    # gridlines every point from 91 to 94, then the periods
    assert texts[:7] == ["91", "92", "93", "94", "S2 2024", "S1 2025", "S2 2025"]


def test_a_full_bar_keeps_its_whole_value_label_inside_the_chart():
    """A score of 100 with its note ("100.00 (prioritas)") ends where the plot ends; its
    label used to run past the chart's right edge and lose its last letters. Rendered with
    Cairo: the last columns of the image stay blank."""
    import io

    import cairosvg
    from PIL import Image

    svg = bar_chart(
        [Bar("U1 Persyaratan", "100.00", True, "(prioritas)"), Bar("U2", "91.02")], title="t"
    )
    drawn = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=str(svg).encode()))).convert("RGBA")
    image = Image.new("RGBA", drawn.size, "white")
    image.alpha_composite(drawn)
    image = image.convert("L")
    width, height = image.size
    edge = [image.getpixel((x, y)) for x in range(width - 6, width) for y in range(height)]
    assert min(edge) > 200  # nothing dark: the label ends before the edge
    assert "100.00 (prioritas)" in _texts(svg)
