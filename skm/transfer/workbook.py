"""What an XLSX workbook holds, read from its ZIP parts before any spreadsheet library runs.

The readers use it to refuse a sheet whose cells span an area no survey needs (a few
kilobytes holding only A1 and XFD1048576 make calamine allocate a dense grid of
1,048,576 × 16,384 cells and abort the process): :func:`sheets` lists the worksheets and
the ZIP member of each (xl/workbook.xml and xl/_rels/workbook.xml.rels), :func:`extent`
streams one worksheet's XML and returns both the area its ``<dimension>`` declares and the
area its cells really span.

Memory stays bounded: parts are read in 1 MiB chunks; the sheet is scanned with regular
expressions over each chunk (cut after the last ``>``, so that no tag straddles two
chunks). When every ``<c>`` carries its ``r`` reference (Excel, LibreOffice, Google Sheets,
openpyxl and XlsxWriter always write it) one C-level pass per chunk collects the column
letters and row numbers; a sheet with a cell without ``r`` (its place then follows from
the order, as calamine does it) is scanned again tag by tag. Pure: standard library only.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from xml.parsers import expat

__all__ = ["Area", "Extent", "SheetPart", "WorkbookError", "extent", "sheets"]

_CHUNK = 1 << 20
# Bound on the workbook's own parts (the list of sheets), which are a few kB in practice.
_MAX_PART_BYTES = 64 * _CHUNK


class WorkbookError(Exception):
    """The workbook's structure cannot be read (broken XML, a DTD)."""


@dataclass(frozen=True, slots=True)
class SheetPart:
    name: str
    member: str | None  # the ZIP member of its XML; None when the relationship is missing


@dataclass(frozen=True, slots=True)
class Area:
    """A rectangle of cells, 0-based and inclusive: rows top..bottom, columns left..right."""

    top: int
    left: int
    bottom: int
    right: int

    @property
    def rows(self) -> int:
        return self.bottom - self.top + 1

    @property
    def columns(self) -> int:
        return self.right - self.left + 1

    @property
    def cells(self) -> int:
        return self.rows * self.columns


@dataclass(frozen=True, slots=True)
class Extent:
    declared: Area | None  # from <dimension ref="...">
    used: Area | None  # from the cells present (None: no cell at all)


# --------------------------------------------------------------------------------------
# The list of sheets


def _parse_part(archive: zipfile.ZipFile, member: str, start: object) -> None:
    """Stream one small XML part through expat, refusing DTDs (no entity tricks)."""
    parser = expat.ParserCreate(namespace_separator=" ")

    def no_doctype(*_args: object) -> None:
        raise WorkbookError("DTD")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    parser.StartElementHandler = start
    read = 0
    try:
        with archive.open(member) as f:
            while chunk := f.read(_CHUNK):
                read += len(chunk)
                if read > _MAX_PART_BYTES:
                    raise WorkbookError(f"{member} too large")
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise WorkbookError(f"{member}: {exc}") from None


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _member(archive: zipfile.ZipFile, path: str) -> str | None:
    names = archive.namelist()
    if path in names:
        return path
    folded = path.casefold()
    return next((n for n in names if n.replace("\\", "/").casefold() == folded), None)


def sheets(archive: zipfile.ZipFile) -> list[SheetPart]:
    """The worksheets in workbook order, each with the ZIP member of its XML."""
    found: list[tuple[str, str | None]] = []

    def on_sheet(name: str, attributes: dict[str, str]) -> None:
        if _local(name) != "sheet":
            return
        rid = next(
            (v for k, v in attributes.items() if " " in k and _local(k) == "id"),
            None,
        )
        found.append((attributes.get("name", ""), rid))

    targets: dict[str, str] = {}

    def on_relationship(name: str, attributes: dict[str, str]) -> None:
        if _local(name) == "Relationship" and "Id" in attributes:
            targets[attributes["Id"]] = attributes.get("Target", "")

    _parse_part(archive, "xl/workbook.xml", on_sheet)
    rels = _member(archive, "xl/_rels/workbook.xml.rels")
    if rels is not None:
        _parse_part(archive, rels, on_relationship)
    parts = []
    for name, rid in found:
        target = targets.get(rid or "")
        member = None
        if target:
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            member = _member(archive, posixpath.normpath(path))
        parts.append(SheetPart(name, member))
    return parts


# --------------------------------------------------------------------------------------
# The extent of one sheet

