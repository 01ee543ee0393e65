"""`skm retention`: delete individual responses older than the retention period."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from skm.surveys.retention import retention_apply


class Command(BaseCommand):
    help = _(
        "Delete the individual responses of periods that ended more than N years ago "
        "(SKM_RETENTION_YEARS); their counts, and so their results, stay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years", type=int, default=None, help=_("years to keep (default: the setting)")
        )
        parser.add_argument("--dry-run", action="store_true", help=_("only say what would go"))

    def handle(self, *args, **opts) -> None:
        years = settings.RETENTION_YEARS if opts["years"] is None else opts["years"]
        if years < 1:
            from skm.surveys.management.commands._common import fail

            fail(self, [_("--years must be at least 1.")])
        done = retention_apply(years=years, dry_run=opts["dry_run"])
        for item in done:
            self.stdout.write(
                (_("would delete") if opts["dry_run"] else _("deleted"))
                + f": {item.period.unit.name} - {item.period.name}: {item.responses}"
            )
        self.stdout.write(
            _("%(n)s period(s) past %(years)s years.") % {"n": len(done), "years": years}
        )
