"""Maintaining, reading and verifying the per-cell counts (CellCount).

Every write of responses calls ``counts_add`` inside its own transaction, so the counts
are exactly the responses at every commit. A cell is (period, unit, service, channel);
its rows hold the figures of skm.method.Summary plus the respondent profile counts.
``verify`` recomputes everything from the raw responses, ``rebuild`` replaces the counts
by that recomputation.

A period's integer weight units (``period_units``) decide the answered-weight groups and
the weighted sums. They are 1 for every element unless the period uses custom weights,
whose values are frozen with the questionnaire once it has answers; switching a period
to or from the custom weighting rebuilds its counts (Period.save).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction

from skm.method import Summary, WeightError, weight_units, weights_for
from skm.method.profile import age_group
from skm.org.models import Unit
from skm.surveys.models import (
    COUNT_COLUMNS,
    MOMENT_COLUMNS,
    PROFILE_COLUMNS,
    SCORE_COLUMNS,
    Answer,
    CellCount,
    Period,
    QuestionnaireElement,
    Response,
    score_column,
)

SHARDS = 8
# agency (the distribution column, docs/scaling.md), period, unit, service_key, channel,
# weight_group
CellKey = tuple[int, int, int, int, str, int]
KEY_COLUMNS = ("agency_id", "period_id", "unit_id", "service_key", "channel", "weight_group")
_TABLE = CellCount._meta.db_table


def questionnaire_units(questionnaire_id: int, weighting: str) -> dict[int, int]:
    """Questionnaire position -> integer weight unit under ``weighting``.

    Unusable custom weights (which Period.clean refuses) count as equal, so that a write is
    never lost to a configuration error; the results page then reports the weights.
    """
    rows = list(
        QuestionnaireElement.objects.filter(questionnaire_id=questionnaire_id)
        .order_by("position")
        .values_list("position", "weight")
    )
    if not rows:
        return {}
    try:
        custom = [w for _p, w in rows] if weighting == Period.Weighting.CUSTOM else None
        if custom is not None and any(w is None for w in custom):
            raise WeightError("incomplete")
        units = weight_units(weights_for(weighting, len(rows), custom))
    except WeightError:
        units = (1,) * len(rows)
    return {position: unit for (position, _w), unit in zip(rows, units, strict=True)}


def period_units(period: Period) -> dict[int, int]:
    """Questionnaire position -> integer weight unit of the period's weighting."""
    return questionnaire_units(period.questionnaire_id, period.weighting)


def response_delta(
    *,
    agency_id: int,
    period_id: int,
    unit_id: int,
    service_id: int | None,
    channel: str,
    answers: Iterable[tuple[int, int]],
    units: Mapping[int, int],
    gender: str = "",
    age: int | None = None,
    education: str = "",
    occupation: str = "",
) -> tuple[CellKey, dict[str, int]] | None:
    """The cell key and column increments of one response; ``answers`` are
    (questionnaire position, score 1..4) pairs. None when nothing was answered."""
    delta: dict[str, int] = {}
    a = b = 0
    for position, value in answers:
        if not value:
            continue
        unit = units.get(position, 1)
        a += unit * value
        b += unit
        column = score_column(position, value)
        delta[column] = delta.get(column, 0) + 1
    if not delta:
        return None
    delta["n"] = 1
    delta["sum_a"] = a
    delta["sum_a2"] = a * a
    for field, value in (
        ("gender", gender),
        ("age", age_group(age)),
        ("education", education),
        ("occupation", occupation),
    ):
        column = PROFILE_COLUMNS.get((field, value or ""))
        if column is not None:
            delta[column] = 1
    return (agency_id, period_id, unit_id, service_id or 0, channel, b), delta


