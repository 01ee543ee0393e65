"""Writes of the follow-up loop. Every change of an item is recorded (ItemChange) in the same
transaction as the change; decisions on the plan as a whole are PlanEvents.

Rules:
- A plan's priorities are proposed from the period's results (skm.method priorities: the
  k lowest elements plus every C or D) when the plan is created; unfinished items of the
  unit's previous plan are carried over under their element.
- While the plan is a draft, priorities and items may be added, changed, moved and removed.
  A final plan is what the reports print: its planned content is locked until an admin
  reopens it (with a note). Realisation, evidence and strategies stay editable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from skm.org.models import Unit
from skm.plans.models import (
    ItemChange,
    Plan,
    PlanEvent,
    PlanItem,
    PlanPriority,
    Strategy,
    validate_quarters,
)
from skm.surveys.models import Period, Response
from skm.surveys.selectors import period_result, questionnaire_elements
from skm.surveys.text import clean_text

User = AbstractBaseUser


class PlanError(Exception):
    """A change that cannot be made; ``messages`` say why, in the user's language, keyed by
    field name ("" for the whole form)."""

    def __init__(self, messages: Mapping[str, str] | str) -> None:
        self.messages = {"": messages} if isinstance(messages, str) else dict(messages)
        super().__init__("; ".join(self.messages.values()))


# A plan's free texts go into the follow-up report, made synchronously by the API: each is
# at most this long (the API's own limit for realisation texts; the demo's longest is 578).
MAX_TEXT_LENGTH = 5000


def _check_length(errors: dict[str, str], field: str, text: str) -> None:
    if len(text) > MAX_TEXT_LENGTH:
        errors[field] = _("At most %(limit)s characters (this has %(length)s).") % {
            "limit": MAX_TEXT_LENGTH,
            "length": len(text),
        }


def _short_text(field: str, value: object) -> str:
    """``value`` cleaned; PlanError for ``field`` when it is too long."""
    text = clean_text(value)
    errors: dict[str, str] = {}
    _check_length(errors, field, text)
    if errors:
        raise PlanError(errors)
    return text


# -- plan ----------------------------------------------------------------------------------


def previous_plan(period: Period, unit: Unit) -> Plan | None:
    """The unit's plan of the latest period that ended before this one started."""
    return (
        Plan.objects.filter(unit=unit, period__end_date__lt=period.start_date)
        .select_related("period")
        .order_by("-period__end_date", "-pk")
        .first()
    )


def _element_names(period: Period) -> dict[str, str]:
    return {e.code: e.name for e in questionnaire_elements(period)}


@transaction.atomic
def plan_create(*, period: Period, unit: Unit, user: User | None, k: int = 3) -> Plan:
    """A draft plan with the proposed priorities and the carried-over items."""
    if Plan.objects.filter(period=period, unit=unit).exists():
        raise PlanError(_("This unit already has a plan for this period."))
    plan = Plan.objects.create(period=period, unit=unit, reported_on=period.end_date)
    names = _element_names(period)
    result = period_result(period, unit=unit, priorities=k)
    for position, code in enumerate(result.priorities, 1):
        PlanPriority.objects.create(
            plan=plan,
            element_code=code,
            element_name=names.get(code, code),
            position=position,
            source=PlanPriority.Source.PROPOSED,
        )
    PlanEvent.objects.create(
        plan=plan,
        action=PlanEvent.Action.CREATED,
        user=_user(user),
        note=_("Proposed priorities: %(codes)s.") % {"codes": ", ".join(result.priorities) or "-"},
    )
    earlier = previous_plan(period, unit)
    if earlier is not None:
        _carry_over(plan, earlier, names, user)
    return plan


