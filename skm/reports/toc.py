"""Tables of contents (issue #14, point 2): the entries of a document (headings of levels 1-2,
table and figure captions), each with an anchor, and the page each anchor lands on.

The PDF prints its lists with CSS (``target-counter(attr(href), page)``), so WeasyPrint
writes the right numbers itself. The DOCX writes its entries and page numbers at generation,
inside Word's TOC fields (skm.reports.docx_render.toc_field), so every reader (Word without
the update prompt, LibreOffice, WPS) opens with a filled table of contents and Word can still
update it. Its page numbers come from LibreOffice laying this very DOCX out
(``libreoffice_pages``: the process's resident office, skm.reports.office, else a one-shot
conversion); without LibreOffice, from WeasyPrint laying out the same content
(``anchor_pages``) in a font with Arial's metrics, which may be a page off late in a long
document.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

# The chapters of the Laporan Tindak Lanjut, with their anchors in the PDF.
FOLLOWUP_CHAPTERS = [
    ("bab-1", "BAB I LATAR BELAKANG"),
    ("bab-2", "BAB II DESKRIPSI RENCANA TINDAK LANJUT"),
    ("bab-3", "BAB III REALISASI RENCANA TINDAK LANJUT"),
    ("bab-4", "BAB IV KESIMPULAN"),
]
# Word's TOC fields: headings 1-2; the lists of tables and figures from their caption styles.
TOC_INSTRUCTION = 'TOC \\o "1-2" \\h \\z \\u'
TABLE_CAPTION_STYLE, FIGURE_CAPTION_STYLE = "Judul Tabel", "Judul Gambar"
LIST_TITLES = ("DAFTAR ISI", "DAFTAR TABEL", "DAFTAR GAMBAR")
LIBREOFFICE_TIMEOUT = 120  # seconds
# A font with Arial's widths (the DOCX's font) for measuring the DOCX's pages with WeasyPrint.
MEASURE_FONT = '"Liberation Sans", Arimo, Arial, sans-serif'


@dataclass(frozen=True)
class Entry:
    anchor: str
    text: str
    level: int = 1


def anchor_pages(html: str) -> dict[str, int]:
    """The page number (1-based, the cover being page 1) of every element with an id, as
    WeasyPrint lays ``html`` out."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=Path("/").as_uri()).render()
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def libreoffice_pages(docx: bytes, groups: list[list[Entry]]) -> dict[str, int] | None:
    """The page of every entry in the DOCX as LibreOffice lays it out, or None when
    LibreOffice is missing or disabled (settings.DOCX_TOC_LIBREOFFICE), fails, or an entry is
    not found. The layout comes from the process's resident office (skm.reports.office,
    about half a second), else from a one-shot ``soffice --convert-to pdf`` read back by
    ``pdftotext`` (2-4 s). Each group (headings, tables, figures) is in document order: each
    entry is looked for as a line of its own from the page of the one before, on any page
    but those of the lists themselves."""
    from django.conf import settings

    if not getattr(settings, "DOCX_TOC_LIBREOFFICE", True):
        return None
    pages = _resident_lines(docx)
    if pages is None:
        pages = _converted_lines(docx)
    if pages is None:
        return None
    # the pages of the lists themselves are passed over (an entry is not its heading); the
    # Kata Pengantar stands before them
    lists = {i for i, lines in enumerate(pages) if any(line in LIST_TITLES for line in lines)}
    out: dict[str, int] = {}
    for group in groups:
        index = 0
        for entry in group:
            wanted = " ".join(entry.text.split())
            while index < len(pages) and (index in lists or not _stands_on(wanted, pages[index])):
                index += 1
            if index == len(pages):
                logger.warning("LibreOffice's layout has no line %r", wanted)
                return None
            out[entry.anchor] = index + 1
    return out


def _resident_lines(docx: bytes) -> list[list[str]] | None:
    """The DOCX's pages, each as the paragraphs that start on it (spaces and line breaks
    made single spaces), from the resident office; None where it cannot run."""
    from skm.reports.office import office

    paragraphs = office.layout(docx)
    if paragraphs is None:
        return None
    pages: list[list[str]] = [[] for _ in range(max((p for p, _ in paragraphs), default=0))]
    for page, text in paragraphs:
        pages[page - 1].append(" ".join(text.split()))
    return pages


def _converted_lines(docx: bytes) -> list[list[str]] | None:
    """The DOCX's pages, each as its lines of text, from a one-shot conversion to PDF; None
    when soffice or pdftotext is missing or fails."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftotext = shutil.which("pdftotext")
    if not (soffice and pdftotext):
        return None
    with tempfile.TemporaryDirectory(prefix="skm-toc-") as tmp:
        folder = Path(tmp)
        (folder / "doc.docx").write_bytes(docx)
        try:
            subprocess.run(  # noqa: S603 (fixed arguments, our own temporary files)
                [
                    soffice,
                    f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder),
                    str(folder / "doc.docx"),
                ],
                check=True,
                capture_output=True,
                timeout=LIBREOFFICE_TIMEOUT,
            )
            text = subprocess.run(  # noqa: S603 (fixed arguments)
                [pdftotext, "-layout", str(folder / "doc.pdf"), "-"],
                check=True,
                capture_output=True,
                text=True,
                timeout=LIBREOFFICE_TIMEOUT,
            ).stdout
        except (OSError, subprocess.SubprocessError) as error:
            logger.warning("LibreOffice could not lay the DOCX out: %s", error)
            return None
    return [
        [" ".join(line.split()) for line in page.splitlines() if line.strip()]
        for page in text.split("\f")
    ]


def _stands_on(wanted: str, lines: list[str]) -> bool:
    """``wanted`` is a line of its own, or one to three whole lines in a row (a heading set
    as "BAB I" over its title, a caption that wraps)."""
    return any(
        " ".join(lines[index : index + count]) == wanted
        for index in range(len(lines))
        for count in (1, 2, 3)
    )
