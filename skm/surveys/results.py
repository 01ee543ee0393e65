"""Reads for the staff results dashboard: breakdowns, trend, sub-units and the roll-up.

Every index figure comes from ``skm.method`` (``compute`` on a Summary read by
``period_summary``/``period_summaries``, or ``period_result``); the database only counts.
Without a date range everything is read from the maintained per-cell counts, one grouped
query per table (sub-units, services, channels, profile); a date range scans the
responses in view, one GROUP BY per table.

Age groups (the Laporan Hasil's): under 20, 20-29, 30-39, 40-49, 50-59, 60 and over, plus
"not filled in". Percentages are of the respondents in view, rounded half-up to one decimal.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from skm.method import EDUCATIONS, GENDERS, OCCUPATIONS, Summary, SurveyResult, compute
from skm.method.profile import AGE_GROUPS
from skm.method.rollup import UnitsMean, mean_of_units
from skm.method.rounding import round_half_up
from skm.org.models import Agency, Service, Unit
from skm.surveys.counts import cell_sums, period_units, profile_of
from skm.surveys.models import (
    PROFILE_COLUMNS,
    CellCount,
    Period,
    QuestionnaireElement,
    Response,
)
from skm.surveys.selectors import (
    method_elements,
    period_result,
    period_summaries,
    period_summary,
    period_weights,
    questionnaire_elements,
)

MISSING = ""


@dataclass(frozen=True)
class Filters:
    """What the dashboard is looking at within a period."""

    service: Service | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def active(self) -> bool:
        return bool(self.service or self.date_from or self.date_to)


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    count: int
    percent: str


@dataclass(frozen=True)
class Breakdown:
    name: str
    title: str
    rows: tuple[CountRow, ...]
    total: int


@dataclass(frozen=True)
class PartResult:
    """The result of one part of the period (a service, a channel, a sub-unit)."""

    key: str
    label: str
    result: SurveyResult


@dataclass(frozen=True)
class TrendRow:
    period: Period
    result: SurveyResult
    change: str | None  # printed IKM difference to the previous row, signed
    significant: bool
    # both this row and the previous one rest on a sufficient sample (docs/cycle.md)
    comparable: bool = True


@dataclass(frozen=True)
class Rollup:
    rule: str  # Agency.Rollup value
    result: SurveyResult
    units_used: int
    units_left_out: int


def periods_covering(unit: Unit) -> list[Period]:
    """Periods of the unit and of the units above it (a period covers its subtree), newest
    first."""
    return periods_covering_units([unit])[unit.pk]


def periods_covering_units(units: list[Unit]) -> dict[int, list[Period]]:
    """``periods_covering`` of each unit (by its id), in one query."""
    chains = {u.pk: {int(part) for part in u.path.strip("/").split("/") if part} for u in units}
    periods = list(
        Period.objects.filter(unit_id__in=set().union(*chains.values()))
        .select_related("unit", "questionnaire")
        .order_by("-start_date", "-unit__depth", "-pk")
    )
    return {pk: [p for p in periods if p.unit_id in chain] for pk, chain in chains.items()}


def _periods_with_responses(unit: Unit, periods: list[Period]) -> list[Period]:
    """Those of ``periods`` (newest first) with responses of the unit's subtree, in order."""
    with_responses = set(
        CellCount.objects.filter(period__in=periods, unit__path__startswith=unit.path, n__gt=0)
        .values_list("period_id", flat=True)
        .distinct()
    )
    return [p for p in periods if p.pk in with_responses]


def newest_with_responses(unit: Unit, periods: list[Period]) -> Period | None:
    """The newest period with responses of the unit's subtree, else the newest period."""
    if not periods:
        return None
    return next(iter(_periods_with_responses(unit, periods)), periods[0])


def default_period(unit: Unit, periods: list[Period]) -> Period | None:
    """The period the results, plan and reports pages open on (docs/cycle.md): the newest
    period with responses of the unit's subtree, unless it is not closed yet and its sample
    is not sufficient (skm.method.sample_sufficient): then the last closed period with
    responses, when there is one. A period named in the address always wins; this is only
    the default."""
    if not periods:
        return None
    surveyed = _periods_with_responses(unit, periods)
    newest = surveyed[0] if surveyed else periods[0]
    if newest.status == Period.Status.CLOSED:
        return newest
    closed = next((p for p in surveyed if p.status == Period.Status.CLOSED), None)
    if closed is None or period_result(newest, unit=unit).sample_sufficient:
        return newest
    return closed


