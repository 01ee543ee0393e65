"""The staff results dashboard of a unit: /staf/unit/<unit>/hasil/ (every role may read).

The page and its downloads are built from the same selector results, so a downloaded table
holds exactly the figures on screen. Numbers come from skm.method; nothing is computed here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from skm.method import SurveyResult
from skm.org.access import READ_ROLES, unit_for_user
from skm.org.models import Agency, Service, Unit
from skm.reports.charts import Bar, Series, bar_chart, count_bars, line_chart
from skm.reports.data import number_style
from skm.surveys.counts import one_reading, prefetch_groupings, summary_columns
from skm.surveys.models import PROFILE_COLUMNS, Period
from skm.surveys.results import (
    Filters,
    PartResult,
    change_text,
    children_results,
    default_period,
    element_significant,
    periods_covering,
    profile_breakdowns,
    results_by_channel,
    results_by_service,
    service_label,
    unit_rollup,
    unit_trend,
)
from skm.transfer.exports import spreadsheet_text

FORMATS = ("csv", "xlsx")


def _services_in_reach(unit: Unit):
    """Services a response in the unit's subtree may carry: above, own and below."""
    ids = [u.pk for u in unit.ancestors()] + list(unit.subtree().values_list("pk", flat=True))
    return Service.objects.filter(unit__in=ids).select_related("unit").order_by("name", "pk")


class ResultsFilterForm(forms.Form):
    periode = forms.ChoiceField(label=gettext_lazy("Period"), required=False)
    layanan = forms.ChoiceField(label=gettext_lazy("Service"), required=False)
    dari = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sampai = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, unit: Unit, periods: list[Period], services, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.periods = periods
        self.services = {s.slug: s for s in services}
        # The owner is named only for a period of a unit above (a long option is cut).
        self.fields["periode"].choices = [
            (p.slug, p.name if p.unit_id == unit.pk else _period_label(p)) for p in periods
        ]
        self.fields["layanan"].choices = [("", _("All services"))] + [
            (s.slug, service_label(s, unit)) for s in self.services.values()
        ]

    def clean(self):
        data = super().clean()
        period = next((p for p in self.periods if p.slug == data.get("periode")), None)
        data["period"] = period
        data["service"] = self.services.get(data.get("layanan") or "")
        start, end = data.get("dari"), data.get("sampai")
        if period is not None:
            for name, day in (("dari", start), ("sampai", end)):
                if day is not None and not period.start_date <= day <= period.end_date:
                    self.add_error(
                        name,
                        _("The date must lie within the period (%(start)s to %(end)s).")
                        % {
                            "start": period.start_date.strftime("%d-%m-%Y"),
                            "end": period.end_date.strftime("%d-%m-%Y"),
                        },
                    )
        if start and end and start > end:
            self.add_error("sampai", _("The end date must not be before the start date."))
        if period is not None and period.raw_removed_at and (start or end):
            from skm.surveys.retention import RawDataRemoved

            self.add_error("dari", str(RawDataRemoved(period)))
        return data


def _period_label(period: Period) -> str:
    return f"{period.name} – {period.unit.name}"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[object]]


def _num(text: str | None) -> object:
    return Decimal(text) if text is not None else ""


def _grade(result) -> str:
    return f"{result.grade.letter} ({result.grade.performance})" if result.grade else ""


def _element_rows(result: SurveyResult) -> list[list[object]]:
    return [
        [
            i,
            f"{e.code} {e.name}",
            _num(e.nrr_text),
            _num(e.score_text),
            _grade(e),
            _("priority") if e.code in result.priorities else "",
        ]
        for i, e in enumerate(result.elements, start=1)
    ]


def _element_header() -> list[str]:
    return ["No", _("Element"), "NRR", "IKM", _("Service quality"), _("Priority")]


def _parts_table(title: str, label: str, parts: list[PartResult]) -> Table:
    rows: list[list[object]] = []
    for part in parts:
        rows.extend([part.label, *row] for row in _element_rows(part.result))
        rows.append(
            [
                part.label,
                "",
                _("IKM of the unit"),
                "",
                _num(part.result.ikm_text),
                _grade(part.result),
                "",
            ]
        )
    return Table(title, [label, *_element_header()], rows)


