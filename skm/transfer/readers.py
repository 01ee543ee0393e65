"""Reading survey responses from CSV and XLSX files (Google Forms exports, Excel sheets).

Used by ``skm ikm`` (no database: :func:`tally_file`) and by ``skm import`` (stores the
responses: :func:`open_response_file`). Pure on purpose: no Django, no models, so that the
same reader checks a file on a laptop and on the server and gives the same messages.

Every problem is reported, never raised: a header problem stops the read (nothing below a
wrong header can be trusted), a bad cell marks its row as rejected and the read goes on, so
one pass lists every mistake in the file. Messages are Indonesian and name the file, the
row as a spreadsheet program shows it, the column letter and header, the value and what
would have been accepted.

Hostile files are bounded before they cost memory: a CSV row of more than
MAX_SHEET_COLUMNS cells or a record of more than MAX_RECORD_CHARS characters stops the read;
an XLSX is checked as a ZIP (zip bombs), then the chosen sheet's declared and used area
(:mod:`skm.transfer.workbook`, against MAX_SHEET_COLUMNS and MAX_SHEET_CELLS), then read once
in a child process (:mod:`skm.transfer.contained`) before calamine runs here.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import Any

from skm.method import Tally
from skm.method.elements import (
    DEFAULT_ELEMENTS,
    AnswerError,
    Element,
    match_element,
    normalize,
    parse_answer,
)
from skm.method.profile import (
    ProfileError,
    parse_age,
    parse_education,
    parse_gender,
    parse_occupation,
)
from skm.transfer import contained
from skm.transfer import workbook as parts

log = logging.getLogger(__name__)

__all__ = [
    "MAX_KEPT_PROBLEMS",
    "MAX_RECORD_CHARS",
    "MAX_SHEET_CELLS",
    "MAX_SHEET_COLUMNS",
    "MAX_SHEET_ROWS",
    "MAX_SUGGESTION_CHARS",
    "PROFILE_FIELDS",
    "Column",
    "FileRow",
    "Problem",
    "Profile",
    "ResponseFile",
    "open_response_file",
    "parse_submitted_at",
    "tally_file",
]

MAX_KEPT_PROBLEMS = 50
MAX_SUGGESTION_CHARS = 2000

PROFILE_FIELDS: tuple[str, ...] = (
    "submitted_at",
    "gender",
    "age",
    "education",
    "occupation",
    "occupation_other",
    "service",
    "suggestion",
)

# How a profile field is named in messages ("kolom C ("JK", jenis kelamin)").
_FIELD_LABELS: dict[str, str] = {
    "submitted_at": "tanggal survei",
    "gender": "jenis kelamin",
    "age": "usia",
    "education": "pendidikan",
    "occupation": "pekerjaan",
    "occupation_other": "pekerjaan lainnya",
    "service": "jenis layanan",
    "suggestion": "saran",
}

# Timestamps that a form tool adds by itself; a column the respondent (or the operator
# entering paper forms) filled in with the survey date is better evidence and wins.
_AUTOMATIC_TIMESTAMPS = ("Timestamp", "Cap waktu", "Stempel waktu")

_PROFILE_HEADERS: dict[str, tuple[str, ...]] = {
    "submitted_at": (
        *_AUTOMATIC_TIMESTAMPS,
        "Tanggal",
        "Tanggal Survei",
        "Waktu Survei",
        "Jam/Tanggal",
        "Tanggal/Jam",
        "Tanggal Pengisian",
        "Waktu Pengisian",
    ),
    "gender": ("Jenis Kelamin", "JK", "L/P", "Kelamin"),
    "age": ("Usia", "Umur", "Usia (tahun)", "Umur (tahun)"),
    "education": ("Pendidikan", "Pendidikan Terakhir", "Tingkat Pendidikan"),
    "occupation": ("Pekerjaan", "Pekerjaan Utama"),
    "occupation_other": ("Pekerjaan Lainnya", "Pekerjaan Lain"),
    "service": (
        "Jenis Layanan",
        "Layanan",
        "Jenis Pelayanan",
        "Layanan yang diterima",
        "Jenis Layanan yang diterima",
    ),
    "suggestion": (
        "Saran",
        "Masukan",
        "Saran/Masukan",
        "Saran dan Masukan",
        "Kritik dan Saran",
        "Kritik, Saran dan Masukan",
    ),
}
_PROFILE_ALIASES: dict[str, str] = {
    normalize(alias): name for name, aliases in _PROFILE_HEADERS.items() for alias in aliases
}
_AUTOMATIC = frozenset(normalize(a) for a in _AUTOMATIC_TIMESTAMPS)

# Google Forms exports a grid question as "Penilaian Layanan [Persyaratan]".
_GRID_ROW = re.compile(r"\[([^\[\]]+)\]\s*$")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF_BYTES = 8192
_DELIMITERS = (",", ";", "\t")


# --------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a file that prevents using it as is, located as the user sees it.

    ``row`` is the 1-based row number a spreadsheet program shows (the header is row 1 of
    a plain file), ``column`` the column letter, ``header`` the column's header text,
    ``field`` an element code ("U3") or a profile field name ("age"). ``str()`` gives the
    full Indonesian message.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    header: str | None = None
    field: str | None = None
    value: object = None
    expected: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f'lembar "{self.sheet}"')
        if self.row is not None:
            where.append(f"baris {self.row}")
        if self.column:
            about = []
            if self.header:
                about.append(f'"{_clip(self.header)}"')
            if self.field:
                about.append(_FIELD_LABELS.get(self.field, f"unsur {self.field}"))
            where.append(f"kolom {self.column}" + (f" ({', '.join(about)})" if about else ""))
        text = f"{', '.join(where)}: {self.message}"
        if self.expected:
            text += f"; yang diharapkan: {self.expected}"
        return text


@dataclass(frozen=True, slots=True)
class Column:
    """Where a field was found: 0-based index in the row, letter and header text."""

    index: int
    letter: str
    header: str


@dataclass(frozen=True, slots=True)
class Profile:
    """The respondent profile of one row, already parsed; None where the cell is empty.

    ``submitted_at`` is naive (local time of the form: the caller attaches the zone),
    ``service`` the raw text of the service column (the caller maps it to a service).
    """

    submitted_at: dt.datetime | None = None
    gender: str | None = None
    age: int | None = None
    education: str | None = None
    occupation: str | None = None
    occupation_other: str | None = None
    service: str | None = None
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class FileRow:
    """One accepted row: its spreadsheet row number, a score 1..4 or None per element (in
    the order of ``elements``) and, when asked for, the profile."""

    line: int
    answers: tuple[int | None, ...]
    profile: Profile | None = None


# --------------------------------------------------------------------------------------
# Small helpers


def _column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(value: object) -> str:
    """A cell value as quoted in a message: "x", "5", "2025-03-14"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f'"{_clip(str(value), 60)}"'


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _row_is_blank(cells: Sequence[object]) -> bool:
    return all(_is_blank(c) for c in cells)