def responses_in_view(period: Period, unit: Unit, filters: Filters) -> QuerySet[Response]:
    qs = Response.objects.filter(period=period, unit__path__startswith=unit.path)
    if filters.service is not None:
        qs = qs.filter(service=filters.service)
    if filters.date_from is not None:
        qs = qs.filter(submitted_at__date__gte=filters.date_from)
    if filters.date_to is not None:
        qs = qs.filter(submitted_at__date__lte=filters.date_to)
    return qs


def filtered_result(
    period: Period,
    *,
    unit: Unit,
    filters: Filters = Filters(),
    channel: str | None = None,
    service: Service | None = None,
) -> SurveyResult:
    """The period's result for the unit's subtree under the filters (and a channel or a
    service). The population, and so the sample and the intervals' correction, applies as
    in ``period_result``: only to the unit that owns the period."""
    if not filters.active and channel is None and service is None:
        return period_result(period, unit=unit)
    rows = questionnaire_elements(period)
    summary = period_summary(
        period,
        unit=unit,
        service=service or filters.service,
        channel=channel,
        date_from=filters.date_from,
        date_to=filters.date_to,
        rows=rows,
    )
    return _compute(period, unit, summary, rows)


def _compute(
    period: Period, unit: Unit, summary: Summary, rows: list[QuestionnaireElement]
) -> SurveyResult:
    """compute() with the period's weights; the population only for the unit that owns
    the period (see filtered_result)."""
    return compute(
        summary,
        method_elements(rows),
        weighting=period.weighting,
        weights=period_weights(period, rows),
        population=period.population if unit.pk == period.unit_id else None,
    )


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "0.0"
    return str(round_half_up(Fraction(part * 100, whole), 1))


def _breakdown(name: str, title: str, counted: dict[str, int], labels, total: int) -> Breakdown:
    rows = [CountRow(code, label, counted.get(code, 0), "") for code, label in labels]
    if counted.get(MISSING):
        rows.append(CountRow(MISSING, str(_("Not filled in")), counted[MISSING], ""))
    return Breakdown(
        name=name,
        title=title,
        rows=tuple(CountRow(r.key, r.label, r.count, _percent(r.count, total)) for r in rows),
        total=total,
    )


def _grouped(qs: QuerySet[Response], field: str) -> dict[str, int]:
    return {
        (key or MISSING): n
        for key, n in qs.order_by()
        .values_list(field)
        .annotate(n=Count("id"))
        .values_list(field, "n")
    }


def profile_breakdowns(
    period: Period, *, unit: Unit, filters: Filters = Filters()
) -> list[Breakdown]:
    """Respondents by sex, age group, education, occupation and service.

    From the maintained counts unless a date range is asked for (then one GROUP BY per
    breakdown over the responses in view)."""
    if filters.date_from is None and filters.date_to is None:
        return _counted_breakdowns(period, unit=unit, service=filters.service)
    qs = responses_in_view(period, unit, filters)
    total = qs.count()
    age_group = Case(
        *[
            When(
                Q(**{"age__gte": lo} if lo is not None else {})
                & Q(**{"age__lte": hi} if hi is not None else {})
                & Q(age__isnull=False),
                then=Value(code),
            )
            for code, lo, hi, _label in AGE_GROUPS
        ],
        default=Value(MISSING),
        output_field=CharField(),
    )
    ages = {
        (key or MISSING): n
        for key, n in qs.order_by()
        .annotate(age_group=age_group)
        .values_list("age_group")
        .annotate(n=Count("id"))
        .values_list("age_group", "n")
    }
    services = (
        qs.order_by()
        .values_list("service_id", "service__name", "service__unit_id", "service__unit__name")
        .annotate(n=Count("id"))
        .order_by("service__name", "service__unit__name")
    )
    service_counts = {str(pk or MISSING): n for pk, _name, _u, _un, n in services}
    service_labels = [
        (str(pk), name if owner == unit.pk else f"{name} ({owner_name})")
        for pk, name, owner, owner_name, _n in services
        if pk is not None
    ]
    return [
        _breakdown("sex", str(_("Sex")), _grouped(qs, "gender"), GENDERS, total),
        _breakdown(
            "age",
            str(_("Age group")),
            ages,
            [(code, label) for code, _lo, _hi, label in AGE_GROUPS],
            total,
        ),
        _breakdown("education", str(_("Education")), _grouped(qs, "education"), EDUCATIONS, total),
        _breakdown(
            "occupation", str(_("Occupation")), _grouped(qs, "occupation"), OCCUPATIONS, total
        ),
        _breakdown("service", str(_("Service")), service_counts, service_labels, total),
    ]


def _service_rows(unit: Unit, counted: dict[int, int]) -> tuple[dict[str, int], list]:
    services = Service.objects.filter(pk__in=[k for k in counted if k]).select_related("unit")
    ordered = sorted(services, key=lambda s: (s.name, s.unit.name))
    counts = {str(s.pk): counted[s.pk] for s in ordered}
    if counted.get(0):
        counts[MISSING] = counted[0]
    return counts, [(str(s.pk), service_label(s, unit)) for s in ordered]


