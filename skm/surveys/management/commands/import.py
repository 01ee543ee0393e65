"""`skm import`: load a response file into a period, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from skm.method.elements import ORDERS
from skm.surveys.management.commands._common import fail, resolve
from skm.surveys.services import ImportRefused, responses_import
from skm.transfer.cli import add_shape_arguments, notice_lines, shape_options


def progress_bar(done: int, total: int | None, width: int = 30) -> str:
    """``[#########.....]  60%  1,200/2,000 responses`` (no bar when the total is unknown)."""
    label = _("%(n)s responses read") % {"n": f"{done:,}"}
    if not total:
        return label
    share = min(done / total, 1.0)
    filled = int(share * width)
    return f"[{'#' * filled}{'.' * (width - filled)}] {share:4.0%}  {done:,}/{total:,}  " + label


class Command(BaseCommand):
    help = _("Import a CSV/XLSX response file into a unit's period (all or nothing).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("CSV or XLSX file"))
        parser.add_argument("--unit", required=True, help=_("unit slug or exact name"))
        parser.add_argument("--period", required=True, help=_("period slug or exact name"))
        parser.add_argument("--service", help=_("service for every row (slug or name)"))
        parser.add_argument("--sheet", help=_("XLSX sheet name (default: the first)"))
        parser.add_argument("--dry-run", action="store_true", help=_("check only, store nothing"))
        parser.add_argument("--force", action="store_true", help=_("load a file again"))
        parser.add_argument(
            "--order",
            choices=ORDERS,
            default=None,
            help=_(
                "how numbered columns map to elements 8 and 9: kuesioner (8 = facilities) "
                "or daftar (8 = complaints)"
            ),
        )

        add_shape_arguments(parser)

    def handle(self, *args, **opts) -> None:
        try:
            shape = shape_options(opts)
        except ValueError as exc:
            fail(self, [str(exc)])
        unit, period, service = resolve(self, opts["unit"], opts["period"], opts["service"])
        path = Path(opts["file"])
        show_progress = sys.stderr.isatty()

        def progress(done: int, total: int | None) -> None:
            if show_progress:
                sys.stderr.write("\r" + progress_bar(done, total))
                sys.stderr.flush()

        try:
            result = responses_import(
                period=period,
                unit=unit,
                path=path,
                service=service,
                sheet=opts["sheet"],
                dry_run=opts["dry_run"],
                force=opts["force"],
                progress=progress,
                order=opts["order"],
                shape=shape,
            )
        except ImportRefused as refused:
            if show_progress:
                sys.stderr.write("\n")
            lines = list(refused.problems)
            if refused.count > len(refused.problems):
                lines.append(
                    _("... and %(n)s more problems") % {"n": refused.count - len(refused.problems)}
                )
            lines.append(_("Nothing was imported."))
            fail(self, lines)
        if show_progress:
            sys.stderr.write("\n")
        for line in notice_lines(result.notices):
            self.stdout.write(line)
        if opts["explain"] and result.columns:
            self.stdout.write("Kolom yang dibaca:")
            for line in result.columns:
                self.stdout.write(f"  - {line}")
        if result.dry_run:
            self.stdout.write(
                _(
                    "Check passed: %(n)s responses would be imported into %(unit)s, %(period)s "
                    "(nothing stored)."
                )
                % {"n": result.rows, "unit": unit.name, "period": period.name}
            )
        else:
            self.stdout.write(
                _("Imported %(n)s responses into %(unit)s, %(period)s.")
                % {"n": result.rows, "unit": unit.name, "period": period.name}
            )
