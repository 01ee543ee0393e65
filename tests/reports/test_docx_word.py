"""The DOCX as Word reads it (issue #14, points 1, 5, 6): the XML itself, not LibreOffice's
forgiving reading. Widths in twips that fit the text block of each table's own section,
Indonesian proofing language on every style, one font family, document properties, no page
number on the cover, header words that fit their columns, captions kept with their tables,
pictures inside their cells."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from lxml import etree

from skm.org.models import Unit
from skm.reports.documents import build
from skm.surveys.models import Period

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
EMU_PER_TWIP = 635
# An approximate width of one character of Arial at 9 pt (bold headers, generous), scaled
# by the run's size.
CHAR_CM_AT_9PT = 0.2
TWIPS_PER_CM = 1440 / 2.54


def w(name: str) -> str:
    return f"{{{W}}}{name}"


DEMO = ("dinas-kependudukan-dan-pencatatan-sipil", "semester-i-2025")
# django_db: so that pytest-django sets the test database up for the module's fixture.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    """Every DOCX the module reads, made once: the demo's two reports, and the Laporan
    Hasil of every period of the demo (``("hasil", unit slug, period slug)``), in a
    transaction rolled back after."""
    out: dict = {}
    with (
        django_db_blocker.unblock(),
        override_settings(DATA_DIR=tmp_path_factory.mktemp("docx-word")),
        transaction.atomic(),
    ):
        call_command("demo")
        unit = Unit.objects.get(slug=DEMO[0])
        period = Period.objects.get(unit=unit, slug=DEMO[1])
        out["unit_name"] = unit.name
        out["names"] = dict(Unit.objects.values_list("slug", "name"))
        for kind in ("tindak-lanjut", "hasil"):
            out[kind] = build(
                kind, unit=unit, period=period, fmt="docx", signed_on=dt.date(2025, 8, 22)
            ).content
        for each in Period.objects.select_related("unit").order_by("pk"):
            out[("hasil", each.unit.slug, each.slug)] = build(
                "hasil", unit=each.unit, period=each, fmt="docx"
            ).content
        transaction.set_rollback(True)
    return out


@pytest.fixture(params=["tindak-lanjut", "hasil"])
def docx(request, built):
    return zipfile.ZipFile(io.BytesIO(built[request.param]))


def _xml(package, name):
    return etree.fromstring(package.read(name))


def _text_width(sect_pr) -> int:
    """Page width minus left and right margins, in twips."""
    size = sect_pr.find("w:pgSz", NS)
    margin = sect_pr.find("w:pgMar", NS)
    return int(size.get(w("w"))) - int(margin.get(w("left"))) - int(margin.get(w("right")))


def _tables_with_sections(body):
    """Every top-level table with the sectPr of the section it is in: a sectPr inside a
    paragraph ends its section, the body's last sectPr ends the last one."""
    pending, out = [], []
    for child in body:
        if child.tag == w("tbl"):
            pending.append(child)
        sect_pr = child.find("w:pPr/w:sectPr", NS) if child.tag == w("p") else None
        if child.tag == w("sectPr"):
            sect_pr = child
        if sect_pr is not None:
            out += [(table, sect_pr) for table in pending]
            pending = []
    assert not pending
    return out


def test_every_table_fits_the_text_width_of_its_section_in_twips(docx):
    _assert_widths(docx)


def test_every_laporan_hasil_of_the_demo_fits_in_twips(built):
    """Units without a plan, Dinas Kesehatan with its sub-units, the earlier period."""
    every = [key for key in built if isinstance(key, tuple)]
    assert len(every) > 2
    for key in every:
        _assert_widths(zipfile.ZipFile(io.BytesIO(built[key])))


def _assert_widths(docx):
    body = _xml(docx, "word/document.xml").find("w:body", NS)
    tables = _tables_with_sections(body)
    assert tables
    for table, sect_pr in tables:
        limit = _text_width(sect_pr)
        grid = [int(col.get(w("w"))) for col in table.iterfind("w:tblGrid/w:gridCol", NS)]
        assert 0 < sum(grid) <= limit, (sum(grid), limit)
        table_width = table.find("w:tblPr/w:tblW", NS)
        assert table_width.get(w("type")) == "dxa"
        assert int(table_width.get(w("w"))) == sum(grid)
        layouts = table.findall("w:tblPr/w:tblLayout", NS)
        assert [layout.get(w("type")) for layout in layouts] == ["fixed"]
        for row in table.iterfind("w:tr", NS):
            total, column = 0, 0
            for cell in row.iterfind("w:tc", NS):
                width = cell.find("w:tcPr/w:tcW", NS)
                assert width.get(w("type")) == "dxa"
                span = cell.find("w:tcPr/w:gridSpan", NS)
                span = int(span.get(w("val"))) if span is not None else 1
                # the cell's width is the width of the grid columns it spans
                assert int(width.get(w("w"))) == sum(grid[column : column + span])
                column += span
                total += int(width.get(w("w")))
            assert column == len(grid)
            assert total <= limit