def _match_header(text: str, elements: Sequence[Element]) -> Element | None:
    element = match_element(text, elements)
    if element is None:
        grid = _GRID_ROW.search(text)
        if grid:
            element = match_element(grid.group(1), elements)
    return element


# 14/03/2025, 14-03-2025, with an optional 10:22[:01] or 10.22[.01] (the Indonesian
# locale writes times with dots). A regex rather than strptime: five times faster, and
# `skm import` parses one per row.
_DAY_FIRST = re.compile(
    r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?: (\d{1,2})([:.])(\d{2})(?:\6(\d{2}))?)?"
)
_WIB = dt.timezone(dt.timedelta(hours=7))
_DATE_EXPECTED = (
    "tanggal seperti 14/03/2025 10:22:01, 14/03/2025, 2025-03-14 10:22:01 atau 2025-03-14"
)


class _FieldError(ValueError):
    def __init__(self, expected: str, message: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.message = message


def parse_submitted_at(value: object) -> dt.datetime | None:
    """A survey date/time from a cell: naive datetime, None when empty.

    Slashed dates are day-first, as Indonesian Google Forms exports write them; an ISO
    value with an offset is converted to WIB (UTC+7) first, so that the naive result
    means the same wall-clock time as every other row.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_WIB).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if _is_blank(value):
        return None
    if not isinstance(value, str):
        raise _FieldError(_DATE_EXPECTED)
    text = " ".join(value.split())
    day_first = _DAY_FIRST.fullmatch(text)
    try:
        if day_first:
            day, _, month, year, hour, _, minute, second = day_first.groups()
            return dt.datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:  # no such date (31/02/2025), or not a date at all
        raise _FieldError(_DATE_EXPECTED) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(_WIB).replace(tzinfo=None)
    return parsed


def _plain_text(value: object) -> str | None:
    text = _cell_text(value)
    return text or None


def _suggestion(value: object) -> str | None:
    text = _cell_text(value)
    if len(text) > MAX_SUGGESTION_CHARS:
        raise _FieldError(
            f"paling banyak {MAX_SUGGESTION_CHARS} karakter",
            f"saran terlalu panjang ({len(text)} karakter)",
        )
    return text or None


# --------------------------------------------------------------------------------------
# Opening a file


class _Unreadable(Exception):
    """The file cannot be read at all; the message is the user-facing explanation."""


def _sniff(path: Path) -> tuple[str, str]:
    """("xlsx", "") or ("csv", encoding), or _Unreadable with the reason."""
    try:
        if path.is_dir():
            raise _Unreadable("ini sebuah folder, bukan file")
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise _Unreadable("file tidak ditemukan") from None
    except PermissionError:
        raise _Unreadable("file tidak dapat dibuka: izin akses ditolak") from None
    except OSError as exc:
        raise _Unreadable(f"file tidak dapat dibuka: {exc.strerror or exc}") from None
    if not head.strip():
        raise _Unreadable("file kosong")
    if head.startswith(_ZIP_MAGIC):
        return "xlsx", _zip_kind(path)
    if head.startswith(_OLE_MAGIC):
        raise _Unreadable(
            "ini file Excel lama (XLS, Excel 97-2003) atau file Excel yang dilindungi kata "
            "sandi, yang tidak didukung; simpan ulang sebagai XLSX (Excel Workbook) tanpa "
            "kata sandi atau sebagai CSV"
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" export: UTF-16 with a BOM, tab-separated.
        return "csv", "utf-16"
    if head.startswith(b"%PDF"):
        raise _Unreadable("ini file PDF, bukan CSV atau XLSX")
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in head or controls > len(head) // 20:
        raise _Unreadable("ini bukan file CSV atau XLSX yang dapat dibaca (isi file biner)")
    return "csv", _text_encoding(path)


# An XLSX is a ZIP archive: refuse archives that would unpack to far more than any survey
# sheet (a "zip bomb"), before the spreadsheet library decompresses anything.
MAX_UNPACKED_BYTES = 1_000_000_000
MAX_RATIO = 100  # for entries above RATIO_FROM bytes unpacked
RATIO_FROM = 10_000_000
MAX_SHEET_ROWS = 2_000_000
# Also the limit of a CSV row (header or data).
MAX_SHEET_COLUMNS = 500
# calamine builds a dense grid of the sheet's used area, 32 bytes a cell plus the text of
# each: 10 million cells (say 500,000 rows × 20 columns, twice the largest export seen)
# stay near 320 MB before any text; larger areas are refused before anything is built.
MAX_SHEET_CELLS = 10_000_000
# One CSV record (a row, with the line breaks inside its quoted cells): a survey row is a
# few kB; a longer record is a broken file (an unclosed quote) or an attack.
MAX_RECORD_CHARS = 1_000_000
# Distinct raw values remembered per column by the cell caches (beyond: parsed each time).
_MAX_CACHED = 10_000


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            if total > MAX_UNPACKED_BYTES:
                raise _Unreadable(
                    f"isi file XLSX terlalu besar ({total // 1_000_000} MB setelah dibuka; "
                    f"paling besar {MAX_UNPACKED_BYTES // 1_000_000} MB)"
                )
            for info in infos:
                packed = max(info.compress_size, 1)
                if info.file_size > RATIO_FROM and info.file_size / packed > MAX_RATIO:
                    raise _Unreadable(
                        "file XLSX mencurigakan: bagian "
                        f"{info.filename} mengembang {info.file_size // packed} kali saat "
                        "dibuka (kemungkinan zip bomb); simpan ulang dari Excel atau kirim "
                        "sebagai CSV"
                    )
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError):
        raise _Unreadable("file ZIP/XLSX rusak atau tidak lengkap") from None
    if b"opendocument.spreadsheet" in mimetype:
        raise _Unreadable(
            "format ODS (LibreOffice/OpenOffice) tidak didukung; simpan ulang sebagai XLSX atau CSV"
        )
    if "xl/workbook.xml" not in names:
        raise _Unreadable("ini bukan file XLSX (arsip ZIP tanpa lembar kerja Excel)")
    return ""


def _text_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else Windows-1252.

    The whole file is checked before any row is handed out, in 1 MiB chunks so memory
    stays flat: a decode error near the end would otherwise arrive after rows had already
    been yielded (and stored by ``skm import``) with the wrong characters.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _read_error_reason(exc: Exception, encoding: str | None) -> str:
    if isinstance(exc, _TooBig):
        return str(exc)
    if "field larger than field limit" in str(exc):
        return f"sel terlalu panjang (lebih dari {csv.field_size_limit()} karakter)"
    if isinstance(exc, UnicodeError):
        return f"karakter tidak dapat dibaca dengan pengkodean {encoding}"
    return f"baris tidak dapat dibaca ({exc})"


class _TooBig(csv.Error):
    """A CSV record over the column or length limit: read as a broken record (the read
    stops there), the message is the user-facing reason."""


def _too_many_columns(count: int, at_least: bool = False) -> _TooBig:
    return _TooBig(
        f"baris ini berisi {'sedikitnya ' if at_least else ''}{_thousands(count)} kolom; "
        f"paling banyak {_thousands(MAX_SHEET_COLUMNS)} kolom (periksa pemisah kolom dan "
        "hapus kolom kosong di kanan tabel)"
    )


def _bounded_lines(f: Any, delimiter: str, pending: list[int]) -> Iterator[str]:
    """The file's lines for csv.reader, each read with a length limit.

    ``pending[0]`` counts the characters handed out since the last complete record
    (:func:`_bounded_rows` resets it), so that a record is refused once it passes
    MAX_RECORD_CHARS, however it is split into lines. A record on one line without any
    quote is counted before csv builds its row of cells.
    """
    readline = f.readline
    limit = MAX_RECORD_CHARS + 1
    while line := readline(limit):
        size = len(line)
        pending[0] += size
        if pending[0] == size and '"' not in line:
            fields = line.count(delimiter) + 1
            if fields > MAX_SHEET_COLUMNS:
                raise _too_many_columns(*_count_on(readline, line, delimiter, fields))
        if pending[0] > MAX_RECORD_CHARS:
            raise _TooBig(
                f"baris ini lebih dari {_thousands(MAX_RECORD_CHARS)} karakter (batas satu "
                'baris); periksa tanda kutip (") yang tidak ditutup'
            )
        yield line


def _count_on(
    readline: Callable[[int], str], line: str, delimiter: str, fields: int
) -> tuple[int, bool]:
    """The number of cells of an unquoted line that is refused anyway, reading the rest
    of the line piece by piece (memory stays flat): (count, whether it is a lower bound
    because a quote turned up)."""
    while line and not line.endswith(("\n", "\r")):
        line = readline(MAX_RECORD_CHARS)
        if '"' in line:
            return fields, True
        fields += line.count(delimiter)
    return fields, False


def _bounded_rows(reader: Iterator[list[str]], pending: list[int]) -> Iterator[list[str]]:
    for cells in reader:
        pending[0] = 0
        if len(cells) > MAX_SHEET_COLUMNS:
            raise _too_many_columns(len(cells))
        yield cells


def _split_outside_quotes(line: str, delimiter: str) -> int:
    count = 0
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _header_line(text: str) -> str:
    """The first non-empty logical line (a quoted header may contain line breaks)."""
    line: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char in "\r\n" and not quoted:
            if "".join(line).strip():
                break
            line = []
            continue
        line.append(char)
    return "".join(line)


def _count_lines(path: Path) -> int:
    """Line breaks in the file, counted on raw bytes (about 0.02 s per 20 MB)."""
    count = 0
    last = b"\n"
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (0 if last == b"\n" else 1)


def _detect_delimiter(sample: str) -> str:
    header = _header_line(sample)
    counts = {d: _split_outside_quotes(header, d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    # A one-column file has no delimiter at all; comma is as good as any.
    return best if counts[best] else ","


class ResponseFile:
    """An opened response file: header already read, rows read on demand.

    Use :func:`open_response_file`. Attributes: ``columns`` (element code or profile field
    -> :class:`Column`), ``header_problems``, ``problems`` (first 50 row problems),
    ``problem_count`` (all of them), ``rows_read`` (non-empty data rows seen so far),
    ``format`` ("csv"/"xlsx"), ``encoding`` and ``delimiter`` (CSV), ``sheet`` (XLSX).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        sheet: str | None = None,
        elements: Sequence[Element] = DEFAULT_ELEMENTS,
        with_profile: bool = False,
    ) -> None:
        self.path = Path(path)
        self.name = self.path.name or str(path)
        self.elements: tuple[Element, ...] = tuple(elements)
        self.with_profile = with_profile
        self.format: str | None = None
        self.encoding: str | None = None
        self.delimiter: str | None = None
        self.sheet: str | None = None
        self.columns: dict[str, Column] = {}
        self.header_line: int | None = None
        self.header_problems: list[Problem] = []
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.rows_read = 0
        # Data rows the file holds, roughly (line breaks inside quoted CSV cells count too):
        # enough for a progress bar, never used for results.
        self.estimated_rows: int | None = None
        self._body: Iterator[Sequence[Any]] | None = None
        # What iterating _body may raise on a malformed record (see _broken).
        self._read_errors: tuple[type[Exception], ...] = (csv.Error, UnicodeError)
        self._first_line = 0
        self._closers: list[Callable[[], object]] = []
        if not self.elements:
            raise ValueError("elements must not be empty")
        try:
            self._open(sheet)
        except _Unreadable as exc:
            self._header_problem(str(exc))
            self.close()
        except Exception:
            self.close()
            raise

    # -- context manager

    def __enter__(self) -> ResponseFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()
        self._body = None

    @property
    def ok(self) -> bool:
        """No header problem and no row problem so far."""
        return not self.header_problems and not self.problem_count

    # -- problems

    def _header_problem(self, message: str, **where: Any) -> None:
        self.header_problems.append(
            Problem(
                self.name, message, sheet=self.sheet if self.format == "xlsx" else None, **where
            )
        )

    def _row_problem(self, line: int, message: str, **where: Any) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_KEPT_PROBLEMS:
            self.problems.append(
                Problem(
                    self.name,
                    message,
                    row=line,
                    sheet=self.sheet if self.format == "xlsx" else None,
                    **where,
                )
            )

    def _cell_problem(
        self, line: int, field: str, value: object, expected: str, message: str | None = None
    ) -> None:
        column = self.columns[field]
        self._row_problem(
            line,
            message or f"nilai {_shown(value)} tidak dapat dibaca",
            column=column.letter,
            header=column.header,
            field=field,
            value=value,
            expected=expected,
        )

    # -- opening

    def _open(self, sheet: str | None) -> None:
        kind, encoding = _sniff(self.path)
        self.format = kind
        if kind == "xlsx":
            self._open_xlsx(sheet)
        else:
            self._open_csv(encoding)

    def _open_csv(self, encoding: str) -> None:
        self.encoding = encoding
        # cp1252 leaves five byte values undefined; one of those in a suggestion should
        # not make the whole file unreadable.
        errors = "replace" if encoding == "cp1252" else "strict"
        try:
            f = self.path.open(encoding=encoding, errors=errors, newline="")
        except OSError as exc:
            raise _Unreadable(f"file tidak dapat dibuka: {exc.strerror or exc}") from None
        self._closers.append(f.close)
        self.delimiter = _detect_delimiter(f.read(1 << 16))
        f.seek(0)
        pending = [0]
        reader = _bounded_rows(
            csv.reader(_bounded_lines(f, self.delimiter, pending), delimiter=self.delimiter),
            pending,
        )
        line = 0
        try:
            for cells in reader:
                line += 1
                if not _row_is_blank(cells):
                    self._first_line = line + 1
                    self._body = reader
                    self._read_header(cells, line, 0)
                    self.estimated_rows = max(0, _count_lines(self.path) - line)
                    return
        except (csv.Error, UnicodeError) as exc:
            reason = _read_error_reason(exc, encoding)
            raise _Unreadable(f"baris {line + 1}: {reason}") from None
        raise _Unreadable("file kosong: tidak ada baris judul kolom")

    def _broken(self, line: int, exc: Exception) -> None:
        """A record the reader cannot parse ends the read with a problem.

        csv cannot resynchronise after a broken record (a field over the size limit, a NUL
        byte), so whatever follows would be misaligned: better stop and say where.
        """
        reason = _read_error_reason(exc, self.encoding)
        self._row_problem(line, f"{reason}; pembacaan dihentikan")

    def _guard_xlsx(self, sheet: str | None) -> None:
        """Refuse the sheet before calamine builds it in this process.

        First the sheet's declared and used area, streamed from the ZIP (calamine builds a
        dense grid of the used area: a few kB holding A1 and XFD1048576 would ask for
        550 GB and abort the process); then a child process reads the sheet to the end
        (:mod:`skm.transfer.contained`), so that whatever else makes the native reader
        crash, hang or run out of memory refuses the file instead of killing the caller.
        The child starts first and works while the area is scanned here.
        """
        child = contained.SheetCheck(self.path, sheet)
        try:
            with zipfile.ZipFile(self.path) as archive:
                found = parts.sheets(archive)
                part = None
                if found:
                    name = _choose_sheet([p.name for p in found], sheet)
                    part = next(p for p in found if p.name == name)
                if part is not None and part.member is not None:
                    extent = parts.extent(archive, part.member)
                    _check_area(part.name, extent.declared)
                    _check_area(part.name, extent.used)
        except parts.WorkbookError:
            child.cancel()
            raise _Unreadable("file XLSX tidak dapat dibaca (daftar lembar kerja rusak)") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            child.cancel()
            raise _Unreadable("file ZIP/XLSX rusak atau tidak lengkap") from None
        except BaseException:
            child.cancel()
            raise
        report = child.report()
        if report.crashed is not None:
            log.warning("XLSX reader child failed on %s: %s", self.name, report.detail)
            raise _Unreadable(
                f"berkas tidak dapat dibaca: {report.crashed}; file mungkin rusak atau "
                "lembarnya terlalu besar. Buka di Excel, salin hanya tabel jawaban ke "
                "workbook baru dan simpan sebagai XLSX, atau kirim sebagai CSV"
            )
        if report.error is None and report.start is not None:
            top, left = report.start
            _check_area(
                part.name if part is not None else (sheet or ""),
                parts.Area(top, left, top + report.height - 1, left + report.width - 1),
            )

    def _open_xlsx(self, sheet: str | None) -> None:
        from python_calamine import CalamineError, CalamineWorkbook

        self._guard_xlsx(sheet)
        try:
            workbook = CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:
            raise _Unreadable(f"file XLSX tidak dapat dibaca ({exc})") from None
        self._closers.append(workbook.close)
        chosen = _choose_sheet(list(workbook.sheet_names), sheet)
        self.sheet = chosen
        self._read_errors = (CalamineError,)
        try:
            data = workbook.get_sheet_by_name(chosen)
            start = data.start
            rows = data.iter_rows()
        except Exception as exc:
            raise _Unreadable(f'lembar "{chosen}" tidak dapat dibaca ({exc})') from None
        if start is None:
            raise _Unreadable(f'lembar "{chosen}" kosong: tidak ada baris judul kolom')
        _check_area(
            chosen,
            parts.Area(start[0], start[1], start[0] + data.height - 1, start[1] + data.width - 1),
        )
        first_row, first_col = start
        # calamine yields rows from the top of the sheet in some versions and from the first
        # used row in others; anchor the numbering on the first row holding anything.
        offset: int | None = None
        for index, cells in enumerate(rows):
            if offset is None and any(c != "" for c in cells):
                offset = first_row - index
            if not _row_is_blank(cells):
                line = index + (offset or 0) + 1
                self._first_line = line + 1
                self._body = rows
                self._read_header(cells, line, first_col)
                self.estimated_rows = max(0, first_row + data.height - line)
                return
        raise _Unreadable(f'lembar "{chosen}" kosong: tidak ada baris judul kolom')

    # -- header

    def _read_header(self, cells: Sequence[object], line: int, first_col: int) -> None:
        self.header_line = line
        elements: dict[str, list[Column]] = {}
        profile: dict[str, list[Column]] = {}
        for index, cell in enumerate(cells):
            text = _cell_text(cell)
            if not text:
                continue
            column = Column(index, _column_letter(first_col + index), text)
            field = _PROFILE_ALIASES.get(normalize(text))
            if field is not None:
                profile.setdefault(field, []).append(column)
                continue
            element = _match_header(text, self.elements)
            if element is not None:
                elements.setdefault(element.code, []).append(column)

        for element in self.elements:
            found = elements.get(element.code, [])
            if len(found) == 1:
                self.columns[element.code] = found[0]
            elif not found:
                self._header_problem(
                    f"kolom untuk unsur {element.code} ({element.name}) tidak ditemukan",
                    row=line,
                    field=element.code,
                    expected=(
                        f'judul kolom berisi kode ({element.code}), nama unsur ("{element.name}")'
                        " atau teks pertanyaannya"
                    ),
                )
            else:
                self._header_problem(
                    f"unsur {element.code} ({element.name}) ditemukan di lebih dari satu kolom: "
                    + _list_columns(found),
                    row=line,
                    field=element.code,
                    expected="satu kolom untuk setiap unsur; hapus atau ganti judul kolom lainnya",
                )

        for field, found in profile.items():
            if field == "submitted_at" and len(found) > 1:
                # The survey date typed in beats the form tool's own timestamp.
                typed = [c for c in found if normalize(c.header) not in _AUTOMATIC]
                found = typed or found
            if len(found) == 1 or not self.with_profile:
                self.columns[field] = found[0]
            else:
                self._header_problem(
                    f"{_FIELD_LABELS[field]} ditemukan di lebih dari satu kolom: "
                    + _list_columns(found),
                    row=line,
                    field=field,
                    expected="satu kolom; hapus atau ganti judul kolom lainnya",
                )
        if self.header_problems:
            self.close()

    # -- rows

    def _numbered(self) -> Iterator[tuple[int, Sequence[Any]]]:
        if self._body is None:
            return
        line = self._first_line - 1
        try:
            for line, cells in enumerate(self._body, self._first_line):
                yield line, cells
        except self._read_errors as exc:
            self._broken(line + 1, exc)

    def rows(self) -> Iterator[FileRow]:
        """Accepted rows, one at a time; rejected rows go to ``problems``.

        Nothing is read when there are header problems. Entirely empty rows are skipped
        silently. A row is rejected when any cell in it is unreadable, so that a stored
        response is always the whole response.
        """
        if self.header_problems:
            return
        elements = self.elements
        answer_columns = [(e, self.columns[e.code].index, _new_answer_cache()) for e in elements]
        readers = self._profile_readers() if self.with_profile else []
        n_elements = len(elements)
        for line, cells in self._numbered():
            width = len(cells)
            bad = False
            answers: list[int | None] = []
            for element, index, cache in answer_columns:
                raw = cells[index] if index < width else None
                score = _cached_score(cache, element, raw)
                if score is _BAD:
                    self._cell_problem(
                        line, element.code, raw, AnswerError(element, raw).expected()
                    )
                    bad = True
                    score = None
                answers.append(score)  # type: ignore[arg-type]
            if not bad and answers.count(None) == n_elements:
                # Checked only now, as most rows have answers: a blank row is skipped.
                if not _row_is_blank(cells):
                    self.rows_read += 1
                    self._no_answers(line)
                continue
            self.rows_read += 1
            profile = None
            if readers:
                values: dict[str, Any] = {}
                for field, index, read in readers:
                    raw = cells[index] if index < width else None
                    try:
                        values[field] = read(raw)
                    except _FieldError as exc:
                        self._cell_problem(line, field, raw, exc.expected, exc.message)
                        bad = True
                if not bad:
                    profile = _make_profile(values)
            if not bad:
                yield FileRow(line, tuple(answers), profile)

    def _no_answers(self, line: int) -> None:
        codes = f"{self.elements[0].code}-{self.elements[-1].code}"
        self._row_problem(
            line,
            "tidak ada jawaban unsur",
            expected=f"jawaban untuk sedikitnya satu unsur ({codes})",
        )

    def _profile_readers(self) -> list[tuple[str, int, Callable[[object], Any]]]:
        readers: list[tuple[str, int, Callable[[object], Any]]] = []
        for field in PROFILE_FIELDS:
            column = self.columns.get(field)
            if column is None:
                continue
            read = _PROFILE_READERS[field]
            if field in _CACHED_FIELDS:
                read = _cached(read)
            readers.append((field, column.index, read))
        return readers


