"""Every page of every PDF of the demo, as printed (issue #14, points 2 and 6, "Done when"):
the Laporan Tindak Lanjut, the Laporan Hasil SKM and the poster of the demo period, the
Laporan Hasil of a period without a plan, and the Laporan Hasil of Dinas Kesehatan (figures
of its puskesmas; with its Laporan Tindak Lanjut when it has a plan).

Checks, page by page, on the PDF that ``build`` hands out (``pdftotext -bbox-layout`` from
poppler gives every word with its box):

(a) no text lies within 1.5 cm of the page's edge (binding, printers' unprintable borders);
(b) every table caption ("Tabel N ...") is on the page of the first row of its table, and a
    table that runs onto another page takes at least two of its rows there (no stray last
    row). Pages of elements come from WeasyPrint's layout of the same HTML (the HTML is
    captured as ``build`` hands it to WeasyPrint), which knows which row a line belongs to;
(c) every number of the DAFTAR ISI (and DAFTAR TABEL, DAFTAR GAMBAR) is the number printed
    at the foot of the page where the heading or caption stands;
(e) the signature block shares its page with the text before it;
(d) no word is cut at a line end: a line ending in "-" only where the source has the hyphen
    (no "Ta-hun", "Penang-gung"), no word split without one ("Penanggun g"), and "TW 1" ...
    "TW 4" on one line each.

How each check was seen to fail (on the templates before the fixes, or with a rule taken
out again): (a) the page numbers, drawn in the middle of the 2.5 cm bottom margin, and the
poster's 1.2 cm margin named every page; (b) without ``break-after: avoid`` on captions the
Laporan Tindak Lanjut's "Tabel 2." and the Laporan Hasil's "Tabel 2.2." stood at the foot of
a page, their first rows on the next, and without ``tbody tr:last-child { break-before:
avoid }`` BAB III's last row stood alone; (c) with the footer printing
``counter(page, lower-roman)`` every entry is named ("KATA PENGANTAR ... 5" on the page
numbered v); (d) ``hyphens: auto`` on ``th`` gave "Ta-" + "hun", "Penang-" + "gung", a
``TW`` over its number, and the fixed 2.4 cm column "Penanggun" + "g"; (e) the Laporan
Hasil's signature stood alone on its last page before ``break-before: avoid``.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from lxml import etree

from skm.org.models import Unit
from skm.plans.models import Plan
from skm.reports.documents import build
from skm.surveys.models import Period

# django_db: so that pytest-django sets the test database up for the module's fixture.
pytestmark = [
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext"),
    pytest.mark.django_db,
]

CM = 72 / 2.54  # PDF points
BORDER = 1.5 * CM - 0.1  # a tenth of a point for rounding: text at 1.5 cm is not within
XHTML = "{http://www.w3.org/1999/xhtml}"
DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"
SIGNED = dt.date(2025, 8, 22)
# (name, unit, period, kind): the demo period, a period without a plan, an agency whose
# figures are its puskesmas'.
DOCUMENTS = [
    ("demo-tindak-lanjut", DUKCAPIL, "semester-i-2025", "tindak-lanjut"),
    ("demo-hasil", DUKCAPIL, "semester-i-2025", "hasil"),
    ("demo-poster", DUKCAPIL, "semester-i-2025", "poster"),
    ("tanpa-rencana-hasil", DUKCAPIL, "semester-ii-2024", "hasil"),
    ("dinkes-hasil", "dinas-kesehatan", "semester-i-2025", "hasil"),
    ("dinkes-tindak-lanjut", "dinas-kesehatan", "semester-i-2025", "tindak-lanjut"),
]
WITH_CONTENTS = ("tindak-lanjut", "hasil")
LISTS = ("DAFTAR ISI", "DAFTAR TABEL", "DAFTAR GAMBAR")
ENTRY = re.compile(r"^(\S.*?)[\s.…]{3,}(\d+|[ivxlc]+)$")  # leader dots are words of their own
PAGE_NUMBER = re.compile(r"^(\d+|[ivxlc]+)$")
CAPTION = re.compile(r"^Tabel [0-9A-Z]+(\.\d+)*\.? ")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    blocks: list[list[list[Word]]]  # blocks of lines of words, in pdftotext's reading order

    @property
    def lines(self) -> list[list[Word]]:
        return [line for block in self.blocks for line in block]

    def texts(self) -> list[str]:
        return [" ".join(w.text for w in line) for line in self.lines]


@dataclass(frozen=True)
class Rendered:
    kind: str
    pdf: bytes
    html: str  # what build handed to WeasyPrint
    pages: list[Page]


def _pdf_pages(pdf: bytes, folder: Path) -> list[Page]:
    path = folder / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], check=True, capture_output=True
    ).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True, huge_tree=True))
    pages = []
    for page in root.iter(f"{XHTML}page"):
        blocks = []
        for block in page.iter(f"{XHTML}block"):
            lines = []
            for line in block.iter(f"{XHTML}line"):
                words = [
                    Word(
                        w.text or "",
                        *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")),
                    )
                    for w in line.iter(f"{XHTML}word")
                ]
                if words:
                    lines.append(words)
            blocks.append(lines)
        pages.append(Page(float(page.get("width")), float(page.get("height")), blocks))
    return pages


@pytest.fixture(scope="module")
def documents(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Rendered]:
    """Every document once for the module: the demo in a transaction rolled back after."""
    import weasyprint

    folder = tmp_path_factory.mktemp("pdf-structure")
    captured: list[str] = []
    real = weasyprint.HTML

    class Capturing(real):
        def __init__(self, *args, string=None, **kwargs):
            captured.append(string)
            super().__init__(*args, string=string, **kwargs)

    out: dict[str, Rendered] = {}
    with (
        django_db_blocker.unblock(),
        override_settings(DATA_DIR=folder),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        call_command("demo")
        patch.setattr(weasyprint, "HTML", Capturing)
        for name, slug, period_slug, kind in DOCUMENTS:
            unit = Unit.objects.get(slug=slug)
            period = Period.objects.get(unit=unit, slug=period_slug)
            if kind == "tindak-lanjut" and not Plan.objects.filter(unit=unit, period=period):
                continue
            captured.clear()
            content = build(kind, unit=unit, period=period, fmt="pdf", signed_on=SIGNED).content
            assert len(captured) == 1, name
            out[name] = Rendered(kind, content, captured[0], _pdf_pages(content, folder))
        transaction.set_rollback(True)
    assert {"demo-tindak-lanjut", "demo-hasil", "demo-poster", "dinkes-hasil"} <= set(out)
    return out


NAMES = [name for name, *_ in DOCUMENTS]


def _document(documents, name) -> Rendered:
    if name not in documents:
        pytest.skip(f"{name}: the demo has no plan for it")
    return documents[name]


# (a) ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_no_text_within_one_and_a_half_centimetres_of_the_edge(documents, name):
    doc = _document(documents, name)
    assert doc.pages
    outside = [
        (number, word.text, round(word.x0 / CM, 2), round(word.y0 / CM, 2))
        for number, page in enumerate(doc.pages, 1)
        for line in page.lines
        for word in line
        if word.x0 < BORDER
        or word.y0 < BORDER
        or word.x1 > page.width - BORDER
        or word.y1 > page.height - BORDER
    ]
    assert not outside, f"{name}: text within 1.5 cm of the edge (page, word, x, y cm): {outside}"


# (b) ---------------------------------------------------------------------------------------


def _layout(html: str):
    """WeasyPrint's layout of ``html``: its element tree and, for every element, the
    (0-based) pages it lies on."""
    from weasyprint import HTML

    source = HTML(string=html, base_url=Path("/").as_uri())
    pages: dict[int, list[int]] = {}
    for number, page in enumerate(source.render().pages):
        seen = set()
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None and id(element) not in seen:
                seen.add(id(element))
                pages.setdefault(id(element), []).append(number)
    return source.etree_element, pages


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _tables(root):
    """Every table with its caption (the "Tabel ..." paragraph just before it, or None) and
    its body rows."""
    caption, out = None, []
    for element in root.iter():
        if element.tag == "p" and "caption" in (element.get("class") or "").split():
            text = _text(element)
            caption = element if CAPTION.match(text + " ") else None
        elif element.tag == "table":
            body = [row for group in element if group.tag == "tbody" for row in group]
            body = body or [row for row in element if row.tag == "tr"]
            out.append((caption, body))
            caption = None
    return out


@pytest.mark.parametrize("name", NAMES)
def test_captions_share_a_page_with_their_table_and_no_row_stands_alone(documents, name):
    doc = _document(documents, name)
    root, pages = _layout(doc.html)
    tables = _tables(root)
    if doc.kind in WITH_CONTENTS:
        assert any(caption is not None for caption, _ in tables), f"{name}: no captioned table"
    for caption, rows in tables:
        if not rows:
            continue
        label = _text(caption) if caption is not None else _text(rows[0])[:60]
        if caption is not None:
            assert pages[id(caption)][-1] == pages[id(rows[0])][0], (
                f"{name}: {label!r} is on page {pages[id(caption)][-1] + 1}, "
                f"its first row on page {pages[id(rows[0])][0] + 1}"
            )
        if len(rows) >= 3:
            last_page = pages[id(rows[-1])][0]
            on_last = [row for row in rows if pages[id(row)][0] == last_page]
            starts_there = pages[id(rows[0])][0] == last_page
            assert starts_there or len(on_last) >= 2, (
                f"{name}: the last row of {label!r} stands alone on page {last_page + 1}"
            )


@pytest.mark.parametrize("name", NAMES)
def test_the_signature_never_stands_alone_on_a_page(documents, name):
    """The signature block shares its page with the text it closes (the paragraph or table
    just before it), as an official letter is signed."""
    doc = _document(documents, name)
    if doc.kind not in WITH_CONTENTS:
        pytest.skip("the poster is not signed")
    root, pages = _layout(doc.html)
    parents = {child: parent for parent in root.iter() for child in parent}
    signatures = [e for e in root.iter() if "signature-wrap" in (e.get("class") or "")]
    assert signatures, f"{name}: no signature block"
    for signature in signatures:
        siblings = list(parents[signature])
        before = siblings[siblings.index(signature) - 1]
        assert pages[id(before)][-1] == pages[id(signature)][0], (
            f"{name}: the signature stands alone on page {pages[id(signature)][0] + 1}"
        )


# (c) ---------------------------------------------------------------------------------------


def _printed_number(page: Page) -> str | None:
    """The page number printed at the foot of the page: the lowest line that is only a
    number, in the lowest fifth of the page."""
    lines = [line for line in page.lines if line[0].y0 > page.height * 0.8]
    numbers = [line for line in lines if len(line) == 1 and PAGE_NUMBER.match(line[0].text.lower())]
    return max(numbers, key=lambda line: line[0].y0)[0].text.lower() if numbers else None


def _lists(pages: list[Page]) -> tuple[dict[str, list[tuple[str, str]]], set[int]]:
    """The entries (text, printed page) of each list, and the indexes of the lists' pages.
    An entry may wrap: lines without a number are joined to the next."""
    lists: dict[str, list[tuple[str, str]]] = {}
    current, found, pending = None, set(), ""
    for index, page in enumerate(pages[:8]):
        texts = page.texts()
        if not any(text in LISTS for text in texts):
            if current is None:
                continue
            if not any(ENTRY.match(text) for text in texts):
                break  # past the lists (a list running onto a second page goes on)
        found.add(index)
        for text in texts:
            if text in LISTS:
                current, pending = text, ""
                lists[current] = []
                continue
            if current is None or text == _printed_number(page):
                continue
            match = ENTRY.match(f"{pending} {text}".strip())
            if match:
                lists[current].append((match.group(1).strip(" ."), match.group(2)))
                pending = ""
            else:
                pending = f"{pending} {text}".strip()
    return lists, found


def _stands_on(wanted: str, texts: list[str]) -> bool:
    """A line of its own, or two or three lines in a row ("BAB I" over its title)."""
    return any(" ".join(texts[i : i + n]) == wanted for i in range(len(texts)) for n in (1, 2, 3))


@pytest.mark.parametrize("name", NAMES)
def test_table_of_contents_numbers_are_the_printed_numbers_of_the_pages(documents, name):
    doc = _document(documents, name)
    if doc.kind not in WITH_CONTENTS:
        pytest.skip("a one-page poster has no table of contents")
    lists, list_pages = _lists(doc.pages)
    assert len(lists.get("DAFTAR ISI", [])) >= 4, f"{name}: no DAFTAR ISI found: {lists}"
    if doc.kind == "hasil":
        assert lists.get("DAFTAR TABEL") and lists.get("DAFTAR GAMBAR"), lists
    # the headings stand on any page but those of the lists (the Kata Pengantar before them)
    pages = [[] if i in list_pages else page.texts() for i, page in enumerate(doc.pages)]
    for title, entries in lists.items():
        index = 0
        for text, number in entries:
            wanted = " ".join(text.split())
            while index < len(pages) and not _stands_on(wanted, pages[index]):
                index += 1
            assert index < len(doc.pages), f"{name}: {title} entry {text!r} is on no page"
            printed = _printed_number(doc.pages[index])
            assert printed == number, (
                f"{name}: {title} says {text!r} is on page {number}; it stands on the page "
                f"numbered {printed} (page {index + 1} of the file)"
            )


# (d) ---------------------------------------------------------------------------------------

PUNCTUATION = ".,;:()[]\"'“”‘’!?/"
# the hyphen-minus, and the hyphen (U+2010) WeasyPrint adds when it hyphenates
HYPHENS = "-\u2010\u00ad"
QUARTERS = ("1", "2", "3", "4", "I", "II", "III", "IV")


def _source_words(html: str) -> tuple[str, set[str]]:
    """The text of the HTML (without its style sheet) and its words, bare of punctuation."""
    root = etree.fromstring(html.encode(), etree.HTMLParser())
    for style in root.iter("style", "title"):
        style.getparent().remove(style)
    text = " ".join(" ".join(root.itertext()).split())
    return text, {word.strip(PUNCTUATION) for word in text.split()}


@pytest.mark.parametrize("name", NAMES)
def test_no_word_is_cut_at_a_line_end(documents, name):
    doc = _document(documents, name)
    source, words = _source_words(doc.html)
    cut = []
    for number, page in enumerate(doc.pages, 1):
        for block in page.blocks:
            for line in block:
                for word, after in zip(line, [*line[1:], None], strict=True):
                    # a hyphen the source has ("KTP-el", "Ta-" nowhere): pdftotext may put the
                    # first halves of a table's header cells on one line, so every word is
                    # checked, not only the last of a line
                    if (
                        word.text[-1:] in HYPHENS
                        and len(word.text) > 1
                        and not re.search(re.escape(word.text) + r"(\S|$)", source)
                    ):
                        cut.append((number, f"{word.text} | {after.text if after else ''}"))
                    if word.text == "TW" and not (after and after.text.rstrip(",") in QUARTERS):
                        cut.append((number, f"TW | {after.text if after else '(line end)'}"))
            for line, following in pairwise(block):
                end, start = line[-1].text, following[0].text
                halves = (end.strip(PUNCTUATION), start.strip(PUNCTUATION))
                if (
                    end[-1:].isalpha()
                    and start[:1].isalpha()
                    and (end + start).strip(PUNCTUATION) in words
                    and not set(halves) <= words
                ):
                    cut.append((number, f"{end} | {start}"))
    assert not cut, f"{name}: words cut at a line end (page, end | next line): {cut}"
