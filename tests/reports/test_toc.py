"""The table of contents is filled, with the right page numbers, in both formats (issue #14,
point 2): the PDF's "DAFTAR ISI" (and the Laporan Hasil's "DAFTAR TABEL" / "DAFTAR GAMBAR")
names the page each heading is on (pdftotext, page by page); the DOCX's TOC field holds every
Heading 1/2 with a page number (written at generation, inside the field so Word can still
update it), and LibreOffice, converting the DOCX, puts the headings on those pages."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from lxml import etree

from skm.org.models import Unit
from skm.reports.documents import build
from skm.surveys.models import Period

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
ENTRY = re.compile(r"^\s*(\S.*?)[\s.…]{3,}(\d+)\s*$")
LISTS = ("DAFTAR ISI", "DAFTAR TABEL", "DAFTAR GAMBAR")
needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext")


def w(name: str) -> str:
    return f"{{{W}}}{name}"


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug="dinas-kependudukan-dan-pencatatan-sipil")
    return unit, Period.objects.get(unit=unit, slug="semester-i-2025")


def _build(kind, demo, fmt):
    unit, period = demo
    return build(kind, unit=unit, period=period, fmt=fmt, signed_on=dt.date(2025, 8, 22)).content


def _pages(pdf: bytes, tmp_path) -> list[str]:
    """The text of every page (pdftotext -layout; pages end with a form feed)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def _printed_lists(pages: list[str]) -> tuple[dict[str, list[tuple[str, int]]], int]:
    """The entries of each list (DAFTAR ISI, DAFTAR TABEL, DAFTAR GAMBAR) as printed, and the
    index of the first page after the lists."""
    lists: dict[str, list[tuple[str, int]]] = {}
    current, last = None, -1
    for index, page in enumerate(pages):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if not any(line in LISTS for line in lines) and current is None:
            continue
        if (
            current is not None
            and not any(line in LISTS for line in lines)
            and not any(ENTRY.match(line) for line in lines)
        ):
            break
        last = index
        pending = ""  # the first line(s) of an entry too long for one line
        for line in lines:
            if line in LISTS:
                current, pending = line, ""
                lists[current] = []
                continue
            match = ENTRY.match(line)
            if current and match and not line.isdigit():
                text = f"{pending} {match.group(1)}".strip(" .")
                lists[current].append((text, int(match.group(2))))
                pending = ""
            elif current and not line.isdigit():
                pending = f"{pending} {line}".strip()
        if index > 3:
            break
    return lists, last + 1


def _heading_pages(pages: list[str], texts: list[str], start: int) -> list[int]:
    """The page (1-based) each text first stands on as a line of its own, in order, from
    page ``start`` (0-based)."""
    out, index = [], start
    for text in texts:
        wanted = " ".join(text.split())
        while index < len(pages):
            lines = [" ".join(line.split()) for line in pages[index].splitlines()]
            lines = [line for line in lines if line]
            # a line of its own, or up to three in a row ("BAB I" over its title)
            if any(
                " ".join(lines[i : i + n]) == wanted for i in range(len(lines)) for n in (1, 2, 3)
            ):
                break
            index += 1
        assert index < len(pages), f"{text!r} is on no page after the table of contents"
        out.append(index + 1)
    return out


@needs_pdftotext
@pytest.mark.parametrize("kind", ["tindak-lanjut", "hasil"])
def test_pdf_table_of_contents_names_the_pages_of_the_headings(demo, kind, tmp_path):
    pages = _pages(_build(kind, demo, "pdf"), tmp_path)
    lists, after = _printed_lists(pages)
    entries = lists.get("DAFTAR ISI", [])
    assert len(entries) >= 4, f"no table of contents in the {kind} PDF: {lists}"
    assert entries[0][0].startswith(("BAB I", "KATA PENGANTAR", "RINGKASAN"))
    texts = [text for text, _ in entries]
    assert _heading_pages(pages, texts, after) == [page for _, page in entries]
    if kind == "hasil":
        for title, prefix in (("DAFTAR TABEL", "Tabel"), ("DAFTAR GAMBAR", "Gambar")):
            captions = lists.get(title, [])
            assert len(captions) >= 3, f"no {title} in the Laporan Hasil PDF"
            assert all(text.startswith(prefix) for text, _ in captions)
            found = _heading_pages(pages, [text for text, _ in captions], after)
            assert found == [page for _, page in captions]


