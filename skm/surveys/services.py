"""Writes for surveys: questionnaires, periods, responses and file imports.

Every write of a response goes through ``response_create`` or ``responses_import``; both
validate completely before anything is saved, so that nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from skm.method.elements import DEFAULT_ELEMENTS, Element, normalize
from skm.org.models import Agency, Service, Unit
from skm.surveys.counts import (
    counts_add,
    counts_add_rows,
    counts_subtract,
    delta_of_response,
    merge_delta,
    period_units,
)
from skm.surveys.models import (
    MAX_ELEMENTS,
    Answer,
    ImportBatch,
    Kiosk,
    Period,
    Questionnaire,
    QuestionnaireElement,
    Response,
)
from skm.surveys.selectors import method_elements, questionnaire_elements
from skm.surveys.text import clean_text


@transaction.atomic
def questionnaire_create(
    *,
    name: str,
    agency: Agency | None = None,
    elements: Sequence[Element] = DEFAULT_ELEMENTS,
    weights: Sequence | None = None,
) -> Questionnaire:
    """A new questionnaire version (the next version number for this agency and name)."""
    if not 1 <= len(elements) <= MAX_ELEMENTS:
        raise ValidationError(_("A questionnaire has between 1 and 20 elements."))
    last = Questionnaire.objects.filter(agency=agency, name=name).order_by("-version").first()
    questionnaire = Questionnaire.objects.create(
        agency=agency, name=name, version=(last.version + 1) if last else 1
    )
    QuestionnaireElement.objects.bulk_create(
        QuestionnaireElement(
            questionnaire=questionnaire,
            code=e.code,
            name=e.name,
            question=e.question,
            label_1=e.labels[0],
            label_2=e.labels[1],
            label_3=e.labels[2],
            label_4=e.labels[3],
            weight=weights[i] if weights else None,
            position=i,
        )
        for i, e in enumerate(elements)
    )
    return questionnaire


def default_questionnaire() -> Questionnaire:
    """The national default (nine elements of Permen PANRB 14/2017), created on first use."""
    found = (
        Questionnaire.objects.filter(agency=None, name="Kuesioner SKM Permen PANRB 14/2017")
        .order_by("-version")
        .first()
    )
    return found or questionnaire_create(name="Kuesioner SKM Permen PANRB 14/2017")


@transaction.atomic
def period_create(
    *,
    unit: Unit,
    name: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    population: int | None = None,
    status: str = Period.Status.DRAFT,
    weighting: str = Period.Weighting.EXACT,
    questionnaire: Questionnaire | None = None,
    slug: str | None = None,
) -> Period:
    if end_date < start_date:
        raise ValidationError(_("The end date must not be before the start date."))
    if population is not None and population < 1:
        raise ValidationError(_("The population must be a positive number."))
    period = Period(
        unit=unit,
        name=name.strip(),
        slug=slug or slugify(name)[:120],
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        population=population,
        status=status,
        weighting=weighting,
        questionnaire=questionnaire or default_questionnaire(),
    )
    period.full_clean()
    period.save()
    return period


def period_overlapping(
    *, unit: Unit, start_date: dt.date, end_date: dt.date, exclude: Period | None = None
) -> Period | None:
    """Another period of the same unit sharing at least one day with these dates."""
    found = Period.objects.filter(unit=unit, start_date__lte=end_date, end_date__gte=start_date)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("start_date").first()


def _refuse_overlap(
    *, unit: Unit, start_date: dt.date, end_date: dt.date, exclude: Period | None = None
) -> None:
    other = period_overlapping(unit=unit, start_date=start_date, end_date=end_date, exclude=exclude)
    if other is not None:
        raise ValidationError(
            {
                "start_date": _(
                    "These dates overlap the period %(name)s (%(start)s to %(end)s) of this unit."
                )
                % {
                    "name": other.name,
                    "start": f"{other.start_date:%d-%m-%Y}",
                    "end": f"{other.end_date:%d-%m-%Y}",
                }
            }
        )


def period_open(
    *,
    unit: Unit,
    name: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    population: int,
    status: str = Period.Status.OPEN,
    questionnaire: Questionnaire | None = None,
) -> Period:
    """A new period from the staff pages: its slug made from the name (unique in the unit);
    refused when it overlaps another period of the unit (a response would not know which
    period it belongs to)."""
    from skm.org.services import unique_slug

    _refuse_overlap(unit=unit, start_date=start_date, end_date=end_date)
    slug = unique_slug(
        name, lambda s: Period.objects.filter(unit=unit, slug=s).exists(), max_length=120
    )
    return period_create(
        unit=unit,
        name=name,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        population=population,
        status=status,
        questionnaire=questionnaire,
        slug=slug,
    )


@transaction.atomic
def period_update(
    *,
    period: Period,
    name: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    population: int,
) -> Period:
    """Change a period's name, kind, dates or population; its slug stays (it is in links).
    The dates must still hold every response already received and overlap no other period
    of the unit."""
    from django.db.models import Max, Min

    _refuse_overlap(unit=period.unit, start_date=start_date, end_date=end_date, exclude=period)
    span = Response.all_objects.filter(period=period).aggregate(
        first=Min("submitted_at"), last=Max("submitted_at")
    )
    if span["first"] is not None:
        first = timezone.localtime(span["first"]).date()
        last = timezone.localtime(span["last"]).date()
        if start_date > first or end_date < last:
            raise ValidationError(
                {
                    "start_date": _(
                        "The dates must still hold the responses received, from %(first)s "
                        "to %(last)s."
                    )
                    % {"first": f"{first:%d-%m-%Y}", "last": f"{last:%d-%m-%Y}"}
                }
            )
    period.name = name.strip()
    period.kind = kind
    period.start_date = start_date
    period.end_date = end_date
    period.population = population
    period.full_clean()
    period.save()
    return period


def period_set_status(*, period: Period, status: str) -> Period:
    """Open, close or reopen a period. A period whose individual responses were removed by
    the retention rule stays closed."""
    if status not in Period.Status.values:
        raise ValidationError(_("Unknown period status."))
    if status == Period.Status.OPEN and period.raw_removed_at is not None:
        raise ValidationError(
            _("The individual responses of this period were removed; it cannot be reopened.")
        )
    period.status = status
    period.save(update_fields=["status", "updated_at"])
    return period


def period_has_answers(period: Period) -> bool:
    return Response.all_objects.filter(period=period).exists()


@transaction.atomic
def period_questionnaire_set(*, period: Period, questionnaire: Questionnaire) -> Period:
    """Another questionnaire for a period that has no response yet (answers point at the
    elements of the questionnaire they were given with)."""
    if period.questionnaire_id != questionnaire.pk and period_has_answers(period):
        raise ValidationError(
            _("This period already has responses; its questionnaire can no longer change.")
        )
    period.questionnaire = questionnaire
    period.full_clean()
    period.save(update_fields=["questionnaire", "updated_at"])
    return period


@transaction.atomic
def questionnaire_reword(
    *, period: Period, questions: Mapping[str, str], name: str | None = None
) -> Questionnaire:
    """The period's questionnaire with other wording of its questions: a new version of the
    agency's questionnaire with the same elements (codes, names, answer labels, weights,
    order), set on the period. Only for a period without responses."""
    if period_has_answers(period):
        raise ValidationError(
            _("This period already has responses; its questionnaire can no longer change.")
        )
    rows = questionnaire_elements(period)
    elements = []
    for row in rows:
        question = clean_text(questions.get(row.code, row.question)).strip()
        if not question:
            raise ValidationError(
                _("The question of %(code)s %(name)s cannot be empty.")
                % {"code": row.code, "name": row.name}
            )
        elements.append(
            Element(
                code=row.code,
                name=row.name,
                question=question,
                labels=(row.label_1, row.label_2, row.label_3, row.label_4),
            )
        )
    weights = [row.weight for row in rows]
    questionnaire = questionnaire_create(
        name=name or f"Kuesioner {period.unit.name}"[:200],
        agency=period.unit.agency,
        elements=elements,
        weights=weights if all(w is not None for w in weights) else None,
    )
    return period_questionnaire_set(period=period, questionnaire=questionnaire)


def _check_unit_in_period(period: Period, unit: Unit) -> None:
    if not unit.path.startswith(period.unit.path):
        raise ValidationError(
            _("The period %(period)s does not cover the unit %(unit)s.")
            % {"period": period.name, "unit": unit.name}
        )


def response_create(
    *,
    period: Period,
    unit: Unit,
    channel: str,
    answers: Mapping[str, int | None],
    service: Service | None = None,
    submitted_at: dt.datetime | None = None,
    gender: str = "",
    age: int | None = None,
    education: str = "",
    occupation: str = "",
    occupation_other: str = "",
    suggestion: str = "",
    client_id: uuid.UUID | None = None,
    kiosk: Kiosk | None = None,
    hold_reason: str = "",
) -> Response:
    """Store one response; ``answers`` maps element codes to scores 1..4 (or None).

    With a ``client_id`` the call is idempotent: a replay (double click, a kiosk resending
    after a lost reply) returns the response already stored and writes nothing.
    With a ``hold_reason`` (Response.HoldReason) it is stored held for review and counted
    nowhere until accepted (skm/surveys/held.py).
    """
    if client_id is not None:
        existing = Response.all_objects.filter(
            agency_id=unit.agency_id, client_id=client_id
        ).first()
        if existing is not None:
            _check_same_origin(existing, unit)
            return existing
    try:
        with transaction.atomic():
            return _response_create(
                period=period,
                unit=unit,
                channel=channel,
                answers=answers,
                service=service,
                submitted_at=submitted_at,
                gender=gender,
                age=age,
                education=education,
                occupation=occupation,
                occupation_other=occupation_other,
                suggestion=suggestion,
                client_id=client_id,
                kiosk=kiosk,
                hold_reason=hold_reason,
            )
    except IntegrityError:
        # Two copies of the same submission raced; the other one won.
        existing = (
            Response.all_objects.filter(agency_id=unit.agency_id, client_id=client_id).first()
            if client_id
            else None
        )
        if existing is None:
            raise
        _check_same_origin(existing, unit)
        return existing


def _check_same_origin(existing: Response, unit: Unit) -> None:
    if existing.unit_id != unit.pk:
        raise ValidationError(_("This submission id is already used."))


def _response_create(
    *,
    period: Period,
    unit: Unit,
    channel: str,
    answers: Mapping[str, int | None],
    service: Service | None,
    submitted_at: dt.datetime | None,
    gender: str,
    age: int | None,
    education: str,
    occupation: str,
    occupation_other: str,
    suggestion: str,
    client_id: uuid.UUID | None,
    kiosk: Kiosk | None,
    hold_reason: str = "",
) -> Response:
    _check_unit_in_period(period, unit)
    rows = questionnaire_elements(period)
    by_code = {r.code: r for r in rows}
    unknown = sorted(set(answers) - set(by_code))
    if unknown:
        raise ValidationError(_("Unknown elements: %(codes)s") % {"codes": ", ".join(unknown)})
    given = {code: v for code, v in answers.items() if v is not None}
    if not given:
        raise ValidationError(_("A response needs at least one answer."))
    for code, value in given.items():
        if value not in (1, 2, 3, 4):
            raise ValidationError(_("The answer to %(code)s must be 1 to 4.") % {"code": code})
    response = Response(
        agency_id=unit.agency_id,
        period=period,
        unit=unit,
        service=service,
        channel=channel,
        submitted_at=submitted_at or timezone.now(),
        gender=gender,
        age=age,
        education=education,
        occupation=occupation,
        # Free text is cleaned here, whatever the way in (skm.surveys.text).
        occupation_other=clean_text(occupation_other, multiline=False),
        suggestion=clean_text(suggestion),
        client_id=client_id,
        kiosk=kiosk,
        held_at=timezone.now() if hold_reason else None,
        hold_reason=hold_reason,
    )
    # The unique client id is left to the database: checked here by a query of its own,
    # a copy of this submission committed in the meantime raised ValidationError (a 500)
    # instead of the IntegrityError that response_create turns into the replay it is.
    response.full_clean(validate_unique=False, exclude=["client_id"])
    response.save()
    Answer.objects.bulk_create(
        Answer(response=response, agency_id=unit.agency_id, element=by_code[code], value=value)
        for code, value in given.items()
    )
    if hold_reason:  # held: counted only once accepted
        return response
    deltas: dict = {}
    merge_delta(
        deltas,
        delta_of_response(
            response, [(by_code[c].position, v) for c, v in given.items()], period_units(period)
        ),
    )
    counts_add(deltas)
    return response


class ImportRefused(Exception):
    """The file was not loaded; ``problems`` says why (Indonesian, with row and column)."""

    def __init__(self, problems: Sequence[str], count: int | None = None) -> None:
        self.problems = list(problems)
        self.count = count if count is not None else len(self.problems)
        super().__init__("\n".join(self.problems))


@dataclass
class ImportResult:
    rows: int
    dry_run: bool
    batch: ImportBatch | None = None
    services: dict[str, int] = field(default_factory=dict)
    # What the reader did to the file's shape (header rows, skipped summary rows, ...).
    notices: list[str] = field(default_factory=list)
    # Every column and what the reader made of it, and why (`skm import --explain`).
    columns: list[str] = field(default_factory=list)


class _DryRun(Exception):
    pass


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


CHUNK = 2000
MAX_PROBLEMS = 50


def responses_import(
    *,
    period: Period,
    unit: Unit,
    path: Path,
    service: Service | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    order: str | None = None,
    shape: dict[str, Any] | None = None,
) -> ImportResult:
    """Load a response file into a period, all or nothing.

    ``order`` ("kuesioner" or "daftar") says how numbered columns map to elements 8 and 9
    (docs/method.md, "Reading other offices' files"). ``shape`` holds the reader's
    header_row / layout / column_names (`skm import --header-row/--long/--columns`).

    The file is read with the same reader as `skm ikm`. Any unreadable cell, unknown
    service or date outside the period refuses the whole file (nothing is written);
    the same file (by checksum) twice in one period is refused unless ``force``.
    """
    from skm.transfer.readers import open_response_file

    path = Path(path)
    _check_unit_in_period(period, unit)
    sha = file_sha256(path) if path.is_file() else ""
    if sha and not force and ImportBatch.objects.filter(period=period, sha256=sha).exists():
        raise ImportRefused(
            [
                _(
                    "%(file)s: this file was already imported into %(period)s; "
                    "use --force to load it again."
                )
                % {"file": path.name, "period": period.name}
            ]
        )
    rows = questionnaire_elements(period)
    units = period_units(period)
    elements = method_elements(rows)
    services = service_lookup(unit)
    problems: list[str] = []
    problem_count = 0
    stored = 0
    per_service: dict[str, int] = {}
    start = timezone.make_aware(dt.datetime.combine(period.start_date, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.end_date, dt.time.max))
    default_time = min(timezone.now(), end)

    def problem(text: str) -> None:
        nonlocal problem_count
        problem_count += 1
        if len(problems) < MAX_PROBLEMS:
            problems.append(text)

    try:
        with (
            open_response_file(
                path,
                sheet=sheet,
                elements=elements,
                with_profile=True,
                order=order,
                **(shape or {}),
            ) as reader,
            transaction.atomic(),
        ):
            if reader.header_problems:
                raise ImportRefused([str(p) for p in reader.header_problems])
            batch = ImportBatch.objects.create(
                period=period,
                unit=unit,
                file_name=path.name[:255],
                sha256=sha,
                rows=0,
                forced=force,
            )
            pending: list[tuple[Response, tuple[int | None, ...]]] = []
            for row in reader.rows():
                prof = row.profile
                row_service = service
                if prof is not None and prof.service and service is None:
                    row_service = services.get(normalize(prof.service))
                    if row_service is None:
                        problem(
                            _(
                                '%(file)s, row %(row)s: service "%(value)s" is not a service'
                                " of %(unit)s (known: %(known)s)"
                            )
                            % {
                                "file": path.name,
                                "row": row.line,
                                "value": prof.service,
                                "unit": unit.name,
                                "known": ", ".join(sorted({s.name for s in services.values()})),
                            }
                        )
                        continue
                when = default_time
                if prof is not None and prof.submitted_at is not None:
                    when = prof.submitted_at
                    if timezone.is_naive(when):
                        when = timezone.make_aware(when)
                    if not start <= when <= end:
                        problem(
                            _(
                                "%(file)s, row %(row)s: date %(value)s is outside the period"
                                " %(period)s (%(start)s - %(end)s)"
                            )
                            % {
                                "file": path.name,
                                "row": row.line,
                                "value": f"{timezone.localtime(when):%d-%m-%Y}",
                                "period": period.name,
                                "start": f"{period.start_date:%d-%m-%Y}",
                                "end": f"{period.end_date:%d-%m-%Y}",
                            }
                        )
                        continue
                response = Response(
                    agency_id=unit.agency_id,
                    period=period,
                    unit=unit,
                    service=row_service,
                    channel=Response.Channel.IMPORT,
                    submitted_at=when,
                    import_batch=batch,
                )
                if prof is not None:
                    response.gender = prof.gender or ""
                    response.age = prof.age
                    response.education = prof.education or ""
                    response.occupation = prof.occupation or ""
                    other = clean_text(prof.occupation_other, multiline=False)
                    response.occupation_other = other[:120]
                    response.suggestion = clean_text(prof.suggestion)
                pending.append((response, row.answers))
                key = row_service.name if row_service else "-"
                per_service[key] = per_service.get(key, 0) + 1
                if len(pending) >= CHUNK:
                    if not problem_count:
                        _flush(pending, rows, units)
                    stored += len(pending)
                    pending = []
                    if progress:
                        progress(stored, reader.estimated_rows)
            if reader.problem_count:
                problem_count += reader.problem_count
                problems[:0] = [str(p) for p in reader.problems]
                del problems[MAX_PROBLEMS:]
            if problem_count:
                raise ImportRefused(problems, problem_count)
            _flush(pending, rows, units)
            stored += len(pending)
            if progress:
                progress(stored, reader.estimated_rows)
            if stored == 0:
                raise ImportRefused(
                    [_("%(file)s: no responses in the file.") % {"file": path.name}]
                )
            batch.rows = stored
            batch.save(update_fields=["rows"])
            account = reader.account
            if dry_run:
                raise _DryRun
    except _DryRun:
        return ImportResult(
            rows=stored,
            dry_run=True,
            services=per_service,
            notices=account.lines(),
            columns=account.explain(),
        )
    return ImportResult(
        rows=stored,
        dry_run=False,
        batch=batch,
        services=per_service,
        notices=account.lines(),
        columns=account.explain(),
    )


def _flush(
    pending: list[tuple[Response, tuple[int | None, ...]]],
    rows: list[QuestionnaireElement],
    units: dict[int, int],
) -> None:
    if not pending:
        return
    created = Response.objects.bulk_create([r for r, _answers in pending])
    counts_add_rows(
        ((response, answers) for response, answers in pending), [r.position for r in rows], units
    )
    Answer.objects.bulk_create(
        (
            Answer(
                response_id=response.pk,
                agency_id=response.agency_id,
                element_id=rows[i].pk,
                value=value,
            )
            for response, (_r, answers) in zip(created, pending, strict=True)
            for i, value in enumerate(answers)
            if value is not None
        ),
        batch_size=5000,
    )


def service_lookup(unit: Unit) -> dict[str, Service]:
    """Services a file may name (normalised name or slug): the unit's and those above it."""
    units = [unit, *unit.ancestors()]
    lookup: dict[str, Service] = {}
    for service in Service.objects.filter(unit__in=units):
        lookup.setdefault(normalize(service.name), service)
        lookup.setdefault(normalize(service.slug), service)
    return lookup