@dataclass
class Dashboard:
    """Everything the page shows, each part computed only when asked for."""

    period: Period
    unit: Unit
    filters: Filters

    def __post_init__(self) -> None:
        self._cache: dict[str, object] = {}

    def _get(self, key: str, build: Callable[[], object]):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    @property
    def result(self) -> SurveyResult:
        from skm.surveys.results import filtered_result

        return self._get(
            "result", lambda: filtered_result(self.period, unit=self.unit, filters=self.filters)
        )

    @property
    def services(self) -> list[PartResult]:
        return self._get(
            "services",
            lambda: results_by_service(self.period, unit=self.unit, filters=self.filters),
        )

    @property
    def channels(self) -> list[PartResult]:
        return self._get(
            "channels",
            lambda: results_by_channel(self.period, unit=self.unit, filters=self.filters),
        )

    @property
    def profile(self):
        return self._get(
            "profile",
            lambda: profile_breakdowns(self.period, unit=self.unit, filters=self.filters),
        )

    @property
    def trend(self):
        return self._get("trend", lambda: unit_trend(self.unit))

    @property
    def children(self) -> list[PartResult]:
        return self._get(
            "children",
            lambda: children_results(self.period, unit=self.unit, filters=self.filters),
        )

    @property
    def rollup(self):
        return self._get(
            "rollup",
            lambda: unit_rollup(
                self.period, unit=self.unit, children=self.children, filters=self.filters
            ),
        )

    # ----------------------------------------------------------------- tables for download
    def table(self, name: str) -> Table | None:
        builders: dict[str, Callable[[], Table]] = {
            "elements": lambda: Table(
                _("Table 1 Summary of SKM results"), _element_header(), _element_rows(self.result)
            ),
            "services": lambda: _parts_table(_("Results per service"), _("Service"), self.services),
            "channels": lambda: _parts_table(_("Results per channel"), _("Channel"), self.channels),
            "trend": self._trend_table,
            "trend_elements": self._trend_elements_table,
            "children": self._children_table,
        }
        for breakdown in self.profile if name not in builders else ():
            if breakdown.name == name:
                return Table(
                    breakdown.title,
                    [breakdown.title, _("Respondents"), "%"],
                    [[r.label, r.count, Decimal(r.percent)] for r in breakdown.rows]
                    + [[_("Total"), breakdown.total, Decimal(100) if breakdown.total else ""]],
                )
        build = builders.get(name)
        return build() if build else None

    def _trend_table(self) -> Table:
        return Table(
            _("Trend"),
            [
                _("Period"),
                _("Respondents"),
                "IKM",
                _("Service quality"),
                _("95% CI"),
                _("Change from previous"),
                _("Significant"),
            ],
            [
                [
                    row.period.name,
                    row.result.respondents,
                    _num(row.result.ikm_text),
                    _grade(row.result),
                    f"{row.result.ci95[0]} – {row.result.ci95[1]}"
                    if row.result.ci95 and row.result.sample_sufficient
                    else "",
                    _num(row.change),
                    _("yes")
                    if row.significant
                    else (_("no") if row.change and row.comparable else ""),
                ]
                for row in self.trend
            ],
        )

    def trend_elements(self) -> dict:
        trend = self.trend
        if not trend:
            return {"periods": [], "rows": []}
        last = trend[-1].result
        previous = trend[-2].result if len(trend) > 1 else None
        rows = []
        for e in last.elements:
            scores = []
            for row in trend:
                try:
                    scores.append(row.result.element(e.code).score_text)
                except KeyError:
                    scores.append(None)
            change = significant = None
            if previous is not None:
                try:
                    change = change_text(e.score, previous.element(e.code).score)
                except KeyError:
                    change = None
                significant = change is not None and element_significant(last, previous, e.code)
            rows.append(
                {
                    "code": e.code,
                    "name": e.name,
                    "scores": scores,
                    "change": change,
                    "significant": significant,
                }
            )
        return {"periods": [r.period for r in trend], "rows": rows}

    def _trend_elements_table(self) -> Table:
        data = self.trend_elements()
        return Table(
            _("Trend per element"),
            [
                _("Element"),
                *[p.name for p in data["periods"]],
                _("Change from previous"),
                _("Significant"),
            ],
            [
                [
                    f"{r['code']} {r['name']}",
                    *[_num(s) for s in r["scores"]],
                    _num(r["change"]),
                    _("yes") if r["significant"] else (_("no") if r["change"] else ""),
                ]
                for r in data["rows"]
            ],
        )

    def _children_table(self) -> Table:
        rows: list[list[object]] = [
            [
                i,
                c.label,
                c.result.respondents,
                _num(c.result.ikm_text),
                _grade(c.result),
                _sample_text(c.result),
            ]
            for i, c in enumerate(self.children, start=1)
        ]
        if self.rollup is not None:
            rows.append(
                [
                    "",
                    _rollup_label(self.rollup.rule),
                    self.rollup.result.respondents,
                    _num(self.rollup.result.ikm_text),
                    _grade(self.rollup.result),
                    "",
                ]
            )
        return Table(
            _("Units below"),
            [
                _("Rank"),
                _("Unit"),
                _("Respondents"),
                "IKM",
                _("Service quality"),
                _("Sample reached"),
            ],
            rows,
        )


def _sample_text(result: SurveyResult) -> str:
    if result.sample is None:
        return ""
    return _("yes") if result.sample.reached else _("no")


