"""Reads for surveys: finding periods, and results computed through skm.method.

The database only counts; every number shown anywhere comes from ``skm.method.compute``
applied to a ``Summary`` read here from the maintained counts with one query (or, for what
the counts do not keep, a ``Tally`` read from the answers).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from skm.method import Summary, Tally, compute
from skm.method.elements import Element
from skm.org.models import Service, Unit
from skm.surveys.counts import cell_sums, period_units, summary_columns, summary_of
from skm.surveys.models import Answer, Period, QuestionnaireElement, Response


def period_by_ref(unit: Unit, ref: str) -> Period | None:
    """A period of ``unit`` or of a unit above it (periods cover their subtree).

    ``ref`` is a slug or an exact name; the nearest unit's period wins.
    """
    ref = ref.strip()
    chain = [unit, *reversed(unit.ancestors())]
    for owner in chain:
        period = Period.objects.filter(unit=owner).filter(Q(slug=ref) | Q(name=ref)).first()
        if period:
            return period
    return None


def questionnaire_elements(period: Period) -> list[QuestionnaireElement]:
    return list(period.questionnaire.elements.order_by("position"))


def method_elements(rows: list[QuestionnaireElement]) -> tuple[Element, ...]:
    """The questionnaire's elements as skm.method sees them (labels for reading files)."""
    return tuple(
        Element(
            code=r.code,
            name=r.name,
            question=r.question,
            labels=(r.label_1, r.label_2, r.label_3, r.label_4),
            aliases=_catalogue_aliases(r.code, r.name),
        )
        for r in rows
    )


def _catalogue_aliases(code: str, name: str) -> tuple[str, ...]:
    # A questionnaire element that keeps a national code keeps the national aliases, so
    # that files naming "Waktu Pelayanan" still find U3 even if the unit renamed it.
    from skm.method.elements import DEFAULT_ELEMENTS

    for element in DEFAULT_ELEMENTS:
        if element.code == code:
            return tuple(a for a in (element.name, *element.aliases) if a != name)
    return ()


def period_weights(period: Period, rows: list[QuestionnaireElement]) -> list[Decimal] | None:
    if period.weighting != Period.Weighting.CUSTOM:
        return None
    return [r.weight or Decimal(0) for r in rows]


def period_tally(
    period: Period,
    *,
    unit: Unit | None = None,
    service: Service | None = None,
    channel: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    rows: list[QuestionnaireElement] | None = None,
    profile: dict[str, object] | None = None,
) -> Tally:
    """The multiset of answer vectors of the period's responses (of ``unit``'s subtree),
    read from the individual answers: the slow path, for what the counts do not keep (a
    date range, a respondent profile) and for checking them.

    ``profile`` restricts to respondents with these profile values (``{"gender": "P"}``,
    ``{"age__gte": 20, "age__lte": 29}``, ``{"age": None}``).
    """
    from skm.surveys.retention import check_raw

    check_raw(period)
    rows = rows if rows is not None else questionnaire_elements(period)
    if not rows:
        return Tally(0)
    codes = _raw_codes(period, rows, unit, service, channel, date_from, date_to, profile)
    # Positions may have gaps (an element removed from a draft version): compact them.
    if [r.position for r in rows] != list(range(len(rows))):
        return _tally_with_gaps(codes, rows)
    return Tally.from_codes(len(rows), codes)


def period_summary(
    period: Period,
    *,
    unit: Unit | None = None,
    service: Service | None = None,
    channel: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    rows: list[QuestionnaireElement] | None = None,
    profile: dict[str, object] | None = None,
) -> Summary:
    """What skm.method needs of the period's responses (of ``unit``'s subtree).

    Read from the maintained per-cell counts (CellCount) with one query, never from
    individual responses, unless a date range or a profile is asked for: the counts are
    not kept per day or per profile, so those scan the period's answers (``period_tally``).
    """
    rows = rows if rows is not None else questionnaire_elements(period)
    units = period_units(period)
    positions = [r.position for r in rows]
    if date_from is not None or date_to is not None or profile:
        tally = period_tally(
            period,
            unit=unit,
            service=service,
            channel=channel,
            date_from=date_from,
            date_to=date_to,
            rows=rows,
            profile=profile,
        )
        return Summary.from_tally(tally, tuple(units.get(p, 1) for p in positions))
    sums = cell_sums(
        period,
        unit_path=unit.path if unit is not None else None,
        service_key=service.pk if service is not None else None,
        channel=channel,
        columns=summary_columns(positions),
    )
    return summary_of(((key[-1], totals) for key, totals in sums.items()), positions, units)