def _fields(body) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every TOC field of the body: its instruction and its result, one (text, page) per
    paragraph between 'separate' and 'end'."""
    out, state, instruction, entries = [], None, "", []
    for paragraph in body.iter(w("p")):
        line = ""  # one entry a paragraph
        for node in paragraph.iter(w("fldChar"), w("instrText"), w("t"), w("tab")):
            if node.tag == w("fldChar"):
                kind = node.get(w("fldCharType"))
                if kind == "begin" and state is None:
                    state, instruction = "instr", ""
                elif kind == "separate" and state == "instr":
                    state = "result" if instruction.strip().startswith("TOC") else None
                elif kind == "end" and state == "result":
                    if line.strip():
                        entries.append(line)
                    out.append((instruction.strip(), entries))
                    state, entries, line = None, [], ""
                elif kind == "end":
                    state = None
            elif node.tag == w("instrText") and state == "instr":
                instruction += node.text or ""
            elif state == "result" and node.getparent().tag == w("r"):
                line += "\t" if node.tag == w("tab") else node.text or ""
        if state == "result" and line.strip():
            entries.append(line)
    return [
        (instruction, [tuple(e.rsplit("\t", 1)) if "\t" in e else (e, "") for e in entries])
        for instruction, entries in out
    ]


def _styled(body, style: str) -> list[str]:
    out = []
    for paragraph in body.iter(w("p")):
        p_style = paragraph.find("w:pPr/w:pStyle", NS)
        if p_style is not None and p_style.get(w("val")) == style:
            out.append("".join(t.text or "" for t in paragraph.iter(w("t"))))
    return out


def _docx_body(content: bytes):
    package = zipfile.ZipFile(io.BytesIO(content))
    return etree.fromstring(package.read("word/document.xml")).find("w:body", NS)


@pytest.mark.parametrize("libreoffice", [True, False], ids=["pages-libreoffice", "weasyprint"])
@pytest.mark.parametrize("kind", ["tindak-lanjut", "hasil"])
def test_docx_table_of_contents_is_filled_inside_the_field(demo, kind, libreoffice, settings):
    """Filled whichever way the pages are measured: LibreOffice's layout of the DOCX when
    installed, WeasyPrint's of the same content otherwise (SKM_DOCX_TOC_LIBREOFFICE=0)."""
    settings.DOCX_TOC_LIBREOFFICE = libreoffice
    body = _docx_body(_build(kind, demo, "docx"))
    fields = _fields(body)
    contents = [e for instruction, e in fields if instruction.startswith('TOC \\o "1-2"')]
    assert len(contents) == 1, fields
    headings = [h for p in body.iter(w("p")) for h in _heading_text(p)]
    assert [text for text, _ in contents[0]] == headings
    assert all(page.isdigit() for _, page in contents[0]), contents[0]
    pages = [int(page) for _, page in contents[0]]
    assert pages == sorted(pages) and pages[0] >= 2
    if kind == "hasil":
        for name, style in (("Judul Tabel", "JudulTabel"), ("Judul Gambar", "JudulGambar")):
            lists = [e for i, e in fields if f'\\t "{name},1"' in i]
            assert len(lists) == 1, (name, fields)
            captions = _styled(body, style)
            assert len(captions) >= 3
            assert [text for text, _ in lists[0]] == captions
            assert all(page.isdigit() for _, page in lists[0])


def _heading_text(paragraph) -> list[str]:
    p_style = paragraph.find("w:pPr/w:pStyle", NS)
    if p_style is None or p_style.get(w("val")) not in ("Heading1", "Heading2"):
        return []
    parts = [" " if n.tag == w("br") else n.text or "" for n in paragraph.iter(w("t"), w("br"))]
    return [" ".join("".join(parts).split())]


@needs_pdftotext
@pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice")
@pytest.mark.parametrize("kind", ["tindak-lanjut", "hasil"])
def test_docx_table_of_contents_pages_match_libreoffice(demo, kind, tmp_path):
    content = _build(kind, demo, "docx")
    body = _docx_body(content)
    contents = next(e for i, e in _fields(body) if i.startswith('TOC \\o "1-2"'))
    source = tmp_path / "doc.docx"
    source.write_bytes(content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pages = _pages((tmp_path / "doc.pdf").read_bytes(), tmp_path)
    start = next(i for i, page in enumerate(pages) if "DAFTAR ISI" in page) + 1
    found = _heading_pages(pages, [text for text, _ in contents], start)
    assert found == [int(page) for _, page in contents]
