"""ReportData: everything a document prints, built once from the data and rendered to DOCX
(docx_render) and PDF (pdf_render) alike, so both show the same figures as the dashboard:
every number comes from skm.method through the selectors, only the decimal separator is
the unit's choice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from skm.org.models import Unit
from skm.plans.evidence import evidence_path
from skm.plans.models import Plan
from skm.plans.selectors import plan_view
from skm.reports import formatting as fmt
from skm.reports.models import ReportProfile, ReportText
from skm.reports.services import MAX_TEXT_LENGTH
from skm.reports.texts import FOLLOWUP, collection_dates, default_text
from skm.surveys.models import Period


@dataclass(frozen=True)
class Signatory:
    """The signature block of an Indonesian official letter: place and date; Plt./Plh. and
    the jabatan; space to sign; the name (bold, underlined); pangkat/golongan; NIP."""

    place: str
    date: str
    position: str
    name: str
    rank: str
    nip: str
    acting: str = ""

    @property
    def jabatan(self) -> str:
        return " ".join(f"{self.acting} {self.position}".split())

    @property
    def position_lines(self) -> list[str]:
        """The jabatan broken only between words, in balanced lines (never mid-name as a
        narrow column would wrap it)."""
        return fmt.balanced_lines(self.jabatan, SIGNATURE_LINE_CHARS)


# The longest jabatan line in characters; the signature column is as wide as its longest
# line (docx_render, the templates), so no line wraps again.
SIGNATURE_LINE_CHARS = 38


@dataclass(frozen=True)
class Letterhead:
    """The kop surat: the agency's emblem at the left; centred, the government line, the
    unit's name, its address and contact; a double rule under (docs/reports.md)."""

    emblem_path: str | None
    government_line: str
    unit_name: str
    address: str
    contact: str
    year: str = ""


@dataclass(frozen=True)
class Image:
    path: str
    caption: str


@dataclass
class PlanRow:
    number: str
    activity: str
    quarters: tuple[bool, bool, bool, bool]
    year: str
    owner: str


@dataclass
class PlanGroup:
    number: str
    element: str
    rows: list[PlanRow] = field(default_factory=list)


@dataclass
class RealisationRow:
    group: str
    number: str
    done: str  # "Sudah" / "Belum"
    description: str
    images: list[Image]
    documents: list[str]
    obstacles: str


@dataclass
class StrategyRow:
    number: str
    followup: str
    strategy: str
    target: str
    owner: str
    stakeholders: str


@dataclass
class FollowupReport:
    """The Laporan Tindak Lanjut Hasil SKM (the seed document's structure)."""

    title_lines: list[str]
    unit_name: str
    city: str
    agency_name: str
    logo_path: str | None
    period_label: str
    letterhead: Letterhead
    bab1: list[str]
    bab2_intro: list[str]
    table1_caption: str
    table1: list[tuple[str, str, str, str]]  # no, element, IKM, mutu
    lowest_sentence: str
    bab2_plan: list[str]
    table2_caption: str
    table2: list[PlanGroup]
    bab3_intro: list[str]
    table3: list[RealisationRow]
    bab4_sentence: str
    bab4_strategy: list[str]
    strategies: list[StrategyRow]
    signatory: Signatory
    final: bool
    decimal: str


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def report_profile(unit: Unit) -> ReportProfile:
    """The unit's saved settings, else those of the nearest unit above, else empty ones (one
    query: the unit's path names it and the units above it, root first)."""
    chain = [int(part) for part in unit.path.strip("/").split("/") if part] or [unit.pk]
    saved = {p.unit_id: p for p in ReportProfile.objects.filter(unit_id__in=chain)}
    for pk in reversed(chain):
        if pk in saved:
            return saved[pk]
    return ReportProfile(unit=unit)


# A unit with no settings anywhere above it prints the Indonesian comma (91,83; 24.000).
DEFAULT_NUMBER_STYLE = ReportProfile.Decimal.COMMA.value


def number_style(unit: Unit) -> str:
    """The number style of the unit's documents, which its screens follow too."""
    return report_profile(unit).decimal


