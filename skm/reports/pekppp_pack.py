"""The PEKPPP evidence pack of a unit for an evaluation year N (issue #14, point 12).

KemenPANRB's evaluation of public service (PEKPPP, Permen PANRB 29/2022) scores four SKM
indicators (6-9) from evidence the unit uploads indicator by indicator. The pack holds that
evidence, made from the data, as a ZIP and as one merged, bookmarked PDF:

- ``00_lembar_depan.pdf``: the front sheet (kop surat; what the unit must state: periods per
  year, the last IKM and its period, the media used, the % realised with the official
  formula sentence, the months between the Laporan Hasil and the Laporan Tindak Lanjut; the
  self-assessed levels of indicators 6-9 with their basis; the list of the pack's files with
  their pages in the merged PDF; place, date and signature);
- ``06_skm_sesuai_permenpanrb/``: the Laporan Hasil SKM of every period of N-1 and N, the
  photos of the collection media (public survey photos) per period, the poster of the latest
  closed period;
- ``07_media_publikasi/``: one PDF per publication medium (its kind, date, link and
  description as a caption, the stored capture on the page or after it);
- ``08_persentase_rtl/``: for every period with a plan, its Laporan Hasil (holding the RTL)
  and its Laporan Tindak Lanjut;
- ``09_kecepatan_tindak_lanjut/``: the issue dates (an extract of the front sheet) and both
  reports of the plans indicator 9 is scored on.

A document serving several indicators is **in each folder** of the ZIP (the unit uploads the
evidence folder by folder into the PEKPPP application, each indicator its own files) but
**once** in the merged PDF, where each indicator's bookmarks point to its pages.

Warnings (a missing capture, a missing issue date) are never printed in the pack: they go to
the command's stderr and the job page (``pack_warnings``), like skm.reports.checks.

Every document is a PDF: the Laporan Hasil and the Laporan Tindak Lanjut print only the
evidence marked public (the pack is handed to evaluators outside the agency). The Laporan
Hasil is dated with its issue date (Plan.reported_on) and the Laporan Tindak Lanjut with its
own (Plan.followup_reported_on) where they are recorded, else with the pack's date of
signing (and a warning says so).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from skm.org.models import Unit
from skm.reports import formatting as fmt
from skm.reports.documents import CONTENT_TYPES, Document, ReportUnavailable, build

FRONT = "00"
INDICATORS = ("06", "07", "08", "09")
FOLDERS = {
    "06": "06_skm_sesuai_permenpanrb",
    "07": "07_media_publikasi",
    "08": "08_persentase_rtl",
    "09": "09_kecepatan_tindak_lanjut",
}
INDICATOR_TITLES = {
    "06": "Indikator 6: SKM dilaksanakan sesuai PermenPANRB",
    "07": "Indikator 7: Jumlah media publikasi hasil SKM",
    "08": "Indikator 8: Persentase RTL yang ditindaklanjuti",
    "09": "Indikator 9: Kecepatan tindak lanjut hasil SKM",
}


def ascii_name(text: str) -> str:
    """A file name part every ZIP tool and file system accepts: ASCII letters, digits and
    underscores ("Semester I 2025" -> "semester_i_2025")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")[:80] or "berkas"


@dataclass(frozen=True)
class Entry:
    """One file of the ZIP: its folder (an indicator, or "00"), name and the document."""

    indicator: str
    name: str
    key: str

    @property
    def path(self) -> str:
        return self.name if self.indicator == FRONT else f"{FOLDERS[self.indicator]}/{self.name}"


@dataclass
class Pack:
    unit: Unit
    year: int
    levels: object
    entries: list[Entry]
    titles: dict[str, str]
    contents: dict[str, bytes]
    pages: dict[str, int] = field(default_factory=dict)  # first page in the merged PDF (1-based)
    merged: bytes = b""
    zip: bytes = b""

    @property
    def stem(self) -> str:
        return f"paket-bukti-pekppp-{self.unit.slug}-{self.year}"

    def document(self, fmt_: str) -> Document:
        content = self.zip if fmt_ == "zip" else self.merged
        return Document(content, f"{self.stem}.{fmt_}", CONTENT_TYPES[fmt_])


def _label(period) -> str:
    return fmt.period_label(period.kind, period.start_date, period.end_date, period.name)


def _pdf(html: str) -> bytes:
    from skm.reports.pdf_render import _pdf as render

    return render(html)


def _reader(content: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(content))


def _page_count(content: bytes) -> int:
    return len(_reader(content).pages)


def _render(template: str, context: dict) -> str:
    with translation.override("id"):
        return render_to_string(template, context)


