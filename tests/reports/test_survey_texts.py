"""The Laporan Hasil's own per-period fields (issue #14, point 10): Kata Pengantar, the survey
team and its decree (SK), the schedule, and the survey's documentation photos in the
appendix (never the follow-up photos); empty fields are named in the preview, never printed
as empty headings."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from docx import Document
from PIL import Image

from skm.org.models import Membership, Unit
from skm.reports.documents import build
from skm.reports.models import ReportText
from skm.surveys.models import Period
from tests.conftest import member


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug="dinas-kependudukan-dan-pencatatan-sipil")
    return unit, Period.objects.get(unit=unit, slug="semester-i-2025")


def _docx_text(unit, period) -> tuple[str, list[str], list[list[list[str]]]]:
    docx = Document(io.BytesIO(build("hasil", unit=unit, period=period, fmt="docx").content))
    text = "\n".join(p.text for p in docx.paragraphs)
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    tables = [[[c.text.strip() for c in row.cells] for row in t.rows] for t in docx.tables]
    return text, headings, tables


def _pdf_text(unit, period) -> str:
    pdf = build("hasil", unit=unit, period=period, fmt="pdf").content
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _jpeg(colour=(200, 30, 30), exif: bool = False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (120, 90), colour)
    if exif:
        data = Image.Exif()
        data[0x010F] = "KameraRahasia"  # Make
        image.save(out, format="JPEG", exif=data.tobytes())
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils")


@needs_poppler
def test_the_demo_report_has_the_foreword_the_team_with_its_decree_and_the_schedule(demo):
    unit, period = demo
    text, headings, tables = _docx_text(unit, period)
    assert "KATA PENGANTAR" in headings
    assert headings.index("KATA PENGANTAR") < headings.index("RINGKASAN EKSEKUTIF")
    assert "Nomor 400.14/012/2024" in text  # the SK
    team = next(t for t in tables if t[0][:3] == ["No", "Jabatan", "Kedudukan dalam tim"])
    assert ["1", "Sekretaris Dinas", "Penanggung jawab"] in team
    assert "Pranata Komputer Bidang PIAK" in text or any("PIAK" in r[1] for r in team)
    schedule = next(t for t in tables if t[0] == ["No", "Tahapan", "Waktu"])
    assert [row[1].split(" (")[0] for row in schedule[1:]] == [
        "Persiapan",
        "Pengumpulan data",
        "Pengolahan data",
        "Pelaporan",
    ]
    pdf = _pdf_text(unit, period)
    assert "KATA PENGANTAR" in pdf and "400.14/012/2024" in pdf and "Pengolahan data" in pdf


def test_empty_fields_are_listed_in_the_preview_and_leave_no_empty_heading(demo, client):
    unit, period = demo
    ReportText.objects.filter(unit=unit, period=period, key__in=["tim", "sk"]).delete()
    from skm.reports.models import SurveyPhoto

    SurveyPhoto.objects.filter(unit=unit, period=period).delete()
    text, headings, tables = _docx_text(unit, period)
    assert not any("Dokumentasi Pelaksanaan Survei" in h for h in headings)
    assert "A. Pelaksana" in headings  # its own text remains, without a team table
    assert not any(t[0][:2] == ["No", "Jabatan"] for t in tables)
    assert "belum diisi" not in text.lower()
    client.force_login(member(unit, "admin-dukcapil", Membership.Role.UNIT_ADMIN))
    page = client.get(f"/staf/unit/{unit.slug}/laporan/?periode={period.slug}").content.decode()
    assert "Belum diisi" in page
    assert "Tim pelaksana" in page and "SK tim" in page
    assert "Dokumentasi Pelaksanaan Survei" in page
    assert f"/staf/unit/{unit.slug}/laporan/teks/hasil/?periode={period.slug}" in page


@needs_poppler
def test_survey_photos_are_in_the_appendix_and_followup_photos_are_not(demo):
    unit, period = demo
    text, headings, _tables = _docx_text(unit, period)
    assert "Lampiran 3. Dokumentasi Pelaksanaan Survei" in headings
    assert "Pengisian kuesioner di kios" in text
    assert "Dokumentasi kegiatan 1.1" not in text  # a follow-up photo of the plan
    assert "Dokumentasi kegiatan 1.1" not in _pdf_text(unit, period)


def test_the_length_limit_applies_to_the_new_texts(demo):
    from skm.reports.services import MAX_TEXT_LENGTH, report_texts_save

    unit, period = demo
    before = list(ReportText.objects.values_list("key", "text"))
    with pytest.raises(ValidationError) as refused:
        report_texts_save(
            unit=unit,
            period=period,
            report="hasil",
            label="Semester I Tahun 2025",
            texts={"tim": "Anggota | Anggota\n" * 2000, "kata_pengantar": "x"},
        )
    assert list(refused.value.message_dict) == ["tim"]
    assert "Tim" in refused.value.message_dict["tim"][0]
    assert len("Anggota | Anggota\n" * 2000) > MAX_TEXT_LENGTH
    assert list(ReportText.objects.values_list("key", "text")) == before


def test_uploads_are_checked_by_content_and_cleaned(demo, client):
    from skm.plans.evidence import evidence_path
    from skm.reports.models import SurveyPhoto

    unit, period = demo
    admin = member(unit, "admin-dukcapil", Membership.Role.UNIT_ADMIN)
    client.force_login(admin)
    url = f"/staf/unit/{unit.slug}/laporan/foto/"
    count = SurveyPhoto.objects.count()
    fake = SimpleUploadedFile("kios.jpg", b"<svg onload=alert(1)></svg>", "image/jpeg")
    page = client.post(url, {"periode": period.slug, "file": fake, "caption": "x"}, follow=True)
    assert "JPEG" in page.content.decode() and SurveyPhoto.objects.count() == count
    pdf = SimpleUploadedFile("kios.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    page = client.post(url, {"periode": period.slug, "file": pdf, "caption": "x"}, follow=True)
    assert SurveyPhoto.objects.count() == count  # photos only in this appendix
    photo = SimpleUploadedFile("kios.jpg", _jpeg(exif=True), "image/jpeg")
    response = client.post(
        url, {"periode": period.slug, "file": photo, "caption": "FGD pengguna", "public": "1"}
    )
    assert response.status_code == 302
    row = SurveyPhoto.objects.get(caption="FGD pengguna")
    assert row.public and row.unit == unit and row.period == period
    stored = evidence_path(row.stored_name).read_bytes()
    assert b"KameraRahasia" not in stored
    text, _headings, _tables = _docx_text(unit, period)
    assert "FGD pengguna" in text
    # made private after the upload: the published document leaves it out
    private = client.post(f"{url}{row.pk}/publik/", {"public": "0"})
    assert private.status_code == 302
    row.refresh_from_db()
    assert not row.public
    assert "FGD pengguna" not in _docx_text(unit, period)[0]
    client.post(f"{url}{row.pk}/publik/", {"public": "1"})
    row.refresh_from_db()
    assert row.public
    # another unit's administrator cannot touch it
    other = Unit.objects.exclude(pk=unit.pk).exclude(parent=unit).first()
    client.force_login(member(other, "admin-other", Membership.Role.UNIT_ADMIN))
    assert client.post(f"{url}{row.pk}/publik/", {"public": "0"}).status_code == 404
    row.refresh_from_db()
    assert row.public
    client.force_login(admin)
    delete = client.post(f"{url}{row.pk}/hapus/", {"periode": period.slug})
    assert delete.status_code == 302 and not SurveyPhoto.objects.filter(pk=row.pk).exists()
    assert not evidence_path(row.stored_name).exists()


def test_the_texts_page_shows_the_new_fields_and_the_upload(demo, client):
    unit, period = demo
    client.force_login(member(unit, "admin-dukcapil", Membership.Role.UNIT_ADMIN))
    page = client.get(f"/staf/unit/{unit.slug}/laporan/teks/hasil/?periode={period.slug}")
    html = page.content.decode()
    for name in ('name="kata_pengantar"', 'name="tim"', 'name="sk"', 'name="jadwal"'):
        assert name in html
    assert 'enctype="multipart/form-data"' in html and "Pengisian kuesioner di kios" in html
