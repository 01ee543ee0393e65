"""Poster page and downloads: links, content types, file names, the encoded URL."""

from __future__ import annotations

import pytest

from skm.org.services import service_create
from skm.transfer.qr import qr_code, qr_svg
from tests.transfer.test_posters import png_modules


@pytest.fixture
def ktp(unit):
    return service_create(unit=unit, name="KTP-el")


def _url(unit, suffix=""):
    return f"/staf/unit/{unit.slug}/poster/{suffix}"


def test_page_lists_the_unit_and_each_active_service(manager_client, unit, ktp):
    hidden = service_create(unit=unit, name="Layanan Lama")
    hidden.is_active = False
    hidden.save()
    page = manager_client.get(_url(unit)).content.decode()
    assert "Poster QR dan tautan" in page
    assert "http://testserver/s/dinas-contoh/" in page
    assert "http://testserver/s/dinas-contoh/ktp-el/" in page
    assert "Layanan Lama" not in page
    assert f'href="{_url(unit, "ktp-el/poster.pdf")}"' in page
    assert f'href="{_url(unit, "kode-qr.png")}"' in page
    assert "<script" not in page and 'style="' not in page


def test_png_download_encodes_the_public_link(manager_client, unit, ktp, settings):
    settings.PUBLIC_BASE_URL = "https://skm.contoh.go.id"
    response = manager_client.get(_url(unit, "ktp-el/kode-qr.png"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        'attachment; filename="skm-dinas-contoh-ktp-el-qr.png"'
    )
    matrix = [
        [bool(v) for v in row]
        for row in qr_code("https://skm.contoh.go.id/s/dinas-contoh/ktp-el/").matrix
    ]
    assert png_modules(response.content, len(matrix)) == matrix


def test_without_a_base_url_the_request_address_is_used(manager_client, unit):
    response = manager_client.get(_url(unit, "kode-qr.svg"))
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'attachment; filename="skm-dinas-contoh-qr.svg"'
    assert response.content == qr_svg("http://testserver/s/dinas-contoh/")


def test_pdf_poster_download(manager_client, unit, ktp):
    response = manager_client.get(_url(unit, "ktp-el/poster.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="skm-dinas-contoh-ktp-el-poster.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_unknown_or_inactive_service_is_404(manager_client, unit, ktp, agency):
    ktp.is_active = False
    ktp.save()
    assert manager_client.get(_url(unit, "ktp-el/kode-qr.png")).status_code == 404
    assert manager_client.get(_url(unit, "tidak-ada/poster.pdf")).status_code == 404


def test_downloads_only_by_get(manager_client, unit):
    assert manager_client.post(_url(unit, "kode-qr.png")).status_code == 405


def test_the_page_shows_the_encoded_and_the_short_address(manager_client, unit, ktp, settings):
    settings.PUBLIC_BASE_URL = "https://skm.contoh.go.id"
    page = manager_client.get(_url(unit)).content.decode()
    assert "Alamat dalam kode QR" in page
    assert ">https://skm.contoh.go.id/s/dinas-contoh/ktp-el/<" in page
    assert '<dd class="short-link">skm.contoh.go.id/s/dinas-contoh/ktp-el</dd>' in page
    assert 'role="alert"' not in page and "belum diisi" not in page


def test_the_page_warns_about_a_local_address(manager_client, unit):
    page = manager_client.get(_url(unit)).content.decode()
    assert 'role="alert"' in page
    assert "Kode QR mengarah ke http://testserver/s/dinas-contoh/, alamat lokal atau privat" in page
    assert "SKM_PUBLIC_BASE_URL" in page


@pytest.mark.parametrize(
    ("url", "public", "warned"),
    [
        ("http://127.0.0.1:8111/s/a/", "", "lokal atau privat"),
        ("http://192.168.1.20/s/a/", "", "lokal atau privat"),
        ("http://172.20.0.5/s/a/", "", "lokal atau privat"),
        ("http://10.0.0.2/s/a/", "", "lokal atau privat"),
        ("http://kantor.local/s/a/", "", "lokal atau privat"),
        ("http://intranet/s/a/", "", "lokal atau privat"),
        ("https://skm.contoh.go.id/s/a/", "", ""),
        ("https://skm.contoh.go.id/s/a/", "https://skm.contoh.go.id", ""),
        ("https://lain.contoh.go.id/s/a/", "https://skm.contoh.go.id", "bukan ke alamat publik"),
        ("https://skm.contoh.go.id.evil.id/s/", "https://skm.contoh.go.id", "bukan ke alamat"),
    ],
)
def test_the_one_address_check(url, public, warned, settings):
    from django.utils import translation

    from skm.transfer.qr import qr_address_warning

    settings.PUBLIC_BASE_URL = public
    with translation.override("id"):
        warning = qr_address_warning(url)
    assert (warned in warning) if warned else warning == ""
