"""One entry point for every document: build(kind, unit, period, fmt) -> Document.

The command line, the web pages and the API call this, so they hand out the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from skm.org.models import Unit
from skm.surveys.models import Period
from skm.surveys.text import xml_safe_deep

KINDS = ("tindak-lanjut", "hasil", "poster")
# Which evidence photos a document prints: only those marked public, or all of them.
EVIDENCE_PUBLIC, EVIDENCE_ALL = "publik", "semua"
EVIDENCE_SCOPES = (EVIDENCE_PUBLIC, EVIDENCE_ALL)
# Documents meant for publication print public evidence only unless asked otherwise; the
# Laporan Tindak Lanjut is an internal report to the head of the agency (all evidence).
PUBLISHED_KINDS = ("hasil", "poster")


def default_evidence_scope(kind: str) -> str:
    return EVIDENCE_PUBLIC if kind in PUBLISHED_KINDS else EVIDENCE_ALL


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class ReportUnavailable(Exception):
    """The document cannot be made yet; the message says why (user's language)."""


@dataclass(frozen=True)
class Document:
    content: bytes
    filename: str
    content_type: str


def build(
    kind: str,
    *,
    unit: Unit,
    period: Period,
    fmt: str,
    size: str = "a4",
    signed_on: dt.date | None = None,
    base_url: str = "",
    evidence: str | None = None,
) -> Document:
    """``base_url``: the site's address as the request saw it, for the poster's QR code when
    settings.PUBLIC_BASE_URL is not set (skm.reports.poster.poster_base).
    ``evidence``: publik or semua, None for the document's default (default_evidence_scope)."""
    if kind not in KINDS or fmt not in CONTENT_TYPES:
        raise ReportUnavailable(_("Unknown document or format."))
    if evidence is not None and evidence not in EVIDENCE_SCOPES:
        raise ReportUnavailable(_("Unknown choice of evidence: use publik or semua."))
    public_only = (evidence or default_evidence_scope(kind)) == EVIDENCE_PUBLIC
    stem = f"{kind}-{unit.slug}-{period.slug}"
    if kind == "tindak-lanjut":
        from skm.plans.models import Plan
        from skm.reports.data import followup_report

        plan = (
            Plan.objects.filter(unit=unit, period=period).select_related("period", "unit").first()
        )
        if plan is None:
            raise ReportUnavailable(
                _("%(unit)s has no follow-up plan for %(period)s yet.")
                % {"unit": unit.name, "period": period.name}
            )
        # Text stored before input was cleaned may hold characters no DOCX (XML) can.
        report = xml_safe_deep(followup_report(plan, signed_on=signed_on, public_only=public_only))
        if fmt == "docx":
            from skm.reports.docx_render import followup_docx

            content = followup_docx(report)
        else:
            from skm.reports.pdf_render import followup_pdf

            content = followup_pdf(report)
        return Document(content, f"laporan-{stem}.{fmt}", CONTENT_TYPES[fmt])
    if kind == "hasil":
        from skm.reports import blocks
        from skm.reports.results_report import results_blocks

        parts, title = xml_safe_deep(
            results_blocks(period, unit, signed_on=signed_on, public_only=public_only)
        )
        render = blocks.to_docx if fmt == "docx" else blocks.to_pdf
        return Document(
            render(parts, title=title, author=unit.name),
            f"laporan-{stem}.{fmt}",
            CONTENT_TYPES[fmt],
        )
    if kind == "poster":
        from skm.reports.poster import poster_docx, poster_pdf

        render = poster_docx if fmt == "docx" else poster_pdf
        return Document(
            render(unit, period, size=size, base_url=base_url),
            f"poster-ikm-{unit.slug}-{period.slug}-{size}.{fmt}",
            CONTENT_TYPES[fmt],
        )
    raise ReportUnavailable(_("This document is not available yet."))
