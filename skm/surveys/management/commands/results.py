"""`skm results`: the IKM of a period from the database, as `skm ikm` prints it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from skm.method import WeightError
from skm.surveys.management.commands._common import fail, resolve
from skm.surveys.selectors import period_result
from skm.transfer.output import render_json, render_table


class Command(BaseCommand):
    help = _("Print the IKM of a unit and period (same table and JSON as `skm ikm`).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help=_("unit slug or exact name"))
        parser.add_argument("--period", required=True, help=_("period slug or exact name"))
        parser.add_argument("--service", help=_("only this service (slug or name)"))
        parser.add_argument("--priorities", type=int, default=3, help=_("number of priorities"))
        parser.add_argument("--json", action="store_true", help=_("print JSON"))

    def handle(self, *args, **opts) -> None:
        if opts["priorities"] < 0:
            fail(self, [_("--priorities must be 0 or more.")])
        unit, period, service = resolve(self, opts["unit"], opts["period"], opts["service"])
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
