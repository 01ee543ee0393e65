"""Free text with control characters (issue #12, finding 5): cleaned at every way in (form,
kiosk, paper, import, plans), and every export and document still works on what was
stored before (XLSX, CSV, DOCX, PDF)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from skm.org.models import Unit
from skm.surveys.models import Period, Response
from skm.surveys.services import response_create, responses_import
from skm.transfer.exports import olah_data_write, responses_csv
from tests.public.helpers import form_data, open_period_for

DIRTY = "Antrean lama\x0b sekali\x07\r\nPetugas\x1f ramah\x85"
CLEAN = "Antrean lama\n sekali\nPetugas ramah"
# Everything a document format refuses (XML 1.0 and openpyxl), and the C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\r]")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


# -------------------------------------------------------------------- the function


def test_clean_text_removes_controls_keeps_tab_and_newline_and_normalises():
    from skm.surveys.text import clean_text, xml_safe

    assert clean_text(DIRTY) == CLEAN
    assert clean_text("  a\tb\r\nc\rd\u2028e\x00 ") == "a\tb\nc\nd\ne"
    assert clean_text("Cafe\u0301") == "Caf\u00e9"  # NFC
    assert clean_text(" Pedagang\t\x0b  pasar\n", multiline=False) == "Pedagang pasar"
    assert clean_text(None) == ""
    assert clean_text("ok \ufffe\ud800") == "ok"
    # xml_safe changes nothing but what a document cannot hold
    assert xml_safe("  Bagus, =1+1  ") == "  Bagus, =1+1  "
    assert not CONTROL.search(xml_safe(DIRTY))
    assert not ILLEGAL_CHARACTERS_RE.search(xml_safe("".join(map(chr, range(0x20)))))


# -------------------------------------------------------------------- the ways in


def test_public_form_stores_the_suggestion_without_control_characters(client, unit):
    open_period_for(unit)
    page = client.post(
        f"/s/{unit.slug}/",
        form_data(unit, suggestion=DIRTY, occupation="LAINNYA", occupation_other="Tukang\x0bojek"),
    )
    assert page.status_code in (302, 303)
    stored = Response.objects.get()
    assert stored.suggestion == CLEAN
    assert stored.occupation_other == "Tukang ojek"


def test_kiosk_stores_the_suggestion_without_control_characters(unit):
    from skm.surveys.kiosks import clear_caches, kiosk_activate, kiosk_create, kiosk_submit

    clear_caches()
    open_period_for(unit)
    _kiosk, code = kiosk_create(unit=unit, name="Loket 1")
    _kiosk, token = kiosk_activate(code=code)
    result = kiosk_submit(
        token=token,
        data={
            "client_id": str(uuid.uuid4()),
            "given_at": timezone.now().isoformat(),
            "answers": {f"U{i}": 4 for i in range(1, 10)},
            "profile": {
                "gender": "P",
                "age": 34,
                "education": "SMA",
                "occupation": "LAINNYA",
                # a NUL byte would make PostgreSQL refuse the row (a 500 before)
                "occupation_other": "Petani\x00 sawah",
            },
            "suggestion": DIRTY + "\x00",
        },
    )
    clear_caches()
    assert result.created is True
    stored = Response.objects.get()
    assert stored.suggestion == CLEAN
    assert stored.occupation_other == "Petani sawah"


def test_paper_entry_stores_the_suggestion_without_control_characters(client, unit, operator):
    client.force_login(operator)
    period = open_period_for(unit)
    page = client.post(
        f"/staf/unit/{unit.slug}/kertas/?periode={period.pk}",
        {
            "client_id": str(uuid.uuid4()),
            "survey_date": timezone.localdate().isoformat(),
            **{f"u_U{i}": "4" for i in range(1, 10)},
            "gender": "p",
            "age": "34",
            "education": "4",
            "occupation": "6",
            "occupation_other": "Pedagang\x0b pasar",
            "suggestion": "Antrean\x0b lama\x07",
        },
    )
    assert page.status_code in (302, 303)
    stored = Response.objects.get()
    assert stored.suggestion == "Antrean\n lama"
    assert stored.occupation_other == "Pedagang pasar"


def test_import_stores_the_suggestion_without_control_characters(unit, period, tmp_path):
    header = ["Timestamp", "Jenis Kelamin", "Usia", "Pendidikan", "Pekerjaan"]
    header += [f"U{i}" for i in range(1, 10)] + ["Saran"]
    row = ["10/03/2025 09:00:00", "P", "30", "SMA", "Wiraswasta", *["4"] * 9]
    path = tmp_path / "impor.csv"
    path.write_text(
        ";".join(header) + "\n" + ";".join([*row, "Antrean lama\x0b sekali\x07"]) + "\n",
        encoding="utf-8",
    )
    responses_import(period=period, unit=unit, path=path)
    assert Response.objects.get().suggestion == "Antrean lama\n sekali"


# -------------------------------------------------------------------- what is stored


@pytest.fixture
def dirty(unit, child, period) -> Response:
    """A response of the child unit whose suggestion was stored before input was cleaned."""
    response = response_create(
        period=period,
        unit=child,
        channel=Response.Channel.ONLINE,
        answers={f"U{i}": 3 for i in range(1, 10)},
        submitted_at=timezone.make_aware(dt.datetime(2025, 2, 1, 9, 0)),
        suggestion="placeholder",
        occupation="LAINNYA",
        occupation_other="placeholder",
    )
    Response.objects.filter(pk=response.pk).update(
        suggestion="Antrean lama\x0b sekali\x1b", occupation_other="Tukang\x0bojek"
    )
    return response


@pytest.mark.parametrize("which", ["child", "unit"])
def test_the_workbook_of_the_unit_and_its_parent_survives_stored_control_characters(
    dirty, unit, child, period, which
):
    target = io.BytesIO()
    olah_data_write(period=period, unit={"unit": unit, "child": child}[which], target=target)
    target.seek(0)
    values = [
        c.value
        for row in load_workbook(target)["Olah Data"].iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert "Antrean lama\n sekali" in values
    assert not any(CONTROL.search(v) for v in values)


def test_the_export_page_answers_200_with_stored_control_characters(
    client, manager, dirty, unit, period
):
    client.force_login(manager)
    for fmt in ("xlsx", "csv"):
        response = client.get(
            f"/staf/unit/{unit.slug}/ekspor/", {"period": period.pk, "format": fmt}
        )
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "csv":
            assert "Antrean lama\n sekali" in body.decode("utf-8-sig")
            assert not CONTROL.search(body.decode("utf-8-sig").replace("\r\n", "\n"))


def test_the_csv_has_no_control_characters_from_stored_text(dirty, unit, period):
    text = "".join(responses_csv(period, unit))
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[1][-1] == "Antrean lama\n sekali"
    assert not CONTROL.search(text.replace("\r\n", "\n"))


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug="dinas-kependudukan-dan-pencatatan-sipil")
    return unit, Period.objects.get(unit=unit, slug="semester-i-2025")


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_reports_survive_stored_control_characters(demo, fmt):
    from django.db.models import F, Value
    from django.db.models.functions import Concat
    from docx import Document

    from skm.plans.models import PlanItem
    from skm.reports.documents import build

    unit, period = demo
    Response.objects.filter(period=period).exclude(suggestion="").update(
        suggestion=Concat(F("suggestion"), Value("\x0b\x1b"))
    )
    PlanItem.objects.filter(priority__plan__period=period).update(
        activity=Concat(F("activity"), Value("\x0b\x07")),
        description=Concat(F("description"), Value("\x1f")),
    )
    results = build("hasil", unit=unit, period=period, fmt=fmt)
    followup = build("tindak-lanjut", unit=unit, period=period, fmt=fmt)
    if fmt == "docx":
        text = "\n".join(p.text for p in Document(io.BytesIO(results.content)).paragraphs)
        assert "Keluhan dan permintaan dalam saran responden" in text  # suggestions quoted
        assert not CONTROL.search(text)
        assert Document(io.BytesIO(followup.content)).paragraphs
    else:
        assert results.content.startswith(b"%PDF") and followup.content.startswith(b"%PDF")


# -------------------------------------------------------------------- formula injection
# (issue #12, finding 10): a ";" file opened by a spreadsheet that guesses another separator

PAYLOADS = [
    "Pelayanan bagus,=1+1",
    "Antrean;+cmd|' /C calc'!A0",
    "Tab\t@SUM(A1:A9)",
    "Pipa|-2+3",
    'Kutip, "=HYPERLINK(""http://contoh.test"")"',
    "Baris baru\n=1+1",
    "  =1+1",
    "\uff1d1+1",
    "Lebih cepat, -10 menit",
]
FORMULA_START = tuple("=+-@\uff1d\uff0b\uff0d\uff20")


def _cells(text: str, separator: str) -> list[str]:
    """Every cell a spreadsheet could see with this separator: naive splitting (quotes in
    the middle of a field are literal for Excel), lines split at every line break."""
    cells = []
    for line in re.split("\r\n|\r|\n", text):
        cells.extend(line.split(separator))
    return cells


def test_csv_cells_never_start_a_formula_whatever_the_separator(unit, period):
    for index, payload in enumerate(PAYLOADS):
        response_create(
            period=period,
            unit=unit,
            channel=Response.Channel.ONLINE,
            answers={f"U{i}": 4 for i in range(1, 10)},
            submitted_at=timezone.make_aware(dt.datetime(2025, 2, 1, 9, index)),
            suggestion=payload,
        )
    text = "".join(responses_csv(period, unit))[1:]
    for separator in (",", ";", "\t", "|"):
        for cell in _cells(text, separator):
            assert not cell.strip(' "').startswith(FORMULA_START), (separator, cell)
        for row in csv.reader(io.StringIO(text), delimiter=separator):
            for cell in row:
                assert not cell.strip(' "').startswith(FORMULA_START), (separator, cell)
    # read with the right separator, the text is the respondent's, marked only where needed
    suggestions = [r[-1] for r in csv.reader(io.StringIO(text), delimiter=";")][1:]
    assert suggestions[0] == "Pelayanan bagus,'=1+1"
    assert suggestions[-1] == "Lebih cepat, '-10 menit"
    assert suggestions[6] == "'=1+1"  # stored stripped


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Pelayanan bagus,=1+1", "Pelayanan bagus,'=1+1"),
        ("a; +1", "a; '+1"),
        ('a,"=1', "a,\"'=1"),
        ("  =1+1", "'  =1+1"),
        ('"=1+1', "'\"=1+1"),
        ("a\n@x", "a\n'@x"),
        ("a,'=1", "a,'=1"),
        ("a - b = c", "a - b = c"),
        ("1,5", "1,5"),
    ],
)
def test_neutralise_marks_a_formula_after_any_separator(value, expected):
    from skm.transfer.exports import neutralise

    assert neutralise(value) == expected
