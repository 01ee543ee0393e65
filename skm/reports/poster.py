"""The Lampiran IV publication poster: the IKM of a unit and period for the service room,
A4 or A3, as PDF (WeasyPrint) or DOCX (python-docx). Public figures, so it shows exactly
what the publication page shows (published_result, with the minimum-cell rule), whether or
not the period is published yet.

The QR code to the period's publication page is always printed. Its address is
settings.PUBLIC_BASE_URL when set, else the address the page was asked from, else (the
command line) LOCAL_BASE; a local or private address is printed all the same, and the
report page and `skm report` say loudly that the public cannot open it
(skm.transfer.qr.qr_address_warning, the same check as the survey's QR posters).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from skm.org.models import Service, Unit
from skm.reports import formatting as fmt
from skm.reports.data import _logo, data_uri, report_profile
from skm.surveys.models import Period, Publication
from skm.surveys.publication import published_result
from skm.transfer.qr import qr_png, qr_svg_data_uri

# A3 is A4 scaled by the square root of 2: the same layout, printed larger.
ZOOM = {"a4": 1.0, "a3": 2**0.5}
# The address of `skm serve` on the machine itself: the command line's last resort.
LOCAL_BASE = "http://127.0.0.1:8000"


def poster_base(base_url: str = "") -> str:
    """The address the QR points to: PUBLIC_BASE_URL, else the request's, else LOCAL_BASE."""
    return (settings.PUBLIC_BASE_URL or base_url or LOCAL_BASE).rstrip("/")


# The "Nama Layanan" line holds at most this many characters (about two lines of the poster);
# the services past it are counted ("dan 12 layanan lainnya") so the page never overflows.
SERVICES_BUDGET = 160


def service_line(unit: Unit) -> str:
    """The unit's active services, else those of the units below it (the poster's figures
    cover the unit's subtree), else the unit's name; cut to SERVICES_BUDGET characters."""
    names = list(
        unit.services.filter(is_active=True).order_by("name").values_list("name", flat=True)
    ) or sorted(
        set(
            Service.objects.filter(unit__in=unit.subtree(), is_active=True).values_list(
                "name", flat=True
            )
        )
    )
    if not names:
        return unit.name
    shown: list[str] = []
    for name in names:
        if shown and len(", ".join([*shown, name])) > SERVICES_BUDGET:
            break
        shown.append(name)
    rest = len(names) - len(shown)
    return ", ".join(shown) + (f", dan {rest} layanan lainnya" if rest else "")


@dataclass(frozen=True)
class PosterContent:
    data: object  # skm.surveys.publication's published result
    ikm: str
    elements: list
    start: str
    end: str
    services: str
    logo: str | None  # a file path
    link: str
    respondents: str  # "24,000 orang", or "*" when the minimum-cell rule hides it
    # ("Jenis kelamin", [("Laki-laki", "12,000"), ...]), ("Pendidikan", [...])
    profile: list[tuple[str, list[tuple[str, str]]]]


def poster_content(unit: Unit, period: Period, *, base_url: str = "") -> PosterContent:
    publication = Publication.objects.filter(unit=unit, period=period).first() or Publication(
        unit=unit, period=period, published_at=timezone.now()
    )
    data = published_result(publication)
    decimal = report_profile(unit).decimal
    return PosterContent(
        data=data,
        ikm=fmt.number(data.ikm, decimal) if data.ikm else "*",
        elements=[
            (i, e, fmt.number(e.score, decimal) if e.score else "*")
            for i, e in enumerate(data.elements, 1)
        ],
        start=fmt.date_long(period.start_date),
        end=fmt.date_long(period.end_date),
        services=service_line(unit),
        logo=_logo(unit),
        link=f"{poster_base(base_url)}/p/{unit.slug}/{period.slug}/",
        # counts in the unit's number style, as every document prints them (never "24000")
        respondents="*"
        if data.respondents is None
        else f"{fmt.count(data.respondents, decimal)} orang",
        profile=[
            (
                title,
                [(c.label, "*" if c.value is None else fmt.count(c.value, decimal)) for c in cells],
            )
            for title, cells in (("Jenis kelamin", data.gender), ("Pendidikan", data.education))
        ],
    )


def poster_html(unit: Unit, period: Period, *, size: str = "a4", base_url: str = "") -> str:
    c = poster_content(unit, period, base_url=base_url)
    with translation.override("id"):
        return render_to_string(
            "reports/poster.html",
            {
                "d": c.data,
                "ikm": c.ikm,
                "elements": [
                    (i, e, score, max(0.0, min(100.0, float(e.score))) if e.score else 0.0)
                    for i, e, score in c.elements
                ],
                "start": c.start,
                "end": c.end,
                "services": c.services,
                "respondents": c.respondents,
                "profile": c.profile,
                "logo": data_uri(c.logo),
                "link": c.link,
                "qr": qr_svg_data_uri(c.link),
            },
        )


def poster_pdf(unit: Unit, period: Period, *, size: str = "a4", base_url: str = "") -> bytes:
    from pathlib import Path

    from weasyprint import HTML

    html = poster_html(unit, period, size=size, base_url=base_url)
    return HTML(string=html, base_url=Path("/").as_uri()).write_pdf(
        pdf_tags=True, zoom=ZOOM.get(size, 1.0)
    )


BLUE = "0B4F8A"


