"""Exports of a period's responses: a streamed CSV and the "olah data" XLSX workbook.

Both read the responses through one query iterated in chunks (``respondent_rows``), so a
million respondents never sit in memory. Figures (NRR, weighted NRR, NI, IKM, grades) are
never computed here: they are the method's printed values from
``skm.surveys.selectors.period_result``, so the workbook agrees with the screen to the last
decimal.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import IO, Any

from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from skm.method import round_half_up
from skm.method.profile import EDUCATIONS, OCCUPATIONS
from skm.org.models import Service, Unit
from skm.surveys.models import Period, QuestionnaireElement, Response
from skm.surveys.selectors import period_result, questionnaire_elements
from skm.surveys.text import xml_safe

# Rows fetched from the database per round trip; memory stays at one chunk.
CHUNK_SIZE = 2000
# CSV cells starting with these are taken as formulas by spreadsheet programs
# (CSV injection, OWASP / ASVS 1.2.10); a leading apostrophe makes them text. The full-width
# forms are formula signs too in East Asian spreadsheet locales.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_FORMULA_CHARS = "=+\\-@\uff1d\uff0b\uff0d\uff20"
# A cell is only safe if it stays safe whichever separator a spreadsheet guesses: a ";" file
# opened as a "," file splits "Pelayanan bagus,=1+1" into a cell "=1+1". So a formula sign
# after any plausible separator or line break (optionally after spaces or double quotes,
# which a program may trim) gets the apostrophe too; so does one after leading spaces.
_SEPARATORS = ",;\t|\r\n"
_INNER_FORMULA = re.compile(f'([{_SEPARATORS}][\\s"]*)(?=[{_FORMULA_CHARS}])')
_LEADING_FORMULA = re.compile(f'[\\s"]+[{_FORMULA_CHARS}]')
# Indonesian Excel uses ";" as its list separator (the comma is the decimal sign), so a
# ";" file opens in columns on a double click; skm's reader detects either.
CSV_DELIMITER = ";"
DOCUMENT_LANGUAGE = "id"

# The CSV's column names are a file format, not interface text: they stay the same in
# every interface language so that the file reads back with `skm ikm` / `skm import`.
CSV_PROFILE_HEADERS = (
    "ID",
    "Tanggal Survei",
    "Unit Layanan",
    "Jenis Layanan",
    "Kanal",
    "Jenis Kelamin",
    "Usia",
    "Pendidikan",
    "Pekerjaan",
    "Pekerjaan Lainnya",
)
CHANNEL_WORDS = {"online": "online", "kiosk": "kios", "paper": "kertas", "import": "impor"}
EDUCATION_LABELS = dict(EDUCATIONS)
OCCUPATION_LABELS = dict(OCCUPATIONS)


def neutralise(value: object) -> object:
    """A cell value that no spreadsheet program will run as a formula, whichever of
    "," ";" tab "|" it takes as the separator (see _INNER_FORMULA)."""
    if not isinstance(value, str):
        return value
    value = _INNER_FORMULA.sub(r"\1'", value)
    if value.startswith(FORMULA_PREFIXES) or _LEADING_FORMULA.match(value):
        return "'" + value
    return value


def spreadsheet_text(value: object) -> object:
    """A text cell for a CSV or XLSX file: without the control characters an XLSX file
    cannot hold (stored before input was cleaned, skm.surveys.text) and neutralised."""
    if not isinstance(value, str):
        return value
    return neutralise(xml_safe(value))


@dataclass(frozen=True)
class RespondentRow:
    id: int
    submitted_at: dt.datetime
    unit_name: str
    service_name: str | None
    channel: str
    gender: str
    age: int | None
    education: str
    occupation: str
    occupation_other: str
    suggestion: str
    answers: tuple[int | None, ...]


def export_responses(period: Period, unit: Unit, service: Service | None = None):
    """The responses an export covers: the period's, of ``unit``'s subtree (and service)."""
    responses = Response.objects.filter(period=period, unit__path__startswith=unit.path)
    if service is not None:
        responses = responses.filter(service=service)
    return responses


def respondent_rows(
    period: Period,
    unit: Unit,
    service: Service | None = None,
    *,
    elements: list[QuestionnaireElement] | None = None,
) -> Iterator[RespondentRow]:
    """Every respondent with one score (or None) per element, oldest first, streamed.

    One grouped query pivots the answers into columns; ``iterator(chunk_size=...)`` reads it
    through a server-side cursor (PostgreSQL) or in fetchmany chunks (SQLite).
    """
    elements = elements if elements is not None else questionnaire_elements(period)
    scores = {
        f"e{e.pk}": Max("answers__value", filter=Q(answers__element_id=e.pk)) for e in elements
    }
    fields = (
        "id",
        "submitted_at",
        "unit__name",
        "service__name",
        "channel",
        "gender",
        "age",
        "education",
        "occupation",
        "occupation_other",
        "suggestion",
    )
    rows = (
        export_responses(period, unit, service)
        .order_by()
        .values(*fields)
        .annotate(**scores)
        .order_by("submitted_at", "id")
        .values_list(*fields, *scores)
    )
    n = len(fields)
    for values in rows.iterator(chunk_size=CHUNK_SIZE):
        yield RespondentRow(*values[:n], answers=tuple(values[n:]))


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_header(elements: list[QuestionnaireElement]) -> list[str]:
    return [*CSV_PROFILE_HEADERS, *(e.code for e in elements), "Saran"]


def responses_csv(period: Period, unit: Unit, service: Service | None = None) -> Iterator[str]:
    """The CSV export, line by line: UTF-8 with a BOM (so Excel reads it as UTF-8), ";".

    One row per respondent: id, survey date and time (Asia/Jakarta), unit, service, channel,
    profile, one score per element (empty when not answered), suggestion.
    """
    elements = questionnaire_elements(period)
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([spreadsheet_text(c) for c in csv_header(elements)])
    zone = timezone.get_current_timezone()
    repeated = _Repeated(spreadsheet_text)
    for row in respondent_rows(period, unit, service, elements=elements):
        yield writer.writerow(
            [
                row.id,
                # Digits, "/", ":" and a space: no formula sign, no separator to clean.
                row.submitted_at.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S"),
                repeated(row.unit_name),
                repeated(row.service_name or ""),
                repeated(CHANNEL_WORDS.get(row.channel, row.channel)),
                repeated(row.gender),
                "" if row.age is None else row.age,
                repeated(EDUCATION_LABELS.get(row.education, row.education)),
                repeated(OCCUPATION_LABELS.get(row.occupation, row.occupation)),
                spreadsheet_text(row.occupation_other),
                *("" if a is None else a for a in row.answers),
                spreadsheet_text(row.suggestion),
            ]
        )


class _Repeated:
    """``clean`` of a text that repeats from row to row (unit and service names, labels),
    computed once per distinct text: every cell is still cleaned, the work is not redone
    100,000 times. Free text (suggestions) does not go through it."""

    LIMIT = 10_000  # distinct texts kept; beyond it (never in practice) clean each time

    def __init__(self, clean) -> None:
        self.clean = clean
        self.done: dict[str, Any] = {}

    def __call__(self, value: str) -> Any:
        text = self.done.get(value)
        if text is None:
            text = self.clean(value)
            if len(self.done) < self.LIMIT:
                self.done[value] = text
        return text


# --------------------------------------------------------------------------------------
# The "olah data" workbook


def weighting_note(period: Period, n_elements: int) -> str:
    """What the period's weighting convention means, in one sentence (for the workbook)."""
    if period.weighting == Period.Weighting.W0111:
        return _(
            "Each element weighs 0.111, as in the common Excel sheet; the weights sum to "
            "%(sum)s rather than 1."
        ) % {"sum": _comma(Decimal("0.111") * n_elements)}
    if period.weighting == Period.Weighting.W011:
        return _(
            "Each element weighs 0.11, as printed in the regulation; the weights sum to "
            "%(sum)s rather than 1, so even a survey where everyone answers 4 scores below 100."
        ) % {"sum": _comma(Decimal("0.11") * n_elements)}
    if period.weighting == Period.Weighting.CUSTOM:
        return _("Each element has the questionnaire's own weight; the weights sum to 1.")
    return _(
        "Each element weighs exactly 1/%(n)s; nothing is rounded before the final figures."
    ) % {"n": n_elements}


