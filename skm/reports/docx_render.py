"""ReportData -> an editable Word document (python-docx).

Real Word tables (header rows repeat on every page), heading styles (Word and LibreOffice
build the table of contents from them; the TOC field is written filled, skm.reports.toc), page
numbers in the footer, A4 portrait with a landscape section where a wide table needs it
(BAB III with its photos), images embedded.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.text.parfmt import CT_PPr
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from skm.reports.data import FollowupReport
from skm.reports.toc import (
    FIGURE_CAPTION_STYLE,
    FOLLOWUP_CHAPTERS,
    MEASURE_FONT,
    TABLE_CAPTION_STYLE,
    TOC_INSTRUCTION,
    Entry,
    anchor_pages,
    libreoffice_pages,
)

FONT = "Arial"
LANGUAGE = "id-ID"
HEADER_FILL = "D9E2F3"
# Table text: 10 pt, 9 pt in dense tables (many columns); always with cell padding.
TABLE_PT, DENSE_TABLE_PT, DENSE_COLUMNS = 10, 9, 7
# Cell padding in twips (dxa): 0.07 cm above and below, 0.15 cm left and right.
CELL_MARGINS = {"top": 40, "left": 85, "bottom": 40, "right": 85}
PADDING_CM = (CELL_MARGINS["left"] + CELL_MARGINS["right"]) / 1440 * 2.54
# A generous width of one Arial character at 9 pt (bold headers), to size columns so that no
# header word is split or hyphenated.
CHAR_CM_AT_9PT = 0.21
TWIPS_PER_CM = 1440 / 2.54
EMU_PER_CM = 360000
_THEME_FONTS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
_PPR_SEQUENCE = CT_PPr._tag_seq if hasattr(CT_PPr, "_tag_seq") else ()
_TBLPR_SEQUENCE = (
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)


def _font(document) -> None:
    """One font family (Arial) and the Indonesian proofing language on the document
    defaults and on every paragraph and character style: Word otherwise takes the headings
    from the theme (Calibri Light) and checks the spelling as English."""
    # The template's Word 2010 copy of the styles (English, theme fonts) goes: one source.
    for r_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.rels.pop(r_id)
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if r_pr is not None:
            _plain_font(r_pr, force=True)
            _language(r_pr)
    for style in styles.findall(qn("w:style")):
        for r_pr in style.iter(qn("w:rPr")):  # table styles' conditional formats too
            _plain_font(r_pr)
        if style.get(qn("w:type")) in ("paragraph", "character"):
            r_pr = style.get_or_add_rPr()
            _language(r_pr)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    for name in ("Heading 1", "Heading 2", "Title"):
        style = document.styles[name]
        style.font.name = FONT
        style.font.color.rgb = RGBColor(0, 0, 0)
    document.styles["Heading 1"].font.size = Pt(14)
    document.styles["Heading 2"].font.size = Pt(12)
    document.styles["Title"].font.size = Pt(16)


def _plain_font(r_pr, *, force: bool = False) -> None:
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        if not force:
            return
        fonts = r_pr.get_or_add_rFonts()
    themed = [name for name in _THEME_FONTS if fonts.get(qn(f"w:{name}")) is not None]
    for name in themed:
        del fonts.attrib[qn(f"w:{name}")]
    if force or themed or fonts.get(qn("w:ascii")) or fonts.get(qn("w:hAnsi")):
        for name in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{name}"), FONT)


def _language(r_pr) -> None:
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)  # the last child of rPr but w:eastAsianLayout, w:specVanish ...
        for later in ("w:eastAsianLayout", "w:specVanish", "w:oMath"):
            found = r_pr.find(qn(later))
            if found is not None:
                found.addprevious(lang)
                break
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _properties(document, *, title: str, author: str, subject: str) -> None:
    """Title, author (the unit), subject, created now; nothing of python-docx's template
    (its author "python-docx", its 2013 dates, its thumbnail of an empty page)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props = document.core_properties
    props.title, props.author, props.subject = title, author, subject
    props.last_modified_by = author
    props.language = LANGUAGE
    props.comments = props.category = ""
    props.keywords = "Survei Kepuasan Masyarakat, SKM, IKM"
    props.created = props.modified = now
    props.revision = 1
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(r_id)


