"""A small document model for long reports (the Laporan Hasil SKM): a list of blocks that one
function writes as DOCX and another as HTML for the PDF, so both hold the same content.

Blocks: Heading, Para, Bullets, Table, Figure (an SVG chart from skm.reports.charts, put
into Word as PNG), Picture (a photo file), PageBreak, Landscape (the following blocks on
landscape pages, until Portrait), Signature, Cover, ContentsLists (where the table of
contents and the lists of tables and figures go; after the cover when there is none).
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from skm.reports import formatting as fmt
from skm.reports.charts import Svg, png, standalone
from skm.reports.data import Letterhead, Signatory, data_uri
from skm.reports.docx_render import (
    DENSE_COLUMNS,
    DENSE_TABLE_PT,
    TABLE_PT,
    _a4,
    _caption,
    _cell_text,
    _font,
    _page_numbers,
    _properties,
    _rows_on_paper,
    _table,
    _widths,
    bab_headings,
    caption_styles,
    cover,
    fit_to_minima,
    save_with_pages,
    signature,
    text_width_cm,
    toc_field,
)
from skm.reports.toc import (
    FIGURE_CAPTION_STYLE,
    MEASURE_FONT,
    TABLE_CAPTION_STYLE,
    TOC_INSTRUCTION,
    Entry,
    anchor_pages,
)


@dataclass(frozen=True)
class Cover:
    title_lines: list[str]
    subtitle_lines: list[str]
    logo_path: str | None = None
    note: str = ""
    letterhead: Letterhead | None = None  # the kop surat at the top, and the year


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1
    new_page: bool = False


@dataclass(frozen=True)
class Para:
    text: str
    indent: bool = True


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]
    widths: list[float]  # cm
    numeric: set[int] = field(default_factory=set)  # column indexes centred
    bold_last: bool = False  # a total row
    # points; None: 10, or 9 in tables of many columns. A size set also narrows the PDF's
    # cell padding (a table of very many columns, e.g. the recap's 18).
    size: float | None = None


@dataclass(frozen=True)
class Figure:
    svg: Svg
    caption: str
    width_cm: float = 15


@dataclass(frozen=True)
class Picture:
    """A photo from a file (documentation), embedded in both formats."""

    path: str
    caption: str
    width_cm: float = 7


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Landscape:
    pass


@dataclass(frozen=True)
class Portrait:
    pass


@dataclass(frozen=True)
class ContentsLists:
    """Where DAFTAR ISI, DAFTAR TABEL and DAFTAR GAMBAR are printed (each on a new page):
    after the Kata Pengantar, as Indonesian reports are bound. Without one they follow the
    cover."""


@dataclass(frozen=True)
class SignatureBlock:
    signatory: Signatory


@dataclass(frozen=True)
class Contents:
    """What the lists after the cover hold: headings of levels 1-2, captioned tables and
    charts, each with the anchor of its block (its index in the list of blocks)."""

    headings: list[Entry]
    tables: list[Entry]
    figures: list[Entry]


def contents(blocks: list) -> Contents:
    out = Contents([], [], [])
    for index, block in enumerate(blocks):
        anchor = f"b{index}"
        if isinstance(block, Heading) and block.level <= 2:
            out.headings.append(Entry(anchor, block.text, block.level))
        elif isinstance(block, Table) and block.caption:
            out.tables.append(Entry(anchor, block.caption))
        elif isinstance(block, Figure):
            out.figures.append(Entry(anchor, block.caption))
    return out


def _docx_contents(
    document, blocks: list, *, new_page: bool = False
) -> tuple[list, list[list[Entry]]]:
    """DAFTAR ISI, and DAFTAR TABEL and DAFTAR GAMBAR when there are any, each a Word TOC
    field written with its entries (pages filled by save_with_pages, skm.reports.toc).
    ``new_page``: DAFTAR ISI starts a page (it does not follow the cover's page break)."""
    found = contents(blocks)
    lists = [
        ("DAFTAR ISI", TOC_INSTRUCTION, found.headings),
        ("DAFTAR TABEL", f'TOC \\h \\z \\t "{TABLE_CAPTION_STYLE},1"', found.tables),
        ("DAFTAR GAMBAR", f'TOC \\h \\z \\t "{FIGURE_CAPTION_STYLE},1"', found.figures),
    ]
    placed, groups = [], []
    for index, (title, instruction, entries) in enumerate(lists):
        if index and not entries:
            continue
        heading = document.add_paragraph(title, style="Title")
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        heading.paragraph_format.page_break_before = index > 0 or new_page
        placed += toc_field(document, instruction, entries)
        groups.append(entries)
    return placed, groups


def to_docx(
    blocks: list, *, title: str, author: str, subject: str = "Survei Kepuasan Masyarakat (SKM)"
) -> bytes:
    document = Document()
    caption_styles(document)
    _font(document)
    section = document.sections[0]
    _a4(section)
    # no page number on the cover (the first page), when the document starts with one
    _page_numbers(section, cover=bool(blocks) and isinstance(blocks[0], Cover))
    _properties(document, title=title, author=author, subject=subject)
    # The charts become PNG on two threads while the document is built: Cairo works
    # outside Python's lock, so their encoding overlaps the rest (skm.reports.charts.png).
    figures = [block for block in blocks if isinstance(block, Figure)]
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="skm-chart") as pool:
        images = {id(block): pool.submit(png, block.svg) for block in figures}
        placed, groups = [], []  # the tables of contents, written after the cover
        lists_placed = any(isinstance(block, ContentsLists) for block in blocks)
        after_cover = False  # the cover ends with a page break: no second one (a blank page)
        for block in blocks:
            if isinstance(block, Cover):
                _docx_cover(document, block)
                if not lists_placed:
                    placed, groups = _docx_contents(document, blocks)
            elif isinstance(block, ContentsLists):
                placed, groups = _docx_contents(document, blocks, new_page=not after_cover)
            elif isinstance(block, Heading):
                heading = document.add_heading(block.text, level=block.level)
                heading.paragraph_format.page_break_before = block.new_page and not after_cover
            elif isinstance(block, Para):
                paragraph = document.add_paragraph(block.text)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                if block.indent:
                    paragraph.paragraph_format.first_line_indent = Cm(1)
            elif isinstance(block, Bullets):
                for item in block.items:
                    document.add_paragraph(item, style="List Bullet")
            elif isinstance(block, Table):
                _docx_table(document, block)
            elif isinstance(block, Figure):
                image = images[id(block)].result()
                if image is not None:
                    paragraph = document.add_paragraph()
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    width = min(block.width_cm, text_width_cm(document.sections[-1]))
                    paragraph.add_run().add_picture(io.BytesIO(image), width=Cm(width))
                    paragraph.paragraph_format.keep_with_next = True  # with its caption
                    _caption(document, block.caption, style=FIGURE_CAPTION_STYLE)
            elif isinstance(block, Picture):
                paragraph = document.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.paragraph_format.keep_with_next = True  # with its caption
                try:
                    width = min(block.width_cm, text_width_cm(document.sections[-1]))
                    paragraph.add_run().add_picture(block.path, width=Cm(width))
                except (OSError, ValueError):
                    paragraph.add_run(f"[{block.caption}]")
                _caption(document, block.caption)
            elif isinstance(block, PageBreak):
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            elif isinstance(block, Landscape | Portrait):
                section = document.add_section(WD_SECTION.NEW_PAGE)
                _a4(section, landscape=isinstance(block, Landscape))
                _page_numbers(section)
            elif isinstance(block, SignatureBlock):
                signature(document, block.signatory)
            # right after the cover's page break (when the lists are not written there)
            after_cover = isinstance(block, Cover) and lists_placed
    bab_headings(document)
    return save_with_pages(
        document,
        placed,
        groups,
        lambda: anchor_pages(to_html(blocks, title=title, author=author, font=MEASURE_FONT)),
    )


