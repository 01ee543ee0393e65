"""`skm ikm FILE`: the IKM of a response file, without a database.

Reads a CSV/XLSX export (Google Forms, Excel), checks every cell, and prints Tabel 1 and
the IKM, or the JSON contract with --json. Any problem in the file means no result at all:
a partial IKM that silently skipped rows is exactly what the Excel sheets in circulation get
wrong, so the user gets the full list of problems and exit status 2 instead.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from skm.method import DEFAULT_ELEMENTS, WeightError, compute
from skm.method.elements import ORDERS, QuestionnaireError, questionnaire_from_spec
from skm.transfer.cli import account_lines, add_shape_arguments, shape_options
from skm.transfer.output import render_json, render_table
from skm.transfer.readers import MAX_KEPT_PROBLEMS, open_response_file, tally_source

WEIGHTINGS = ("exact", "0.111", "0.11")


class Command(BaseCommand):
    help = (
        "Hitung IKM dari file jawaban CSV/XLSX tanpa database "
        "(Permen PANRB 14/2017; tabel seperti Tabel 1 laporan, atau JSON)."
    )
    # A pure file computation: no checks and no migrations, so it runs on a machine
    # without a configured database.
    requires_system_checks: list[str] = []  # type: ignore[assignment]
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="file CSV atau XLSX berisi jawaban responden")
        parser.add_argument("--sheet", help="nama lembar XLSX (bawaan: lembar pertama)")
        # Validated in handle() rather than by argparse, so that a wrong value gets the
        # same Indonesian message and exit status 2 from the shell and from call_command.
        parser.add_argument(
            "--weighting",
            default="exact",
            help="pembobotan: exact (1/jumlah unsur, bawaan), 0.111 atau 0.11",
        )
        parser.add_argument(
            "--priorities",
            default="3",
            help="jumlah unsur prioritas (nilai terendah), bawaan 3",
        )
        parser.add_argument(
            "--population",
            default=None,
            help="populasi (jumlah pengguna layanan pada periode) untuk sampel minimum",
        )
        parser.add_argument(
            "--order",
            default=None,
            help=(
                "urutan kolom bernomor (Unsur 8, nilai_8, U8): kuesioner (nomor 8 = sarana, "
                "9 = pengaduan; bawaan untuk kolom bernomor) atau daftar (8 = pengaduan, "
                "9 = sarana; bawaan untuk kode U8/U9)"
            ),
        )
        parser.add_argument(
            "--elements",
            default=None,
            help=(
                'kuesioner lain: jumlah unsur ("14") atau daftar kode dan nama '
                '("U1..U9,U10=Sikap petugas"); bawaan: 9 unsur Permen PANRB 14/2017'
            ),
        )
        parser.add_argument("--json", action="store_true", help="cetak hasil sebagai JSON")
        add_shape_arguments(parser)

    def fail(self, lines: list[str]) -> NoReturn:
        for line in lines:
            self.stderr.write(line)
        sys.exit(2)

    def whole_number(self, value: object, option: str, *, minimum: int) -> int:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or int(text) < minimum:
            self.fail([f'{option} harus bilangan bulat {minimum} atau lebih, bukan "{value}".'])
        return int(text)

    def handle(self, *args: Any, **options: Any) -> None:
        weighting = str(options["weighting"]).strip().replace(",", ".")
        if weighting not in WEIGHTINGS:
            self.fail(
                [
                    f'Pembobotan "{options["weighting"]}" tidak dikenal; '
                    f"pilihan: {', '.join(WEIGHTINGS)}."
                ]
            )
        priorities = self.whole_number(options["priorities"], "--priorities", minimum=0)
        population = None
        if options["population"] is not None:
            population = self.whole_number(options["population"], "--population", minimum=1)

        order = options["order"]
        if order is not None and str(order).strip().lower() not in ORDERS:
            self.fail([f'--order "{order}" tidak dikenal; pilihan: {", ".join(ORDERS)}.'])
        order = str(order).strip().lower() if order is not None else None
        elements = DEFAULT_ELEMENTS
        if options["elements"] is not None:
            try:
                elements = questionnaire_from_spec(options["elements"])
            except QuestionnaireError as exc:
                self.fail([f"--elements: {exc}."])

        try:
            shape = shape_options(options)
        except ValueError as exc:
            self.fail([str(exc)])
        path = Path(options["file"])
        with open_response_file(
            path, sheet=options["sheet"], elements=elements, order=order, **shape
        ) as source:
            tally = tally_source(source)
            problems = source.header_problems or source.problems
            count = len(source.header_problems) or source.problem_count
            account = source.account
        # What the reader did to the file's shape: on stdout above the table; on stderr
        # with --json (stdout is then the JSON alone) or when the file is refused.
        notices = account_lines(account, explain=options["explain"])
        if count:
            shown = [str(p) for p in problems[:MAX_KEPT_PROBLEMS]]
            lines = notices + shown
            if count > len(shown):
                lines.append(f"... dan {count - len(shown)} masalah lain")
            lines.append(
                f"Hasil tidak dihitung: {count} masalah pada file {path.name}; perbaiki lalu "
                "jalankan lagi."
            )
            self.fail(lines)
        if tally.respondents == 0:
            self.fail(
                [*notices, f"{path.name}: tidak ada jawaban responden di bawah baris judul kolom."]
            )

        try:
            result = compute(
                tally,
                elements,
                weighting=weighting,
                priorities=priorities,
                population=population,
            )
        except WeightError as exc:
            self.fail([str(exc)])
        unanswered = [e for e in result.elements if e.answered == 0]
        if unanswered:
            self.fail(
                [
                    f"{path.name}: unsur {e.code} ({e.name}) tidak dijawab oleh satu responden "
                    "pun; IKM tidak dapat dihitung."
                    for e in unanswered
                ]
            )
        if options["json"]:
            for line in notices:
                self.stderr.write(line)
            self.stdout.write(render_json(result))
        else:
            for line in notices:
                self.stdout.write(line)
            if notices:
                self.stdout.write("")
            self.stdout.write(render_table(result, file_label=path.name), ending="")
