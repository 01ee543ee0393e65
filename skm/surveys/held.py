"""Responses held for review: stored, outside every count and result until staff decide.

The public form holds a response instead of refusing it when more forms than the unit's
threshold came from one network address within an hour (skm.surveys.abuse.rate_check):
people who share the unit's guest Wi-Fi, an office network or a carrier's NAT are not
turned away, and a flood from one address does not change the results unreviewed.

A held response has ``held_at`` set and ``hold_reason`` saying why. ``Response.objects``
and every raw query of the answers (per-cell counts, ``skm verify``, the tally) leave it
out, so it is in no count, result, export, publication or suggestion inbox. Staff (unit
and agency administrators) then, in bulk:

- accept: ``held_at`` is cleared and the responses enter the per-cell counts in the same
  transaction, so ``skm verify`` stays clean at every commit;
- reject: the responses are deleted as records (``deleted_at``, ``deleted_by``,
  ``delete_reason``: the given reason), as a response deleted by hand would be, and keep
  ``held_at``: they were never counted, so nothing is taken off the counts.

Both are written to the audit trail, one event per response. The retention rule
(skm.surveys.retention) removes held responses with the rest of their period.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from skm.org.models import Unit
from skm.surveys.counts import counts_add, delta_of_response, merge_delta, period_units
from skm.surveys.models import QuestionnaireElement, Response

REASON_MAX = 500


def held_responses(unit: Unit) -> QuerySet[Response]:
    """Responses of ``unit`` and the units below it waiting for review, oldest first."""
    return Response.all_objects.filter(
        unit__path__startswith=unit.path, held_at__isnull=False, deleted_at__isnull=True
    ).order_by("held_at", "pk")


def held_count(unit: Unit) -> int:
    return held_responses(unit).count()


def _locked(unit: Unit, ids: Iterable[int]) -> list[Response]:
    wanted = {int(i) for i in ids}
    if not wanted:
        raise ValidationError(_("Select at least one held response."))
    rows = list(
        held_responses(unit)
        .filter(pk__in=wanted)
        .select_related("period", "unit")
        .select_for_update(of=("self",))
    )
    if not rows:
        raise ValidationError(
            _("None of the selected responses is held any more: another person decided first.")
        )
    return rows


def held_accept(*, unit: Unit, ids: Iterable[int], user) -> int:
    """Accept held responses: they enter the counts and results now. Returns how many."""
    from skm.audit.signals import record

    with transaction.atomic():
        rows = _locked(unit, ids)
        deltas: dict = {}
        units_of: dict[int, dict[int, int]] = {}
        positions_of: dict[int, dict[int, int]] = {}
        answers: dict[int, list[tuple[int, int]]] = {}
        for response in rows:
            period = response.period
            if period.pk not in units_of:
                units_of[period.pk] = period_units(period)
                positions_of[period.pk] = dict(
                    QuestionnaireElement.objects.filter(
                        questionnaire_id=period.questionnaire_id
                    ).values_list("id", "position")
                )
            positions = positions_of[period.pk]
            pairs = [
                (positions[e], v) for e, v in response.answers.values_list("element_id", "value")
            ]
            answers[response.pk] = pairs
            merge_delta(deltas, delta_of_response(response, pairs, units_of[period.pk]))
        counts_add(deltas)
        Response.all_objects.filter(pk__in=[r.pk for r in rows]).update(held_at=None)
        for response in rows:
            record(
                "change",
                user=_user(user),
                model="surveys.response",
                object_id=str(response.pk),
                object_repr=str(response),
                unit=response.unit,
                note=_("Held response accepted (held because: %(reason)s)")
                % {"reason": response.get_hold_reason_display()},
                changes={"held": [True, False]},
            )
    return len(rows)


def held_reject(*, unit: Unit, ids: Iterable[int], reason: str, user) -> int:
    """Reject held responses: deleted as records with ``reason``; never counted, so the
    counts do not change. Returns how many."""
    from skm.audit.signals import record

    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Say why the held responses are rejected."))
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("The reason may have at most %(max)s characters (this has %(length)s).")
            % {"max": REASON_MAX, "length": len(reason)}
        )
    with transaction.atomic():
        rows = _locked(unit, ids)
        Response.all_objects.filter(pk__in=[r.pk for r in rows]).update(
            deleted_at=timezone.now(), deleted_by=_user(user), delete_reason=reason
        )
        for response in rows:
            record(
                "delete",
                user=_user(user),
                model="surveys.response",
                object_id=str(response.pk),
                object_repr=str(response),
                unit=response.unit,
                note=_("Held response rejected: %(reason)s (held because: %(held)s)")
                % {"reason": reason, "held": response.get_hold_reason_display()},
            )
    return len(rows)


def _user(user):
    return user if user is not None and user.is_authenticated else None
