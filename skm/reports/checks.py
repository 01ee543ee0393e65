"""Consistency checks of a document before it is made (docs/reports.md, "Checks before
printing"): shown on the report page and by `skm report` on stderr, never printed in the
document itself.

Rules, for the plan a document prints (the Laporan Tindak Lanjut and the Laporan Hasil; the
poster prints neither the plan nor its evidence, so it has none):

- misfiled: an item whose wording fits another element far better than its own
  (skm.plans.selectors.misfiled_element, the same detection as the plan page);
- done-late: an item marked done after the report date (the date of signing);
- done-early: an item marked done before the first day of its earliest scheduled quarter;
- not-done: an item not done whose due date (its target date, else the end of its last
  scheduled quarter) is on or before the report date;
- percent: the % realised the document prints counts every item marked done; when some were
  done after the report date, the figure on the report date differs and both are named;
- evidence-private: evidence not marked public, with what the chosen evidence scope does
  with it (left out with "publik", printed with "semua"): the plan's evidence in the Laporan
  Tindak Lanjut, the survey's own photos (SurveyPhoto) in the Laporan Hasil, which never
  prints the follow-up's photos;
- pekppp-band (Laporan Tindak Lanjut): every item was done by a boundary of PEKPPP indicator
  9's bands but the report's date (the date of signing, and the follow-up report's issue
  date recorded on the plan when it differs) lies after it, so an earlier date would score
  higher (skm.method.pekppp.band_crossing);
- pekppp-date (Laporan Tindak Lanjut): the issue date of the Laporan Hasil SKM is empty on
  the plan, so indicator 9 cannot be scored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from skm.method.pekppp import band_crossing, percent_text, realised_percent
from skm.org.models import Unit
from skm.plans.models import Plan, PlanItem
from skm.plans.selectors import plan_view
from skm.reports import formatting as fmt
from skm.reports.documents import EVIDENCE_ALL, default_evidence_scope
from skm.surveys.models import Period

QUARTER_START = {1: 1, 2: 4, 3: 7, 4: 10}  # month of each quarter's first day


@dataclass(frozen=True)
class Check:
    code: str  # misfiled, done-late, done-early, not-done, percent, evidence-private,
    # pekppp-band, pekppp-date
    item: str  # the item's number as printed ("1.2"), "" for the whole plan
    message: str  # what is wrong, where, and what to do (the user's language)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _percent(value, decimal: str) -> str:
    text = percent_text(value) or "0"
    if value is not None and value.denominator == 1:
        text = str(value.numerator)  # "100", as the document writes it
    return fmt.number(text, decimal) + "%"


def report_checks(
    unit: Unit,
    period: Period,
    kind: str,
    signed_on: dt.date | None = None,
    evidence_scope: str | None = None,
) -> list[Check]:
    """The warnings for ``kind`` (tindak-lanjut, hasil, poster) of a unit and period signed
    on ``signed_on`` (default today) printing ``evidence_scope`` (publik/semua; default
    per document, skm.reports.documents.default_evidence_scope)."""
    if kind == "poster":
        return []
    scope = evidence_scope or default_evidence_scope(kind)
    photos = _private_survey_photos(unit, period, scope) if kind == "hasil" else []
    plan = Plan.objects.filter(unit=unit, period=period).select_related("period", "unit").first()
    if plan is None:
        return photos
    from skm.reports.data import report_profile

    signed_on = signed_on or timezone.localdate()
    decimal = report_profile(unit).decimal
    view = plan_view(plan, today=signed_on)
    signed = fmt.date_long(signed_on)
    checks: list[Check] = []
    late: list[tuple[str, dt.date]] = []
    for priority in view.priorities:
        for row in priority.items:
            item, number = row.item, row.number
            if row.misfiled:
                checks.append(
                    Check(
                        "misfiled",
                        number,
                        _(
                            "Item %(number)s “%(activity)s” is filed under %(element)s, but "
                            "its wording fits %(other)s. Move it to the right element or "
                            "reword it on the plan page."
                        )
                        % {
                            "number": number,
                            "activity": _short(item.activity),
                            "element": priority.priority.element_name,
                            "other": row.misfiled_name,
                        },
                    )
                )
            if item.status == PlanItem.Status.DONE and item.done_on is not None:
                first = min(item.quarter_list)
                start = dt.date(item.year, QUARTER_START[first], 1)
                if item.done_on > signed_on:
                    late.append((number, item.done_on))
                    checks.append(
                        Check(
                            "done-late",
                            number,
                            _(
                                "Item %(number)s is marked done on %(done)s, after the report "
                                "date %(signed)s: the document would count as done what had "
                                "not happened when it was signed. Correct the date done on "
                                "the plan page or choose a later date of signing."
                            )
                            % {
                                "number": number,
                                "done": fmt.date_long(item.done_on),
                                "signed": signed,
                            },
                        )
                    )
                elif item.done_on < start:
                    checks.append(
                        Check(
                            "done-early",
                            number,
                            _(
                                "Item %(number)s is marked done on %(done)s, before its "
                                "scheduled quarter (%(quarter)s, from %(start)s). Check the "
                                "date done or the schedule on the plan page."
                            )
                            % {
                                "number": number,
                                "done": fmt.date_long(item.done_on),
                                "quarter": f"TW {first} {item.year}",
                                "start": fmt.date_long(start),
                            },
                        )
                    )
            elif item.status != PlanItem.Status.DONE and row.due <= signed_on:
                checks.append(
                    Check(
                        "not-done",
                        number,
                        _(
                            "Item %(number)s was due by %(due)s but is not done at the report "
                            "date %(signed)s (status: %(status)s). Record its realisation, or "
                            "its obstacles, on the plan page."
                        )
                        % {
                            "number": number,
                            "due": fmt.date_long(row.due),
                            "signed": signed,
                            "status": item.get_status_display(),
                        },
                    )
                )
            private = [e for e in row.evidence if not e.public] if kind != "hasil" else []
            if private:
                values = {
                    "number": number,
                    "count": len(private),
                    "names": ", ".join(_short(e.caption or e.original_name, 60) for e in private),
                }
                if scope == EVIDENCE_ALL:
                    message = _(
                        "Item %(number)s: %(count)s evidence file(s) not marked public "
                        "(%(names)s) will be printed. Keep this document internal or choose "
                        "public evidence only; mark them public on the plan page if they may "
                        "be published."
                    )
                else:
                    message = _(
                        "Item %(number)s has %(count)s evidence file(s) not marked public "
                        "(%(names)s): not printed, since this document prints public evidence "
                        "only. Mark them public on the plan page if they may be published, or "
                        "choose all evidence for an internal copy."
                    )
                checks.append(Check("evidence-private", number, message % values))
    checks += photos
    if kind == "tindak-lanjut":
        checks += _pekppp_checks(plan, view, signed_on)
    if late and view.percent is not None:
        by_date = view.realised - len(late)
        checks.append(
            Check(
                "percent",
                "",
                _(
                    "The document states %(printed)s realised (%(done)s of %(planned)s "
                    "items), but on the report date %(signed)s only %(actual)s were done "
                    "(%(by_date)s of %(planned)s): item(s) %(items)s were done later. Choose "
                    "a date of signing on or after %(last)s, or correct the dates done."
                )
                % {
                    "printed": _percent(view.percent, decimal),
                    "done": view.realised,
                    "planned": view.planned,
                    "signed": signed,
                    "actual": _percent(realised_percent(view.planned, by_date), decimal),
                    "by_date": by_date,
                    "items": ", ".join(n for n, _d in late),
                    "last": fmt.date_long(max(d for _n, d in late)),
                },
            )
        )
    return checks


def _private_survey_photos(unit: Unit, period: Period, scope: str) -> list[Check]:
    """The Laporan Hasil's appendix prints the survey's own photos: those not marked public."""
    from skm.reports.models import SurveyPhoto

    private = list(SurveyPhoto.objects.filter(unit=unit, period=period, public=False))
    if not private:
        return []
    values = {
        "count": len(private),
        "names": ", ".join(_short(p.caption or p.original_name, 60) for p in private),
    }
    if scope == EVIDENCE_ALL:
        message = _(
            "%(count)s photo(s) of the survey not marked public (%(names)s) will be printed "
            "in the appendix. Keep this document internal or choose public evidence only."
        )
    else:
        message = _(
            "%(count)s photo(s) of the survey not marked public (%(names)s): not printed, "
            "since this document prints public evidence only. Upload them again as public on "
            "the texts page if they may be published, or choose all evidence for an internal "
            "copy."
        )
    return [Check("evidence-private", "", message % values)]


def _pekppp_checks(plan: Plan, view, signed_on: dt.date) -> list[Check]:
    """Indicator 9 of the Laporan Tindak Lanjut: the Laporan Hasil's issue date is needed,
    and a report dated past a band boundary the work met loses a score."""
    if plan.reported_on is None:
        return [
            Check(
                "pekppp-date",
                "",
                _(
                    "The issue date of the Laporan Hasil SKM is empty on the plan page: PEKPPP "
                    "indicator 9 counts the months from it to this report. Fill it in on the "
                    "plan page."
                ),
            )
        ]
    done = [row.item.done_on for row in view.items]
    dates = [(signed_on, _("the date of signing"))]
    if plan.followup_reported_on and plan.followup_reported_on != signed_on:
        dates.append(
            (plan.followup_reported_on, _("the follow-up report's issue date on the plan page"))
        )
    checks = []
    for day, which in dates:
        crossing = band_crossing(plan.reported_on, day, done)
        if crossing is None:
            continue
        checks.append(
            Check(
                "pekppp-band",
                "",
                _(
                    "Every item was done by %(keep_by)s, but %(which)s (%(day)s) is later: "
                    "PEKPPP indicator 9 (from the Laporan Hasil of %(result)s to this report) "
                    "drops from %(possible)s to %(score)s. Date the report on or before "
                    "%(keep_by)s to keep %(possible)s."
                )
                % {
                    "keep_by": fmt.date_long(crossing.keep_by),
                    "which": which,
                    "day": fmt.date_long(day),
                    "result": fmt.date_long(plan.reported_on),
                    "possible": crossing.possible,
                    "score": crossing.score,
                },
            )
        )
    return checks