def _counted_breakdowns(
    period: Period, *, unit: Unit, service: Service | None = None
) -> list[Breakdown]:
    by_service = cell_sums(
        period,
        unit_path=unit.path,
        service_key=service.pk if service is not None else None,
        by=("service",),
        columns=("n", *PROFILE_COLUMNS.values()),
    )
    per_service: Counter = Counter()
    for (service_key, _b), totals in by_service.items():
        per_service[int(service_key)] += totals["n"]
    profile = profile_of(by_service.values())
    total = sum(per_service.values())

    def of(field: str) -> dict[str, int]:
        return {code: n for (f, code), n in profile.items() if f == field and n}

    service_counts, service_labels = _service_rows(unit, per_service)
    return [
        _breakdown("sex", str(_("Sex")), of("gender"), GENDERS, total),
        _breakdown(
            "age",
            str(_("Age group")),
            of("age"),
            [(code, label) for code, _lo, _hi, label in AGE_GROUPS],
            total,
        ),
        _breakdown("education", str(_("Education")), of("education"), EDUCATIONS, total),
        _breakdown("occupation", str(_("Occupation")), of("occupation"), OCCUPATIONS, total),
        _breakdown("service", str(_("Service")), service_counts, service_labels, total),
    ]


def service_label(service: Service, unit: Unit) -> str:
    """A service's name, with its unit's when it belongs to another unit (the sub-units of
    a Dinas often offer services of the same name)."""
    if service.unit_id == unit.pk:
        return service.name
    return f"{service.name} ({service.unit.name})"


def results_by_service(
    period: Period, *, unit: Unit, filters: Filters = Filters()
) -> list[PartResult]:
    """One result per service that respondents in view named (by name)."""
    if filters.date_from is not None or filters.date_to is not None:
        ids = (
            responses_in_view(period, unit, filters)
            .exclude(service=None)
            .order_by()
            .values_list("service_id", flat=True)
            .distinct()
        )
        services = Service.objects.filter(pk__in=list(ids)).select_related("unit")
        return [
            PartResult(
                str(s.pk),
                service_label(s, unit),
                filtered_result(period, unit=unit, filters=filters, service=s),
            )
            for s in sorted(services, key=lambda s: (s.name, s.unit.name))
        ]
    rows = questionnaire_elements(period)
    summaries = period_summaries(period, "service", unit=unit, service=filters.service, rows=rows)
    services = Service.objects.filter(
        pk__in=[k for k, v in summaries.items() if k and v.respondents]
    ).select_related("unit")
    return [
        PartResult(
            str(s.pk),
            service_label(s, unit),
            _compute(period, unit, summaries[s.pk], rows),
        )
        for s in sorted(services, key=lambda s: (s.name, s.unit.name))
    ]


def results_by_channel(
    period: Period, *, unit: Unit, filters: Filters = Filters()
) -> list[PartResult]:
    """One result per channel (online, kiosk, paper, import) that has respondents in view."""
    if filters.date_from is not None or filters.date_to is not None:
        used = set(
            responses_in_view(period, unit, filters)
            .order_by()
            .values_list("channel", flat=True)
            .distinct()
        )
        return [
            PartResult(
                value,
                str(label),
                filtered_result(period, unit=unit, filters=filters, channel=value),
            )
            for value, label in Response.Channel.choices
            if value in used
        ]
    rows = questionnaire_elements(period)
    summaries = period_summaries(period, "channel", unit=unit, service=filters.service, rows=rows)
    return [
        PartResult(
            value,
            str(label),
            _compute(period, unit, summaries[value], rows),
        )
        for value, label in Response.Channel.choices
        if value in summaries and summaries[value].respondents
    ]


def _intervals_apart(a: tuple[str, str] | None, b: tuple[str, str] | None) -> bool:
    """True when two printed 95% intervals do not overlap: only then is a change called
    significant (a conservative test; overlapping intervals may still differ)."""
    if a is None or b is None:
        return False
    return Decimal(a[1]) < Decimal(b[0]) or Decimal(b[1]) < Decimal(a[0])


def change_text(current: Fraction | None, previous: Fraction | None) -> str | None:
    if current is None or previous is None:
        return None
    difference = round_half_up(current - previous, 2)
    return f"+{difference}" if difference > 0 else str(difference)


