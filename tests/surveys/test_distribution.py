"""The distribution column (docs/scaling.md, section 5): every response, answer,
suggestion review and count row carries its unit's agency, on every write path, and the
keys that writes conflict on include it."""

import uuid

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import F

from skm.org.models import Agency, Unit
from skm.surveys.counts import verify
from skm.surveys.models import Answer, CellCount, Response, SuggestionReview
from skm.surveys.services import response_create
from skm.surveys.suggestions import suggestion_reviews_backfill

ALL = {f"U{i}": 3 for i in range(1, 10)}


def _wrong_rows() -> int:
    wrong = Response.all_objects.exclude(agency_id=F("unit__agency_id")).count()
    wrong += Answer.objects.exclude(agency_id=F("response__agency_id")).count()
    wrong += SuggestionReview.objects.exclude(agency_id=F("response__agency_id")).count()
    wrong += CellCount.objects.exclude(agency_id=F("unit__agency_id")).count()
    return wrong


def test_the_form_path_and_reviews_fill_it(period, unit, child):
    response_create(period=period, unit=child, channel="online", answers=ALL, suggestion="Antre")
    response_create(period=period, unit=unit, channel="paper", answers=ALL, suggestion="Ruang")
    assert suggestion_reviews_backfill(unit=unit, period=period) == 2
    assert Response.objects.filter(agency=unit.agency).count() == 2
    assert Answer.objects.filter(agency=unit.agency).count() == 18
    assert SuggestionReview.objects.filter(agency=unit.agency).count() == 2
    assert CellCount.objects.filter(agency=unit.agency).exists()
    assert _wrong_rows() == 0
    assert verify(period_id=period.pk) == []


def test_the_demo_fills_it(db):
    call_command("demo")
    assert Response.objects.exists()
    assert _wrong_rows() == 0


def test_a_client_id_is_unique_within_the_agency(period, unit):
    client_id = uuid.uuid4()
    first = response_create(
        period=period, unit=unit, channel="online", answers=ALL, client_id=client_id
    )
    # A replay finds it (idempotent), and the database refuses a second row.
    again = response_create(
        period=period, unit=unit, channel="online", answers=ALL, client_id=client_id
    )
    assert again.pk == first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            period=period,
            unit=unit,
            channel="online",
            submitted_at=first.submitted_at,
            client_id=client_id,
        )
    assert Response.all_objects.count() == 1


def test_verify_finds_a_row_with_another_agency_and_repair_fixes_it(period, unit, capsys):
    response_create(period=period, unit=unit, channel="paper", answers=ALL)
    other = Agency.objects.create(name="Pemerintah Kota Lain", slug="kota-lain")
    Answer.objects.filter(pk=Answer.objects.first().pk).update(agency=other)
    differences = verify(period_id=period.pk)
    assert [(d.unit_id, d.figure, d.counted) for d in differences] == [
        (unit.pk, "agency_id (answers)", 1)
    ]
    call_command("verify", "--repair")
    assert _wrong_rows() == 0
    assert verify(period_id=period.pk) == []


def test_a_saved_response_takes_the_units_agency(period, unit):
    response = Response(
        period=period, unit=unit, channel="paper", submitted_at=period_start(period)
    )
    response.save()
    assert response.agency_id == Unit.objects.get(pk=unit.pk).agency_id


def period_start(period):
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(period.start_date, dt.time(9)))
