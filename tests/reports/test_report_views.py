"""Report pages: who may do what, the background job, downloads, texts and the signatory."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from docx import Document

from skm.org.models import Membership, Unit
from skm.plans.models import Plan
from skm.reports.jobs import report_job_run
from skm.reports.models import ReportJob, ReportProfile, ReportText
from skm.surveys.models import Period
from tests.conftest import member

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"
BASE = f"/staf/unit/{DUKCAPIL}/laporan/"


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug=DUKCAPIL)
    return unit, Period.objects.get(unit=unit, slug="semester-i-2025")


@pytest.fixture
def head(demo):
    return member(demo[0], "kepala", Membership.Role.HEAD)


@pytest.fixture
def admin_unit(demo):
    return member(demo[0], "admin-dukcapil", Membership.Role.UNIT_ADMIN)


@pytest.fixture
def outsider(demo):
    other = Unit.objects.get(slug="dinas-kesehatan")
    return member(other, "admin-dinkes", Membership.Role.UNIT_ADMIN)


def _make(client, kind="tindak-lanjut", fmt="docx", **extra):
    response = client.post(
        BASE + "buat/",
        {
            "periode": "semester-i-2025",
            "kind": kind,
            "fmt": fmt,
            "signed_on": "2025-08-22",
            **extra,
        },
    )
    assert response.status_code == 302, response.status_code
    job = ReportJob.objects.latest("created_at")
    return job, response["Location"]


def test_the_head_makes_and_downloads_a_document(client, demo, head):
    client.force_login(head)
    page = client.get(BASE + "?periode=semester-i-2025")
    assert page.status_code == 200 and "Laporan Tindak Lanjut Hasil SKM" in page.content.decode()
    job, location = _make(client)
    waiting = client.get(location)
    assert waiting["Refresh"] == "2" and "sedang dibuat" in waiting.content.decode().lower()
    report_job_run(job)
    ready = client.get(location)
    assert "Refresh" not in ready and "Unduh" in ready.content.decode()
    download = client.get(location + "unduh/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    docx = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert "Pekalongan, 22 Agustus 2025" in "\n".join(p.text for p in docx.paragraphs)


def test_the_job_page_heads_with_the_documents_title_not_its_slug(client, demo, head):
    client.force_login(head)
    _job, location = _make(client, kind="hasil", fmt="pdf")
    page = client.get(location).content.decode()
    assert "<h1>Dokumen: Laporan Hasil SKM Semester I 2025 (PDF)</h1>" in page
    assert ": hasil (" not in page
    listed = client.get(BASE + "?periode=semester-i-2025").content.decode()
    assert "Laporan Hasil SKM Semester I 2025 · PDF" in listed


def test_a_failed_job_says_why(client, demo, head):
    client.force_login(head)
    job, location = _make(client, kind="tindak-lanjut", fmt="docx")
    Plan.objects.filter(unit=job.unit, period=job.period).delete()  # gone before it ran
    report_job_run(job)
    assert "belum memiliki rencana tindak lanjut" in client.get(location).content.decode()
    assert client.get(location + "unduh/").status_code == 404


def test_other_units_and_anonymous_visitors_reach_nothing(client, demo, head, outsider):
    client.force_login(head)
    job, location = _make(client)
    report_job_run(job)
    client.logout()
    urls = [
        ("get", BASE),
        ("get", location),
        ("get", location + "unduh/"),
        ("get", BASE + "pratinjau/hasil/?periode=semester-i-2025"),
        ("get", BASE + "teks/hasil/?periode=semester-i-2025"),
        ("post", BASE + "buat/"),
        ("post", BASE + "penandatangan/"),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/staf/masuk/" in response["Location"], url
    client.force_login(outsider)
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    # the job of one unit is not found under another unit's address
    other = location.replace(DUKCAPIL, "dinas-kesehatan")
    assert client.get(other).status_code == 404


def test_only_administrators_edit_texts_and_the_signature(client, demo, head, admin_unit):
    unit, period = demo
    client.force_login(head)
    assert client.get(BASE + "teks/tindak-lanjut/?periode=semester-i-2025").status_code == 404
    assert client.post(BASE + "penandatangan/", {"name": "X"}).status_code == 404
    client.force_login(admin_unit)
    page = client.get(BASE + "teks/tindak-lanjut/?periode=semester-i-2025")
    assert "Undang-Undang Nomor 25 Tahun 2009" in page.content.decode()
    client.post(
        BASE + "teks/tindak-lanjut/",
        {"periode": "semester-i-2025", "bab1": "Paragraf pertama kami.\n\nParagraf kedua."},
    )
    assert ReportText.objects.get(unit=unit, period=period, key="bab1").text.startswith(
        "Paragraf pertama"
    )
    client.post(
        BASE + "penandatangan/",
        {
            "periode": "semester-i-2025",
            "place": "Pekalongan",
            "position": "Kepala Dinas",
            "name": "NAMA BARU",
            "rank": "Pembina",
            "nip": "1",
            "decimal": ",",
        },
    )
    assert ReportProfile.objects.get(unit=unit).name == "NAMA BARU"
    job, _location = _make(client)
    report_job_run(job)
    from skm.reports.jobs import job_file

    docx = Document(io.BytesIO(job_file(job).read_bytes()))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "Paragraf pertama kami." in text and "Paragraf kedua." in text
    assert "NAMA BARU" in text and "91,02" in text
    # back to the default
    client.post(
        BASE + "teks/tindak-lanjut/", {"periode": "semester-i-2025", "reset-bab1": "1", "bab1": "x"}
    )
    assert not ReportText.objects.filter(key="bab1").exists()


def test_previews_are_the_documents_html(client, demo, head):
    client.force_login(head)
    for kind, words in (
        ("tindak-lanjut", "LAPORAN TINDAK LANJUT"),
        ("hasil", "RINGKASAN EKSEKUTIF"),
        ("poster", "NILAI IKM"),
    ):
        page = client.get(BASE + f"pratinjau/{kind}/?periode=semester-i-2025")
        assert page.status_code == 200 and words in page.content.decode(), kind
    assert client.get(BASE + "pratinjau/lain/?periode=semester-i-2025").status_code == 404


def test_the_api_hands_out_the_same_documents(client, demo, head, outsider):
    from skm.surveys.invitations import api_key_create

    unit, _period = demo
    url = f"/api/v1/reports/{DUKCAPIL}/semester-i-2025/tindak-lanjut?format=docx&date=2025-08-22"
    assert client.get(url).status_code == 404
    _k, key = api_key_create(unit=unit, name="arsip")
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    docx = Document(io.BytesIO(response.content))
    assert "Pekalongan, 22 Agustus 2025" in "\n".join(p.text for p in docx.paragraphs)
    client.force_login(head)
    poster = client.get(f"/api/v1/reports/{DUKCAPIL}/semester-i-2025/poster?size=a3")
    assert poster.status_code == 200 and poster.content.startswith(b"%PDF")
    no_plan = client.get(f"/api/v1/reports/{DUKCAPIL}/semester-ii-2024/tindak-lanjut")
    assert no_plan.status_code == 409 and "rencana tindak lanjut" in no_plan.json()["detail"]
    assert client.get(url.replace("format=docx", "format=odt")).status_code == 422
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_job_found_running_is_failed_and_not_made_again(client, demo, head, monkeypatch):
    # Its worker died while making it: the job stayed "running" (its attempt).
    client.force_login(head)
    job, location = _make(client)
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING)

    def never(*args, **kwargs):
        raise AssertionError("the document was made again")

    monkeypatch.setattr("skm.reports.jobs.build", never)
    job = report_job_run(ReportJob.objects.get(pk=job.pk))
    died = (
        "Pemrosesan berhenti tak terduga (proses pekerja mati). Buat ulang dokumen atau "
        "hubungi admin."
    )
    assert (job.status, job.error) == (ReportJob.Status.FAILED, died)
    assert died in client.get(location).content.decode()
