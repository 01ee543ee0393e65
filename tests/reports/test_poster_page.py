"""The Lampiran IV poster as printed (issue #14, point 11): a full page, the QR always, the
service line, the emblem, a loud warning where the QR's address is local, and a DOCX too."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from docx import Document as Docx
from PIL import Image

from skm.org.models import Membership, Unit
from skm.reports.documents import build
from skm.surveys.models import Period
from tests.conftest import member

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")), reason="poppler-utils missing"
)

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"
PUBLIC = "https://skm.example.go.id"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_BASE_URL = ""
    call_command("demo")
    unit = Unit.objects.get(slug=DUKCAPIL)
    return unit, Period.objects.get(unit=unit, slug="semester-i-2025")


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "poster.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return " ".join(out.split())


def _services(unit) -> list[str]:
    return [s.name for s in unit.services.filter(is_active=True).order_by("name")]


@pytest.mark.parametrize("public", [True, False])
def test_the_pdf_poster_always_has_the_qr_and_the_service_line(demo, settings, tmp_path, public):
    from skm.reports.poster import poster_html
    from skm.transfer.qr import qr_svg_data_uri

    unit, period = demo
    settings.PUBLIC_BASE_URL = PUBLIC if public else ""
    base = PUBLIC if public else "http://127.0.0.1:8000"
    link = f"{base}/p/{unit.slug}/{period.slug}/"
    html = poster_html(unit, period)
    assert 'alt="Kode QR hasil survei"' in html and qr_svg_data_uri(link) in html
    text = _text(build("poster", unit=unit, period=period, fmt="pdf").content, tmp_path)
    assert link in text
    assert "Nama Layanan: " + ", ".join(_services(unit)) in text


def test_the_poster_prints_the_emblem_when_the_agency_has_one(demo, tmp_path):
    from django.core.files.base import ContentFile

    from skm.reports.poster import poster_html

    unit, period = demo
    unit.agency.logo = ""  # the demo's stand-in emblem away
    unit.agency.save()
    assert "Logo " not in poster_html(unit, period)  # no empty box without a logo
    plain = Docx(io.BytesIO(build("poster", unit=unit, period=period, fmt="docx").content))
    unit.agency.logo.save("lambang.png", ContentFile(PNG))
    unit.refresh_from_db()
    assert f'alt="Logo {unit.agency.name}"' in poster_html(unit, period)
    emblem = Docx(io.BytesIO(build("poster", unit=unit, period=period, fmt="docx").content))
    assert len(emblem.inline_shapes) == len(plain.inline_shapes) + 1


def test_the_lower_quarter_of_the_page_is_not_blank(demo, settings, tmp_path):
    unit, period = demo
    settings.PUBLIC_BASE_URL = PUBLIC
    path = tmp_path / "poster.pdf"
    path.write_bytes(build("poster", unit=unit, period=period, fmt="pdf").content)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )
    page = Image.open(tmp_path / "page.png").convert("L")
    width, height = page.size
    bottom = page.crop((0, height * 3 // 4, width, height))
    dark = sum(bottom.histogram()[:200])  # pixels darker than light grey
    # the QR, its link and the service line: well over a twentieth of the quarter is ink
    assert dark / (bottom.width * bottom.height) > 0.05, dark


@pytest.mark.parametrize("local", ["", "http://192.168.1.20:8000", "http://skm.local"])
def test_the_command_warns_when_the_qr_points_to_a_local_address(demo, settings, tmp_path, local):
    unit, period = demo
    settings.PUBLIC_BASE_URL = local
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "poster.pdf"
    call_command(
        "report", "poster", unit=unit.slug, period=period.slug, output=str(target),
        stdout=out, stderr=err,
    )  # fmt: skip
    assert target.read_bytes().startswith(b"%PDF")
    assert "SKM_PUBLIC_BASE_URL" in err.getvalue()
    assert (local or "http://127.0.0.1:8000") in err.getvalue()


def test_the_command_is_quiet_with_a_public_address(demo, settings, tmp_path):
    unit, period = demo
    settings.PUBLIC_BASE_URL = PUBLIC
    err = io.StringIO()
    call_command(
        "report", "poster", unit=unit.slug, period=period.slug,
        output=str(tmp_path / "p.pdf"), stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert err.getvalue() == ""


@pytest.mark.parametrize(
    ("base", "local"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000/", True),
        ("http://10.1.2.3", True),
        ("http://172.20.0.5", True),
        ("http://192.168.0.9", True),
        ("http://skm.local", True),
        ("http://testserver", True),
        ("http://[::1]:8000", True),
        ("https://skm.pekalongankota.go.id", False),
        ("http://172.32.0.1", False),
        ("https://8.8.8.8", False),
    ],
)
def test_local_and_private_addresses_are_recognised(base, local):
    from skm.transfer.qr import address_is_local

    assert address_is_local(base) is local


def test_the_report_page_warns_in_a_box_about_a_local_qr(client, demo, settings):
    unit, _period = demo
    client.force_login(member(unit, "kepala", Membership.Role.HEAD))
    url = f"/staf/unit/{DUKCAPIL}/laporan/?periode=semester-i-2025"
    page = client.get(url).content.decode()
    assert "SKM_PUBLIC_BASE_URL" in page and "http://testserver" in page
    settings.PUBLIC_BASE_URL = PUBLIC
    assert "SKM_PUBLIC_BASE_URL" not in client.get(url).content.decode()


def test_the_web_poster_uses_the_address_of_the_request(
    client, demo, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["testserver", "skm.contoh.go.id"]
    from skm.reports.jobs import job_file
    from skm.reports.models import ReportJob

    unit, _period = demo
    client.force_login(member(unit, "kepala", Membership.Role.HEAD))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/staf/unit/{DUKCAPIL}/laporan/buat/",
            {"periode": "semester-i-2025", "kind": "poster", "fmt": "pdf", "size": "a4"},
            HTTP_HOST="skm.contoh.go.id",
        )
    job = ReportJob.objects.latest("created_at")
    assert job.status == ReportJob.Status.DONE, job.error
    text = _text(job_file(job).read_bytes(), tmp_path)
    assert f"http://skm.contoh.go.id/p/{DUKCAPIL}/semester-i-2025/" in text


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice missing")
@pytest.mark.parametrize("size", ["a4", "a3"])
def test_the_docx_poster_has_the_qr_and_the_text_on_one_page(demo, settings, tmp_path, size):
    from skm.transfer.qr import qr_png

    unit, period = demo
    settings.PUBLIC_BASE_URL = PUBLIC
    document = build("poster", unit=unit, period=period, fmt="docx", size=size)
    assert document.filename.endswith(f"-{size}.docx")
    docx = Docx(io.BytesIO(document.content))
    link = f"{PUBLIC}/p/{unit.slug}/{period.slug}/"
    images = [r.target_part.blob for r in docx.part.rels.values() if "image" in r.reltype]
    assert qr_png(link) in images  # the QR of the period's publication page
    text = "\n".join(p.text for p in docx.paragraphs)
    cells = "\n".join(c.text for t in docx.tables for r in t.rows for c in r.cells)
    assert "NILAI IKM" in text + cells and "93.40" in text + cells
    assert f"{PUBLIC}/p/{unit.slug}/{period.slug}/" in text + cells
    assert "Nama Layanan: " + ", ".join(_services(unit)) in text + cells
    for score in ("91.83", "92.32", "91.02", "99.80", "91.91", "92.89", "91.26", "98.01", "91.54"):
        assert score in cells
    path = tmp_path / document.filename
    path.write_bytes(document.content)
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = path.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:           1" in info
    assert ("(A4)" if size == "a4" else "(A3)") in info


def test_a_long_list_of_services_is_cut_and_the_poster_stays_one_page(demo, tmp_path):
    from skm.org.models import Service

    unit = Unit.objects.get(slug="dinas-kesehatan")  # no services of its own
    period = Period.objects.get(unit=unit, slug="semester-i-2025")
    below = sorted({s.name for s in Service.objects.filter(unit__in=unit.subtree())})
    assert below and not unit.services.exists()
    text = _text(build("poster", unit=unit, period=period, fmt="pdf").content, tmp_path)
    assert "Nama Layanan: " + ", ".join(below) in text  # the services of the units below
    for i in range(30):
        Service.objects.create(unit=unit, slug=f"uji-{i}", name=f"Pemeriksaan Kesehatan {i:02}")
    for size in ("a4", "a3"):
        path = tmp_path / f"{size}.pdf"
        path.write_bytes(build("poster", unit=unit, period=period, fmt="pdf", size=size).content)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        assert "Pages:           1" in info
        text = _text(path.read_bytes(), tmp_path)
        assert "Nama Layanan: Pemeriksaan Kesehatan 00" in text
        assert "layanan lainnya" in text
    docx = Docx(io.BytesIO(build("poster", unit=unit, period=period, fmt="docx").content))
    assert any(
        p.text.startswith("Nama Layanan: Pemeriksaan") and "layanan lainnya" in p.text
        for p in docx.paragraphs
    )
