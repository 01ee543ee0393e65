"""Retention of raw responses (UU PDP 27/2022; docs/privacy.md).

Individual responses (answers, profile, suggestion text) are kept for
settings.RETENTION_YEARS after the end of their period; then `skm retention` deletes them,
while the per-cell counts stay, so every published and computed figure of the period
remains (IKM, elements, intervals, services, channels, profile counts, sub-units). What
needs individual responses is no longer available for such a period and says so: date
filters, results per sex/education/occupation/age group, exports of responses, the
suggestions. The period is marked with ``raw_removed_at``; `skm verify` skips it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skm.surveys.models import Period, Response


class RawDataRemoved(Exception):
    """The period's individual responses were removed by the retention rule."""

    def __init__(self, period: Period) -> None:
        super().__init__(
            _(
                "The individual responses of %(period)s were removed on %(date)s under the "
                "retention rule; only the counts remain, so this view is not available."
            )
            % {"period": period.name, "date": f"{period.raw_removed_at:%d-%m-%Y}"}
        )


def check_raw(period: Period) -> None:
    if period.raw_removed_at is not None:
        raise RawDataRemoved(period)


@dataclass(frozen=True)
class RetentionResult:
    period: Period
    responses: int


def due_periods(years: int, today: dt.date | None = None) -> list[Period]:
    today = today or timezone.localdate()
    try:
        limit = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year - years, day=28)
    return list(
        Period.objects.filter(end_date__lt=limit, raw_removed_at__isnull=True)
        .exclude(status=Period.Status.OPEN)
        .order_by("end_date", "pk")
    )


def retention_apply(
    *, years: int | None = None, today: dt.date | None = None, dry_run: bool = False
) -> list[RetentionResult]:
    """Delete the responses of every period that ended more than ``years`` ago."""
    years = settings.RETENTION_YEARS if years is None else years
    done = []
    for period in due_periods(years, today):
        responses = Response.all_objects.filter(period=period)
        count = responses.count()
        if not dry_run:
            with transaction.atomic():
                # The rows that point at the responses first, each in one statement, then
                # the responses themselves without loading them (a period may hold a
                # million). CellCount is a separate table and stays.
                from skm.plans.models import PlanItem
                from skm.surveys.models import Answer, SuggestionReview

                Answer.objects.filter(response__period=period)._raw_delete(responses.db)
                SuggestionReview.objects.filter(response__period=period)._raw_delete(responses.db)
                PlanItem.suggestions.through.objects.filter(response__period=period)._raw_delete(
                    responses.db
                )
                responses._raw_delete(responses.db)
                Period.objects.filter(pk=period.pk).update(raw_removed_at=timezone.now())
                from skm.audit.signals import record

                record(
                    "delete",
                    model="surveys.response",
                    object_repr=f"{count} responses of {period.name}",
                    unit=period.unit,
                    note=f"retention: {years} years",
                )
        done.append(RetentionResult(period=period, responses=count))
    return done
