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
from skm.surveys.lexicon import complaint_themes, is_complaint, normalise, suggest_element
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


# The theme filter: complaints and requests, thanks and praise, or one repeated complaint
# ("t:" + its normalised words, as skm.surveys.lexicon.complaint_themes groups them).
THEME_COMPLAINT = "keluhan"
THEME_PRAISE = "pujian"
THEME_PREFIX = "t:"


def _theme_key(text: str) -> str:
    return " ".join(normalise(text))


def suggestion_themes(unit: Unit, period: Period, *, limit: int = 10) -> list[tuple[str, str]]:
    """(value, label) of the theme filter: the two kinds, then the complaints written more
    than once, most frequent first, with their count."""
    texts = list(_base(unit, period).values_list("suggestion", flat=True))
    kinds = [
        (THEME_COMPLAINT, _("Complaints and requests")),
        (THEME_PRAISE, _("Thanks and praise")),
    ]
    repeated = [
        (THEME_PREFIX + _theme_key(text), f"{text} ({count})")
        for text, count in complaint_themes(texts, limit=limit)
        if count > 1
    ]
    return kinds + repeated


def _in_theme(theme: str, text: str) -> bool:
    complaint = is_complaint(text)
    if theme == THEME_COMPLAINT:
        return complaint
    if theme == THEME_PRAISE:
        return not complaint
    return complaint and _theme_key(text) == theme[len(THEME_PREFIX) :]


def _theme_filter(rows: QuerySet[Response], theme: str) -> QuerySet[Response]:
    if theme not in (THEME_COMPLAINT, THEME_PRAISE) and not theme.startswith(THEME_PREFIX):
        return rows
    pairs = rows.order_by().values_list("pk", "suggestion")
    return rows.filter(pk__in=[pk for pk, text in pairs if _in_theme(theme, text)])


def suggestions_for(
    unit: Unit,
    period: Period,
    *,
    query: str | None = None,
    status: str | None = None,
    element: str | None = None,
    theme: str | None = None,
) -> QuerySet[Response]:
    """Responses with a suggestion in the unit's subtree for the period, newest first.

    Each row carries ``review_status``, ``review_element`` (confirmed, else proposed; ""
    for none) and ``review_confirmed``; service, unit and review come in the same query.
    ``query``: every word must occur in the text (case-insensitive). ``element``: a code,
    or NO_ELEMENT for suggestions about no element. ``theme``: THEME_COMPLAINT,
    THEME_PRAISE or a repeated complaint (suggestion_themes; read in Python, by the lexicon).
    """
    rows = _with_review_fields(_base(unit, period))
    for word in (query or "").split():
        rows = rows.filter(suggestion__icontains=word)
    if status:
        rows = rows.filter(review_status=status)
    if element:
        rows = rows.filter(review_element="" if element == NO_ELEMENT else element)
    if theme:
        rows = _theme_filter(rows, theme)
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


def _review_write(response: Response, codes: list[str], *, element: str, status: str, user):
    """Store one review (inside the caller's transaction); (element shown before, status
    before) or None when the review is new."""
    review = SuggestionReview.objects.select_for_update().filter(response=response).first()
    before = None
    if review is None:
        proposed, _scores = suggest_element(response.suggestion, codes)
        review = SuggestionReview(
            response=response,
            agency_id=response.agency_id,
            suggested_element=proposed or "",
        )
    else:
        confirmed = review.updated_by_id is not None or review.element
        before = (review.element if confirmed else review.suggested_element, review.status)
    review.element = element
    review.status = status
    review.updated_by = user
    review.save()
    return review, before


def _check(codes: list[str], period: Period, *, element: str, status: str) -> None:
    if element and element not in codes:
        raise SuggestionReviewError(
            _("Element %(code)s is not in the questionnaire of the period %(period)s.")
            % {"code": element, "period": period.name}
        )
    if status not in Status.values:
        raise SuggestionReviewError(_("Unknown status: %(status)s.") % {"status": status})


def _audit(user, unit, *, object_id: str, label: str, changes: dict, note: str = "") -> None:
    from skm.audit.signals import record

    record(
        "change",
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
        model="surveys.suggestionreview",
        object_id=object_id,
        object_repr=label,
        unit=unit,
        changes=changes,
        note=note,
    )


def suggestion_review_set(
    *, response: Response, element: str, status: str, user
) -> SuggestionReview:
    """Staff's decision on a suggestion: its element ("" for none) and its status.

    Creates the review when missing, recording the lexicon's proposal so that it is kept
    next to what staff chose. The change is in the audit trail.
    """
    codes = _period_element_codes(response.period)
    _check(codes, response.period, element=element, status=status)
    if not response.suggestion:
        raise SuggestionReviewError(_("This respondent wrote no suggestion."))
    with transaction.atomic():
        review, before = _review_write(response, codes, element=element, status=status, user=user)
        old_element, old_status = before or (review.suggested_element, Status.NEW)
        changes = {
            field: [old, new]
            for field, old, new in (
                ("element", old_element, element),
                ("status", old_status, status),
            )
            if old != new
        }
        if changes:
            _audit(
                user,
                response.unit,
                object_id=str(response.pk),
                label=_("suggestion of response #%(id)s") % {"id": response.pk},
                changes=changes,
            )
    return review


# What a bulk action does (the inbox's "Tindakan untuk yang dipilih").
BULK_STATUS = "status"
BULK_ELEMENT = "unsur"
BULK_ACCEPT = "otomatis"


def suggestion_reviews_bulk(
    *,
    unit: Unit,
    period: Period,
    response_ids: list[int],
    action: str,
    user,
    element: str = "",
    status: str = "",
) -> int:
    """One decision for many suggestions of the unit's subtree in the period; the number
    changed. ``action``: BULK_STATUS sets ``status`` (each keeps the element it shows),
    BULK_ELEMENT sets ``element`` ("" for none; each keeps its status), BULK_ACCEPT confirms
    the lexicon's proposal of those not yet confirmed (those without one are left alone).

    Ids outside the unit's subtree or the period, or without a suggestion, are ignored:
    the caller's access check (skm.org.access) gives the unit, this keeps to it. One audit
    event names the responses changed."""
    codes = _period_element_codes(period)
    if action == BULK_STATUS:
        _check(codes, period, element="", status=status)
    elif action == BULK_ELEMENT:
        _check(codes, period, element=element, status=Status.NEW)
    elif action != BULK_ACCEPT:
        raise SuggestionReviewError(_("Choose what to do with the selected suggestions."))
    changed: list[int] = []
    with transaction.atomic():
        rows = suggestions_for(unit, period).filter(pk__in=response_ids)
        for row in rows:
            shown, current = row.review_element, row.review_status
            if action == BULK_STATUS:
                new = (shown, status)
            elif action == BULK_ELEMENT:
                new = (element, current)
            else:
                if row.review_confirmed or not shown:
                    continue
                new = (shown, current)
            if row.review_confirmed and new == (shown, current):
                continue
            _review_write(row, codes, element=new[0], status=new[1], user=user)
            changed.append(row.pk)
        if changed:
            what = {
                BULK_STATUS: {"status": [None, status]},
                BULK_ELEMENT: {"element": [None, element or "-"]},
                BULK_ACCEPT: {"element": [None, _("automatic suggestion accepted")]},
            }[action]
            _audit(
                user,
                unit,
                object_id="",
                label=_("%(n)s suggestions of %(period)s")
                % {"n": len(changed), "period": period.name},
                changes={**what, "responses": [None, changed]},
                note=_("Bulk action in the suggestions inbox"),
            )
    return len(changed)


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