def _carry_over(plan: Plan, earlier: Plan, names: dict[str, str], user: User | None) -> None:
    open_items = (
        PlanItem.objects.filter(priority__plan=earlier, priority__included=True)
        .exclude(status=PlanItem.Status.DONE)
        .select_related("priority")
        .order_by("priority__position", "position", "pk")
    )
    for old in open_items:
        code = old.priority.element_code
        priority = plan.priorities.filter(element_code=code).first()
        if priority is None:
            priority = PlanPriority.objects.create(
                plan=plan,
                element_code=code,
                element_name=names.get(code, old.priority.element_name),
                position=_next_position(plan.priorities.all()),
                source=PlanPriority.Source.CARRIED,
                reason=_("Unfinished items of %(period)s.") % {"period": earlier.period.name},
            )
        elif not priority.included:
            priority.included = True
            priority.save(update_fields=["included"])
        item = PlanItem.objects.create(
            priority=priority,
            position=_next_position(priority.items.all()),
            activity=old.activity,
            quarters=old.quarters,
            year=max(old.year, plan.period.start_date.year),
            horizon=old.horizon,
            owner_title=old.owner_title,
            owner_user=old.owner_user,
            target_date=old.target_date,
            budget_note=old.budget_note,
            status=old.status,
            description=old.description,
            obstacles=old.obstacles,
            carried_from=old,
        )
        item.suggestions.set(old.suggestions.all())
        ItemChange.objects.create(
            item=item,
            action=ItemChange.Action.CARRIED,
            user=_user(user),
            changes={"from": [None, f"{earlier.period.name}"]},
        )


def _next_position(qs) -> int:
    return (qs.aggregate(m=Max("position"))["m"] or 0) + 1


def _user(user: User | None):
    return user if user is not None and user.is_authenticated else None


def _check_draft(plan: Plan) -> None:
    # Read the status from the database: the caller's object may be older than a "final".
    if Plan.objects.filter(pk=plan.pk, status=Plan.Status.FINAL).exists():
        raise PlanError(_("The plan is final; an admin must reopen it before it can change."))


@transaction.atomic
def plan_finalise(plan: Plan, *, user: User | None, note: str = "") -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _check_draft(plan)
    if not PlanItem.objects.filter(priority__plan=plan, priority__included=True).exists():
        raise PlanError(_("A plan needs at least one item before it can be made final."))
    plan.status = Plan.Status.FINAL
    plan.finalised_at = timezone.now()
    plan.finalised_by = _user(user)
    plan.save(update_fields=["status", "finalised_at", "finalised_by", "updated_at"])
    PlanEvent.objects.create(
        plan=plan, action=PlanEvent.Action.FINAL, user=_user(user), note=_short_text("note", note)
    )
    return plan


@transaction.atomic
def plan_reopen(plan: Plan, *, user: User | None, note: str) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_final:
        raise PlanError(_("The plan is not final."))
    note = _short_text("note", note)
    if not note:
        raise PlanError({"note": _("Say why the plan is reopened.")})
    plan.status = Plan.Status.DRAFT
    plan.save(update_fields=["status", "updated_at"])
    PlanEvent.objects.create(
        plan=plan, action=PlanEvent.Action.REOPENED, user=_user(user), note=note
    )
    return plan


@transaction.atomic
def plan_set_report_date(
    plan: Plan, reported_on: dt.date | None, followup_reported_on: dt.date | None
) -> Plan:
    """The issue dates of the Laporan Hasil SKM and of the Laporan Tindak Lanjut (PEKPPP
    indicator 9); a follow-up report dated before the result report is refused."""
    if reported_on and followup_reported_on and followup_reported_on < reported_on:
        raise ValidationError(
            _("The follow-up report cannot be dated before the survey result report.")
        )
    plan.reported_on = reported_on
    plan.followup_reported_on = followup_reported_on
    plan.save(update_fields=["reported_on", "followup_reported_on", "updated_at"])
    return plan


# -- priorities ----------------------------------------------------------------------------


