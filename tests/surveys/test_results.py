"""Results from the database equal skm.method on the same answers."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skm.method import Summary, Tally, compute
from skm.method.elements import DEFAULT_ELEMENTS
from skm.surveys.counts import verify
from skm.surveys.models import CellCount, Period, Response
from skm.surveys.selectors import period_result, period_summary, period_tally
from skm.surveys.services import period_create, questionnaire_create, response_create

CODES = [e.code for e in DEFAULT_ELEMENTS]


def _store(period, unit, vectors, service=None, when=None):
    for vector in vectors:
        response_create(
            period=period,
            unit=unit,
            service=service,
            channel=Response.Channel.PAPER,
            answers=dict(zip(CODES, vector, strict=True)),
            submitted_at=when,
        )


answer = st.one_of(st.none(), st.integers(1, 4))
vectors = st.lists(
    st.lists(answer, min_size=9, max_size=9).filter(lambda v: any(v)), min_size=1, max_size=25
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=vectors)
def test_database_tally_equals_the_python_tally(period, unit, data):
    Response.objects.all().delete()
    CellCount.objects.all().delete()
    _store(period, unit, data)
    expected = Tally(9)
    for vector in data:
        expected.add(vector)
    assert period_tally(period).patterns == expected.patterns
    # the maintained counts and a scan of the raw answers agree
    assert period_summary(period) == Summary.from_tally(expected, (1,) * 9)
    assert period_summary(period, date_from=period.start_date) == period_summary(period)
    assert verify(period_id=period.pk) == []
    assert (
        period_result(period).to_dict()
        == compute(expected, DEFAULT_ELEMENTS, population=period.population).to_dict()
    )


def test_subtree_service_and_date_filters(period, unit, child, service):
    rng = random.Random(7)
    own = [tuple(rng.randint(3, 4) for _ in CODES) for _ in range(5)]
    below = [tuple(rng.randint(1, 2) for _ in CODES) for _ in range(4)]
    march = timezone.make_aware(dt.datetime(2025, 3, 10, 9))
    may = timezone.make_aware(dt.datetime(2025, 5, 10, 9))
    _store(period, unit, own, service=service, when=march)
    _store(period, child, below, when=may)

    assert period_summary(period).respondents == 9
    assert period_summary(period, unit=child).respondents == 4
    assert period_summary(period, service=service).respondents == 5
    assert period_summary(period, date_to=dt.date(2025, 3, 31)).respondents == 5
    assert period_summary(period, date_from=dt.date(2025, 5, 10)).respondents == 4
    # the population belongs to the period's own unit, not to a unit below it
    assert period_result(period).sample is not None
    assert period_result(period, unit=child).sample is None


def test_custom_weights_and_weighting_conventions_come_from_the_period(unit):
    weights = [Decimal("0.2"), Decimal("0.1")] + [Decimal("0.1")] * 7
    questionnaire = questionnaire_create(name="Berbobot", weights=weights)
    period = period_create(
        unit=unit,
        name="Tahun 2025",
        kind=Period.Kind.YEAR,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
        weighting=Period.Weighting.CUSTOM,
        questionnaire=questionnaire,
    )
    _store(period, unit, [(4, 1, 1, 1, 1, 1, 1, 1, 1)])
    # NI = 0.2*4 + 0.8*1 = 1.6 -> IKM 40.00
    assert period_result(period).ikm_text == "40.00"
    period.weighting = Period.Weighting.W011
    period.save()  # leaving the custom weighting rebuilds the counts with equal units
    # 0.11 * 12 * 25 = 33.00
    assert period_result(period).ikm_text == "33.00"
    assert verify(period_id=period.pk) == []


def test_switching_to_and_from_custom_weights_keeps_counts_and_intervals_exact(unit):
    weights = [Decimal(w) for w in ("0.2", "0.15", "0.05", "0.1", "0.1", "0.1", "0.1", "0.1")]
    weights.append(Decimal("0.1"))
    questionnaire = questionnaire_create(name="Berbobot 2", weights=weights)
    period = period_create(
        unit=unit,
        name="Tahun 2025",
        kind=Period.Kind.YEAR,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
        population=500,
        questionnaire=questionnaire,
    )
    rng = random.Random(3)
    vectors = [
        tuple(None if rng.random() < 0.1 else rng.randint(1, 4) for _ in CODES) for _ in range(40)
    ]
    vectors = [v for v in vectors if any(v)]
    _store(period, unit, vectors)
    for weighting in (Period.Weighting.CUSTOM, Period.Weighting.EXACT, Period.Weighting.CUSTOM):
        period.weighting = weighting
        period.save()
        assert verify(period_id=period.pk) == []
        expected = compute(
            period_tally(period),
            DEFAULT_ELEMENTS,
            weighting=weighting,
            weights=weights if weighting == Period.Weighting.CUSTOM else None,
            population=500,
        )
        assert period_result(period).to_dict() == expected.to_dict()
        assert expected.ci95 is not None