def _a4(section, landscape: bool = False) -> None:
    width, height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)


def text_width_cm(section) -> float:
    """The width of the text block of a section (page minus margins), in cm."""
    return (section.page_width - section.left_margin - section.right_margin) / EMU_PER_CM


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, TOC ...) that Word and LibreOffice compute."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, text, end):
        run._r.append(element)


def _page_numbers(section, *, cover: bool = False) -> None:
    """The page number centred in the footer; ``cover``: not on the section's first page
    (the cover), which gets an empty first-page footer."""
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", "1")
    section.different_first_page_header_footer = cover
    if cover:
        section.first_page_footer.is_linked_to_previous = False


def _shade(cell, fill: str = HEADER_FILL) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _no_hyphens(paragraph) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    if p_pr.find(qn("w:suppressAutoHyphens")) is None:
        marker = OxmlElement("w:suppressAutoHyphens")
        sequence = _PPR_SEQUENCE
        index = sequence.index("w:suppressAutoHyphens") if sequence else 0
        p_pr.insert_element_before(marker, *sequence[index + 1 :])


def _cell_text(
    cell, text: str, *, bold: bool = False, center: bool = False, size: float = TABLE_PT
):
    """The cell's one paragraph: no space after, no hyphenation, centred or not, one run of
    ``text`` bold or not at ``size`` points. Copied from a prototype made once per style
    (python-docx's setters cost half a millisecond a cell: a second of a recap's tables);
    text with line breaks or tabs goes through python-docx, which writes them as such."""
    tc = cell._tc
    for old in tc.findall(qn("w:p")):
        tc.remove(old)
    if "\n" in text or "\t" in text:
        paragraph = cell.add_paragraph()
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)
        paragraph.paragraph_format.space_after = Pt(0)
        _no_hyphens(paragraph)
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return paragraph
    p = copy.deepcopy(_cell_prototype(bold, center, size))
    p.find(f"{qn('w:r')}/{qn('w:t')}").text = text
    tc.append(p)
    return Paragraph(p, cell)


@functools.cache
def _cell_prototype(bold: bool, center: bool, size: float):
    """What ``_cell_text``'s setters write, once per style."""
    return parse_xml(
        f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:after="0"/><w:suppressAutoHyphens/>'
        + ('<w:jc w:val="center"/>' if center else "")
        + "</w:pPr><w:r><w:rPr>"
        + ("<w:b/>" if bold else '<w:b w:val="0"/>')
        + f'<w:sz w:val="{round(size * 2)}"/></w:rPr>'
        + '<w:t xml:space="preserve"></w:t></w:r></w:p>'
    )


def min_width_cm(text: str, size: float) -> float:
    """The narrowest column holding every word of ``text`` on one line (with padding)."""
    # a no-break space (TW\u00a01) joins words that must stay on one line
    longest = max((len(word) for word in text.replace("\n", " ").split(" ")), default=0)
    return longest * CHAR_CM_AT_9PT * size / 9 + PADDING_CM


def fit_widths(
    widths: list[float], limit_cm: float, headers: list[str] | None = None, size: float = 9
) -> list[float]:
    """Column widths (cm) that fit ``limit_cm`` (the section's text width) and give every
    column room for its longest header word: columns are first widened to their minimum,
    then, when the table is too wide, only the room above the minimum is given back, in
    proportion; if even the minima do not fit, all are scaled down alike."""
    minima = [min_width_cm(h, size) if h else PADDING_CM for h in (headers or [])]
    minima += [PADDING_CM] * (len(widths) - len(minima))
    return fit_to_minima(widths, minima, limit_cm)


