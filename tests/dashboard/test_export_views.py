"""The export page: a streamed CSV and the XLSX workbook, for administrators."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from skm.surveys.models import Response
from skm.surveys.services import response_create


def _url(unit):
    return f"/staf/unit/{unit.slug}/ekspor/"


@pytest.fixture
def answered(unit, period):
    return response_create(
        period=period,
        unit=unit,
        channel=Response.Channel.ONLINE,
        answers={f"U{i}": 4 for i in range(1, 10)},
        submitted_at=timezone.make_aware(dt.datetime(2025, 2, 1, 9, 0)),
        suggestion="-bagus",
    )


def test_page_offers_periods_services_and_formats(manager_client, unit, period):
    page = manager_client.get(_url(unit)).content.decode()
    assert "Ekspor jawaban responden" in page
    assert "Semester I 2025 – Dinas Contoh (Dibuka)" in page
    assert '<input type="radio" name="format" value="csv" id="id_format_0" required>' in page
    assert 'value="xlsx" id="id_format_1" required checked>' in page


def test_csv_is_streamed_as_an_attachment(manager_client, unit, period, answered):
    response = manager_client.get(_url(unit), {"period": period.pk, "format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    stamp = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == (
        f'attachment; filename="skm-dinas-contoh-semester-i-2025-{stamp}.csv"'
    )
    body = b"".join(response.streaming_content).decode("utf-8")
    lines = body.split("\r\n")
    assert lines[0].startswith("\ufeffID;Tanggal Survei;")
    assert lines[1].endswith(";4;4;4;4;4;4;4;4;4;'-bagus")
    assert lines[2:] == [""]


def test_xlsx_is_a_workbook_file(manager_client, unit, period, answered):
    response = manager_client.get(_url(unit), {"period": period.pk, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith(
        'attachment; filename="skm-dinas-contoh-semester-i-2025-'
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Olah Data", "Tabel 1"]


def test_invalid_choice_shows_the_form_again(manager_client, unit, period):
    response = manager_client.get(_url(unit), {"period": 999999, "format": "pdf"})
    assert response.status_code == 200
    assert not response.streaming
    page = response.content.decode()
    assert "Mohon perbaiki isian berikut" in page
    # each problem said specifically, not "Pilih pilihan yang valid" or "Kolom ini harus diisi"
    assert "Periode yang dipilih bukan periode unit ini: pilih salah satu dari daftar." in page
    assert "pdf bukan format yang tersedia di halaman ini" in page
    assert "pilihan yang valid" not in page.lower()


def test_a_missing_choice_says_which(manager_client, unit, period):
    page = manager_client.get(_url(unit), {"format": ""}).content.decode()
    assert "Pilih periode yang jawabannya ingin Anda unduh." in page
    assert "Pilih format file: CSV atau Excel olah data (XLSX)." in page
    assert "harus diisi" not in page


def test_the_form_opens_on_the_default_period(manager_client, unit, period, answered):
    from skm.surveys.models import Period
    from skm.surveys.services import period_create

    # a newer period without responses: the page opens on the one with responses, as the
    # results and reports pages do (skm.surveys.results.default_period)
    period_create(
        unit=unit,
        name="Semester II 2025",
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2025, 7, 1),
        end_date=dt.date(2025, 12, 31),
        population=1000,
    )
    page = manager_client.get(_url(unit)).content.decode()
    assert f'<option value="{period.pk}" selected>Semester I 2025' in page


def test_a_period_of_another_unit_cannot_be_exported(manager_client, unit, stranger):
    from skm.surveys.models import Period
    from skm.surveys.services import period_create

    other_unit = stranger.memberships.get().unit
    other = period_create(
        unit=other_unit,
        name="Rahasia",
        kind=Period.Kind.YEAR,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
    )
    response = manager_client.get(_url(unit), {"period": other.pk, "format": "csv"})
    assert response.status_code == 200
    assert not response.streaming
    assert "Rahasia" not in response.content.decode()