# Any length: a reference beyond XFD1048576 is still placed (and refused), never skipped.
_REF = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\sref\s*=\s*[\"']([^\"']*)[\"']")
# The cell tag as every common writer starts it: no prefix, the reference first.
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
# Any cell tag; the groups hold its reference, empty when the tag has no r attribute.
_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c(?=[\s/>])"
    rb"(?:[^>]*?\sr\s*=\s*[\"']([A-Za-z]+)([0-9]+)[\"']|)"
)
# For the slow scan: row and cell tags (opening, closing, self-closing).
_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_R_ATTRIBUTE = re.compile(rb"\sr\s*=\s*[\"']([^\"']*)[\"']")


def column_index(letters: str) -> int:
    """ "A" -> 0, "XFD" -> 16383."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def _area_of(ref: str) -> Area | None:
    corners = []
    for part in ref.strip().split(":")[:2]:
        match = _REF.fullmatch(part.strip())
        if match is None:
            return None
        corners.append((int(match.group(2)) - 1, column_index(match.group(1))))
    if not corners:
        return None
    (r1, c1), (r2, c2) = corners[0], corners[-1]
    return Area(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def _chunks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The part in pieces that each end after a ``>`` (so no tag is cut in two)."""
    carry = b""
    with archive.open(member) as f:
        while chunk := f.read(_CHUNK):
            data = carry + chunk
            cut = data.rfind(b">") + 1
            if cut == 0 and len(data) <= 4 * _CHUNK:
                carry = data
                continue
            if cut == 0:  # no tag end in 4 MiB: not a tag we look at; keep a tail
                cut = len(data) - 64
            carry = data[cut:]
            yield data[:cut]
    if carry:
        yield carry


class _Bounds:
    def __init__(self) -> None:
        self.top = self.left = 1 << 62
        self.bottom = self.right = -1

    def add_rows(self, low: int, high: int) -> None:
        self.top = min(self.top, low)
        self.bottom = max(self.bottom, high)

    def add_columns(self, low: int, high: int) -> None:
        self.left = min(self.left, low)
        self.right = max(self.right, high)

    def area(self) -> Area | None:
        if self.bottom < 0:
            return None
        return Area(self.top, self.left, self.bottom, self.right)


def extent(archive: zipfile.ZipFile, member: str) -> Extent:
    """The declared and the used area of one worksheet, streamed."""
    declared: Area | None = None
    looking = True
    bounds = _Bounds()
    letters: set[bytes] = set()
    first, second = itemgetter(0), itemgetter(1)
    for chunk in _chunks(archive, member):
        if looking:
            match = _DIMENSION.search(chunk)
            if match is not None:
                declared = _area_of(match.group(1).decode("ascii", "replace"))
                looking = False
            elif b"sheetData" in chunk:
                looking = False
        pairs = _PLAIN_CELL.findall(chunk)
        # Every "<c" was a plain cell tag and no tag has a prefix: the quick pass saw all
        # cells. Otherwise (a <cols> before the data, prefixed tags) the general pattern.
        if len(pairs) != chunk.count(b"<c") or b":c" in chunk:
            pairs = _CELL.findall(chunk)
            if any(not letter for letter, _ in pairs):
                return Extent(declared, _used_by_order(archive, member))
        if not pairs:
            continue
        numbers = list(map(int, map(second, pairs)))
        bounds.add_rows(min(numbers) - 1, max(numbers) - 1)
        letters.update(map(first, pairs))
    if letters:
        columns = [column_index(x.decode("ascii")) for x in letters]
        bounds.add_columns(min(columns), max(columns))
    return Extent(declared, bounds.area())


def _used_by_order(archive: zipfile.ZipFile, member: str) -> Area | None:
    """The used area when some cells or rows have no reference: placed as calamine does,
    a row without ``r`` follows the previous one and a cell without ``r`` the previous
    cell of its row."""
    bounds = _Bounds()
    row = 0
    column = 0
    for chunk in _chunks(archive, member):
        for closing, tag, attributes, empty in _TAG.findall(chunk):
            if tag == b"row":
                if closing:
                    row += 1
                    continue
                found = _R_ATTRIBUTE.search(attributes)
                if found is not None and found.group(1).isdigit():
                    row = int(found.group(1)) - 1
                column = 0
                if empty:
                    row += 1
                continue
            if closing:
                continue
            found = _R_ATTRIBUTE.search(attributes)
            ref = _REF.fullmatch(found.group(1).decode("ascii", "replace")) if found else None
            if ref is not None:
                at_row, at_column = int(ref.group(2)) - 1, column_index(ref.group(1))
            else:
                at_row, at_column = row, column
            column = at_column + 1
            bounds.add_rows(at_row, at_row)
            bounds.add_columns(at_column, at_column)
    return bounds.area()
