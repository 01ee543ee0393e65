"""The PEKPPP evidence pack (issue #14 point 12): the ZIP's names and contents, the merged
PDF's outline, the front sheet's text, a unit with nothing, the command, the web button with
its job, download and permissions, and the plumbing of documents of a year."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from skm.org.models import Membership, Unit
from skm.org.services import unit_create
from skm.reports.documents import ReportUnavailable, build_scoped
from skm.reports.jobs import report_job_run
from skm.reports.models import ReportJob
from skm.reports.pekppp import unit_levels
from skm.reports.pekppp_pack import ascii_name, make_pack
from skm.reports.services import publication_medium_add
from skm.surveys.models import Period
from skm.surveys.services import period_create, response_create
from tests.conftest import member

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"
ROOT = "paket_bukti_pekppp_dinas_kependudukan_dan_pencatatan_sipil_2025/"


def _capture_pdf() -> SimpleUploadedFile:
    """A one-page PDF capture (a newspaper clipping scanned to PDF)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile("kliping.pdf", out.getvalue(), content_type="application/pdf")


@pytest.fixture
def demo(db, settings, tmp_path):
    """The demo (its four publication media of July 2025, with captures) and a fifth: a
    newspaper clipping stored as a PDF."""
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug=DUKCAPIL)
    publication_medium_add(
        unit=unit,
        period=Period.objects.get(unit=unit, slug="semester-i-2025"),
        kind="print",
        published_on=dt.date(2025, 8, 1),
        url="https://koran.example.id/ikm-dukcapil",
        description="Berita hasil SKM di surat kabar",
        upload=_capture_pdf(),
    )
    return unit


