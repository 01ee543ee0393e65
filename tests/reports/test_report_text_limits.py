"""Report narrative texts (issue #12, finding 14): at most MAX_TEXT_LENGTH characters each,
refused with a message naming the section and nothing saved; cleaned like any free text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from skm.reports.models import ReportText


def _url(unit) -> str:
    return f"/staf/unit/{unit.slug}/laporan/teks/tindak-lanjut/"


def test_a_megabyte_text_is_refused_naming_the_section_and_nothing_is_saved(
    client, manager, unit, period
):
    client.force_login(manager)
    huge = "Pelayanan kami terus membaik. " * 37_000  # 1.1 MB
    page = client.post(
        _url(unit),
        {"periode": period.slug, "bab1": huge, "bab2_intro": "Teks pendek kami."},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "BAB I Latar Belakang" in html and "terlalu panjang" in html
    assert "1.109.999 karakter" in html and "paling banyak 20.000" in html
    assert 'maxlength="20000"' in html
    assert "Teks pendek kami." in html  # what was typed is shown again, not lost
    assert not ReportText.objects.exists()


def test_a_text_at_the_limit_is_saved_cleaned(client, manager, unit, period):
    from skm.reports.services import MAX_TEXT_LENGTH

    client.force_login(manager)
    text = "Paragraf\x0b satu.\r\n\r\n" + "a" * (MAX_TEXT_LENGTH - 20)
    page = client.post(_url(unit), {"periode": period.slug, "bab1": text})
    assert page.status_code == 302
    saved = ReportText.objects.get(key="bab1").text
    assert saved.startswith("Paragraf\n satu.\n\naaa") and len(saved) <= MAX_TEXT_LENGTH


def test_the_service_refuses_too_long_texts_whoever_calls_it(unit, period):
    from skm.reports.services import MAX_TEXT_LENGTH, report_texts_save

    with pytest.raises(ValidationError) as refused:
        report_texts_save(
            unit=unit,
            period=period,
            report="hasil",
            label="Semester I 2025",
            texts={"ringkasan": "x" * (MAX_TEXT_LENGTH + 1), "dasar": "Dasar hukum kami."},
        )
    assert list(refused.value.message_dict) == ["ringkasan"]
    assert not ReportText.objects.exists()


def test_a_text_stored_before_the_limit_is_cut_when_a_document_is_made(unit, period):
    from skm.reports.data import section_text
    from skm.reports.services import MAX_TEXT_LENGTH

    ReportText.objects.create(
        unit=unit, period=period, report="hasil", key="ringkasan", text="y" * 1_100_000
    )
    assert len(section_text(unit, period, "hasil", "ringkasan", "x")) == MAX_TEXT_LENGTH
