"""What a unit states and scores for the PEKPPP evaluation of year N (Permen PANRB 29/2022,
aspect "Kebijakan Pelayanan", indicators 6-9 on the SKM); docs/reports.md "PEKPPP".

``unit_levels(unit, year)`` gathers, for evaluation year N:

- the unit's periods ending in N-1 and N (those of the unit and of the units above it, as
  the report pages list them), and how many end in N;
- the last result: the latest closed period with respondents, its IKM in the unit's number
  style, grade and name;
- the publication media recorded with a publication date in N-1 or N (indicators 6, 7);
- the plan (RTL) the evaluators read for indicators 8 and 9: the SKM report of year N-1
  holds the RTL that is followed up in N, so it is the plan of the latest period ending in
  N-1 that has one; a unit without such a plan is scored on the latest plan of a period
  ending in N (a unit that only started in N), else on none (indicator 8 is then 0);
- the self-assessed levels of indicators 6-9 (skm.method.pekppp) with their basis, and
  warnings naming what is missing (issue dates, captures, a draft plan, a report date that
  crosses a band boundary).

Indicator 6 judges every period with respondents of N-1..N against Permen PANRB 14/2017:
fewer than 9 elements, or fewer respondents than the Krejcie-Morgan sample of the period's
stated population, is "not per the Permen" (level 1, naming the period), so that the basis
"n SKM dilaksanakan sesuai PermenPANRB" is true of every survey it counts. The steps above 2
count the media of N-1..N and the plan's realisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from urllib.parse import urlsplit

from skm.method.pekppp import (
    Score,
    band_crossing,
    indicator_6,
    indicator_7,
    indicator_8,
    indicator_9,
    months_text,
    percent_text,
)
from skm.org.models import Unit
from skm.plans.models import Plan
from skm.reports import formatting as fmt
from skm.surveys.models import Period

# Permen PANRB 14/2017: the questionnaire asks at least the nine elements (unsur).
PERMEN_ELEMENTS = 9


@dataclass(frozen=True)
class LastResult:
    ikm: str  # in the unit's number style, e.g. "91,83"
    grade: str  # "A"
    performance: str  # "Sangat Baik"
    period: Period

    @property
    def text(self) -> str:
        return f"{self.ikm} ({self.grade}, {self.performance}), {self.period.name}"


@dataclass(frozen=True)
class PekpppLevels:
    unit: Unit
    year: int
    periods: list[Period]
    periods_in_year: int
    last_result: LastResult | None
    media: list  # PublicationMedium rows of N-1..N, oldest first
    media_count: int  # distinct media (what indicator 7 counts)
    plans: list[Plan]  # the plan(s) indicators 8 and 9 are read from
    planned: int
    realised: int
    percent_realised: Fraction | None
    formula: str | None
    months_between_reports: str | None  # "1 bulan 1 hari" from Laporan Hasil to Tindak Lanjut
    indicator_6: Score
    indicator_7: Score
    indicator_8: Score
    indicator_9: Score
    completion: Score | None  # information: to the last item's completion
    warnings: list[str] = field(default_factory=list)

    @property
    def scores(self) -> dict[int, Score]:
        return {6: self.indicator_6, 7: self.indicator_7, 8: self.indicator_8, 9: self.indicator_9}


def _decimal(unit: Unit) -> str:
    from skm.reports.data import report_profile

    return report_profile(unit).decimal


def _percent_words(value: Fraction, decimal: str) -> str:
    """100 rather than 100.00, as the seed writes it; otherwise two decimals."""
    if value.denominator == 1:
        return str(value.numerator)
    return fmt.number(percent_text(value), decimal)


def realisation_formula(planned: int, realised: int, decimal: str = ".") -> str | None:
    """The official sentence of the percentage realised, with the figures."""
    if planned == 0:
        return None
    value = Fraction(realised * 100, planned)
    return (
        "Persentase RTL yang ditindaklanjuti = jumlah RTL yang terealisasi / jumlah RTL yang "
        f"direncanakan × 100% = {realised}/{planned} × 100% = "
        f"{_percent_words(value, decimal)}%"
    )


def medium_key(medium) -> tuple[str, str]:
    """What makes two records one medium: the kind; for social media and "other", also
    the link's host (or the description), so that Instagram and Facebook count as two
    while two posters at two counters count as one."""
    if medium.kind in ("social", "other"):
        host = (urlsplit(medium.url).hostname or "") if medium.url else ""
        host = host.removeprefix("www.").removeprefix("m.")
        return medium.kind, host or " ".join(medium.description.lower().split())
    return medium.kind, ""


def _shortfalls(period: Period, result, decimal: str) -> list[str]:
    out = []
    if len(result.elements) < PERMEN_ELEMENTS:
        out.append(
            f"kuesioner {period.name} memuat {len(result.elements)} unsur, kurang dari "
            f"{PERMEN_ELEMENTS} unsur"
        )
    if result.sample is not None and not result.sample.reached:
        out.append(
            f"{period.name}: {fmt.count(result.respondents, decimal)} responden, kurang dari "
            f"sampel minimal {fmt.count(result.sample.required, decimal)} (Krejcie-Morgan, "
            f"populasi {fmt.count(result.sample.population, decimal)})"
        )
    return out


def _plan_for(unit: Unit, periods: list[Period], year: int) -> Plan | None:
    plans = {
        p.period_id: p
        for p in Plan.objects.filter(unit=unit, period__in=periods).select_related("period", "unit")
    }
    for wanted in (year - 1, year):
        for period in reversed(periods):
            if period.end_date.year == wanted and period.pk in plans:
                return plans[period.pk]
    return None


def unit_levels(unit: Unit, year: int, covering: list[Period] | None = None) -> PekpppLevels:
    """The PEKPPP statement and self-assessed levels 6-9 of ``unit`` for evaluation year
    ``year`` (see the module's docstring for the rules). ``covering``: the unit's
    ``periods_covering``, where the caller has them for many units at once (the recap)."""
    from skm.plans.selectors import plan_view
    from skm.reports.models import PublicationMedium
    from skm.surveys.results import periods_covering
    from skm.surveys.selectors import period_result

    decimal = _decimal(unit)
    warnings: list[str] = []
    periods = sorted(
        (
            p
            for p in (periods_covering(unit) if covering is None else covering)
            if p.end_date.year in (year - 1, year)
        ),
        key=lambda p: (p.end_date, p.start_date, p.pk),
    )
    results = {p.pk: period_result(p, unit=unit) for p in periods}
    surveyed = [p for p in periods if results[p.pk].respondents]
    for period in periods:
        if not results[period.pk].respondents:
            warnings.append(f"Periode {period.name} belum memiliki responden.")

    last_result = None
    closed = [p for p in surveyed if p.status == Period.Status.CLOSED]
    for period in reversed(closed):
        result = results[period.pk]
        if result.ikm_text is not None and result.grade is not None:
            last_result = LastResult(
                ikm=fmt.number(result.ikm_text, decimal),
                grade=result.grade.letter,
                performance=result.grade.performance,
                period=period,
            )
            break
    if last_result is None:
        warnings.append(f"Belum ada periode yang ditutup dengan hasil IKM pada {year - 1}-{year}.")

    shortfalls = [text for p in surveyed for text in _shortfalls(p, results[p.pk], decimal)]

    media = list(
        PublicationMedium.objects.filter(
            unit=unit, published_on__year__in=(year - 1, year)
        ).select_related("period")
    )
    distinct = {medium_key(m): m.electronic for m in media}
    electronic = sum(1 for e in distinct.values() if e)
    non_electronic = len(distinct) - electronic
    if not media:
        warnings.append("Belum ada media publikasi hasil SKM yang dicatat untuk tahun ini.")
    for medium in media:
        if not medium.stored_name:
            warnings.append(
                f"Media {medium.get_kind_display()} ({fmt.date_long(medium.published_on)}) "
                "belum memiliki tangkapan (foto atau tangkapan layar)."
            )

    plan = _plan_for(unit, periods, year)
    planned = realised = 0
    percent = None
    nine = indicator_9(None, None, [])
    completion = None
    months = None
    if plan is None:
        warnings.append(f"Belum ada rencana tindak lanjut (RTL) dari SKM tahun {year - 1}.")
    else:
        view = plan_view(plan)
        planned, realised, percent = view.planned, view.realised, view.percent
        done = [i.item.done_on for i in view.items]
        nine, completion = view.indicator_9, view.completion
        if not plan.is_final:
            warnings.append(f"Rencana tindak lanjut {plan.period.name} masih draf.")
        if plan.reported_on is None:
            warnings.append(
                f"Tanggal terbit Laporan Hasil SKM {plan.period.name} belum diisi (halaman RTL)."
            )
        if plan.followup_reported_on is None:
            warnings.append(
                f"Tanggal terbit Laporan Tindak Lanjut {plan.period.name} belum diisi "
                "(halaman RTL)."
            )
        if plan.reported_on and plan.followup_reported_on:
            if plan.followup_reported_on >= plan.reported_on:
                months = months_text(plan.reported_on, plan.followup_reported_on)
            crossing = band_crossing(plan.reported_on, plan.followup_reported_on, done)
            if crossing is not None:
                warnings.append(crossing.message())

    six = indicator_6(
        surveys=len(surveyed),
        shortfalls=shortfalls,
        non_electronic=non_electronic,
        electronic=electronic,
        planned=planned,
        realised=realised,
    )
    return PekpppLevels(
        unit=unit,
        year=year,
        periods=periods,
        periods_in_year=sum(1 for p in periods if p.end_date.year == year),
        last_result=last_result,
        media=media,
        media_count=len(distinct),
        plans=[plan] if plan else [],
        planned=planned,
        realised=realised,
        percent_realised=percent,
        formula=realisation_formula(planned, realised, decimal),
        months_between_reports=months,
        indicator_6=six,
        indicator_7=indicator_7(len(distinct)),
        indicator_8=indicator_8(planned, realised),
        indicator_9=nine,
        completion=completion,
        warnings=warnings,
    )