def _docx_table(document, block: Table) -> None:
    """Widths fitted to the section the table is in, in twips (skm.reports.docx_render);
    10 pt text, 9 pt in tables of many columns, padded cells; short tables kept on one
    page, long ones never leave their last row alone."""
    if block.caption:
        _caption(document, block.caption, style=TABLE_CAPTION_STYLE)
    size = block.size or (DENSE_TABLE_PT if len(block.headers) >= DENSE_COLUMNS else TABLE_PT)
    table, widths = _table(document, block.headers, block.widths, size=size)
    for index, row in enumerate(block.rows):
        cells = table.add_row().cells
        last = block.bold_last and index == len(block.rows) - 1
        for column, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _cell_text(cell, text, bold=last, center=column in block.numeric, size=size)
    _widths(table, widths)
    _rows_on_paper(table, keep_together=len(block.rows) <= 12)
    document.add_paragraph()


def _docx_cover(document, block: Cover) -> None:
    if block.letterhead is not None:
        cover(
            document,
            letterhead=block.letterhead,
            title_lines=block.title_lines,
            subtitle_lines=block.subtitle_lines,
            note=block.note,
        )
        return
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Cm(3)
    for i, line in enumerate(block.title_lines):
        run = paragraph.add_run(line)
        run.bold, run.font.size = True, Pt(20)
        if i < len(block.title_lines) - 1:
            run.add_break()
    who = document.add_paragraph()
    who.alignment = WD_ALIGN_PARAGRAPH.CENTER
    who.paragraph_format.space_before = Cm(3)
    for i, line in enumerate(block.subtitle_lines):
        run = who.add_run(line)
        run.bold, run.font.size = True, Pt(16)
        if i < len(block.subtitle_lines) - 1:
            run.add_break()
    if block.note:
        document.add_paragraph(block.note).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# The PDF's tables (blocks.html): 9 pt DejaVu Sans, wider than the DOCX's Arial; a generous