def _comma(value: Decimal) -> str:
    # The workbook is an Indonesian document: decimal comma in running text.
    return str(value).replace(".", ",")


def _weight_cell(weight: Fraction) -> object:
    # An exact 1/9 has no finite decimal form; printing 0.1111 would suggest another
    # convention, so a non-terminating weight is shown as the fraction it is.
    decimal = round_half_up(weight, 6)
    if Fraction(decimal) == weight:
        return decimal.normalize()
    return f"{weight.numerator}/{weight.denominator}"


def olah_data_write(
    *, period: Period, unit: Unit, service: Service | None = None, target: IO[bytes]
) -> None:
    """Write the "olah data" workbook of a period (unit subtree, optional service).

    XlsxWriter in constant-memory mode: each row goes to the sheet's temporary file as soon
    as the next one starts, so memory stays bounded at any number of respondents, and the
    respondent rows are written cell by cell with the typed calls (numbers, dates, text)
    rather than a generic per-cell dispatch, which is what makes 100,000 respondents take
    seconds (docs/performance.md, bench/exports.py). Always Indonesian (a document).
    """
    with translation.override(DOCUMENT_LANGUAGE):
        _olah_data_write(period=period, unit=unit, service=service, target=target)


# Column widths in characters, as the workbook has always had them; XlsxWriter's
# set_column() adds its own padding, so they are given in pixels (7 per character, Calibri
# 11), which stores exactly these widths.
_PIXELS_PER_CHARACTER = 7
DATE_FORMAT = "yyyy-mm-dd h:mm:ss"