def rejection_record(*, unit: Unit, reason: str, day: dt.date | None = None) -> None:
    """Count one refused submission for the unit, by reason; nothing about the person."""
    from django.db.models import F

    from skm.surveys.models import Rejection

    day = day or timezone.localdate()
    with transaction.atomic():
        updated = Rejection.objects.filter(unit=unit, day=day, reason=reason).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    Rejection.objects.create(unit=unit, day=day, reason=reason, count=1)
            except IntegrityError:
                Rejection.objects.filter(unit=unit, day=day, reason=reason).update(
                    count=F("count") + 1
                )


@transaction.atomic
def publication_publish(*, period: Period, unit: Unit) -> None:
    """Make a unit's results of a period public (idempotent)."""
    from skm.surveys.models import Publication

    _check_unit_in_period(period, unit)
    Publication.objects.get_or_create(
        period=period, unit=unit, defaults={"published_at": timezone.now()}
    )


def response_delete(*, response: Response, reason: str, user) -> Response:
    """Delete a response as a record: it stays with who, when and why, counts nowhere
    any more (its per-cell counts are taken off in the same transaction), and the
    deletion is in the audit trail."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the response is deleted."))
    from django.utils import timezone

    from skm.audit.signals import record

    with transaction.atomic():
        locked = Response.all_objects.select_for_update().get(pk=response.pk)
        if locked.deleted_at is not None:
            raise ValidationError(_("This response was already deleted."))
        positions = dict(
            QuestionnaireElement.objects.filter(
                questionnaire_id=locked.period.questionnaire_id
            ).values_list("id", "position")
        )
        pairs = [(positions[e], v) for e, v in locked.answers.values_list("element_id", "value")]
        deltas: dict = {}
        merge_delta(deltas, delta_of_response(locked, pairs, period_units(locked.period)), -1)
        if locked.held_at is None:  # a held response was never counted
            counts_subtract(deltas)
        locked.deleted_at = timezone.now()
        locked.deleted_by = user if user is not None and user.is_authenticated else None
        locked.delete_reason = reason
        locked.save(update_fields=["deleted_at", "deleted_by", "delete_reason"])
        record(
            "delete",
            user=user if user is not None and user.is_authenticated else None,
            model="surveys.response",
            object_id=str(locked.pk),
            object_repr=str(locked),
            unit=locked.unit,
            note=reason,
            changes={"answers": [" ".join(str(v) for _p, v in sorted(pairs)), None]},
        )
    return locked
