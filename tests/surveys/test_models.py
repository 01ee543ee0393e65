"""Database constraints hold even when code forgets them."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from skm.surveys.models import Answer, Period, Response
from skm.surveys.services import response_create


def _response(period, unit):
    return response_create(period=period, unit=unit, channel="paper", answers={"U1": 4})


@pytest.mark.parametrize("value", [0, 5])
def test_answer_value_outside_1_to_4_is_refused_by_the_database(period, unit, value):
    response = _response(period, unit)
    element = period.questionnaire.elements.get(code="U2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, element=element, value=value)
    assert Answer.objects.filter(element=element).count() == 0


def test_one_answer_per_element_per_response(period, unit):
    response = _response(period, unit)
    element = period.questionnaire.elements.get(code="U1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, element=element, value=3)
    assert response.answers.count() == 1


def test_period_dates_must_be_ordered(period):
    with pytest.raises(IntegrityError), transaction.atomic():
        Period.objects.filter(pk=period.pk).update(start_date=dt.date(2025, 7, 1))


def test_population_must_be_positive(period):
    with pytest.raises(IntegrityError), transaction.atomic():
        Period.objects.filter(pk=period.pk).update(population=0)


def test_age_must_be_plausible(period, unit):
    response = _response(period, unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(age=3)


def test_questionnaire_locks_once_answered(period, unit):
    questionnaire = period.questionnaire
    assert not questionnaire.is_locked
    _response(period, unit)
    assert questionnaire.is_locked
