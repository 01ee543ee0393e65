"""`skm import`: all or nothing, same reader and same numbers as `skm ikm`."""

import importlib
import json

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from skm.method.elements import DEFAULT_ELEMENTS
from skm.surveys.counts import verify
from skm.surveys.models import Answer, ImportBatch, Response

HEADER = ["Timestamp", "Jenis Kelamin", "Usia", "Pendidikan", "Pekerjaan", "Jenis Layanan"]
HEADER += [e.name for e in DEFAULT_ELEMENTS] + ["Saran"]


def _rows():
    rows = []
    for i in range(12):
        answers = [(i + j) % 4 + 1 for j in range(9)]
        if i == 3:
            answers[2] = ""  # missing answer to U3 only
        labels = [
            DEFAULT_ELEMENTS[j].labels[a - 1] if a and i % 2 else a for j, a in enumerate(answers)
        ]
        rows.append(
            [
                f"{10 + i}/03/2025 09:{i:02d}:00",
                "Laki-laki" if i % 2 else "P",
                str(20 + i),
                "S1" if i % 3 else "SMA",
                "Wiraswasta" if i % 2 else "Mahasiswa",
                "KTP-el",
                *labels,
                "Antrean lama" if i == 5 else "",
            ]
        )
    return rows


def _csv(path, rows, header=HEADER):
    lines = [";".join(header)] + [";".join(str(c) for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(path, *extra):
    call_command(
        "import", str(path), "--unit", "dinas-contoh", "--period", "semester-i-2025", *extra
    )


def test_import_stores_everything_and_matches_skm_ikm(period, unit, service, tmp_path, capsys):
    path = _csv(tmp_path / "export.csv", _rows())
    _import(path)
    assert "12" in capsys.readouterr().out
    assert Response.objects.count() == 12
    assert Answer.objects.count() == 12 * 9 - 1
    first = Response.objects.order_by("submitted_at").first()
    assert (first.gender, first.age, first.education, first.occupation) == (
        "P",
        20,
        "SMA",
        "LAINNYA",
    )
    assert first.occupation_other == "Mahasiswa"
    assert first.service == service
    assert first.channel == Response.Channel.IMPORT
    assert Response.objects.filter(suggestion="Antrean lama").count() == 1
    assert ImportBatch.objects.get().rows == 12
    assert verify(period_id=period.pk) == []

    call_command("results", "--unit", "dinas-contoh", "--period", "semester-i-2025", "--json")
    from_db = json.loads(capsys.readouterr().out)
    call_command("ikm", str(path), "--population", "1000", "--json")
    from_file = json.loads(capsys.readouterr().out)
    assert from_db == from_file
    assert from_db["elements"][2]["answered"] == 11


def test_same_file_twice_is_refused_unless_forced(period, unit, service, tmp_path, capsys):
    path = _csv(tmp_path / "export.csv", _rows())
    _import(path)
    with pytest.raises(SystemExit) as exit_info:
        _import(path)
    assert exit_info.value.code == 2
    assert "--force" in capsys.readouterr().err
    assert Response.objects.count() == 12
    _import(path, "--force")
    assert Response.objects.count() == 24
    assert ImportBatch.objects.filter(forced=True).count() == 1


def test_dry_run_stores_nothing(period, unit, service, tmp_path, capsys):
    _import(_csv(tmp_path / "export.csv", _rows()), "--dry-run")
    assert "12" in capsys.readouterr().out
    assert Response.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_one_bad_cell_refuses_the_whole_file(period, unit, service, tmp_path, capsys):
    rows = _rows()
    rows[9][6 + 6] = "lumayan"  # U7 of the 10th data row = spreadsheet row 11
    with pytest.raises(SystemExit) as exit_info:
        _import(_csv(tmp_path / "export.csv", rows))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "baris 11" in err and "lumayan" in err and "U7" in err
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_unknown_service_and_dates_outside_the_period_are_refused(
    period, unit, service, tmp_path, capsys
):
    rows = _rows()
    rows[2][5] = "Paspor"
    rows[4][0] = "01/08/2025 10:00:00"
    with pytest.raises(SystemExit):
        _import(_csv(tmp_path / "export.csv", rows))
    err = capsys.readouterr().err
    assert "Paspor" in err and "KTP-el" in err
    assert "01-08-2025" in err
    assert Response.objects.count() == 0


def test_service_option_applies_to_every_row_and_xlsx_sheet(period, unit, service, tmp_path):
    workbook = Workbook()
    workbook.active.title = "Catatan"
    sheet = workbook.create_sheet("Jawaban")
    header = [e.code for e in DEFAULT_ELEMENTS]
    sheet.append(header)
    for i in range(5):
        sheet.append([(i + j) % 4 + 1 for j in range(9)])
    path = tmp_path / "kertas.xlsx"
    workbook.save(path)
    _import(path, "--sheet", "Jawaban", "--service", "ktp-el")
    assert Response.objects.filter(service=service).count() == 5


def test_progress_reports_rows_against_the_estimated_total(period, unit, service, tmp_path):
    from skm.surveys.services import responses_import

    seen = []
    responses_import(
        period=period,
        unit=unit,
        path=_csv(tmp_path / "export.csv", _rows()),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (12, 12)
    progress_bar = importlib.import_module("skm.surveys.management.commands.import").progress_bar
    assert progress_bar(6, 12, width=10) == "[#####.....]  50%  6/12  6 responden terbaca"
    assert progress_bar(6, None) == "6 responden terbaca"