def _choose_sheet(names: Sequence[str], sheet: str | None) -> str:
    """The sheet to read: the first one, or the one named (exactly, else ignoring case and
    surrounding spaces when that finds just one)."""
    chosen = contained.pick_sheet(list(names), sheet)
    if chosen is not None:
        return chosen
    if sheet is None:
        raise _Unreadable("file XLSX tidak berisi lembar kerja")
    shown = ", ".join(f'"{n}"' for n in names)
    raise _Unreadable(f'lembar "{sheet}" tidak ada; lembar yang tersedia: {shown}')


def _cell_name(row: int, column: int) -> str:
    return f"{_column_letter(column)}{row + 1}"


def _check_area(sheet: str, area: parts.Area | None) -> None:
    """Refuse a sheet area over the row, column or cell limits, naming its corners."""
    if area is None:
        return
    if (
        area.rows <= MAX_SHEET_ROWS
        and area.columns <= MAX_SHEET_COLUMNS
        and area.cells <= MAX_SHEET_CELLS
    ):
        return
    raise _Unreadable(
        f'lembar "{sheet}" mencakup sel {_cell_name(area.top, area.left)} sampai '
        f"{_cell_name(area.bottom, area.right)} ({_thousands(area.rows)} baris × "
        f"{_thousands(area.columns)} kolom): terlalu besar untuk dibaca (paling banyak "
        f"{_thousands(MAX_SHEET_ROWS)} baris, {_thousands(MAX_SHEET_COLUMNS)} kolom dan "
        f"{_thousands(MAX_SHEET_CELLS)} sel); hapus isi dan format sel di luar tabel "
        "jawaban (pilih baris dan kolom di bawah dan di kanan tabel, lalu Hapus), simpan, "
        "dan coba lagi"
    )


