"""Publication of results: withdrawing it, finding what is public, and the public aggregates.

Everything the public side shows (the Lampiran IV page, the widget, the open data) is built
here from ``PublishedResult``, so the three can never disagree and never show a figure the
minimum-cell rule hides. Numbers come from skm.method through ``period_result``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from skm.method.profile import EDUCATIONS, GENDERS
from skm.org.models import Unit
from skm.surveys.models import Period, Publication, PublicationSnapshot, Response
from skm.surveys.selectors import period_result, period_summary, questionnaire_elements

# Statistical disclosure control: a figure computed from fewer respondents than this is
# never published, so that nobody can read one respondent's answers or profile from it.
MIN_CELL = 5
SUPPRESSED_NOTE = (
    "Nilai dikosongkan: dihitung dari kurang dari 5 responden, atau dapat dipakai untuk "
    "menghitung nilai seperti itu (aturan sel minimum)."
)
# Open periods publish no figure (docs/privacy.md: differencing and padding).
PENDING_NOTE = (
    "Nilai belum diumumkan: nilai periode survei diumumkan setelah periode ditutup, "
    "agar jawaban seorang responden tidak dapat dihitung dari perubahan nilai."
)


@transaction.atomic
def publication_unpublish(*, period: Period, unit: Unit) -> bool:
    """Withdraw a unit's published results of a period; False when they were not public."""
    deleted, _ = Publication.objects.filter(period=period, unit=unit).delete()
    return bool(deleted)


def published_periods(unit: Unit) -> list[Publication]:
    """The unit's publications, latest period first (with their periods)."""
    return list(
        Publication.objects.filter(unit=unit)
        .select_related("period", "period__unit")
        .order_by("-period__end_date", "-period__start_date", "-published_at")
    )


def published_period(unit: Unit, period_slug: str) -> Publication | None:
    """The unit's publication of the period with this slug, or None when not published.

    Period slugs are unique per owning unit only; when the unit and a unit above it both
    own a published period with the same slug, the nearest owner wins (as period_by_ref).
    """
    candidates = [p for p in published_periods(unit) if p.period.slug == period_slug]
    if not candidates:
        return None
    return max(candidates, key=lambda p: len(p.period.unit.path))


def covering_periods(unit: Unit) -> list[Period]:
    """Periods that cover the unit (its own and those of units above), latest first."""
    chain = [unit, *unit.ancestors()]
    return list(
        Period.objects.filter(unit__in=chain)
        .select_related("unit")
        .order_by("-end_date", "-start_date", "name")
    )


def profile_counts(period: Period, unit: Unit) -> dict[str, dict[str, int]]:
    """Respondents of the unit's subtree by sex and by education: one GROUP BY each."""
    responses = Response.objects.filter(period=period, unit__path__startswith=unit.path)
    by_gender = dict(responses.values_list("gender").annotate(n=Count("id")))
    by_education = dict(responses.values_list("education").annotate(n=Count("id")))
    return {
        "gender": {code: by_gender.get(code, 0) for code, _ in GENDERS},
        "education": {code: by_education.get(code, 0) for code, _ in EDUCATIONS},
    }


def publication_rows(unit: Unit) -> list[dict[str, Any]]:
    """For the staff page: each covering period with responses, its result and whether the
    unit's results of it are public."""
    published = set(Publication.objects.filter(unit=unit).values_list("period_id", flat=True))
    with_responses = set(
        Response.objects.filter(unit__path__startswith=unit.path)
        .values_list("period_id", flat=True)
        .distinct()
    )
    return [
        {
            "period": period,
            "result": period_result(period, unit=unit),
            "published": period.pk in published,
        }
        for period in covering_periods(unit)
        if period.pk in with_responses
    ]


# --- The public aggregates with the minimum-cell rule ---------------------------------


@dataclass(frozen=True)
class Cell:
    """A published count: ``value`` is None when the minimum-cell rule hides it."""

    code: str
    label: str
    value: int | None


@dataclass(frozen=True)
class ElementRow:
    code: str
    name: str
    answered: int | None
    nrr: str | None
    score: str | None
    grade: str | None
    performance: str | None

    @property
    def suppressed(self) -> bool:
        return self.answered is None


