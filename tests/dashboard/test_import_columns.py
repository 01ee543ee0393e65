"""Issue #13, point 9: on the web, staff correct how each column is read before confirming;
the corrected mapping is what is loaded and stays recorded with the import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from skm.org.services import service_create
from skm.surveys.models import Answer, ImportJob, Response
from skm.transfer.jobs import import_job_check, import_job_run, job_path
from tests.dashboard.test_imports import HEADER, _csv, _rows, _url

Status = ImportJob.Status


@pytest.fixture
def ktp(unit):
    return service_create(unit=unit, name="KTP-el")


def _checked(client, unit, period, content: bytes) -> ImportJob:
    client.post(_url(unit), {"period": period.pk, "file": SimpleUploadedFile("a.csv", content)})
    return import_job_check(ImportJob.objects.get())


def _post_columns(client, unit, job, choices: dict[int, str], order: str = ""):
    data = {f"kolom_{i}": c.get("role") or "-" for i, c in enumerate(job.preview["all_columns"])}
    for index, value in choices.items():
        data[f"kolom_{index}"] = value
    data["urutan"] = order
    return client.post(_url(unit, f"{job.stored_name}/kolom/"), data)


def test_a_column_the_reader_did_not_know_is_named_by_staff_then_loaded(
    operator_client, unit, current_period, ktp
):
    header = list(HEADER)
    header[6] = "Penilaian A"  # U1's column under a header nobody could guess
    job = _checked(operator_client, unit, current_period, _csv(_rows(), header))
    assert job.status == Status.REFUSED
    assert job.preview["correctable"] and job_path(job).is_file()
    page = operator_client.get(_url(unit, f"{job.stored_name}/")).content.decode()
    assert "Perbaiki cara kolom dibaca" in page and 'name="kolom_6"' in page

    response = _post_columns(operator_client, unit, job, {6: "U1"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.CHECKING and job.mapping["columns"][6] == "U1"
    job = import_job_check(job)
    assert job.status == Status.READY, job.problems
    assert {c["field"]: c["column"] for c in job.preview["columns"]}["U1"] == "G"

    operator_client.post(_url(unit, f"{job.stored_name}/muat/"))
    job = import_job_run(ImportJob.objects.get(pk=job.pk))
    assert job.status == Status.DONE and Response.objects.count() == 12
    first = Response.objects.order_by("pk").first()
    assert Answer.objects.get(response=first, element__code="U1").value == 1
    # The mapping stays with the import, which keeps its batch.
    job.refresh_from_db()
    assert job.batch is not None and job.mapping["columns"][6] == "U1"


def test_the_order_of_numbered_columns_is_chosen_on_the_page(
    operator_client, unit, current_period, ktp
):
    header = list(HEADER)
    header[6:15] = [f"Unsur {i}" for i in range(1, 10)]
    rows = _rows()
    job = _checked(operator_client, unit, current_period, _csv(rows, header))
    assert job.status == Status.READY
    used = {c["field"]: c["column"] for c in job.preview["columns"]}
    assert (used["U9"], used["U8"]) == ("N", "O")  # the questionnaire's order by default
    _post_columns(
        operator_client,
        unit,
        job,
        {13: "U8", 14: "U9"},
        order="daftar",
    )
    job = import_job_check(ImportJob.objects.get(pk=job.pk))
    used = {c["field"]: c["column"] for c in job.preview["columns"]}
    assert (used["U8"], used["U9"]) == ("N", "O")
    assert job.mapping["order"] == "daftar"


def test_one_element_in_two_columns_is_refused_with_both(
    operator_client, unit, current_period, ktp
):
    job = _checked(operator_client, unit, current_period, _csv(_rows()))
    response = _post_columns(operator_client, unit, job, {7: "U1"})
    assert response.status_code == 302
    page = operator_client.get(response["Location"]).content.decode()
    assert "Kolom G dan H sama-sama U1" in page
    job.refresh_from_db()
    assert job.status == Status.READY and job.mapping == {}


def test_other_units_cannot_correct_a_job(client, stranger, operator, unit, current_period, ktp):
    client.force_login(operator)
    job = _checked(client, unit, current_period, _csv(_rows()))
    client.force_login(stranger)
    response = _post_columns(client, unit, job, {6: "-"})
    assert response.status_code == 404


def test_a_refused_checks_file_is_deleted_after_the_expiry(
    operator_client, unit, current_period, ktp
):
    import datetime as dt

    from django.utils import timezone

    from skm.transfer.jobs import READY_EXPIRY, import_jobs_expire

    header = list(HEADER)
    header[6] = "Penilaian A"
    job = _checked(operator_client, unit, current_period, _csv(_rows(), header))
    assert job.status == Status.REFUSED and job_path(job).is_file()
    import_jobs_expire(now=timezone.now() + READY_EXPIRY - dt.timedelta(hours=1))
    assert job_path(job).is_file()
    import_jobs_expire(now=timezone.now() + READY_EXPIRY + dt.timedelta(hours=1))
    job.refresh_from_db()
    assert not job_path(job).is_file() and not job.preview["correctable"]
    page = operator_client.get(_url(unit, f"{job.stored_name}/")).content.decode()
    assert 'name="kolom_6"' not in page
