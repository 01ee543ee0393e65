"""The per-cell counts: compaction folds shards without changing a figure."""

import random

import pytest
from django.core.management import call_command
from django.db import connection

from skm.method.elements import DEFAULT_ELEMENTS
from skm.surveys.counts import SHARDS, compact, verify
from skm.surveys.models import CellCount, Response
from skm.surveys.selectors import period_result
from skm.surveys.services import response_create

CODES = [e.code for e in DEFAULT_ELEMENTS]


def _store(period, unit, n, seed=1, **extra):
    rng = random.Random(seed)
    for _ in range(n):
        vector = [None if rng.random() < 0.05 else rng.randint(1, 4) for _ in CODES]
        vector[0] = vector[0] or 3
        response_create(
            period=period,
            unit=unit,
            channel=rng.choice([Response.Channel.PAPER, Response.Channel.ONLINE]),
            answers=dict(zip(CODES, vector, strict=True)),
            gender=rng.choice(["L", "P", ""]),
            age=rng.choice([None, 17, 25, 44, 70]),
            **extra,
        )


def test_compact_folds_every_cell_into_one_row_per_answered_weight(period, unit, child, service):
    _store(period, unit, 60, service=service)
    _store(period, child, 40, seed=2)
    before = period_result(period).to_dict()
    rows_before = CellCount.objects.count()
    groups = set(
        CellCount.objects.values_list(
            "unit_id", "service_key", "channel", "weight_group"
        ).distinct()
    )
    assert rows_before > len(groups)  # writes went to several shards
    assert max(CellCount.objects.values_list("shard", flat=True)) < SHARDS

    removed = compact(period_id=period.pk)

    assert removed == rows_before - len(groups)
    assert CellCount.objects.count() == len(groups)
    assert set(CellCount.objects.values_list("shard", flat=True)) == {0}
    assert verify(period_id=period.pk) == []
    assert period_result(period).to_dict() == before
    # writes after compaction go on as before; a second run folds only what is new
    _store(period, unit, 10, seed=3)
    assert verify() == []
    compact()
    assert verify() == []
    assert compact() == 0


def test_compact_command(period, unit, capsys):
    _store(period, unit, 20)
    call_command("compact", "--unit", unit.slug, "--period", period.slug)
    assert verify() == []
    assert set(CellCount.objects.values_list("shard", flat=True)) == {0}
    with pytest.raises(SystemExit):
        call_command("compact", "--unit", unit.slug)


@pytest.mark.django_db(transaction=True)
def test_compact_gives_up_on_a_busy_unit_and_changes_nothing(period, unit):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises writers)")
    import psycopg

    _store(period, unit, 30)
    rows = sorted(CellCount.objects.values_list("pk", "n"))
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=False,
    )
    try:
        # Another writer holds the unit's rows (as submissions in flight would).
        other.execute(
            f"SELECT 1 FROM {CellCount._meta.db_table} WHERE unit_id = %s FOR UPDATE", [unit.pk]
        )
        assert compact(period_id=period.pk, lock_timeout_ms=50) == 0
        assert sorted(CellCount.objects.values_list("pk", "n")) == rows
    finally:
        other.rollback()
        other.close()
    assert compact(period_id=period.pk) > 0
    assert verify() == []
