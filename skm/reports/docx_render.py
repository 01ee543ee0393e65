"""ReportData -> an editable Word document (python-docx).

Real Word tables (header rows repeat on every page), heading styles (Word and LibreOffice
build the table of contents from them; a TOC field is inserted, updated on opening), page
numbers in the footer, A4 portrait with a landscape section where a wide table needs it
(BAB III with its photos), images embedded.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from skm.reports.data import FollowupReport

FONT = "Arial"
HEADER_FILL = "D9E2F3"


def _font(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Heading 1", "Heading 2", "Title"):
        style = document.styles[name]
        style.font.name = FONT
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    document.styles["Heading 1"].font.size = Pt(14)
    document.styles["Heading 2"].font.size = Pt(12)


def _a4(section, landscape: bool = False) -> None:
    width, height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)


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


def _page_numbers(section) -> None:
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", "1")


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


def _cell_text(cell, text: str, *, bold: bool = False, center: bool = False, size: float = 10):
    cell.text = ""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _table(document, headers: list[str], widths: list[float]):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, bold=True, center=True)
        _shade(cell)
    _repeat_header(table.rows[0])
    _widths(table, widths)
    return table


def _widths(table, widths: list[float]) -> None:
    """Fixed column widths, in the grid (what LibreOffice reads) and in every cell (Word)."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row._tr.tc_lst, widths, strict=False):
            tc_pr = cell.get_or_add_tcPr()
            tc_w = tc_pr.get_or_add_tcW()
            tc_w.type = "dxa"
            tc_w.w = Cm(width)


def _paragraphs(document, texts: list[str]) -> None:
    for text in texts:
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)


