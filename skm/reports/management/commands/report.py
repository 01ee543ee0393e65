"""`skm report`: the official documents of a unit and period, as DOCX or PDF."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from skm.reports.checks import report_checks
from skm.reports.documents import EVIDENCE_SCOPES, KINDS, ReportUnavailable, build
from skm.surveys.management.commands._common import fail, resolve


class Command(BaseCommand):
    help = _(
        "Write a report of a unit and period: tindak-lanjut (Laporan Tindak Lanjut), "
        "hasil (Laporan Hasil SKM) or poster (Lampiran IV)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS, help=_("which document"))
        parser.add_argument("--unit", required=True, help=_("unit slug or exact name"))
        parser.add_argument("--period", required=True, help=_("period slug or exact name"))
        parser.add_argument("--format", choices=("docx", "pdf"), default="pdf")
        parser.add_argument("--size", choices=("a4", "a3"), default="a4", help=_("poster size"))
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            help=_("date of signing, YYYY-MM-DD (default: today)"),
        )
        parser.add_argument(
            "--bukti",
            choices=EVIDENCE_SCOPES,
            help=_(
                "evidence printed: publik (public only; default for the Laporan Hasil) or "
                "semua (all; default for the Laporan Tindak Lanjut)"
            ),
        )
        parser.add_argument(
            "--output",
            help=_("file to write (default: a name from the unit and period; - for stdout)"),
        )

    def handle(self, *args, **opts) -> None:
        unit, period, _service = resolve(self, opts["unit"], opts["period"], None)
        # the consistency checks (skm.reports.checks): warnings, never in the document
        for check in report_checks(unit, period, opts["kind"], opts["date"], opts["bukti"]):
            self.stderr.write(self.style.WARNING(_("Check: ") + check.message))
        try:
            document = build(
                opts["kind"],
                unit=unit,
                period=period,
                fmt=opts["format"],
                size=opts["size"],
                signed_on=opts["date"],
                evidence=opts["bukti"],
            )
        except ReportUnavailable as reason:
            fail(self, [str(reason)], status=1)
        if opts["kind"] == "poster":
            from skm.reports.poster import base_is_local, local_base_warning, poster_base

            base = poster_base()
            if base_is_local(base):
                self.stderr.write(self.style.WARNING(_("WARNING: ") + local_base_warning(base)))
        if opts["output"] == "-":
            sys.stdout.buffer.write(document.content)
            return
        path = Path(opts["output"] or document.filename)
        path.write_bytes(document.content)
        self.stdout.write(
            _("Written: %(path)s (%(size)s bytes)") % {"path": path, "size": len(document.content)}
        )