def delta_of_response(
    response: Response, answers: Iterable[tuple[int, int]], units: Mapping[int, int]
) -> tuple[CellKey, dict[str, int]] | None:
    """``response_delta`` for a stored Response (``answers`` as position, score)."""
    return response_delta(
        agency_id=response.agency_id,
        period_id=response.period_id,
        unit_id=response.unit_id,
        service_id=response.service_id,
        channel=response.channel,
        answers=answers,
        units=units,
        gender=response.gender,
        age=response.age,
        education=response.education,
        occupation=response.occupation,
    )


UPSERT_SQL = (
    f"INSERT INTO {_TABLE} ({', '.join(KEY_COLUMNS)}, shard, {', '.join(COUNT_COLUMNS)}) "  # noqa: S608 (column names only)
    f"VALUES ({', '.join(['%s'] * (len(KEY_COLUMNS) + 1 + len(COUNT_COLUMNS)))}) "
    f"ON CONFLICT ({', '.join(KEY_COLUMNS)}, shard) DO UPDATE SET "
    + ", ".join(f"{c} = {_TABLE}.{c} + excluded.{c}" for c in COUNT_COLUMNS)
)


def delta_values(delta: Mapping[str, int]) -> list[int]:
    """The increments in COUNT_COLUMNS order (the upsert's parameters after the key)."""
    return [delta.get(column, 0) for column in COUNT_COLUMNS]


def counts_add(deltas: Mapping[CellKey, Mapping[str, int]], shard: int | None = None) -> None:
    """Add each key's increments (negative to remove), in the caller's transaction.

    One upsert per key; the shard is chosen at random per call (unless given) so that two
    concurrent submissions to the same cell rarely touch the same row.
    """
    rows = [(key, delta) for key, delta in deltas.items() if any(delta.values())]
    if not rows:
        return
    if shard is None:
        shard = random.randrange(SHARDS)
    params = [[*key, shard, *delta_values(delta)] for key, delta in sorted(rows)]
    with connection.cursor() as cursor:
        cursor.executemany(UPSERT_SQL, params)


def counts_subtract(deltas: Mapping[CellKey, Mapping[str, int]]) -> None:
    """Take responses off the counts (a deleted response), in the caller's transaction.

    A response was counted into one random shard; to take it off without any shard going
    negative, the cell's shards are first folded into shard 0 (under row locks), then the
    delta is applied there."""
    for key, delta in deltas.items():
        agency_id, period_id, unit_id, service_key, channel, weight_group = key
        rows = list(
            CellCount.objects.select_for_update().filter(
                agency_id=agency_id,
                period_id=period_id,
                unit_id=unit_id,
                service_key=service_key,
                channel=channel,
                weight_group=weight_group,
            )
        )
        totals = {c: sum(getattr(r, c) for r in rows) for c in COUNT_COLUMNS}
        for column, value in delta.items():
            totals[column] += value
        if totals["n"] < 0:
            raise ValueError(f"cannot take more responses off {key} than were counted")
        CellCount.objects.filter(pk__in=[r.pk for r in rows]).delete()
        if totals["n"] or any(totals.values()):
            CellCount.objects.create(
                agency_id=agency_id,
                period_id=period_id,
                unit_id=unit_id,
                service_key=service_key,
                channel=channel,
                weight_group=weight_group,
                shard=0,
                **totals,
            )


def merge_delta(
    deltas: dict[CellKey, Counter], item: tuple[CellKey, dict[str, int]] | None, sign: int = 1
) -> None:
    if item is None:
        return
    key, delta = item
    target = deltas.setdefault(key, Counter())
    for column, value in delta.items():
        target[column] += sign * value


def counts_add_rows(
    rows: Iterable[tuple[Response, Sequence[int | None]]],
    positions: Sequence[int],
    units: Mapping[int, int],
) -> None:
    """Count freshly stored responses, each with its answers in questionnaire order
    (``positions``: the questionnaire position of each answer slot)."""
    deltas: dict[CellKey, Counter] = {}
    for response, answers in rows:
        pairs = [(positions[i], v) for i, v in enumerate(answers) if v]
        merge_delta(deltas, delta_of_response(response, pairs, units))
    counts_add(deltas)


# -- reading ----------------------------------------------------------------------------

