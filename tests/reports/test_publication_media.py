"""Publication media of a unit (PEKPPP indicators 6 and 7): the record, its capture stored
through skm.plans.evidence, and the staff page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from skm.plans.evidence import EvidenceRefused, evidence_path
from skm.reports.models import PublicationMedium
from skm.reports.services import publication_medium_add, publication_medium_delete

DAY = dt.date(2025, 7, 10)


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (60, 40), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_kinds_are_electronic_or_not():
    electronic = {k for k in PublicationMedium.Kind.values if PublicationMedium(kind=k).electronic}
    assert electronic == {"website", "social", "sippn", "broadcast"}


def test_a_medium_with_a_capture_is_stored_cleaned(unit, period, manager):
    upload = SimpleUploadedFile("poster loket.jpg", _jpeg_with_exif())
    medium = publication_medium_add(
        unit=unit,
        period=period,
        kind="poster",
        published_on=DAY,
        description="  Poster di\nloket 1 ",
        upload=upload,
        user=manager,
    )
    assert medium.has_capture and not medium.electronic and medium.content_type == "image/jpeg"
    assert medium.description == "Poster di loket 1"
    stored = evidence_path(medium.stored_name).read_bytes()
    assert b"KameraRahasia" not in stored
    assert evidence_path(medium.thumbnail_name).exists()
    names = (medium.stored_name, medium.thumbnail_name)
    publication_medium_delete(medium)
    assert not PublicationMedium.objects.exists()
    assert not any(evidence_path(n).exists() for n in names)


def test_a_link_alone_is_enough_and_must_be_http(unit, period):
    medium = publication_medium_add(
        unit=unit, period=None, kind="website", published_on=DAY, url="https://dinas.go.id/ikm"
    )
    assert medium.electronic and not medium.has_capture and medium.period is None
    for bad in ("javascript:alert(1)", "ftp://dinas.go.id/x", "dinas.go.id", "http://"):
        with pytest.raises(ValidationError) as error:
            publication_medium_add(
                unit=unit, period=None, kind="website", published_on=DAY, url=bad
            )
        assert "url" in error.value.message_dict, bad
    assert PublicationMedium.objects.count() == 1


def test_refusals_name_the_field_and_keep_nothing(unit, period, other_unit, settings, tmp_path):
    with pytest.raises(ValidationError) as error:
        publication_medium_add(unit=unit, period=None, kind="tv", published_on=None)
    assert set(error.value.message_dict) == {"kind", "published_on", "url"}
    from skm.surveys.services import period_create

    foreign = period_create(
        unit=other_unit,
        name="Semester I 2025 lain",
        kind=period.kind,
        start_date=period.start_date,
        end_date=period.end_date,
    )
    with pytest.raises(ValidationError) as error:
        publication_medium_add(
            unit=unit, period=foreign, kind="poster", published_on=DAY, url="https://a.id/"
        )
    assert "period" in error.value.message_dict
    with pytest.raises(EvidenceRefused):
        publication_medium_add(
            unit=unit,
            period=period,
            kind="poster",
            published_on=DAY,
            upload=SimpleUploadedFile("x.svg", b"<svg onload=alert(1)></svg>"),
        )
    assert not PublicationMedium.objects.exists()
    assert not (tmp_path / "evidence").exists() or not list((tmp_path / "evidence").iterdir())


def test_the_page_lists_adds_serves_and_removes(client, unit, period, manager, operator):
    client.force_login(manager)
    url = f"/staf/unit/{unit.slug}/laporan/media/"
    assert client.get(f"/staf/unit/{unit.slug}/laporan/").content.decode().count(url) == 1
    page = client.get(url)
    assert page.status_code == 200 and "Belum ada media publikasi" in page.content.decode()
    response = client.post(
        url,
        {
            "kind": "social",
            "period": period.slug,
            "published_on": "2025-07-11",
            "description": "Unggahan Instagram",
            "file": SimpleUploadedFile("ig.jpg", _jpeg_with_exif()),
        },
    )
    assert response.status_code == 302
    medium = PublicationMedium.objects.get()
    assert medium.period == period and medium.created_by == manager
    page = client.get(url).content.decode()
    assert "Media sosial" in page and "Unggahan Instagram" in page and "elektronik" in page
    served = client.get(f"{url}{medium.pk}/berkas/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"{url}{medium.pk}/berkas/?thumb=1").status_code == 200
    # refused: the message names the field, nothing kept
    refused = client.post(
        url, {"kind": "website", "published_on": "2025-07-11", "url": "javascript:alert(1)"}
    )
    assert refused.status_code == 400 and "Tautan" in refused.content.decode()
    assert PublicationMedium.objects.count() == 1
    # an operator sees the list and the capture but cannot add or remove
    client.force_login(operator)
    page = client.get(url).content.decode()
    assert "Unggahan Instagram" in page and "Catat media" not in page
    assert client.get(f"{url}{medium.pk}/berkas/").status_code == 200
    assert client.post(url, {"kind": "website", "published_on": "2025-07-11"}).status_code == 404
    assert client.post(f"{url}{medium.pk}/hapus/").status_code == 404
    client.force_login(manager)
    assert client.post(f"{url}{medium.pk}/hapus/").status_code == 302
    assert not PublicationMedium.objects.exists()


def test_another_units_medium_is_a_404(client, unit, period, stranger, other_unit):
    medium = publication_medium_add(
        unit=unit, period=period, kind="website", published_on=DAY, url="https://a.id/"
    )
    client.force_login(stranger)
    base = f"/staf/unit/{other_unit.slug}/laporan/media/{medium.pk}/"
    assert client.get(base + "berkas/").status_code == 404
    assert client.post(base + "hapus/").status_code == 404
    assert PublicationMedium.objects.exists()
