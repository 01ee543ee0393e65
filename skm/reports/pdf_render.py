"""ReportData -> PDF through an HTML template and WeasyPrint: the same data as the DOCX,
A4 (landscape pages where a wide table needs it), page numbers, selectable text, embedded
fonts and a tagged PDF for screen readers (WeasyPrint's pdf_tags)."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from skm.reports.data import FollowupReport, data_uri
from skm.reports.toc import FOLLOWUP_CHAPTERS


def _uri(path: str | None) -> str | None:
    return data_uri(path)


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=Path("/").as_uri()).write_pdf(pdf_tags=True)


def followup_html(report: FollowupReport, *, font: str = "") -> str:
    """``font``: a font family for the whole document instead of the PDF's (to measure the
    DOCX's pages with Arial's metrics, skm.reports.toc)."""
    with translation.override("id"):
        return render_to_string(
            "reports/followup.html",
            {
                "r": report,
                "toc": FOLLOWUP_CHAPTERS,
                "font": font,
                "logo": _uri(report.logo_path),
                "table3": [
                    (row, [(_uri(i.path), i.caption) for i in row.images]) for row in report.table3
                ],
            },
        )


def followup_pdf(report: FollowupReport) -> bytes:
    return _pdf(followup_html(report))
