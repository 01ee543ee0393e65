"""Issue #14, point 10: the Laporan Hasil's analysis comes from the data, not a template.

BAB IV.A quoted praise under weak elements ("Petugas ramah dan membantu, terima kasih."
twice under Perilaku Pelaksana) and had no analysis; the Kesimpulan repeated the Ringkasan
word for word; the Rekomendasi named nobody.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from docx import Document

from skm.org.models import Unit
from skm.reports.documents import build
from skm.surveys.lexicon import complaint_themes, is_complaint
from skm.surveys.models import Period
from skm.surveys.selectors import period_result


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug="dinas-kependudukan-dan-pencatatan-sipil")
    return unit, Period.objects.get(unit=unit, slug="semester-i-2025")


def _sections(demo) -> dict[str, list[str]]:
    unit, period = demo
    docx = Document(io.BytesIO(build("hasil", unit=unit, period=period, fmt="docx").content))
    sections: dict[str, list[str]] = {}
    current = ""
    for p in docx.paragraphs:
        if p.style.name in ("Heading 1", "Heading 2"):
            current = p.text
            sections.setdefault(current, [])
        elif p.text.strip():
            sections.setdefault(current, []).append(p.text.strip())
    return sections


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("Petugas ramah dan membantu, terima kasih.", False),
        ("Pelayanan sudah baik, pertahankan", False),
        ("Mantap", False),
        ("Antrean lama sekali", True),
        ("Mohon ruang tunggu diperbaiki", True),
        ("AC ruang tunggu mati", True),
        ("Prosedur ditingkatkan lagi", True),
        ("Petugas kurang ramah", True),
    ],
)
def test_complaints_are_told_from_praise(text, complaint):
    assert is_complaint(text) is complaint


def test_complaint_themes_are_deduplicated_and_counted():
    texts = [
        "Antrean lama.",
        "antrean  LAMA",
        "Terima kasih",
        "Mohon AC diperbaiki",
        "Antrean lama!",
    ]
    assert complaint_themes(texts) == [("Antrean lama", 3), ("Mohon AC diperbaiki", 1)]


def test_the_analysis_of_each_priority_comes_from_the_data(demo):
    unit, period = demo
    result = period_result(period, unit=unit)
    analysis = " ".join(_sections(demo)["A. Kelemahan dan Kelebihan Unsur Pelayanan"])
    assert "Petugas ramah dan membantu" not in analysis  # praise is never quoted here
    for code in result.priorities:
        element = result.element(code)
        assert f"Nilai unsur {element.score_text}" in analysis
    assert "untuk mencapai mutu" in analysis or "mutu tertinggi" in analysis
    assert "memberi nilai 1 atau 2" in analysis
    assert "Tindak lanjut yang direncanakan" in analysis


def test_the_conclusion_does_not_repeat_the_summary_and_recommendations_name_who(demo):
    sections = _sections(demo)
    summary = set(sections["RINGKASAN EKSEKUTIF"])
    conclusion = sections["A. Kesimpulan"]
    assert conclusion and not summary & set(conclusion)
    recommendations = " ".join(sections["B. Rekomendasi"])
    assert "Kepala" in recommendations or "Kasi" in recommendations or "Bidang" in recommendations


def test_no_visible_seams(demo):
    sections = _sections(demo)
    text = " ".join(" ".join(v) for v in sections.values())
    assert "dan Sarana dan Prasarana" not in text
    method = " ".join(sections["B. Metode"])
    assert method.count("Pembobotan") == 1
    assert method.count("pembulatan") + method.count("dibulatkan") == 1
