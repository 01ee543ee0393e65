"""The cycle of an SKM period on a unit's page (docs/cycle.md): twelve steps from opening the
period to the PEKPPP evidence, each step's state derived from what the app already holds,
and the one next action.

Nothing here is recorded: every state is read from the data (periods, kiosks, responses,
suggestion reviews, plans, report jobs, publications, the PEKPPP levels). Figures come from
skm.method through ``period_result`` (the sample) and the selectors named per step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from skm.method import MINIMUM_RESPONDENTS, SurveyResult
from skm.org.models import Unit
from skm.reports.data import DEFAULT_NUMBER_STYLE, number_style
from skm.reports.formatting import count
from skm.surveys.models import Period

DONE = "done"  # the step is done
TODO = "todo"  # still to do; the first one is the next action
PASSED = "passed"  # the period moved on without it (shown as a warning, never the next action)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    state: str
    detail: str = ""
    url: str | None = None  # where the step is done
    action: str = ""  # the link's words

    @property
    def done(self) -> bool:
        return self.state == DONE


@dataclass
class Cycle:
    unit: Unit
    period: Period | None
    result: SurveyResult | None
    steps: list[Step] = field(default_factory=list)
    number_style: str = DEFAULT_NUMBER_STYLE  # the unit's (skm.reports.data.number_style)

    @property
    def next(self) -> Step | None:
        """The one next action: the first step still to do."""
        return next((s for s in self.steps if s.state == TODO), None)


STEP_KEYS = (
    "open",
    "collect",
    "sample",
    "closed",
    "reviewed",
    "suggestions",
    "plan_drafted",
    "plan_final",
    "realised",
    "followup_report",
    "published",
    "pekppp",
)


def cycle_period(unit: Unit) -> Period | None:
    """The period the checklist follows: the one the results, plan and reports pages open
    on (default_period)."""
    from skm.surveys.results import default_period, periods_covering

    return default_period(unit, periods_covering(unit))


def unit_cycle(
    unit: Unit,
    period: Period | None = None,
    *,
    until_next: bool = False,
    style: str | None = None,
) -> Cycle:
    """The checklist of ``unit`` for ``period`` (default: cycle_period). With
    ``until_next`` the steps stop at the next action (the home page needs no more).
    ``style`` is the unit's number style when the caller read it already (number_styles)."""
    from skm.surveys.selectors import period_result

    style = style or number_style(unit)
    period = period or cycle_period(unit)
    if period is None:
        return Cycle(unit=unit, period=None, result=None, number_style=style)
    result = period_result(period, unit=unit)
    cycle = Cycle(unit=unit, period=period, result=result, number_style=style)
    for step in _steps(unit, period, result, style):
        cycle.steps.append(step)
        if until_next and step.state == TODO:
            break
    return cycle


def _url(name: str, unit: Unit, period: Period | None = None) -> str:
    url = reverse(f"dashboard:{name}", args=[unit.slug])
    if period is None:
        return url
    return f"{url}?{urlencode({'periode': period.slug, 'pemilik': period.unit.slug})}"


