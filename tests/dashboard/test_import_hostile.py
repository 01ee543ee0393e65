"""A hostile XLSX through the import page and `skm import` (issue #12): the check refuses it
with the reader's message; neither the web process nor the worker dies.

The file is the 1.5 kB sheet holding only A1 and XFD1048576 that made calamine allocate
550 GB and abort the process (tests/transfer/test_hostile_files.py builds it).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from skm.surveys.models import ImportJob, Response
from skm.transfer.jobs import import_job_check
from tests.transfer.test_hostile_files import FAR_APART, hand_xlsx

Status = ImportJob.Status


@pytest.fixture
def hostile(tmp_path):
    return hand_xlsx(tmp_path / "jawaban.xlsx", {"Sheet1": (None, FAR_APART)})


def test_the_import_check_refuses_the_sheet_with_its_extent(
    operator_client, unit, current_period, hostile
):
    data = {"period": current_period.pk, "file": SimpleUploadedFile("j.xlsx", hostile.read_bytes())}
    operator_client.post(f"/staf/unit/{unit.slug}/impor/", data)
    job = import_job_check(ImportJob.objects.get())
    assert job.status == Status.REFUSED
    assert "mencakup sel A1 sampai XFD1048576" in str(job.problems)
    assert Response.objects.count() == 0


def test_skm_import_refuses_it(unit, current_period, hostile, capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("import", str(hostile), unit=unit.slug, period=current_period.slug)
    assert exited.value.code != 0
    assert "mencakup sel A1 sampai XFD1048576" in capsys.readouterr().err
    assert Response.objects.count() == 0


def test_the_worker_refuses_it_and_goes_on(
    transactional_db, settings, tmp_path, operator_client, unit, current_period, hostile
):
    # The production backend: the task waits for `skm importworker`, which used to abort
    # on this file and then take the same job again at every start.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.DATA_DIR = tmp_path
    data = {"period": current_period.pk, "file": SimpleUploadedFile("j.xlsx", hostile.read_bytes())}
    operator_client.post(f"/staf/unit/{unit.slug}/impor/", data)
    call_command("importworker", "--batch", "--worker-id", "test-worker")
    job = ImportJob.objects.get()
    assert job.status == Status.REFUSED
    assert "mencakup sel A1 sampai XFD1048576" in str(job.problems)