def period_summaries(
    period: Period,
    by: str,
    *,
    unit: Unit | None = None,
    service: Service | None = None,
    rows: list[QuestionnaireElement] | None = None,
) -> dict[object, Summary]:
    """One Summary per unit, service id (0 = none) or channel of the period's counts, with
    one grouped query: {unit id | service key | channel: Summary}."""
    rows = rows if rows is not None else questionnaire_elements(period)
    units = period_units(period)
    positions = [r.position for r in rows]
    grouped: dict[object, list] = {}
    sums = cell_sums(
        period,
        unit_path=unit.path if unit is not None else None,
        service_key=service.pk if service is not None else None,
        by=(by,),
        columns=summary_columns(positions),
    )
    for (value, weight_group), totals in sums.items():
        grouped.setdefault(value, []).append((weight_group, totals))
    return {value: summary_of(parts, positions, units) for value, parts in grouped.items()}


def _raw_codes(
    period: Period,
    rows: list[QuestionnaireElement],
    unit: Unit | None,
    service: Service | None,
    channel: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    profile: dict[str, object] | None = None,
) -> dict[int, int]:
    """Per response the answers encoded as sum(value * 5**position), grouped by code."""
    place = " ".join(f"WHEN {r.pk} THEN {5**r.position}" for r in rows)
    answer_t = Answer._meta.db_table
    response_t = Response._meta.db_table
    unit_t = Unit._meta.db_table
    where = ["r.period_id = %s", "r.deleted_at IS NULL", "r.held_at IS NULL"]
    params: list[object] = [period.pk]
    if unit is not None:
        where.append(f"r.unit_id IN (SELECT id FROM {unit_t} WHERE path LIKE %s)")  # noqa: S608
        params.append(unit.path + "%")
    if service is not None:
        where.append("r.service_id = %s")
        params.append(service.pk)
    if channel is not None:
        where.append("r.channel = %s")
        params.append(channel)
    if date_from is not None:
        where.append("r.submitted_at >= %s")
        params.append(_day_start(date_from))
    if date_to is not None:
        where.append("r.submitted_at < %s")
        params.append(_day_start(date_to + dt.timedelta(days=1)))
    for key, value in (profile or {}).items():
        column, _sep, op = key.partition("__")
        if column not in _PROFILE_COLUMNS:
            raise ValueError(f"not a profile field: {column}")
        if value is None:
            where.append(f"r.{column} IS NULL")
        elif op in _OPERATORS:
            where.append(f"r.{column} {_OPERATORS[op]} %s")
            params.append(value)
        else:
            raise ValueError(f"unknown comparison: {key}")
    sql = (
        # Only model table names and integer ids are formatted in; values are parameters.
        "SELECT code, COUNT(*) FROM ("  # noqa: S608
        f" SELECT a.response_id, SUM(a.value * CASE a.element_id {place} ELSE 0 END) AS code"
        f" FROM {answer_t} a JOIN {response_t} r ON r.id = a.response_id"
        f" WHERE {' AND '.join(where)}"
        " GROUP BY a.response_id"
        ") per_response GROUP BY code"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(code): int(n) for code, n in cursor.fetchall()}


_PROFILE_COLUMNS = frozenset({"gender", "age", "education", "occupation"})
_OPERATORS = {"": "=", "gte": ">=", "lte": "<="}


def _tally_with_gaps(codes: dict[int, int], rows: list[QuestionnaireElement]) -> Tally:
    tally = Tally(len(rows))
    for code, n in codes.items():
        tally.add(tuple((code // 5**r.position) % 5 or None for r in rows), n)
    return tally


def _day_start(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def period_result(
    period: Period,
    *,
    unit: Unit | None = None,
    service: Service | None = None,
    priorities: int = 3,
):
    """The method's SurveyResult for a period (optionally a subtree unit and a service)."""
    rows = questionnaire_elements(period)
    return compute(
        period_summary(period, unit=unit, service=service, rows=rows),
        method_elements(rows),
        weighting=period.weighting,
        weights=period_weights(period, rows),
        priorities=priorities,
        population=period.population if unit is None or unit.pk == period.unit_id else None,
    )


def period_in_force(unit: Unit, today: dt.date | None = None) -> Period | None:
    """The open period covering ``today`` for this unit: its own, else the nearest above."""
    from django.utils import timezone

    today = today or timezone.localdate()
    chain = [unit, *reversed(unit.ancestors())]
    periods = {
        p.unit_id: p
        for p in Period.objects.filter(
            unit__in=chain,
            status=Period.Status.OPEN,
            start_date__lte=today,
            end_date__gte=today,
        ).order_by("start_date")  # later starts overwrite: the most recent period wins
    }
    for owner in chain:
        if owner.pk in periods:
            return periods[owner.pk]
    return None


def latest_publication(unit: Unit):
    """The unit's most recently published period, or None."""
    from skm.surveys.models import Publication

    return (
        Publication.objects.filter(unit=unit)
        .select_related("period")
        .order_by("-period__end_date", "-published_at")
        .first()
    )