def _list_columns(columns: Sequence[Column]) -> str:
    return ", ".join(f'{c.letter} ("{_clip(c.header)}")' for c in columns)


# --------------------------------------------------------------------------------------
# Cell parsing with caches: survey answers repeat a handful of distinct values, so each
# distinct raw value is parsed once per column and then looked up.

_BAD = object()


def _new_answer_cache() -> dict[object, int | None]:
    return {"": None, None: None}


def _cached_score(cache: dict[object, Any], element: Element, raw: object) -> Any:
    """Score of a raw cell, None when empty, _BAD when unreadable."""
    # True == 1 and hashes like it; a boolean cell must not borrow the score of a 1.
    if raw.__class__ is not bool:
        try:
            return cache[raw]
        except KeyError:
            pass
    try:
        score = parse_answer(element, raw)
    except AnswerError:
        return _BAD
    if raw.__class__ is not bool and len(cache) < _MAX_CACHED:
        cache[raw] = score
    return score


def _profile_call(parse: Callable[[str], Any]) -> Callable[[object], Any]:
    def read(value: object) -> Any:
        if _is_blank(value):
            return None
        try:
            return parse(_cell_text(value))
        except ProfileError as exc:
            raise _FieldError(exc.expected) from None

    return read


def _cached(read: Callable[[object], Any]) -> Callable[[object], Any]:
    cache: dict[object, Any] = {}

    def cached_read(value: object) -> Any:
        key = (value.__class__, value)
        try:
            return cache[key]
        except KeyError:
            result = read(value)
            if len(cache) < _MAX_CACHED:
                cache[key] = result
            return result
        except TypeError:  # unhashable: never from csv or calamine, but stay safe
            return read(value)

    return cached_read