# width of one bold character, the cells' padding (4 pt a side) and the text block's width.
PDF_CHAR_CM_AT_9PT = 0.24
PDF_PADDING_CM = 8 / 72 * 2.54
PDF_TEXT_CM = {False: 21.0 - 5.0, True: 29.7 - 5.0}  # portrait, landscape (2.5 cm margins)


def pdf_widths(block: Table, *, landscape: bool = False) -> list[float]:
    """The columns of a PDF table (cm): the widths asked for, widened so that the longest
    word of every column (header or cell) stands on one line, fitted to the text block
    (the table is laid out fixed, its words never split or hyphenated: issue #14, point 6).
    A word longer than a third of the page is left to wrap inside its cell."""
    limit = PDF_TEXT_CM[landscape]
    # a table with its own text size (Table.size) has narrower padding too (blocks.html)
    scale = (block.size or 9) / 9
    padding = PDF_PADDING_CM / 2 if block.size else PDF_PADDING_CM
    minima = []
    for column in range(len(block.widths)):
        texts = [block.headers[column] if column < len(block.headers) else ""]
        texts += [row[column] for row in block.rows if column < len(row)]
        longest = max((len(word) for text in texts for word in str(text).split()), default=0)
        minima.append(min(longest * PDF_CHAR_CM_AT_9PT * scale + padding, limit / 3))
    return fit_to_minima(list(block.widths), minima, limit)


def to_html(blocks: list, *, title: str, author: str, font: str = "") -> str:
    """``font``: a font family for the whole document instead of the PDF's (to measure the
    DOCX's pages with Arial's metrics, skm.reports.toc)."""
    rendered, landscape = [], False
    for index, block in enumerate(blocks):
        kind = type(block).__name__.lower()
        extra = {"id": f"b{index}"}
        if isinstance(block, Landscape | Portrait):
            landscape = isinstance(block, Landscape)
        if isinstance(block, Table):
            extra["widths"] = pdf_widths(block, landscape=landscape)
        if isinstance(block, Figure):
            extra["svg"] = standalone(block.svg)
        if isinstance(block, Cover):
            extra["logo"] = data_uri(block.logo_path)
        if isinstance(block, Heading) and block.level == 1:
            extra["bab"] = fmt.bab_parts(block.text)  # "BAB I" over its title
        if isinstance(block, Picture):
            extra["src"] = data_uri(block.path)
        rendered.append({"kind": kind, "b": block, **extra})
    with translation.override("id"):
        return render_to_string(
            "reports/blocks.html",
            {
                "blocks": rendered,
                "title": title,
                "author": author,
                "contents": contents(blocks),
                "lists_placed": any(isinstance(block, ContentsLists) for block in blocks),
                "font": font,
            },
        )


def to_pdf(blocks: list, *, title: str, author: str) -> bytes:
    from pathlib import Path

    from weasyprint import HTML

    html = to_html(blocks, title=title, author=author)
    return HTML(string=html, base_url=Path("/").as_uri()).write_pdf(pdf_tags=True)
