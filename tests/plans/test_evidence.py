"""Evidence uploads: type from content, size limits, metadata removed, nothing half-written."""

import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from skm.plans import evidence
from skm.plans.models import Evidence, ItemChange
from skm.plans.services import PlanError, evidence_add, evidence_remove, item_create, plan_create

from .conftest import item_data


def jpeg_with_gps(size=(800, 600), orientation=None) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "KameraMerek"  # Make
    exif[0x0132] = "2025:08:20 10:11:12"  # DateTime
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = (6.0, 53.0, 20.0)
    gps[3] = "E"
    gps[4] = (109.0, 40.0, 30.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 255, 128)).save(out, format="PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def item(surveyed, unit, manager):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    return item_create(plan.priorities.get(element_code="U3"), data=item_data(), user=manager)


def test_a_photo_is_stored_without_exif_or_gps_and_gets_a_thumbnail(item, manager, data_dir):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo has GPS
    row = evidence_add(
        item,
        upload=SimpleUploadedFile("foto kegiatan.JPG", original),
        caption="Pembinaan",
        user=manager,
    )
    assert row.content_type == "image/jpeg" and row.original_name == "foto kegiatan.JPG"
    stored = evidence.evidence_path(row.stored_name)
    assert stored.parent == data_dir / "evidence" and stored.exists()
    with Image.open(stored) as image:
        assert image.size == (800, 600)
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
    assert b"KameraMerek" not in stored.read_bytes()
    with Image.open(evidence.evidence_path(row.thumbnail_name)) as thumb:
        assert max(thumb.size) == 320
    assert item.changes.filter(action=ItemChange.Action.EVIDENCE_ADDED).exists()


def test_the_exif_orientation_is_applied_before_it_is_dropped(item, manager):
    row = evidence_add(
        item,
        upload=SimpleUploadedFile("a.jpg", jpeg_with_gps((400, 200), orientation=6)),
        caption="",
        user=manager,
    )
    with Image.open(evidence.evidence_path(row.stored_name)) as image:
        assert image.size == (200, 400)


def test_png_and_pdf_are_accepted_by_content_whatever_their_name(item, manager):
    png = evidence_add(
        item, upload=SimpleUploadedFile("scan.pdf", png_bytes()), caption="", user=manager
    )
    assert png.content_type == "image/png" and png.stored_name.endswith(".png")
    pdf = evidence_add(
        item, upload=SimpleUploadedFile("undangan.jpg", PDF), caption="", user=manager
    )
    assert pdf.content_type == "application/pdf" and pdf.thumbnail_name == ""
    assert evidence.evidence_path(pdf.stored_name).read_bytes() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "gambar.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "JPEG, PNG",
        ),
        ("halaman.jpg", b"<html><body>bukan foto</body></html>", "JPEG, PNG"),
        ("program.png", b"MZ\x90\x00\x03\x00\x00\x00", "JPEG, PNG"),
        ("kosong.jpg", b"", "kosong"),
        ("rusak.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "rusak"),
        ("rusak.pdf", b"%PDF-1.4\nterpotong", "rusak"),
    ],
)
def test_files_that_are_not_what_we_accept_are_refused(
    item, manager, data_dir, name, content, message
):
    with pytest.raises(PlanError) as refused:
        evidence_add(item, upload=SimpleUploadedFile(name, content), caption="", user=manager)
    assert message.lower() in refused.value.messages["file"].lower()
    assert not Evidence.objects.exists()
    assert not list((data_dir / "evidence").glob("*")) if (data_dir / "evidence").exists() else True


def test_a_file_above_the_limit_is_refused(item, manager, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(PlanError) as refused:
        evidence_add(
            item,
            upload=SimpleUploadedFile("besar.pdf", PDF + b" " * 2000),
            caption="",
            user=manager,
        )
    assert "terlalu besar" in refused.value.messages["file"]
    assert not Evidence.objects.exists()


def test_a_decompression_bomb_is_refused_without_decoding(item, manager):
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, format="PNG")  # 81 megapixels, tiny file
    with pytest.raises(PlanError) as refused:
        evidence_add(
            item, upload=SimpleUploadedFile("bom.png", out.getvalue()), caption="", user=manager
        )
    assert "megapiksel" in refused.value.messages["file"]