def number_styles(units) -> dict[int, str]:
    """The number style of each unit, by id, in one query (pages listing many units)."""
    chains = {
        unit.pk: [int(part) for part in unit.path.strip("/").split("/") if part] or [unit.pk]
        for unit in units
    }
    wanted = {pk for chain in chains.values() for pk in chain}
    saved = dict(ReportProfile.objects.filter(unit_id__in=wanted).values_list("unit_id", "decimal"))
    return {
        pk: next((saved[up] for up in reversed(chain) if up in saved), DEFAULT_NUMBER_STYLE)
        for pk, chain in chains.items()
    }


def shared_number_style(styles: dict[int, str]) -> str:
    """One style for a figure about several units (a total): theirs when they agree."""
    found = set(styles.values())
    return found.pop() if len(found) == 1 else DEFAULT_NUMBER_STYLE


def section_text(unit: Unit, period: Period, report: str, key: str, label: str) -> str:
    saved = ReportText.objects.filter(unit=unit, period=period, report=report, key=key).first()
    if saved is not None:
        # Texts are limited when saved (skm.reports.services); one stored before that
        # limit cannot make a document take minutes.
        return saved.text[:MAX_TEXT_LENGTH]
    return default_text(
        report, key, unit=unit.name, period=label, collection=collection_dates(period)
    )


def _signatory(profile: ReportProfile, unit: Unit, day: dt.date) -> Signatory:
    def line(text: str) -> str:  # a line break typed or pasted into a field is not kept
        return " ".join(text.split())

    return Signatory(
        place=line(profile.place)
        or unit.agency.city.replace("Kota ", "").replace("Kabupaten ", ""),
        date=fmt.date_long(day),
        position=line(profile.position) or f"Kepala {unit.name}",
        name=line(profile.name),
        rank=line(profile.rank),
        nip=line(profile.nip),
        acting=profile.acting,
    )


def letterhead(unit: Unit, year: int | str = "") -> Letterhead:
    """The unit's kop surat: its own address and contact where set, else the agency's."""
    agency = unit.agency

    def pick(name: str) -> str:
        return (getattr(unit, name) or getattr(agency, name) or "").strip()

    contact = [
        label + value
        for label, value in (
            ("Telepon ", pick("phone")),
            ("Pos-el ", pick("email")),
            ("Laman ", pick("website")),
        )
        if value
    ]
    return Letterhead(
        emblem_path=_logo(unit),
        government_line=(agency.government_line or agency.name).strip().upper(),
        unit_name=unit.name.upper(),
        address=pick("address"),
        contact=", ".join(contact),
        year=str(year),
    )


def _logo(unit: Unit) -> str | None:
    logo = unit.agency.logo
    if not logo:
        return None
    try:
        path = logo.path
    except (ValueError, NotImplementedError):
        return None
    import os

    return path if os.path.exists(path) else None


def data_uri(path: str | None) -> str | None:
    """An image file as a data: URI, so that the same HTML shows it in a browser preview
    and in the PDF (files on the server are not reachable from the browser)."""
    if not path:
        return None
    import base64
    from pathlib import Path

    from skm.plans.evidence import sniff

    try:
        content = Path(path).read_bytes()
    except OSError:
        return None
    kind = sniff(content[:16]) or "image/png"
    return f"data:{kind};base64,{base64.b64encode(content).decode()}"