GROUPS = {"unit": "unit_id", "service": "service_key", "channel": "channel"}


_MEMO: ContextVar[dict | None] = ContextVar("skm_cell_sums", default=None)


@contextmanager
def one_reading() -> Iterator[None]:
    """Within this block, identical ``cell_sums`` questions are asked of the database once
    (a page shows the same total as headline, roll-up and trend row; the profile and the
    per-service table share their grouping)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def summary_columns(positions: Iterable[int]) -> tuple[str, ...]:
    """The columns a Summary needs for a questionnaire with these element positions."""
    return (*MOMENT_COLUMNS, *(score_column(p, s) for p in positions for s in (1, 2, 3, 4)))


def cell_sums(
    period: Period,
    *,
    unit_ids: Sequence[int] | None = None,
    unit_path: str | None = None,
    service_key: int | None = None,
    channel: str | None = None,
    by: Sequence[str] = (),
    columns: Sequence[str] = COUNT_COLUMNS,
) -> dict[tuple, dict[str, int]]:
    """Summed counts of the period's cells, grouped by ``by`` (names of GROUPS) and the
    answered weight: {(*group values, weight_group): {column: total}}. One query, summing
    only ``columns`` (``n`` is always included)."""
    columns = tuple(dict.fromkeys(("n", *columns)))
    memo = _MEMO.get()
    memo_key = (
        period.pk,
        tuple(unit_ids) if unit_ids is not None else None,
        unit_path,
        service_key,
        channel,
        tuple(by),
    )
    if memo is not None:
        for have_columns, have in memo.get(memo_key, ()):
            if set(columns) <= have_columns:
                return {k: {c: v[c] for c in columns} for k, v in have.items()}
    unknown = set(columns) - set(COUNT_COLUMNS)
    if unknown:
        raise ValueError(f"not count columns: {sorted(unknown)}")
    group = [GROUPS[name] for name in by]
    where = ["period_id = %s"]
    params: list[object] = [period.pk]
    if unit_path is not None:
        from skm.org.models import Unit

        unit_t = Unit._meta.db_table
        where.append(f"unit_id IN (SELECT id FROM {unit_t} WHERE path LIKE %s)")  # noqa: S608
        params.append(unit_path + "%")
    if unit_ids is not None:
        where.append(f"unit_id IN ({', '.join(['%s'] * len(unit_ids)) or 'NULL'})")
        params.extend(unit_ids)
    if service_key is not None:
        where.append("service_key = %s")
        params.append(service_key)
    if channel is not None:
        where.append("channel = %s")
        params.append(channel)
    keys = [*group, "weight_group"]
    sql = (
        f"SELECT {', '.join(keys)}, {', '.join(f'SUM({c})' for c in columns)}"  # noqa: S608
        f" FROM {_TABLE} WHERE {' AND '.join(where)} GROUP BY {', '.join(keys)}"
    )
    out: dict[tuple, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            values = row[len(keys) :]
            if not any(values):
                continue
            out[tuple(row[: len(keys)])] = {
                c: int(v or 0) for c, v in zip(columns, values, strict=True)
            }
    if memo is not None:
        memo.setdefault(memo_key, []).append((frozenset(columns), out))
    return out


def prefetch_groupings(
    period: Period,
    *,
    unit_path: str | None,
    service_key: int | None = None,
    columns: Sequence[str] = COUNT_COLUMNS,
) -> None:
    """Inside ``one_reading``: answer the total and the per-unit, per-service and
    per-channel groupings of the same selection with one scan (PostgreSQL GROUPING SETS);
    later ``cell_sums`` calls for them are served from memory. Elsewhere a no-op (each
    grouping is then its own query)."""
    memo = _MEMO.get()
    if memo is None or connection.vendor != "postgresql":
        return
    columns = tuple(dict.fromkeys(("n", *columns)))
    where = ["period_id = %s"]
    params: list[object] = [period.pk]
    if unit_path is not None:
        from skm.org.models import Unit

        unit_t = Unit._meta.db_table
        where.append(f"unit_id IN (SELECT id FROM {unit_t} WHERE path LIKE %s)")  # noqa: S608
        params.append(unit_path + "%")
    if service_key is not None:
        where.append("service_key = %s")
        params.append(service_key)
    sql = (
        "SELECT GROUPING(unit_id, service_key, channel), unit_id, service_key, channel,"  # noqa: S608
        f" weight_group, {', '.join(f'SUM({c})' for c in columns)}"
        f" FROM {_TABLE} WHERE {' AND '.join(where)}"
        " GROUP BY GROUPING SETS ((weight_group), (unit_id, weight_group),"
        " (service_key, weight_group), (channel, weight_group))"
    )
    # GROUPING() bit mask: 4 = unit_id, 2 = service_key, 1 = channel left out.
    sets = {7: (), 3: ("unit",), 5: ("service",), 6: ("channel",)}
    found: dict[tuple, dict] = {by: {} for by in sets.values()}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for mask, unit_id, service, channel, weight_group, *values in cursor.fetchall():
            by = sets[mask]
            value = {"unit": unit_id, "service": service, "channel": channel}
            key = (*(value[name] for name in by), weight_group)
            if any(values):
                found[by][key] = {c: int(v or 0) for c, v in zip(columns, values, strict=True)}
    for by, out in found.items():
        memo_key = (period.pk, None, unit_path, service_key, None, by)
        memo.setdefault(memo_key, []).append((frozenset(columns), out))


def summary_of(
    sums: Iterable[tuple[int, Mapping[str, int]]],
    positions: Sequence[int],
    units: Mapping[int, int],
) -> Summary:
    """A Summary from (weight_group, column totals) pairs; ``positions`` are the
    questionnaire positions in element order (gaps allowed)."""
    summary = Summary(len(positions), tuple(units.get(p, 1) for p in positions))
    for weight_group, totals in sums:
        if totals.get("n"):
            summary.add_group(weight_group, totals["n"], totals["sum_a"], totals["sum_a2"])
        for index, position in enumerate(positions):
            summary.add_counts(
                index, [totals.get(score_column(position, s), 0) for s in (1, 2, 3, 4)]
            )
    return summary


def profile_of(sums: Iterable[Mapping[str, int]]) -> dict[tuple[str, str], int]:
    """Respondents per (field, code) summed over rows; code "" = not filled in."""
    totals: Counter = Counter()
    n = 0
    for row in sums:
        n += row.get("n", 0)
        for key, column in PROFILE_COLUMNS.items():
            totals[key] += row.get(column, 0)
    out: dict[tuple[str, str], int] = dict(totals)
    for field in ("gender", "age", "education", "occupation"):
        known = sum(v for (f, _c), v in totals.items() if f == field)
        out[(field, "")] = n - known
    return out


# -- compaction -------------------------------------------------------------------------


def compact(*, period_id: int | None = None, lock_timeout_ms: int = 200) -> int:
    """Fold every cell's shards into shard 0; returns the number of rows removed.

    Writers spread a busy cell over SHARDS rows so that they do not queue on one row lock;
    readers then sum more rows than there are cells. Folding keeps reads proportional to
    the cells. It is safe while responses arrive: on PostgreSQL one statement deletes the
    other shards and adds them to shard 0 (a writer waiting on a deleted row inserts it
    afresh); it gives up after ``lock_timeout_ms`` rather than make writers wait (run it
    again later); on SQLite the transaction holds the database. One transaction per
    period and unit keeps the locks few.
    """
    keys = ", ".join(KEY_COLUMNS)
    sums = ", ".join(f"SUM({c})" for c in COUNT_COLUMNS)
    upsert_tail = UPSERT_SQL[UPSERT_SQL.index(" ON CONFLICT") :]
    insert = f"INSERT INTO {_TABLE} ({keys}, shard, {', '.join(COUNT_COLUMNS)})"
    pairs = CellCount.objects.filter(shard__gt=0)
    if period_id is not None:
        pairs = pairs.filter(period_id=period_id)
    rows = CellCount.objects.all()
    if period_id is not None:
        rows = rows.filter(period_id=period_id)
    before = rows.count()
    for period, unit in sorted(set(pairs.values_list("period_id", "unit_id"))):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}")
                    cursor.execute(
                        f"WITH moved AS (DELETE FROM {_TABLE}"  # noqa: S608
                        " WHERE period_id = %s AND unit_id = %s AND shard > 0 RETURNING *)"
                        f" {insert} SELECT {keys}, 0, {sums} FROM moved GROUP BY {keys}"
                        f"{upsert_tail}",
                        [period, unit],
                    )
                else:
                    cursor.execute(
                        f"{insert} SELECT {keys}, 0, {sums} FROM {_TABLE}"  # noqa: S608
                        f" WHERE period_id = %s AND unit_id = %s AND shard > 0"
                        f" GROUP BY {keys}{upsert_tail}",
                        [period, unit],
                    )
                    cursor.execute(
                        f"DELETE FROM {_TABLE} WHERE period_id = %s AND unit_id = %s"  # noqa: S608
                        " AND shard > 0",
                        [period, unit],
                    )
        except OperationalError:
            continue  # busy (lock timeout): leave this unit for the next run
    return before - rows.count()


# -- verification -----------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    period_id: int
    unit_id: int
    service_key: int
    channel: str
    figure: str  # "n/sum_a/sum_a2 (answered weight b)", or a count column
    counted: int
    actual: int


def _where(period_id: int, unit_ids: Sequence[int] | None, alias: str) -> tuple[str, list]:
    where, params = [f"{alias}.period_id = %s"], [period_id]
    if alias == "r":  # deleted responses and those held for review count nowhere
        where.append("r.deleted_at IS NULL AND r.held_at IS NULL")
    if unit_ids is not None:
        where.append(f"{alias}.unit_id IN ({', '.join(['%s'] * len(unit_ids)) or 'NULL'})")
        params.extend(unit_ids)
    return " AND ".join(where), params


def raw_cells(period: Period, unit_ids: Sequence[int] | None = None) -> dict[tuple, Counter]:
    """Per cell (period, unit, service_key, channel) every figure recomputed from the raw
    responses: moments as ``n@b``, ``sum_a@b``, ``sum_a2@b``; score and profile columns.
    Three grouped queries; slow on purpose (it reads every answer)."""
    response_t, answer_t = Response._meta.db_table, Answer._meta.db_table
    element_t = QuestionnaireElement._meta.db_table
    units = period_units(period)
    cells: dict[tuple, Counter] = defaultdict(Counter)
    where, params = _where(period.pk, unit_ids, "r")
    cell = "r.period_id, r.unit_id, COALESCE(r.service_id, 0), r.channel"
    unit_case = " ".join(f"WHEN {p} THEN {u}" for p, u in units.items()) or "WHEN 0 THEN 1"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {cell}, e.position, a.value, COUNT(*)"  # noqa: S608 (table names only)
            f" FROM {answer_t} a JOIN {response_t} r ON r.id = a.response_id"
            f" JOIN {element_t} e ON e.id = a.element_id"
            f" WHERE {where} GROUP BY {cell}, e.position, a.value",
            params,
        )
        for p, u, s, c, position, value, n in cursor.fetchall():
            cells[(p, u, int(s), c)][score_column(int(position), int(value))] += int(n)
        cursor.execute(
            "SELECT period_id, unit_id, service_key, channel, b, COUNT(*), SUM(a), SUM(a * a)"  # noqa: S608
            " FROM (SELECT r.period_id, r.unit_id, COALESCE(r.service_id, 0) AS service_key,"
            " r.channel,"
            f" SUM(a.value * CASE e.position {unit_case} ELSE 1 END) AS a,"
            f" SUM(CASE e.position {unit_case} ELSE 1 END) AS b"
            f" FROM {answer_t} a JOIN {response_t} r ON r.id = a.response_id"
            f" JOIN {element_t} e ON e.id = a.element_id"
            f" WHERE {where} GROUP BY r.id, {cell}) per_response"
            " GROUP BY period_id, unit_id, service_key, channel, b",
            params,
        )
        for p, u, s, c, b, n, sa, sa2 in cursor.fetchall():
            counter = cells[(p, u, int(s), c)]
            counter[f"n@{int(b)}"] += int(n)
            counter[f"sum_a@{int(b)}"] += int(sa)
            counter[f"sum_a2@{int(b)}"] += int(sa2)
        # Profile counts of responses that have answers (a response always has some).
        answered = f"EXISTS (SELECT 1 FROM {answer_t} x WHERE x.response_id = r.id)"  # noqa: S608
        for field in ("gender", "education", "occupation", "age"):
            cursor.execute(
                f"SELECT {cell}, r.{field}, COUNT(*) FROM {response_t} r"  # noqa: S608
                f" WHERE {where} AND {answered} GROUP BY {cell}, r.{field}",
                params,
            )
            for p, u, s, c, value, n in cursor.fetchall():
                code = age_group(value) if field == "age" else (value or "")
                column = PROFILE_COLUMNS.get((field, code))
                if column is not None:
                    cells[(p, u, int(s), c)][column] += int(n)
    return {k: Counter({f: v for f, v in c.items() if v}) for k, c in cells.items()}


def stored_cells(period: Period, unit_ids: Sequence[int] | None = None) -> dict[tuple, Counter]:
    """The maintained counts in the same shape as ``raw_cells``."""
    where, params = _where(period.pk, unit_ids, "t")
    keys = "t.period_id, t.unit_id, t.service_key, t.channel, t.weight_group"
    sql = (
        f"SELECT {keys}, {', '.join(f'SUM(t.{c})' for c in COUNT_COLUMNS)}"  # noqa: S608
        f" FROM {_TABLE} t WHERE {where} GROUP BY {keys}"
    )
    cells: dict[tuple, Counter] = defaultdict(Counter)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for p, u, s, c, b, *values in cursor.fetchall():
            counter = cells[(p, u, int(s), c)]
            for column, value in zip(COUNT_COLUMNS, values, strict=True):
                if column in MOMENT_COLUMNS:
                    counter[f"{column}@{int(b)}"] += int(value or 0)
                else:
                    counter[column] += int(value or 0)
    return {k: Counter({f: v for f, v in c.items() if v}) for k, c in cells.items()}


def _periods(period_id: int | None) -> list[Period]:
    """Periods to check; those whose responses the retention rule removed have only their
    counts left, so there is nothing to compare them with."""
    if period_id is not None:
        return list(Period.objects.filter(pk=period_id, raw_removed_at__isnull=True))
    with_data = set(Response.objects.values_list("period_id", flat=True).distinct())
    with_data |= set(CellCount.objects.values_list("period_id", flat=True).distinct())
    return list(Period.objects.filter(pk__in=with_data, raw_removed_at__isnull=True).order_by("pk"))


# The distribution column (docs/scaling.md): every row of these tables carries the agency
# of its unit (answers and reviews: of their response). (table, alias, how the unit's
# agency is reached, what verify calls the rows)
_AGENCY_CHECKS = (
    ("surveys_response", "r", "JOIN org_unit u ON u.id = r.unit_id", "u.agency_id", "responses"),
    (
        "surveys_answer",
        "a",
        "JOIN surveys_response r ON r.id = a.response_id",
        "r.agency_id",
        "answers",
    ),
    (
        "surveys_suggestionreview",
        "v",
        "JOIN surveys_response r ON r.id = v.response_id",
        "r.agency_id",
        "suggestion reviews",
    ),
    ("surveys_cellcount", "t", "JOIN org_unit u ON u.id = t.unit_id", "u.agency_id", "counts"),
)


def agency_differences(period_id: int, unit_ids: Sequence[int] | None = None) -> list[Difference]:
    """Rows whose distribution column is not their unit's agency (a write path that forgot
    it): per unit, how many, as ``counted`` (``actual`` is 0)."""
    differences = []
    for table, alias, join, expected, label in _AGENCY_CHECKS:
        owner = "r" if alias in ("a", "v") else alias
        where = [f"{owner}.period_id = %s", f"{alias}.agency_id <> {expected}"]
        params: list = [period_id]
        if unit_ids is not None:
            where.append(f"{owner}.unit_id IN ({', '.join(['%s'] * len(unit_ids)) or 'NULL'})")
            params.extend(unit_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {owner}.unit_id, COUNT(*) FROM {table} {alias} {join}"  # noqa: S608
                f" WHERE {' AND '.join(where)} GROUP BY {owner}.unit_id",
                params,
            )
            for unit_id, wrong in cursor.fetchall():
                differences.append(
                    Difference(period_id, unit_id, 0, "", f"agency_id ({label})", wrong, 0)
                )
    return differences


def agency_repair(period_id: int) -> None:
    """Set the distribution column from the unit (responses, counts) or the response."""
    with connection.cursor() as cursor:
        for table, alias, join, expected, _label in _AGENCY_CHECKS:
            source = "org_unit u" if expected.startswith("u.") else "surveys_response r"
            link = join.split(" ON ", 1)[1]
            owner = "r" if alias in ("a", "v") else alias
            period_filter = (
                f"{alias}.period_id = %s"
                if owner == alias
                else f"{alias}.response_id IN"  # noqa: S608 (names only)
                " (SELECT id FROM surveys_response WHERE period_id = %s)"
            )
            cursor.execute(
                f"UPDATE {table} AS {alias} SET agency_id = (SELECT {expected} FROM {source}"  # noqa: S608
                f" WHERE {link}) WHERE {period_filter}",
                [period_id],
            )


def verify(
    *, period_id: int | None = None, unit_ids: Sequence[int] | None = None
) -> list[Difference]:
    """Every figure where the maintained counts differ from the raw answers, and every
    row whose distribution column is not its unit's agency (empty = all good)."""
    differences = []
    for period in _periods(period_id):
        differences.extend(agency_differences(period.pk, unit_ids))
        raw = raw_cells(period, unit_ids)
        stored = stored_cells(period, unit_ids)
        for cell in sorted(set(raw) | set(stored)):
            have, want = stored.get(cell, Counter()), raw.get(cell, Counter())
            for figure in sorted(set(have) | set(want)):
                if have.get(figure, 0) != want.get(figure, 0):
                    differences.append(
                        Difference(*cell, figure, have.get(figure, 0), want.get(figure, 0))
                    )
    return differences


def rebuild(*, period_id: int | None = None) -> int:
    """Replace the counts by the raw recount (repair after a bug, a weighting change, or a
    migration); returns the number of cells."""
    cells = 0
    with transaction.atomic():
        for period in _periods(period_id):
            agency_repair(period.pk)
            CellCount.objects.filter(period=period).delete()
            deltas: dict[CellKey, dict[str, int]] = {}
            raw = raw_cells(period)
            agencies = dict(
                Unit.objects.filter(pk__in={cell[1] for cell in raw}).values_list("id", "agency_id")
            )
            for (p, u, s, c), figures in raw.items():
                groups = sorted(
                    {int(f.split("@")[1]) for f in figures if "@" in f}, key=lambda b: -b
                )
                if not groups:
                    continue
                cells += 1
                for i, b in enumerate(groups):
                    delta = {m: figures.get(f"{m}@{b}", 0) for m in MOMENT_COLUMNS}
                    if i == 0:  # score and profile counts go with the first group's row
                        for column in (*SCORE_COLUMNS, *PROFILE_COLUMNS.values()):
                            delta[column] = figures.get(column, 0)
                    deltas[(agencies[u], p, u, s, c, b)] = delta
            counts_add(deltas)
    return cells
