"""Maintaining and reading the answer-pattern counts (TallyCount).

Every write of responses calls ``counts_add`` inside its own transaction, so the counts
are exactly the responses at every commit. ``verify`` recomputes from the raw answers.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from skm.surveys.models import Answer, Response, TallyCount

SHARDS = 8
CountKey = tuple[int, int, int, str, int]  # period, unit, service_key, channel, code


def pattern_code(values: Iterable[tuple[int, int]]) -> int:
    """Base-5 code of (position, score) pairs: the same number the SQL in selectors makes."""
    return sum(score * 5**position for position, score in values)


def counts_add(deltas: Counter[CountKey] | dict[CountKey, int]) -> None:
    """Add ``n`` to the count of each key (negative to remove), in the caller's transaction.

    One upsert statement per key; the shard is chosen at random per call so that two
    concurrent submissions of the same pattern rarely touch the same row.
    """
    rows = [(k, n) for k, n in deltas.items() if n]
    if not rows:
        return
    table = TallyCount._meta.db_table
    shard = random.randrange(SHARDS)
    sql = (
        f"INSERT INTO {table} (period_id, unit_id, service_key, channel, code, shard, n) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (period_id, unit_id, service_key, channel, code, shard) "
        f"DO UPDATE SET n = {table}.n + excluded.n"
    )
    params = [(*key, shard, n) for key, n in sorted(rows)]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def counts_add_rows(
    rows: Iterable[tuple[Response, Sequence[int | None]]], positions: Sequence[int]
) -> None:
    """Count freshly stored responses, each with its answers in questionnaire order
    (``positions``: the questionnaire position of each answer slot; 0/None = no answer)."""
    deltas: Counter[CountKey] = Counter()
    for response, answers in rows:
        code = pattern_code((positions[i], v) for i, v in enumerate(answers) if v)
        key = (
            response.period_id,
            response.unit_id,
            response.service_id or 0,
            response.channel,
            code,
        )
        deltas[key] += 1
    counts_add(deltas)


def counts_for_response(response: Response, positions: dict[int, int]) -> Counter[CountKey]:
    """The count key of one stored response (``positions``: element id -> position)."""
    code = pattern_code(
        (positions[element_id], value)
        for element_id, value in response.answers.values_list("element_id", "value")
    )
    return Counter(
        {
            (
                response.period_id,
                response.unit_id,
                response.service_id or 0,
                response.channel,
                code,
            ): 1
        }
    )


@dataclass(frozen=True)
class Difference:
    period_id: int
    unit_id: int
    service_key: int
    channel: str
    code: int
    counted: int
    actual: int


def raw_counts(*, period_id: int | None = None, unit_ids: list[int] | None = None) -> Counter:
    """Count keys recomputed from the individual answers (slow; for verification)."""
    answer_t = Answer._meta.db_table
    response_t = Response._meta.db_table
    from skm.surveys.models import QuestionnaireElement

    element_t = QuestionnaireElement._meta.db_table
    where, params = ["1 = 1"], []
    if period_id is not None:
        where.append("r.period_id = %s")
        params.append(period_id)
    if unit_ids is not None:
        where.append(f"r.unit_id IN ({', '.join(['%s'] * len(unit_ids)) or 'NULL'})")
        params.extend(unit_ids)
    # 5^position as an integer without a power function: positions are below 20, so a
    # CASE over them is portable across SQLite and PostgreSQL.
    power = " ".join(f"WHEN {p} THEN {5**p}" for p in range(20))
    sql = (
        "SELECT period_id, unit_id, service_key, channel, code, COUNT(*) FROM ("  # noqa: S608
        " SELECT r.period_id, r.unit_id, COALESCE(r.service_id, 0) AS service_key,"
        f" r.channel, SUM(a.value * CASE e.position {power} END) AS code"
        f" FROM {response_t} r JOIN {answer_t} a ON a.response_id = r.id"
        f" JOIN {element_t} e ON e.id = a.element_id"
        f" WHERE {' AND '.join(where)}"
        " GROUP BY r.id, r.period_id, r.unit_id, r.service_id, r.channel"
        ") per_response GROUP BY period_id, unit_id, service_key, channel, code"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Counter(
            {(int(p), int(u), int(s), c, int(code)): int(n) for p, u, s, c, code, n in cursor}
        )


def stored_counts(*, period_id: int | None = None, unit_ids: list[int] | None = None) -> Counter:
    qs = TallyCount.objects.all()
    if period_id is not None:
        qs = qs.filter(period_id=period_id)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    out: Counter = Counter()
    for p, u, s, c, code, n in qs.values_list(
        "period_id", "unit_id", "service_key", "channel", "code", "n"
    ):
        out[(p, u, s, c, code)] += n
    return Counter({k: v for k, v in out.items() if v})


def verify(*, period_id: int | None = None, unit_ids: list[int] | None = None) -> list[Difference]:
    """Every key where the maintained counts differ from the raw answers (empty = all good)."""
    raw = raw_counts(period_id=period_id, unit_ids=unit_ids)
    stored = stored_counts(period_id=period_id, unit_ids=unit_ids)
    return [
        Difference(*key, counted=stored.get(key, 0), actual=raw.get(key, 0))
        for key in sorted(set(raw) | set(stored))
        if raw.get(key, 0) != stored.get(key, 0)
    ]


def rebuild(*, period_id: int | None = None) -> int:
    """Replace the counts by the raw recount (repair after a bug; also in migrations)."""
    from django.db import transaction

    with transaction.atomic():
        qs = TallyCount.objects.all()
        if period_id is not None:
            qs = qs.filter(period_id=period_id)
        qs.delete()
        raw = raw_counts(period_id=period_id)
        TallyCount.objects.bulk_create(
            TallyCount(period_id=p, unit_id=u, service_key=s, channel=c, code=code, n=n)
            for (p, u, s, c, code), n in raw.items()
        )
    return len(raw)