def _photo_page(unit: Unit, period, photos) -> bytes:
    from skm.plans.evidence import evidence_path
    from skm.reports.data import data_uri

    items = []
    for photo in photos:
        try:
            uri = data_uri(str(evidence_path(photo.stored_name)))
        except ValueError:
            uri = None
        if uri:
            items.append({"uri": uri, "caption": photo.caption or photo.original_name})
    return _pdf(
        _render(
            "reports/pekppp_page.html",
            {
                "title": "Dokumentasi Pelaksanaan Survei (Media Pengumpulan Data)",
                "subtitle": f"{unit.name} · {_label(period)}",
                "photos": items,
            },
        )
    )


def _medium_page(unit: Unit, medium) -> bytes:
    """The dated capture of a publication medium: a caption page (kind, date, link,
    description) with the capture when it is an image; a PDF capture follows its caption."""
    from skm.plans.evidence import evidence_path
    from skm.reports.data import data_uri

    capture_pdf = None
    image = None
    if medium.stored_name:
        try:
            path = evidence_path(medium.stored_name)
        except ValueError:
            path = None
        if path is not None and path.exists():
            if medium.content_type == "application/pdf":
                capture_pdf = path.read_bytes()
            else:
                image = data_uri(str(path))
    with translation.override("id"):
        kind = medium.get_kind_display()
    rows = [
        ("Jenis media", kind),
        ("Sifat", "Elektronik" if medium.electronic else "Non-elektronik"),
        ("Tanggal publikasi", fmt.date_long(medium.published_on)),
        ("Tautan", medium.url or "-"),
        ("Periode yang dipublikasikan", _label(medium.period) if medium.period else "-"),
        ("Keterangan", medium.description or "-"),
    ]
    caption = _pdf(
        _render(
            "reports/pekppp_page.html",
            {
                "title": f"Media Publikasi Hasil SKM: {kind}",
                "subtitle": unit.name,
                "rows": rows,
                "capture": image,
                "capture_note": "Tangkapan/dokumen publikasi pada halaman berikut."
                if capture_pdf
                else "",
            },
        )
    )
    if capture_pdf is None:
        return caption
    return _concatenate([caption, capture_pdf])