def fit_to_minima(widths: list[float], minima: list[float], limit_cm: float) -> list[float]:
    """``widths`` widened to their ``minima``, then given back above the minima, in
    proportion, until they fit ``limit_cm``; scaled alike when even the minima do not fit
    (fit_widths; the PDF's own minima, skm.reports.blocks.pdf_widths)."""
    out = [max(w, m) for w, m in zip(widths, minima, strict=True)]
    excess = sum(out) - limit_cm
    if excess > 0:
        room = sum(w - m for w, m in zip(out, minima, strict=True))
        if room >= excess:
            out = [w - (w - m) * excess / room for w, m in zip(out, minima, strict=True)]
        else:
            out = [w * limit_cm / sum(out) for w in out]
    return out


def _table(document, headers: list[str], widths: list[float], *, size: float = TABLE_PT):
    """A table with a shaded, repeated header row; returns it and its column widths (cm),
    fitted to the current section."""
    widths = fit_widths(widths, text_width_cm(document.sections[-1]), headers, size)
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, bold=True, center=True, size=size)
        _shade(cell)
    _repeat_header(table.rows[0])
    return table, widths


def _tblpr_child(tbl_pr, tag: str):
    found = tbl_pr.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        index = _TBLPR_SEQUENCE.index(tag)
        tbl_pr.insert_element_before(found, *_TBLPR_SEQUENCE[index + 1 :])
    return found


def _widths(table, widths: list[float]) -> None:
    """Fixed column widths in twips (dxa), as Word reads them: the table's width, the grid
    and every cell (a cell spanning columns gets their sum), the fixed layout and the cell
    padding. ``widths`` in cm, already fitted (fit_widths) to the section."""
    twips = [int(width * TWIPS_PER_CM) for width in widths]
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    table_width = _tblpr_child(tbl_pr, "w:tblW")
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(sum(twips)))
    _tblpr_child(tbl_pr, "w:tblLayout").set(qn("w:type"), "fixed")
    margins = _tblpr_child(tbl_pr, "w:tblCellMar")
    for child in list(margins):
        margins.remove(child)
    for side in ("top", "left", "bottom", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGINS[side]))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, twips, strict=True):
        column.set(qn("w:w"), str(width))
    for row in table.rows:
        column = 0
        for cell in row._tr.tc_lst:
            span = cell.grid_span
            tc_w = cell.get_or_add_tcPr().get_or_add_tcW()
            tc_w.set(qn("w:type"), "dxa")
            tc_w.set(qn("w:w"), str(sum(twips[column : column + span])))
            column += span


def _rows_on_paper(table, *, keep_together: bool = False) -> None:
    """No row split across pages; header rows kept with the first row; the last row never
    alone on a page; ``keep_together``: a short table kept whole on one page."""
    rows = table.rows
    for index, row in enumerate(rows):
        for cell in row._tr.tc_lst:  # also the empty paragraphs merged cells leave
            for paragraph in cell.iterchildren(qn("w:p")):
                _no_hyphens(Paragraph(paragraph, None))
        tr_pr = row._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.insert(0, OxmlElement("w:cantSplit"))
        header = tr_pr.find(qn("w:tblHeader")) is not None
        if index < len(rows) - 1 and (keep_together or header or index == len(rows) - 2):
            for cell in row._tr.tc_lst:
                for paragraph in cell.iterchildren(qn("w:p")):
                    paragraph.get_or_add_pPr().get_or_add_keepNext()


def _picture_width_cm(column_cm: float, wanted_cm: float) -> float:
    """A picture inside a cell: at most the column minus its padding."""
    return min(wanted_cm, column_cm - PADDING_CM - 0.05)


def _paragraphs(document, texts: list[str]) -> None:
    for text in texts:
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)


def caption_styles(document) -> None:
    """The paragraph styles of table and figure captions (centred, bold, kept with what
    follows): Word's lists of tables and figures (TOC \\t fields) are built from them. Call
    before _font, which gives every style its font and language."""
    for name in (TABLE_CAPTION_STYLE, FIGURE_CAPTION_STYLE):
        if name in [style.name for style in document.styles]:
            continue
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.font.bold = True
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style.paragraph_format.keep_with_next = True