def _rollup_label(rule: str) -> str:
    if rule == Agency.Rollup.MEAN:
        return _("Roll-up: mean of the units")
    return _("Roll-up: all respondents pooled")


# ------------------------------------------------------------------------ downloads


def _download(table: Table, fmt: str, file_stem: str) -> HttpResponse:
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so that Excel reads UTF-8
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([spreadsheet_text(h) for h in table.header])
        for row in table.rows:
            writer.writerow([spreadsheet_text(str(c)) for c in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        name = f"{file_stem}.csv"
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=table.title[:31])
        sheet.append([spreadsheet_text(h) for h in table.header])
        for row in table.rows:
            sheet.append([spreadsheet_text(c) for c in row])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"{file_stem}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------ the page


def _charts(board: Dashboard, decimal: str) -> dict:
    result = board.result
    priority = _("priority")
    charts = {
        "elements": bar_chart(
            [
                Bar(
                    # Whole: the chart wraps long names at word boundaries.
                    f"{e.code} {e.name}",
                    e.score_text,
                    e.code in result.priorities,
                    f"({priority})" if e.code in result.priorities else "",
                )
                for e in result.elements
            ],
            title=_("IKM per element"),
            desc=_("Bars from 25 to 100; dashed lines mark the lowest value of grades C, B, A."),
            decimal=decimal,
        ),
        "profile": [
            (
                b,
                count_bars(
                    [(r.label, r.count, r.percent) for r in b.rows],
                    title=_("Respondents by %(breakdown)s") % {"breakdown": b.title.lower()},
                    decimal=decimal,
                ),
            )
            for b in board.profile
        ],
    }
    if len(board.trend) > 1:
        charts["trend"] = line_chart(
            [row.period.name for row in board.trend],
            [Series("IKM", [row.result.ikm_text for row in board.trend])],
            title=_("IKM across periods"),
            decimal=decimal,
        )
    return charts


@login_required
@require_GET
@one_reading()
def results_page(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    periods = periods_covering(unit)
    services = _services_in_reach(unit)
    data = request.GET.copy()
    if not data.get("periode") and periods:
        chosen = default_period(unit, periods)
        data["periode"] = chosen.slug if chosen else ""
    form = ResultsFilterForm(data, unit=unit, periods=periods, services=services)
    context: dict = {"unit": unit, "form": form, "periods": periods}
    if not periods:
        return render(request, "dashboard/results.html", context)
    if not form.is_valid() or form.cleaned_data["period"] is None:
        if request.GET.get("format"):
            raise Http404
        return render(request, "dashboard/results.html", context, status=200)
    cleaned = form.cleaned_data
    filters = Filters(
        service=cleaned["service"], date_from=cleaned.get("dari"), date_to=cleaned.get("sampai")
    )
    board = Dashboard(period=cleaned["period"], unit=unit, filters=filters)
    if filters.date_from is None and filters.date_to is None:
        # Every table of the page from one scan of the counts (PostgreSQL).
        positions = board.period.questionnaire.elements.values_list("position", flat=True)
        prefetch_groupings(
            board.period,
            unit_path=unit.path,
            service_key=filters.service.pk if filters.service else None,
            columns=(*summary_columns(positions), *PROFILE_COLUMNS.values()),
        )

    fmt = request.GET.get("format")
    if fmt:
        table = board.table(request.GET.get("table", "")) if fmt in FORMATS else None
        if table is None:
            raise Http404
        stem = "-".join(
            ["skm", unit.slug, board.period.slug, request.GET["table"].replace("_", "-")]
        )
        return _download(table, fmt, stem)

    query = request.GET.copy()
    query["periode"] = board.period.slug
    query.pop("format", None)
    query.pop("table", None)
    style = number_style(unit)
    context.update(
        board=board,
        period=board.period,
        result=board.result,
        number_style=style,
        charts=_charts(board, style),
        trend_elements=board.trend_elements(),
        query=query.urlencode(),
        rollup_pooled=Agency.Rollup.POOLED,
        sample_percent=_sample_percent(board.result),
    )
    from skm.method import MINIMUM_RESPONDENTS
    from skm.plans.selectors import followup_effects

    # Below the sufficient sample: counts and a notice, no intervals, significance or
    # effects (docs/cycle.md).
    context["sufficient"] = board.result.sample_sufficient
    context["minimum_respondents"] = MINIMUM_RESPONDENTS
    if context["sufficient"]:
        context["earlier_plan"], context["effects"] = followup_effects(board.period, unit)
    return render(request, "dashboard/results.html", context)


def _sample_percent(result: SurveyResult) -> int | None:
    if result.sample is None or not result.sample.required:
        return None
    # A display proportion for the progress bar only, capped at 100.
    return min(100, result.respondents * 100 // result.sample.required)
