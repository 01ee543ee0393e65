"""The seed report's follow-up plan as demo data: Dinas Dukcapil Kota Pekalongan, Semester I
2025 (Tabel 2, BAB III and BAB IV of seed-laporan-tindak-lanjut-skm-2025.txt).

The priorities come from the results as for any plan (U3, U7, U9: the seed's Tabel 1);
the items, their quarters, year, owner and descriptions are the seed's. The seed gives no
dates for the realisation: the demo says the items were done on 15 August 2025, a week
before the report was signed (22 August 2025), and keeps the plan's report date at the
period's end (30 June 2025), so PEKPPP indicator 9 reads "within 3 months" (4).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from skm.org.models import Agency, Unit
from skm.plans.models import Plan
from skm.plans.services import (
    item_create,
    plan_create,
    plan_finalise,
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
    strategy_create(plan, data=SEED_STRATEGY)
    plan_finalise(plan, user=None, note="Data contoh dari laporan tindak lanjut Semester I 2025.")
    return True
