"""Reads of the follow-up loop: one ``PlanView`` that the page, `skm plan`, the API and the
reports all use, so that numbering, % realised and the PEKPPP scores agree everywhere.

Numbering: the included priorities in their order are 1, 2, 3 ...; items under each are
1.1, 1.2 ...; dropped priorities have no number. Reordering renumbers (nothing is stored).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from skm.method import SurveyResult
from skm.method.pekppp import (
    Score,
    completion_speed,
    indicator_8,
    indicator_9,
    percent_text,
    realised_percent,
)
from skm.org.models import Unit
from skm.plans.models import Evidence, Plan, PlanItem, PlanPriority, Strategy
from skm.surveys.lexicon import element_scores
from skm.surveys.models import Period
from skm.surveys.results import change_text, element_significant, periods_covering
from skm.surveys.selectors import period_result

QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


def item_due(item: PlanItem) -> dt.date:
    """The target date, else the last day of the item's last planned quarter."""
    if item.target_date is not None:
        return item.target_date
    month, day = QUARTER_END[max(item.quarter_list)]
    return dt.date(item.year, month, day)


def is_overdue(item: PlanItem, today: dt.date) -> bool:
    return item.status != PlanItem.Status.DONE and item_due(item) < today


def misfiled_element(activity: str, own: str, codes: list[str]) -> str | None:
    """The element an activity's words point to far more than to its own: at least 3
    keyword points and at least twice its own element's (skm.surveys.lexicon). The seed
    report filed "5S" courtesy coaching under Waktu; this returns U7 for it."""
    scores = {c: s for c, s in element_scores(activity).items() if c in codes}
    own_score = scores.get(own, 0)
    others = [(s, c) for c, s in scores.items() if c != own]
    if not others:
        return None
    best_score, best = max(others)
    if best_score >= 3 and best_score >= 2 * own_score and best_score > own_score:
        return best
    return None


@dataclass
class ItemView:
    item: PlanItem
    number: str
    overdue: bool
    due: dt.date
    misfiled: str | None  # code of the element the text rather belongs to
    evidence: list[Evidence]
    misfiled_name: str = ""


@dataclass
class PriorityView:
    priority: PlanPriority
    number: int | None
    score: str | None
    grade: str | None
    performance: str | None
    previous_score: str | None
    change: str | None
    significant: bool
    suggestion_count: int
    items: list[ItemView] = field(default_factory=list)


@dataclass
class Effect:
    """An element worked on in the previous plan: did its score move?"""

    code: str
    name: str
    done_items: list[str]
    previous_score: str | None
    score: str | None
    change: str | None
    significant: bool


@dataclass
class PlanView:
    plan: Plan
    result: SurveyResult
    priorities: list[PriorityView]
    dropped: list[PlanPriority]
    strategies: list[Strategy]
    planned: int
    realised: int
    percent: Fraction | None
    indicator_8: Score
    indicator_9: Score  # the evaluators' rule: Laporan Hasil to Laporan Tindak Lanjut
    completion: Score  # information: Laporan Hasil to the last item's completion
    overdue: int
    previous_plan: Plan | None
    effects: list[Effect]

    @property
    def percent_text(self) -> str | None:
        return percent_text(self.percent)

    @property
    def items(self) -> list[ItemView]:
        return [i for p in self.priorities for i in p.items]

    def sentence(self, decimal: str = ".") -> str:
        """BAB IV's sentence, with the figure from the data in the number style
        ``decimal`` (a percentage has no thousands to separate)."""
        if self.percent is None:
            return _("%(unit)s has no follow-up plan items yet.") % {"unit": self.plan.unit.name}
        return _(
            "%(unit)s has followed up its follow-up plan (rencana tindak lanjut) by "
            "%(percent)s%% (the percentage is realised follow-ups / planned follow-ups "
            "x 100%%)."
        ) % {
            "unit": self.plan.unit.name,
            "percent": _percent_words(self.percent).replace(".", decimal),
        }