def _olah_data_write(
    *, period: Period, unit: Unit, service: Service | None, target: IO[bytes]
) -> None:
    import xlsxwriter

    elements = questionnaire_elements(period)
    result = period_result(period, unit=unit, service=service)
    n = len(elements)
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            # User text stays text whatever it starts with ("=", "http", digits): every
            # string is written with write_string, and these make sure no call guesses.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    formats: dict[tuple, Any] = {}

    def style(fmt: str | None = None, *, bold: bool = False, size: int | None = None) -> Any:
        key = (fmt, bold, size)
        if key not in formats:
            spec: dict[str, Any] = {}
            if fmt:
                spec["num_format"] = fmt
            if bold:
                spec["bold"] = True
            if size:
                spec["font_size"] = size
            formats[key] = workbook.add_format(spec) if spec else None
        return formats[key]

    def put(sheet: Any, row: int, col: int, value: object, cell_format: Any = None) -> None:
        """One cell of the header, summary or table: typed, text made XML-safe."""
        if value is None:
            if cell_format is not None:
                sheet.write_blank(row, col, None, cell_format)
        elif isinstance(value, str):
            if text := xml_safe(value):
                sheet.write_string(row, col, text, cell_format)
            elif cell_format is not None:
                sheet.write_blank(row, col, None, cell_format)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(row, col, value, cell_format)
        else:
            sheet.write_number(row, col, value, cell_format)

    def widths(sheet: Any, values: list[int]) -> None:
        for col, width in enumerate(values):
            sheet.set_column_pixels(col, col, width * _PIXELS_PER_CHARACTER)

    sheet = workbook.add_worksheet(_("Olah Data"))
    bold = style(bold=True)
    widths(sheet, [30, *([13] * n), 20, 26, 8, 8, 12, 14, 60])

    dates = _("%(start)s to %(end)s") % {
        "start": date_format(period.start_date, "j F Y"),
        "end": date_format(period.end_date, "j F Y"),
    }
    put(sheet, 0, 0, _("CUSTOMER SATISFACTION SURVEY DATA PROCESSING"), style(bold=True, size=14))
    for row, (label, value) in enumerate(
        (
            (_("Unit"), unit.name),
            (_("Agency"), unit.agency.name),
            (_("Period"), period.name),
            (_("Dates"), dates),
            (_("Service"), service.name if service else _("All services")),
            (_("Respondents"), result.respondents),
            (_("Weighting"), str(Period.Weighting(period.weighting).label)),
            (_("Meaning"), weighting_note(period, n)),
        ),
        1,
    ):
        put(sheet, row, 0, label, bold)
        put(sheet, row, 1, value)

    header_row = 10
    put(sheet, header_row, 0, _("No."), bold)
    wrap = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    for col, e in enumerate(elements, 1):
        put(sheet, header_row, col, f"{e.code} {e.name}", wrap)
    for col, label in enumerate(
        (
            _("Survey date"),
            _("Service"),
            _("Sex"),
            _("Age"),
            _("Education"),
            _("Occupation"),
            _("Suggestion"),
        ),
        1 + n,
    ):
        put(sheet, header_row, col, label, bold)

    row = _respondent_rows_write(
        sheet,
        respondent_rows(period, unit, service, elements=elements),
        first_row=header_row + 1,
        n_elements=n,
        date_format=workbook.add_format({"num_format": DATE_FORMAT}),
    )

    row += 1  # an empty row after the respondents
    element_results = result.elements

    def summary(label: str, values: list[object], fmt: str | None = None) -> None:
        nonlocal row
        put(sheet, row, 0, label, bold)
        for col, value in enumerate(values, 1):
            put(sheet, row, col, value, style(fmt))
        row += 1

    summary(_("Sum of scores per element"), [e.total for e in element_results], "0")
    summary(_("Respondents who answered"), [e.answered for e in element_results], "0")
    summary(_("NRR per element"), [_decimal(e.nrr_text) for e in element_results], "0.0000")
    summary(_("Weight"), [_weight_cell(w) for w in result.weights])
    summary(_("Weighted NRR"), [_weighted(e) for e in element_results], "0.0000")
    summary(_("Sum of weighted NRR"), [_decimal(result.index_text)], "0.0000")
    summary(_("IKM (x25)"), [_decimal(result.ikm_text)], "0.00")
    grade = result.grade
    summary(_("Service quality"), [f"{grade.letter} ({grade.performance})" if grade else "–"])
    row += 1
    put(sheet, row, 0, _("Note"), bold)
    put(
        sheet,
        row,
        1,
        weighting_note(period, n)
        + " "
        + _(
            "Every figure is computed exactly and rounded once, half up (NRR to 4 "
            "decimals, IKM to 2): the sum of weighted NRR is the exact sum, which can "
            "differ in the last decimal from adding the rounded figures above."
        ),
    )

    table = workbook.add_worksheet(_("Table 1"))
    widths(table, [6, 44, 10, 10, 22])
    put(table, 0, 0, _("Table 1. Summary of SKM results"), bold)
    for col, label in enumerate((_("No."), _("Element"), "NRR", "IKM", _("Service quality"))):
        put(table, 1, col, label, bold)
    for row, e in enumerate(element_results, 2):
        put(table, row, 0, row - 1)
        put(table, row, 1, f"{e.code} {e.name}")
        put(table, row, 2, _decimal(e.nrr_text), style("0.0000"))
        put(table, row, 3, _decimal(e.score_text), style("0.00"))
        put(table, row, 4, f"{e.grade.letter} ({e.grade.performance})" if e.grade else "–")
    row = 2 + len(element_results)
    put(table, row, 1, _("IKM of the unit"), bold)
    put(table, row, 2, _decimal(result.index_text), style("0.0000", bold=True))
    put(table, row, 3, _decimal(result.ikm_text), style("0.00", bold=True))
    put(table, row, 4, f"{grade.letter} ({grade.performance})" if grade else "–", bold)
    workbook.close()


