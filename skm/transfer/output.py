"""Plain-text and JSON renderings of a survey result, shared by `skm ikm` and `skm results`.

Pure (no Django) so both commands print byte-identical output for the same result. Numbers
are the result's own printed texts (``nrr_text``, ``score_text``, ``ikm_text``...), exactly
as in the JSON, so a number copied from the terminal matches the API and the reports digit
for digit; nothing is recomputed or re-rounded here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from fractions import Fraction

from skm.method import SurveyResult
from skm.method.rounding import round_half_up

__all__ = ["render_json", "render_table"]

_DASH = "-"
TABLE_HEADER = ("No", "Unsur", "NRR", "IKM", "Mutu Layanan", "Kinerja")
# Right-aligned columns: the numbers, so that their decimal points line up.
_RIGHT = frozenset({0, 2, 3})


def _number(text: str | None) -> str:
    return _DASH if text is None else text


def _count(value: int) -> str:
    # No thousands separator: next to decimal points, "100.000" or "100,000" would each be
    # misread by some readers.
    return str(value)


def _weight_text(weight: Fraction) -> str:
    """An exact weight as a short decimal when it terminates, else a fraction."""
    for places in range(7):
        if (weight * 10**places).denominator == 1:
            return _number(str(round_half_up(weight, places)))
    return f"{weight.numerator}/{weight.denominator}"


def _weighting_text(result: SurveyResult) -> str:
    n = len(result.elements)
    weights = result.weights
    if result.weighting == "exact":
        return f"exact (1/{n} per unsur)"
    if result.weighting in ("0.111", "0.11"):
        total = sum(weights, Fraction(0))
        return f"{result.weighting} per unsur (konvensi lama; jumlah bobot {_weight_text(total)})"
    parts = [f"{e.code} {_weight_text(w)}" for e, w in zip(result.elements, weights, strict=True)]
    return f"{result.weighting}: " + "; ".join(parts)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            c.rjust(w) if i in _RIGHT else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return " | ".join(padded).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    return [line(rows[0]), rule, *(line(r) for r in rows[1:])]


def render_table(result: SurveyResult, *, file_label: str | None = None) -> str:
    """The seed report's Tabel 1 (one row per element) followed by the summary lines."""
    rows: list[tuple[str, ...]] = [TABLE_HEADER]
    for number, element in enumerate(result.elements, 1):
        rows.append(
            (
                str(number),
                element.name,
                _number(element.nrr_text),
                _number(element.score_text),
                element.grade.letter if element.grade else _DASH,
                element.grade.performance if element.grade else _DASH,
            )
        )

    lines: list[str] = []
    if file_label:
        lines += [f"Hasil Survei Kepuasan Masyarakat: {file_label}", ""]
    lines += _table(rows)
    lines.append("")

    if result.ikm_text is None:
        missing = [e.code for e in result.elements if e.score_text is None]
        reason = f"unsur tanpa jawaban: {', '.join(missing)}" if missing else "belum ada responden"
        ikm = f"{_DASH} (tidak dapat dihitung; {reason})"
    else:
        grade = result.grade
        ikm = _number(result.ikm_text)
        if grade is not None:
            ikm += f" (mutu {grade.letter}, {grade.performance})"
    # As the results page: no interval below a sufficient sample (docs/cycle.md).
    ci95 = (
        f"{_number(result.ci95[0])} - {_number(result.ci95[1])}"
        if result.ci95 is not None and result.sample_sufficient
        else f"{_DASH} (sampel belum cukup)"
        if result.ci95 is not None
        else _DASH
    )
    names = {e.code: e for e in result.elements}
    priorities = (
        "; ".join(
            f"{code} {names[code].name} ({_number(names[code].score_text)})"
            for code in result.priorities
        )
        or _DASH
    )
    summary: list[tuple[str, str]] = [
        ("Jumlah responden", _count(result.respondents)),
        ("Nilai indeks (NI)", _number(result.index_text)),
        ("IKM unit pelayanan", ikm),
        ("Interval kepercayaan 95%", ci95),
        ("Pembobotan", _weighting_text(result)),
        ("Unsur prioritas", priorities),
    ]
    sample = result.sample
    if sample is not None:
        if sample.reached:
            status = f"Tercapai ({_count(result.respondents)} dari {_count(sample.required)})"
        else:
            short = sample.required - result.respondents
            status = (
                f"Belum tercapai ({_count(result.respondents)} dari "
                f"{_count(sample.required)}; kurang {_count(short)} responden)"
            )
        summary += [
            ("Populasi", _count(sample.population)),
            ("Sampel minimum (Krejcie-Morgan)", _count(sample.required)),
            ("Status sampel", status),
        ]
    width = max(len(label) for label, _ in summary)
    lines += [f"{label.ljust(width)} : {value}" for label, value in summary]
    return "\n".join(lines) + "\n"


def render_json(result: SurveyResult) -> str:
    """The result's JSON contract (``SurveyResult.to_dict()``), keys in contract order."""
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)


def render_ranking(
    title: str, parts: Sequence[tuple[str, SurveyResult]], *, footer: str | None = None
) -> str:
    """A table of several results (sub-units, services, profile groups), one row each:
    No | Kelompok | Responden | IKM | Mutu | Kinerja, in the order given."""
    rows = [("No", "Kelompok", "Responden", "IKM", "Mutu", "Kinerja")]
    for number, (label, result) in enumerate(parts, 1):
        rows.append(
            (
                str(number),
                label,
                _count(result.respondents),
                _number(result.ikm_text),
                result.grade.letter if result.grade else "-",
                result.grade.performance if result.grade else "-",
            )
        )
    lines = [title, "", *_table(rows)]
    if footer:
        lines += ["", footer]
    return "\n".join(lines)
