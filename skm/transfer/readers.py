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
import dataclasses
import datetime as dt
import itertools
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
    DEFAULT_ORDER,
    AnswerError,
    Element,
    label_conflicts,
    match_element,
    normalize,
    numbered_order,
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
from skm.transfer.columns import classify

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
    "ColumnAccount",
    "FileRow",
    "Problem",
    "Profile",
    "ReadAccount",
    "ResponseFile",
    "SkippedRow",
    "open_response_file",
    "parse_column_names",
    "parse_header_row",
    "parse_questions",
    "parse_submitted_at",
    "tally_file",
    "tally_source",
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

# -- Shapes of other offices' files (issue #13)

# The header is looked for in the first rows only: title rows, a two- or three-row header
# and a row of column numbers fit easily; the rest of the file is streamed.
HEAD_SCAN_ROWS = 30
_MAX_HEADER_ROWS = 3
# Rows under the data that summarise it or comment on it, by their label (normalised:
# "Σ Nilai / Unsur" -> "nilai unsur", "NRR/Unsur" -> "nrr unsur").
_SUMMARY_LABEL = re.compile(
    r"^(?:jumlah|total|sub ?total|grand total|rata rata|rerata|nilai rata rata|rata|"
    r"nrr|ikm|nilai ikm|indeks|nilai indeks|kinerja|mutu|nilai|skor|bobot|"
    r"tertimbang|konversi|persentase|prosentase|predikat|kategori|sum|average|mean|"
    r"weighted|count)(?: |$)|^n$"
)
_NOTE_LABEL = re.compile(
    r"^(?:keterangan|ket|catatan|sumber|mengetahui|kepala|nip|dibuat|disusun|"
    r"ttd|tanda tangan|note|notes)(?: |$)"
)
# Column headers of one-row-per-answer files (long format), normalised.
_LONG_ROLES: dict[str, frozenset[str]] = {
    "respondent": frozenset(
        normalize(t)
        for t in (
            "id responden",
            "id_responden",
            "responden",
            "responden id",
            "respondent",
            "respondent_id",
            "respondent id",
            "response_id",
            "response id",
            "id response",
            "no responden",
            "nomor responden",
            "kode responden",
            "submission_id",
            "id pengisian",
            "id survei",
            "survey_id",
            "id_survey",
            "user_id",
        )
    ),
    "question": frozenset(
        normalize(t)
        for t in (
            "unsur",
            "kode unsur",
            "id unsur",
            "unsur_id",
            "unsur pelayanan",
            "pertanyaan",
            "id pertanyaan",
            "pertanyaan_id",
            "kode pertanyaan",
            "question",
            "question_id",
            "question id",
            "element",
            "item",
            "id_item",
            "indikator",
            "soal",
            "id soal",
        )
    ),
    "answer": frozenset(
        normalize(t)
        for t in (
            "jawaban",
            "nilai",
            "skor",
            "answer",
            "value",
            "score",
            "nilai jawaban",
            "jawaban responden",
            "pilihan",
            "option",
            "jawaban_id",
            "opsi",
            "nilai_pertanyaan",
            "point_jawaban",
            "poin_jawaban",
            "poin",
        )
    ),
}
# Weaker names, used for a role only when no column has one of the names above (an app's
# "id_kuesioner" is the question in one dump and the answer row's own id in another, next
# to "id_pertanyaan").
_LONG_WEAK: dict[str, frozenset[str]] = {
    "respondent": frozenset(
        normalize(t)
        for t in ("id_penilaian", "penilaian_id", "id_skm_biodata", "id_biodata", "biodata_id")
    ),
    "question": frozenset(normalize(t) for t in ("id_kuesioner", "kuesioner_id", "kuesioner")),
    "answer": frozenset(),
}
_LONG_LABELS = {"respondent": "id responden", "question": "unsur", "answer": "jawaban"}
# Headers that only number an element ("Unsur 1", "nilai_3", "Q9", "pertanyaan5"): used
# to recognise a header row; which element each number means is decided with the rest.
_NUMBERED_HEADER = re.compile(
    r"(?:^|\s)(?:u|unsur|unusr|q|p|pertanyaan|question|nilai|jawaban|soal|item)\s*\d{1,2}$"
)
# Data-looking text cells: numbers, dates and times.
_DATA_TEXT = re.compile(r"^[\d\s.,:/()+-]+$")
# Respondents open at once while a long-format file is pivoted. A file sorted by
# respondent needs one; an unsorted one can interleave up to this many before a
# respondent's answers are counted and a later answer of it is refused.
MAX_OPEN_RESPONDENTS = 10_000
_MAX_IGNORED_QUESTIONS = 100
_COLUMN_WORDS: dict[str, str] = {
    "tanggal": "submitted_at",
    "waktu": "submitted_at",
    "jk": "gender",
    "usia": "age",
    "umur": "age",
    "pendidikan": "education",
    "pekerjaan": "occupation",
    "pekerjaan lain": "occupation_other",
    "layanan": "service",
    "saran": "suggestion",
}
_IGNORE_WORDS = frozenset({"", "-", "_", "x", "abaikan", "lewati", "no", "nomor"})


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


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row under (or among) the data that is not a respondent: a summary row ("IKM",
    "NRR / Unsur"), a note or signature, or the row of column numbers under a header."""

    line: int
    label: str
    reason: str

    def __str__(self) -> str:
        label = f' ("{_clip(self.label, 40)}")' if self.label else ""
        return f"Baris {self.line}{label} dilewati: {self.reason}"


@dataclass(frozen=True, slots=True)
class ColumnAccount:
    """One column of the header and what the reader made of it, with the reason."""

    letter: str
    header: str
    role: str  # an element code, a profile field, a long-format role, or "" (ignored)
    reason: str

    def __str__(self) -> str:
        shown = f'"{_clip(self.header, 50)}"' if self.header else "(tanpa judul)"
        role = _role_label(self.role) if self.role else "diabaikan"
        return f"kolom {self.letter} {shown}: {role} ({self.reason})"


@dataclass(slots=True)
class ReadAccount:
    """What the reader did to the file's shape, for the user to check: the header rows
    used, the layout, the rows skipped as summaries or notes, and warnings."""

    layout: str = "wide"  # "wide", "long" (one row per answer) or "named" (--columns)
    header_rows: tuple[int, int] | None = None
    notices: list[str] = dataclasses.field(default_factory=list)
    skipped: list[SkippedRow] = dataclasses.field(default_factory=list)
    skipped_count: int = 0
    warnings: list[str] = dataclasses.field(default_factory=list)  # whole sentences
    columns: list[ColumnAccount] = dataclasses.field(default_factory=list)

    def lines(self) -> list[str]:
        """Every notice, skipped row and warning, as Indonesian sentences."""
        lines = list(self.notices)
        lines += [str(s) for s in self.skipped]
        if self.skipped_count > len(self.skipped):
            lines.append(f"... dan {self.skipped_count - len(self.skipped)} baris lain dilewati")
        lines += self.warnings
        return lines

    def explain(self) -> list[str]:
        """Every column and what it became, and why."""
        return [str(c) for c in self.columns]


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


def _role_label(role: str) -> str:
    if role in _FIELD_LABELS:
        return _FIELD_LABELS[role]
    if role in _LONG_LABELS:
        return f"{_LONG_LABELS[role]} (format panjang)"
    return f"unsur {role}"


def _header_kind(text: str, elements: Sequence[Element]) -> str | None:
    """What a header cell names, roughly ("element", "profile", "numbered", a long-format
    role) or None: enough to tell a header row from a title or a data row."""
    key = normalize(text)
    if not key:
        return None
    if key in _PROFILE_ALIASES:
        return "profile"
    if _match_header(text, elements) is not None:
        return "element"
    if _NUMBERED_HEADER.search(key):
        return "numbered"
    for role, names in _LONG_ROLES.items():
        if key in names or key in _LONG_WEAK[role]:
            return role
    return None


def _as_number(value: object) -> float | None:
    if value.__class__ in (int, float):
        return float(value)  # type: ignore[arg-type]
    if isinstance(value, str) and _DATA_TEXT.match(value.strip()):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None


def _is_data_cell(value: object, elements: Sequence[Element]) -> bool:
    """A value that reads as an answer, a number or a date rather than as a header."""
    if isinstance(value, int | float | dt.date | dt.datetime):
        return True
    text = _cell_text(value)
    if _DATA_TEXT.match(text):
        return True
    for element in elements:
        try:
            parse_answer(element, text)
        except AnswerError:
            continue
        return True
    return False


def _title_text(value: object) -> bool:
    """Text that can be part of a header: not a number, a date or a time."""
    return isinstance(value, str) and not _DATA_TEXT.match(value.strip())


def _numbering_row(cells: Sequence[object]) -> bool:
    """The row of column numbers some tables put under the header: 1, 2, 3 ... or (1),
    (2), (3) ... in consecutive columns."""
    values = [c for c in cells if not _is_blank(c)]
    if len(values) < 3:
        return False
    numbers = []
    for value in values:
        text = _cell_text(value).strip("() ")
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


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


_SUMMARY_REASON = "baris ringkasan, bukan responden"
_NOTE_REASON = "baris catatan, bukan responden"
_SHAPE_REASON = "baris ringkasan (angka di luar 1-4, tanpa nomor responden), bukan responden"
_LONG_EXPECTED = (
    'satu kolom id responden (misalnya "respondent_id"), satu kolom unsur atau pertanyaan '
    '("question", "unsur") dan satu kolom jawaban ("answer", "nilai")'
)


def _then_raise(rows: list[Sequence[Any]], error: Exception) -> Iterator[Sequence[Any]]:
    """The rows read ahead, then the read error met while reading them ahead."""
    yield from rows
    raise error


def _looks_like_data(cells: Sequence[object], elements: Sequence[Element]) -> bool:
    values = [v for v in cells if not _is_blank(v)]
    if len(values) < 2:
        return False
    return 2 * sum(_is_data_cell(v, elements) for v in values) >= len(values)


def _header_part(upper: Sequence[object], lower: Sequence[object]) -> bool:
    """Whether the row above a header row belongs to it: a group row ("NO." over "RESP",
    "NILAI UNSUR PELAYANAN" over U1 … U9), not a title written in the first column."""
    filled = [i for i, c in enumerate(upper) if not _is_blank(c)]
    if not filled or not all(_title_text(upper[i]) for i in filled):
        return False
    if len(filled) >= 2:
        return True
    below = next((i for i, c in enumerate(lower) if not _is_blank(c)), 0)
    return filled[0] > below


def _combine(block: Sequence[Sequence[object]], elements: Sequence[Element]) -> list[str]:
    """One header text per column from one or more header rows.

    Per column: the lowest non-empty text when it names something ("U1" under "NILAI
    UNSUR PELAYANAN"; a vertically merged "JENIS KELAMIN" whose text sits in the top row),
    else the texts joined top to bottom ("NO." over "RESP" -> "NO. RESP").
    """
    if len(block) == 1:
        return [_cell_text(c) for c in block[0]]
    width = max(len(r) for r in block)
    texts: list[str] = []
    for index in range(width):
        parts = [_cell_text(r[index]) for r in block if index < len(r)]
        parts = [p for p in parts if p]
        if not parts:
            texts.append("")
        elif len(parts) == 1 or _header_kind(parts[-1], elements):
            texts.append(parts[-1])
        else:
            texts.append(" ".join(parts))
    return texts


class ResponseFile:
    """An opened response file: header already read, rows read on demand.

    Use :func:`open_response_file`. Attributes: ``columns`` (element code or profile field
    -> :class:`Column`), ``account`` (:class:`ReadAccount`: header rows used, layout, rows
    skipped as summaries or notes, warnings, every column's role), ``header_problems``,
    ``problems`` (first 50 row problems),
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
        header_row: tuple[int, int] | None = None,
        layout: str | None = None,
        column_names: Sequence[str] | None = None,
        order: str | None = None,
        questions: dict[str, str] | None = None,
    ) -> None:
        self.path = Path(path)
        # Long format: what each question id of the file designates (--questions), for
        # ids that are neither an element's code, name or question nor its number.
        self.questions = {normalize(k): v for k, v in (questions or {}).items()}
        # How numbered columns map to elements (skm.transfer.columns): None = the rule of
        # docs/method.md, "kuesioner" or "daftar" = --order.
        self.order = order
        self._sample: list[Sequence[Any]] = []
        self.header_row = header_row
        self.forced_layout = layout
        self.column_names = list(column_names) if column_names is not None else None
        self.account = ReadAccount()
        # The cell looked at first to tell a summary or note row from a respondent, and
        # the cells where such a row carries its label (before the answers, or after).
        self._probe = 0
        self._label_cols: range = range(0)
        self._long: dict[str, Column] = {}
        self._labels: dict[str, Any] = {}
        self._profile_indexes: frozenset[int] = frozenset()
        self._by_number = False
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
        lead: list[tuple[int, Sequence[Any]]] = []
        error: Exception | None = None
        try:
            for cells in reader:
                line += 1
                if lead or not _row_is_blank(cells):
                    lead.append((line, cells))
                    if len(lead) >= HEAD_SCAN_ROWS:
                        break
        except (csv.Error, UnicodeError) as exc:
            if not lead:
                reason = _read_error_reason(exc, encoding)
                raise _Unreadable(f"baris {line + 1}: {reason}") from None
            error = exc  # raised again where the rows reach it
        if not lead:
            raise _Unreadable("file kosong: tidak ada baris judul kolom")
        self._start(lead, reader, 0, error)
        self.estimated_rows = max(0, _count_lines(self.path) - (self._first_line - 1))

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
        lead: list[tuple[int, Sequence[Any]]] = []
        error: Exception | None = None
        try:
            for index, cells in enumerate(rows):
                if offset is None and any(c != "" for c in cells):
                    offset = first_row - index
                if lead or not _row_is_blank(cells):
                    lead.append((index + (offset or 0) + 1, cells))
                    if len(lead) >= HEAD_SCAN_ROWS:
                        break
        except CalamineError as exc:
            if not lead:
                raise _Unreadable(f'lembar "{chosen}" tidak dapat dibaca ({exc})') from None
            error = exc
        if not lead:
            raise _Unreadable(f'lembar "{chosen}" kosong: tidak ada baris judul kolom')
        self._start(lead, rows, first_col, error)
        self.estimated_rows = max(0, first_row + data.height - (self._first_line - 1))

    # -- finding the header (title rows, multi-row headers, no header, long format)

    def _start(
        self,
        lead: list[tuple[int, Sequence[Any]]],
        rest: Iterator[Sequence[Any]],
        first_col: int,
        error: Exception | None,
    ) -> None:
        """Find the header among the first rows (``lead``), read it, and set the body to
        the rows below it followed by the rest of the file."""
        found = self._locate(lead)
        if self.header_problems:
            self.close()
            return
        begin = 0
        block: list[Sequence[Any]] = []
        line: int | None = None
        if found is not None:
            top, bottom = found
            begin = bottom + 1
            block = [cells for _, cells in lead[top : bottom + 1]]
            line = lead[bottom][0]
            self.account.header_rows = (lead[top][0], line)
            self._header_notices(lead, top, bottom)
            if begin < len(lead) and _numbering_row(lead[begin][1]):
                self._skip(lead[begin][0], "", "nomor kolom di bawah judul, bukan responden")
                begin += 1
        remaining = [cells for _, cells in lead[begin:]]
        self._sample = remaining  # the first data rows: columns decided by content
        self._first_line = lead[begin][0] if begin < len(lead) else lead[-1][0] + 1
        self._body = (
            itertools.chain(remaining, rest) if error is None else _then_raise(remaining, error)
        )
        if self.column_names is not None:
            self._header_from_names(self._first_line, first_col, lead[begin:])
        elif self.account.layout == "long":
            self._read_long_header(_combine(block, self.elements), line or 0, first_col)
        else:
            self._read_header(_combine(block, self.elements), line or 0, first_col)

    def _locate(self, lead: list[tuple[int, Sequence[Any]]]) -> tuple[int, int] | None:
        """(top, bottom) indexes in ``lead`` of the header rows; None without a header
        (--columns) or after a header problem."""
        if self.header_row is not None:
            return self._chosen_header(lead)
        if self.column_names is not None:
            self.account.layout = "named"
            return None
        elements = self.elements
        scores: list[int] = []
        best: int | None = None
        long_row: int | None = None
        known: dict[str, str | None] = {}
        for index, (_line, cells) in enumerate(lead):
            kinds = []
            for cell in cells:
                if not _title_text(cell):
                    continue  # numbers, dates and empty cells name nothing
                text = cell.strip()
                if text not in known:
                    known[text] = _header_kind(text, elements) if len(text) < 500 else None
                kinds.append(known[text])
            answers = kinds.count("element") + kinds.count("numbered")
            scores.append(2 * answers + kinds.count("profile") if answers else 0)
            if scores[-1] and (best is None or scores[-1] > scores[best]):
                best = index
            if long_row is None and {"respondent", "question", "answer"} <= set(kinds):
                long_row = index
        # A long file's rows name elements in their question cells ("U1"): the row of
        # respondent, question and answer headers above them decides.
        if self.forced_layout == "long" or (
            long_row is not None and (best is None or long_row < best)
        ):
            if long_row is None:
                self._header_problem(
                    f"format panjang: tidak ada baris judul kolom dengan kolom responden, "
                    f"unsur dan jawaban di {len(lead)} baris pertama",
                    expected=_LONG_EXPECTED,
                )
                return None
            self.account.layout = "long"
            return long_row, long_row
        if best is None:
            line, cells = lead[0]
            if _looks_like_data(cells, elements):
                values = [v for v in cells if not _is_blank(v)]
                sample = ", ".join(_shown(v) for v in values[:6])
                self._header_problem(
                    f"baris {line} tampak berisi data, bukan judul kolom ({sample}"
                    f"{', …' if len(values) > 6 else ''}); tidak ada judul kolom unsur di "
                    f"{len(lead)} baris pertama",
                    row=line,
                    expected=(
                        "baris judul kolom di atas data (misalnya U1 sampai U9), atau arti "
                        f"setiap kolom ({len(cells)} kolom) secara berurutan dengan --columns, "
                        'misalnya --columns "tanggal,jk,usia,U1,U2,U3,U4,U5,U6,U7,U8,U9,saran"'
                        " (tanda - untuk kolom yang diabaikan)"
                    ),
                )
                return None
            return 0, 0  # the first row: its missing columns are named one by one
        bottom = best
        # A second header row just under the best one (names under codes, or the reverse).
        while (
            bottom + 1 < len(lead)
            and bottom - best < _MAX_HEADER_ROWS - 1
            and scores[bottom + 1] * 2 >= scores[best]
            and all(_title_text(c) for c in lead[bottom + 1][1] if not _is_blank(c))
        ):
            bottom += 1
        top = best
        while (
            top > 0
            and bottom - top < _MAX_HEADER_ROWS - 1
            and _header_part(lead[top - 1][1], lead[top][1])
        ):
            top -= 1
        return top, bottom

    def _chosen_header(self, lead: list[tuple[int, Sequence[Any]]]) -> tuple[int, int] | None:
        first, last = self.header_row  # type: ignore[misc]
        index = {line: i for i, (line, _cells) in enumerate(lead)}
        shown = f"{first}" if first == last else f"{first}-{last}"
        if first not in index or last not in index or last < first:
            self._header_problem(
                f"--header-row {shown}: judul kolom dicari hanya di baris "
                f"{lead[0][0]}-{lead[-1][0]} (baris pertama yang berisi sampai "
                f"{HEAD_SCAN_ROWS} baris sesudahnya)",
                expected=(
                    "nomor baris judul kolom seperti yang tampil di Excel, misalnya 3 atau 3-4"
                ),
            )
            return None
        if all(_row_is_blank(cells) for _line, cells in lead[index[first] : index[last] + 1]):
            self._header_problem(f"--header-row {shown}: baris itu kosong", row=first)
            return None
        if self.forced_layout == "long":
            self.account.layout = "long"
        self.account.notices.append(f"Judul kolom dari --header-row: baris {shown}")
        return index[first], index[last]

    def _header_notices(self, lead: list[tuple[int, Sequence[Any]]], top: int, bottom: int) -> None:
        first, start, end = lead[0][0], lead[top][0], lead[bottom][0]
        if self.header_row is not None:
            return
        if start > first:
            rows = f"{first}" if start - 1 == first else f"{first}-{start - 1}"
            self.account.notices.append(
                f"Baris {rows} di atas tabel dilewati (judul atau keterangan, bukan judul kolom)"
            )
        if end > start:
            self.account.notices.append(
                f"Baris {start}-{end} dipakai sebagai judul kolom (judul bertingkat)"
            )
        elif start > first:
            self.account.notices.append(f"Baris {start} dipakai sebagai judul kolom")

    def _header_from_names(
        self, line: int, first_col: int, data: list[tuple[int, Sequence[Any]]]
    ) -> None:
        """No header row: --columns names each column's meaning in order."""
        names = self.column_names or []
        cells: list[str] = []
        for number, token in enumerate(names, 1):
            key = normalize(token)
            if key in _IGNORE_WORDS:
                cells.append("")
                continue
            field = _COLUMN_WORDS.get(key) or _PROFILE_ALIASES.get(key)
            if field is None and key.replace(" ", "_") in PROFILE_FIELDS:
                field = key.replace(" ", "_")
            if field is not None:
                cells.append(_PROFILE_HEADERS[field][0 if field != "submitted_at" else 3])
                continue
            element = match_element(token, self.elements)
            if element is not None:
                cells.append(element.code)
                continue
            self._header_problem(
                f'--columns: "{_clip(token, 40)}" (kolom ke-{number}) tidak dikenal',
                expected=(
                    "kode unsur (U1-U9) atau nama unsur, tanggal, jk, usia, pendidikan, "
                    "pekerjaan, layanan, saran, atau - untuk kolom yang diabaikan"
                ),
            )
        if self.header_problems:
            self.close()
            return
        self.account.notices.append(
            f"Tanpa baris judul kolom: arti {len(names)} kolom diambil dari --columns; "
            f"data mulai baris {line}"
        )
        if data and any(not _is_blank(c) for c in data[0][1]):
            width = max(i + 1 for i, c in enumerate(data[0][1]) if not _is_blank(c))
            if width > len(names):
                self.account.warnings.append(
                    f"Peringatan: --columns menyebut {len(names)} kolom, baris {data[0][0]} berisi "
                    f"{width} kolom; kolom {_column_letter(first_col + len(names))} dan "
                    "seterusnya diabaikan"
                )
        self._read_header(cells, None, first_col)

    # -- header

    def _read_header(self, cells: Sequence[object], line: int | None, first_col: int) -> None:
        self.header_line = line
        elements: dict[str, list[Column]] = {}
        profile: dict[str, list[Column]] = {}
        # What each column is, and why (skm.transfer.columns, docs/method.md "Reading
        # other offices' files"): code, name, question, keywords, number + order, content.
        layout = classify(
            [_cell_text(cell) for cell in cells],
            self.elements,
            order=self.order,
            profile=lambda text: _PROFILE_ALIASES.get(normalize(text)),
            sample=self._sample,
            first_column=first_col,
        )
        self.roles = {role.index: role for role in layout.roles}
        self.account.warnings.extend(layout.warnings)
        reasons: dict[int, str] = {}
        for role in layout.roles:
            column = Column(role.index, _column_letter(first_col + role.index), role.header)
            if role.kind == "profile":
                profile.setdefault(str(role.target), []).append(column)
            elif role.kind == "element":
                elements.setdefault(str(role.target), []).append(column)
                reasons[column.index] = role.reason
            elif role.kind == "ambiguous":
                self._header_problem(
                    "judul kolom ini cocok untuk lebih dari satu unsur: "
                    + ", ".join(
                        f"{e.code} ({e.name})" for e in self.elements if e.code in role.candidates
                    ),
                    row=line,
                    column=column.letter,
                    header=role.header,
                    expected="satu unsur per kolom; ganti judul dengan kode unsur (mis. U3) "
                    "atau nama unsur",
                )

        for element in self.elements:
            found = elements.get(element.code, [])
            by_code = [c for c in found if reasons.get(c.index) == "kode"]
            if (
                len(found) > 1
                and len(by_code) == 1
                and all(len(normalize(c.header).split()) == 1 for c in found if c not in by_code)
            ):
                # "u3" names the element by its code; "waktu" only by one word of its
                # name (a time slot, a date): the code wins and the other column is
                # ignored. Two real names ("U3" and "Waktu Pelayanan") stay ambiguous.
                others = [c for c in found if c is not by_code[0]]
                self.account.warnings.append(
                    f"kolom {_list_columns(others)} juga cocok dengan unsur {element.code} menurut "
                    f'judulnya, tetapi kolom {by_code[0].letter} ("{_clip(by_code[0].header, 30)}")'
                    f" memakai kode unsurnya, jadi kolom {_list_columns(others)} diabaikan"
                )
                found = by_code
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
        self._account_columns(cells, first_col)
        if self.header_problems:
            self.close()

    def _account_columns(self, cells: Sequence[object], first_col: int) -> None:
        """Every header column's role and reason (``account.columns``), and where a
        summary or note row carries its label (before the answers, or after them)."""
        used = {c.index: name for name, c in self.columns.items()}
        used.update({c.index: role for role, c in self._long.items()})
        for index, cell in enumerate(cells):
            text = _cell_text(cell)
            role = used.get(index, "")
            if not text and not role:
                continue
            self.account.columns.append(
                ColumnAccount(_column_letter(first_col + index), text, role, self._why(text, role))
            )
        self._profile_indexes = frozenset(
            c.index for name, c in self.columns.items() if name in _FIELD_LABELS
        )
        positions = [self.columns[e.code].index for e in self.elements if e.code in self.columns]
        if positions:
            low, high = min(positions), max(positions)
            if low > 0:
                self._probe, self._label_cols = 0, range(0, low)
            else:
                self._probe, self._label_cols = high + 1, range(high + 1, len(cells))

    def _why(self, text: str, role: str) -> str:
        if not role:
            return "judul tidak dikenali" if text else "tanpa judul"
        if role in _FIELD_LABELS:
            return "dari --columns" if self.column_names is not None else "judul kolom profil"
        if role in _LONG_LABELS:
            return "judul kolom format panjang"
        if self.column_names is not None:
            return "dari --columns"
        element = next(e for e in self.elements if e.code == role)
        key = normalize(text)
        if key == normalize(element.code):
            return f"kode unsur; {element.name}"
        if key in element.names():
            return f"nama unsur; {element.name}"
        return f"nama atau pertanyaan unsur; {element.name}"

    # -- long format: one row per answer

    def _read_long_header(self, cells: Sequence[object], line: int, first_col: int) -> None:
        self.header_line = line
        found: dict[str, list[Column]] = {}
        weak: dict[str, list[Column]] = {}
        for index, cell in enumerate(cells):
            text = _cell_text(cell)
            if not text:
                continue
            column = Column(index, _column_letter(first_col + index), text)
            key = normalize(text)
            field = _PROFILE_ALIASES.get(key)
            if field is not None:
                self.columns.setdefault(field, column)
                continue
            for role, names in _LONG_ROLES.items():
                if key in names:
                    found.setdefault(role, []).append(column)
                    break
                if key in _LONG_WEAK[role]:
                    weak.setdefault(role, []).append(column)
                    break
        for role, label in _LONG_LABELS.items():
            columns = found.get(role) or weak.get(role, [])
            if len(columns) == 1:
                self._long[role] = columns[0]
                continue
            self._header_problem(
                f"format panjang (satu baris per jawaban): kolom {label} "
                + ("tidak ditemukan" if not columns else "ada lebih dari satu: ")
                + _list_columns(columns),
                row=line,
                expected=_LONG_EXPECTED,
            )
        self._account_columns(cells, first_col)
        if self.header_problems:
            self.close()
            return
        who, what, answer = (self._long[r] for r in ("respondent", "question", "answer"))
        self.account.notices.append(
            f"Format panjang (satu baris per jawaban): kolom {who.letter} "
            f'("{_clip(who.header, 30)}") = responden, {what.letter} ("{_clip(what.header, 30)}")'
            f' = unsur, {answer.letter} ("{_clip(answer.header, 30)}") = jawaban; baris '
            "digabung per responden"
        )

    def _question_target(self, raw: object) -> int | str | None:
        """What the question cell of a long-format row designates: an element's position,
        a profile field, or None (not an element: the answer is ignored)."""
        text = _cell_text(raw)
        if not text:
            return None
        if self.questions:
            code = self.questions.get(normalize(text))
            if code is None:
                return None
            return next((i for i, e in enumerate(self.elements) if e.code == code), None)
        element = _match_header(text, self.elements)
        if element is not None:
            return self.elements.index(element)
        if text.isdigit() and 1 <= int(text) <= len(self.elements):
            # Question numbers follow the same order as numbered columns (docs/method.md,
            # "Reading other offices' files"): the questionnaire's unless --order says.
            order = self.order or DEFAULT_ORDER
            ordered = numbered_order(self.elements, order)
            if not self._by_number:
                self._by_number = True
                pairs = ", ".join(
                    f"{i} = {e.code}"
                    for i, e in enumerate(ordered, 1)
                    if e is not self.elements[i - 1]
                )
                other = "daftar" if order == "kuesioner" else "kuesioner"
                self.account.warnings.append(
                    f"PERHATIAN: nomor pertanyaan 1-{len(self.elements)} dibaca menurut urutan "
                    f"{order}"
                    + (f" ({pairs})" if pairs else "")
                    + "; periksa bahwa nomor itu mengikuti urutan yang sama, terutama unsur "
                    f"8 dan 9, atau jalankan lagi dengan --order {other}"
                )
            return self.elements.index(ordered[int(text) - 1])
        return _PROFILE_ALIASES.get(normalize(text))

    def _long_rows(self) -> Iterator[FileRow]:
        """Pivot one row per answer into one FileRow per respondent, streaming.

        A respondent stays open until MAX_OPEN_RESPONDENTS others have started after it
        (a file sorted by respondent needs only one open at a time); its row is then
        emitted, and a later answer of it is refused with its row. The same element
        answered twice for one respondent (same or different answer) refuses the
        respondent, naming both rows.
        """
        elements = self.elements
        n_elements = len(elements)
        who, what, answer = (self._long[r] for r in ("respondent", "question", "answer"))
        caches = [_new_answer_cache() for _ in elements]
        targets: dict[object, int | str | None] = {}
        readers = self._profile_readers() if self.with_profile else []
        open_: dict[str, list[Any]] = {}
        closed: set[str] = set()
        ignored: dict[str, list[int]] = {}
        answer_rows = 0

        def finish(entry: list[Any]) -> FileRow | None:
            first, answers, _lines, values, bad = entry
            self.rows_read += 1
            if bad:
                return None
            if all(a is None for a in answers):
                self._no_answers(first)
                return None
            profile = _make_profile(values) if readers else None
            return FileRow(first, tuple(answers), profile)

        for line, cells in self._numbered():
            width = len(cells)
            if _row_is_blank(cells):
                continue
            rid = _cell_text(cells[who.index]) if who.index < width else ""
            raw_q = cells[what.index] if what.index < width else None
            raw_a = cells[answer.index] if answer.index < width else None
            if not rid:
                note = self._note_label(cells)
                if note is not None:
                    self._skip(line, note, _NOTE_REASON)
                else:
                    self._row_problem(
                        line,
                        "id responden kosong",
                        column=who.letter,
                        header=who.header,
                        expected="id responden di setiap baris jawaban",
                    )
                continue
            answer_rows += 1
            entry = open_.get(rid)
            if entry is None:
                if rid in closed:
                    self._row_problem(
                        line,
                        f'jawaban responden "{_clip(rid, 40)}" muncul lagi setelah lebih dari '
                        f"{_thousands(MAX_OPEN_RESPONDENTS)} responden lain",
                        column=who.letter,
                        header=who.header,
                        expected="urutkan file menurut kolom responden",
                    )
                    continue
                entry = [line, [None] * n_elements, [0] * n_elements, {}, False]
                for field, index, read in readers:
                    raw = cells[index] if index < width else None
                    try:
                        entry[3][field] = read(raw)
                    except _FieldError as exc:
                        self._cell_problem(line, field, raw, exc.expected, exc.message)
                        entry[4] = True
                open_[rid] = entry
                if len(open_) > MAX_OPEN_RESPONDENTS:
                    oldest = next(iter(open_))
                    closed.add(oldest)
                    row = finish(open_.pop(oldest))
                    if row is not None:
                        yield row
            try:
                target = targets[raw_q]
            except KeyError:
                target = self._question_target(raw_q)
                if len(targets) < _MAX_CACHED:
                    targets[raw_q] = target
            except TypeError:
                target = self._question_target(raw_q)
            if target is None:
                key = _cell_text(raw_q)
                if key in ignored:
                    ignored[key][0] += 1
                elif len(ignored) < _MAX_IGNORED_QUESTIONS:
                    ignored[key] = [1, line]
                continue
            if isinstance(target, str):  # a profile question ("Jenis Kelamin": "L")
                if readers and entry[3].get(target) is None:
                    try:
                        entry[3][target] = _PROFILE_READERS[target](raw_a)
                    except _FieldError as exc:
                        self._row_problem(
                            line,
                            f"nilai {_shown(raw_a)} tidak dapat dibaca",
                            column=answer.letter,
                            header=answer.header,
                            field=target,
                            value=raw_a,
                            expected=exc.expected,
                        )
                        entry[4] = True
                continue
            element = elements[target]
            score = _cached_score(caches[target], element, raw_a)
            if score is _BAD:
                self._row_problem(
                    line,
                    f"nilai {_shown(raw_a)} tidak dapat dibaca",
                    column=answer.letter,
                    header=answer.header,
                    field=element.code,
                    value=raw_a,
                    expected=AnswerError(element, raw_a).expected(),
                )
                entry[4] = True
                continue
            if score is None:
                continue
            before = entry[1][target]
            if before is not None:
                how = "dua kali" if before == score else f"dua kali berbeda ({before} dan {score})"
                self._row_problem(
                    line,
                    f'responden "{_clip(rid, 40)}" menjawab unsur {element.code} {how}, di '
                    f"baris {entry[2][target]} dan {line}",
                    column=what.letter,
                    header=what.header,
                    expected="satu jawaban per unsur untuk setiap responden",
                )
                entry[4] = True
                continue
            entry[1][target] = score
            entry[2][target] = line
        for entry in open_.values():
            row = finish(entry)
            if row is not None:
                yield row
        self.account.notices.append(
            f"{_thousands(answer_rows)} baris jawaban digabung menjadi "
            f"{_thousands(self.rows_read)} responden"
        )
        for text, (count, first) in ignored.items():
            self.account.warnings.append(
                f'Peringatan: pertanyaan "{_clip(text, 60)}" bukan unsur kuesioner: '
                f"{count} jawaban (pertama di baris {first}) diabaikan"
            )

    # -- summary and note rows

    def _skip(self, line: int, label: str, reason: str) -> None:
        self.account.skipped_count += 1
        if len(self.account.skipped) < MAX_KEPT_PROBLEMS:
            self.account.skipped.append(SkippedRow(line, label, reason))

    def _label_reason(self, cells: Sequence[Any]) -> tuple[str, str] | None:
        """(label, reason) when the row's label says it is a summary or a note: the first
        non-empty cell before the answers is "Jumlah", "NRR / Unsur", "IKM", "Keterangan"…"""
        width = len(cells)
        for index in self._label_cols:
            if index >= width:
                return None
            value = cells[index]
            if _is_blank(value):
                continue
            if not isinstance(value, str):
                return None
            reason = self._labels.get(value, _BAD)
            if reason is _BAD:
                key = normalize(value)
                reason = (
                    _SUMMARY_REASON
                    if _SUMMARY_LABEL.match(key)
                    else _NOTE_REASON
                    if _NOTE_LABEL.match(key)
                    else None
                )
                if len(self._labels) < _MAX_CACHED:
                    self._labels[value] = reason
            return (value.strip(), reason) if reason else None  # type: ignore[return-value]
        return None

    @staticmethod
    def _summary_shape(raws: Sequence[object]) -> bool:
        """Answer cells that are mostly numbers outside 1-4 (sums, averages, weights): a
        summary row, when nothing before them numbers a respondent."""
        values = [r for r in raws if not _is_blank(r)]
        odd = 0
        for raw in values:
            number = _as_number(raw)
            if number is not None and number not in (1.0, 2.0, 3.0, 4.0):
                odd += 1
        return odd >= 2 and 2 * odd >= len(values)

    def _note_label(self, cells: Sequence[Any]) -> str | None:
        """The text of a row holding nothing but one text of a few words outside the
        profile columns (a note, a signature line); None for anything else."""
        filled = [i for i, c in enumerate(cells) if not _is_blank(c)]
        if len(filled) != 1 or not _title_text(cells[filled[0]]):
            return None
        text = str(cells[filled[0]]).strip()
        if filled[0] in self._profile_indexes or (len(text.split()) < 2 and len(text) < 12):
            return None
        return text

    def _unlabelled(self, cells: Sequence[Any]) -> bool:
        """Whether the cell that numbers a respondent (the probe) is empty or text not
        starting with a digit: only such rows can be summaries or notes."""
        value = cells[self._probe] if self._probe < len(cells) else None
        return value is None or (value.__class__ is str and not value[:1].isdigit())

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
        if self.account.layout == "long":
            yield from self._long_rows()
            return
        elements = self.elements
        answer_columns = [(e, self.columns[e.code].index, _new_answer_cache()) for e in elements]
        readers = self._profile_readers() if self.with_profile else []
        n_elements = len(elements)
        for line, cells in self._numbered():
            width = len(cells)
            unlabelled = self._unlabelled(cells)
            if unlabelled:
                labelled = self._label_reason(cells)
                if labelled:
                    self._skip(line, *labelled)
                    continue
            bad: list[tuple[Element, object]] = []
            answers: list[int | None] = []
            for element, index, cache in answer_columns:
                raw = cells[index] if index < width else None
                score = _cached_score(cache, element, raw)
                if score is _BAD:
                    bad.append((element, raw))
                    score = None
                answers.append(score)  # type: ignore[arg-type]
            if bad:
                raws = [cells[i] if i < width else None for _e, i, _c in answer_columns]
                if unlabelled and self._summary_shape(raws):
                    self._skip(line, "", _SHAPE_REASON)
                    continue
                note = self._note_label(cells) if unlabelled else None
                if note is not None:
                    self._skip(line, note, _NOTE_REASON)
                    continue
                for element, raw in bad:
                    self._cell_problem(
                        line, element.code, raw, AnswerError(element, raw).expected()
                    )
            elif answers.count(None) == n_elements:
                # Checked only now, as most rows have answers: a blank row is skipped.
                if not _row_is_blank(cells):
                    note = self._note_label(cells)
                    if note is not None:
                        self._skip(line, note, _NOTE_REASON)
                        continue
                    self.rows_read += 1
                    self._no_answers(line)
                continue
            self.rows_read += 1
            profile = None
            failed = bool(bad)
            if readers:
                values: dict[str, Any] = {}
                for field, index, read in readers:
                    raw = cells[index] if index < width else None
                    try:
                        values[field] = read(raw)
                    except _FieldError as exc:
                        self._cell_problem(line, field, raw, exc.expected, exc.message)
                        failed = True
                if not failed:
                    profile = _make_profile(values)
            if not failed:
                yield FileRow(line, tuple(answers), profile)
        self._check_labels([(e, c) for e, _i, c in answer_columns])

    def _check_labels(self, columns: Sequence[tuple[Element, dict[object, Any]]]) -> None:
        """A label whose score depends on the scale, in a column whose other labels show
        another scale (or none), refuses the file (skm.method.elements.label_conflicts).
        The caches hold each column's distinct values (labels are few)."""
        for element, cache in columns:
            for conflict in label_conflicts(element, cache):
                column = self.columns[element.code]
                self._row_problem(
                    None,  # type: ignore[arg-type]
                    str(conflict),
                    column=column.letter,
                    header=column.header,
                    field=element.code,
                    expected="angka 1-4 di kolom ini, atau label dari satu skala saja",
                )

    def _no_answers(self, line: int) -> None:
        """A row with other cells filled but not one answer (every answer cell empty,
        "-" or "NULL": an app's account that never answered, a half-typed row) counts for
        nothing in any element; it is skipped with a notice naming it, not counted as a
        respondent, and does not stop the file."""
        codes = f"{self.elements[0].code}-{self.elements[-1].code}"
        self._skip(line, "", f"tidak ada satu pun jawaban unsur ({codes}); tidak dihitung")

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
    header_row: tuple[int, int] | None = None,
    layout: str | None = None,
    column_names: Sequence[str] | None = None,
    order: str | None = None,
    questions: dict[str, str] | None = None,
) -> ResponseFile:
    """Open a CSV or XLSX response file and read its header.

    The header is looked for in the first rows (``header_row`` (first, last) forces it);
    ``layout="long"`` reads one row per answer; ``column_names`` names each column's
    meaning in order for a file without a header row. What the reader did is in
    ``account``.

    Never raises for anything wrong with the file: check ``header_problems`` first, then
    iterate ``rows()`` and check ``problems`` / ``problem_count``. Use it as a context
    manager so the file is closed.
    """
    return ResponseFile(
        path,
        sheet=sheet,
        elements=elements,
        with_profile=with_profile,
        header_row=header_row,
        layout=layout,
        column_names=column_names,
        order=order,
        questions=questions,
    )