def unit_trend(unit: Unit) -> list[TrendRow]:
    """The unit's result in every period covering it that has respondents, oldest first,
    with the change of IKM from the previous row and whether the intervals say it is real."""
    rows: list[TrendRow] = []
    for period in reversed(periods_covering(unit)):
        result = period_result(period, unit=unit)
        if result.ikm is None:
            continue
        previous = rows[-1].result if rows else None
        rows.append(
            TrendRow(
                period=period,
                result=result,
                change=change_text(result.ikm, previous.ikm if previous else None),
                significant=previous is not None and ikm_significant(result, previous),
                comparable=previous is None or comparable(result, previous),
            )
        )
    return rows


def comparable(current: SurveyResult, previous: SurveyResult) -> bool:
    """Whether a change may be judged at all: no change is called significant when either
    side rests on too few respondents (skm.method.sample_sufficient; docs/cycle.md)."""
    return current.sample_sufficient and previous.sample_sufficient


def ikm_significant(current: SurveyResult, previous: SurveyResult) -> bool:
    """The one rule for calling a change of IKM significant, on screens and in documents:
    both periods reached a sufficient sample and their 95% intervals do not overlap."""
    return comparable(current, previous) and _intervals_apart(current.ci95, previous.ci95)


def element_significant(current: SurveyResult, previous: SurveyResult, code: str) -> bool:
    if not comparable(current, previous):
        return False
    try:
        return _intervals_apart(current.element(code).ci95, previous.element(code).ci95)
    except KeyError:
        return False


def children_results(
    period: Period, *, unit: Unit, filters: Filters = Filters()
) -> list[PartResult]:
    """Each sub-unit's result (its whole subtree pooled), best IKM first, units without a
    result last (by name). Without a date range: one grouped query for all of them."""
    children = list(unit.children.order_by("name"))
    if filters.date_from is not None or filters.date_to is not None:
        parts = [
            PartResult(child.slug, child.name, filtered_result(period, unit=child, filters=filters))
            for child in children
        ]
    else:
        rows = questionnaire_elements(period)
        by_unit = period_summaries(period, "unit", unit=unit, service=filters.service, rows=rows)
        below = dict(
            Unit.objects.filter(path__startswith=unit.path, pk__in=list(by_unit)).values_list(
                "pk", "path"
            )
        )
        parts = []
        for child in children:
            pooled = _empty_summary(period, rows)
            for unit_id, path in below.items():
                if path.startswith(child.path):
                    pooled = pooled + by_unit[unit_id]
            parts.append(PartResult(child.slug, child.name, _compute(period, child, pooled, rows)))
    return sorted(parts, key=lambda p: (p.result.ikm is None, -(p.result.ikm or 0), p.label))


def _empty_summary(period: Period, rows: list[QuestionnaireElement]) -> Summary:
    units = period_units(period)
    return Summary(len(rows), tuple(units.get(r.position, 1) for r in rows))


def own_result(period: Period, *, unit: Unit, filters: Filters = Filters()) -> SurveyResult:
    """The result of the responses given to the unit itself (not to a unit below it)."""
    rows = questionnaire_elements(period)
    if filters.date_from is None and filters.date_to is None:
        by_unit = period_summaries(period, "unit", unit=unit, service=filters.service, rows=rows)
        own = by_unit.get(unit.pk) or _empty_summary(period, rows)
    else:
        own = period_summary(
            period,
            unit=unit,
            service=filters.service,
            date_from=filters.date_from,
            date_to=filters.date_to,
            rows=rows,
        )
        for child in unit.children.all():
            own = own - period_summary(
                period,
                unit=child,
                service=filters.service,
                date_from=filters.date_from,
                date_to=filters.date_to,
                rows=rows,
            )
    return compute(
        own,
        method_elements(rows),
        weighting=period.weighting,
        weights=period_weights(period, rows),
    )


def unit_rollup(
    period: Period,
    *,
    unit: Unit,
    children: list[PartResult],
    filters: Filters = Filters(),
) -> Rollup | None:
    """The unit's result across its sub-units by its agency's rule; None without sub-units.

    pooled: every respondent of the subtree counts once (``period_result`` already pools).
    mean: the unweighted mean of the sub-units' results, the unit's own respondents (if
    any) counting as one more unit.
    """
    if not children:
        return None
    if unit.agency.rollup == Agency.Rollup.MEAN:
        parts = [c.result for c in children]
        own = own_result(period, unit=unit, filters=filters)
        if own.respondents:
            parts.append(own)
        try:
            mean: UnitsMean = mean_of_units(parts)
        except ValueError:
            return None
        return Rollup(Agency.Rollup.MEAN, mean.result, mean.units_used, mean.units_left_out)
    pooled = filtered_result(period, unit=unit, filters=filters)
    used = sum(1 for c in children if c.result.respondents)
    return Rollup(Agency.Rollup.POOLED, pooled, used, len(children) - used)
