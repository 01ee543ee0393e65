"""The one chart module: every chart of the dashboard and of the reports is drawn here.

Pure functions returning self-contained SVG text (no JavaScript, no library, no Django), so
the same drawing goes inline into a web page, into the HTML that WeasyPrint turns into a
PDF, or into a file. Every label is real SVG text, every string is escaped, and each chart
carries a <title> and <desc>; the caller still puts the same data next to it as a table,
because a table is what screen readers and spreadsheets read.

Values are the printed texts that skm.method produced ("91.83"): a chart only places them,
it never computes a figure a reader could compare with a table. Every number a chart prints
goes through skm.reports.formatting in the document's number style (``decimal``), so a chart
says "49,3%" where the table beside it says "49,3". Labels are never cut: a long one wraps
onto several lines at word boundaries and its row grows (docs/reports.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from html import escape
from itertools import count
from textwrap import wrap

from skm.reports.formatting import count as format_count
from skm.reports.formatting import number

__all__ = ["Bar", "Series", "Svg", "bar_chart", "count_bars", "line_chart", "png", "standalone"]

# Tabel II's lowest printed value of grades C, B and A, drawn as reference lines.
GRADE_LINES: tuple[tuple[str, str], ...] = (("65.00", "C"), ("76.61", "B"), ("88.31", "A"))

_ids = count(1)


class Svg(str):
    """SVG text that template engines may insert as is (Django honours ``__html__``).

    Only this module creates it, and it escapes every piece of text it puts in.
    """

    def __html__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the printed value (None when there is none) and whether it is
    marked (a priority element); ``note`` is printed after the value, e.g. "prioritas"."""

    label: str
    value: str | None
    marked: bool = False
    note: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[str | None]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _open(width: int, height: int, title: str, desc: str, css: str) -> tuple[str, str, str]:
    # Ids must be unique in a page that inlines several charts.
    ident = f"chart{next(_ids)}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d">'
        f'<title id="{ident}-t">{_e(title)}</title><desc id="{ident}-d">{_e(desc)}</desc>'
    )
    return ident, head, "</svg>"


LINE = 15  # px between the lines of a wrapped label (13 px text)
CHAR = 7.5  # px, the mean width of a character of 13 px DejaVu Sans


def _lines(label: str, width: int) -> list[str]:
    """A label wrapped at word boundaries into lines of at most ``width`` characters (a
    single longer word stays whole on its own line: a word is never cut)."""
    return wrap(label, width, break_long_words=False, break_on_hyphens=False) or [""]