def _respondent_rows_write(
    sheet: Any, rows: Iterator[RespondentRow], *, first_row: int, n_elements: int, date_format: Any
) -> int:
    """One row per respondent from ``first_row``: number, scores, Jakarta wall-clock time,
    service, sex, age, education, occupation, suggestion. Returns the next free row.

    The hot loop of the export: every value is written with its typed call, and every text
    that repeats (service names, labels) is made XML-safe once, not once per respondent.
    """
    write_number = sheet.write_number
    write_string = sheet.write_string
    write_datetime = sheet.write_datetime
    zone = timezone.get_current_timezone()
    date_col = 1 + n_elements
    once = _Repeated(xml_safe)
    row = first_row
    for number, respondent in enumerate(rows, 1):
        write_number(row, 0, number)
        for col, score in enumerate(respondent.answers, 1):
            if score is not None:
                write_number(row, col, score)
        # Excel has no time zones: the wall-clock time in Asia/Jakarta is what people expect.
        local = respondent.submitted_at.astimezone(zone).replace(tzinfo=None)
        write_datetime(row, date_col, local, date_format)
        # Texts are written only when something is left after cleaning: an empty cell,
        # as for a missing value (a stored text of control characters alone is empty).
        if text := once(respondent.service_name or ""):
            write_string(row, date_col + 1, text)
        if text := once(respondent.gender):
            write_string(row, date_col + 2, text)
        if respondent.age is not None:
            write_number(row, date_col + 3, respondent.age)
        if text := once(EDUCATION_LABELS.get(respondent.education, respondent.education)):
            write_string(row, date_col + 4, text)
        occupation = _occupation_text(respondent)
        if text := xml_safe(occupation) if respondent.occupation_other else once(occupation):
            write_string(row, date_col + 5, text)
        if text := xml_safe(respondent.suggestion):
            write_string(row, date_col + 6, text)
        row += 1
    return row


def _weighted(element) -> Decimal | None:
    return round_half_up(element.nrr * element.weight, 4) if element.nrr is not None else None


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _occupation_text(row: RespondentRow) -> str:
    label = OCCUPATION_LABELS.get(row.occupation, row.occupation)
    if row.occupation_other:
        return f"{label}: {row.occupation_other}"
    return label
