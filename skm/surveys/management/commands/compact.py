"""`skm compact`: fold the sharded per-cell counts so that results read fewer rows."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from skm.surveys.counts import compact
from skm.surveys.management.commands._common import fail, resolve


class Command(BaseCommand):
    help = _(
        "Fold the shards of the per-cell counts into one row per cell (safe while responses "
        "arrive; run it every few minutes from cron or a timer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help=_("unit slug or exact name (with --period)"))
        parser.add_argument("--period", help=_("period slug or exact name (with --unit)"))

    def handle(self, *args, **opts) -> None:
        period_id = None
        if opts["unit"] or opts["period"]:
            if not (opts["unit"] and opts["period"]):
                fail(self, [_("Give --unit and --period together.")])
            _unit, period, _service = resolve(self, opts["unit"], opts["period"], None)
            period_id = period.pk
        removed = compact(period_id=period_id)
        self.stdout.write(_("Counts compacted: %(n)s rows folded.") % {"n": removed})
