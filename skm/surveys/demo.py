"""Demo data built on the Laporan Tindak Lanjut of Dinas Dukcapil Kota Pekalongan 2025.

Semester I 2025 of the Dinas reproduces the seed report's Tabel 1 exactly: its per-element
answer counts are constructed (skm.method.construct) so that every element prints the
seed's score, hence IKM 93.40 A and priorities U3, U7, U9. Everything else is generated
from a fixed random seed, so the demo is the same on every machine, and loading it twice
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from skm.method.construct import counts_for_scores
from skm.org.models import Agency, Service, Unit
from skm.org.services import agency_create, service_create, unit_create
from skm.surveys.counts import counts_add_rows, period_units
from skm.surveys.models import Answer, Period, Publication, QuestionnaireElement, Response
from skm.surveys.services import default_questionnaire, period_create, publication_publish

SEED_SCORES = ("91.83", "92.32", "91.02", "99.80", "91.91", "92.89", "91.26", "98.01", "91.54")
# The smallest respondent count >= the Krejcie-Morgan sample of the demo population at
# which every seed score is reachable; found by demo_respondents() and pinned here.
SEED_POPULATION = 24_000

AGENCY = "Pemerintah Kota Pekalongan"
DUKCAPIL = "Dinas Kependudukan dan Pencatatan Sipil"
DUKCAPIL_SERVICES = (
    "KTP-el",
    "Kartu Keluarga",
    "Akta Kelahiran",
    "Akta Kematian",
    "Pindah Datang",
    "Kartu Identitas Anak (KIA)",
    "Akta Perkawinan",
)
DINKES = "Dinas Kesehatan"
PUSKESMAS = ("Puskesmas Kramatsari", "Puskesmas Bendan")
PUSKESMAS_SERVICES = ("Pemeriksaan Umum", "Kesehatan Ibu dan Anak", "Gigi dan Mulut", "Imunisasi")

SUGGESTIONS = (
    "Pelayanan dimulai tepat waktu sesuai jam buka.",
    "Antrean terlalu lama, mohon ditambah loket.",
    "Petugas ramah dan membantu, terima kasih.",
    "Mohon petugas lebih sopan ketika menjelaskan persyaratan.",
    "Ruang tunggu panas, perlu tambahan kipas atau AC.",
    "Kursi ruang tunggu kurang, banyak yang berdiri.",
    "Prosesnya cepat, semoga dipertahankan.",
    "Informasi persyaratan di papan pengumuman kurang jelas.",
    "Toilet perlu dibersihkan lebih sering.",
    "Mohon ada layanan jemput bola untuk lansia.",
    "Parkir motor sempit.",
    "Website pendaftaran online sering tidak bisa diakses.",
)


@dataclass(frozen=True)
class DemoSummary:
    agency: Agency
    created: bool


def demo_respondents() -> tuple[int, list[tuple[int, int, int, int]]]:
    """Respondent count and per-element answer counts reproducing the seed's Tabel 1.

    The count is at least the Krejcie-Morgan sample for the demo population, so that the
    demo period reaches its sample as a real report would.
    """
    from skm.method import required_sample

    n = required_sample(SEED_POPULATION)
    while True:
        try:
            return counts_for_scores(SEED_SCORES, n)
        except ValueError:
            n += 1


def _vectors_from_counts(
    counts: Sequence[tuple[int, int, int, int]], n: int, rng: random.Random
) -> list[tuple[int, ...]]:
    columns = []
    for c in counts:
        column = [score for score, k in zip((1, 2, 3, 4), c, strict=True) for _ in range(k)]
        column.extend([0] * (n - len(column)))  # 0 = no answer (not used by the seed data)
        rng.shuffle(column)
        columns.append(column)
    return [tuple(col[j] for col in columns) for j in range(n)]


def _vectors_from_means(
    means: Sequence[float], n: int, rng: random.Random
) -> list[tuple[int, ...]]:
    """Answer vectors whose per-element average is near ``means`` (1..4 scale)."""
    out = []
    for _ in range(n):
        mood = rng.gauss(0, 0.25)  # a respondent who is pleased tends to be so everywhere
        row = []
        for mean in means:
            target = min(4.0, max(1.0, mean + mood))
            low = int(target) if target < 4 else 3
            row.append(low + (1 if rng.random() < target - low else 0))
        out.append(tuple(row))
    return out


def _profile(rng: random.Random) -> dict:
    occupation = rng.choices(
        ["PNS", "TNI", "POLRI", "SWASTA", "WIRAUSAHA", "LAINNYA"], [12, 2, 2, 38, 26, 20]
    )[0]
    return {
        "gender": rng.choice("LP"),
        "age": max(17, min(80, int(rng.gauss(38, 12)))),
        "education": rng.choices(
            ["SD", "SMP", "SMA", "D1_D3", "D4_S1", "S2", "S3"], [8, 14, 42, 10, 22, 3, 1]
        )[0],
        "occupation": occupation,
        "occupation_other": rng.choice(["Pelajar/Mahasiswa", "Ibu rumah tangga", "Petani", ""])
        if occupation == "LAINNYA"
        else "",
    }


def _store(
    *,
    period: Period,
    unit: Unit,
    services: Sequence[Service],
    vectors: Sequence[tuple[int, ...]],
    rng: random.Random,
) -> None:
    elements = list(QuestionnaireElement.objects.filter(questionnaire=period.questionnaire))
    elements.sort(key=lambda e: e.position)
    days = (period.end_date - period.start_date).days + 1
    channels = ["online", "online", "kiosk", "paper"]
    responses = []
    for _ in vectors:
        day = period.start_date + dt.timedelta(days=rng.randrange(days))
        moment = dt.datetime.combine(day, dt.time(8, 0)) + dt.timedelta(
            minutes=rng.randrange(7 * 60)
        )
        responses.append(
            Response(
                agency_id=unit.agency_id,
                period=period,
                unit=unit,
                service=rng.choice(services) if services else None,
                channel=rng.choice(channels),
                submitted_at=timezone.make_aware(moment),
                suggestion=rng.choice(SUGGESTIONS) if rng.random() < 0.18 else "",
                **_profile(rng),
            )
        )
    created = Response.objects.bulk_create(responses, batch_size=1000)
    counts_add_rows(
        zip(created, vectors, strict=True), [e.position for e in elements], period_units(period)
    )
    Answer.objects.bulk_create(
        (
            Answer(response_id=r.pk, agency_id=r.agency_id, element_id=elements[i].pk, value=v)
            for r, vector in zip(created, vectors, strict=True)
            for i, v in enumerate(vector)
            if v
        ),
        batch_size=5000,
    )


def _unit(agency: Agency, name: str, parent: Unit | None = None) -> Unit:
    found = Unit.objects.filter(agency=agency, parent=parent, name=name).first()
    return found or unit_create(agency=agency, name=name, parent=parent)


def _services(unit: Unit, names: Sequence[str]) -> list[Service]:
    out = []
    for name in names:
        found = Service.objects.filter(unit=unit, name=name).first()
        out.append(found or service_create(unit=unit, name=name))
    return out


def _period(unit: Unit, name: str, start: dt.date, end: dt.date, **extra) -> tuple[Period, bool]:
    found = Period.objects.filter(unit=unit, name=name).first()
    if found:
        return found, False
    return (
        period_create(
            unit=unit,
            name=name,
            kind=Period.Kind.SEMESTER,
            start_date=start,
            end_date=end,
            questionnaire=default_questionnaire(),
            **extra,
        ),
        True,
    )


# The kop surat of the demo agency. The seed report prints no address: this one is marked as
# an example, as is the drawn stand-in emblem (never a real coat of arms).
LETTERHEAD = {
    "government_line": "PEMERINTAH KOTA PEKALONGAN",
    "address": "Jalan Contoh Nomor 1, Kota Pekalongan (alamat contoh data demo)",
    "phone": "(0285) 000000 (contoh)",
}
EMBLEM_NAME = "logos/contoh-lambang-demo.png"
EMBLEM_NOTE = "CONTOH: lambang pengganti data demo, bukan lambang daerah yang sah"


def stand_in_emblem() -> bytes:
    """A plain shield with the word CONTOH, clearly not an official emblem (PNG)."""
    import io

    from PIL import Image, ImageDraw, ImageFont
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGBA", (400, 480), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    shield = [(40, 30), (360, 30), (360, 250), (200, 450), (40, 250)]
    draw.polygon(shield, fill=(30, 90, 160), outline=(10, 40, 90), width=12)
    draw.line([(40, 150), (360, 150)], fill=(250, 200, 40), width=10)
    font = ImageFont.load_default(size=72)
    draw.text((200, 210), "CONTOH", fill=(255, 255, 255), font=font, anchor="mm")
    small = ImageFont.load_default(size=34)
    draw.text((200, 95), "DATA DEMO", fill=(255, 255, 255), font=small, anchor="mm")
    info = PngInfo()
    info.add_text("Description", EMBLEM_NOTE)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _letterhead(agency: Agency) -> None:
    """Fill the demo agency's empty kop surat fields and give it the stand-in emblem."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    changed = [name for name, value in LETTERHEAD.items() if not getattr(agency, name)]
    for name in changed:
        setattr(agency, name, LETTERHEAD[name])
    if not agency.logo:
        if not default_storage.exists(EMBLEM_NAME):
            default_storage.save(EMBLEM_NAME, ContentFile(stand_in_emblem()))
        agency.logo.name = EMBLEM_NAME
        changed.append("logo")
    if changed:
        agency.save(update_fields=changed)