def parse_header_row(text: str) -> tuple[int, int]:
    """``--header-row`` "3" or "3-4" -> (3, 3) or (3, 4); ValueError with the message."""
    match = re.fullmatch(r"\s*(\d{1,7})\s*(?:-\s*(\d{1,7})\s*)?", str(text))
    if match:
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if 1 <= first <= last and last - first < _MAX_HEADER_ROWS:
            return first, last
    raise ValueError(
        f'--header-row "{text}" tidak dapat dibaca; tulis nomor baris judul kolom seperti di '
        f"Excel, misalnya 3, atau baris pertama-terakhir judul bertingkat (paling banyak "
        f"{_MAX_HEADER_ROWS} baris), misalnya 3-4"
    )


def parse_column_names(text: str) -> list[str]:
    """``--columns "tanggal,jk,usia,U1,...,U9,saran"`` -> one meaning per column."""
    names = [part.strip() for part in str(text).split(",")]
    if len(names) < 2 or len(names) > MAX_SHEET_COLUMNS:
        raise ValueError(
            "--columns berisi arti setiap kolom secara berurutan, dipisah koma, misalnya "
            '"tanggal,jk,usia,U1,U2,U3,U4,U5,U6,U7,U8,U9,saran" (tanda - untuk kolom yang '
            "diabaikan)"
        )
    return names


