"""`skm verify`: the maintained per-cell counts against the raw responses."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from skm.surveys.counts import verify
from skm.surveys.management.commands._common import fail, resolve


class Command(BaseCommand):
    help = _("Recompute the counts from the raw responses and report any difference.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help=_("unit slug or exact name (with --period)"))
        parser.add_argument("--period", help=_("period slug or exact name (with --unit)"))
        parser.add_argument(
            "--repair",
            action="store_true",
            help=_("after reporting, replace the counts by the recount (whole period)"),
        )

    def handle(self, *args, **opts) -> None:
        period_id = unit_ids = None
        if opts["unit"] or opts["period"]:
            if not (opts["unit"] and opts["period"]):
                fail(self, [_("Give --unit and --period together.")])
            unit, period, _service = resolve(self, opts["unit"], opts["period"], None)
            period_id = period.pk
            unit_ids = list(unit.subtree().values_list("pk", flat=True))
        differences = verify(period_id=period_id, unit_ids=unit_ids)
        if not differences:
            self.stdout.write(_("Counts verified: they equal the raw responses."))
            return
        for d in differences[:50]:
            self.stderr.write(
                _(
                    "period %(period)s, unit %(unit)s, service %(service)s, channel %(channel)s,"
                    " %(figure)s: counted %(counted)s, responses %(actual)s"
                )
                % {
                    "period": d.period_id,
                    "unit": d.unit_id,
                    "service": d.service_key or "-",
                    "channel": d.channel,
                    "figure": d.figure,
                    "counted": d.counted,
                    "actual": d.actual,
                }
            )
        if opts["repair"]:
            from skm.surveys.counts import rebuild

            cells = rebuild(period_id=period_id)
            self.stdout.write(_("Counts rebuilt from the responses: %(n)s cells.") % {"n": cells})
            return
        fail(self, [_("%(n)s differences found.") % {"n": len(differences)}], status=1)
