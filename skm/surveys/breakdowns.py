"""Results broken down by service, channel or a respondent profile field, and by sub-unit.

Shared by `skm results --by/--children` and the API, so both show the dashboard's figures
(every figure from skm.method through the same tallies).
"""

from __future__ import annotations

from dataclasses import dataclass

from skm.method import EDUCATIONS, GENDERS, OCCUPATIONS, SurveyResult, compute
from skm.method.profile import AGE_GROUPS
from skm.org.models import Unit
from skm.surveys.models import Period
from skm.surveys.results import (
    PartResult,
    Rollup,
    children_results,
    results_by_channel,
    results_by_service,
    unit_rollup,
)
from skm.surveys.selectors import (
    method_elements,
    period_tally,
    period_weights,
    questionnaire_elements,
)

BY = ("service", "channel", "sex", "education", "occupation", "age")
NOT_FILLED = "Tidak diisi"


def _profile_result(period: Period, unit: Unit, profile: dict) -> SurveyResult:
    rows = questionnaire_elements(period)
    return compute(
        period_tally(period, unit=unit, rows=rows, profile=profile),
        method_elements(rows),
        weighting=period.weighting,
        weights=period_weights(period, rows),
    )


def _by_choices(period: Period, unit: Unit, field: str, choices) -> list[PartResult]:
    parts = [
        PartResult(code, label, _profile_result(period, unit, {field: code}))
        for code, label in [*choices, ("", NOT_FILLED)]
    ]
    return [p for p in parts if p.result.respondents]


def _by_age(period: Period, unit: Unit) -> list[PartResult]:
    parts = []
    for key, low, high, label in AGE_GROUPS:
        profile: dict = {}
        if low is not None:
            profile["age__gte"] = low
        if high is not None:
            profile["age__lte"] = high
        parts.append(PartResult(key, str(label), _profile_result(period, unit, profile)))
    parts.append(PartResult("", NOT_FILLED, _profile_result(period, unit, {"age": None})))
    return [p for p in parts if p.result.respondents]


def results_by(period: Period, *, unit: Unit, by: str) -> list[PartResult]:
    """One result per group of ``by`` (see BY) that has respondents."""
    if by == "service":
        return results_by_service(period, unit=unit)
    if by == "channel":
        return results_by_channel(period, unit=unit)
    if by == "sex":
        return _by_choices(period, unit, "gender", GENDERS)
    if by == "education":
        return _by_choices(period, unit, "education", EDUCATIONS)
    if by == "occupation":
        return _by_choices(period, unit, "occupation", OCCUPATIONS)
    if by == "age":
        return _by_age(period, unit)
    raise ValueError(f"unknown breakdown {by!r}; choose from {', '.join(BY)}")


@dataclass(frozen=True)
class ChildrenResults:
    children: list[PartResult]
    rollup: Rollup | None


def results_of_children(period: Period, *, unit: Unit) -> ChildrenResults:
    """Each sub-unit's result, best first, and the unit's roll-up by its agency's rule."""
    children = children_results(period, unit=unit)
    return ChildrenResults(children, unit_rollup(period, unit=unit, children=children))


def part_dict(part: PartResult, key_name: str = "key") -> dict:
    return {key_name: part.key, "label": part.label, "result": part.result.to_dict()}