def parse_questions(text: str) -> dict[str, str]:
    """``--questions "10=U1,11=U2,..."`` -> question id of a long file -> element code.

    For long files whose question ids are not the elements' numbers (ids per unit, UUIDs
    from the app's own question table). Only the listed ids are read; the answers to any
    other id are ignored with a warning."""
    mapping: dict[str, str] = {}
    for part in str(text).replace(";", ",").split(","):
        if not part.strip():
            continue
        key, sep, code = part.rpartition("=")
        code = code.strip().upper()
        if not sep or not key.strip() or not re.fullmatch(r"U\d{1,2}", code):
            raise ValueError(
                f'--questions: "{part.strip()}" tidak dimengerti; tulis id pertanyaan dan kode '
                'unsurnya, dipisah koma, misalnya "10=U1,11=U2,12=U3"'
            )
        mapping[key.strip()] = code
    if not mapping:
        raise ValueError('--questions kosong; misalnya "10=U1,11=U2,12=U3"')
    return mapping


# --------------------------------------------------------------------------------------
# The fast path for `skm ikm`


def tally_file(
    path: str | Path,
    *,
    sheet: str | None = None,
    elements: Sequence[Element] = DEFAULT_ELEMENTS,
    **shape: Any,
) -> tuple[Tally, list[Problem], int]:
    """Count the answer patterns of a file: (tally, first 50 problems, problem count).

    Streams the file (one row in memory at a time) and only touches the element columns;
    profile columns are not parsed. Header problems come back as the problem list with
    an empty tally. Rows with problems are not counted.
    """
    with ResponseFile(path, sheet=sheet, elements=elements, **shape) as source:
        tally = tally_source(source)
        if source.header_problems:
            return tally, list(source.header_problems), len(source.header_problems)
        return tally, list(source.problems), source.problem_count


