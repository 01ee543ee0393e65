"""The Laporan Rekapitulasi IKM: every unit of an agency (or below a unit) in one document,
as the Bagian Organisasi of a Pemerintah Kota makes it (issue #14 point 13, docs/reports.md).

Which period counts for a unit: the periods that cover it (its own and those of the units
above it, skm.surveys Period) and end within the span (year N, or its semester or quarter).
Of those, a unit's own period wins over an ancestor's, a nearer ancestor's over a farther
one's, and among one owner's periods the latest to end. A unit's row is the result of its
subtree in that period, as its own results page and Laporan Hasil show it.

The agency's (or the unit's) IKM follows ``Agency.rollup`` (skm.method.rollup):
- pooled: every respondent counted once, each in the period chosen for the unit they
  answered for: the units' own summaries are added and computed as one survey;
- mean: the unweighted mean of the units directly below (each its subtree pooled), the
  root unit's own respondents counting as one more unit, as the results page does.

Every figure comes from skm.method (compute, mean_of_units, realised_percent); this module
chooses periods and lays the document out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext as _

from skm.method import Summary, SurveyResult, compute
from skm.method.pekppp import percent_text
from skm.method.rollup import mean_of_units
from skm.org.models import Agency, Unit
from skm.reports import blocks as b
from skm.reports import formatting as fmt
from skm.reports.charts import Bar, Series, bar_chart, line_chart
from skm.reports.data import Letterhead, Signatory, _signatory, letterhead, report_profile
from skm.reports.documents import CONTENT_TYPES, Document, ReportUnavailable
from skm.reports.pekppp import PekpppLevels, unit_levels
from skm.surveys.models import Period, QuestionnaireElement
from skm.surveys.results import periods_covering_units

PARTS = ("", "S1", "S2", "TW1", "TW2", "TW3", "TW4")
TREND_YEARS = 5  # the span and the four before it
RANKED_PT = 8  # the ranked table's text (18 columns on a landscape page)


@dataclass(frozen=True)
class Span:
    year: int
    part: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """Tahun 2025, Semester I Tahun 2025, Triwulan III Tahun 2025."""
        if self.part.startswith("S"):
            return f"Semester {fmt.ROMAN[int(self.part[1])]} Tahun {self.year}"
        if self.part.startswith("TW"):
            return f"Triwulan {fmt.ROMAN[int(self.part[2])]} Tahun {self.year}"
        return f"Tahun {self.year}"

    def shifted(self, years: int) -> Span:
        return span_of(self.year + years, self.part)


def span_of(year: int, part: str = "") -> Span:
    """The dates of year N or of its semester (S1, S2) or quarter (TW1..TW4)."""
    part = (part or "").strip().upper()
    if part not in PARTS:
        raise ReportUnavailable(
            _("Unknown part of the year %(part)s: use S1, S2, TW1, TW2, TW3 or TW4.")
            % {"part": part}
        )
    if not 2000 <= year <= 2100:
        raise ReportUnavailable(_("The year must be between 2000 and 2100."))
    first, months = 1, 12
    if part.startswith("S"):
        first, months = 1 + 6 * (int(part[1]) - 1), 6
    elif part.startswith("TW"):
        first, months = 1 + 3 * (int(part[2]) - 1), 3
    last = first + months - 1
    end = dt.date(year, 12, 31) if last == 12 else dt.date(year, last + 1, 1) - dt.timedelta(1)
    return Span(year, part, dt.date(year, first, 1), end)


@dataclass
class UnitResult:
    """A unit in one span: the period chosen for it, its subtree's result in that period
    and the summary of the responses given to the unit itself (for pooling)."""

    unit: Unit
    period: Period | None
    result: SurveyResult | None = None
    own: Summary | None = None
    rows: list[QuestionnaireElement] = field(default_factory=list)

    @property
    def ikm_text(self) -> str | None:
        return self.result.ikm_text if self.result is not None else None


@dataclass(frozen=True)
class Aggregate:
    rule: str  # Agency.Rollup value
    result: SurveyResult | None
    units_used: int
    units_left_out: int
    problem: str = ""  # why there is no result, in Indonesian


@dataclass
class Scope:
    """What the recap covers: an agency (all its units) or a unit (the units below it)."""

    agency: Agency
    root: Unit | None
    units: list[Unit]  # the units ranked: every unit of the agency, or below the root
    ancestors: list[Unit]  # the root's ancestors (their periods cover it too)

    @property
    def name(self) -> str:
        return self.root.name if self.root is not None else self.agency.name

    @property
    def top(self) -> list[Unit]:
        """The units directly below the root (the agency's root units)."""
        parent = self.root.pk if self.root is not None else None
        return [u for u in self.units if u.parent_id == parent]


def scope_of(*, agency: Agency | None, unit: Unit | None) -> Scope:
    if (agency is None) == (unit is None):
        raise ReportUnavailable(_("Choose either an agency or a unit for the recap."))
    if unit is not None:
        below = list(
            Unit.objects.filter(path__startswith=unit.path)
            .exclude(pk=unit.pk)
            .select_related("agency")
            .order_by("path")
        )
        if not below:
            raise ReportUnavailable(
                _("%(unit)s has no units below it to recap.") % {"unit": unit.name}
            )
        return Scope(unit.agency, unit, below, unit.ancestors())
    units = list(agency.units.select_related("agency").order_by("path"))
    if not units:
        raise ReportUnavailable(_("%(agency)s has no units yet.") % {"agency": agency.name})
    return Scope(agency, None, units, [])


def _chain(unit: Unit) -> list[int]:
    """The ids of the unit and the units above it, root first (from its path)."""
    return [int(part) for part in unit.path.strip("/").split("/") if part]


def choose_periods(units: list[Unit], span: Span) -> dict[int, Period]:
    """{unit id: the period counted for it in the span}: of the periods that cover the unit
    and end in the span, the nearest owner's (the unit's own first), its latest to end."""
    owners = {i for u in units for i in _chain(u)}
    candidates = list(
        Period.objects.filter(
            unit_id__in=owners, end_date__gte=span.start, end_date__lte=span.end
        ).select_related("unit", "questionnaire")
    )
    chosen: dict[int, Period] = {}
    for unit in units:
        chain = _chain(unit)
        mine = [p for p in candidates if p.unit_id in chain]
        if mine:
            chosen[unit.pk] = max(
                mine, key=lambda p: (chain.index(p.unit_id), p.end_date, p.start_date, p.pk)
            )
    return chosen


class PeriodCounts:
    """The counts of each period read once (one grouped query per period, by unit) and
    every unit's result in it computed from them, for the span, the trend and the
    previous periods alike."""

    def __init__(self, paths: dict[int, str]):
        self.paths = dict(paths)
        self._periods: dict[int, tuple[list, dict[int, Summary], Summary]] = {}

    def _of(self, period: Period):
        from skm.surveys.results import _empty_summary
        from skm.surveys.selectors import period_summaries, questionnaire_elements

        if period.pk not in self._periods:
            rows = questionnaire_elements(period)
            summaries = period_summaries(period, "unit", unit=period.unit, rows=rows)
            missing = [pk for pk in summaries if pk not in self.paths]
            if missing:
                self.paths.update(Unit.objects.filter(pk__in=missing).values_list("pk", "path"))
            self._periods[period.pk] = (rows, summaries, _empty_summary(period, rows))
        return self._periods[period.pk]

    def unit_result(self, period: Period, unit: Unit) -> UnitResult:
        """The unit's subtree in the period, as its results page computes it."""
        from skm.surveys.results import _compute

        rows, summaries, empty = self._of(period)
        pooled = empty
        for pk, summary in summaries.items():
            if self.paths[pk].startswith(unit.path):
                pooled = pooled + summary
        return UnitResult(
            unit, period, _compute(period, unit, pooled, rows), summaries.get(unit.pk, empty), rows
        )


def span_results(
    scope: Scope, span: Span, counts: PeriodCounts | None = None
) -> dict[int, UnitResult]:
    """Every unit's result in the span (and the root's, for a unit's recap): one grouped
    count query per period chosen, whatever the number of units."""
    units = scope.units + ([scope.root] if scope.root is not None else [])
    counts = counts or PeriodCounts({u.pk: u.path for u in units})
    chosen = choose_periods(units, span)
    return {
        unit.pk: (
            counts.unit_result(chosen[unit.pk], unit)
            if unit.pk in chosen
            else UnitResult(unit, None)
        )
        for unit in units
    }


def previous_results(
    units: list[Unit], results: dict[int, UnitResult], counts: PeriodCounts
) -> dict[int, SurveyResult]:
    """Each unit's result in its latest period before the one counted that has
    respondents, as ``plans.selectors.previous_period_result`` finds it (periods that
    cover the unit, newest start first), with one query for all the units."""
    owners = {i for u in units for i in _chain(u)}
    periods = list(
        Period.objects.filter(unit_id__in=owners)
        .select_related("unit", "questionnaire")
        .order_by("-start_date", "-unit__depth", "-pk")
    )
    out = {}
    for unit in units:
        current = results[unit.pk].period
        if current is None:
            continue
        chain = set(_chain(unit))
        for period in periods:
            if period.unit_id in chain and period.start_date < current.start_date:
                result = counts.unit_result(period, unit).result
                if result.respondents:
                    out[unit.pk] = result
                    break
    return out


def aggregate(scope: Scope, results: dict[int, UnitResult]) -> Aggregate:
    """The agency's (or the root unit's) IKM by the agency's roll-up rule (module doc)."""
    from skm.surveys.selectors import method_elements, period_weights

    rule = scope.agency.rollup
    if rule == Agency.Rollup.MEAN:
        parts = [results[u.pk] for u in scope.top]
        if scope.root is not None:
            own = results[scope.root.pk]
            if own.own is not None and own.own.respondents:
                parts.append(UnitResult(own.unit, own.period, _own_result(own), own.own, own.rows))
        found = [p.result for p in parts if p.result is not None]
        try:
            mean = mean_of_units(found)
        except ValueError:
            return Aggregate(
                rule,
                None,
                0,
                len(parts),
                "belum ada unit dengan hasil lengkap, atau unit-unit memakai kuesioner yang "
                "berbeda",
            )
        return Aggregate(rule, mean.result, mean.units_used, len(parts) - mean.units_used)
    counted = [
        r
        for r in results.values()
        if r.period is not None and r.own is not None and r.own.respondents
    ]
    if not counted:
        return Aggregate(rule, None, 0, len(scope.units), "belum ada responden")
    first = counted[0]
    keys = {_questionnaire_key(r) for r in counted}
    if len(keys) > 1:
        return Aggregate(
            rule,
            None,
            0,
            len(scope.units),
            "unit-unit memakai kuesioner atau pembobotan yang berbeda, sehingga respondennya "
            "tidak dapat digabung",
        )
    pooled = first.own
    for r in counted[1:]:
        pooled = pooled + r.own
    periods = {r.period.pk for r in counted}
    population = None
    if len(periods) == 1 and scope.root is not None and first.period.unit_id == scope.root.pk:
        population = first.period.population  # as the root's results page computes it
    result = compute(
        pooled,
        method_elements(first.rows),
        weighting=first.period.weighting,
        weights=period_weights(first.period, first.rows),
        population=population,
    )
    # Units whose own respondents were pooled; a unit whose result is only its sub-units'
    # (a Dinas of Puskesmas) adds no respondent of its own.
    return Aggregate(rule, result, len(counted), len(scope.units) - len(counted))


def _own_result(row: UnitResult) -> SurveyResult:
    from skm.surveys.selectors import method_elements, period_weights

    return compute(
        row.own,
        method_elements(row.rows),
        weighting=row.period.weighting,
        weights=period_weights(row.period, row.rows),
    )


def _questionnaire_key(row: UnitResult) -> tuple:
    return (
        tuple(r.code for r in row.rows),
        row.period.weighting,
        tuple(str(r.weight) for r in row.rows) if row.period.weighting == "custom" else (),
    )


# -- the rows of the document ---------------------------------------------------------------


@dataclass
class RankRow:
    rank: str
    unit: Unit
    data: UnitResult
    change: str | None
    planned: int
    realised: int
    percent: Fraction | None
    plan_status: str  # "final", "draft" or ""
    published: bool
    followup_on: dt.date | None = None  # the Laporan Tindak Lanjut's issue date
    levels: PekpppLevels | None = None  # PEKPPP 6-9 of the year (skm.reports.pekppp)


def ranked_rows(
    scope: Scope, results: dict[int, UnitResult], counts: PeriodCounts | None = None
) -> list[RankRow]:
    """Every unit, best IKM first (ties share a rank and are ordered by name); units
    without a result last, unranked."""
    from skm.plans.models import Plan
    from skm.plans.selectors import agency_overview
    from skm.surveys.models import Publication
    from skm.surveys.results import change_text

    ids = [u.pk for u in scope.units]
    overview = {
        (row.plan.unit_id, row.plan.period_id): row
        for row in agency_overview(Unit.objects.filter(pk__in=ids))
    }
    published = set(Publication.objects.filter(unit_id__in=ids).values_list("unit_id", "period_id"))
    counts = counts or PeriodCounts({u.pk: u.path for u in scope.units})
    previous = previous_results(scope.units, results, counts)
    rows = []
    for unit in scope.units:
        data = results[unit.pk]
        change = None
        if data.result is not None and unit.pk in previous:
            change = change_text(data.result.ikm, previous[unit.pk].ikm)
        key = (unit.pk, data.period.pk if data.period else None)
        plan = overview.get(key)
        rows.append(
            RankRow(
                rank="-",
                unit=unit,
                data=data,
                change=change,
                planned=plan.planned if plan else 0,
                realised=plan.realised if plan else 0,
                percent=plan.percent if plan else None,
                plan_status=(
                    ("final" if plan.plan.status == Plan.Status.FINAL else "draft") if plan else ""
                ),
                published=key in published,
                followup_on=plan.plan.followup_reported_on if plan else None,
            )
        )

    def order(row: RankRow):
        ikm = row.data.result.ikm if row.data.result is not None else None
        return (ikm is None, -(ikm or 0), row.unit.name)

    rows.sort(key=order)
    previous_text, rank = None, 0
    for position, row in enumerate(rows, 1):
        text = row.data.ikm_text
        if text is None:
            continue
        if text != previous_text:
            rank, previous_text = position, text
        row.rank = str(rank)
    return rows


def followup_issued(row: RankRow) -> bool:
    """The Laporan Tindak Lanjut of the period counted is issued: its plan is final and
    carries the report's issue date (Plan.followup_reported_on, the plan page)."""
    return row.plan_status == "final" and row.followup_on is not None


def owed(row: RankRow) -> list[str]:
    """What the unit still owes for the span, in the words of the readiness matrix."""
    if row.data.period is None:
        return ["survei belum dilaksanakan"]
    out = []
    if row.data.result is None or not row.data.result.respondents:
        out.append("belum ada responden")
    elif row.data.result.ikm is None:
        out.append("ada unsur yang belum dijawab")
    if not row.published:
        out.append("hasil belum dipublikasikan")
    if row.plan_status != "final":
        out.append("RTL belum disusun" if not row.plan_status else "RTL masih draf")
    elif not followup_issued(row):
        out.append("laporan tindak lanjut belum diterbitkan")
    return out


# -- the document --------------------------------------------------------------------------


def build_recap(
    *,
    agency: Agency | None = None,
    unit: Unit | None = None,
    year: int,
    part: str = "",
    fmt: str,
    signed_on: dt.date | None = None,
) -> Document:
    """The Laporan Rekapitulasi IKM of an agency or a unit for year N (or a part of it)."""
    from skm.surveys.text import xml_safe_deep

    if fmt not in CONTENT_TYPES:
        raise ReportUnavailable(_("Unknown document or format."))
    scope = scope_of(agency=agency, unit=unit)
    span = span_of(year, part)
    parts, title = xml_safe_deep(recap_blocks(scope, span, signed_on=signed_on))
    render = b.to_docx if fmt == "docx" else b.to_pdf
    slug = scope.root.slug if scope.root is not None else scope.agency.slug
    stem = f"rekap-ikm-{slug}-{year}" + (f"-{span.part.lower()}" if span.part else "")
    return Document(
        render(parts, title=title, author=scope.name),
        f"{stem}.{fmt}",
        CONTENT_TYPES[fmt],
    )


def _agency_letterhead(agency: Agency, year: int) -> Letterhead:
    import os

    emblem = None
    if agency.logo:
        try:
            emblem = agency.logo.path if os.path.exists(agency.logo.path) else None
        except (ValueError, NotImplementedError):
            emblem = None
    government = (agency.government_line or agency.name).strip().upper()
    contact = [
        label + value.strip()
        for label, value in (
            ("Telepon ", agency.phone),
            ("Pos-el ", agency.email),
            ("Laman ", agency.website),
        )
        if value.strip()
    ]
    name = agency.name.strip().upper()
    return Letterhead(
        emblem_path=emblem,
        government_line=government,
        unit_name="" if name == government else name,
        address=agency.address.strip(),
        contact=", ".join(contact),
        year=str(year),
    )


def _agency_signatory(agency: Agency, day: dt.date) -> Signatory:
    """An agency has no report profile of its own: the Bagian Organisasi's head signs,
    the name left to be written in (docs/reports.md)."""
    city = agency.city or agency.name
    return Signatory(
        place=city.replace("Kota ", "").replace("Kabupaten ", ""),
        date=fmt.date_long(day),
        position=f"Kepala Bagian Organisasi Sekretariat Daerah {city}",
        name="",
        rank="",
        nip="",
    )


def recap_blocks(scope: Scope, span: Span, *, signed_on: dt.date | None = None) -> tuple:
    """(blocks, title) of the recap; ReportUnavailable when no unit has a period in the
    span."""
    day = signed_on or timezone.localdate()
    every = scope.units + ([scope.root] if scope.root is not None else [])
    counts = PeriodCounts({u.pk: u.path for u in every})
    results = span_results(scope, span, counts)
    if not any(results[u.pk].period is not None for u in scope.units):
        raise ReportUnavailable(
            _("No unit of %(name)s has a survey period ending in %(span)s.")
            % {"name": scope.name, "span": span.label}
        )
    if scope.root is not None:
        profile = report_profile(scope.root)
        d = profile.decimal
        kop = letterhead(scope.root, day.year)
        signatory = _signatory(profile, scope.root, day)
    else:
        d = "."
        kop = _agency_letterhead(scope.agency, day.year)
        signatory = _agency_signatory(scope.agency, day)

    def num(text: str | None) -> str:
        return fmt.number(text, d)

    name = scope.name
    rows = ranked_rows(scope, results, counts)
    covering = periods_covering_units([row.unit for row in rows])
    for row in rows:
        row.levels = unit_levels(row.unit, span.year, covering[row.unit.pk])
    total = aggregate(scope, results)
    with_result = [r for r in rows if r.data.ikm_text is not None]
    held = [r for r in rows if r.data.period is not None]
    city = scope.agency.city

    out: list = [
        b.Cover(
            title_lines=[
                "LAPORAN REKAPITULASI",
                "INDEKS KEPUASAN MASYARAKAT",
                span.label.upper(),
            ],
            subtitle_lines=[name, *([city] if city and city not in name else [])],
            logo_path=kop.emblem_path,  # the PDF's kop takes the emblem from here
            letterhead=kop,
        ),
        b.Heading("KATA PENGANTAR", new_page=True),
        *[b.Para(t) for t in _foreword(name, span, len(scope.units))],
        b.SignatureBlock(signatory),
        b.Heading("BAB I PENDAHULUAN", new_page=True),
        b.Heading("A. Latar Belakang", level=2),
        b.Para(
            "Peraturan Menteri PANRB Nomor 14 Tahun 2017 mewajibkan setiap unit penyelenggara "
            "pelayanan publik melaksanakan Survei Kepuasan Masyarakat (SKM) paling sedikit "
            "sekali setahun, mempublikasikan hasilnya dan menindaklanjutinya. Peraturan "
            "Menteri PANRB Nomor 29 Tahun 2022 menilai pelaksanaan, publikasi dan tindak "
            "lanjut itu dalam Pemantauan dan Evaluasi Kinerja Penyelenggaraan Pelayanan "
            "Publik (PEKPPP)."
        ),
        b.Para(
            f"Rekapitulasi ini menghimpun hasil SKM {len(scope.units)} unit di lingkungan "
            f"{name} untuk {span.label}, agar pimpinan dapat membandingkan kinerja pelayanan "
            "antarunit, melihat perkembangannya dari tahun ke tahun, dan mengetahui unit yang "
            "masih harus melengkapi survei, publikasi, atau tindak lanjutnya."
        ),
        b.Heading("B. Cakupan dan Cara Perhitungan", level=2),
        *[b.Para(t) for t in _method_paras(span, total, name)],
        b.Heading("BAB II HASIL REKAPITULASI", new_page=True),
        b.Heading(f"A. IKM {name}", level=2),
        *_aggregate_blocks(total, name, span, num),
        b.Landscape(),  # the ranked table's pages, its heading and notes with it
        b.Heading("B. Peringkat IKM Unit Layanan", level=2),
        b.Para(
            f"Dari {len(scope.units)} unit, {len(held)} telah melaksanakan survei yang "
            f"berakhir pada {span.label} dan {len(with_result)} di antaranya memiliki nilai "
            "IKM. Tabel berikut mengurutkan unit menurut IKM, dari yang tertinggi; unit tanpa "
            "nilai IKM berada di akhir tabel tanpa peringkat."
        ),
        b.Para(
            "Keterangan: Resp./sampel = responden terhadap sampel minimal Krejcie dan Morgan "
            "(hanya untuk unit pemilik periode yang mencatat populasinya); Naik/turun = selisih "
            "IKM terhadap periode sebelumnya unit itu; U1-U9 = nilai unsur; Prioritas = unsur "
            "dengan nilai terendah dan unsur bermutu C atau D; % RTL = butir rencana tindak "
            "lanjut yang terealisasi. Hasil unit yang membawahi unit lain mencakup responden unit "
            "di bawahnya.",
            indent=False,
        ),
        _ranked_table(rows, scope, num),
        b.Portrait(),
        b.Heading("C. Grafik IKM Unit Layanan", level=2),
        *(charts := _chart_blocks(with_result, unit_labels(scope), d)),
        b.Heading("D. Tren IKM", level=2),
        *_trend_blocks(scope, span, total, name, num, d, len(charts) + 1, counts),
        b.Landscape(),  # a new page already
        b.Heading("BAB III KESIAPAN EVALUASI"),
        b.Para(
            "Matriks berikut menunjukkan, untuk setiap unit, periode survei yang dihitung, "
            "apakah hasilnya telah dipublikasikan, apakah rencana tindak lanjut (RTL) periode "
            "itu telah ditetapkan, tanggal terbit laporan tindak lanjutnya, dan nilai mandiri "
            f"PEKPPP tahun evaluasi {span.year} (Peraturan Menteri PANRB Nomor 29 Tahun 2022, "
            "aspek Kebijakan Pelayanan, nilai 0-5): indikator 6 SKM dilaksanakan sesuai "
            "Peraturan Menteri PANRB Nomor 14 Tahun 2017, 7 jumlah media publikasi hasil SKM, "
            "8 persentase RTL yang ditindaklanjuti, dan 9 kecepatan tindak lanjut (selisih "
            "waktu terbit laporan hasil SKM dan laporan tindak lanjut). Sebagaimana dinilai "
            f"evaluator, indikator 8 dan 9 dibaca dari RTL hasil SKM tahun {span.year - 1} "
            f"yang ditindaklanjuti pada tahun {span.year}; bagi unit yang baru melaksanakan "
            f"SKM pada tahun {span.year}, dari RTL tahun {span.year}."
        ),
        _readiness_table(rows, unit_labels(scope), num),
        *_owing_blocks(rows, unit_labels(scope)),
        b.Portrait(),
        b.Heading("BAB IV PENUTUP", new_page=True),
        *[b.Para(t) for t in _conclusion(rows, total, name, span, num)],
        b.SignatureBlock(signatory),
    ]
    return out, f"Laporan Rekapitulasi IKM {name} {span.label}"


def _foreword(name: str, span: Span, units: int) -> list[str]:
    return [
        "Puji syukur kami panjatkan ke hadirat Tuhan Yang Maha Esa, karena atas rahmat-Nya "
        f"Laporan Rekapitulasi Indeks Kepuasan Masyarakat (IKM) {name} {span.label} dapat "
        "diselesaikan.",
        f"Laporan ini menghimpun hasil Survei Kepuasan Masyarakat {units} unit penyelenggara "
        f"pelayanan publik di lingkungan {name}: peringkat IKM setiap unit, IKM {name} "
        "beserta cara penggabungannya, perkembangan IKM dari tahun ke tahun, serta kesiapan "
        "setiap unit dalam publikasi dan tindak lanjut hasil survei. Semoga laporan ini "
        "menjadi bahan pimpinan dalam menetapkan langkah perbaikan pelayanan publik.",
        "Terima kasih kami sampaikan kepada seluruh unit yang telah melaksanakan survei dan "
        "kepada masyarakat yang telah memberikan penilaiannya.",
    ]


def _rule_sentence(rule: str) -> str:
    if rule == Agency.Rollup.MEAN:
        return (
            "rata-rata IKM unit-unit di bawahnya, setiap unit berbobot sama (nilai rata-rata "
            "setiap unsur dan nilai indeks adalah rata-rata unit-unit, IKM = nilai indeks x "
            "25; unit tanpa hasil lengkap tidak dihitung)"
        )
    return (
        "gabungan seluruh responden dari semua unit, setiap responden berbobot sama (unit "
        "dengan responden lebih banyak berpengaruh lebih besar), dihitung seperti satu survei "
        "menurut Peraturan Menteri PANRB Nomor 14 Tahun 2017"
    )


def _method_paras(span: Span, total: Aggregate, name: str) -> list[str]:
    return [
        "Periode survei dimiliki oleh suatu unit dan mencakup unit itu serta semua unit di "
        "bawahnya. Untuk setiap unit dihitung hasil periode yang mencakupnya dan berakhir "
        f"antara {fmt.date_long(span.start)} dan {fmt.date_long(span.end)}; bila ada beberapa, "
        "periode milik unit itu sendiri didahulukan daripada periode unit di atasnya, lalu "
        "periode yang berakhir paling akhir. Hasil suatu unit mencakup responden unit itu dan "
        "unit di bawahnya, sama dengan laporan hasil SKM unit itu.",
        f"IKM {name} dihitung sebagai {_rule_sentence(total.rule)}. Setiap angka dihitung "
        "tanpa pembulatan antara dan dibulatkan sekali pada akhir perhitungan (IKM dua "
        "desimal); mutu pelayanan dibaca dari angka yang dicetak.",
    ]


def _aggregate_blocks(total: Aggregate, name: str, span: Span, num) -> list:
    if total.result is None or total.result.ikm_text is None:
        reason = total.problem or "ada unsur yang belum dijawab"
        return [b.Para(f"IKM {name} {span.label} belum dapat dihitung: {reason}.")]
    r = total.result
    how = (
        f"rata-rata {num(str(total.units_used))} unit"
        if total.rule == Agency.Rollup.MEAN
        else f"gabungan {num(str(r.respondents))} responden dari {num(str(total.units_used))} unit"
    )
    out = [
        b.Para(
            f"IKM {name} {span.label} adalah {num(r.ikm_text)}, mutu pelayanan "
            f"{r.grade.letter} ({r.grade.performance}), dihitung sebagai {how}"
            + (
                f"; {num(str(total.units_left_out))} unit tanpa hasil tidak dihitung"
                if total.units_left_out
                else ""
            )
            + "."
        )
    ]
    rows = [
        [
            e.code,
            e.name,
            num(e.nrr_text),
            num(e.score_text),
            f"{e.grade.letter} ({e.grade.performance})" if e.grade else "-",
        ]
        for e in r.elements
    ]
    rows.append(
        [
            "",
            f"IKM {name}",
            num(r.index_text),
            num(r.ikm_text),
            f"{r.grade.letter} ({r.grade.performance})",
        ]
    )
    out.append(
        b.Table(
            f"Tabel 2.1. Nilai unsur dan IKM {name}",
            ["Kode", "Unsur", "NRR", "Nilai", "Mutu pelayanan"],
            rows,
            [1.5, 7, 2, 2, 3.5],
            numeric={0, 2, 3},
            bold_last=True,
        )
    )
    return out


def unit_labels(scope: Scope) -> dict[int, str]:
    """Each unit's name, with the name of the unit above it where two units of the recap
    share a name (two Dinas may each have a "UPT Laboratorium")."""
    names = Counter(u.name for u in scope.units)
    by_pk = {u.pk: u for u in [*scope.units, *([scope.root] if scope.root else [])]}
    out = {}
    for unit in scope.units:
        parent = by_pk.get(unit.parent_id)
        twin = names[unit.name] > 1 and parent is not None
        out[unit.pk] = f"{unit.name} ({parent.name})" if twin else unit.name
    return out


def _ranked_table(rows: list[RankRow], scope: Scope, num) -> b.Table:
    codes = _codes(rows)
    labels = unit_labels(scope)
    body = []
    for row in rows:
        r = row.data.result
        sample = r.sample if r is not None else None
        respondents = num(str(r.respondents)) if r is not None else "-"
        scores = []
        for code in codes:
            try:
                scores.append(num(r.element(code).score_text) if r is not None else "-")
            except KeyError:
                scores.append("-")
        body.append(
            [
                row.rank,
                labels[row.unit.pk],
                f"{respondents} / {num(str(sample.required))}" if sample else respondents,
                num(row.data.ikm_text),
                f"{r.grade.letter} {r.grade.performance}" if r is not None and r.grade else "-",
                num(row.change) if row.change else "-",
                *scores,
                ", ".join(r.priorities) if r is not None and r.ikm is not None else "-",
                num(percent_text(row.percent)) if row.percent is not None else "-",
            ]
        )
    return b.Table(
        "Tabel 2.2. Peringkat IKM unit layanan",
        [
            "No",
            "Unit layanan",
            "Resp./ sampel",
            "IKM",
            "Mutu/ kinerja",
            "Naik/ turun",
            *codes,
            "Prioritas",
            "% RTL",
        ],
        body,
        # 8 pt, narrow padding: 18 columns fit 24.7 cm (A4 landscape) with every score
        # ("100.00") and header word on one line in the PDF's font (DejaVu Sans, wider
        # than Word's Arial) too.
        [0.8, 3.7, 1.6, 1.25, 1.55, 1.3, *[11.07 / len(codes)] * len(codes), 2.0, 1.4],
        numeric={0, 2, 3, 4, 5, *range(6, 6 + len(codes)), len(codes) + 6, len(codes) + 7},
        size=RANKED_PT,
    )


def _codes(rows: list[RankRow]) -> list[str]:
    """The element codes of the units' questionnaires, in their order (U1..U9)."""
    seen: list[str] = []
    for row in rows:
        for q in row.data.rows:
            if q.code not in seen:
                seen.append(q.code)
    return seen or [f"U{i}" for i in range(1, 10)]


CHART_BARS = 20  # bars per chart: more units make several charts
CHART_HEIGHT_CM = 20  # a chart never taller than this on the page


def _chart_blocks(with_result: list[RankRow], labels: dict[int, str], d: str) -> list:
    """The units' IKM as bars, best first, in charts of at most CHART_BARS bars, each
    narrowed when its wrapped labels would make it taller than CHART_HEIGHT_CM."""
    import re

    if not with_result:
        return [b.Para("Belum ada unit dengan nilai IKM.")]
    chunks = [with_result[i : i + CHART_BARS] for i in range(0, len(with_result), CHART_BARS)]
    out = []
    for number, chunk in enumerate(chunks, 1):
        chart = bar_chart(
            [Bar(labels[row.unit.pk], row.data.ikm_text) for row in chunk],
            title="IKM unit layanan",
            desc="IKM setiap unit, dari yang tertinggi",
            decimal=d,
        )
        width, height = map(float, re.search(r'viewBox="0 0 (\S+) (\S+)"', chart).groups())
        part = f" (bagian {number} dari {len(chunks)})" if len(chunks) > 1 else ""
        out.append(
            b.Figure(
                chart,
                f"Gambar 2.{number}. IKM unit layanan{part}",
                width_cm=round(min(15, CHART_HEIGHT_CM * width / height), 1),
            )
        )
    return out


def _trend_blocks(
    scope: Scope,
    span: Span,
    total: Aggregate,
    name: str,
    num,
    d: str,
    figure: int,
    counts: PeriodCounts,
) -> list:
    """The agency's (or unit's) IKM in the same span of each of the last years."""
    points = []
    for back in range(TREND_YEARS - 1, 0, -1):
        earlier = span.shifted(-back)
        results = span_results(scope, earlier, counts)
        if not any(r.period is not None for r in results.values()):
            continue
        points.append((earlier, aggregate(scope, results)))
    points.append((span, total))
    points = [(s, a) for s, a in points if a.result is not None and a.result.ikm_text]
    if len(points) < 2:
        return [
            b.Para(
                f"Belum ada IKM {name} pada {TREND_YEARS - 1} tahun sebelumnya untuk dibandingkan."
            )
        ]
    from skm.surveys.results import change_text

    rows, before = [], None
    for s, a in points:
        r = a.result
        change = change_text(r.ikm, before) if before is not None else None
        rows.append(
            [
                s.label,
                num(str(a.units_used)),
                num(str(r.respondents)),
                num(r.ikm_text),
                f"{r.grade.letter} ({r.grade.performance})",
                num(change) if change else "-",
            ]
        )
        before = r.ikm
    chart = line_chart(
        [s.label for s, _a in points],
        [Series("IKM", [a.result.ikm_text for _s, a in points])],
        title=f"IKM {name} antartahun",
        decimal=d,
    )
    return [
        b.Table(
            f"Tabel 2.3. Tren IKM {name}",
            ["Rentang", "Unit", "Responden", "IKM", "Mutu pelayanan", "Perubahan"],
            rows,
            [4, 1.4, 2.4, 1.8, 3.6, 2.8],
            numeric={1, 2, 3, 5},
        ),
        b.Figure(chart, f"Gambar 2.{figure}. IKM {name} antartahun", width_cm=13),
    ]


def _period_name(period: Period, unit: Unit) -> str:
    """The period's name, with its owner's when it is a unit above (a Dinas's period)."""
    return period.name if period.unit_id == unit.pk else f"{period.name} ({period.unit.name})"


def _yes(value: bool) -> str:
    return "Ya" if value else "Belum"


def _readiness_table(rows: list[RankRow], labels: dict[int, str], num) -> b.Table:
    """One row per unit, in the tree's order; what a unit still owes is listed under the
    table, grouped by obligation (_owing_blocks)."""
    body = []
    for i, row in enumerate(sorted(rows, key=lambda r: r.unit.path), 1):
        period, result = row.data.period, row.data.result
        held = period is not None
        issued = fmt.date_long(row.followup_on) if followup_issued(row) else "Belum"
        body.append(
            [
                str(i),
                labels[row.unit.pk],
                _period_name(period, row.unit) if held else "Belum",
                num(str(result.respondents)) if result is not None else "-",
                _yes(row.published) if held else "-",
                {"final": "Ya", "draft": "Draf"}.get(row.plan_status, "Belum") if held else "-",
                issued if held else "-",
                *(
                    [str(score.score) for score in row.levels.scores.values()]
                    if row.levels is not None
                    else ["-"] * 4
                ),
            ]
        )
    return b.Table(
        "Tabel 3.1. Matriks kesiapan unit",
        [
            "No",
            "Unit layanan",
            "Periode survei",
            "Responden",
            "Publikasi hasil",
            "RTL ditetapkan",
            "Laporan tindak lanjut",
            *(f"PEKPPP {n}" for n in (6, 7, 8, 9)),
        ],
        body,
        [0.8, 4.6, 4.2, 2.0, 2.0, 2.2, 2.5, 1.5, 1.5, 1.5, 1.5],
        numeric={0, 3, 4, 5, 6, 7, 8, 9, 10},
        size=RANKED_PT,  # eleven columns: the ranked table's size
    )


OBLIGATIONS = (
    "survei belum dilaksanakan",
    "belum ada responden",
    "ada unsur yang belum dijawab",
    "hasil belum dipublikasikan",
    "RTL belum disusun",
    "RTL masih draf",
    "laporan tindak lanjut belum diterbitkan",
)


def _owing_blocks(rows: list[RankRow], labels: dict[int, str]) -> list:
    """The units that still owe something, grouped by what they owe."""
    owing = [(row, owed(row)) for row in sorted(rows, key=lambda r: r.unit.path)]
    owing = [(row, what) for row, what in owing if what]
    if not owing:
        return [
            b.Para(
                "Seluruh unit telah melaksanakan survei, mempublikasikan hasilnya, menetapkan "
                "RTL dan menyelesaikan tindak lanjutnya."
            )
        ]
    groups = [
        (item, [labels[row.unit.pk] for row, what in owing if item in what]) for item in OBLIGATIONS
    ]
    return [
        b.Para(
            f"{len(owing)} dari {len(rows)} unit masih memiliki kewajiban; menurut jenis "
            "kewajibannya, unit-unit tersebut adalah:"
        ),
        b.Bullets(
            [
                f"{item[:1].upper()}{item[1:]} ({len(names)} unit): {fmt.join_names(names)}."
                for item, names in groups
                if names
            ]
        ),
    ]


def _conclusion(rows: list[RankRow], total: Aggregate, name: str, span: Span, num) -> list[str]:
    with_result = [r for r in rows if r.data.ikm_text is not None]
    out = []
    if total.result is not None and total.result.ikm_text:
        g = total.result.grade
        out.append(
            f"IKM {name} {span.label} adalah {num(total.result.ikm_text)} dengan mutu "
            f"pelayanan {g.letter} ({g.performance})."
        )
    if with_result:
        grades = Counter(r.data.result.grade.letter for r in with_result)
        out.append(
            f"Dari {len(with_result)} unit yang memiliki nilai IKM, "
            + fmt.join_names(
                [f"{grades[letter]} unit bermutu {letter}" for letter in "ABCD" if grades[letter]]
            )
            + "."
        )
        best, worst = with_result[0], with_result[-1]
        if best is not worst:
            out.append(
                f"IKM tertinggi dicapai {best.unit.name} ({num(best.data.ikm_text)}) dan "
                f"terendah {worst.unit.name} ({num(worst.data.ikm_text)})."
            )
        weak = [r for r in with_result if r.data.result.grade.letter in ("C", "D")]
        if weak:
            out.append(
                "Unit bermutu C atau D perlu mendapat pendampingan dalam menyusun dan "
                "melaksanakan rencana tindak lanjut: "
                + fmt.join_names([r.unit.name for r in weak])
                + "."
            )
    owing = [r for r in rows if owed(r)]
    if owing:
        out.append(
            f"{len(owing)} unit masih harus melengkapi survei, publikasi, atau tindak lanjutnya "
            "sebagaimana tercantum pada Tabel 3.1."
        )
    return out