def _caption(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True


def followup_docx(report: FollowupReport) -> bytes:
    document = Document()
    _font(document)
    first = document.sections[0]
    _a4(first)
    _page_numbers(first)
    props = document.core_properties
    props.title = " ".join(report.title_lines).title()
    props.author = report.unit_name
    props.language = "id-ID"

    # Cover
    cover = document.add_paragraph()
    cover.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cover.paragraph_format.space_before = Cm(3)
    for i, line in enumerate(report.title_lines):
        run = cover.add_run(line)
        run.bold = True
        run.font.size = Pt(20)
        if i < len(report.title_lines) - 1:
            run.add_break()
    if report.logo_path:
        logo = document.add_paragraph()
        logo.alignment = WD_ALIGN_PARAGRAPH.CENTER
        logo.paragraph_format.space_before = Cm(2)
        logo.add_run().add_picture(report.logo_path, width=Cm(4))
    who = document.add_paragraph()
    who.alignment = WD_ALIGN_PARAGRAPH.CENTER
    who.paragraph_format.space_before = Cm(3)
    for i, line in enumerate((report.unit_name, report.city)):
        run = who.add_run(line)
        run.bold = True
        run.font.size = Pt(16)
        if i == 0:
            run.add_break()
    if not report.final:
        draft = document.add_paragraph()
        draft.alignment = WD_ALIGN_PARAGRAPH.CENTER
        draft.add_run("DRAF: rencana tindak lanjut belum final").italic = True
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # Table of contents (from the heading styles)
    document.add_paragraph("DAFTAR ISI", style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(
        document.add_paragraph(),
        'TOC \\o "1-2" \\h \\z \\u',
        "Daftar isi: klik kanan lalu pilih Perbarui Bidang (Update Field).",
    )

    heading = document.add_heading("BAB I LATAR BELAKANG", level=1)
    heading.paragraph_format.page_break_before = True
    _paragraphs(document, report.bab1)

    heading = document.add_heading("BAB II DESKRIPSI RENCANA TINDAK LANJUT", level=1)
    heading.paragraph_format.page_break_before = True
    _paragraphs(document, report.bab2_intro)
    _caption(document, report.table1_caption)
    table = _table(document, ["No", "Unsur", "IKM", "Mutu Layanan"], [1.2, 8.5, 2.2, 4])
    for no, element, ikm, mutu in report.table1:
        cells = table.add_row().cells
        _cell_text(cells[0], no, center=True)
        _cell_text(cells[1], element)
        _cell_text(cells[2], ikm, center=True)
        _cell_text(cells[3], mutu, center=True)
    _widths(table, [1.2, 8.5, 2.2, 4])
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
    for cell, text in zip(top.cells, heads, strict=True):
        _cell_text(cell, text, bold=True, center=True, size=9)
        _shade(cell)
    for i, text in enumerate(["TW 1", "TW 2", "TW 3", "TW 4"], 3):
        _cell_text(sub.cells[i], text, bold=True, center=True, size=9)
        _shade(sub.cells[i])
    for i in (0, 1, 2, 7, 8):
        _shade(sub.cells[i])
        top.cells[i].merge(sub.cells[i])
    top.cells[3].merge(top.cells[6])
    _cell_text(top.cells[3], "Waktu", bold=True, center=True, size=9)
    _repeat_header(top)
    _repeat_header(sub)
    for group in report.table2:
        first_row = None
        for row in group.rows or []:
            cells = table.add_row().cells
            first_row = first_row or cells
            _cell_text(cells[2], f"{row.number} {row.activity}", size=9)
            for q, ticked in enumerate(row.quarters, 3):
                _cell_text(cells[q], "√" if ticked else "", center=True, size=9)
            _cell_text(cells[7], row.year, center=True, size=9)
            _cell_text(cells[8], row.owner, size=9)
        if first_row is None:
            cells = table.add_row().cells
            first_row = cells
            _cell_text(cells[2], "-", size=9)
        _cell_text(first_row[0], group.number, center=True, size=9)
        _cell_text(first_row[1], group.element, size=9)
        if len(group.rows) > 1:
            last = table.rows[-1].cells
            merged_no = first_row[0].merge(last[0])
            merged_el = first_row[1].merge(last[1])
            _cell_text(merged_no, group.number, center=True, size=9)
            _cell_text(merged_el, group.element, size=9)
    _widths(table, [1, 3, 6.5, 1, 1, 1, 1, 1.4, 2.6])

    # BAB III: a landscape section for the wide table with photos
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _a4(section, landscape=True)
    _page_numbers(section)
    document.add_heading("BAB III REALISASI RENCANA TINDAK LANJUT", level=1)
    _paragraphs(document, report.bab3_intro)
    table = _table(
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
        paragraph = cells[4].paragraphs[0]
        for image in row.images:
            try:
                paragraph.add_run().add_picture(image.path, width=Cm(3))
            except (OSError, ValueError):
                paragraph.add_run(f"[{image.caption}]")
            paragraph.add_run(" ")
        for document_name in row.documents:
            cells[4].add_paragraph(document_name).runs[0].font.size = Pt(9)
        _cell_text(cells[5], row.obstacles or "-")
    _widths(table, [1.2, 2.5, 3, 7.5, 6.5, 4])

    section = document.add_section(WD_SECTION.NEW_PAGE)
    _a4(section)
    _page_numbers(section)
    document.add_heading("BAB IV KESIMPULAN", level=1)
    _paragraphs(document, [report.bab4_sentence, *report.bab4_strategy])
    table = _table(
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
    )
    for row in report.strategies:
        cells = table.add_row().cells
        for cell, text in zip(
            cells,
            [row.number, row.followup, row.strategy, row.target, row.owner, row.stakeholders],
            strict=True,
        ):
            _cell_text(cell, text, size=9)
    if not report.strategies:
        cells = table.add_row().cells
        _cell_text(cells[0], "-", size=9)
    _widths(table, [1, 4, 3.5, 2.2, 2.3, 3])

    _signature(document, report)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _signature(document, report: FollowupReport) -> None:
    s = report.signatory
    block = document.add_paragraph()
    block.paragraph_format.space_before = Cm(1.5)
    block.paragraph_format.left_indent = Cm(8.5)
    lines = [f"{s.place}, {s.date}", *s.position.splitlines()]
    for line in lines:
        block.add_run(line).add_break()
    for _ in range(3):
        block.add_run().add_break()
    name = block.add_run(s.name or "(nama penandatangan)")
    name.bold = True
    name.underline = True
    if s.rank:
        name.add_break()
        block.add_run(s.rank)
    if s.nip:
        block.add_run().add_break()
        block.add_run(f"NIP. {s.nip}")
