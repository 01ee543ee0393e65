"""Command-line options shared by `skm ikm` and `skm import`: the file's shape (header
rows, long format, column meanings of a file without header) and the printed account of
what the reader did. Indonesian, like the reader's own messages."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from skm.transfer.readers import (
    ReadAccount,
    parse_column_names,
    parse_header_row,
    parse_questions,
)


def add_shape_arguments(parser: CommandParser) -> None:
    """The options that tell the reader a file's shape (shared with `skm import`)."""
    parser.add_argument(
        "--header-row",
        help="baris judul kolom seperti di Excel, misalnya 3 atau 3-4 (bawaan: dicari sendiri)",
    )
    parser.add_argument(
        "--long",
        action="store_true",
        help="format panjang: satu baris per jawaban (id responden, unsur, jawaban)",
    )
    parser.add_argument(
        "--columns",
        help=(
            'file tanpa judul kolom: arti setiap kolom berurutan, misalnya "tanggal,jk,usia,'
            'U1,U2,U3,U4,U5,U6,U7,U8,U9,saran" (- untuk kolom yang diabaikan)'
        ),
    )
    parser.add_argument(
        "--questions",
        help=(
            "format panjang: arti setiap id pertanyaan bila bukan nomor unsur, misalnya "
            '"10=U1,11=U2,12=U3" (id per unit, UUID dari tabel pertanyaan aplikasi); id lain '
            "diabaikan dengan peringatan"
        ),
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="tampilkan setiap kolom dan dibaca sebagai apa, beserta alasannya",
    )


def shape_options(options: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of open_response_file from the options; ValueError (Indonesian)."""
    shape: dict[str, Any] = {}
    if options.get("header_row"):
        shape["header_row"] = parse_header_row(options["header_row"])
    if options.get("long"):
        shape["layout"] = "long"
    if options.get("columns"):
        shape["column_names"] = parse_column_names(options["columns"])
    if options.get("questions"):
        shape["questions"] = parse_questions(options["questions"])
    return shape


def account_lines(account: ReadAccount, *, explain: bool = False) -> list[str]:
    """The reader's notices (and with ``explain`` every column) as printed lines."""
    lines = notice_lines(account.lines())
    if explain and account.columns:
        lines.append("Kolom yang dibaca:")
        lines += [f"  - {line}" for line in account.explain()]
    return lines


def notice_lines(notes: list[str]) -> list[str]:
    """The reader's notices under their heading, as printed."""
    if not notes:
        return []
    return ["Catatan pembacaan file:", *(f"  - {line}" for line in notes)]
