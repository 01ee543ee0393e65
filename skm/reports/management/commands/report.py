"""`skm report`: the official documents of a unit and period (DOCX or PDF), the PEKPPP
evidence pack of a unit for a year (ZIP and merged PDF) and the IKM recap of a unit with
units below it or of an agency (DOCX or PDF)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from skm.reports.checks import report_checks
from skm.reports.documents import (
    EVIDENCE_SCOPES,
    KINDS,
    PARTS,
    PEKPPP,
    RECAP,
    SCOPED_FORMATS,
    SCOPED_KINDS,
    ReportUnavailable,
    build,
    build_scoped,
)
from skm.surveys.management.commands._common import fail, resolve


class Command(BaseCommand):
    help = _(
        "Write a report: of a unit and period, tindak-lanjut (Laporan Tindak Lanjut), "
        "hasil (Laporan Hasil SKM) or poster (Lampiran IV); of a year, pekppp (the PEKPPP "
        "evidence pack of a unit, ZIP and PDF) or rekap (the IKM recap of a unit with units "
        "below it or of an agency)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS + SCOPED_KINDS, help=_("which document"))
        parser.add_argument("--unit", help=_("unit slug or exact name"))
        parser.add_argument(
            "--agency", help=_("agency slug or exact name (rekap of a whole agency)")
        )
        parser.add_argument(
            "--period",
            help=_("period slug or exact name (tindak-lanjut, hasil, poster)"),
        )
        parser.add_argument("--year", type=int, help=_("year (pekppp: the evaluation year)"))
        parser.add_argument(
            "--part",
            choices=[p for p in PARTS if p],
            default="",
            help=_("rekap: part of the year (default: the whole year)"),
        )
        parser.add_argument(
            "--format",
            choices=("docx", "pdf", "zip"),
            help=_("default: pdf; pekppp: both zip and pdf"),
        )
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
        parser.add_argument(
            "--output-dir", help=_("directory to write into (default: the current one)")
        )

    def handle(self, *args, **opts) -> None:
        if opts["kind"] in SCOPED_KINDS:
            self._scoped(opts)
            return
        missing = [f"--{name}" for name in ("unit", "period") if not opts[name]]
        if missing or opts["agency"] or opts["year"] or opts["part"]:
            fail(
                self,
                [
                    _(
                        "%(kind)s is a document of one period: give --unit and --period "
                        "(not --agency, --year or --part)."
                    )
                    % {"kind": opts["kind"]}
                ],
            )
        if opts["format"] == "zip":
            fail(self, [_("%(kind)s is made as docx or pdf.") % {"kind": opts["kind"]}])
        unit, period, _service = resolve(self, opts["unit"], opts["period"], None)
        # the consistency checks (skm.reports.checks): warnings, never in the document
        for check in report_checks(unit, period, opts["kind"], opts["date"], opts["bukti"]):
            self.stderr.write(self.style.WARNING(_("Check: ") + check.message))
        try:
            document = build(
                opts["kind"],
                unit=unit,
                period=period,
                fmt=opts["format"] or "pdf",
                size=opts["size"],
                signed_on=opts["date"],
                evidence=opts["bukti"],
            )
        except ReportUnavailable as reason:
            fail(self, [str(reason)], status=1)
        if opts["kind"] == "poster":
            from skm.reports.poster import poster_base
            from skm.transfer.qr import qr_address_warning

            if warning := qr_address_warning(poster_base()):
                self.stderr.write(self.style.WARNING(_("WARNING: ") + warning))
        self._write(document, opts)

    def _write(self, document, opts) -> None:
        if opts["output"] == "-":
            sys.stdout.buffer.write(document.content)
            return
        path = Path(opts["output"] or document.filename)
        if opts["output_dir"] and not opts["output"]:
            path = Path(opts["output_dir"]) / path
        path.write_bytes(document.content)
        self.stdout.write(
            _("Written: %(path)s (%(size)s bytes)") % {"path": path, "size": len(document.content)}
        )

    def _scoped(self, opts) -> None:
        from skm.org.models import Agency
        from skm.org.selectors import unit_by_ref

        kind = opts["kind"]
        if opts["period"] or opts["bukti"]:
            fail(
                self,
                [
                    _("%(kind)s is a document of a year: give --year, not --period or --bukti.")
                    % {"kind": kind}
                ],
            )
        if opts["year"] is None:
            fail(self, [_("%(kind)s needs --year.") % {"kind": kind}])
        if kind == PEKPPP and (opts["agency"] or not opts["unit"] or opts["part"]):
            fail(self, [_("pekppp is made for one unit: give --unit (not --agency or --part).")])
        if kind == RECAP and bool(opts["unit"]) == bool(opts["agency"]):
            fail(self, [_("rekap needs either --unit or --agency (one of them).")])
        formats = SCOPED_FORMATS[kind]
        if opts["format"] and opts["format"] not in formats:
            fail(
                self,
                [
                    _("%(kind)s is made as %(formats)s.")
                    % {"kind": kind, "formats": " or ".join(formats)}
                ],
            )
        if opts["output"] and kind == PEKPPP and not opts["format"]:
            fail(self, [_("--output names one file: add --format zip or --format pdf.")])
        if opts["output_dir"] and not Path(opts["output_dir"]).is_dir():
            fail(
                self,
                [_("The directory %(path)s does not exist.") % {"path": opts["output_dir"]}],
            )
        unit = agency = None
        if opts["unit"]:
            unit = unit_by_ref(opts["unit"])
            if unit is None:
                fail(
                    self,
                    [
                        _('Unit "%(ref)s" not found (use its slug or exact name).')
                        % {"ref": opts["unit"]}
                    ],
                )
        else:
            ref = opts["agency"].strip()
            agency = Agency.objects.filter(slug=ref).first()
            if agency is None:
                matches = list(Agency.objects.filter(name=ref)[:2])
                agency = matches[0] if len(matches) == 1 else None
            if agency is None:
                fail(
                    self,
                    [_('Agency "%(ref)s" not found (use its slug or exact name).') % {"ref": ref}],
                )
        try:
            if kind == PEKPPP:
                from skm.reports.pekppp_pack import make_pack

                pack = make_pack(unit=unit, year=opts["year"], signed_on=opts["date"])
                for warning in pack.levels.warnings:
                    self.stderr.write(self.style.WARNING(_("Check: ") + warning))
                documents = [
                    pack.document(f) for f in ([opts["format"]] if opts["format"] else formats)
                ]
            else:
                documents = [
                    build_scoped(
                        kind,
                        unit=unit,
                        agency=agency,
                        year=opts["year"],
                        part=opts["part"],
                        fmt=opts["format"] or "pdf",
                        signed_on=opts["date"],
                    )
                ]
        except ReportUnavailable as reason:
            fail(self, [str(reason)], status=1)
        for document in documents:
            self._write(document, opts)
