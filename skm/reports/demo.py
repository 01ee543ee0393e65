"""The demo period's own fields of the Laporan Hasil (issue #14, point 10): the survey team by
position (no person's data), its decree, the schedule, and drawn stand-ins for the photos of
the survey itself; and the media the results were published on (PEKPPP), each with a drawn
stand-in capture marked as such."""

from __future__ import annotations

import datetime as dt

from skm.org.models import Agency, Unit
from skm.reports.models import PublicationMedium, ReportProfile, ReportText, SurveyPhoto
from skm.reports.texts import RESULTS
from skm.surveys.models import Period

TEAM = (
    "Sekretaris Dinas | Penanggung jawab\n"
    "Kepala Bidang Pelayanan Pendaftaran Penduduk | Ketua\n"
    "Kepala Subbagian Umum dan Kepegawaian | Sekretaris\n"
    "Petugas Loket Pelayanan KTP-el | Anggota (pengumpulan data)\n"
    "Petugas Loket Pelayanan Akta Kelahiran | Anggota (pengumpulan data)\n"
    "Pranata Komputer Bidang PIAK | Anggota (pengolahan data)"
)
DECREE = (
    "Keputusan Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Pekalongan Nomor "
    "400.14/012/2024 tanggal 2 Desember 2024 tentang Pembentukan Tim Survei Kepuasan "
    "Masyarakat"
)
SCHEDULE = (
    "Persiapan (penetapan tim, kuesioner, kios) | 2 Desember 2024 sampai dengan "
    "31 Desember 2024\n"
    "Pengumpulan data | 1 Januari 2025 sampai dengan 30 Juni 2025\n"
    "Pengolahan data | 1 Juli 2025 sampai dengan 7 Juli 2025\n"
    "Pelaporan | 8 Juli 2025 sampai dengan 18 Juli 2025"
)
# (kind, date published, description): the results of Semester I 2025, published after the
# Laporan Hasil (30 June 2025); no link, since the demo's addresses would not exist.
MEDIA = (
    ("poster", dt.date(2025, 7, 21), "Poster hasil IKM di ruang tunggu loket (gambar contoh)"),
    ("board", dt.date(2025, 7, 21), "Papan informasi di lobi kantor (gambar contoh)"),
    ("website", dt.date(2025, 7, 23), "Halaman hasil IKM di situs web dinas (gambar contoh)"),
    ("social", dt.date(2025, 7, 24), "Unggahan hasil IKM di Instagram dinas (gambar contoh)"),
)
PHOTOS = (
    ("kios", "Pengisian kuesioner di kios pelayanan (gambar contoh)"),
    ("kertas", "Pengisian kuesioner kertas di ruang tunggu (gambar contoh)"),
)


def _drawing(name: str, caption: str):
    """A drawn stand-in for a photo of the survey (the demo has no real photos)."""
    import io
    import textwrap

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1200, 800), (236, 242, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle((480, 260, 720, 700), fill=(70, 100, 80))  # a kiosk
    draw.rectangle((510, 300, 690, 460), fill=(210, 230, 215))  # its screen
    for x in (200, 880):  # respondents
        draw.ellipse((x, 330, x + 110, 440), fill=(110, 120, 140))
        draw.rectangle((x - 10, 440, x + 120, 700), fill=(110, 120, 140))
    font = ImageFont.load_default(size=44)
    small = ImageFont.load_default(size=30)
    draw.text((60, 50), "Dokumentasi pelaksanaan survei", fill=(30, 50, 30), font=font)
    for i, line in enumerate(textwrap.wrap(caption, 60)[:2]):
        draw.text((60, 120 + 40 * i), line, fill=(40, 60, 40), font=small)
    draw.text((60, 750), "Gambar contoh (data demo)", fill=(30, 50, 30), font=small)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return SimpleUploadedFile(f"survei-{name}.jpg", out.getvalue(), "image/jpeg")


def demo_survey_texts(unit: Unit, period: Period) -> None:
    """Fill in the demo period's team, decree, schedule and photos (once)."""
    from skm.reports.services import survey_photo_add

    for key, text in (("tim", TEAM), ("sk", DECREE), ("jadwal", SCHEDULE)):
        ReportText.objects.get_or_create(
            unit=unit, period=period, report=RESULTS, key=key, defaults={"text": text}
        )
    if not SurveyPhoto.objects.filter(unit=unit, period=period).exists():
        for name, caption in PHOTOS:
            survey_photo_add(
                unit=unit,
                period=period,
                upload=_drawing(name, caption),
                caption=caption,
                public=True,
                user=None,
            )


def _capture(name: str, caption: str):
    """A drawn stand-in for the capture of a publication medium."""
    import io
    import textwrap

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1200, 800), (240, 236, 226))
    draw = ImageDraw.Draw(image)
    draw.rectangle((330, 200, 870, 700), fill=(255, 255, 255), outline=(90, 90, 90), width=6)
    draw.rectangle((380, 250, 820, 330), fill=(20, 80, 140))  # the poster's title band
    draw.rectangle((480, 380, 720, 560), fill=(40, 130, 70))  # the NILAI IKM box
    font = ImageFont.load_default(size=44)
    small = ImageFont.load_default(size=30)
    draw.text((60, 50), "Publikasi hasil SKM", fill=(60, 40, 20), font=font)
    for i, line in enumerate(textwrap.wrap(caption, 60)[:2]):
        draw.text((60, 120 + 40 * i), line, fill=(70, 50, 30), font=small)
    draw.text((60, 750), "Gambar contoh (data demo)", fill=(60, 40, 20), font=small)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return SimpleUploadedFile(f"publikasi-{name}.jpg", out.getvalue(), "image/jpeg")


def demo_publication_media(unit: Unit, period: Period) -> None:
    """Record where the demo's results were published (once)."""
    from skm.reports.services import publication_medium_add

    if PublicationMedium.objects.filter(unit=unit).exists():
        return
    for kind, day, description in MEDIA:
        publication_medium_add(
            unit=unit,
            period=period,
            kind=kind,
            published_on=day,
            description=description,
            upload=_capture(kind, description),
        )


def demo_number_style(agency: Agency) -> None:
    """The demo prints its numbers as the seed report does, with the decimal point (91.83),
    on screens and in documents; a new unit's default is the Indonesian comma (issue #15,
    point 13). Set on each top-level unit, which the units below inherit."""
    for unit in Unit.objects.filter(agency=agency, parent__isnull=True):
        # get_or_create: a choice someone made on the settings page is kept.
        ReportProfile.objects.get_or_create(
            unit=unit, defaults={"decimal": ReportProfile.Decimal.POINT}
        )