@transaction.atomic
def priority_add(plan: Plan, *, element_code: str, reason: str, user: User | None) -> PlanPriority:
    _check_draft(plan)
    names = _element_names(plan.period)
    if element_code not in names:
        raise PlanError({"element": _("This element is not in the period's questionnaire.")})
    reason = _short_text("reason", reason)
    if not reason:
        raise PlanError({"reason": _("Say why this element is added.")})
    existing = plan.priorities.filter(element_code=element_code).first()
    if existing is not None and existing.included:
        raise PlanError({"element": _("This element is already a priority.")})
    if existing is not None:
        existing.included = True
        existing.reason = reason
        existing.save(update_fields=["included", "reason"])
        priority = existing
    else:
        priority = PlanPriority.objects.create(
            plan=plan,
            element_code=element_code,
            element_name=names[element_code],
            position=_next_position(plan.priorities.all()),
            source=PlanPriority.Source.ADDED,
            reason=reason,
        )
    PlanEvent.objects.create(
        plan=plan,
        action=PlanEvent.Action.PRIORITY_ADDED,
        user=_user(user),
        note=f"{element_code}: {reason}",
    )
    return priority


@transaction.atomic
def priority_drop(priority: PlanPriority, *, reason: str, user: User | None) -> PlanPriority:
    _check_draft(priority.plan)
    reason = _short_text("reason", reason)
    if not reason:
        raise PlanError({"reason": _("Say why this element is dropped.")})
    priority.included = False
    priority.reason = reason
    priority.save(update_fields=["included", "reason"])
    PlanEvent.objects.create(
        plan=priority.plan,
        action=PlanEvent.Action.PRIORITY_DROPPED,
        user=_user(user),
        note=f"{priority.element_code}: {reason}",
    )
    return priority


