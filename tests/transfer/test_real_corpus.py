"""The real corpus (issue #13 point 11): other offices' files, read in the shape found.

tests/data/real/ holds public response files of other offices' SKM apps (README.md names
each source and what personal data was removed). manifest.json gives, per file, the figures
computed independently by tests/data/real/_expected.py (a hand-written mapping per file +
skm.method.compute) and the owner's own figure where one exists.

A file the reader cannot read right yet is marked "reader_status": "pending" and its tests
are strict xfails: once the reader handles that shape the test turns red (XPASS) and the
entry must be flipped to "ok" -- never the file edited.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from skm.method import DEFAULT_ELEMENTS, compute
from skm.transfer.readers import parse_questions, tally_file

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
MANIFEST = json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))
ENTRIES = MANIFEST["files"]
# The files whose `skm ikm` run is checked too (one wide, one long).
CLI_FILES = (
    "webskm_index_kepuasan_masyarakat.csv",
    "eskm_kutim_2024.csv",
    "biro_detail_penilaian.csv",
)
# "reader_options": what the user must tell the reader that the file cannot say -- which
# order the office's form numbers its questions in (--order), the meaning of each column of
# a file without a header (--columns). Never anything that changes the file.
CLI_FLAGS = {"order": "--order", "column_names": "--columns", "questions": "--questions"}


def _cli_args(options: dict) -> list[str]:
    args: list[str] = []
    for key, value in options.items():
        args += [CLI_FLAGS[key], ",".join(value) if isinstance(value, list) else value]
    return args


def _hand_mapping():
    spec = importlib.util.spec_from_file_location("real_expected", REAL / "_expected.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _params(entries):
    for entry in entries:
        marks = ()
        if entry["reader_status"] == "pending":
            marks = pytest.mark.xfail(strict=True, reason=f"issue #13: {entry['pending_reason']}")
        yield pytest.param(entry, id=entry["file"], marks=marks)


def _figures(respondents, ikm, elements) -> dict:
    return {"respondents": respondents, "ikm": ikm, "elements": elements}


@pytest.mark.parametrize("entry", list(_params(ENTRIES)))
def test_reader_reads_the_file_as_found(entry):
    path = REAL / entry["file"]
    expected = entry["expected"]
    options = dict(entry["reader_options"])
    if "questions" in options:  # as typed after --questions
        options["questions"] = parse_questions(options["questions"])
    tally, problems, count = tally_file(path, sheet=entry["sheet"], **options)
    if "refused" in expected:
        # Refused: problems are reported and `skm ikm` computes nothing ("Hasil tidak
        # dihitung"), whatever the rows without problems would have given.
        text = "\n".join(str(p) for p in problems)
        assert count > 0
        assert re.search(rf"\b{re.escape(expected['must_mention'])}\b", text), text
        return
    assert count == 0, [str(p) for p in problems]
    result = compute(tally, DEFAULT_ELEMENTS)
    got = _figures(
        result.respondents, result.ikm_text, {e.code: e.nrr_text for e in result.elements}
    )
    assert got == expected


@pytest.mark.parametrize("entry", list(_params(e for e in ENTRIES if e["file"] in CLI_FILES)))
def test_skm_ikm_command_reads_the_file_as_found(entry):
    out, err = io.StringIO(), io.StringIO()
    args = [str(REAL / entry["file"]), "--json", *_cli_args(entry["reader_options"])]
    call_command("ikm", *args, stdout=out, stderr=err)
    data = json.loads(out.getvalue())
    got = _figures(
        data["respondents"], data["ikm"], {e["code"]: e["nrr"] for e in data["elements"]}
    )
    assert got == entry["expected"]


def test_corpus_has_ten_files_each_in_the_manifest():
    names = {e["file"] for e in ENTRIES}
    on_disk = {p.name for p in REAL.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert on_disk == names
    assert len(names) >= 10
    for entry in ENTRIES:
        assert entry["reader_status"] in ("ok", "pending")
        assert entry["source"]["repo"] and entry["source"]["path"]
        assert entry["personal_data_removed"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_expected_figures_come_from_the_hand_mapping(entry):
    """manifest.json's "expected" is exactly what _expected.py computes (reproducible)."""
    assert _hand_mapping().expected(entry["file"]) == entry["expected"]


OWNED = [e for e in ENTRIES if e["owner_figure"]]


@pytest.mark.parametrize("entry", OWNED, ids=[e["file"] for e in OWNED])
def test_owner_figures_are_reproduced_with_the_owner_convention(entry):
    """Each owner figure equals ours computed with the convention named in "difference"."""
    ours = _hand_mapping().owner_checks()[entry["file"]]
    for key, value in entry["owner_figure"]["values"].items():
        assert ours[entry["owner_check"][key]] == value, key
    assert entry["difference"]


PERSONAL = ("nama", "alamat", "nohp", "nik", "email", "nomor_telepon")


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_no_personal_data_left(entry):
    """Columns of names, addresses, phones, NIK and e-mail hold only X, NULL or nothing."""
    if "template" in entry["shape"] or "no-header" in entry["shape"]:
        return  # placeholders of a template / a file without such columns (see README)
    with open(REAL / entry["file"], newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    for column in (i for i, name in enumerate(header) if name.lower() in PERSONAL):
        assert {row[column] for row in rows[1:]} <= {"X", "NULL", ""}, header[column]