def test_header_words_fit_their_columns_and_are_not_hyphenated(docx):
    body = _xml(docx, "word/document.xml").find("w:body", NS)
    settings = _xml(docx, "word/settings.xml")
    hyphenation = settings.find("w:autoHyphenation", NS)
    assert hyphenation is None or hyphenation.get(w("val")) in ("false", "0")
    for table in body.iterfind("w:tbl", NS):
        margins = table.find("w:tblPr/w:tblCellMar", NS)
        assert margins is not None  # padding, not text against the lines
        padding = int(margins.find("w:left", NS).get(w("w"))) + int(
            margins.find("w:right", NS).get(w("w"))
        )
        for row in table.iterfind("w:tr", NS):
            if row.find("w:trPr/w:tblHeader", NS) is None:
                continue
            for cell in row.iterfind("w:tc", NS):
                width = int(cell.find("w:tcPr/w:tcW", NS).get(w("w")))
                for paragraph in cell.iterfind("w:p", NS):
                    assert paragraph.find("w:pPr/w:suppressAutoHyphens", NS) is not None
                    for run in paragraph.iterfind("w:r", NS):
                        size = run.find("w:rPr/w:sz", NS)
                        points = int(size.get(w("val"))) / 2 if size is not None else 11
                        text = "".join(t.text or "" for t in run.iterfind("w:t", NS))
                        for word in text.split():
                            need = len(word) * CHAR_CM_AT_9PT * points / 9 * TWIPS_PER_CM
                            assert need + padding <= width, (word, width)


def test_tw_columns_hold_their_header_on_one_line(built):
    package = zipfile.ZipFile(io.BytesIO(built["tindak-lanjut"]))
    body = _xml(package, "word/document.xml").find("w:body", NS)
    table2 = body.findall("w:tbl", NS)[1]
    for cell in table2.findall("w:tr", NS)[1].iterfind("w:tc", NS):
        text = "".join(t.text or "" for t in cell.iter(w("t")))
        if text.replace("\u00a0", " ").startswith("TW "):
            width = int(cell.find("w:tcPr/w:tcW", NS).get(w("w")))
            assert len(text) * CHAR_CM_AT_9PT * TWIPS_PER_CM + 2 * 57 <= width, text


def test_captions_stay_with_their_tables_and_rows_do_not_split(docx):
    body = _xml(docx, "word/document.xml").find("w:body", NS)
    children = list(body)
    for index, child in enumerate(children):
        if child.tag != w("tbl"):
            continue
        caption = children[index - 1]
        if caption.tag == w("p") and "".join(caption.itertext()).startswith("Tabel"):
            assert caption.find("w:pPr/w:keepNext", NS) is not None
        rows = child.findall("w:tr", NS)
        for row in rows:
            assert row.find("w:trPr/w:cantSplit", NS) is not None
        if len(rows) > 2:
            # the last row never stands alone on a page
            assert rows[-2].find(".//w:pPr/w:keepNext", NS) is not None


def test_pictures_fit_inside_their_cells(docx):
    body = _xml(docx, "word/document.xml").find("w:body", NS)
    for cell in body.iter(w("tc")):
        extents = cell.findall(".//wp:extent", NS)
        if not extents:
            continue
        width = int(cell.find("w:tcPr/w:tcW", NS).get(w("w")))
        table = next(a for a in cell.iterancestors(w("tbl")))
        margins = table.find("w:tblPr/w:tblCellMar", NS)
        padding = int(margins.find("w:left", NS).get(w("w"))) + int(
            margins.find("w:right", NS).get(w("w"))
        )
        for extent in extents:
            assert int(extent.get("cx")) / EMU_PER_TWIP <= width - padding


def test_pictures_outside_tables_fit_the_text_width(docx):
    body = _xml(docx, "word/document.xml").find("w:body", NS)
    for child in body:
        if child.tag != w("p"):
            continue
        extents = child.findall(".//wp:extent", NS)
        for extent in extents:
            assert int(extent.get("cx")) / EMU_PER_TWIP <= 16 * TWIPS_PER_CM + 1
        following = child.getnext()
        caption = "".join(following.itertext()) if following is not None else ""
        if extents and caption.startswith(("Gambar", "Dokumentasi")):
            assert child.find("w:pPr/w:keepNext", NS) is not None, caption  # with its caption