_PROFILE_READERS: dict[str, Callable[[object], Any]] = {
    "submitted_at": parse_submitted_at,
    "gender": _profile_call(parse_gender),
    "age": _profile_call(parse_age),
    "education": _profile_call(parse_education),
    "occupation": _profile_call(parse_occupation),
    "occupation_other": _plain_text,
    "service": _plain_text,
    "suggestion": _suggestion,
}
_CACHED_FIELDS = frozenset({"gender", "age", "education", "occupation", "service"})


def _make_profile(values: dict[str, Any]) -> Profile:
    occupation = values.pop("occupation", None)
    if occupation is not None:
        code, free_text = occupation
        values["occupation"] = code
        # "Lainnya: pedagang" in one cell, or LAINNYA plus a separate text column.
        if free_text and not values.get("occupation_other"):
            values["occupation_other"] = free_text
    return Profile(**values)


def open_response_file(
    path: str | Path,
    *,
    sheet: str | None = None,
    elements: Sequence[Element] = DEFAULT_ELEMENTS,
    with_profile: bool = False,
) -> ResponseFile:
    """Open a CSV or XLSX response file and read its header.

    Never raises for anything wrong with the file: check ``header_problems`` first, then
    iterate ``rows()`` and check ``problems`` / ``problem_count``. Use it as a context
    manager so the file is closed.
    """
    return ResponseFile(path, sheet=sheet, elements=elements, with_profile=with_profile)


