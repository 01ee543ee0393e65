"""The entry points of every document, so that the command line, the web pages (through
the background job) and the API hand out the same bytes:

- ``build(kind, unit, period, fmt)``: the documents of one period (KINDS);
- ``build_scoped(kind, unit|agency, year, part, fmt)``: the documents of a year
  (SCOPED_KINDS): the PEKPPP evidence pack of a unit (skm.reports.pekppp_pack) and the
  Laporan Rekapitulasi IKM of a unit with units below it or of a whole agency
  (skm.reports.recap).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skm.org.models import Unit
from skm.surveys.models import Period
from skm.surveys.text import xml_safe_deep

KINDS = ("tindak-lanjut", "hasil", "poster")
# The name of each period's document: the report page's list, and with the period's name the
# job page's heading ("Laporan Hasil SKM Semester I 2025", ReportJob.title).
PERIOD_TITLES = {
    "tindak-lanjut": gettext_lazy("Laporan Tindak Lanjut Hasil SKM"),
    "hasil": gettext_lazy("Laporan Hasil SKM"),
    "poster": gettext_lazy("Publication poster (Lampiran IV)"),
}
# Documents of a year rather than a period, and the formats each is made in.
PEKPPP, RECAP = "pekppp", "rekap"
SCOPED_KINDS = (PEKPPP, RECAP)
SCOPED_FORMATS = {PEKPPP: ("zip", "pdf"), RECAP: ("docx", "pdf")}
PERIOD_FORMATS = ("docx", "pdf")
# The part of the year a recap covers: "" the whole year, a semester or a quarter.
PARTS = ("", "S1", "S2", "TW1", "TW2", "TW3", "TW4")
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
    "zip": "application/zip",
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
    if kind not in KINDS or fmt not in PERIOD_FORMATS:
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


PART_NAMES = {
    "": "",
    "S1": "Semester I",
    "S2": "Semester II",
    "TW1": "Triwulan I",
    "TW2": "Triwulan II",
    "TW3": "Triwulan III",
    "TW4": "Triwulan IV",
}


def scoped_title(kind: str, year: int | None, part: str = "") -> str:
    """The name of a year's document as the job page and the lists show it
    ("Paket bukti PEKPPP 2026", "Rekapitulasi IKM Semester I 2026")."""
    span = " ".join(x for x in (PART_NAMES.get(part, part), str(year or "")) if x)
    if kind == PEKPPP:
        return _("PEKPPP evidence pack %(span)s") % {"span": span}
    if kind == RECAP:
        return _("IKM recap %(span)s") % {"span": span}
    return kind


def build_scoped(
    kind: str,
    *,
    unit: Unit | None = None,
    agency=None,
    year: int,
    part: str = "",
    fmt: str,
    signed_on: dt.date | None = None,
) -> Document:
    """A document of a year: ``pekppp`` (a unit's evidence pack, ZIP or PDF) or ``rekap``
    (the recap of a unit with units below it, or of a whole agency: exactly one of the
    two; DOCX or PDF; ``part`` "" for the whole year, S1/S2, TW1..TW4)."""
    if kind not in SCOPED_KINDS or fmt not in SCOPED_FORMATS[kind]:
        raise ReportUnavailable(_("Unknown document or format."))
    if part not in PARTS or (kind == PEKPPP and part):
        raise ReportUnavailable(_("Unknown part of the year: use S1, S2 or TW1 to TW4."))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ReportUnavailable(_("Unknown year."))
    if (unit is None) == (agency is None) or (kind == PEKPPP and unit is None):
        raise ReportUnavailable(_("Choose one unit or one agency."))
    if kind == PEKPPP:
        from skm.reports.pekppp_pack import build_pack

        return build_pack(unit=unit, year=year, fmt=fmt, signed_on=signed_on)
    from skm.reports.recap import build_recap

    return build_recap(agency=agency, unit=unit, year=year, part=part, fmt=fmt, signed_on=signed_on)