def poster_docx(unit: Unit, period: Period, *, size: str = "a4", base_url: str = "") -> bytes:
    """The same poster as one editable Word page (A4, or A3 with everything scaled by √2)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.image.exceptions import UnrecognizedImageError
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    c = poster_content(unit, period, base_url=base_url)
    d = c.data
    z = ZOOM.get(size, 1.0)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0 * z), Cm(29.7 * z)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Cm(1.2 * z))
    text_width = 21.0 * z - 2 * 1.2 * z
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")
    normal.font.size = Pt(10 * z)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "id-ID")
    normal.element.rPr.append(lang)
    blue = RGBColor.from_string(BLUE)
    props = doc.core_properties
    props.title = f"Poster IKM {unit.name} {period.name}"
    props.author = unit.name
    props.subject = "Indeks Kepuasan Masyarakat"
    props.comments = ""
    props.created = props.modified = timezone.now()

    def line(text="", points=10.0, *, bold=False, color=None, after=0.0, before=0.0, align=None):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if align is None else align
        p.paragraph_format.space_after = Pt(after * z)
        p.paragraph_format.space_before = Pt(before * z)
        if text:
            run = p.add_run(text)
            run.font.size, run.bold = Pt(points * z), bold
            if color is not None:
                run.font.color.rgb = color
        return p

    def shade(cell, colour):
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), colour)
        cell._tc.get_or_add_tcPr().append(shd)

    def cell_text(cell, text, points, *, bold=False, color=None, align=WD_ALIGN_PARAGRAPH.LEFT):
        p = cell.paragraphs[0]
        p.alignment = align
        run = p.add_run(text)
        run.font.size, run.bold = Pt(points * z), bold
        if color is not None:
            run.font.color.rgb = color
        return p

    head = None
    if c.logo:
        # The emblem beside the agency and unit names (a borderless row), not above them:
        # stacked, it pushed the poster onto a second page.
        head = doc.add_table(rows=1, cols=2)
        head.alignment = WD_TABLE_ALIGNMENT.CENTER
        head.autofit = False
        for i, width in enumerate((2.6 * z, text_width - 2.6 * z)):
            head.columns[i].width = head.rows[0].cells[i].width = Cm(width)
        try:
            picture = head.rows[0].cells[0].paragraphs[0]
            picture.add_run().add_picture(c.logo, height=Cm(2.2 * z))
        except (OSError, ValueError, UnrecognizedImageError):  # left out, never a failure
            head._tbl.getparent().remove(head._tbl)
            head = None
    if head is not None:
        names = head.rows[0].cells[1]
        cell_text(names, d.unit.agency.name, 13, align=WD_ALIGN_PARAGRAPH.CENTER)
        p = names.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(d.unit.name.upper())
        run.font.size, run.bold, run.font.color.rgb = Pt(19 * z), True, blue
    else:
        line(d.unit.agency.name, 13)
        line(d.unit.name.upper(), 19, bold=True, color=blue, after=4)
    line("INDEKS KEPUASAN MASYARAKAT (IKM)", 16, bold=True, before=6)
    line(f"Periode survei: {c.start} s.d. {c.end} ({d.period.name})", 11, after=8)

    box = doc.add_table(rows=1, cols=2)
    box.alignment = WD_TABLE_ALIGNMENT.CENTER
    box.autofit = False
    left, right = box.rows[0].cells
    for i, width in enumerate((text_width * 0.55, text_width * 0.45)):
        box.columns[i].width = box.rows[0].cells[i].width = Cm(width)
    shade(left, BLUE)
    white = RGBColor(0xFF, 0xFF, 0xFF)
    cell_text(left, "NILAI IKM", 15, bold=True, color=white, align=WD_ALIGN_PARAGRAPH.CENTER)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(c.ikm)
    run.font.size, run.bold, run.font.color.rgb = Pt(60 * z), True, white
    if d.grade:
        p = left.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(f"Mutu pelayanan {d.grade}\n{d.performance}")
        run.font.size, run.bold, run.font.color.rgb = Pt(15 * z), True, white
    cell_text(right, "Responden", 13, bold=True)
    p = right.add_paragraph()
    run = p.add_run(c.respondents)
    run.font.size, run.bold = Pt(22 * z), True
    for title, rows in c.profile:
        p = right.add_paragraph()
        p.paragraph_format.space_before = Pt(3 * z)
        p.add_run(title).bold = True
        for label, value in rows:
            right.add_paragraph(f"{label}: {value}")

    line(after=6)
    table = doc.add_table(rows=1, cols=4)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (1.3, text_width - 1.3 - 2.6 - 2.0, 2.6, 2.0)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for cell, title, width in zip(
        table.rows[0].cells, ("No", "Unsur pelayanan", "Nilai", "Mutu"), widths, strict=True
    ):
        cell.width = Cm(width)
        shade(cell, BLUE)
        cell_text(cell, title, 11, bold=True, color=white, align=WD_ALIGN_PARAGRAPH.CENTER)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    for i, element, score in c.elements:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = Cm(width)
        cell_text(cells[0], str(i), 11, align=centre)
        cell_text(cells[1], element.name, 11)
        cell_text(cells[2], score, 11, bold=True, align=centre)
        cell_text(cells[3], element.grade or "*", 11, bold=True, align=centre)
    for row in table.rows:
        row.height = Cm(0.72 * z)

    line(f"Nama Layanan: {c.services}", 12, bold=True, before=10, after=6)
    line("TERIMA KASIH ATAS PENILAIAN YANG TELAH ANDA BERIKAN", 14, bold=True, color=blue, after=6)
    p = line()
    p.add_run().add_picture(io.BytesIO(qr_png(c.link)), width=Cm(3.8 * z))
    line("Pindai kode QR untuk hasil lengkap:", 9)
    line(c.link, 9, bold=True)
    if d.pending:
        line("* belum diumumkan: nilai periode survei diumumkan setelah periode ditutup.", 8)
    if d.suppressed:
        line("* tidak ditampilkan: dihitung dari kurang dari 5 responden.", 8)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