def _percent_words(value: Fraction) -> str:
    """100 rather than 100.00 in a sentence, as the seed writes it; otherwise 2 decimals."""
    return (
        str(value.numerator // value.denominator) if value.denominator == 1 else percent_text(value)
    )


def previous_period_result(period: Period, unit: Unit) -> tuple[Period, SurveyResult] | None:
    """The unit's result in the latest earlier period that has one."""
    for earlier in periods_covering(unit):
        if earlier.start_date >= period.start_date:
            continue
        result = period_result(earlier, unit=unit)
        if result.respondents:
            return earlier, result
    return None


def plans_of(unit: Unit) -> QuerySet[Plan]:
    return Plan.objects.filter(unit=unit).select_related("period").order_by("-period__start_date")


def plan_view(plan: Plan, *, today: dt.date | None = None) -> PlanView:
    today = today or timezone.localdate()
    period, unit = plan.period, plan.unit
    result = period_result(period, unit=unit)
    previous = previous_period_result(period, unit)
    codes = [e.code for e in result.elements]
    priorities = list(
        plan.priorities.order_by("position", "pk").prefetch_related(
            Prefetch(
                "items",
                queryset=PlanItem.objects.order_by("position", "pk").prefetch_related("evidence"),
            )
        )
    )
    from skm.surveys.suggestions import suggestions_for

    views: list[PriorityView] = []
    dropped: list[PlanPriority] = []
    number = 0
    for priority in priorities:
        if not priority.included:
            dropped.append(priority)
            continue
        number += 1
        try:
            element = result.element(priority.element_code)
        except KeyError:
            element = None
        before = None
        if previous is not None:
            try:
                before = previous[1].element(priority.element_code)
            except KeyError:
                before = None
        view = PriorityView(
            priority=priority,
            number=number,
            score=element.score_text if element else None,
            grade=element.grade.letter if element and element.grade else None,
            performance=element.grade.performance if element and element.grade else None,
            previous_score=before.score_text if before else None,
            change=change_text(
                element.score if element else None, before.score if before else None
            ),
            significant=bool(
                previous and element and element_significant(result, previous[1], element.code)
            ),
            suggestion_count=suggestions_for(unit, period, element=priority.element_code).count(),
        )
        for index, item in enumerate(priority.items.all(), 1):
            misfiled = misfiled_element(item.activity, priority.element_code, codes)
            view.items.append(
                ItemView(
                    item=item,
                    number=f"{number}.{index}",
                    overdue=is_overdue(item, today),
                    due=item_due(item),
                    misfiled=misfiled,
                    evidence=list(item.evidence.all()),
                    misfiled_name=result.element(misfiled).name if misfiled else "",
                )
            )
        views.append(view)
    items = [i.item for v in views for i in v.items]
    planned = len(items)
    realised = sum(1 for i in items if i.status == PlanItem.Status.DONE)
    earlier = _previous_plan(plan)
    return PlanView(
        plan=plan,
        result=result,
        priorities=views,
        dropped=dropped,
        strategies=list(plan.strategies.select_related("item").order_by("position", "pk")),
        planned=planned,
        realised=realised,
        percent=realised_percent(planned, realised),
        indicator_8=indicator_8(planned, realised),
        indicator_9=indicator_9(
            plan.reported_on, plan.followup_reported_on, [i.done_on for i in items]
        ),
        completion=completion_speed(plan.reported_on, [i.done_on for i in items]),
        overdue=sum(1 for v in views for i in v.items if i.overdue),
        previous_plan=earlier,
        effects=_effects(earlier, result, previous) if earlier else [],
    )


def _previous_plan(plan: Plan) -> Plan | None:
    from skm.plans.services import previous_plan

    return previous_plan(plan.period, plan.unit)


def _effects(
    earlier: Plan, result: SurveyResult, previous: tuple[Period, SurveyResult] | None
) -> list[Effect]:
    """For each element with items done in the previous plan, its score then and now."""
    done = (
        PlanItem.objects.filter(
            priority__plan=earlier, priority__included=True, status=PlanItem.Status.DONE
        )
        .select_related("priority")
        .order_by("priority__position", "position")
    )
    by_code: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for item in done:
        by_code.setdefault(item.priority.element_code, []).append(item.activity)
        names[item.priority.element_code] = item.priority.element_name
    effects = []
    earlier_result = period_result(earlier.period, unit=earlier.unit)
    for code, activities in by_code.items():
        try:
            now = result.element(code)
        except KeyError:
            now = None
        try:
            then = earlier_result.element(code)
        except KeyError:
            then = None
        effects.append(
            Effect(
                code=code,
                name=names[code],
                done_items=activities,
                previous_score=then.score_text if then else None,
                score=now.score_text if now else None,
                change=change_text(now.score if now else None, then.score if then else None),
                significant=bool(
                    now and then and element_significant(result, earlier_result, code)
                ),
            )
        )
    return effects


def _text_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def plan_dict(view: PlanView, *, evidence_url=None) -> dict[str, Any]:
    """The JSON of `skm plan --json` and of the API (docs/plans.md documents it).

    ``evidence_url(evidence) -> str`` gives each evidence file's address (the API passes
    an absolute one; the command line the path)."""
    plan = view.plan
    return {
        "unit": plan.unit.slug,
        "unit_name": plan.unit.name,
        "period": plan.period.slug,
        "period_name": plan.period.name,
        "status": plan.status,
        "reported_on": _text_date(plan.reported_on),
        "followup_reported_on": _text_date(plan.followup_reported_on),
        "priorities": [
            {
                "code": p.priority.element_code,
                "name": p.priority.element_name,
                "number": p.number,
                "score": p.score,
                "grade": p.grade,
                "source": p.priority.source,
                "reason": p.priority.reason,
                "items": [
                    {
                        "number": i.number,
                        "activity": i.item.activity,
                        "quarters": i.item.quarter_list,
                        "year": i.item.year,
                        "horizon": i.item.horizon,
                        "owner": i.item.owner_title,
                        "target_date": _text_date(i.item.target_date),
                        "status": i.item.status,
                        "done_on": _text_date(i.item.done_on),
                        "description": i.item.description,
                        "obstacles": i.item.obstacles,
                        "overdue": i.overdue,
                        "continued_from": (
                            i.item.carried_from.priority.plan.period.slug
                            if i.item.carried_from_id
                            else None
                        ),
                        "evidence": [
                            evidence_url(e) if evidence_url else e.original_name for e in i.evidence
                        ],
                    }
                    for i in p.items
                ],
            }
            for p in view.priorities
        ],
        "dropped": [
            {"code": d.element_code, "name": d.element_name, "reason": d.reason}
            for d in view.dropped
        ],
        "strategies": [
            {
                "number": n,
                "followup": s.followup or (s.item.activity if s.item else ""),
                "item": _item_number(view, s.item),
                "strategy": s.strategy,
                "target_quarter": s.target_quarter,
                "target_date": _text_date(s.target_date),
                "owner": s.owner_title,
                "stakeholders": s.stakeholder_list(),
            }
            for n, s in enumerate(view.strategies, 1)
        ],
        "planned": view.planned,
        "realised": view.realised,
        "realised_percent": view.percent_text,
        "overdue": view.overdue,
        "pekppp": {
            "indicator_8": view.indicator_8.score,
            "indicator_8_basis": view.indicator_8.basis,
            "indicator_9": view.indicator_9.score,
            "indicator_9_basis": view.indicator_9.basis,
            "completion_speed": view.completion.score,
            "completion_speed_basis": view.completion.basis,
        },
    }


def _item_number(view: PlanView, item: PlanItem | None) -> str | None:
    if item is None:
        return None
    for i in view.items:
        if i.item.pk == item.pk:
            return i.number
    return None


def item_by_number(view: PlanView, number: str) -> ItemView | None:
    for i in view.items:
        if i.number == number:
            return i
    return None


@dataclass
class OverviewRow:
    plan: Plan
    planned: int
    realised: int
    percent: Fraction | None
    overdue: int

    @property
    def percent_text(self) -> str | None:
        return percent_text(self.percent)


def agency_overview(units: QuerySet[Unit], *, today: dt.date | None = None) -> list[OverviewRow]:
    """Every plan of these units with its counts (one query for plans, one for items)."""
    today = today or timezone.localdate()
    plans = list(
        Plan.objects.filter(unit__in=units).select_related("unit", "period", "unit__agency")
    )
    items = PlanItem.objects.filter(
        priority__plan__in=plans, priority__included=True
    ).select_related("priority")
    counts: dict[int, list[int]] = {p.pk: [0, 0, 0] for p in plans}
    for item in items:
        row = counts[item.priority.plan_id]
        row[0] += 1
        row[1] += item.status == PlanItem.Status.DONE
        row[2] += is_overdue(item, today)
    return [
        OverviewRow(
            plan=p,
            planned=counts[p.pk][0],
            realised=counts[p.pk][1],
            percent=realised_percent(counts[p.pk][0], counts[p.pk][1]),
            overdue=counts[p.pk][2],
        )
        for p in plans
    ]


def agency_totals(rows: list[OverviewRow]) -> tuple[int, int, Fraction | None]:
    planned = sum(r.planned for r in rows)
    realised = sum(r.realised for r in rows)
    return planned, realised, realised_percent(planned, realised)


@dataclass
class PublicFollowup:
    """What the publication page shows of a published period's plan: a final plan's items
    with their status, and only the evidence an admin marked public."""

    view: PlanView
    rows: list[tuple[str, str, PlanItem, list[Evidence]]]  # number, element, item, evidence
    sentence: str  # BAB IV's sentence in the unit's number style


def public_followup(unit: Unit, period: Period, decimal: str = ".") -> PublicFollowup | None:
    plan = Plan.objects.filter(unit=unit, period=period, status=Plan.Status.FINAL).first()
    if plan is None:
        return None
    view = plan_view(plan)
    rows = [
        (i.number, p.priority.element_name, i.item, [e for e in i.evidence if e.public])
        for p in view.priorities
        for i in p.items
    ]
    return PublicFollowup(view=view, rows=rows, sentence=view.sentence(decimal))


def public_evidence(unit: Unit, period: Period, evidence_id: int) -> Evidence | None:
    """A public evidence file of the unit's final plan for the period, else None."""
    return Evidence.objects.filter(
        pk=evidence_id,
        public=True,
        item__priority__plan__unit=unit,
        item__priority__plan__period=period,
        item__priority__plan__status=Plan.Status.FINAL,
        item__priority__included=True,
    ).first()


def followup_effects(period: Period, unit: Unit) -> tuple[Plan | None, list[Effect]]:
    """The unit's previous plan and, per element with items done in it, the element's score
    then and in ``period`` (the results page shows it next to the items)."""
    from skm.plans.services import previous_plan

    earlier = previous_plan(period, unit)
    if earlier is None:
        return None, []
    result = period_result(period, unit=unit)
    return earlier, _effects(earlier, result, None)


@dataclass
class ChangeLine:
    label: str
    old: str | None
    new: str | None


def change_lines(changes: dict) -> list[ChangeLine]:
    """An ItemChange's recorded values in words: field labels and choice labels instead of
    field names and codes, quarters as TW 1..4."""
    from django.core.exceptions import FieldDoesNotExist

    extra = {
        "file": _("file"),
        "public": _("public"),
        "from": _("continued from"),
        "direction": _("moved"),
    }
    choices = {
        "status": dict(PlanItem.Status.choices),
        "horizon": dict(PlanItem.Horizon.choices),
    }

    def words(name: str, value) -> str | None:
        if value is None or value == "":
            return None
        if name in choices:
            return str(choices[name].get(value, value))
        if name == "quarters":
            return ", ".join(f"TW {q}" for q in str(value))
        if name == "public":
            return _("yes") if value else _("no")
        if name == "direction":
            return _("up") if value == "up" else _("down")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or None
        return str(value)

    lines = []
    for name, pair in changes.items():
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        try:
            label = str(PlanItem._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = str(extra.get(name, name))
        lines.append(ChangeLine(label=label, old=words(name, old), new=words(name, new)))
    return lines