def test_a_full_disk_leaves_no_file_and_no_record(item, manager, data_dir):
    real_write = evidence._write
    calls = []

    def fail_second(path, data):
        calls.append(path)
        if len(calls) == 2:  # the photo is written, then the thumbnail fails
            raise OSError(28, "No space left on device")
        real_write(path, data)

    with (
        mock.patch.object(evidence, "_write", side_effect=fail_second),
        pytest.raises(PlanError) as refused,
    ):
        evidence_add(
            item, upload=SimpleUploadedFile("a.jpg", jpeg_with_gps()), caption="", user=manager
        )
    assert "penyimpanan penuh" in refused.value.messages["file"]
    assert not Evidence.objects.exists()
    assert list((data_dir / "evidence").iterdir()) == []
    assert not item.changes.filter(action=ItemChange.Action.EVIDENCE_ADDED).exists()


def test_a_failing_record_removes_the_written_file(item, manager, data_dir):
    with (
        mock.patch.object(Evidence.objects, "create", side_effect=RuntimeError("db down")),
        pytest.raises(RuntimeError),
    ):
        evidence_add(item, upload=SimpleUploadedFile("a.pdf", PDF), caption="", user=manager)
    assert list((data_dir / "evidence").iterdir()) == []


def test_removing_evidence_deletes_the_files_and_records_it(
    item, manager, data_dir, django_capture_on_commit_callbacks
):
    row = evidence_add(
        item, upload=SimpleUploadedFile("a.jpg", jpeg_with_gps()), caption="", user=manager
    )
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(row, user=manager)
    assert list((data_dir / "evidence").iterdir()) == []
    assert item.changes.filter(action=ItemChange.Action.EVIDENCE_REMOVED).exists()


def test_stored_names_cannot_point_outside_the_folder():
    for name in ("../../etc/passwd", "x.jpg", "0" * 32 + ".svg", "/abs.jpg"):
        with pytest.raises(ValueError):
            evidence.evidence_path(name)
    assert evidence.safe_download_name('../"x"\r\n.jpg', "application/pdf") == "_x___.pdf"


def zero_png(width: int, height: int) -> bytes:
    """A PNG of black RGB pixels, compressed row by row (the test never holds the pixels)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    squeeze = zlib.compressobj(9)
    row = bytes(1 + 3 * width)  # filter byte 0, then the pixels
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def test_a_small_png_that_decodes_to_hundreds_of_megabytes_is_refused_before_decoding(
    item, manager
):
    # issue #12, finding 11: 154 KB on disk, 39.7 megapixels, 119 MB of pixels (RGB)
    import resource

    bomb = zero_png(6300, 6300)
    assert len(bomb) < 200_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with (
        mock.patch.object(Image.Image, "load", side_effect=AssertionError("decoded")),
        mock.patch("PIL.ImageFile.ImageFile.load", side_effect=AssertionError("decoded")),
        pytest.raises(PlanError) as refused,
    ):
        evidence_add(item, upload=SimpleUploadedFile("nol.png", bomb), caption="", user=manager)
    message = refused.value.messages["file"]
    assert "6300 x 6300" in message and "megapiksel" in message
    assert not Evidence.objects.exists()
    # a sanity check, not a measurement: decoding it took the worker from 77 to 856 MB
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 100 * 1024


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_within_the_budget(item, manager):
    out = io.BytesIO()
    Image.new("L", (7000, 5000), 128).save(out, format="JPEG", quality=50)
    row = evidence_add(
        item, upload=SimpleUploadedFile("besar.jpg", out.getvalue()), caption="", user=manager
    )
    with Image.open(evidence.evidence_path(row.stored_name)) as stored:
        width, height = stored.size
    assert (width, height) == (3500, 2500)
    assert width * height * 3 <= evidence.MAX_DECODED_BYTES


@pytest.mark.parametrize(
    ("name", "content", "header"),
    [
        (
            "Foto kegiatan 光.jpg",
            None,
            "inline; filename*=utf-8''Foto%20kegiatan%20%E5%85%89.jpg",
        ),
        ("Ñandú.pdf", PDF, "inline; filename*=utf-8''%C3%91and%C3%BA.pdf"),
        ('rapat "akhir";\r\nX-Evil: 1.pdf', PDF, 'inline; filename="rapat _akhir__ X-Evil_ 1.pdf"'),
    ],
)
def test_evidence_names_of_any_script_give_a_valid_content_disposition(
    item, manager, name, content, header
):
    # issue #12, finding 12: RFC 6266 filename* (UTF-8, percent-encoded), never a raw or
    # MIME-encoded non-Latin-1 header
    row = evidence_add(
        item,
        upload=SimpleUploadedFile(name, content or jpeg_with_gps()),
        caption="",
        user=manager,
    )
    response = evidence.file_response(row)
    response.close()
    value = response["Content-Disposition"]
    assert value == header
    assert value.isascii() and "=?" not in value