@dataclass(frozen=True)
class PublishedResult:
    """What the public may see of a unit's results of a period."""

    unit: Unit
    period: Period
    publication: Publication
    respondents: int | None
    ikm: str | None
    grade: str | None
    performance: str | None
    elements: list[ElementRow]
    gender: list[Cell]
    education: list[Cell]
    suppressed: bool = field(default=False)
    # The period is not closed: no figure is shown at all (docs/privacy.md).
    pending: bool = field(default=False)

    @property
    def note(self) -> str | None:
        if self.pending:
            return PENDING_NOTE
        return SUPPRESSED_NOTE if self.suppressed else None

    def to_dict(self) -> dict[str, Any]:
        """The open-data JSON (key order is part of the format)."""
        return {
            "unit": {"slug": self.unit.slug, "name": self.unit.name},
            "agency": self.unit.agency.name,
            "period": {
                "slug": self.period.slug,
                "name": self.period.name,
                "start_date": self.period.start_date.isoformat(),
                "end_date": self.period.end_date.isoformat(),
            },
            "published_at": self.publication.published_at.isoformat(),
            "respondents": self.respondents,
            "ikm": self.ikm,
            "grade": self.grade,
            "performance": self.performance,
            "elements": [
                {
                    "code": e.code,
                    "name": e.name,
                    "answered": e.answered,
                    "nrr": e.nrr,
                    "score": e.score,
                    "grade": e.grade,
                    "performance": e.performance,
                }
                for e in self.elements
            ],
            "respondents_by_sex": {c.code: c.value for c in self.gender},
            "respondents_by_education": {c.code: c.value for c in self.education},
            "min_cell": MIN_CELL,
            "note": self.note,
        }


def _small(n: int) -> bool:
    # Zero is published: it describes nobody. 1..4 could point at someone.
    return 0 < n < MIN_CELL


def suppress_counts(counts: dict[str, int]) -> dict[str, int | None]:
    """Hide counts of 1..4, and when exactly one is hidden, also the smallest shown non-zero
    count, so that the hidden one cannot be found by subtracting the others from the total."""
    shown: dict[str, int | None] = {k: (None if _small(v) else v) for k, v in counts.items()}
    hidden = [k for k, v in shown.items() if v is None]
    if len(hidden) == 1:
        others = [k for k, v in shown.items() if v]
        if others:
            shown[min(others, key=lambda k: (counts[k], k))] = None
    return shown


def published_result(publication: Publication) -> PublishedResult:
    """What the public may see of a publication: the one function every public surface
    (page, widget, data.json, data.csv, the anonymous API, the thank-you page, the poster)
    reads, so that none shows more than another (docs/privacy.md).

    - A period that is not closed shows no figure at all (``pending``): figures that change
      with every submission would give a submission away by differencing two readings, and
      would show an attacker when padding a small unit with known responses lifted it over
      the minimum.
    - A closed period shows its snapshot (``PublicationSnapshot``), taken the first time it
      is needed and refreshed only when at least MIN_CELL respondents came or went since,
      so that a late response or deletion is never visible on its own.
    - The minimum-cell rule applies to the figures in both cases.
    """
    period, unit = publication.period, publication.unit
    if period.status != Period.Status.CLOSED:
        return _result(publication, _withheld(period), pending=True)
    return _result(publication, _snapshot(period, unit), pending=False)


def _figures(period: Period, unit: Unit) -> dict[str, Any]:
    """The public figures of the unit's period now, with the minimum-cell rule applied
    (JSON-ready: what a snapshot stores)."""
    result = period_result(period, unit=unit)
    total_small = result.respondents < MIN_CELL
    elements = []
    for e in result.elements:
        hide = total_small or e.answered < MIN_CELL
        elements.append(
            {
                "code": e.code,
                "name": e.name,
                "answered": None if hide else e.answered,
                "nrr": None if hide else e.nrr_text,
                "score": None if hide else e.score_text,
                "grade": None if hide or e.grade is None else e.grade.letter,
                "performance": None if hide or e.grade is None else e.grade.performance,
            }
        )
    profile = profile_counts(period, unit)
    if total_small:
        gender = dict.fromkeys(profile["gender"])
        education = dict.fromkeys(profile["education"])
    else:
        gender = suppress_counts(profile["gender"])
        education = suppress_counts(profile["education"])
    show_ikm = not total_small and result.ikm_text is not None
    return {
        "total": result.respondents,
        "respondents": None if total_small else result.respondents,
        "ikm": result.ikm_text if show_ikm else None,
        "grade": result.grade.letter if show_ikm and result.grade else None,
        "performance": result.grade.performance if show_ikm and result.grade else None,
        "elements": elements,
        # [code, count] pairs: a JSON object's key order is not kept (PostgreSQL jsonb).
        "gender": list(gender.items()),
        "education": list(education.items()),
    }


