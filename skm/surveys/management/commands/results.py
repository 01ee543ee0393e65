"""`skm results`: the IKM of a period from the database, as `skm ikm` prints it."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from skm.method import WeightError
from skm.surveys.breakdowns import BY, part_dict, results_by, results_of_children
from skm.surveys.management.commands._common import fail, resolve
from skm.surveys.selectors import period_result
from skm.transfer.output import render_json, render_ranking, render_table


class Command(BaseCommand):
    help = _("Print the IKM of a unit and period (same table and JSON as `skm ikm`).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help=_("unit slug or exact name"))
        parser.add_argument("--period", required=True, help=_("period slug or exact name"))
        parser.add_argument("--service", help=_("only this service (slug or name)"))
        parser.add_argument("--priorities", type=int, default=3, help=_("number of priorities"))
        parser.add_argument("--json", action="store_true", help=_("print JSON"))
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--children", action="store_true", help=_("rank the sub-units and show the roll-up")
        )
        group.add_argument(
            "--by", choices=BY, help=_("one result per service, channel or profile group")
        )

    def handle(self, *args, **opts) -> None:
        if opts["priorities"] < 0:
            fail(self, [_("--priorities must be 0 or more.")])
        unit, period, service = resolve(self, opts["unit"], opts["period"], opts["service"])
        if opts["children"] or opts["by"]:
            if service is not None:
                fail(self, [_("--service cannot be combined with --children or --by.")])
            self._parts(unit, period, opts)
            return
        try:
            result = period_result(
                period, unit=unit, service=service, priorities=opts["priorities"]
            )
        except WeightError as error:
            fail(self, [str(error)])
        if result.respondents == 0:
            fail(
                self,
                [
                    _("No responses yet for %(unit)s in %(period)s.")
                    % {"unit": unit.name, "period": period.name}
                ],
                status=1,
            )
        if opts["json"]:
            self.stdout.write(render_json(result))
        else:
            label = f"{unit.name} - {period.name}" + (f" - {service.name}" if service else "")
            self.stdout.write(render_table(result, file_label=label))

    def _parts(self, unit, period, opts) -> None:
        header = {"unit": unit.slug, "period": period.slug}
        if opts["by"]:
            from skm.surveys.retention import RawDataRemoved

            try:
                parts = results_by(period, unit=unit, by=opts["by"])
            except RawDataRemoved as removed:
                fail(self, [str(removed)], status=1)
            if opts["json"]:
                data = {**header, "by": opts["by"], "groups": [part_dict(p) for p in parts]}
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
                return
            title = _("%(unit)s - %(period)s, by %(by)s") % {
                "unit": unit.name,
                "period": period.name,
                "by": opts["by"],
            }
            self.stdout.write(render_ranking(title, [(p.label, p.result) for p in parts]))
            return
        found = results_of_children(period, unit=unit)
        if not found.children:
            fail(self, [_("%(unit)s has no units below it.") % {"unit": unit.name}])
        rollup = found.rollup
        if opts["json"]:
            data = {
                **header,
                "rule": rollup.rule if rollup else None,
                "rollup": rollup.result.to_dict() if rollup else None,
                "children": [part_dict(p, "unit") for p in found.children],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        footer = None
        if rollup is not None:
            footer = _("Roll-up (%(rule)s): IKM %(ikm)s, %(n)s units with respondents") % {
                "rule": rollup.rule,
                "ikm": rollup.result.ikm_text or "-",
                "n": rollup.units_used,
            }
        title = _("%(unit)s - %(period)s: units below") % {
            "unit": unit.name,
            "period": period.name,
        }
        self.stdout.write(
            render_ranking(title, [(p.label, p.result) for p in found.children], footer=footer)
        )