def _concatenate(parts: list[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part), import_outline=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _latest_closed(periods):
    closed = [p for p in periods if p.status == "closed"]
    return max(closed, key=lambda p: (p.end_date, p.pk)) if closed else None


def _statements(pack: Pack) -> list[tuple[str, str]]:
    """What the unit must state, each with its value as the data gives it."""
    levels = pack.levels
    with translation.override("id"):
        media = [
            f"{m.get_kind_display()} ({'elektronik' if m.electronic else 'non-elektronik'}, "
            f"{fmt.date_long(m.published_on)})"
            for m in levels.media
        ]
    in_year = [p for p in levels.periods if p.end_date.year == pack.year]
    periods = f"{levels.periods_in_year} periode"
    if in_year:
        periods += " (" + ", ".join(_label(p) for p in in_year) + ")"
    last = levels.last_result
    dates = [
        f"{_label(plan.period)}: Laporan Hasil SKM terbit {fmt.date_long(plan.reported_on)}, "
        f"Laporan Tindak Lanjut terbit {fmt.date_long(plan.followup_reported_on)}"
        for plan in levels.plans
    ]
    if media and levels.media_count != len(media):  # two posters at two counters: one medium
        count = f"{levels.media_count} media ({len(media)} publikasi)"
    else:
        count = f"{levels.media_count} media"
    between = levels.months_between_reports or "-"
    return [
        (f"Jumlah periode survei pada tahun {pack.year}", periods),
        (
            "Nilai IKM terakhir dan periodenya",
            f"IKM {last.text}" if last else "Belum ada periode yang ditutup dengan hasil IKM.",
        ),
        (
            "Media publikasi hasil SKM",
            f"{count}: " + "; ".join(media) if media else "Belum ada media publikasi yang dicatat.",
        ),
        (
            "Persentase RTL yang ditindaklanjuti",
            levels.formula or "Belum ada rencana tindak lanjut.",
        ),
        (
            "Selang waktu terbit Laporan Hasil SKM dan Laporan Tindak Lanjut",
            "; ".join([between, *dates]) if dates else "Belum ada rencana tindak lanjut.",
        ),
    ]


def _scores(levels) -> list[tuple[str, str, object]]:
    return [
        ("6", "SKM dilaksanakan sesuai PermenPANRB", levels.indicator_6),
        ("7", "Jumlah media publikasi hasil SKM", levels.indicator_7),
        ("8", "Persentase RTL yang ditindaklanjuti", levels.indicator_8),
        ("9", "Kecepatan tindak lanjut hasil SKM", levels.indicator_9),
    ]


def _front(pack: Pack, signed_on: dt.date, *, extract: bool = False) -> bytes:
    from skm.reports.data import _signatory, data_uri, letterhead, report_profile

    kop = letterhead(pack.unit, pack.year)
    statements = _statements(pack)
    toc = [
        {
            "folder": FOLDERS.get(entry.indicator, ""),
            "name": entry.name,
            "title": pack.titles[entry.key],
            "page": pack.pages.get(entry.key, ""),
        }
        for entry in pack.entries
    ]
    return _pdf(
        _render(
            "reports/pekppp_front.html",
            {
                "k": kop,
                "emblem": data_uri(kop.emblem_path),
                "unit": pack.unit,
                "year": pack.year,
                "extract": extract,
                "statements": statements,
                # the extract for indicator 9: the % realised and the dates of both reports
                "dates": statements[3:],
                "scores": _scores(pack.levels),
                "toc": toc,
                "s": _signatory(report_profile(pack.unit), pack.unit, signed_on),
            },
        )
    )


def make_pack(*, unit: Unit, year: int, signed_on: dt.date | None = None) -> Pack:
    """Build every document of the pack once, then the ZIP and the merged PDF from them.
    ReportUnavailable when the unit has no period ending in N-1 or N."""
    from skm.plans.models import Plan
    from skm.reports.models import SurveyPhoto
    from skm.reports.pekppp import unit_levels

    signed_on = signed_on or timezone.localdate()
    levels = unit_levels(unit, year)
    periods = list(levels.periods)
    if not periods:
        raise ReportUnavailable(
            _("%(unit)s has no survey period ending in %(previous)s or %(year)s.")
            % {"unit": unit.name, "previous": year - 1, "year": year}
        )
    pack = Pack(unit=unit, year=year, levels=levels, entries=[], titles={}, contents={})
    makers: dict[str, Callable[[], bytes]] = {}

    def add(indicator: str, name: str, key: str, title: str, make: Callable[[], bytes]) -> None:
        if key not in pack.titles:
            pack.titles[key], makers[key] = title, make
        pack.entries.append(Entry(indicator, name, key))

    plans = {
        p.period_id: p
        for p in Plan.objects.filter(unit=unit, period__in=periods).select_related("period")
    }

    def document(kind: str, period, day: dt.date) -> Callable[[], bytes]:
        def make() -> bytes:
            return build(
                kind, unit=unit, period=period, fmt="pdf", signed_on=day, evidence="publik"
            ).content

        return make

    def hasil(period):
        plan = plans.get(period.pk)
        day = (plan.reported_on if plan else None) or signed_on
        return (
            f"hasil-{period.pk}",
            f"Laporan Hasil SKM {_label(period)}",
            document("hasil", period, day),
            f"laporan_hasil_skm_{ascii_name(_label(period))}.pdf",
        )

    def tindak_lanjut(period):
        day = plans[period.pk].followup_reported_on or signed_on
        return (
            f"tl-{period.pk}",
            f"Laporan Tindak Lanjut Hasil SKM {_label(period)}",
            document("tindak-lanjut", period, day),
            f"laporan_tindak_lanjut_{ascii_name(_label(period))}.pdf",
        )

    # 06: the Laporan Hasil of every period, the collection media, the poster
    number = 0
    for period in periods:
        key, title, make, name = hasil(period)
        number += 1
        add("06", f"{number:02d}_{name}", key, title, make)
    for period in periods:
        photos = list(
            SurveyPhoto.objects.filter(unit=unit, period=period, public=True).order_by(
                "uploaded_at", "pk"
            )
        )
        if photos:
            number += 1
            add(
                "06",
                f"{number:02d}_foto_media_pengumpulan_data_{ascii_name(_label(period))}.pdf",
                f"foto-{period.pk}",
                f"Foto media pengumpulan data {_label(period)}",
                lambda period=period, photos=photos: _photo_page(unit, period, photos),
            )
    poster_period = _latest_closed(periods)
    if poster_period is not None:
        number += 1
        add(
            "06",
            f"{number:02d}_poster_ikm_{ascii_name(_label(poster_period))}.pdf",
            f"poster-{poster_period.pk}",
            f"Poster publikasi IKM {_label(poster_period)}",
            lambda: build("poster", unit=unit, period=poster_period, fmt="pdf").content,
        )
    # 07: one file per publication medium
    with translation.override("id"):
        for number, medium in enumerate(levels.media, 1):
            kind = medium.get_kind_display()
            add(
                "07",
                f"{number:02d}_{ascii_name(kind)}_{medium.published_on:%Y%m%d}.pdf",
                f"media-{medium.pk}",
                f"Media publikasi: {kind}, {fmt.date_long(medium.published_on)}",
                lambda medium=medium: _medium_page(unit, medium),
            )
    # 08: the report holding the RTL and the Laporan Tindak Lanjut, per period with a plan
    number = 0
    for period in periods:
        if period.pk not in plans:
            continue
        for key, title, make, name in (hasil(period), tindak_lanjut(period)):
            number += 1
            add("08", f"{number:02d}_{name}", key, title, make)
    # 09: the issue dates (front-sheet extract) and both reports of the scored plans
    add(
        "09",
        "00_tanggal_terbit_laporan.pdf",
        "tanggal",
        "Tanggal terbit Laporan Hasil SKM dan Laporan Tindak Lanjut",
        lambda: _front(pack, signed_on, extract=True),
    )
    number = 0
    for plan in levels.plans:
        if plan.period_id not in plans:
            continue
        for key, title, make, name in (hasil(plan.period), tindak_lanjut(plan.period)):
            number += 1
            add("09", f"{number:02d}_{name}", key, title, make)
    for key, make in makers.items():
        pack.contents[key] = make()
    _assemble(pack, signed_on)
    return pack


def _assemble(pack: Pack, signed_on: dt.date) -> None:
    """The front sheet (its contents table gives each document's first page in the merged
    PDF, so it is made again when its own length changes those pages), the merged PDF with
    its outline, and the ZIP."""
    order = list(dict.fromkeys(e.key for e in pack.entries))  # each document once

    # each document parsed once (pypdf reads a WeasyPrint PDF's object streams slowly)
    readers = {key: _reader(pack.contents[key]) for key in order}

    def paginate(front_pages: int) -> None:
        page = front_pages + 1
        pack.pages = {FRONT: 1}
        for key in order:
            pack.pages[key] = page
            page += len(readers[key].pages)

    # The contents table needs the sheet's own length: guess it, make the sheet with the
    # pages that guess gives, and make it again only when the guess was wrong.
    guess = 3 if len(pack.entries) > 12 else 2
    for _attempt in range(3):
        paginate(guess)
        front = _front(pack, signed_on)
        pages = _page_count(front)
        if pages == guess:
            break
        guess = pages
    pack.titles[FRONT] = "Lembar depan"
    pack.contents[FRONT] = front
    pack.entries.insert(0, Entry(FRONT, "00_lembar_depan.pdf", FRONT))
    readers[FRONT] = _reader(front)
    pack.merged = _merge(pack, order, readers)
    pack.zip = _zip(pack, signed_on)


def _merge(pack: Pack, order: list[str], readers: dict) -> bytes:
    """One PDF: the front sheet, then each document once; the outline has the front sheet,
    then one entry per indicator with one child per file of its folder (pointing to the
    document's pages, wherever it first appears)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for key in [FRONT, *order]:
        writer.append(readers[key], import_outline=False)
    writer.add_outline_item(title="Lembar depan", page_number=0)
    for indicator in INDICATORS:
        entries = [e for e in pack.entries if e.indicator == indicator]
        if not entries:
            continue
        parent = writer.add_outline_item(
            title=INDICATOR_TITLES[indicator], page_number=pack.pages[entries[0].key] - 1
        )
        for entry in entries:
            writer.add_outline_item(
                title=pack.titles[entry.key], page_number=pack.pages[entry.key] - 1, parent=parent
            )
    writer.add_metadata(
        {
            "/Title": f"Paket Bukti PEKPPP {pack.year} - {pack.unit.name}",
            "/Author": pack.unit.name,
            "/Subject": "Bukti indikator 6-9 Survei Kepuasan Masyarakat (PEKPPP)",
        }
    )
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip(pack: Pack, signed_on: dt.date) -> bytes:
    """Folders in the order of the indicators, files in their numbered order, the merged
    PDF beside them; one fixed time stamp (the date of signing) on every member."""
    root = ascii_name(f"paket_bukti_pekppp_{pack.unit.slug}_{pack.year}")
    stamp = (max(signed_on.year, 1980), signed_on.month, signed_on.day, 0, 0, 0)
    members = [(e.path, pack.contents[e.key]) for e in pack.entries]
    members.sort(key=lambda m: m[0])
    members.append((f"{root}.pdf", pack.merged))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(f"{root}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return out.getvalue()


def build_pack(*, unit: Unit, year: int, fmt: str, signed_on: dt.date | None = None) -> Document:
    """The pack as a ZIP (every file, the merged PDF included) or as the merged PDF."""
    if fmt not in ("zip", "pdf"):
        raise ReportUnavailable(_("Unknown document or format."))
    return make_pack(unit=unit, year=year, signed_on=signed_on).document(fmt)


def pack_warnings(unit: Unit, year: int) -> list[str]:
    """What to correct before handing the pack in; shown by the command (stderr) and the
    job page, never printed in the pack."""
    from skm.reports.pekppp import unit_levels

    return list(unit_levels(unit, year).warnings)
