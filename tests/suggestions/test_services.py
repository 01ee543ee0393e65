"""Suggestion selectors and services: subtree, search, filters, review and backfill."""

from __future__ import annotations

import pytest

from skm.surveys.models import Period, SuggestionReview
from skm.surveys.services import period_create
from skm.surveys.suggestions import (
    NO_ELEMENT,
    SuggestionReviewError,
    suggestion_counts,
    suggestion_review_set,
    suggestion_reviews_backfill,
    suggestions_for,
)

pytestmark = pytest.mark.django_db


def test_suggestions_of_the_subtree_newest_first_without_empty_ones(
    add_response, current_period, unit, child, other_unit
):
    old = add_response("Antrean lama", days_ago=5)
    new = add_response("Toilet kotor", days_ago=1, where=child)
    add_response("", days_ago=2)
    elsewhere = period_create(
        unit=other_unit,
        name="Lain",
        kind=Period.Kind.SEMESTER,
        start_date=current_period.start_date,
        end_date=current_period.end_date,
        status=Period.Status.OPEN,
    )
    add_response("Parkir sempit", where=other_unit, period=elsewhere)
    rows = list(suggestions_for(unit, current_period))
    assert [r.pk for r in rows] == [new.pk, old.pk]
    assert [r.pk for r in suggestions_for(child, current_period)] == [new.pk]


def test_search_needs_every_word_in_any_case(add_response, current_period, unit):
    a = add_response("Antrean terlalu LAMA di loket")
    add_response("Antrean cepat")
    add_response("Proses lama")
    rows = suggestions_for(unit, current_period, query="  lama   antrean ")
    assert [r.pk for r in rows] == [a.pk]


def test_backfill_gives_each_suggestion_one_review_and_is_idempotent(
    add_response, current_period, unit, child
):
    a = add_response("Antrean terlalu lama")
    b = add_response("Terima kasih", where=child)
    add_response("")
    assert suggestion_reviews_backfill(unit=unit, period=current_period) == 2
    assert suggestion_reviews_backfill(unit=unit, period=current_period) == 0
    reviews = {r.response_id: r for r in SuggestionReview.objects.all()}
    assert set(reviews) == {a.pk, b.pk}
    assert (reviews[a.pk].suggested_element, reviews[a.pk].element) == ("U3", "")
    assert (reviews[b.pk].suggested_element, reviews[b.pk].status) == ("", "baru")
    assert reviews[a.pk].updated_by is None


def test_review_set_creates_the_review_keeping_the_lexicon_proposal(
    add_response, operator, current_period, unit
):
    response = add_response("Ruang tunggu panas")
    review = suggestion_review_set(
        response=response, element="U3", status="ditindaklanjuti", user=operator
    )
    review.refresh_from_db()
    assert (review.suggested_element, review.element, review.status, review.updated_by) == (
        "U9",
        "U3",
        "ditindaklanjuti",
        operator,
    )
    # The correction wins over the proposal everywhere.
    row = suggestions_for(unit, current_period).get()
    assert (row.review_element, row.review_status, row.review_confirmed) == (
        "U3",
        "ditindaklanjuti",
        True,
    )


def test_review_set_updates_an_existing_review(add_response, operator, current_period, unit):
    response = add_response("Ruang tunggu panas")
    suggestion_reviews_backfill(unit=unit, period=current_period)
    suggestion_review_set(response=response, element="", status="tidak_relevan", user=operator)
    review = SuggestionReview.objects.get()
    assert (review.suggested_element, review.element, review.status) == (
        "U9",
        "",
        "tidak_relevan",
    )
    # Confirmed "not about any element", not the lexicon's U9.
    row = suggestions_for(unit, current_period).get()
    assert (row.review_element, row.review_confirmed) == ("", True)
    assert list(suggestions_for(unit, current_period, element=NO_ELEMENT)) == [row]
    assert list(suggestions_for(unit, current_period, element="U9")) == []


@pytest.mark.parametrize(
    ("element", "status"), [("U10", "baru"), ("U3", "selesai"), ("u3", "baru")]
)
def test_review_set_refuses_bad_values_and_writes_nothing(add_response, operator, element, status):
    response = add_response("Antrean lama")
    with pytest.raises(SuggestionReviewError):
        suggestion_review_set(response=response, element=element, status=status, user=operator)
    assert SuggestionReview.objects.count() == 0


def test_filters_and_counts(add_response, operator, current_period, unit):
    a = add_response("Antrean lama", days_ago=3)
    b = add_response("Petugas judes", days_ago=2)
    c = add_response("Terima kasih", days_ago=1)
    suggestion_reviews_backfill(unit=unit, period=current_period)
    suggestion_review_set(response=b, element="U7", status="ditindaklanjuti", user=operator)

    def pks(**filters):
        return [r.pk for r in suggestions_for(unit, current_period, **filters)]

    assert pks(status="baru") == [c.pk, a.pk]
    assert pks(status="ditindaklanjuti") == [b.pk]
    assert pks(element="U3") == [a.pk]
    assert pks(element=NO_ELEMENT) == [c.pk]
    assert pks(element="U7", status="baru") == []
    counts = suggestion_counts(unit, current_period)
    assert counts.total == 3
    assert counts.by_status == {"baru": 2, "ditindaklanjuti": 1}
    assert counts.by_element == {"U3": 1, "U7": 1, "": 1}