def _withheld(period: Period) -> dict[str, Any]:
    """No figure at all: the element names and the profile categories only."""
    return {
        "total": None,
        "respondents": None,
        "ikm": None,
        "grade": None,
        "performance": None,
        "elements": [
            dict.fromkeys(("answered", "nrr", "score", "grade", "performance"))
            | {"code": row.code, "name": row.name}
            for row in questionnaire_elements(period)
        ],
        "gender": [(code, None) for code, _ in GENDERS],
        "education": [(code, None) for code, _ in EDUCATIONS],
    }


def _snapshot(period: Period, unit: Unit) -> dict[str, Any]:
    """The closed period's frozen public figures: taken when first needed, refreshed only
    when the respondents changed by at least MIN_CELL (an aggregate of its own)."""
    current = period_summary(period, unit=unit).respondents
    snapshot = PublicationSnapshot.objects.filter(period=period, unit=unit).first()
    if snapshot is not None and abs(current - snapshot.respondents) < MIN_CELL:
        return snapshot.figures
    figures = _figures(period, unit)
    try:
        with transaction.atomic():
            PublicationSnapshot.objects.update_or_create(
                period=period,
                unit=unit,
                defaults={
                    "respondents": figures["total"],
                    "figures": figures,
                    "taken_at": timezone.now(),
                },
            )
    except IntegrityError:
        # A concurrent request took it at the same moment: the same figures.
        pass
    return figures


def _result(publication: Publication, figures: dict[str, Any], *, pending: bool):
    elements = [
        ElementRow(**{k: e[k] for k in ElementRow.__dataclass_fields__})
        for e in figures["elements"]
    ]
    gender_labels, education_labels = dict(GENDERS), dict(EDUCATIONS)
    gender = [Cell(k, gender_labels.get(k, k), v) for k, v in figures["gender"]]
    education = [Cell(k, education_labels.get(k, k), v) for k, v in figures["education"]]
    suppressed = not pending and (
        figures["respondents"] is None
        or any(e.suppressed for e in elements)
        or any(c.value is None for c in gender + education)
    )
    return PublishedResult(
        unit=publication.unit,
        period=publication.period,
        publication=publication,
        respondents=figures["respondents"],
        ikm=figures["ikm"],
        grade=figures["grade"],
        performance=figures["performance"],
        elements=elements,
        gender=gender,
        education=education,
        suppressed=suppressed,
        pending=pending,
    )


def open_data_rows(data: PublishedResult) -> list[list[object]]:
    """The open-data CSV as rows (tidy: one figure per row; empty value = suppressed)."""

    def row(indicator: str, code: str, label: str, value: object) -> list[object]:
        if value is None:
            return [indicator, code, label, "", data.note or ""]
        return [indicator, code, label, value, ""]

    rows: list[list[object]] = [["indicator", "code", "label", "value", "note"]]
    rows.append(row("unit", data.unit.slug, data.unit.name, data.unit.agency.name))
    rows.append(row("period_start", data.period.slug, data.period.name, data.period.start_date))
    rows.append(row("period_end", data.period.slug, data.period.name, data.period.end_date))
    rows.append(row("respondents", "", "", data.respondents))
    rows.append(row("ikm", "", "", data.ikm))
    rows.append(row("grade", "", data.performance or "", data.grade))
    for e in data.elements:
        rows.append(row("element_answered", e.code, e.name, e.answered))
        rows.append(row("element_nrr", e.code, e.name, e.nrr))
        rows.append(row("element_score", e.code, e.name, e.score))
        rows.append(row("element_grade", e.code, e.name, e.grade))
    for c in data.gender:
        rows.append(row("respondents_by_sex", c.code, c.label, c.value))
    for c in data.education:
        rows.append(row("respondents_by_education", c.code, c.label, c.value))
    return rows


def unit_by_public_slug(slug: str) -> Unit | None:
    return Unit.objects.select_related("agency").filter(slug=slug).first()