def followup_report(
    plan: Plan, *, signed_on: dt.date | None = None, public_only: bool = False
) -> FollowupReport:
    """``public_only``: print only the evidence marked public (skm.reports.documents)."""
    unit, period = plan.unit, plan.period
    profile = report_profile(unit)
    decimal = profile.decimal
    label = fmt.period_label(period.kind, period.start_date, period.end_date, period.name)
    view = plan_view(plan)
    result = view.result

    def text(key: str) -> list[str]:
        return paragraphs(section_text(unit, period, FOLLOWUP, key, label))

    table1 = [
        (
            str(i),
            e.name,
            fmt.number(e.score_text, decimal),
            e.grade.performance if e.grade else "-",
        )
        for i, e in enumerate(result.elements, 1)
    ]
    priorities = list(view.priorities)
    named = [
        f"{p.priority.element_name} ({fmt.number(p.score, decimal)})" for p in priorities if p.score
    ]
    lowest = (
        f"Unsur dengan nilai terendah, yang menjadi prioritas rencana tindak lanjut, adalah "
        f"{fmt.join_names(named)}."
        if named
        else "Belum ada unsur prioritas yang ditetapkan."
    )
    if result.ikm_text:
        lowest = (
            f"Nilai IKM {unit.name} {label} adalah {fmt.number(result.ikm_text, decimal)} "
            f"dengan mutu pelayanan {result.grade.letter} ({result.grade.performance}), dihitung "
            f"dari {fmt.count(result.respondents, decimal)} responden. " + lowest
        )
    table2 = [
        PlanGroup(
            number=str(p.number),
            element=p.priority.element_name,
            rows=[
                PlanRow(
                    number=i.number,
                    activity=i.item.activity,
                    quarters=tuple(q in i.item.quarter_list for q in (1, 2, 3, 4)),  # type: ignore[arg-type]
                    year=str(i.item.year),
                    owner=i.item.owner_title,
                )
                for i in p.items
            ],
        )
        for p in priorities
    ]
    table3 = []
    for p in priorities:
        for i in p.items:
            printed = [e for e in i.evidence if e.public or not public_only]
            images = [
                Image(path=str(evidence_path(e.stored_name)), caption=e.caption or e.original_name)
                for e in printed
                if e.is_image
            ]
            documents = [e.caption or e.original_name for e in printed if not e.is_image]
            table3.append(
                RealisationRow(
                    group=str(p.number),
                    number=i.number,
                    done="Sudah" if i.item.status == "sudah" else "Belum",
                    description=i.item.description
                    or ("Dalam proses." if i.item.status == "proses" else ""),
                    images=images,
                    documents=documents,
                    obstacles=i.item.obstacles,
                )
            )
    percent = view.percent
    if percent is None:
        sentence = f"{unit.name} belum memiliki rencana tindak lanjut."
    else:
        shown = (
            str(percent.numerator)
            if percent.denominator == 1
            else fmt.number(view.percent_text, decimal)
        )
        sentence = (
            "Berdasarkan data pelaksanaan tindak lanjut tersebut, dapat disimpulkan bahwa "
            f"{unit.name} telah menindaklanjuti rencana tindak lanjut sebanyak {shown}% "
            "(persentase dihitung dari realisasi tindak lanjut/jumlah rencana tindak lanjut "
            "X 100%)."
        )
    strategies = []
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}
    for n, s in enumerate(view.strategies, 1):
        target = f"TW {roman[s.target_quarter]}" if s.target_quarter else ""
        if s.target_date:
            target = (target + " " if target else "") + fmt.date_long(s.target_date)
        strategies.append(
            StrategyRow(
                number=f"{n}.",
                followup=s.followup or (s.item.activity if s.item else ""),
                strategy=s.strategy,
                target=target,
                owner=s.owner_title,
                stakeholders=", ".join(s.stakeholder_list()) + ("." if s.stakeholders else ""),
            )
        )
    title = [
        "LAPORAN TINDAK LANJUT",
        "HASIL SURVEI KEPUASAN",
        "MASYARAKAT (SKM)",
        label.upper(),
    ]
    return FollowupReport(
        title_lines=title,
        unit_name=unit.name,
        city=unit.agency.city,
        agency_name=unit.agency.name,
        logo_path=_logo(unit),
        period_label=label,
        letterhead=letterhead(unit, (signed_on or timezone.localdate()).year),
        bab1=text("bab1"),
        bab2_intro=text("bab2_intro"),
        table1_caption=f"Tabel 1. Ringkasan Hasil SKM Periode {label}",
        table1=table1,
        lowest_sentence=lowest,
        bab2_plan=text("bab2_plan"),
        table2_caption=f"Tabel 2. Rencana Tindak Lanjut Hasil Survei Kepuasan Masyarakat {label}",
        table2=table2,
        bab3_intro=text("bab3_intro"),
        table3=table3,
        bab4_sentence=sentence,
        bab4_strategy=text("bab4_strategy"),
        strategies=strategies,
        signatory=_signatory(profile, unit, signed_on or timezone.localdate()),
        final=plan.is_final,
        decimal=decimal,
    )