def _swap(qs, obj, direction: int) -> bool:
    """Swap ``obj`` with its neighbour in ``qs`` (ordered by position); positions are then
    made consecutive. False at either end."""
    ordered = list(qs.order_by("position", "pk"))
    index = next(i for i, o in enumerate(ordered) if o.pk == obj.pk)
    other = index + direction
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, row in enumerate(ordered, 1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    return True


@transaction.atomic
def priority_move(priority: PlanPriority, direction: int) -> bool:
    _check_draft(priority.plan)
    return _swap(priority.plan.priorities.all(), priority, direction)


# -- items ---------------------------------------------------------------------------------

PLAN_FIELDS = (
    "activity",
    "quarters",
    "year",
    "horizon",
    "owner_title",
    "owner_user",
    "target_date",
    "budget_note",
)
REALISATION_FIELDS = ("status", "done_on", "description", "obstacles")


def _value(value: Any) -> Any:
    """A JSON-friendly form of a field value for the history."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _clean_plan_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean = dict(data)
    activity = clean_text(clean.get("activity"))
    if not activity:
        errors["activity"] = _("Describe the programme or activity.")
    _check_length(errors, "activity", activity)
    clean["activity"] = activity
    quarters = "".join(sorted(set(str(clean.get("quarters") or ""))))
    try:
        validate_quarters(quarters)
    except Exception:
        errors["quarters"] = _("Choose at least one quarter (TW 1 to TW 4).")
    clean["quarters"] = quarters
    year = clean.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("Give the year as four digits, e.g. 2025.")
    owner = clean_text(clean.get("owner_title"), multiline=False)
    if not owner:
        errors["owner_title"] = _("Name the position responsible, e.g. Kepala Dinas.")
    clean["owner_title"] = owner
    clean["budget_note"] = clean_text(clean.get("budget_note"))
    if clean.get("horizon") not in PlanItem.Horizon.values:
        clean["horizon"] = PlanItem.Horizon.SHORT
    if errors:
        raise PlanError(errors)
    return clean


@transaction.atomic
def item_create(
    priority: PlanPriority,
    *,
    data: Mapping[str, Any],
    user: User | None,
    suggestions: Iterable[Response] = (),
) -> PlanItem:
    _check_draft(priority.plan)
    if not priority.included:
        raise PlanError(_("This element was dropped from the plan."))
    clean = _clean_plan_fields(data)
    item = PlanItem.objects.create(
        priority=priority,
        position=_next_position(priority.items.all()),
        **{f: clean.get(f) for f in PLAN_FIELDS if f in clean},
    )
    item.suggestions.set(list(suggestions))
    ItemChange.objects.create(
        item=item,
        action=ItemChange.Action.CREATED,
        user=_user(user),
        changes={f: [None, _value(getattr(item, f))] for f in PLAN_FIELDS if getattr(item, f)},
    )
    return item


@transaction.atomic
def item_update(
    item: PlanItem,
    *,
    data: Mapping[str, Any],
    user: User | None,
    suggestions: Iterable[Response] | None = None,
) -> PlanItem:
    item = PlanItem.objects.select_for_update().select_related("priority__plan").get(pk=item.pk)
    _check_draft(item.priority.plan)
    clean = _clean_plan_fields({**{f: getattr(item, f) for f in PLAN_FIELDS}, **data})
    changes = {}
    for field in PLAN_FIELDS:
        old, new = getattr(item, field), clean.get(field)
        if old != new:
            changes[field] = [_value(old), _value(new)]
            setattr(item, field, new)
    if suggestions is not None:
        before = set(item.suggestions.values_list("pk", flat=True))
        after = {s.pk for s in suggestions}
        if before != after:
            item.suggestions.set(list(after))
            changes["suggestions"] = [sorted(before), sorted(after)]
    if changes:
        item.save()
        ItemChange.objects.create(
            item=item, action=ItemChange.Action.CHANGED, user=_user(user), changes=changes
        )
    return item


@transaction.atomic
def item_move(item: PlanItem, direction: int, *, user: User | None) -> bool:
    _check_draft(item.priority.plan)
    moved = _swap(item.priority.items.all(), item, direction)
    if moved:
        ItemChange.objects.create(
            item=item,
            action=ItemChange.Action.MOVED,
            user=_user(user),
            changes={"direction": [None, "up" if direction < 0 else "down"]},
        )
    return moved


@transaction.atomic
def item_delete(item: PlanItem, *, user: User | None) -> None:
    _check_draft(item.priority.plan)
    if item.evidence.exists():
        raise PlanError(_("Remove the item's evidence files first."))
    priority = item.priority
    item.delete()
    for position, row in enumerate(priority.items.order_by("position", "pk"), 1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


@transaction.atomic
def realisation_update(
    item: PlanItem,
    *,
    status: str,
    done_on: dt.date | None,
    description: str,
    obstacles: str,
    user: User | None,
    via: str = "",
    today: dt.date | None = None,
) -> PlanItem:
    """Record how far an item is; allowed on a final plan (that is what realisation is)."""
    today = today or timezone.localdate()
    description, obstacles = clean_text(description), clean_text(obstacles)
    errors: dict[str, str] = {}
    if status not in PlanItem.Status.values:
        errors["status"] = _("Choose Not yet, In progress or Done.")
    if status == PlanItem.Status.DONE:
        if done_on is None:
            errors["done_on"] = _("Give the date the item was done.")
        elif done_on > today:
            errors["done_on"] = _("The date done cannot be in the future.")
        if not description:
            errors["description"] = _("Describe what was done.")
    else:
        done_on = None
    _check_length(errors, "description", description)
    _check_length(errors, "obstacles", obstacles)
    if errors:
        raise PlanError(errors)
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    new = {
        "status": status,
        "done_on": done_on,
        "description": description,
        "obstacles": obstacles,
    }
    changes = {
        f: [_value(getattr(item, f)), _value(v)] for f, v in new.items() if getattr(item, f) != v
    }
    if changes:
        for field, value in new.items():
            setattr(item, field, value)
        item.save()
        ItemChange.objects.create(
            item=item,
            action=ItemChange.Action.REALISATION,
            user=_user(user),
            changes=changes,
            via=via,
        )
    return item


# -- strategies ----------------------------------------------------------------------------


def _clean_strategy(plan: Plan, data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    item = data.get("item")
    if item is not None and item.priority.plan_id != plan.pk:
        errors["item"] = _("Choose an item of this plan.")
    followup = clean_text(data.get("followup"))
    if item is None and not followup:
        errors["followup"] = _("Choose a plan item or describe the follow-up.")
    strategy = clean_text(data.get("strategy"))
    if not strategy:
        errors["strategy"] = _("Describe the strategy.")
    stakeholders = clean_text(data.get("stakeholders"))
    for field, text in (
        ("followup", followup),
        ("strategy", strategy),
        ("stakeholders", stakeholders),
    ):
        _check_length(errors, field, text)
    owner = clean_text(data.get("owner_title"), multiline=False)
    if not owner:
        errors["owner_title"] = _("Name the position responsible, e.g. Kepala Dinas.")
    quarter = data.get("target_quarter")
    if quarter not in (None, 1, 2, 3, 4):
        errors["target_quarter"] = _("Choose TW 1 to TW 4.")
    if quarter is None and data.get("target_date") is None:
        errors["target_quarter"] = _("Give a target quarter or a target date.")
    if errors:
        raise PlanError(errors)
    return {
        "item": item,
        "followup": followup,
        "strategy": strategy,
        "target_quarter": quarter,
        "target_date": data.get("target_date"),
        "owner_title": owner,
        "stakeholders": stakeholders,
    }


@transaction.atomic
def strategy_create(plan: Plan, *, data: Mapping[str, Any]) -> Strategy:
    clean = _clean_strategy(plan, data)
    return Strategy.objects.create(
        plan=plan, position=_next_position(plan.strategies.all()), **clean
    )


@transaction.atomic
def strategy_update(strategy: Strategy, *, data: Mapping[str, Any]) -> Strategy:
    clean = _clean_strategy(strategy.plan, data)
    for field, value in clean.items():
        setattr(strategy, field, value)
    strategy.save()
    return strategy


@transaction.atomic
def strategy_delete(strategy: Strategy) -> None:
    plan = strategy.plan
    strategy.delete()
    for position, row in enumerate(plan.strategies.order_by("position", "pk"), 1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


# -- evidence ------------------------------------------------------------------------------


def evidence_add(item: PlanItem, *, upload, caption: str, user: User | None, via: str = ""):
    """Store a documentation file for the item (see skm.plans.evidence); PlanError with the
    reason when refused. The file is written before the record and removed again if the
    record cannot be written, so neither is ever left without the other."""
    from skm.plans import evidence
    from skm.plans.models import Evidence

    try:
        stored = evidence.store(upload)
    except evidence.EvidenceRefused as refused:
        raise PlanError({"file": str(refused)}) from None
    original = clean_text(getattr(upload, "name", ""), multiline=False)[:255] or "dokumentasi"
    try:
        with transaction.atomic():
            row = Evidence.objects.create(
                item=item,
                stored_name=stored.stored_name,
                thumbnail_name=stored.thumbnail_name,
                original_name=original,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                caption=clean_text(caption, multiline=False)[:255],
                uploaded_by=_user(user),
            )
            ItemChange.objects.create(
                item=item,
                action=ItemChange.Action.EVIDENCE_ADDED,
                user=_user(user),
                changes={"file": [None, original]},
                via=via,
            )
    except Exception:
        evidence.remove(stored.stored_name, stored.thumbnail_name)
        raise
    return row


def evidence_remove(row, *, user: User | None) -> None:
    from skm.plans import evidence

    names = (row.stored_name, row.thumbnail_name)
    with transaction.atomic():
        ItemChange.objects.create(
            item=row.item,
            action=ItemChange.Action.EVIDENCE_REMOVED,
            user=_user(user),
            changes={"file": [row.original_name, None]},
        )
        row.delete()
        transaction.on_commit(lambda: evidence.remove(*names))


@transaction.atomic
def evidence_set_public(row, *, public: bool, user: User | None):
    if row.public != public:
        row.public = public
        row.save(update_fields=["public"])
        ItemChange.objects.create(
            item=row.item,
            action=ItemChange.Action.EVIDENCE_PUBLIC,
            user=_user(user),
            changes={
                "public": [not public, public],
                "file": [row.original_name, row.original_name],
            },
        )
    return row