def toc_field(document, instruction: str, entries: list[Entry]) -> list[tuple[Entry, object]]:
    """A Word TOC field (``instruction``) whose result is already written: one paragraph per
    entry, its page number right-aligned after a dotted leader. Word shows it as it is and
    can still update it (right click, Update Field); LibreOffice and WPS show it as it is.
    Returns each entry with the run that holds its page number (filled by save_with_pages)."""
    width = Cm(text_width_cm(document.sections[-1]))
    placed, paragraphs = [], []
    for entry in entries or [Entry("", "")]:
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        fmt.left_indent = Cm(0.8 * (entry.level - 1))
        fmt.space_after = Pt(3)
        if not paragraphs:
            run = paragraph.add_run()
            for element in _field_chars(instruction):
                run._r.append(element)
        if entry.text:
            paragraph.add_run(entry.text)
            placed.append((entry, paragraph.add_run("\t")))
        paragraphs.append(paragraph)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraphs[-1].add_run()._r.append(end)
    return placed


def save_with_pages(document, placed: list[tuple[Entry, object]], groups, measure) -> bytes:
    """The DOCX with the page numbers of its tables of contents filled in: as LibreOffice
    lays this very DOCX out when it is installed (skm.reports.toc.libreoffice_pages), else as
    ``measure()`` (WeasyPrint laying out the same content in Arial's metrics) says."""
    out = io.BytesIO()
    document.save(out)
    pages = libreoffice_pages(out.getvalue(), groups) if placed else None
    if pages is None:
        pages = measure() if placed else {}
    for entry, run in placed:
        page = pages.get(entry.anchor)
        run.text = f"\t{page}" if page else "\t"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _field_chars(instruction: str) -> list:
    """begin, the instruction, separate: what opens a field before its result."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    return [begin, instr, separate]


def _caption(document, text: str, style: str | None = None) -> None:
    paragraph = document.add_paragraph(style=style)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True  # the caption stays with its table
    run = paragraph.add_run(text)
    run.bold = True


def followup_docx(report: FollowupReport) -> bytes:
    document = Document()
    _font(document)
    first = document.sections[0]
    _a4(first)
    _page_numbers(first, cover=True)
    _properties(
        document,
        title=" ".join(report.title_lines).title(),
        author=report.unit_name,
        subject=" ".join(report.title_lines[:2]).title(),
    )

    # Cover, with the kop surat
    cover(
        document,
        letterhead=report.letterhead,
        title_lines=report.title_lines,
        subtitle_lines=[report.unit_name, report.city],
        note="" if report.final else "DRAF: rencana tindak lanjut belum final",
    )

    # Table of contents: filled at generation, pages as the same content lays out
    document.add_paragraph("DAFTAR ISI", style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    from skm.reports.pdf_render import followup_html

    chapters_toc = [Entry(anchor, text) for anchor, text in FOLLOWUP_CHAPTERS]
    placed = toc_field(document, TOC_INSTRUCTION, chapters_toc)
    chapters = dict(FOLLOWUP_CHAPTERS)

    heading = document.add_heading(chapters["bab-1"], level=1)
    heading.paragraph_format.page_break_before = True
    _paragraphs(document, report.bab1)

    heading = document.add_heading(chapters["bab-2"], level=1)
    heading.paragraph_format.page_break_before = True
    _paragraphs(document, report.bab2_intro)
    _caption(document, report.table1_caption)
    table, widths = _table(document, ["No", "Unsur", "IKM", "Mutu Layanan"], [1.2, 8.5, 2.2, 4])
    for no, element, ikm, mutu in report.table1:
        cells = table.add_row().cells
        _cell_text(cells[0], no, center=True)
        _cell_text(cells[1], element)
        _cell_text(cells[2], ikm, center=True)
        _cell_text(cells[3], mutu, center=True)
    _widths(table, widths)
    _rows_on_paper(table, keep_together=True)
    document.add_paragraph()
    _paragraphs(document, [report.lowest_sentence, *report.bab2_plan])
    _caption(document, report.table2_caption)
    table = document.add_table(rows=2, cols=9)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    top, sub = table.rows
    heads = [
        "No",
        "Prioritas Unsur",
        "Program/ Kegiatan",
        "Waktu",
        "",
        "",
        "",
        "Tahun",
        "Penanggung Jawab",
    ]
    quarters = ["TW\u00a01", "TW\u00a02", "TW\u00a03", "TW\u00a04"]  # one line each
    size = DENSE_TABLE_PT
    widths = fit_widths(
        [0.8, 2.4, 5.4, 1.1, 1.1, 1.1, 1.1, 1.3, 2.4],
        text_width_cm(document.sections[-1]),
        ["No", "Prioritas Unsur", "Program/ Kegiatan", *quarters, "Tahun", "Penanggung Jawab"],
        size,
    )
    for cell, text in zip(top.cells, heads, strict=True):
        _cell_text(cell, text, bold=True, center=True, size=size)
        _shade(cell)
    for i, text in enumerate(quarters, 3):
        _cell_text(sub.cells[i], text, bold=True, center=True, size=size)
        _shade(sub.cells[i])
    for i in (0, 1, 2, 7, 8):
        _shade(sub.cells[i])
        top.cells[i].merge(sub.cells[i])
    top.cells[3].merge(top.cells[6])
    _cell_text(top.cells[3], "Waktu", bold=True, center=True, size=size)
    _repeat_header(top)
    _repeat_header(sub)
    for group in report.table2:
        first_row = None
        for row in group.rows or []:
            cells = table.add_row().cells
            first_row = first_row or cells
            _cell_text(cells[2], f"{row.number} {row.activity}", size=size)
            for q, ticked in enumerate(row.quarters, 3):
                _cell_text(cells[q], "√" if ticked else "", center=True, size=size)
            _cell_text(cells[7], row.year, center=True, size=size)
            _cell_text(cells[8], row.owner, size=size)
        if first_row is None:
            cells = table.add_row().cells
            first_row = cells
            _cell_text(cells[2], "-", size=size)
        _cell_text(first_row[0], group.number, center=True, size=size)
        _cell_text(first_row[1], group.element, size=size)
        if len(group.rows) > 1:
            last = table.rows[-1].cells
            merged_no = first_row[0].merge(last[0])
            merged_el = first_row[1].merge(last[1])
            _cell_text(merged_no, group.number, center=True, size=size)
            _cell_text(merged_el, group.element, size=size)
    _widths(table, widths)
    _rows_on_paper(table)

    # BAB III: a landscape section for the wide table with photos
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _a4(section, landscape=True)
    _page_numbers(section)
    document.add_heading(chapters["bab-3"], level=1)
    _paragraphs(document, report.bab3_intro)
    table, widths = _table(
        document,
        [
            "No",
            "Rencana Tindak Lanjut",
            "Apakah RTL Telah Ditindaklanjuti (Sudah/Belum)",
            "Deskripsi Tindak Lanjut",
            "Dokumentasi Kegiatan",
            "Tantangan/ Hambatan",
        ],
        [1.2, 2.5, 3, 7.5, 6.5, 4],
    )
    previous_group = None
    for row in report.table3:
        cells = table.add_row().cells
        _cell_text(cells[0], row.group if row.group != previous_group else "", center=True)
        previous_group = row.group
        _cell_text(cells[1], row.number, center=True)
        _cell_text(cells[2], row.done, center=True)
        _cell_text(cells[3], row.description)
        cells[4].text = ""
        # one picture a line, as wide as the cell allows (never over the cell's lines)
        picture_cm = _picture_width_cm(widths[4], 5)
        paragraph = cells[4].paragraphs[0]
        for image in row.images:
            if paragraph is None:
                paragraph = cells[4].add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            try:
                paragraph.add_run().add_picture(image.path, width=Cm(picture_cm))
            except (OSError, ValueError):
                paragraph.add_run(f"[{image.caption}]")
            paragraph = None
        for document_name in row.documents:
            cells[4].add_paragraph(document_name).runs[0].font.size = Pt(9)
        _cell_text(cells[5], row.obstacles or "-")
    _widths(table, widths)
    _rows_on_paper(table)

    section = document.add_section(WD_SECTION.NEW_PAGE)
    _a4(section)
    _page_numbers(section)
    document.add_heading(chapters["bab-4"], level=1)
    _paragraphs(document, [report.bab4_sentence, *report.bab4_strategy])
    table, widths = _table(
        document,
        [
            "No",
            "RTL",
            "Strategi Penyelesaian",
            "Target Waktu Penyelesaian",
            "Penanggung Jawab",
            "Stakeholder Terkait",
        ],
        [1, 4, 3.5, 2.2, 2.3, 3],
        size=DENSE_TABLE_PT,
    )
    for row in report.strategies:
        cells = table.add_row().cells
        for cell, text in zip(
            cells,
            [row.number, row.followup, row.strategy, row.target, row.owner, row.stakeholders],
            strict=True,
        ):
            _cell_text(cell, text, size=DENSE_TABLE_PT)
    if not report.strategies:
        cells = table.add_row().cells
        _cell_text(cells[0], "-", size=DENSE_TABLE_PT)
    _widths(table, widths)
    _rows_on_paper(table)

    signature(document, report.signatory)
    bab_headings(document)
    return save_with_pages(
        document,
        placed,
        [chapters_toc],
        lambda: anchor_pages(followup_html(report, font=MEASURE_FONT)),
    )


# -- kop surat, cover, chapter headings, signature (issue #14, points 3 and 4) --------------

EMBLEM_CM = 2.2
KOP_SIDE_CM = 2.8  # the emblem's column; the same indent on the right keeps lines centred
# A generous width of one Arial character at 11 pt: the signature column is as wide as the
# longest jabatan line (data.SIGNATURE_LINE_CHARS), so Word never wraps it again.
CHAR_CM_AT_11PT = 0.24
SIGNATURE_MIN_CM = 7.5


def _double_rule(paragraph) -> None:
    """A double line under the paragraph (the kop surat's rule)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "double"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    sequence = _PPR_SEQUENCE
    if sequence:
        index = sequence.index("w:pBdr")
        p_pr.insert_element_before(borders, *sequence[index + 1 :])
    else:
        p_pr.append(borders)


def _line(container, text: str, *, size: float, bold: bool = False, space_after: float = 0):
    paragraph = container.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(size)
    return paragraph


def _float_left(run, path: str, width) -> None:
    """A picture anchored at the left margin beside the paragraph, text not wrapped around
    it (the paragraphs keep clear of it by their indents): Word's wp:anchor made from the
    wp:inline python-docx writes."""
    inline = run.add_picture(path, width=width)._inline
    anchor = OxmlElement("wp:anchor")
    for key, value in (
        ("distT", "0"),
        ("distB", "0"),
        ("distL", "0"),
        ("distR", "0"),
        ("simplePos", "0"),
        ("relativeHeight", "251658240"),
        ("behindDoc", "0"),
        ("locked", "0"),
        ("layoutInCell", "1"),
        ("allowOverlap", "1"),
    ):
        anchor.set(key, value)
    simple = OxmlElement("wp:simplePos")
    simple.set("x", "0")
    simple.set("y", "0")
    anchor.append(simple)
    for tag, relative in (("wp:positionH", "margin"), ("wp:positionV", "paragraph")):
        position = OxmlElement(tag)
        position.set("relativeFrom", relative)
        offset = OxmlElement("wp:posOffset")
        offset.text = "0"
        position.append(offset)
        anchor.append(position)
    anchor.append(inline.find(qn("wp:extent")))
    effect = OxmlElement("wp:effectExtent")
    for side in ("l", "t", "r", "b"):
        effect.set(side, "0")
    anchor.append(effect)
    anchor.append(OxmlElement("wp:wrapNone"))
    for tag in ("wp:docPr", "wp:cNvGraphicFramePr", "a:graphic"):
        found = inline.find(qn(tag))
        if found is not None:
            anchor.append(found)
    inline.getparent().replace(inline, anchor)


def kop_surat(document, letterhead) -> None:
    """The letterhead: the emblem at the left, the government line, the unit's name, its
    address and contact centred between indents as wide as the emblem's column (so the lines
    stay centred on the page and clear of the emblem), a double rule under."""
    side = Cm(KOP_SIDE_CM)
    lines = [(letterhead.government_line, 14), (letterhead.unit_name, 14)]
    lines += [(text, 9) for text in (letterhead.address, letterhead.contact) if text]
    for index, (text, size) in enumerate(lines):
        paragraph = _line(document, "", size=size, bold=size > 9)
        paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = side
        paragraph.paragraph_format.keep_with_next = True
        if index == 0 and letterhead.emblem_path:
            with contextlib.suppress(OSError, ValueError):  # unreadable: the lines without it
                _float_left(paragraph.add_run(), letterhead.emblem_path, Cm(EMBLEM_CM))
        run = paragraph.add_run(text)
        run.bold, run.font.size = size > 9, Pt(size)
    rule = document.add_paragraph()
    rule.paragraph_format.space_before = Pt(10)
    _double_rule(rule)


def cover(document, *, letterhead, title_lines, subtitle_lines, note: str = "") -> None:
    """The cover: the kop surat, the title with the period, the unit and its city, the
    year; then a page break."""
    kop_surat(document, letterhead)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Cm(3)
    for i, text in enumerate(title_lines):
        run = title.add_run(text)
        run.bold, run.font.size = True, Pt(20)
        if i < len(title_lines) - 1:
            run.add_break()
    who = document.add_paragraph()
    who.alignment = WD_ALIGN_PARAGRAPH.CENTER
    who.paragraph_format.space_before = Cm(4)
    for i, text in enumerate(subtitle_lines):
        run = who.add_run(text)
        run.bold, run.font.size = True, Pt(16)
        if i < len(subtitle_lines) - 1:
            run.add_break()
    if note:
        notice = document.add_paragraph()
        notice.alignment = WD_ALIGN_PARAGRAPH.CENTER
        notice.add_run(note).italic = True
    if letterhead.year:
        year = document.add_paragraph()
        year.alignment = WD_ALIGN_PARAGRAPH.CENTER
        year.paragraph_format.space_before = Cm(2)
        run = year.add_run(letterhead.year)
        run.bold, run.font.size = True, Pt(16)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def bab_headings(document) -> None:
    """Every chapter heading ("BAB I PENDAHULUAN", Heading 1) as the seed sets it: centred,
    "BAB I" on one line and the title under it (a line break within the one heading, so the
    table of contents keeps one entry)."""
    from skm.reports.formatting import bab_parts

    for paragraph in document.paragraphs:
        if paragraph._p.style != "Heading1":  # the style id: reading .style scans every style
            continue
        parts = bab_parts(paragraph.text)
        if parts is None:
            continue
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        number = paragraph.add_run(parts[0])
        number.add_break()
        paragraph.add_run(parts[1])
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def signature(document, s) -> None:
    """The signature block of an Indonesian official letter, in a column at the right as
    wide as its longest line: place and date; Plt./Plh. and the jabatan (balanced lines,
    broken between words only); space to sign; the name bold and underlined; pangkat/
    golongan; NIP. One paragraph a line, all kept together on one page."""
    lines = [f"{s.place}, {s.date}", *s.position_lines]
    longest = max(len(line) for line in [*lines, s.name, s.rank, f"NIP. {s.nip}"])
    text_cm = text_width_cm(document.sections[-1])
    column = min(text_cm, max(SIGNATURE_MIN_CM, longest * CHAR_CM_AT_11PT))
    paragraphs = []

    def add(text: str = "", *, before: float = 0):
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.left_indent = Cm(text_cm - column)
        fmt.space_before, fmt.space_after = Cm(before), Pt(0)
        fmt.keep_together = True
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        paragraphs.append(paragraph)
        return paragraph.add_run(text) if text else None

    add(lines[0], before=1.5)
    for line in lines[1:]:
        add(line)
    name = add(s.name or "(nama penandatangan)", before=2.2)
    name.bold = name.underline = True
    if s.rank:
        add(s.rank)
    if s.nip:
        add(f"NIP. {s.nip}")
    for paragraph in paragraphs[:-1]:
        paragraph.paragraph_format.keep_with_next = True
