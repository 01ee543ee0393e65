"""Exports: the CSV (rows, escaping, formula injection, streaming) and the olah data workbook
(every figure equal to the application's, to the last decimal)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models.query import QuerySet
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from skm.method import round_half_up
from skm.org.models import Unit
from skm.org.services import service_create
from skm.surveys.demo import demo_load
from skm.surveys.models import Period, Response
from skm.surveys.selectors import (
    method_elements,
    period_by_ref,
    period_result,
    period_tally,
    questionnaire_elements,
)
from skm.surveys.services import response_create
from skm.transfer.exports import neutralise, olah_data_write, responses_csv


def _csv(period, unit, service=None) -> list[list[str]]:
    text = "".join(responses_csv(period, unit, service))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def responses(unit, child, period):
    ktp = service_create(unit=unit, name="KTP-el")
    when = timezone.make_aware(dt.datetime(2025, 3, 14, 10, 22, 1))
    first = response_create(
        period=period,
        unit=unit,
        channel=Response.Channel.PAPER,
        answers={
            "U1": 4,
            "U2": 3,
            "U3": None,
            "U4": 4,
            "U5": 4,
            "U6": 4,
            "U7": 4,
            "U8": 3,
            "U9": 2,
        },
        service=ktp,
        submitted_at=when,
        gender="P",
        age=34,
        education="D4_S1",
        occupation="LAINNYA",
        occupation_other="@pedagang",
        suggestion='=HYPERLINK("http://x.example","klik"); "petik" dan; titik koma',
    )
    second = response_create(
        period=period,
        unit=child,
        channel=Response.Channel.ONLINE,
        answers={"U1": 1, "U9": 4},
        submitted_at=when + dt.timedelta(days=1),
        suggestion="+62 812 tidak dicatat\nbaris kedua",
    )
    return first, second


def test_csv_has_one_row_per_respondent_in_jakarta_time(responses, unit, period):
    first, second = responses
    rows = _csv(period, unit)
    assert rows[0] == [
        "ID", "Tanggal Survei", "Unit Layanan", "Jenis Layanan", "Kanal", "Jenis Kelamin",
        "Usia", "Pendidikan", "Pekerjaan", "Pekerjaan Lainnya",
        "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9", "Saran",
    ]  # fmt: skip
    assert rows[1] == [
        str(first.pk), "14/03/2025 10:22:01", "Dinas Contoh", "KTP-el", "kertas", "P", "34",
        "D4/S1", "Lainnya", "'@pedagang", "4", "3", "", "4", "4", "4", "4", "3", "2",
        '\'=HYPERLINK("http://x.example","klik"); "petik" dan; titik koma',
    ]  # fmt: skip
    assert rows[2] == [
        str(second.pk), "15/03/2025 10:22:01", "UPT Contoh", "", "online", "", "", "", "", "",
        "1", "", "", "", "", "", "", "", "4", "'+62 812 tidak dicatat\nbaris kedua",
    ]  # fmt: skip
    assert len(rows) == 3


def test_csv_of_a_subtree_and_of_a_service(responses, unit, child, period):
    first, second = responses
    assert [r[0] for r in _csv(period, child)[1:]] == [str(second.pk)]
    assert [r[0] for r in _csv(period, unit, first.service)[1:]] == [str(first.pk)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
        (5, 5),
    ],
)
def test_formula_injection_is_neutralised(value, expected):
    assert neutralise(value) == expected


def test_csv_reads_back_with_the_same_reader_and_the_same_numbers(
    responses, unit, period, tmp_path
):
    from skm.transfer.readers import tally_file

    path = tmp_path / "ekspor.csv"
    path.write_text("".join(responses_csv(period, unit)), encoding="utf-8")
    elements = method_elements(questionnaire_elements(period))
    tally, problems, count = tally_file(path, elements=elements)
    assert (problems, count) == ([], 0)
    assert tally.patterns == period_tally(period, unit=unit).patterns


def test_csv_streams_in_chunks(responses, unit, period, monkeypatch):
    calls = []
    original = QuerySet.iterator

    def recording(self, chunk_size=None):
        calls.append(chunk_size)
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", recording)
    lines = responses_csv(period, unit)
    assert iter(lines) is lines  # a generator: nothing is built up front
    assert calls == []
    assert next(lines).startswith("\ufeffID;")
    assert len(list(lines)) == 2
    assert calls == [2000]


# -- the olah data workbook


@pytest.fixture
def demo(db):
    demo_load()
    unit = Unit.objects.get(slug="dinas-kependudukan-dan-pencatatan-sipil")
    return unit, period_by_ref(unit, "semester-i-2025")


def _workbook(period, unit, service=None):
    out = io.BytesIO()
    olah_data_write(period=period, unit=unit, service=service, target=out)
    out.seek(0)
    return load_workbook(out)


def _row(sheet, label):
    for row in sheet.iter_rows(values_only=True):
        if row[0] == label:
            return row
    raise AssertionError(f"no row {label!r}")


def _text(value, places):
    return f"{Decimal(str(value)):.{places}f}"


def test_olah_data_figures_equal_the_application_to_the_last_decimal(demo):
    unit, period = demo
    result = period_result(period, unit=unit)
    book = _workbook(period, unit)
    assert book.sheetnames == ["Olah Data", "Tabel 1"]
    sheet = book["Olah Data"]
    n = len(result.elements)

    assert list(_row(sheet, "Jumlah nilai per unsur")[1 : n + 1]) == [
        e.total for e in result.elements
    ]
    nrr = _row(sheet, "NRR per unsur")[1 : n + 1]
    assert [_text(v, 4) for v in nrr] == [e.nrr_text for e in result.elements]
    assert _text(nrr[0], 4) == "3.6732"
    weighted = _row(sheet, "NRR tertimbang")[1 : n + 1]
    assert [_text(v, 4) for v in weighted] == [
        str(round_half_up(e.nrr * e.weight, 4)) for e in result.elements
    ]
    assert _text(_row(sheet, "Jumlah NRR tertimbang")[1], 4) == result.index_text == "3.7359"
    assert _text(_row(sheet, "IKM (x25)")[1], 2) == result.ikm_text == "93.40"
    assert _row(sheet, "Mutu pelayanan")[1] == "A (Sangat Baik)"
    assert list(_row(sheet, "Bobot")[1 : n + 1]) == ["1/9"] * 9
    assert sheet.cell(8, 2).value == "Eksak (1/jumlah unsur)"
    assert sheet.cell(9, 2).value == (
        "Bobot setiap unsur tepat 1/9; tidak ada pembulatan sebelum angka akhir."
    )
    note = _row(sheet, "Catatan")[1]
    assert note.startswith("Bobot setiap unsur tepat 1/9;")

    table = book["Tabel 1"]
    rows = list(table.iter_rows(values_only=True))
    assert rows[1] == ("No.", "Unsur", "NRR", "IKM", "Mutu pelayanan")
    assert [(r[1], _text(r[2], 4), _text(r[3], 2), r[4]) for r in rows[2 : 2 + n]] == [
        (f"{e.code} {e.name}", e.nrr_text, e.score_text, "A (Sangat Baik)") for e in result.elements
    ]
    assert [_text(r[3], 2) for r in rows[2 : 2 + n]] == [
        "91.83", "92.32", "91.02", "99.80", "91.91", "92.89", "91.26", "98.01", "91.54",
    ]  # fmt: skip
    assert (_text(rows[-1][2], 4), _text(rows[-1][3], 2)) == ("3.7359", "93.40")


def test_olah_data_has_one_row_per_respondent_with_the_scores(demo):
    unit, period = demo
    sheet = _workbook(period, unit)["Olah Data"]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "No.")
    header = rows[header_at]
    assert header[1] == "U1 Persyaratan" and header[9] == "U9 Sarana dan Prasarana"
    assert header[10:17] == (
        "Tanggal survei", "Jenis layanan", "Jenis kelamin", "Usia", "Pendidikan", "Pekerjaan",
        "Saran",
    )  # fmt: skip
    respondents = [r for r in rows[header_at + 1 :] if isinstance(r[0], int)]
    assert len(respondents) == 615
    assert [r[0] for r in respondents] == list(range(1, 616))
    totals = [sum(r[1 + i] for r in respondents) for i in range(9)]
    assert totals == list(_row(sheet, "Jumlah nilai per unsur")[1:10])


def test_olah_data_keeps_user_text_as_text(unit, period):
    response_create(
        period=period,
        unit=unit,
        channel=Response.Channel.ONLINE,
        answers={"U1": 4},
        submitted_at=timezone.make_aware(dt.datetime(2025, 2, 1, 9, 0)),
        suggestion="=cmd|' /C calc'!A0",
    )
    out = io.BytesIO()
    olah_data_write(period=period, unit=unit, target=out)
    out.seek(0)
    sheet = load_workbook(out)["Olah Data"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0"]
    assert len(cells) == 1
    assert cells[0].data_type == "s"
    # an element without any answer leaves its figures empty and the IKM undefined
    assert _row(sheet, "NRR per unsur")[2] is None
    assert _row(sheet, "IKM (x25)")[1] is None


def test_other_weighting_conventions_are_named(unit, period):
    Period.objects.filter(pk=period.pk).update(weighting=Period.Weighting.W0111)
    period.refresh_from_db()
    response_create(
        period=period,
        unit=unit,
        channel=Response.Channel.ONLINE,
        answers={f"U{i}": 4 for i in range(1, 10)},
        submitted_at=timezone.make_aware(dt.datetime(2025, 2, 1, 9, 0)),
    )
    out = io.BytesIO()
    olah_data_write(period=period, unit=unit, target=out)
    out.seek(0)
    sheet = load_workbook(out)["Olah Data"]
    assert sheet.cell(9, 2).value == (
        "Bobot setiap unsur 0,111, seperti pada lembar Excel yang umum beredar; jumlah bobot "
        "0,999, bukan 1."
    )
    assert _row(sheet, "Bobot")[1:10] == (0.111,) * 9
    assert _text(_row(sheet, "IKM (x25)")[1], 2) == period_result(period).ikm_text == "99.90"


# -- the workbook's content and layout, cell by cell (issue #13: a faster writer, the same file)

GOLDEN = Path(__file__).with_name("golden") / "olah_data_demo.json"
DIRTY = {
    # suggestion, occupation_other: text stored before input was cleaned, and formula signs
    0: ('=HYPERLINK("http://x.example";"klik")', "=1+1"),
    1: ("Antrean lama\x0b sekali\x1b", "Tukang\x0bojek"),
    2: ("+62 812 tidak dicatat", "@pedagang"),
    3: ("-10 menit, lebih cepat", ""),
}


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _cell(c) -> list:
    """A cell as it reads back: value, type, number format, bold, size, wrap, alignment."""
    return [
        c.coordinate,
        _plain(c.value),
        c.data_type,
        c.number_format,
        bool(c.font.b),
        c.font.sz or 11,  # a font without a size is the workbook's default, 11
        bool(c.alignment.wrap_text),
        c.alignment.vertical,
    ]


def _layout(book, skip_rows: range = range(0)) -> dict:
    """Every sheet's column widths and every written or styled cell outside ``skip_rows``
    (of the first sheet)."""
    out = {"sheets": book.sheetnames}
    for index, sheet in enumerate(book.worksheets):
        out[sheet.title] = {
            "widths": {
                get_column_letter(i): d.width
                for d in sheet.column_dimensions.values()
                if d.customWidth
                for i in range(d.min, d.max + 1)  # a range of equal columns, one by one
            },
            "cells": [
                _cell(c)
                for row in sheet.iter_rows()
                for c in row
                if (c.value is not None or c.has_style) and not (index == 0 and c.row in skip_rows)
            ],
        }
    return out


@pytest.fixture
def dirty_demo(demo):
    """The demo's Dinas and period, its first respondents' texts replaced by stored text
    that was never cleaned (control characters) and by formula signs."""
    unit, period = demo
    first = list(
        Response.objects.filter(period=period, unit__path__startswith=unit.path)
        .order_by("submitted_at", "id")
        .values_list("pk", flat=True)[: len(DIRTY)]
    )
    for i, (suggestion, other) in DIRTY.items():
        Response.objects.filter(pk=first[i]).update(
            suggestion=suggestion,
            occupation="LAINNYA" if other else "PNS",
            occupation_other=other,
        )
    return unit, period


def test_olah_data_layout_is_the_one_of_the_openpyxl_writer(dirty_demo):
    """Title, identification, header, summary rows, notes and Tabel 1, with their number
    formats, bold, sizes, wrapping and column widths, equal to what the former openpyxl
    writer produced for the same data (tests/transfer/golden/olah_data_demo.json, written
    once by that writer)."""
    import json

    unit, period = dirty_demo
    book = _workbook(period, unit)
    respondents = Response.objects.filter(period=period, unit__path__startswith=unit.path)
    assert _layout(book, range(12, 12 + respondents.count())) == json.loads(GOLDEN.read_text())


def test_olah_data_respondent_rows_are_the_stored_responses_cell_by_cell(dirty_demo):
    """Every respondent row, cell by cell: number, scores (empty when not answered), the
    Jakarta wall-clock time as a date cell, and the texts as text cells, never formulas,
    without the control characters stored before input was cleaned."""
    from skm.surveys.text import xml_safe
    from skm.transfer.exports import EDUCATION_LABELS, OCCUPATION_LABELS

    unit, period = dirty_demo
    book = _workbook(period, unit)
    sheet = book["Olah Data"]
    elements = questionnaire_elements(period)
    responses = list(
        Response.objects.filter(period=period, unit__path__startswith=unit.path)
        .select_related("service")
        .prefetch_related("answers")
        .order_by("submitted_at", "id")
    )
    assert len(responses) == 615
    rows = list(sheet.iter_rows(min_row=12, max_row=11 + len(responses) + 1))
    assert [c.value for c in rows[-1]] == [None] * len(rows[-1])  # the empty row after them
    for number, (response, row) in enumerate(zip(responses, rows, strict=False), 1):
        scores = {a.element_id: a.value for a in response.answers.all()}
        occupation = OCCUPATION_LABELS.get(response.occupation, response.occupation)
        if response.occupation_other:
            occupation += ": " + response.occupation_other
        expected = [
            number,
            *(scores.get(e.pk) for e in elements),
            timezone.localtime(response.submitted_at).replace(tzinfo=None),
            response.service.name if response.service else None,
            response.gender or None,
            response.age,
            EDUCATION_LABELS.get(response.education, response.education) or None,
            xml_safe(occupation) or None,
            xml_safe(response.suggestion) or None,
        ]
        got = [c.value for c in row][: len(expected)]
        assert got == expected, number
        for c in row:
            if isinstance(c.value, str):
                assert c.data_type == "s", (c.coordinate, c.value)
            if isinstance(c.value, dt.datetime):
                assert c.number_format == "yyyy-mm-dd h:mm:ss"
    texts = [c.value for row in rows[:4] for c in row if isinstance(c.value, str)]
    assert '=HYPERLINK("http://x.example";"klik")' in texts
    assert "Lainnya: =1+1" in texts and "Lainnya: Tukang\nojek" in texts
    assert "Antrean lama\n sekali" in texts


def test_olah_data_cleans_every_stored_text_even_outside_the_vocabulary(dirty_demo):
    """Sex and education are written as stored when they are not in the vocabulary (data
    loaded before validation); a control character there made the whole workbook fail."""
    unit, period = dirty_demo
    mine = Response.objects.filter(period=period, unit__path__startswith=unit.path)
    first = mine.order_by("submitted_at", "id")[0]
    Response.objects.filter(pk=first.pk).update(gender="\x07", education="SMA\x0bK")
    rows = list(_workbook(period, unit)["Olah Data"].iter_rows(min_row=12, values_only=True))
    assert rows[0][12] is None and rows[0][14] == "SMA\nK"