def _distinct(labels: Sequence[str]) -> list[str]:
    """Labels made distinct: a repeated one gets " (2)", " (3)"... so that two different
    bars are never labelled identically."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _label(lines: list[str], *, x: float, middle: float, css: str, anchor: str) -> str:
    """A <text> of several <tspan> lines centred vertically on ``middle``."""
    first = middle + 4.5 - (len(lines) - 1) * LINE / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{first + k * LINE:.1f}">{_e(line)}</tspan>'
        for k, line in enumerate(lines)
    )
    return f'<text class="{css}" x="{x:.1f}" y="{first:.1f}" text-anchor="{anchor}">{spans}</text>'


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    desc: str = "",
    low: str = "25",
    high: str = "100",
    grade_lines: bool = True,
    decimal: str = ".",
) -> Svg:
    """Horizontal bars of printed values on a fixed scale (25..100 for scores and IKM),
    with the grade thresholds of Tabel II as dashed lines and marked bars drawn darker,
    hatched and labelled, so that the marking does not rest on colour alone. Labels wrap
    at word boundaries (about 30 characters a line) and the row grows with them."""
    lo, hi = Decimal(low), Decimal(high)
    values = [number(b.value, decimal) + (f" {b.note}" if b.note else "") for b in bars]
    # The value label stands right of its bar: a full bar's "100.00 (prioritas)" needs
    # room beyond the plot (about 8 px a character in bold DejaVu Sans at 13 px).
    right = max(120, 10 + 8 * max((len(v) for v in values), default=0))
    left, top = 250, 40
    plot = 700 - left - right
    wrapped = [_lines(label, 30) for label in _distinct([bar.label for bar in bars])]
    rows = [max(30, LINE * len(lines) + 12) for lines in wrapped]
    height = top + sum(rows) + 10
    ident, head, tail = _open(700, height, title, desc, "chart-bars")

    def x(value: Decimal) -> Decimal:
        clamped = min(max(value, lo), hi)
        return left + (clamped - lo) / (hi - lo) * plot

    parts = [
        head,
        f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="3" height="6" class="hatch"/></pattern>'
        "</defs>",
    ]
    if grade_lines:
        for n, (value, letter) in enumerate(GRADE_LINES):
            if lo < Decimal(value) < hi:
                px = f"{x(Decimal(value)):.1f}"
                # Neighbouring labels alternate between two rows so they never overlap.
                parts.append(
                    f'<line class="threshold" x1="{px}" y1="{top - 6 - 14 * (n % 2)}" '
                    f'x2="{px}" y2="{height - 6}"/>'
                    f'<text class="threshold-label" x="{px}" y="{top - 24 + 14 * ((n + 1) % 2)}" '
                    f'text-anchor="middle">{_e(letter)} ≥ {_e(number(value, decimal))}</text>'
                )
    y = top
    for bar, lines, row, label in zip(bars, wrapped, rows, values, strict=True):
        middle = y + row / 2
        parts.append(_label(lines, x=left - 8, middle=middle, css="bar-label", anchor="end"))
        if bar.value is None:
            parts.append(f'<text class="bar-value" x="{left + 4}" y="{middle + 4.5:.1f}">–</text>')
            y += row
            continue
        end = x(Decimal(bar.value))
        kind = "bar marked" if bar.marked else "bar"
        parts.append(
            f'<rect class="{kind}" x="{left}" y="{middle - 10:.1f}" width="{end - left:.1f}" '
            'height="20"/>'
        )
        if bar.marked:
            parts.append(
                f'<rect class="bar-hatch" x="{left}" y="{middle - 10:.1f}" '
                f'width="{end - left:.1f}" height="20" fill="url(#{ident}-hatch)"/>'
            )
        parts.append(
            f'<text class="bar-value{" marked" if bar.marked else ""}" x="{end + 6:.1f}" '
            f'y="{middle + 4.5:.1f}">{_e(label)}</text>'
        )
        y += row
    parts.append(tail)
    return Svg("".join(parts))


def count_bars(
    rows: Sequence[tuple[str, int, str]], *, title: str, desc: str = "", decimal: str = "."
) -> Svg:
    """Simple bars for counts (respondent profile): (label, count, printed percentage).
    Labels wrap at word boundaries (about 24 characters a line), never cut."""
    left, right, top = 200, 110, 6
    plot = 520 - left - right
    wrapped = [_lines(label, 24) for label in _distinct([label for label, _, _ in rows])]
    heights = [max(28, LINE * len(lines) + 10) for lines in wrapped]
    height = top + (sum(heights) or 28) + 6
    most = max((n for _, n, _ in rows), default=0) or 1
    _, head, tail = _open(520, height, title, desc, "chart-counts")
    parts = [head]
    y = top
    for (_, n, percent), lines, row in zip(rows, wrapped, heights, strict=True):
        middle = y + row / 2
        width = plot * n / most
        parts.append(
            _label(lines, x=left - 8, middle=middle, css="bar-label", anchor="end")
            + f'<rect class="bar" x="{left}" y="{middle - 9:.1f}" width="{width:.1f}" '
            'height="18"/>'
            f'<text class="bar-value" x="{left + width + 6:.1f}" y="{middle + 4.5:.1f}">'
            f"{_e(format_count(n, decimal))} ({_e(number(percent, decimal))}%)</text>"
        )
        y += row
    parts.append(tail)
    return Svg("".join(parts))


STEPS = (1, 2, 5, 10, 20, 25)


def _scale(values: Sequence[Decimal], low: str | None, high: str | None):
    """(lo, hi, step) of a trend chart's y axis: gridlines every ``step`` points (1, 2, 5,
    10, 20 or 25, the smallest that needs at most six intervals), lo and hi on gridlines,
    the values inside. An explicit ``low``/``high`` is kept and widened to the grid."""
    floor = min(values, default=Decimal(25))
    ceiling = max(values, default=Decimal(100))
    if low is not None:
        floor = min(floor, Decimal(low))
    if high is not None:
        ceiling = max(ceiling, Decimal(high))
    for step in STEPS:
        lo = (floor / step).to_integral_value(rounding=ROUND_FLOOR) * step
        hi = (ceiling / step).to_integral_value(rounding=ROUND_CEILING) * step
        if (hi - lo) / step <= 6:
            break
    # At least two intervals, so a single value or a flat line still has a scale around it.
    while (hi - lo) / step < 2:
        if lo - step >= 0:
            lo -= step
        else:
            hi += step
    return lo, hi, step


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    desc: str = "",
    low: str | None = None,
    high: str | None = None,
    decimal: str = ".",
) -> Svg:
    """Lines across periods (``labels`` on the x axis), each point labelled with its value;
    a missing value breaks the line. The y axis is zoomed on the values (so that small
    changes stay visible) with gridlines at round values (every 1, 2, 5... points), each
    labelled with exactly its value, and the points placed on the same scale."""
    values = [Decimal(v) for s in series for v in s.values if v is not None]
    lo, hi, step = _scale(values, low, high)
    width, height, left, right, top, bottom = 640, 300, 50, 20, 24, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    # Period names wrap at word boundaries when the periods stand close together, and the
    # first and last periods stand in from the axes by half their name, so that every name
    # is centred under its point without touching its neighbour or the edge.
    many = len(labels) > 1
    per_line = max(8, int(plot_w / max(len(labels) - 1, 1) * 0.9 / CHAR))
    names = [_lines(label, per_line) for label in labels]
    widest = max((len(line) for lines in names for line in lines), default=0)
    inset = min(plot_w / 4, widest * CHAR / 2 + 4) if many else 0
    gap = (plot_w - 2 * inset) / max(len(labels) - 1, 1)
    per_line = max(8, int(gap * 0.9 / CHAR))
    names = [_lines(label, per_line) for label in labels]
    _, head, tail = _open(width, height, title, desc, "chart-lines")

    def px(i: int) -> float:
        return left + (inset + gap * i if many else plot_w / 2)

    def py(value: Decimal) -> float:
        return float(top + (hi - min(max(value, lo), hi)) / (hi - lo) * plot_h)

    parts = [head]
    tick = lo
    while tick <= hi:
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{py(tick):.1f}" '
            f'y2="{py(tick):.1f}"/>'
            f'<text class="axis" x="{left - 6}" y="{py(tick) + 4:.1f}" '
            f'text-anchor="end">{_e(number(str(int(tick)), decimal))}</text>'
        )
        tick += step

    def anchor(i: int) -> str:
        return "middle"

    for i, lines in enumerate(names):
        parts.append(
            _label(
                lines,
                x=px(i),
                middle=height - bottom + 16 + (len(lines) - 1) * LINE / 2,
                css="axis",
                anchor=anchor(i),
            )
        )
    for n, line in enumerate(series):
        points: list[list[tuple[float, float, str, int]]] = [[]]
        for i, value in enumerate(line.values):
            if value is None:
                points.append([])
                continue
            points[-1].append((px(i), py(Decimal(value)), value, i))
        for run in points:
            if len(run) > 1:
                path = " ".join(f"{a:.1f},{b:.1f}" for a, b, _, _ in run)
                parts.append(f'<polyline class="line line-{n % 4}" points="{path}"/>')
            for a, b, value, i in run:
                parts.append(
                    f'<circle class="point line-{n % 4}" cx="{a:.1f}" cy="{b:.1f}" r="4"/>'
                    f'<text class="point-label" x="{a:.1f}" y="{b - 9:.1f}" '
                    f'text-anchor="{anchor(i)}">'
                    f"{_e(number(value, decimal))}</text>"
                )
    if len(series) > 1:
        for n, line in enumerate(series):
            x0 = left + n * 150
            parts.append(
                f'<rect class="legend line-{n % 4}" x="{x0}" y="{height - 22}" width="14" '
                f'height="4"/><text class="axis" x="{x0 + 20}" y="{height - 16}">'
                f"{_e(line.name)}</text>"
            )
    parts.append(tail)
    return Svg("".join(parts))


# The dashboard styles charts from its stylesheet (results.css); a chart that travels alone
# (into a report, or rasterised for a Word document) carries the same look inline.
STANDALONE_CSS = (
    "svg{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;font-size:13px}"
    ".bar{fill:#6b8fb5}.bar.marked{fill:#a3471f}.hatch{fill:rgba(255,255,255,.35)}"
    ".bar-label,.bar-value,.axis,.point-label,.threshold-label{fill:#1b1b1b}"
    ".bar-value.marked{font-weight:700;fill:#7a2e10}"
    ".threshold{stroke:#555;stroke-width:1;stroke-dasharray:4 3}.threshold-label{font-size:11px}"
    ".grid{stroke:#ddd;stroke-width:1}.line{fill:none;stroke-width:2.5}"
    ".line-0{stroke:#1f5f99;fill:#1f5f99}.line-1{stroke:#a3471f;fill:#a3471f}"
    ".line-2{stroke:#3c7a3c;fill:#3c7a3c}.line-3{stroke:#6a4a8c;fill:#6a4a8c}"
    "polyline.line{fill:none}.point-label{font-weight:700}"
)


def standalone(svg: Svg) -> Svg:
    """The chart with its styles inside, for use outside the dashboard's pages."""
    text = str(svg)
    end = text.index(">") + 1
    return Svg(text[:end] + f"<style>{STANDALONE_CSS}</style>" + text[end:])


def png(svg: Svg, width_px: int = 1600) -> bytes | None:
    """The chart as PNG for documents that cannot hold SVG (Word); None when the Cairo
    library is missing (the document then keeps the table that always goes with a chart)."""
    try:
        import cairosvg
    except (ImportError, OSError):
        return None
    return cairosvg.svg2png(bytestring=str(standalone(svg)).encode(), output_width=width_px)
