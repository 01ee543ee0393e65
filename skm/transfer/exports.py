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
    yield "\ufeff" + writer.writerow(csv_header(elements))
    for row in respondent_rows(period, unit, service, elements=elements):
        cells: list[Any] = [
            row.id,
            timezone.localtime(row.submitted_at).strftime("%d/%m/%Y %H:%M:%S"),
            row.unit_name,
            row.service_name or "",
            CHANNEL_WORDS.get(row.channel, row.channel),
            row.gender,
            "" if row.age is None else row.age,
            EDUCATION_LABELS.get(row.education, row.education),
            OCCUPATION_LABELS.get(row.occupation, row.occupation),
            row.occupation_other,
            *("" if a is None else a for a in row.answers),
            row.suggestion,
        ]
        yield writer.writerow([spreadsheet_text(c) for c in cells])


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

    Write-only openpyxl: rows go to the sheet's temporary file as they come, so memory
    stays bounded at any number of respondents. Always Indonesian (a document).
    """
    with translation.override(DOCUMENT_LANGUAGE):
        _olah_data_write(period=period, unit=unit, service=service, target=target)


def _olah_data_write(
    *, period: Period, unit: Unit, service: Service | None, target: IO[bytes]
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    elements = questionnaire_elements(period)
    result = period_result(period, unit=unit, service=service)
    n = len(elements)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Olah Data"))
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)

    def cell(value: object, *, fmt: str | None = None, font: Font | None = None) -> Any:
        if isinstance(value, str):
            value = xml_safe(value)
        c = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            # openpyxl stores any string starting with "=" as a formula; user text must
            # stay text, whatever it starts with.
            c.data_type = "s"
        if fmt:
            c.number_format = fmt
        if font:
            c.font = font
        return c

    sheet.column_dimensions["A"].width = 30
    for i in range(n):
        sheet.column_dimensions[get_column_letter(2 + i)].width = 13
    extra = 2 + n
    for offset, width in enumerate((20, 26, 8, 8, 12, 14, 60)):
        sheet.column_dimensions[get_column_letter(extra + offset)].width = width

    dates = _("%(start)s to %(end)s") % {
        "start": date_format(period.start_date, "j F Y"),
        "end": date_format(period.end_date, "j F Y"),
    }
    sheet.append([cell(_("CUSTOMER SATISFACTION SURVEY DATA PROCESSING"), font=title_font)])
    for label, value in (
        (_("Unit"), unit.name),
        (_("Agency"), unit.agency.name),
        (_("Period"), period.name),
        (_("Dates"), dates),
        (_("Service"), service.name if service else _("All services")),
        (_("Respondents"), result.respondents),
        (_("Weighting"), str(Period.Weighting(period.weighting).label)),
        (_("Meaning"), weighting_note(period, n)),
    ):
        sheet.append([cell(label, font=bold), cell(value)])
    sheet.append([])

    wrap = Alignment(wrap_text=True, vertical="top")
    header = [cell(_("No."), font=bold)]
    for e in elements:
        c = cell(f"{e.code} {e.name}", font=bold)
        c.alignment = wrap
        header.append(c)
    for label in (
        _("Survey date"),
        _("Service"),
        _("Sex"),
        _("Age"),
        _("Education"),
        _("Occupation"),
        _("Suggestion"),
    ):
        header.append(cell(label, font=bold))
    sheet.append(header)

    def text(value: str) -> Any:
        # Only a string starting with "=" needs the cell object that keeps it text; plain
        # values stay plain, which is what keeps a large sheet fast. Control characters
        # stored before input was cleaned would make openpyxl refuse the whole workbook.
        value = xml_safe(value)
        return cell(value) if value.startswith("=") else value

    for number, row in enumerate(respondent_rows(period, unit, service, elements=elements), 1):
        sheet.append(
            [
                number,
                *row.answers,
                _local(row.submitted_at),
                text(row.service_name or ""),
                row.gender,
                row.age,
                EDUCATION_LABELS.get(row.education, row.education),
                text(_occupation_text(row)),
                text(row.suggestion),
            ]
        )

    sheet.append([])
    element_results = result.elements

    def summary(label: str, values: list[object], fmt: str | None = None) -> None:
        sheet.append([cell(label, font=bold), *(cell(v, fmt=fmt) for v in values)])

    summary(_("Sum of scores per element"), [e.total for e in element_results], "0")
    summary(_("Respondents who answered"), [e.answered for e in element_results], "0")
    summary(_("NRR per element"), [_decimal(e.nrr_text) for e in element_results], "0.0000")
    summary(_("Weight"), [_weight_cell(w) for w in result.weights])
    summary(
        _("Weighted NRR"),
        [_weighted(e) for e in element_results],
        "0.0000",
    )
    summary(_("Sum of weighted NRR"), [_decimal(result.index_text)], "0.0000")
    summary(_("IKM (x25)"), [_decimal(result.ikm_text)], "0.00")
    grade = result.grade
    summary(_("Service quality"), [f"{grade.letter} ({grade.performance})" if grade else "–"])
    sheet.append([])
    sheet.append(
        [
            cell(_("Note"), font=bold),
            cell(
                weighting_note(period, n)
                + " "
                + _(
                    "Every figure is computed exactly and rounded once, half up (NRR to 4 "
                    "decimals, IKM to 2): the sum of weighted NRR is the exact sum, which can "
                    "differ in the last decimal from adding the rounded figures above."
                )
            ),
        ]
    )

    table = workbook.create_sheet(_("Table 1"))
    table.column_dimensions["A"].width = 6
    table.column_dimensions["B"].width = 44
    table.column_dimensions["C"].width = 10
    table.column_dimensions["D"].width = 10
    table.column_dimensions["E"].width = 22

    def tcell(value: object, fmt: str | None = None, font: Font | None = None) -> Any:
        if isinstance(value, str):
            value = xml_safe(value)
        c = WriteOnlyCell(table, value=value)
        if isinstance(value, str):
            c.data_type = "s"
        if fmt:
            c.number_format = fmt
        if font:
            c.font = font
        return c

    table.append([tcell(_("Table 1. Summary of SKM results"), font=bold)])
    table.append(
        [tcell(h, font=bold) for h in (_("No."), _("Element"), "NRR", "IKM", _("Service quality"))]
    )
    for number, e in enumerate(element_results, 1):
        table.append(
            [
                number,
                tcell(f"{e.code} {e.name}"),
                tcell(_decimal(e.nrr_text), "0.0000"),
                tcell(_decimal(e.score_text), "0.00"),
                tcell(f"{e.grade.letter} ({e.grade.performance})" if e.grade else "–"),
            ]
        )
    table.append(
        [
            None,
            tcell(_("IKM of the unit"), font=bold),
            tcell(_decimal(result.index_text), "0.0000", bold),
            tcell(_decimal(result.ikm_text), "0.00", bold),
            tcell(f"{grade.letter} ({grade.performance})" if grade else "–", font=bold),
        ]
    )
    workbook.save(target)


def _local(moment: dt.datetime) -> dt.datetime:
    # Excel has no time zones: the wall-clock time in Asia/Jakarta is what people expect.
    return timezone.localtime(moment).replace(tzinfo=None)


def _weighted(element) -> Decimal | None:
    return round_half_up(element.nrr * element.weight, 4) if element.nrr is not None else None


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _occupation_text(row: RespondentRow) -> str:
    label = OCCUPATION_LABELS.get(row.occupation, row.occupation)
    if row.occupation_other:
        return f"{label}: {row.occupation_other}"
    return label