# --------------------------------------------------------------------------------------
# The fast path for `skm ikm`


def tally_file(
    path: str | Path,
    *,
    sheet: str | None = None,
    elements: Sequence[Element] = DEFAULT_ELEMENTS,
) -> tuple[Tally, list[Problem], int]:
    """Count the answer patterns of a file: (tally, first 50 problems, problem count).

    Streams the file (one row in memory at a time) and only touches the element columns;
    profile columns are not parsed. Header problems come back as the problem list with
    an empty tally. Rows with problems are not counted.
    """
    with ResponseFile(path, sheet=sheet, elements=elements) as source:
        tally = Tally(len(source.elements))
        if source.header_problems:
            return tally, list(source.header_problems), len(source.header_problems)
        _count_patterns(source, tally)
        return tally, list(source.problems), source.problem_count


def _count_patterns(source: ResponseFile, tally: Tally) -> None:
    elements = source.elements
    indexes = [source.columns[e.code].index for e in elements]
    caches = [_new_answer_cache() for _ in elements]
    if len(indexes) == 1:
        only = indexes[0]

        def pick(cells: Sequence[Any]) -> tuple[Any, ...]:
            return (cells[only],)

    else:
        pick = itemgetter(*indexes)  # type: ignore[assignment]
    none_key = (None,) * len(elements)
    # calamine cells can be booleans, which compare equal to 1 and 0 (see _cached_score)
    check_bool = source.format == "xlsx"
    patterns = tally.patterns
    blank_rows = 0

    def slow(line: int, cells: Sequence[Any]) -> tuple[int | None, ...] | None:
        """A row the fast path could not take: short, blank, new or bad values."""
        nonlocal blank_rows
        if _row_is_blank(cells):
            blank_rows += 1
            return None
        width = len(cells)
        key: list[int | None] = []
        bad = False
        for element, index, cache in zip(elements, indexes, caches, strict=True):
            raw = cells[index] if index < width else None
            score = _cached_score(cache, element, raw)
            if score is _BAD:
                source._cell_problem(line, element.code, raw, AnswerError(element, raw).expected())
                bad = True
            else:
                key.append(score)
        if bad:
            return None
        if all(s is None for s in key):
            source._no_answers(line)
            return None
        return tuple(key)

    getitem = dict.__getitem__
    count_of = patterns.get
    line = source._first_line - 1
    body = source._body if source._body is not None else iter(())
    try:
        for cells in body:
            line += 1
            try:
                raw = pick(cells)
                if check_bool and bool in map(type, raw):
                    raise KeyError
                # One C-level pass over the columns: each cache maps a raw cell to its score
                # and raises KeyError for a value not seen yet (or unreadable).
                key = tuple(map(getitem, caches, raw))
            except (KeyError, IndexError):
                slow_key = slow(line, cells)
                if slow_key is None:
                    continue
                key = slow_key
            else:
                if key == none_key:
                    # Every answer empty: a blank row (skipped) or one with only profile data.
                    slow(line, cells)
                    continue
            patterns[key] = count_of(key, 0) + 1
    except source._read_errors as exc:
        source._broken(line + 1, exc)
    source.rows_read = line - (source._first_line - 1) - blank_rows