def _pdf_text(content: bytes) -> str:
    """The text in reading order, cell by cell (no layout: a wrapped cell stays whole)."""
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every outline entry, in order."""
    rows = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                rows.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return rows


def test_the_demo_pack_zip_names_contents_outline_and_front_sheet(demo):
    unit = demo
    pack = make_pack(unit=unit, year=2025, signed_on=dt.date(2026, 1, 15))
    archive = zipfile.ZipFile(io.BytesIO(pack.zip))
    names = archive.namelist()
    # the media in the order of their dates
    assert names == [
        ROOT + name
        for name in (
            "00_lembar_depan.pdf",
            "06_skm_sesuai_permenpanrb/01_laporan_hasil_skm_semester_ii_tahun_2024.pdf",
            "06_skm_sesuai_permenpanrb/02_laporan_hasil_skm_semester_i_tahun_2025.pdf",
            "06_skm_sesuai_permenpanrb/03_foto_media_pengumpulan_data_semester_i_tahun_2025.pdf",
            "06_skm_sesuai_permenpanrb/04_poster_ikm_semester_i_tahun_2025.pdf",
            "07_media_publikasi/01_poster_di_loket_pelayanan_20250721.pdf",
            "07_media_publikasi/02_papan_informasi_20250721.pdf",
            "07_media_publikasi/03_situs_web_20250723.pdf",
            "07_media_publikasi/04_media_sosial_20250724.pdf",
            "07_media_publikasi/05_media_cetak_surat_kabar_20250801.pdf",
            "08_persentase_rtl/01_laporan_hasil_skm_semester_i_tahun_2025.pdf",
            "08_persentase_rtl/02_laporan_tindak_lanjut_semester_i_tahun_2025.pdf",
            "09_kecepatan_tindak_lanjut/00_tanggal_terbit_laporan.pdf",
            "09_kecepatan_tindak_lanjut/01_laporan_hasil_skm_semester_i_tahun_2025.pdf",
            "09_kecepatan_tindak_lanjut/02_laporan_tindak_lanjut_semester_i_tahun_2025.pdf",
            "paket_bukti_pekppp_dinas_kependudukan_dan_pencatatan_sipil_2025.pdf",
        )
    ]
    assert all(name.isascii() and " " not in name for name in names)
    files = {name[len(ROOT) :]: archive.read(name) for name in names}
    assert all(content.startswith(b"%PDF-") for content in files.values())
    # one document serving three indicators is the same file in each folder
    hasil = "laporan_hasil_skm_semester_i_tahun_2025.pdf"
    assert (
        files[f"06_skm_sesuai_permenpanrb/02_{hasil}"]
        == files[f"08_persentase_rtl/01_{hasil}"]
        == files[f"09_kecepatan_tindak_lanjut/01_{hasil}"]
    )
    assert files["paket_bukti_pekppp_dinas_kependudukan_dan_pencatatan_sipil_2025.pdf"] == (
        pack.merged
    )
    # the Laporan Hasil is dated with its issue date (the plan's reported_on)
    assert "30 Juni 2025" in _pdf_text(files[f"08_persentase_rtl/01_{hasil}"])
    clipping = files["07_media_publikasi/05_media_cetak_surat_kabar_20250801.pdf"]
    medium = _pdf_text(clipping)
    assert "1 Agustus 2025" in medium and "https://koran.example.id/ikm-dukcapil" in medium
    assert "Non-elektronik" in medium and "halaman berikut" in medium
    assert len(PdfReader(io.BytesIO(clipping)).pages) == 2  # the caption, then the PDF capture
    assert "Elektronik" in _pdf_text(files["07_media_publikasi/03_situs_web_20250723.pdf"])

    # the merged PDF: each document once, the outline per indicator pointing at its pages
    reader = PdfReader(io.BytesIO(pack.merged))
    singles = ["00_lembar_depan.pdf", *[n for n in files if n.startswith(("06_", "07_"))]]
    singles += [
        "08_persentase_rtl/02_laporan_tindak_lanjut_semester_i_tahun_2025.pdf",
        "09_kecepatan_tindak_lanjut/00_tanggal_terbit_laporan.pdf",
    ]
    assert len(reader.pages) == sum(len(PdfReader(io.BytesIO(files[n])).pages) for n in singles)
    outline = _outline(reader)
    titles = [(depth, title) for depth, title, _page in outline]
    assert titles == [
        (0, "Lembar depan"),
        (0, "Indikator 6: SKM dilaksanakan sesuai PermenPANRB"),
        (1, "Laporan Hasil SKM Semester II Tahun 2024"),
        (1, "Laporan Hasil SKM Semester I Tahun 2025"),
        (1, "Foto media pengumpulan data Semester I Tahun 2025"),
        (1, "Poster publikasi IKM Semester I Tahun 2025"),
        (0, "Indikator 7: Jumlah media publikasi hasil SKM"),
        (1, "Media publikasi: Poster di loket pelayanan, 21 Juli 2025"),
        (1, "Media publikasi: Papan informasi, 21 Juli 2025"),
        (1, "Media publikasi: Situs web, 23 Juli 2025"),
        (1, "Media publikasi: Media sosial, 24 Juli 2025"),
        (1, "Media publikasi: Media cetak (surat kabar), 1 Agustus 2025"),
        (0, "Indikator 8: Persentase RTL yang ditindaklanjuti"),
        (1, "Laporan Hasil SKM Semester I Tahun 2025"),
        (1, "Laporan Tindak Lanjut Hasil SKM Semester I Tahun 2025"),
        (0, "Indikator 9: Kecepatan tindak lanjut hasil SKM"),
        (1, "Tanggal terbit Laporan Hasil SKM dan Laporan Tindak Lanjut"),
        (1, "Laporan Hasil SKM Semester I Tahun 2025"),
        (1, "Laporan Tindak Lanjut Hasil SKM Semester I Tahun 2025"),
    ]
    pages = {title: page for _depth, title, page in outline}
    front_pages = len(PdfReader(io.BytesIO(files["00_lembar_depan.pdf"])).pages)
    assert pages["Laporan Hasil SKM Semester II Tahun 2024"] == front_pages + 1
    # the same Laporan Hasil under indicators 6, 8 and 9: one page, never a copy
    hasil_pages = [p for _d, t, p in outline if t == "Laporan Hasil SKM Semester I Tahun 2025"]
    assert len(hasil_pages) == 3 and len(set(hasil_pages)) == 1
    # each bookmark lands on its document's first page
    merged_first = _pdf_text(
        _pages(reader, pages["Laporan Tindak Lanjut Hasil SKM Semester I Tahun 2025"])
    )
    assert "LAPORAN TINDAK LANJUT" in merged_first

    # the front sheet: the statements, the levels with their basis, the file list
    levels = unit_levels(unit, 2025)
    front = " ".join(_pdf_text(files["00_lembar_depan.pdf"]).split())
    assert "LEMBAR DEPAN PAKET BUKTI PEKPPP TAHUN 2025" in front
    assert "PEMERINTAH KOTA PEKALONGAN" in front
    assert " ".join(levels.formula.split()) in front
    for score in (levels.indicator_6, levels.indicator_7, levels.indicator_8, levels.indicator_9):
        # a line may break after a hyphen ("Krejcie-" / "Morgan"), which pdftotext drops
        def bare(text):
            return "".join(text.replace("-", "").split())

        assert bare(score.basis) in bare(front)
    assert "5 media: Poster di loket pelayanan (non-elektronik, 21 Juli 2025)" in front
    assert f"IKM {levels.last_result.text}" in front
    assert "07_media_publikasi/ 03_situs_web_20250723.pdf" in front
    for warning in levels.warnings:  # warnings are never printed in the pack
        assert " ".join(warning.split()) not in front
    extract = " ".join(
        _pdf_text(files["09_kecepatan_tindak_lanjut/00_tanggal_terbit_laporan.pdf"]).split()
    )
    assert (
        "Semester I Tahun 2025: Laporan Hasil SKM terbit 30 Juni 2025, Laporan Tindak Lanjut "
        "terbit 22 Agustus 2025" in extract
    )
    assert f"nilai {levels.indicator_9.score}" in extract


def _pages(reader: PdfReader, page: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_page(reader.pages[page - 1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_unit_with_one_period_no_plan_and_no_media(db, settings, tmp_path, agency):
    settings.DATA_DIR = tmp_path
    unit = unit_create(agency=agency, name="Puskesmas Sendiri")
    period = period_create(
        unit=unit,
        name="Tahun 2025",
        kind=Period.Kind.YEAR,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
        population=100,
        status=Period.Status.CLOSED,
    )
    for value in (3, 4, 4):
        response_create(
            period=period,
            unit=unit,
            channel="paper",
            answers={f"U{i}": value for i in range(1, 10)},
        )
    pack = make_pack(unit=unit, year=2025, signed_on=dt.date(2026, 1, 15))
    root = "paket_bukti_pekppp_puskesmas_sendiri_2025/"
    assert zipfile.ZipFile(io.BytesIO(pack.zip)).namelist() == [
        root + "00_lembar_depan.pdf",
        root + "06_skm_sesuai_permenpanrb/01_laporan_hasil_skm_tahun_2025.pdf",
        root + "06_skm_sesuai_permenpanrb/02_poster_ikm_tahun_2025.pdf",
        root + "09_kecepatan_tindak_lanjut/00_tanggal_terbit_laporan.pdf",
        root + "paket_bukti_pekppp_puskesmas_sendiri_2025.pdf",
    ]
    levels = unit_levels(unit, 2025)
    assert levels.indicator_7.score == 0 and levels.indicator_8.score == 0
    front = " ".join(_pdf_text(pack.contents["00"]).split())
    assert "Belum ada media publikasi yang dicatat." in front
    assert " ".join(levels.indicator_8.basis.split()) in front
    outline = [t for _d, t, _p in _outline(PdfReader(io.BytesIO(pack.merged)))]
    assert "Indikator 7: Jumlah media publikasi hasil SKM" not in outline
    assert "Indikator 8: Persentase RTL yang ditindaklanjuti" not in outline
    # no period ending in N-1 or N: a clear refusal, nothing made
    with pytest.raises(ReportUnavailable, match="tidak memiliki periode survei"):
        make_pack(unit=unit, year=2028)


def test_the_command_writes_the_zip_and_the_pdf(demo, tmp_path, capsys):
    out = tmp_path / "keluar"
    out.mkdir()
    call_command("report", "pekppp", "--unit", DUKCAPIL, "--year", "2025", "--output-dir", out)
    written = sorted(p.name for p in out.iterdir())
    stem = f"paket-bukti-pekppp-{DUKCAPIL}-2025"
    assert written == [f"{stem}.pdf", f"{stem}.zip"]
    assert zipfile.is_zipfile(out / f"{stem}.zip")
    assert (out / f"{stem}.pdf").read_bytes().startswith(b"%PDF-")
    captured = capsys.readouterr()
    for warning in unit_levels(demo, 2025).warnings:
        assert warning in captured.err


def test_the_command_says_what_is_wrong_and_writes_nothing(demo, tmp_path, capsys):
    out = tmp_path / "keluar"
    out.mkdir()
    cases = [
        (["pekppp", "--unit", DUKCAPIL], "--year"),
        (["pekppp", "--unit", "tidak-ada", "--year", "2025"], "tidak-ada"),
        (["pekppp", "--unit", DUKCAPIL, "--year", "2025", "--period", "x"], "--period"),
        (["pekppp", "--unit", DUKCAPIL, "--year", "2025", "--format", "docx"], "zip"),
        (["pekppp", "--agency", "pemkot-pekalongan", "--year", "2025"], "--unit"),
        (["hasil", "--unit", DUKCAPIL], "--period"),
        (["hasil", "--unit", DUKCAPIL, "--period", "semester-i-2025", "--year", "2025"], "--year"),
        (["rekap", "--year", "2025"], "--agency"),
        (["rekap", "--unit", DUKCAPIL, "--agency", "x", "--year", "2025"], "--agency"),
        (["rekap", "--agency", "tidak-ada", "--year", "2025"], "tidak-ada"),
        (["pekppp", "--unit", DUKCAPIL, "--year", "2031"], "tidak memiliki periode survei"),
    ]
    for args, message in cases:
        with pytest.raises(SystemExit):
            call_command("report", *args, "--output-dir", str(out))
        assert message in capsys.readouterr().err, args
    assert list(out.iterdir()) == []


BASE = f"/staf/unit/{DUKCAPIL}/laporan/"


def test_the_button_makes_a_job_whose_file_only_the_unit_downloads(client, demo):
    head = member(demo, "kepala", Membership.Role.HEAD)
    outsider = member(Unit.objects.get(slug="dinas-kesehatan"), "dinkes", Membership.Role.HEAD)
    client.force_login(head)
    page = client.get(BASE).content.decode()
    assert "Paket bukti PEKPPP" in page and '<option value="2025"' in page
    response = client.post(
        BASE + "tahunan/buat/",
        {"kind": "pekppp", "year": "2025", "fmt": "zip", "signed_on": "2026-01-15"},
    )
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert (job.unit, job.period, job.year, job.kind, job.fmt) == (
        demo,
        None,
        2025,
        "pekppp",
        "zip",
    )
    location = response["Location"]
    report_job_run(job)
    ready = client.get(location).content.decode()
    assert "Paket bukti PEKPPP 2025" in ready
    for warning in unit_levels(demo, 2025).warnings:  # on the job page, not in the pack
        assert warning in ready
    download = client.get(location + "unduh/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert zipfile.is_zipfile(io.BytesIO(b"".join(download.streaming_content)))
    # a member of another unit, and anonymous visitors, reach neither the job nor the file
    client.force_login(outsider)
    assert client.get(location).status_code == 404
    assert client.get(location + "unduh/").status_code == 404
    other = location.replace(DUKCAPIL, "dinas-kesehatan")
    assert client.get(other + "unduh/").status_code == 404
    assert (
        client.post(BASE + "tahunan/buat/", {"kind": "pekppp", "year": "2025"}).status_code == 404
    )
    client.logout()
    assert client.get(location + "unduh/").status_code == 302


def test_the_button_refuses_a_year_or_format_not_offered(client, demo):
    client.force_login(member(demo, "kepala", Membership.Role.HEAD))
    for data in (
        {"kind": "pekppp", "year": "1999", "fmt": "zip"},
        {"kind": "pekppp", "year": "2025", "fmt": "docx"},
        {"kind": "pekppp", "year": "2025", "fmt": "zip", "part": "S1"},
        {"kind": "rekap", "year": "2025", "fmt": "pdf"},  # Dukcapil has no units below it
    ):
        response = client.post(BASE + "tahunan/buat/", data)
        assert response.status_code == 302 and response["Location"].endswith("/laporan/")
    assert not ReportJob.objects.exists()


def test_a_job_is_of_one_unit_or_one_agency(demo):
    agency = demo.agency
    with transaction.atomic(), pytest.raises(IntegrityError):
        ReportJob.objects.create(
            ref="00000000-0000-0000-0000-000000000001",
            unit=demo,
            agency=agency,
            year=2025,
            kind="rekap",
            fmt="pdf",
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        ReportJob.objects.create(
            ref="00000000-0000-0000-0000-000000000002", year=2025, kind="rekap", fmt="pdf"
        )
    with transaction.atomic(), pytest.raises(IntegrityError):  # neither period nor year
        ReportJob.objects.create(
            ref="00000000-0000-0000-0000-000000000003", unit=demo, kind="pekppp", fmt="zip"
        )
    with pytest.raises(ReportUnavailable):
        build_scoped("pekppp", agency=agency, year=2025, fmt="zip")
    with pytest.raises(ReportUnavailable):
        build_scoped("pekppp", unit=demo, year=2025, fmt="docx")


def test_the_agency_page_is_for_a_role_on_the_whole_agency(client, demo):
    agency = demo.agency
    url = f"/staf/instansi/{agency.slug}/laporan/"
    from django.contrib.auth import get_user_model

    bagian = get_user_model().objects.create_user(username="ortala", password="x-sandi-123")
    Membership.objects.create(
        user=bagian, agency=agency, unit=None, role=Membership.Role.AGENCY_ADMIN
    )
    unit_admin = member(demo, "admin-dukcapil", Membership.Role.UNIT_ADMIN)
    client.force_login(unit_admin)
    assert client.get(url).status_code == 404
    assert url not in client.get("/staf/").content.decode()  # no link to it either
    client.force_login(bagian)
    home = client.get("/staf/").content.decode()
    assert url in home
    page = client.get(url).content.decode()
    assert "Rekapitulasi IKM" in page and '<option value="2025"' in page
    data = {"kind": "rekap", "year": "2025", "part": "S1", "fmt": "docx"}
    response = client.post(url + "buat/", data)
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert (job.agency, job.unit, job.year, job.part, job.kind) == (
        agency,
        None,
        2025,
        "S1",
        "rekap",
    )
    assert client.get(response["Location"]).status_code == 200
    client.force_login(unit_admin)
    assert client.get(response["Location"]).status_code == 404
    assert client.get(response["Location"] + "unduh/").status_code == 404


def test_ascii_names():
    assert ascii_name("Semester I Tahun 2025") == "semester_i_tahun_2025"
    assert ascii_name("Média sosial / Instagram") == "media_sosial_instagram"
    assert ascii_name("…") == "berkas"
