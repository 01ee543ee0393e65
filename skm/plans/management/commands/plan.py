"""`skm plan`: a unit's follow-up plan for a period, its realisation, % realised and PEKPPP."""

from __future__ import annotations

import json
import textwrap

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from skm.plans.models import Plan, PlanItem
from skm.plans.selectors import plan_dict, plan_view
from skm.surveys.management.commands._common import fail, resolve


class Command(BaseCommand):
    help = _("Print the follow-up plan (RTL) of a unit and period with its realisation.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help=_("unit slug or exact name"))
        parser.add_argument("--period", required=True, help=_("period slug or exact name"))
        parser.add_argument("--json", action="store_true", help=_("print JSON"))

    def handle(self, *args, **opts) -> None:
        unit, period, _service = resolve(self, opts["unit"], opts["period"], None)
        plan = Plan.objects.filter(unit=unit, period=period).first()
        if plan is None:
            fail(
                self,
                [
                    _("%(unit)s has no follow-up plan for %(period)s.")
                    % {"unit": unit.name, "period": period.name}
                ],
                status=1,
            )
        view = plan_view(plan)
        data = plan_dict(view)
        if opts["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(self._text(view, data))

    def _text(self, view, data) -> str:
        out = [
            f"{_('Follow-up plan')}: {view.plan.unit.name} - {view.plan.period.name}"
            f" ({view.plan.get_status_display()})",
            "",
        ]
        status = dict(PlanItem.Status.choices)
        for priority in data["priorities"]:
            grade = f", {priority['grade']}" if priority["grade"] else ""
            out.append(
                f"{priority['number']}. {priority['code']} {priority['name']}"
                f" ({priority['score'] or '-'}{grade})"
            )
            for item in priority["items"]:
                quarters = ",".join(f"TW{q}" for q in item["quarters"])
                lines = textwrap.wrap(item["activity"], 72) or [""]
                out.append(f"   {item['number']:<5} {lines[0]}")
                out.extend(f"         {line}" for line in lines[1:])
                done = f" {item['done_on']}" if item["done_on"] else ""
                late = f" [{_('overdue')}]" if item["overdue"] else ""
                out.append(
                    f"         {quarters} {item['year']} | {item['owner']} | "
                    f"{status.get(item['status'], item['status'])}{done}{late}"
                )
        if data["strategies"]:
            out += ["", _("Strategies") + ":"]
            for s in data["strategies"]:
                target = f"TW {s['target_quarter']}" if s["target_quarter"] else s["target_date"]
                out.append(f"   {s['number']}. {s['strategy']} ({target}; {s['owner']})")
        out += [
            "",
            f"{_('Realised')}: {data['realised']}/{data['planned']}"
            f" = {data['realised_percent'] or '-'}%",
            view.sentence(),
            f"PEKPPP 8: {data['pekppp']['indicator_8']} - {data['pekppp']['indicator_8_basis']}",
            f"PEKPPP 9: {data['pekppp']['indicator_9']} - {data['pekppp']['indicator_9_basis']}",
            f"{_('Information')}: {data['pekppp']['completion_speed']} - "
            f"{data['pekppp']['completion_speed_basis']}",
        ]
        return "\n".join(out)
