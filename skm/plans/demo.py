"""The seed report's follow-up plan as demo data: Dinas Dukcapil Kota Pekalongan, Semester I
2025 (Tabel 2, BAB III and BAB IV of seed-laporan-tindak-lanjut-skm-2025.txt).

The priorities come from the results as for any plan (U3, U7, U9: the seed's Tabel 1);
the items, their quarters, year, owner and descriptions are the seed's. The seed gives no
dates for the realisation: the demo says the items were done on 15 August 2025, a week
before the report was signed (22 August 2025), and keeps the plan's report date at the
period's end (30 June 2025). The seed's Laporan Tindak Lanjut is dated 22 August 2025, which
the demo records as its issue date, so PEKPPP indicator 9 (Laporan Hasil to Laporan Tindak
Lanjut) reads "within 3 months" (4).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from skm.org.models import Agency, Unit
from skm.plans.models import Plan
from skm.plans.services import (
    evidence_add,
    evidence_set_public,
    item_create,
    plan_create,
    plan_finalise,
    plan_set_report_date,
    realisation_update,
    strategy_create,
)
from skm.surveys.models import Period

DONE_ON = dt.date(2025, 8, 15)
REPORT_SIGNED = dt.date(2025, 8, 22)
OWNER = "Kepala Dinas"
DUKCAPIL = "Dinas Kependudukan dan Pencatatan Sipil"

# (element code, activity, quarters, description of what was done); the seed's numbering.
SEED_ITEMS = (
    (
        "U3",
        "Memberikan pembinaan terhadap pelaksana pelayanan agar memulai pelayanan sesuai "
        "dengan jam layanan.",
        "34",
        "Memberikan pembinaan terhadap pelaksana pelayanan agar memulai pelayanan sesuai "
        "dengan jam layanan.",
    ),
    (
        "U3",
        "Memberikan pembinaan kepada pelaksana pelayanan agar senantiasa menerapkan 5S "
        "(senyum, salam, sapa, sopan dan santun)",
        "34",
        "Memberikan pembinaan kepada pelaksana pelayanan agar senantiasa menerapkan 5S "
        "(senyum, salam, sapa, sopan dan santun).",
    ),
    (
        "U7",
        "Memberikan pembinaan dan arahan kepada tim penyelenggara pelayanan agar dapat "
        "menyelesaikan layanan lebih cepat dan tidak melewati batas waktu yang tertuang "
        "dalam SOP",
        "34",
        "Memberikan pembinaan dan arahan kepada tim penyelenggara pelayanan agar dapat "
        "menyelesaikan layanan lebih cepat dan tidak melewati batas waktu yang tertuang "
        "dalam SOP.",
    ),
    (
        "U7",
        "Memberikan pembinaan dan pendampingan terhadap pelaksana pelayanan dengan kinerja "
        "yang tidak sesuai harapan agar senantiasa menjaga kode etik pelayanan.",
        "3",
        "Memberikan pembinaan dan pendampingan terhadap pelaksana pelayanan dengan kinerja "
        "yang tidak sesuai harapan agar senantiasa menjaga kode etik pelayanan.",
    ),
    (
        "U9",
        "Melakukan pengadaan sarana dan prasarana penunjang pelayanan dengan tujuan untuk "
        "meningkatkan kenyamanan pengguna layanan",
        "3",
        "Melakukan pengadaan sarana dan prasarana penunjang pelayanan dengan tujuan untuk "
        "meningkatkan kenyamanan pengguna layanan.",
    ),
)

SEED_STRATEGY = {
    "followup": "Melakukan evaluasi SP dengan mempertimbangkan masukan dari pengguna layanan "
    "dan pihak lain yang terkait guna menciptakan SP yang efektif dan efisien.",
    "strategy": "Mengadakan Public Hearing Peninjauan Standar Pelayanan",
    "target_quarter": 3,
    "owner_title": "Plt. Kepala Dinas",
    "stakeholders": "Pengguna layanan, PD terkait, ormas, akademisi, media massa",
}


def _illustration(number: str, activity: str):
    """A drawn stand-in for the photo a unit would upload (the seed's photos are not ours)."""
    import io
    import textwrap

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1200, 800), (226, 236, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 560, 1140, 740), fill=(183, 203, 224))  # a counter
    for x in (220, 520, 820):  # people at the counter
        draw.ellipse((x, 300, x + 120, 420), fill=(90, 110, 140))
        draw.rectangle((x - 10, 420, x + 130, 600), fill=(90, 110, 140))
    font = ImageFont.load_default(size=44)
    small = ImageFont.load_default(size=30)
    draw.text((60, 50), f"Dokumentasi kegiatan {number}", fill=(20, 40, 70), font=font)
    for i, line in enumerate(textwrap.wrap(activity, 60)[:3]):
        draw.text((60, 120 + 40 * i), line, fill=(40, 60, 90), font=small)
    draw.text((60, 760), "Gambar contoh (data demo)", fill=(20, 40, 70), font=small)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return SimpleUploadedFile(f"dokumentasi-{number}.jpg", out.getvalue(), "image/jpeg")


# The seed report's signature block (a public document), in the structured fields: the
# seed's line break is its layout, not part of the jabatan.
SEED_SIGNATORY = {
    "place": "Pekalongan",
    "acting": "Plt.",
    "position": "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Pekalongan",
    "name": "ISKANDAR, SH, M.Hum.",
    "rank": "Pembina Tingkat I",
    "nip": "196905251990031005",
    "decimal": ".",  # the seed report's 91.83; a new unit's default is the comma
}


@transaction.atomic
def demo_plans(agency: Agency) -> bool:
    """Load the seed plan once; True when something was created."""
    unit = Unit.objects.filter(
        agency=agency, name="Dinas Kependudukan dan Pencatatan Sipil"
    ).first()
    period = Period.objects.filter(unit=unit, name="Semester I 2025").first() if unit else None
    if unit is None or period is None or Plan.objects.filter(period=period, unit=unit).exists():
        return False
    plan = plan_create(period=period, unit=unit, user=None)
    for code, activity, quarters, description in SEED_ITEMS:
        priority = plan.priorities.get(element_code=code)
        item = item_create(
            priority,
            data={
                "activity": activity,
                "quarters": quarters,
                "year": 2025,
                "horizon": "pendek",
                "owner_title": OWNER,
            },
            user=None,
        )
        realisation_update(
            item,
            status="sudah",
            done_on=DONE_ON,
            description=description,
            obstacles="",
            user=None,
            via="demo",
            today=REPORT_SIGNED,
        )
        number = f"{plan.priorities.get(element_code=code).position}.{item.position}"
        evidence = evidence_add(
            item,
            upload=_illustration(number, activity),
            caption=f"Dokumentasi kegiatan {number} (gambar contoh)",
            user=None,
            via="demo",
        )
        evidence_set_public(evidence, public=True, user=None)
    strategy_create(plan, data=SEED_STRATEGY)
    from skm.reports.models import ReportProfile

    # demo_load's demo_number_style created the unit's settings with the style alone.
    ReportProfile.objects.update_or_create(unit=unit, defaults=SEED_SIGNATORY)
    from skm.reports.demo import demo_publication_media, demo_survey_texts

    demo_survey_texts(unit, period)
    demo_publication_media(unit, period)
    plan_set_report_date(plan, plan.reported_on, REPORT_SIGNED)
    plan_finalise(plan, user=None, note="Data contoh dari laporan tindak lanjut Semester I 2025.")
    return True
