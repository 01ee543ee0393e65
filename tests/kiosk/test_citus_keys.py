"""The keys of deploy/citus/1-widen-keys.sql (docs/scaling.md, section 5): the application
runs unchanged once every key of the large tables includes agency_id. PostgreSQL only (the
file is PostgreSQL DDL); the DDL runs inside the test's transaction and is rolled back."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from skm.plans.models import PlanItem
from skm.plans.services import item_create, plan_create
from skm.surveys.counts import compact, rebuild, verify
from skm.surveys.models import Answer, CellCount, Period, Response, SuggestionReview
from skm.surveys.retention import retention_apply
from skm.surveys.selectors import period_result
from skm.surveys.services import response_create, response_delete
from skm.surveys.suggestions import suggestion_review_set, suggestion_reviews_backfill

WIDEN = Path(__file__).resolve().parents[2] / "deploy" / "citus" / "1-widen-keys.sql"
ALL = {f"U{i}": 3 for i in range(1, 10)}

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL DDL (DATABASE_URL=postgres://...)"
)


def _widen() -> None:
    sql = "\n".join(
        line for line in WIDEN.read_text().splitlines() if line not in ("BEGIN;", "COMMIT;")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'surveys_answer'::regclass AND contype = 'p'"
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (agency_id, id)"


def _kiosk_post(client, token, body):
    return client.post(
        "/kios/api/responses",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _submission():
    return {
        "client_id": str(uuid.uuid4()),
        "given_at": timezone.now().isoformat(),
        "answers": dict(ALL),
        "profile": {"gender": "P", "age": 30, "education": "SMA", "occupation": "SWASTA"},
        "suggestion": "Antrean terlalu lama, mohon ditambah loket.",
    }


def test_every_write_and_read_works_on_the_widened_keys(client, unit, kiosk_token, open_period):
    _widen()
    _kiosk, token = kiosk_token
    bodies = [_submission() for _ in range(3)]
    # The first goes the full way, the next ones the one-statement way; then a replay.
    assert [_kiosk_post(client, token, b).status_code for b in bodies] == [201, 201, 201]
    assert _kiosk_post(client, token, bodies[1]).status_code == 200
    client_id = uuid.uuid4()
    form = response_create(
        period=open_period,
        unit=unit,
        channel="online",
        answers=ALL,
        client_id=client_id,
        suggestion="Ruang tunggu panas.",
    )
    again = response_create(
        period=open_period, unit=unit, channel="online", answers=ALL, client_id=client_id
    )
    assert again.pk == form.pk and Response.objects.count() == 4
    assert Answer.objects.count() == 36

    assert suggestion_reviews_backfill(unit=unit, period=open_period) == 4
    suggestion_review_set(response=form, element="U9", status="ditindaklanjuti", user=None)
    assert SuggestionReview.objects.get(response=form).element == "U9"
    assert period_result(open_period).respondents == 4

    plan = plan_create(period=open_period, unit=unit, user=None)
    priority = plan.priorities.first()
    data = {
        "activity": "Menambah loket.",
        "quarters": "3",
        "year": 2026,
        "horizon": "pendek",
        "owner_title": "Kepala Dinas",
    }
    item = item_create(priority, data=data, user=None, suggestions=[form])
    assert list(item.suggestions.all()) == [form]

    response_delete(
        response=Response.objects.exclude(pk=form.pk).first(), reason="Ganda", user=None
    )
    assert period_result(open_period).respondents == 3
    compact(period_id=open_period.pk)
    assert verify(period_id=open_period.pk) == []
    assert rebuild(period_id=open_period.pk) > 0
    assert verify(period_id=open_period.pk) == []

    Period.objects.filter(pk=open_period.pk).update(status=Period.Status.CLOSED)
    # Retention removes the raw rows (answers, reviews, plan links first); counts stay.
    results = retention_apply(years=0, today=open_period.end_date + dt.timedelta(days=1))
    assert [r.responses for r in results] == [4]
    assert not Response.all_objects.exists() and not Answer.objects.exists()
    assert not PlanItem.suggestions.through.objects.exists()
    assert CellCount.objects.filter(agency=unit.agency).exists()
