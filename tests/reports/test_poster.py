"""The Lampiran IV poster: one A4 or A3 page with the public figures."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.core.management import call_command

from skm.org.models import Unit
from skm.reports.documents import ReportUnavailable, build
from skm.surveys.models import Period

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def _info(path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.PUBLIC_BASE_URL = "https://skm.example.go.id"
    call_command("demo")
    unit = Unit.objects.get(slug="dinas-kependudukan-dan-pencatatan-sipil")
    return unit, Period.objects.get(unit=unit, slug="semester-i-2025")


@pytest.mark.parametrize(("size", "paper"), [("a4", "(A4)"), ("a3", "(A3)")])
def test_one_page_with_the_ikm_and_every_element(demo, tmp_path, size, paper):
    unit, period = demo
    document = build("poster", unit=unit, period=period, fmt="pdf", size=size)
    path = tmp_path / document.filename
    path.write_bytes(document.content)
    info = _info(path)
    assert "Pages:           1" in info and paper in info
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "NILAI IKM" in text and "93.40" in text and "615 orang" in text
    for score in ("91.83", "92.32", "91.02", "99.80", "91.91", "92.89", "91.26", "98.01", "91.54"):
        assert score in text
    assert (
        "https://skm.example.go.id/p/dinas-kependudukan-dan-pencatatan-sipil/semester-i-2025/"
        in text
    )


def test_small_periods_follow_the_minimum_cell_rule(db, unit, period, tmp_path):
    from skm.surveys.services import response_create

    for _ in range(3):
        response_create(
            period=period, unit=unit, channel="paper", answers={f"U{i}": 4 for i in range(1, 10)}
        )
    document = build("poster", unit=unit, period=period, fmt="pdf")
    path = tmp_path / "p.pdf"
    path.write_bytes(document.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "100.00" not in text and "*" in text


def test_the_poster_is_made_as_docx_too(demo):
    # the DOCX poster itself is checked in test_poster_page.py
    unit, period = demo
    document = build("poster", unit=unit, period=period, fmt="docx")
    assert document.filename.endswith(".docx") and document.content.startswith(b"PK")
    with pytest.raises(ReportUnavailable):
        build("poster", unit=unit, period=period, fmt="odt")


@pytest.mark.parametrize(("decimal", "printed"), [(".", "24,000 orang"), (",", "24.000 orang")])
def test_counts_are_printed_with_the_units_thousands_separator(
    demo, monkeypatch, tmp_path, decimal, printed
):
    """Respondents and the profile counts go through skm.reports.formatting: never
    "24000", in the PDF and in the DOCX (issue #14, point 7)."""
    import dataclasses
    import io

    from docx import Document as Docx

    from skm.reports import poster
    from skm.reports.models import ReportProfile

    unit, period = demo
    ReportProfile.objects.update_or_create(unit=unit, defaults={"decimal": decimal})
    real = poster.published_result

    def large(publication):
        result = real(publication)
        return dataclasses.replace(
            result,
            respondents=24000,
            gender=[dataclasses.replace(c, value=12000 + i) for i, c in enumerate(result.gender)],
        )

    monkeypatch.setattr(poster, "published_result", large)
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(build("poster", unit=unit, period=period, fmt="pdf").content)
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split()
    )
    thousands = "," if decimal == "." else "."
    docx = Docx(io.BytesIO(build("poster", unit=unit, period=period, fmt="docx").content))
    words = " ".join(
        [p.text for p in docx.paragraphs]
        + [p.text for t in docx.tables for c in t._cells for p in c.paragraphs]
    )
    for shown in (text, words):
        assert printed in shown
        assert f"12{thousands}000" in shown and f"12{thousands}001" in shown
        assert "24000" not in shown and "12000" not in shown
