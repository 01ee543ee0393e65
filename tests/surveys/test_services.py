import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from skm.org.services import unit_create
from skm.surveys.models import Answer, Period, Response
from skm.surveys.services import period_create, questionnaire_create, response_create


def test_response_create_stores_answers_and_profile(period, child, service):
    response = response_create(
        period=period,
        unit=child,
        service=service,
        channel=Response.Channel.PAPER,
        answers={"U1": 4, "U2": 3, "U3": None},
        gender="P",
        age=41,
        education="D4_S1",
        occupation="LAINNYA",
        occupation_other="Petani",
        suggestion="Antrean <b>lama</b>",
    )
    assert sorted(response.answers.values_list("element__code", "value")) == [("U1", 4), ("U2", 3)]
    assert response.suggestion == "Antrean <b>lama</b>"


@pytest.mark.parametrize(
    "answers",
    [{}, {"U1": None}, {"U1": 5}, {"U1": 0}, {"U10": 3}, {"U1": 4, "U2": "x"}],
)
def test_invalid_answers_write_nothing(period, unit, answers):
    with pytest.raises(ValidationError):
        response_create(period=period, unit=unit, channel="paper", answers=answers)
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0


def test_unit_outside_the_period_is_refused(period, agency):
    other = unit_create(agency=agency, name="Dinas Lain")
    with pytest.raises(ValidationError):
        response_create(period=period, unit=other, channel="paper", answers={"U1": 4})
    assert Response.objects.count() == 0


def test_invalid_profile_writes_nothing(period, unit):
    with pytest.raises(ValidationError):
        response_create(period=period, unit=unit, channel="paper", answers={"U1": 4}, gender="X")
    assert Response.objects.count() == 0


def test_period_with_reversed_dates_is_refused(unit):
    with pytest.raises(ValidationError):
        period_create(
            unit=unit,
            name="Salah",
            kind=Period.Kind.OTHER,
            start_date=dt.date(2025, 6, 1),
            end_date=dt.date(2025, 5, 1),
        )
    assert Period.objects.count() == 0


def test_questionnaire_versions_count_up(db):
    first = questionnaire_create(name="Kuesioner Puskesmas")
    second = questionnaire_create(name="Kuesioner Puskesmas")
    assert (first.version, second.version) == (1, 2)
    assert second.elements.count() == 9


def test_custom_weighting_needs_weights_that_sum_to_one(unit):
    questionnaire = questionnaire_create(name="Salah bobot", weights=[Decimal("0.1")] * 9)
    with pytest.raises(ValidationError) as error:
        period_create(
            unit=unit,
            name="Tahun 2025",
            kind=Period.Kind.YEAR,
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2025, 12, 31),
            weighting=Period.Weighting.CUSTOM,
            questionnaire=questionnaire,
        )
    assert "weighting" in error.value.message_dict
    assert Period.objects.count() == 0
