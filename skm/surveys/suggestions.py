"""Suggestions (saran/masukan) of a unit's respondents, and staff's triage of them.

A suggestion's element is what staff confirmed, else what the lexicon proposed. "Confirmed"
means a member of staff saved the review (``updated_by`` set) or chose an element: the
model keeps ``element`` empty both for "not yet decided" and "not about any element", and
the author tells them apart. (A review whose author was deleted and who chose "not about
any element" falls back to the lexicon's proposal; rare, and the proposal is shown as such.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from skm.org.models import Unit
from skm.surveys.lexicon import suggest_element
from skm.surveys.models import Period, Response, SuggestionReview

Status = SuggestionReview.Status

# The element filter's value for suggestions about no element.
NO_ELEMENT = "-"


class SuggestionReviewError(ValueError):
    """A review that cannot be stored; ``message`` is shown to staff."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _period_element_codes(period: Period) -> list[str]:
    return list(period.questionnaire.elements.order_by("position").values_list("code", flat=True))


def _confirmed() -> Q:
    return Q(review__updated_by__isnull=False) | ~Q(review__element="")


def _with_review_fields(queryset: QuerySet[Response]) -> QuerySet[Response]:
    # A response without a review yet counts as new and as "no element" until the backfill
    # gives it the lexicon's proposal.
    return queryset.annotate(
        review_status=Coalesce(F("review__status"), Value(Status.NEW)),
        review_element=Case(
            When(review__isnull=True, then=Value("")),
            When(_confirmed(), then=F("review__element")),
            default=F("review__suggested_element"),
            output_field=CharField(),
        ),
        review_confirmed=Case(
            When(review__isnull=True, then=Value(False)),
            When(_confirmed(), then=Value(True)),
            default=Value(False),
        ),
    )


def _base(unit: Unit, period: Period) -> QuerySet[Response]:
    return Response.objects.filter(period=period, unit__path__startswith=unit.path).exclude(
        suggestion=""
    )


def suggestions_for(
    unit: Unit,
    period: Period,
    *,
    query: str | None = None,
    status: str | None = None,
    element: str | None = None,
) -> QuerySet[Response]:
    """Responses with a suggestion in the unit's subtree for the period, newest first.

    Each row carries ``review_status``, ``review_element`` (confirmed, else proposed; ""
    for none) and ``review_confirmed``; service, unit and review come in the same query.
    ``query``: every word must occur in the text (case-insensitive). ``element``: a code,
    or NO_ELEMENT for suggestions about no element.
    """
    rows = _with_review_fields(_base(unit, period))
    for word in (query or "").split():
        rows = rows.filter(suggestion__icontains=word)
    if status:
        rows = rows.filter(review_status=status)
    if element:
        rows = rows.filter(review_element="" if element == NO_ELEMENT else element)
    return rows.select_related("service", "unit", "review").order_by("-submitted_at", "-pk")


@dataclass(frozen=True)
class SuggestionCounts:
    total: int
    by_status: dict[str, int]
    by_element: dict[str, int]  # "" for suggestions about no element


def suggestion_counts(unit: Unit, period: Period) -> SuggestionCounts:
    """How many suggestions the unit's subtree has per status and per element."""
    rows = _with_review_fields(_base(unit, period))
    by_status = {
        row["review_status"]: row["n"]
        for row in rows.order_by().values("review_status").annotate(n=Count("pk"))
    }
    by_element = {
        row["review_element"]: row["n"]
        for row in rows.order_by().values("review_element").annotate(n=Count("pk"))
    }
    return SuggestionCounts(
        total=sum(by_status.values()), by_status=by_status, by_element=by_element
    )


def suggestion_review_set(
    *, response: Response, element: str, status: str, user
) -> SuggestionReview:
    """Staff's decision on a suggestion: its element ("" for none) and its status.

    Creates the review when missing, recording the lexicon's proposal so that it is kept
    next to what staff chose.
    """
    codes = _period_element_codes(response.period)
    if element and element not in codes:
        raise SuggestionReviewError(
            _("Element %(code)s is not in the questionnaire of the period %(period)s.")
            % {"code": element, "period": response.period.name}
        )
    if status not in Status.values:
        raise SuggestionReviewError(_("Unknown status: %(status)s.") % {"status": status})
    if not response.suggestion:
        raise SuggestionReviewError(_("This respondent wrote no suggestion."))
    with transaction.atomic():
        review = SuggestionReview.objects.select_for_update().filter(response=response).first()
        if review is None:
            proposed, _scores = suggest_element(response.suggestion, codes)
            review = SuggestionReview(
                response=response,
                agency_id=response.agency_id,
                suggested_element=proposed or "",
            )
        review.element = element
        review.status = status
        review.updated_by = user
        review.save()
    return review


def suggestion_reviews_backfill(*, unit: Unit, period: Period) -> int:
    """Give every suggestion of the unit's subtree in the period that has no review one,
    with the lexicon's proposal. Idempotent; returns how many were created."""
    codes = _period_element_codes(period)
    with transaction.atomic():
        missing = (
            _base(unit, period)
            .filter(review__isnull=True)
            .values_list("pk", "agency_id", "suggestion")
        )
        reviews = [
            SuggestionReview(
                response_id=pk,
                agency_id=agency_id,
                suggested_element=suggest_element(text, codes)[0] or "",
            )
            for pk, agency_id, text in missing
        ]
        # ignore_conflicts: a concurrent backfill of an overlapping unit may get there first.
        SuggestionReview.objects.bulk_create(reviews, batch_size=500, ignore_conflicts=True)
    return len(reviews)