def tally_source(source: ResponseFile) -> Tally:
    """Count the answer patterns of an opened file (empty when its header was refused);
    its ``problems`` and ``account`` are complete afterwards."""
    tally = Tally(len(source.elements))
    if source.header_problems:
        return tally
    if source.account.layout == "long":
        for row in source.rows():
            tally.add(row.answers)
    else:
        _count_patterns(source, tally)
    return tally


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

    probe = source._probe
    skipped_rows = 0

    def skipped(line: int, cells: Sequence[Any]) -> bool:
        """A labelled summary or note row (only rows whose probe cell is not a number)."""
        nonlocal skipped_rows
        labelled = source._label_reason(cells)
        if labelled:
            source._skip(line, *labelled)
            skipped_rows += 1
        return labelled is not None

    def slow(line: int, cells: Sequence[Any]) -> tuple[int | None, ...] | None:
        """A row the fast path could not take: short, blank, new or bad values."""
        nonlocal blank_rows, skipped_rows
        if _row_is_blank(cells):
            blank_rows += 1
            return None
        unlabelled = source._unlabelled(cells)
        if unlabelled and skipped(line, cells):
            return None
        width = len(cells)
        key: list[int | None] = []
        bad: list[tuple[Element, object]] = []
        for element, index, cache in zip(elements, indexes, caches, strict=True):
            raw = cells[index] if index < width else None
            score = _cached_score(cache, element, raw)
            if score is _BAD:
                bad.append((element, raw))
            else:
                key.append(score)
        if bad:
            raws = [cells[i] if i < width else None for i in indexes]
            if unlabelled and source._summary_shape(raws):
                source._skip(line, "", _SHAPE_REASON)
                skipped_rows += 1
                return None
            note = source._note_label(cells) if unlabelled else None
            if note is not None:
                source._skip(line, note, _NOTE_REASON)
                skipped_rows += 1
                return None
            for element, raw in bad:
                source._cell_problem(line, element.code, raw, AnswerError(element, raw).expected())
            return None
        if all(s is None for s in key):
            note = source._note_label(cells)
            if note is not None:
                source._skip(line, note, _NOTE_REASON)
                skipped_rows += 1
            else:
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
                # A summary row of valid scores ("IKM" over a row of 4s) takes this path:
                # rows whose first cell is not a number are checked by their label.
                try:
                    first = cells[probe]
                except IndexError:
                    first = None
                if (
                    first is None or (first.__class__ is str and not first[:1].isdigit())
                ) and skipped(line, cells):
                    continue
            patterns[key] = count_of(key, 0) + 1
    except source._read_errors as exc:
        source._broken(line + 1, exc)
    source.rows_read = line - (source._first_line - 1) - blank_rows - skipped_rows
    source._check_labels(list(zip(elements, caches, strict=True)))