@transaction.atomic
def demo_load() -> DemoSummary:
    """Create the demo organisation and its survey data; a second call changes nothing."""
    before = _footprint()
    agency = Agency.objects.filter(name=AGENCY).first()
    if agency is None:
        agency = agency_create(name=AGENCY, city="Kota Pekalongan", slug="pemkot-pekalongan")
    _letterhead(agency)

    dukcapil = _unit(agency, DUKCAPIL)
    dukcapil_services = _services(dukcapil, DUKCAPIL_SERVICES)

    earlier, new = _period(
        dukcapil,
        "Semester II 2024",
        dt.date(2024, 7, 1),
        dt.date(2024, 12, 31),
        population=22_500,
        status=Period.Status.CLOSED,
    )
    if new:
        rng = random.Random(202402)
        means = (3.62, 3.66, 3.52, 3.99, 3.64, 3.70, 3.58, 3.90, 3.55)
        vectors = _vectors_from_means(means, 372, rng)
        _store(period=earlier, unit=dukcapil, services=dukcapil_services, vectors=vectors, rng=rng)

    seed_period, new = _period(
        dukcapil,
        "Semester I 2025",
        dt.date(2025, 1, 1),
        dt.date(2025, 6, 30),
        population=SEED_POPULATION,
        status=Period.Status.CLOSED,
    )
    if new:
        rng = random.Random(202501)
        n, counts = demo_respondents()
        vectors = _vectors_from_counts(counts, n, rng)
        _store(
            period=seed_period, unit=dukcapil, services=dukcapil_services, vectors=vectors, rng=rng
        )

    # The seed period's results are public, as the seed report says they were.
    publication_publish(period=seed_period, unit=dukcapil)

    dinkes = _unit(agency, DINKES)
    dinkes_period, new = _period(
        dinkes,
        "Semester I 2025",
        dt.date(2025, 1, 1),
        dt.date(2025, 6, 30),
        population=61_000,
        status=Period.Status.CLOSED,
    )
    profiles = {
        # Kramatsari does well; Bendan's waiting time grades C, so it becomes a priority
        # beyond the three lowest.
        PUSKESMAS[0]: ((3.55, 3.60, 3.40, 3.95, 3.58, 3.66, 3.61, 3.40, 3.45), 221),
        PUSKESMAS[1]: ((3.30, 3.25, 2.85, 3.90, 3.32, 3.40, 3.20, 3.10, 3.05), 198),
    }
    for i, name in enumerate(PUSKESMAS):
        puskesmas = _unit(agency, name, parent=dinkes)
        services = _services(puskesmas, PUSKESMAS_SERVICES)
        if new:
            rng = random.Random(2025100 + i)
            means, n = profiles[name]
            vectors = _vectors_from_means(means, n, rng)
            _store(
                period=dinkes_period, unit=puskesmas, services=services, vectors=vectors, rng=rng
            )
    # The current semester is open for both Dinas, so that the public form, the kiosk and
    # paper entry work right after `make run`, whatever the date.
    today = timezone.localdate()
    first_half = today.month <= 6
    name = f"Semester {'I' if first_half else 'II'} {today.year}"
    start = dt.date(today.year, 1 if first_half else 7, 1)
    end = dt.date(today.year, 6, 30) if first_half else dt.date(today.year, 12, 31)
    for owner, population in ((dukcapil, 24_000), (dinkes, 61_000)):
        _period(owner, name, start, end, population=population, status=Period.Status.OPEN)
    from skm.reports.demo import demo_number_style  # the reports app is built on this one

    demo_number_style(agency)
    return DemoSummary(agency=agency, created=_footprint() != before)


def _footprint() -> tuple[int, ...]:
    return (
        Agency.objects.count(),
        Unit.objects.count(),
        Service.objects.count(),
        Period.objects.count(),
        Response.objects.count(),
        Publication.objects.count(),
    )