def _steps(unit: Unit, period: Period, result: SurveyResult, style: str) -> Iterator[Step]:
    from skm.plans.models import Plan
    from skm.plans.selectors import plan_view
    from skm.reports.models import ReportJob
    from skm.reports.pekppp import unit_levels
    from skm.surveys.models import Kiosk, Publication, Response, SuggestionReview
    from skm.surveys.suggestions import suggestion_counts

    status = period.status
    closed = status == Period.Status.CLOSED
    in_subtree = {"unit__path__startswith": unit.path}

    # 1. The period is open (or was: a closed period was open before).
    yield Step(
        "open",
        _("Period open"),
        DONE if status != Period.Status.DRAFT else TODO,
        period.get_status_display(),
        action=_("An administrator opens the period"),
    )

    # 2. QR posters and kiosks: nothing records a printed poster, so the step is done when
    # a kiosk of the subtree is active or the online form or a kiosk brought a response.
    kiosks = Kiosk.objects.filter(
        activated_at__isnull=False, revoked_at__isnull=True, **in_subtree
    ).count()
    online = Response.objects.filter(
        period=period,
        channel__in=[Response.Channel.ONLINE, Response.Channel.KIOSK],
        **in_subtree,
    ).exists()
    if kiosks or online:
        state, detail = (
            DONE,
            _("%(kiosks)d active kiosks; responses by QR or kiosk: %(any)s")
            % {
                "kiosks": kiosks,
                "any": _("yes") if online else _("no"),
            },
        )
    else:
        state = PASSED if closed else TODO
        detail = _("No active kiosk and no response by the QR link yet.")
    yield Step(
        "collect",
        _("QR posters printed and kiosks active"),
        state,
        detail,
        _url("poster", unit),
        _("Print the QR poster"),
    )

    # 3. Sample progress (skm.method: Krejcie-Morgan and the minimum).
    if result.sample is not None:
        detail = _("%(n)s of %(required)s respondents required") % {
            "n": count(result.respondents, style),
            "required": count(result.sample.required, style),
        }
    else:
        detail = _("%(n)s respondents (at least %(minimum)d needed)") % {
            "n": count(result.respondents, style),
            "minimum": MINIMUM_RESPONDENTS,
        }
    state = DONE if result.sample_sufficient else PASSED if closed else TODO
    yield Step(
        "sample",
        _("Sample reached"),
        state,
        detail,
        _url("paper", unit),
        _("Collect more responses (paper questionnaires, QR, kiosk)"),
    )

    # 4. The period is closed.
    yield Step(
        "closed",
        _("Period closed"),
        DONE if closed else TODO,
        _("%(status)s, ends %(end)s")
        % {"status": period.get_status_display(), "end": period.end_date.strftime("%d-%m-%Y")},
        action=_("An administrator closes the period after its end date"),
    )

    plan = Plan.objects.filter(period=period, unit=unit).first()
    jobs = ReportJob.objects.filter(unit=unit, period=period, status=ReportJob.Status.DONE)

    # 5. Results reviewed: nothing records reading a page, so the step is done once the
    # Laporan Hasil was made or the plan drafted from the results.
    made_results = jobs.filter(kind="hasil").exists()
    yield Step(
        "reviewed",
        _("Results reviewed"),
        DONE if made_results or plan is not None else TODO,
        _("Laporan Hasil made") if made_results else (_("plan drafted") if plan else ""),
        _url("results", unit, period),
        _("Review the results"),
    )

    # 6. Suggestions triaged: none left with the status "new".
    counts = suggestion_counts(unit, period)
    untriaged = counts.by_status.get(SuggestionReview.Status.NEW, 0)
    yield Step(
        "suggestions",
        _("Suggestions triaged"),
        DONE if not untriaged else TODO,
        _("%(new)s of %(total)s suggestions not triaged")
        % {"new": count(untriaged, style), "total": count(counts.total, style)}
        if counts.total
        else _("No suggestion came in this period."),
        _url("suggestions", unit, period),
        _("Triage the suggestions"),
    )

    # 7-9. The follow-up plan: drafted, final, every item realised.
    yield Step(
        "plan_drafted",
        _("Follow-up plan (RTL) drafted"),
        DONE if plan is not None else TODO,
        "",
        _url("plan", unit, period),
        _("Draw up the follow-up plan"),
    )
    yield Step(
        "plan_final",
        _("Follow-up plan (RTL) final"),
        DONE if plan is not None and plan.is_final else TODO,
        "",
        _url("plan", unit, period),
        _("Make the plan final"),
    )
    view = plan_view(plan) if plan is not None else None
    yield Step(
        "realised",
        _("Realisation recorded"),
        DONE if view is not None and view.planned and view.realised == view.planned else TODO,
        _("%(done)d of %(planned)d items realised")
        % {"done": view.realised, "planned": view.planned}
        if view is not None
        else "",
        _url("plan", unit, period),
        _("Record the realisation"),
    )

    # 10. The Laporan Tindak Lanjut was made (a finished report job).
    yield Step(
        "followup_report",
        _("Laporan Tindak Lanjut generated"),
        DONE if jobs.filter(kind="tindak-lanjut").exists() else TODO,
        "",
        _url("reports", unit, period),
        _("Make the Laporan Tindak Lanjut"),
    )

    # 11. Published.
    published = Publication.objects.filter(period=period, unit=unit).first()
    yield Step(
        "published",
        _("Results published"),
        DONE if published else TODO,
        published.published_at.strftime("%d-%m-%Y") if published else "",
        _url("publish", unit),
        _("Publish the results"),
    )

    # 12. PEKPPP evidence ready: the evaluation year's levels have no warning.
    levels = unit_levels(unit, period.end_date.year)
    yield Step(
        "pekppp",
        _("PEKPPP evidence ready"),
        DONE if not levels.warnings else TODO,
        " ".join(levels.warnings[:2]),
        _url("reports", unit, period),
        _("Complete the PEKPPP evidence"),
    )
