"""The QR codes and the A4 poster: what is encoded, what is printed, and that it is a PDF."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from PIL import Image

from skm.org.services import agency_create, service_create, unit_create
from skm.transfer.posters import PosterData, poster_data, poster_html, poster_pdf
from skm.transfer.qr import BORDER, qr_code, qr_png, qr_svg

URL = "https://skm.pekalongankota.go.id/s/dinas-kependudukan-dan-pencatatan-sipil/ktp-el/"
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def png_modules(png: bytes, size: int) -> list[list[bool]]:
    """Read the QR modules back from a PNG: dark or light at the centre of each module."""
    image = Image.open(io.BytesIO(png)).convert("L")
    total = size + 2 * BORDER
    scale = image.width // total
    assert image.width == image.height == total * scale
    return [
        [
            image.getpixel(((BORDER + x) * scale + scale // 2, (BORDER + y) * scale + scale // 2))
            < 128
            for x in range(size)
        ]
        for y in range(size)
    ]


def test_png_encodes_exactly_the_link_with_a_quiet_zone():
    reference = qr_code(URL)
    assert reference.error == "Q"
    assert reference.is_micro is False
    matrix = [[bool(v) for v in row] for row in reference.matrix]
    assert png_modules(qr_png(URL), len(matrix)) == matrix
    image = Image.open(io.BytesIO(qr_png(URL))).convert("L")
    # the quiet zone (4 modules) is white all round
    assert {image.getpixel((x, 5)) for x in range(image.width)} == {255}
    # another link gives another symbol
    assert png_modules(qr_png(URL + "x"), len(matrix)) != matrix


def test_svg_is_the_same_symbol():
    svg = qr_svg(URL).decode()
    assert svg.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert "<svg" in svg and f"<title>{URL}</title>" in svg
    expected = io.BytesIO()
    qr_code(URL).save(
        expected,
        kind="svg",
        scale=10,
        border=4,
        dark="#000",
        light="#fff",
        xmldecl=True,
        svgns=True,
        title=URL,
    )
    assert svg.encode() == expected.getvalue()


@pytest.fixture
def dukcapil(db):
    agency = agency_create(name="Pemerintah Kota Pekalongan", city="Kota Pekalongan")
    unit = unit_create(agency=agency, name="Dinas Kependudukan dan Pencatatan Sipil")
    return unit, service_create(unit=unit, name="KTP-el")


def test_poster_html_has_unit_service_link_instruction_and_agency(dukcapil):
    unit, service = dukcapil
    html = poster_html(poster_data(unit=unit, service=service, url=URL))
    assert '<html lang="id">' in html
    assert "Dinas Kependudukan dan Pencatatan Sipil" in html
    assert "Layanan: KTP-el" in html
    assert "Pemerintah Kota Pekalongan" in html
    assert (
        "Pindai kode QR ini dengan kamera ponsel Anda untuk mengisi Survei Kepuasan Masyarakat."
        in html
    )
    assert "skm.pekalongankota.go.id/s/dinas-kependudukan-dan-pencatatan-sipil/ktp-el<" in html
    assert 'src="data:image/svg+xml' in html
    assert "<style" not in html and "<script" not in html


def test_poster_html_for_the_whole_unit_has_no_service_line(dukcapil):
    unit, _service = dukcapil
    html = poster_html(poster_data(unit=unit, service=None, url=URL))
    assert "Layanan:" not in html


def test_poster_is_indonesian_whatever_the_active_language(dukcapil):
    from django.utils import translation

    unit, service = dukcapil
    with translation.override("en"):
        html = poster_html(poster_data(unit=unit, service=service, url=URL))
    assert "Pindai kode QR ini" in html


def test_logo_is_embedded_only_when_it_is_an_image(dukcapil, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    unit, service = dukcapil
    assert poster_data(unit=unit, service=service, url=URL).logo_data_uri is None
    agency = unit.agency
    agency.logo.save("logo.png", ContentFile(PNG_1X1))
    data = poster_data(unit=unit, service=service, url=URL)
    assert data.logo_data_uri.startswith("data:image/png;base64,iVBORw0KGgo")
    assert 'class="logo" src="data:image/png;base64,' in poster_html(data)
    agency.logo.save("logo.png", ContentFile(b"<svg onload='x'/>"))
    assert poster_data(unit=unit, service=service, url=URL).logo_data_uri is None


def test_user_text_is_escaped():
    data = PosterData(
        agency_name="<b>Pemkot</b>",
        unit_name='Dinas "X" <script>',
        service_name="A & B",
        url=URL,
        qr_data_uri="data:,",
        logo_data_uri=None,
    )
    html = poster_html(data)
    assert "<script>" not in html and "<b>Pemkot" not in html
    assert "Dinas &quot;X&quot; &lt;script&gt;" in html
    assert "Layanan: A &amp; B" in html


def test_poster_pdf_is_a_one_page_pdf(dukcapil):
    unit, service = dukcapil
    pdf = poster_pdf(poster_data(unit=unit, service=service, url=URL))
    assert pdf.startswith(b"%PDF-")
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed; .ci/run installs it")
    info = subprocess.run([pdfinfo, "-"], input=pdf, capture_output=True, check=True).stdout
    assert b"Pages:           1\n" in info
    assert b"Page size:       595.276 x 841.89 pts (A4)" in info


def test_the_pdf_renderer_fetches_nothing_from_outside():
    from skm.transfer.posters import _data_only_fetcher

    fetcher = _data_only_fetcher()
    for url in ("http://169.254.169.254/latest/meta-data", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher(url)