def test_indonesian_proofing_language_on_every_style(docx):
    styles = _xml(docx, "word/styles.xml")
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert default.get(w("val")) == "id-ID"
    for style in styles.iterfind("w:style", NS):
        if style.get(w("type")) not in ("paragraph", "character"):
            continue
        lang = style.find("w:rPr/w:lang", NS)
        assert lang is not None and lang.get(w("val")) == "id-ID", style.get(w("styleId"))
    assert b'w:val="en-US"' not in docx.read("word/styles.xml")
    assert b'w:val="en-US"' not in docx.read("word/document.xml")
    # no second, English copy of the styles (the template's Word 2010 stylesWithEffects)
    assert not [name for name in docx.namelist() if "stylesWithEffects" in name]


def test_headings_and_body_share_one_font_family(docx):
    styles = _xml(docx, "word/styles.xml")
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    families = {default.get(w("ascii")), default.get(w("hAnsi"))}
    for style in styles.iterfind("w:style", NS):
        fonts = style.find("w:rPr/w:rFonts", NS)
        if fonts is None:
            continue
        assert not [k for k in fonts.attrib if "theme" in k.lower()], style.get(w("styleId"))
        families |= {fonts.get(w("ascii")), fonts.get(w("hAnsi"))} - {None}
    assert families == {"Arial"}
    for name in ("Heading1", "Heading2", "Title"):
        assert styles.find(f"w:style[@w:styleId='{name}']", NS) is not None
    # nor in the runs of the document
    document = docx.read("word/document.xml").decode()
    assert not re.search(r'w:(ascii|hAnsi)Theme="', document)


def test_document_properties(docx, built):
    core = _xml(docx, "docProps/core.xml")
    ns = {
        "dc": "http://purl.org/dc/elements/1.1/",
        "dcterms": "http://purl.org/dc/terms/",
        "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    }
    assert core.findtext("dc:title", namespaces=ns).strip()
    assert core.findtext("dc:creator", namespaces=ns) == built["unit_name"]
    assert core.findtext("dc:subject", namespaces=ns).strip()
    assert core.findtext("dc:language", namespaces=ns) == "id-ID"
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert core.findtext("dcterms:created", namespaces=ns).startswith(today)
    assert core.findtext("dcterms:modified", namespaces=ns).startswith(today)
    for name in docx.namelist():
        if name.startswith("docProps/"):
            data = docx.read(name).lower()
            assert b"python-docx" not in data and b"2013-" not in data, name
    # no stale thumbnail of an empty page
    assert "docProps/thumbnail.jpeg" not in docx.namelist()


def test_the_cover_has_no_page_number(docx):
    document = _xml(docx, "word/document.xml")
    sections = list(document.iter(w("sectPr")))
    first = sections[0]
    assert first.find("w:titlePg", NS) is not None
    relationships = _xml(docx, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in relationships}
    first_footer = first.find("w:footerReference[@w:type='first']", NS)
    assert first_footer is not None
    footer = docx.read("word/" + targets[first_footer.get(f"{{{NS['r']}}}id")])
    assert b"PAGE" not in footer
    default_footer = first.find("w:footerReference[@w:type='default']", NS)
    assert b"PAGE" in docx.read("word/" + targets[default_footer.get(f"{{{NS['r']}}}id")])
    # the later sections number their first page too
    for section in sections[1:]:
        assert section.find("w:titlePg", NS) is None


@pytest.mark.parametrize(
    "unit_slug, period_slug",
    [
        # Dinas Kesehatan: its Puskesmas below it, no follow-up plan
        ("dinas-kesehatan", "semester-i-2025"),
        # the Dinas's earlier period: no plan either
        ("dinas-kependudukan-dan-pencatatan-sipil", "semester-ii-2024"),
    ],
)
def test_laporan_hasil_of_other_units_passes_the_word_checks(built, unit_slug, period_slug):
    """The checks above, for the documents of a unit with sub-units and of a period
    without a plan (issue #14, "Done when")."""
    package = zipfile.ZipFile(io.BytesIO(built[("hasil", unit_slug, period_slug)]))
    _assert_widths(package)
    test_header_words_fit_their_columns_and_are_not_hyphenated(package)
    test_captions_stay_with_their_tables_and_rows_do_not_split(package)
    test_pictures_fit_inside_their_cells(package)
    test_pictures_outside_tables_fit_the_text_width(package)
    test_indonesian_proofing_language_on_every_style(package)
    test_headings_and_body_share_one_font_family(package)
    test_the_cover_has_no_page_number(package)
    text = "".join(_xml(package, "word/document.xml").itertext())
    assert built["names"][unit_slug] in text and "DAFTAR ISI" in text
