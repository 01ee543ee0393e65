"""Kiosks: registering a tablet, its one-time setup link, its token, and its submissions.

The device proves itself with a bearer token of which only the SHA-256 is stored. The
admin hands the token over through a one-time setup link (also stored as a hash only).

``kiosk_submit`` is the hot path: a counter tablet may resend a whole day's queue at once
and a city may run hundreds of them, so it costs two database round trips per submission
(one SELECT that authenticates the token and finds the period in force at the time the
answers were given, then one write) and builds no model instances. Its validation mirrors
``skm.surveys.services.response_create`` rule by rule (a test stores the same input through
both and compares the rows).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skm.method.profile import AGE_MAX, AGE_MIN, EDUCATIONS, GENDERS, OCCUPATIONS
from skm.org.models import Service, Unit
from skm.surveys.counts import (
    KEY_COLUMNS,
    SHARDS,
    UPSERT_SQL,
    counts_add,
    delta_values,
    questionnaire_units,
    response_delta,
)
from skm.surveys.models import (
    COUNT_COLUMNS,
    Answer,
    CellCount,
    Kiosk,
    Period,
    QuestionnaireElement,
    Rejection,
    Response,
)
from skm.surveys.text import clean_text

SETUP_LINK_HOURS = 24
IDLE_MIN_SECONDS, IDLE_MAX_SECONDS = 10, 1800
# last_contact_at is written at most this often from submissions: a tablet flushing a
# queue of 200 responses must not turn into 200 writes of the same kiosk row.
CONTACT_EVERY = dt.timedelta(seconds=30)
MAX_SUGGESTION = 2000
MAX_OCCUPATION_OTHER = 120
MAX_QUEUE_REPORTED = 1_000_000
HELD_CACHE_SECONDS = 7 * 24 * 3600

_GENDER_CODES = frozenset(code for code, _label in GENDERS)
_EDUCATION_CODES = frozenset(code for code, _label in EDUCATIONS)
_OCCUPATION_CODES = frozenset(code for code, _label in OCCUPATIONS)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def held_cache_key(kiosk_id: int) -> str:
    return f"skm:kiosk:{kiosk_id}:held"


class KioskState:
    WAITING = "waiting"
    ACTIVE = "active"
    REVOKED = "revoked"


def kiosk_state(kiosk: Kiosk) -> str:
    if kiosk.revoked_at is not None:
        return KioskState.REVOKED
    if kiosk.token_hash:
        return KioskState.ACTIVE
    return KioskState.WAITING


# --------------------------------------------------------------------------------------
# Registration, setup, revocation (staff actions; not hot)


def _kiosk_services(unit: Unit):
    """Services a kiosk of ``unit`` may be bound to: the unit's and those above it."""
    return Service.objects.filter(unit_id__in=[unit.pk, *(u.pk for u in unit.ancestors())])


def _check_idle(idle_reset_seconds: int) -> None:
    if not IDLE_MIN_SECONDS <= idle_reset_seconds <= IDLE_MAX_SECONDS:
        raise ValidationError(
            _("The idle reset must be between %(min)s and %(max)s seconds.")
            % {"min": IDLE_MIN_SECONDS, "max": IDLE_MAX_SECONDS}
        )


def _new_setup_code(kiosk: Kiosk, now: dt.datetime) -> str:
    code = secrets.token_urlsafe(24)
    kiosk.setup_hash = token_hash(code)
    kiosk.setup_expires_at = now + dt.timedelta(hours=SETUP_LINK_HOURS)
    return code


@transaction.atomic
def kiosk_create(
    *,
    unit: Unit,
    name: str,
    service: Service | None = None,
    idle_reset_seconds: int = 90,
) -> tuple[Kiosk, str]:
    """Register a kiosk; returns it and the one-time setup code (only its hash is kept)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("The kiosk needs a name."))
    if len(name) > 120:
        raise ValidationError(_("The name may have at most 120 characters."))
    _check_idle(idle_reset_seconds)
    if service is not None and not _kiosk_services(unit).filter(pk=service.pk).exists():
        raise ValidationError(
            _("The service %(service)s is not a service of %(unit)s.")
            % {"service": service.name, "unit": unit.name}
        )
    if Kiosk.objects.filter(unit=unit, name=name, revoked_at__isnull=True).exists():
        raise ValidationError(_("This unit already has a kiosk with this name."))
    kiosk = Kiosk(unit=unit, service=service, name=name, idle_reset_seconds=idle_reset_seconds)
    code = _new_setup_code(kiosk, timezone.now())
    kiosk.save()
    return kiosk, code


@transaction.atomic
def kiosk_setup_link(*, kiosk: Kiosk) -> str:
    """A new one-time setup code for the kiosk; any earlier unused code stops working.

    An active device keeps working until the new link is used: then the new device's
    token replaces the old one.
    """
    kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
    if kiosk.revoked_at is not None:
        raise ValidationError(_("This kiosk is revoked; register a new kiosk instead."))
    code = _new_setup_code(kiosk, timezone.now())
    kiosk.save(update_fields=["setup_hash", "setup_expires_at", "updated_at"])
    return code


class KioskSetupRefused(Exception):
    """The setup link cannot be used; ``message`` says why (in the active language)."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(message)


def kiosk_by_setup_code(code: str) -> Kiosk:
    """The kiosk a setup code belongs to, if the code may still be used."""
    kiosk = (
        Kiosk.objects.select_related("unit", "service")
        .filter(setup_hash=token_hash(code or ""))
        .first()
    )
    if kiosk is None:
        raise KioskSetupRefused(
            "unknown",
            _("This setup link is not valid: it was already used or replaced by a newer one."),
        )
    if kiosk.revoked_at is not None:
        raise KioskSetupRefused("revoked", _("This kiosk has been revoked."))
    if kiosk.setup_expires_at is None or kiosk.setup_expires_at <= timezone.now():
        raise KioskSetupRefused(
            "expired",
            _("This setup link has expired. Ask the unit administrator for a new one."),
        )
    return kiosk


@transaction.atomic
def kiosk_activate(*, code: str) -> tuple[Kiosk, str]:
    """Burn the setup code and mint the device token; returns the kiosk and the token."""
    found = kiosk_by_setup_code(code)
    kiosk = Kiosk.objects.select_for_update().get(pk=found.pk)
    if kiosk.setup_hash != token_hash(code):
        # Used by a concurrent request between the look-up and the lock.
        raise KioskSetupRefused("unknown", _("This setup link has already been used."))
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    kiosk.token_hash = token_hash(token)
    kiosk.setup_hash = None
    kiosk.setup_expires_at = None
    kiosk.activated_at = now
    kiosk.last_contact_at = now
    kiosk.save(
        update_fields=[
            "token_hash",
            "setup_hash",
            "setup_expires_at",
            "activated_at",
            "last_contact_at",
            "updated_at",
        ]
    )
    return found, token


@transaction.atomic
def kiosk_revoke(*, kiosk: Kiosk) -> Kiosk:
    """Stop the kiosk at once: its next request is refused (401). Idempotent.

    The token hash is kept (not cleared) so that the refusal can say "revoked" rather than
    "unknown" and be counted for the unit.
    """
    kiosk = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
    if kiosk.revoked_at is None:
        kiosk.revoked_at = timezone.now()
    kiosk.setup_hash = None
    kiosk.setup_expires_at = None
    kiosk.save(update_fields=["revoked_at", "setup_hash", "setup_expires_at", "updated_at"])
    return kiosk


# --------------------------------------------------------------------------------------
# Device authentication, configuration, heartbeat


class KioskUnauthorized(Exception):
    """Unknown or revoked token: the device must stop and show so."""

    def __init__(self, revoked: bool) -> None:
        self.revoked = revoked
        super().__init__("revoked" if revoked else "unknown")


def _record_revoked(unit_id: int) -> None:
    from skm.surveys.services import rejection_record

    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is not None:
        rejection_record(unit=unit, reason=Rejection.Reason.KIOSK_REVOKED)


def kiosk_authenticate(*, token: str) -> Kiosk:
    """The active kiosk holding ``token``; KioskUnauthorized otherwise."""
    kiosk = (
        Kiosk.objects.select_related("unit", "unit__agency", "service")
        .filter(token_hash=token_hash(token or ""))
        .first()
        if token
        else None
    )
    if kiosk is None:
        raise KioskUnauthorized(revoked=False)
    if kiosk.revoked_at is not None:
        _record_revoked(kiosk.unit_id)
        raise KioskUnauthorized(revoked=True)
    return kiosk


def kiosk_heartbeat(*, kiosk: Kiosk, queue_length: int, held: int = 0) -> None:
    """Record that the device is alive and how many responses wait on it.

    ``held`` (responses the server refused, kept aside on the device for staff) has no
    column on Kiosk; it is kept in the cache, which is shared between workers when
    SKM_CACHE_URL points to Redis.
    """
    queue_length = max(0, min(int(queue_length), MAX_QUEUE_REPORTED))
    Kiosk.objects.filter(pk=kiosk.pk).update(
        last_contact_at=timezone.now(), last_queue_length=queue_length
    )
    cache.set(
        held_cache_key(kiosk.pk), max(0, min(int(held), MAX_QUEUE_REPORTED)), HELD_CACHE_SECONDS
    )


def kiosk_held_counts(kiosks: list[Kiosk]) -> dict[int, int]:
    """Responses each device reported as refused and kept aside (0 when unknown)."""
    found = cache.get_many([held_cache_key(k.pk) for k in kiosks])
    return {k.pk: int(found.get(held_cache_key(k.pk)) or 0) for k in kiosks}


@dataclass(frozen=True)
class KioskConfig:
    kiosk: Kiosk
    period: Period | None
    elements: list[QuestionnaireElement]
    services: list[Service]


def kiosk_config(*, kiosk: Kiosk, today: dt.date | None = None) -> KioskConfig:
    """What the device needs to show the questionnaire in force today."""
    from skm.surveys.selectors import period_in_force, questionnaire_elements

    period = period_in_force(kiosk.unit, today)
    elements = questionnaire_elements(period) if period else []
    services: list[Service] = []
    if kiosk.service_id is None:
        services = list(
            Service.objects.filter(unit=kiosk.unit, is_active=True).order_by("name")
        ) or list(
            Service.objects.filter(
                unit_id__in=[u.pk for u in kiosk.unit.ancestors()], is_active=True
            ).order_by("name")
        )
    return KioskConfig(kiosk=kiosk, period=period, elements=elements, services=services)


# --------------------------------------------------------------------------------------
# Submission: the hot path


class SubmissionInvalid(Exception):
    """The submission cannot be stored; ``errors`` maps a field to messages."""

    def __init__(self, errors: dict[str, list[str]], reason: str = Rejection.Reason.INVALID):
        self.errors = errors
        self.reason = reason
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass(frozen=True)
class Submitted:
    client_id: str
    created: bool


@dataclass(frozen=True)
class _Auth:
    kiosk_id: int
    unit_id: int
    unit_path: str
    service_id: int | None
    revoked: bool
    contact_due: bool
    period_id: int | None
    questionnaire_id: int | None
    period_start: dt.date | None
    custom_weights: bool = False
    agency_id: int = 0


_lock = threading.Lock()
# questionnaire id -> (loaded at, frozen, {code: element id}). A questionnaire that has
# answers never changes (a change is a new version), so once this path has stored answers
# for it the entry is kept for good; before that it is re-read after a minute.
_ELEMENTS: dict[int, tuple[float, bool, dict[str, int]]] = {}
# unit id -> (loaded at, {service slug: id}) for the unit and the units above it.
_SERVICES: dict[int, tuple[float, dict[str, int]]] = {}
ELEMENTS_TTL = 60.0
SERVICES_TTL = 60.0


def _element_ids(questionnaire_id: int) -> dict[str, int]:
    entry = _ELEMENTS.get(questionnaire_id)
    if entry is not None and (entry[1] or time.monotonic() - entry[0] < ELEMENTS_TTL):
        return entry[2]
    ids = dict(
        QuestionnaireElement.objects.filter(questionnaire_id=questionnaire_id).values_list(
            "code", "id"
        )
    )
    frozen = Answer.objects.filter(element__questionnaire_id=questionnaire_id).exists()
    with _lock:
        _ELEMENTS[questionnaire_id] = (time.monotonic(), frozen, ids)
    return ids


# element id -> position, for the answer-pattern code of the counts (never changes for an
# element: a questionnaire with answers is frozen, and positions belong to the element row).
_POSITIONS: dict[int, int] = {}


# (questionnaire id, custom weighting?) -> (loaded at, frozen, {position: weight unit}),
# kept like _ELEMENTS: for good once the questionnaire has answers.
_UNITS: dict[tuple[int, bool], tuple[float, bool, dict[int, int]]] = {}


def _units(questionnaire_id: int, custom: bool) -> dict[int, int]:
    key = (questionnaire_id, custom)
    entry = _UNITS.get(key)
    frozen = _ELEMENTS.get(questionnaire_id, (0.0, False, {}))[1]
    if entry is not None and (entry[1] or time.monotonic() - entry[0] < ELEMENTS_TTL):
        return entry[2]
    units = questionnaire_units(
        questionnaire_id, Period.Weighting.CUSTOM if custom else Period.Weighting.EXACT
    )
    with _lock:
        _UNITS[key] = (time.monotonic(), frozen, units)
    return units


def _count_key(
    auth: _Auth, service_id: int | None, pairs: list[tuple[int, int]], clean: _Clean
) -> list:
    """Parameters of the CellCount upsert for this response (see skm.surveys.counts)."""
    missing = [e for e, _v in pairs if e not in _POSITIONS]
    if missing:
        found = dict(
            QuestionnaireElement.objects.filter(pk__in=missing).values_list("id", "position")
        )
        with _lock:
            _POSITIONS.update(found)
    item = response_delta(
        agency_id=auth.agency_id,
        period_id=auth.period_id,
        unit_id=auth.unit_id,
        service_id=service_id,
        channel=Response.Channel.KIOSK.value,
        answers=[(_POSITIONS[e], v) for e, v in pairs],
        units=_units(auth.questionnaire_id, auth.custom_weights),
        gender=clean.gender,
        age=clean.age,
        education=clean.education,
        occupation=clean.occupation,
    )
    assert item is not None  # _check_answers refuses a submission without answers
    key, delta = item
    return [*key, random.randrange(SHARDS), *delta_values(delta)]


_TALLY_SQL = (
    f" t AS (INSERT INTO {CellCount._meta.db_table}"  # noqa: S608 (table names only)
    f" ({', '.join(KEY_COLUMNS)}, shard, {', '.join(COUNT_COLUMNS)})"
    " SELECT %s::bigint, %s::bigint, %s::bigint, %s::bigint, %s, %s::integer, %s::smallint, "
    + ", ".join(["%s::bigint"] * len(COUNT_COLUMNS))
    + " FROM r"
    + UPSERT_SQL[UPSERT_SQL.index(" ON CONFLICT") :]
    + ")"
)


def _freeze_elements(questionnaire_id: int) -> None:
    entry = _ELEMENTS.get(questionnaire_id)
    if entry is not None and not entry[1]:
        with _lock:
            _ELEMENTS[questionnaire_id] = (entry[0], True, entry[2])


def _service_ids(unit_id: int, unit_path: str, *, refresh: bool = False) -> dict[str, int]:
    entry = _SERVICES.get(unit_id)
    now = time.monotonic()
    if entry is not None and not refresh and now - entry[0] < SERVICES_TTL:
        return entry[1]
    if entry is not None and refresh and now - entry[0] < 1.0:
        return entry[1]
    chain = [int(part) for part in unit_path.strip("/").split("/") if part]
    by_unit: dict[int, dict[str, int]] = {}
    for owner, slug, pk in Service.objects.filter(unit_id__in=chain).values_list(
        "unit_id", "slug", "id"
    ):
        by_unit.setdefault(owner, {})[slug] = pk
    ids: dict[str, int] = {}
    # The nearest unit's service wins when a unit and its parent use the same slug.
    for owner in chain:
        ids.update(by_unit.get(owner, {}))
    with _lock:
        _SERVICES[unit_id] = (now, ids)
    return ids


def clear_caches() -> None:
    """Forget the per-process caches (tests; after editing a draft questionnaire)."""
    with _lock:
        _ELEMENTS.clear()
        _UNITS.clear()
        _SERVICES.clear()
        _KNOWN.clear()


_R = Response._meta.db_table
_A = Answer._meta.db_table
_K = Kiosk._meta.db_table
_P = Period._meta.db_table
_U = Unit._meta.db_table


def _period_sql(postgresql: bool) -> str:
    """The id of the period in force on a day (two date parameters) for unit ``u``.

    Open, covering the day, of the unit or the nearest unit above it: the rule of
    selectors.period_in_force. On PostgreSQL the ancestors come from the materialised
    path as an id array, so that the look-up uses the index on period.unit_id; elsewhere
    a prefix match on the path.
    """
    if postgresql:
        ancestor = "p2.unit_id = ANY(string_to_array(trim(both '/' from u.path), '/')::bigint[])"
        day = "%s::date"
    else:
        ancestor = "u.path LIKE pu.path || '%%'"
        day = "%s"
    return (
        f"SELECT p2.id FROM {_P} p2 JOIN {_U} pu ON pu.id = p2.unit_id"  # noqa: S608
        f" WHERE {ancestor} AND p2.status = %s"
        f" AND p2.start_date <= {day} AND p2.end_date >= {day}"
        " ORDER BY pu.depth DESC, p2.start_date DESC LIMIT 1"
    )


def _auth_sql(postgresql: bool) -> str:
    return (
        "SELECT k.id, k.unit_id, u.path, k.service_id,"  # noqa: S608 (table names only)
        " k.revoked_at IS NOT NULL,"
        " (k.last_contact_at IS NULL OR k.last_contact_at < %s),"
        " p.id, p.questionnaire_id, p.start_date, p.weighting = %s, u.agency_id"
        f" FROM {_K} k JOIN {_U} u ON u.id = k.unit_id"
        f" LEFT JOIN {_P} p ON p.id = ({_period_sql(postgresql)})"
        " WHERE k.token_hash = %s"
    )


_AUTH_SQL = {False: _auth_sql(False), True: _auth_sql(True)}


def _adapt_dt(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _adapt_date(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _fetchone(sql: str, params: list) -> tuple | None:
    """One statement, one round trip.

    On PostgreSQL the statement goes through a server-side binding psycopg cursor on
    Django's connection and is prepared once per connection (Django turns psycopg's
    automatic preparation off): planning the period look-up costs more than running it.
    PgBouncer in transaction mode needs max_prepared_statements > 0 (1.21+) for this.
    It also skips Django's per-request health check query (one round trip less). Instead,
    when a connection kept from an earlier request turns out dead (the server restarted
    or dropped it: its prepared statements are gone with it), the statement runs once more
    on a new connection, which prepares it again. That is safe because every statement
    here is a read or is idempotent (the response insert is ``ON CONFLICT (agency_id,
    client_id) DO NOTHING``: a first attempt that did commit makes the second a replay). A new
    connection that fails raises OperationalError, which the caller answers with 503 (the
    device keeps the submission and retries); Django drops it after the request.
    """
    if connection.vendor == "postgresql":
        kept = connection.connection is not None and not connection.in_atomic_block
        try:
            return _fetchone_postgresql(sql, params)
        except (OperationalError, InterfaceError):
            if not kept or connection.is_usable():
                raise
            connection.close()
            return _fetchone_postgresql(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _fetchone_postgresql(sql: str, params: list) -> tuple | None:
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()


def _authenticate(secret_hash: str, day: dt.date, now: dt.datetime) -> _Auth | None:
    row = _fetchone(
        _AUTH_SQL[connection.vendor == "postgresql"],
        [
            _adapt_dt(now - CONTACT_EVERY),
            Period.Weighting.CUSTOM.value,
            Period.Status.OPEN.value,
            _adapt_date(day),
            _adapt_date(day),
            secret_hash,
        ],
    )
    if row is None:
        return None
    return _Auth(
        kiosk_id=row[0],
        unit_id=row[1],
        unit_path=row[2],
        service_id=row[3],
        revoked=bool(row[4]),
        contact_due=bool(row[5]),
        period_id=row[6],
        questionnaire_id=row[7],
        period_start=_as_date(row[8]),
        custom_weights=bool(row[9]),
        agency_id=row[10],
    )


def _errors_add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _parse_given_at(value: Any, now: dt.datetime, errors: dict[str, list[str]]) -> dt.datetime:
    if value in (None, ""):
        return now
    if not isinstance(value, str):
        _errors_add(errors, "given_at", _("The time given is not a date and time."))
        return now
    try:
        given = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        _errors_add(errors, "given_at", _("The time given is not a date and time."))
        return now
    if timezone.is_naive(given):
        given = timezone.make_aware(given)
    # A device whose clock runs ahead must not date responses in the future.
    return min(given, now)


@dataclass
class _Clean:
    client_id: uuid.UUID
    given_at: dt.datetime
    service_slug: str | None
    answers: dict[str, Any]
    gender: str
    age: int | None
    education: str
    occupation: str
    occupation_other: str
    suggestion: str
    queue_length: int | None


def _parse_shape(data: Any, now: dt.datetime) -> _Clean:
    """Everything that needs no database: types, codes, lengths. Raises SubmissionInvalid."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, Mapping):
        raise SubmissionInvalid({"": [_("The submission must be a JSON object.")]})
    client_id = None
    raw_id = data.get("client_id")
    try:
        client_id = uuid.UUID(str(raw_id)) if raw_id else None
    except ValueError:
        client_id = None
    if client_id is None:
        _errors_add(errors, "client_id", _("The submission id is missing or not a UUID."))
    given_at = _parse_given_at(data.get("given_at"), now, errors)
    service = data.get("service")
    if service is not None and not isinstance(service, str):
        _errors_add(errors, "service", _("The service must be given by its slug."))
        service = None
    answers = data.get("answers")
    if not isinstance(answers, Mapping):
        _errors_add(errors, "answers", _("A response needs at least one answer."))
        answers = {}
    profile = data.get("profile") or {}
    if not isinstance(profile, Mapping):
        _errors_add(errors, "profile", _("The profile must be a JSON object."))
        profile = {}

    def text(key: str, value: Any, limit: int, *, multiline: bool = False) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            _errors_add(errors, key, _("This must be text."))
            return ""
        value = clean_text(value, multiline=multiline)
        if len(value) > limit:
            _errors_add(
                errors,
                key,
                _("At most %(limit)s characters (this has %(length)s).")
                % {"limit": limit, "length": len(value)},
            )
        return value

    def code(key: str, value: Any, allowed: frozenset[str]) -> str:
        value = text(key, value, 20)
        if value and value not in allowed:
            _errors_add(
                errors,
                key,
                _('"%(value)s" is not one of the choices (%(choices)s).')
                % {"value": value, "choices": ", ".join(sorted(allowed))},
            )
            return ""
        return value

    gender = code("profile.gender", profile.get("gender"), _GENDER_CODES)
    education = code("profile.education", profile.get("education"), _EDUCATION_CODES)
    occupation = code("profile.occupation", profile.get("occupation"), _OCCUPATION_CODES)
    occupation_other = text(
        "profile.occupation_other", profile.get("occupation_other"), MAX_OCCUPATION_OTHER
    )
    age = profile.get("age")
    if age in (None, ""):
        age = None
    elif isinstance(age, str) and age.strip().isdigit():
        age = int(age.strip())
    if age is not None and (
        isinstance(age, bool) or not isinstance(age, int) or not AGE_MIN <= age <= AGE_MAX
    ):
        _errors_add(
            errors,
            "profile.age",
            _("The age must be a whole number from %(min)s to %(max)s.")
            % {"min": AGE_MIN, "max": AGE_MAX},
        )
        age = None
    suggestion = text("suggestion", data.get("suggestion"), MAX_SUGGESTION, multiline=True)
    queue_length = data.get("queue_length")
    if isinstance(queue_length, bool) or not isinstance(queue_length, int):
        queue_length = None
    else:
        queue_length = max(0, min(queue_length, MAX_QUEUE_REPORTED))
    if errors:
        raise SubmissionInvalid(errors)
    return _Clean(
        client_id=client_id,
        given_at=given_at,
        service_slug=service or None,
        answers=dict(answers),
        gender=gender,
        age=age,
        education=education,
        occupation=occupation,
        occupation_other=occupation_other,
        suggestion=suggestion,
        queue_length=queue_length,
    )


def _check_answers(answers: dict[str, Any], element_ids: dict[str, int]) -> list[tuple[int, int]]:
    """The rules of response_create, with its messages, as (element id, value) pairs."""
    unknown = sorted(set(answers) - set(element_ids))
    if unknown:
        raise SubmissionInvalid(
            {"answers": [_("Unknown elements: %(codes)s") % {"codes": ", ".join(unknown)}]}
        )
    given = {code: v for code, v in answers.items() if v is not None}
    if not given:
        raise SubmissionInvalid({"answers": [_("A response needs at least one answer.")]})
    errors: dict[str, list[str]] = {}
    pairs = []
    for code, value in given.items():
        # JSON true is not a score, although Python's True == 1.
        if isinstance(value, bool) or value not in (1, 2, 3, 4):
            _errors_add(
                errors,
                f"answers.{code}",
                _("The answer to %(code)s must be 1 to 4.") % {"code": code},
            )
        else:
            pairs.append((element_ids[code], int(value)))
    if errors:
        raise SubmissionInvalid(errors)
    return pairs


def _local_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def kiosk_submit(*, token: str, data: Any, now: dt.datetime | None = None) -> Submitted:
    """Store one kiosk submission exactly once (idempotent on its client_id).

    ``submitted_at`` is the time the person gave the answers (``given_at``), clamped to
    now when the device clock runs ahead; the response belongs to the period open on that
    day (a response queued yesterday goes to yesterday's period). When no period was open
    that day but one is open today (a device clock far behind), it goes to today's period,
    dated no earlier than that period's start. Raises KioskUnauthorized or
    SubmissionInvalid; nothing is written then.
    """
    now = now or timezone.now()
    # The token is checked first (an unknown device gets 401, never field errors), but
    # the shape is read before it: the period look-up needs the time the answers were given.
    try:
        clean, malformed = _parse_shape(data, now), None
    except SubmissionInvalid as error:
        clean, malformed = None, error
    given_day = timezone.localtime(clean.given_at if clean else now).date()
    secret_hash = token_hash(token or "")
    if clean is not None and token and connection.vendor == "postgresql":
        done = _submit_known(secret_hash, given_day, clean, now)
        if done is not None:
            return done
    auth = _authenticate(secret_hash, given_day, now) if token else None
    if auth is None:
        raise KioskUnauthorized(revoked=False)
    if auth.revoked:
        _record_revoked(auth.unit_id)
        raise KioskUnauthorized(revoked=True)
    try:
        if malformed is not None:
            raise malformed
        done = _submit(auth, clean, secret_hash, now)
    except SubmissionInvalid as refused:
        from skm.surveys.services import rejection_record

        unit = Unit.objects.filter(pk=auth.unit_id).first()
        if unit is not None:
            rejection_record(unit=unit, reason=refused.reason)
        raise
    if auth.period_id is not None and connection.vendor == "postgresql":
        _remember(secret_hash, given_day, auth)
    return done


def _submit(auth: _Auth, clean: _Clean, secret_hash: str, now: dt.datetime) -> Submitted:
    submitted_at = clean.given_at
    if auth.period_id is None:
        today = timezone.localdate(now)
        if timezone.localtime(clean.given_at).date() != today:
            auth = _authenticate(secret_hash, today, now) or auth
        if auth.period_id is None:
            raise SubmissionInvalid(
                {
                    "period": [
                        _("No survey period is open for this unit on %(date)s.")
                        % {"date": f"{timezone.localtime(clean.given_at):%d-%m-%Y}"}
                    ]
                },
                reason=Rejection.Reason.CLOSED,
            )
        submitted_at = max(submitted_at, _local_start(auth.period_start))
    pairs = _check_answers(clean.answers, _element_ids(auth.questionnaire_id))
    service_id = _resolve_service(auth, clean)
    values = _response_values(auth, clean, service_id, submitted_at, now)
    contact = (
        (_adapt_dt(now), clean.queue_length, auth.kiosk_id)
        if auth.contact_due and clean.queue_length is not None
        else (_adapt_dt(now), None, auth.kiosk_id)
        if auth.contact_due
        else None
    )
    count_key = _count_key(auth, service_id, pairs, clean)
    if connection.vendor == "postgresql":
        created = _write_postgresql(values, pairs, contact, count_key)
    else:
        created = _write_portable(values, pairs, contact, count_key)
    if not created:
        _check_replay_origin(clean.client_id, auth)
    else:
        _freeze_elements(auth.questionnaire_id)
    return Submitted(client_id=str(clean.client_id), created=created)


@dataclass(frozen=True)
class _Known:
    auth: _Auth
    day: dt.date
    at: float


# token hash -> what the last successful submission of that kiosk found (kiosk, unit,
# period in force on a day). Only a hint for choosing the questionnaire's element ids:
# the single statement of _submit_known checks again, in the database, that the token is
# not revoked and that the period is still the one in force, and writes nothing if not.
_KNOWN: dict[str, _Known] = {}
KNOWN_TTL = 10.0
KNOWN_MAX = 10_000


def _remember(secret_hash: str, day: dt.date, auth: _Auth) -> None:
    with _lock:
        if len(_KNOWN) >= KNOWN_MAX:
            _KNOWN.clear()
        _KNOWN[secret_hash] = _Known(auth=auth, day=day, at=time.monotonic())


def _known_sql(answers: int, postgresql: bool = True) -> str:
    answer_rows = ", ".join(["(%s::bigint, %s::smallint)"] * answers)
    return (
        f"WITH k AS (SELECT k.id FROM {_K} k JOIN {_U} u ON u.id = k.unit_id"  # noqa: S608
        " WHERE k.token_hash = %s AND k.revoked_at IS NULL AND k.id = %s"
        f" AND ({_period_sql(postgresql)}) = %s"
        f" AND (SELECT weighting = %s FROM {_P} WHERE id = %s) = %s::boolean),"
        f" r AS (INSERT INTO {_R} ({_RESPONSE_COLUMNS}) SELECT {_RESPONSE_CASTS} FROM k"
        " ON CONFLICT (agency_id, client_id) DO NOTHING RETURNING id, agency_id),"
        f" a AS (INSERT INTO {_A} (response_id, agency_id, element_id, value)"
        f" SELECT r.id, r.agency_id, v.e, v.v FROM r CROSS JOIN (VALUES {answer_rows}) AS v(e, v)),"
        f"{_TALLY_SQL},"
        f" c AS (UPDATE {_K} SET last_contact_at = %s::timestamptz,"
        " last_queue_length = COALESCE(%s::integer, last_queue_length)"
        " WHERE id = (SELECT id FROM k)"
        " AND (last_contact_at IS NULL OR last_contact_at < %s::timestamptz))"
        " SELECT EXISTS (SELECT 1 FROM k), (SELECT id FROM r)"
    )


def _submit_known(
    secret_hash: str, day: dt.date, clean: _Clean, now: dt.datetime
) -> Submitted | None:
    """One round trip for a kiosk seen a moment ago; None to take the full path."""
    known = _KNOWN.get(secret_hash)
    if known is None or known.day != day or time.monotonic() - known.at > KNOWN_TTL:
        return None
    auth = known.auth
    try:
        pairs = _check_answers(clean.answers, _element_ids(auth.questionnaire_id))
        service_id = _resolve_service(auth, clean)
    except SubmissionInvalid:
        return None  # the full path refuses it, counts it, and says why
    params = [
        secret_hash,
        auth.kiosk_id,
        Period.Status.OPEN.value,
        day,
        day,
        auth.period_id,
        Period.Weighting.CUSTOM.value,
        auth.period_id,
        auth.custom_weights,
        *_response_values(auth, clean, service_id, clean.given_at, now),
        *(x for pair in pairs for x in pair),
        *_count_key(auth, service_id, pairs, clean),
        now,
        clean.queue_length,
        now - CONTACT_EVERY,
    ]
    verified, response_id = _fetchone(_known_sql(len(pairs)), params)
    if not verified:
        with _lock:
            _KNOWN.pop(secret_hash, None)
        return None
    if response_id is None:
        _check_replay_origin(clean.client_id, auth)
    else:
        _freeze_elements(auth.questionnaire_id)
    return Submitted(client_id=str(clean.client_id), created=response_id is not None)


def _resolve_service(auth: _Auth, clean: _Clean) -> int | None:
    if auth.service_id is not None or not clean.service_slug:
        return auth.service_id
    service_id = _service_ids(auth.unit_id, auth.unit_path).get(clean.service_slug)
    if service_id is None:
        service_id = _service_ids(auth.unit_id, auth.unit_path, refresh=True).get(
            clean.service_slug
        )
    if service_id is None:
        raise SubmissionInvalid(
            {
                "service": [
                    _('"%(value)s" is not a service of this unit.') % {"value": clean.service_slug}
                ]
            }
        )
    return service_id


def _response_values(
    auth: _Auth, clean: _Clean, service_id: int | None, submitted_at: dt.datetime, now: dt.datetime
) -> list:
    return [
        auth.agency_id,
        auth.period_id,
        auth.unit_id,
        service_id,
        Response.Channel.KIOSK.value,
        _adapt_dt(submitted_at),
        clean.gender,
        clean.age,
        clean.education,
        clean.occupation,
        clean.occupation_other,
        clean.suggestion,
        auth.kiosk_id,
        _CLIENT_ID_FIELD.get_db_prep_value(clean.client_id, connection),
        _adapt_dt(now),
    ]


_CLIENT_ID_FIELD = Response._meta.get_field("client_id")
_RESPONSE_COLUMNS = (
    "agency_id, period_id, unit_id, service_id, channel, submitted_at, gender, age, education,"
    " occupation, occupation_other, suggestion, kiosk_id, client_id, created_at"
)
_RESPONSE_PLACEHOLDERS = ", ".join(["%s"] * 15)
_CLIENT_ID_AT = 13  # position of client_id in _RESPONSE_COLUMNS
_RESPONSE_CASTS = (
    "%s::bigint, %s::bigint, %s::bigint, %s::bigint, %s, %s::timestamptz, %s, %s::smallint,"
    " %s, %s,"
    " %s, %s, %s::bigint, %s::uuid, %s::timestamptz"
)


def _contact_sql(contact: tuple) -> tuple[str, list]:
    if contact[1] is None:
        sql = f"UPDATE {_K} SET last_contact_at = %s WHERE id = %s"  # noqa: S608
        return sql, [contact[0], contact[2]]
    return (
        f"UPDATE {_K} SET last_contact_at = %s, last_queue_length = %s WHERE id = %s",  # noqa: S608
        list(contact),
    )


def _write_postgresql(
    values: list, pairs: list[tuple[int, int]], contact: tuple | None, count_key: list
) -> bool:
    # One statement, so one round trip and atomic without BEGIN/COMMIT: the response row,
    # its answers and its answer-pattern count (none when the client id is already stored)
    # and, now and then, the kiosk's last contact. A replay conflicts on the unique
    # (agency_id, client_id) and writes nothing.
    answer_rows = ", ".join(["(%s::bigint, %s::smallint)"] * len(pairs))
    parts = [
        f"WITH r AS (INSERT INTO {_R} ({_RESPONSE_COLUMNS})"  # noqa: S608 (table names only)
        f" VALUES ({_RESPONSE_PLACEHOLDERS})"
        " ON CONFLICT (agency_id, client_id) DO NOTHING RETURNING id, agency_id),"
        f" a AS (INSERT INTO {_A} (response_id, agency_id, element_id, value)"
        f" SELECT r.id, r.agency_id, v.e, v.v FROM r CROSS JOIN (VALUES {answer_rows}) AS v(e, v)),"
        f"{_TALLY_SQL}"
    ]
    params = [*values, *(x for pair in pairs for x in pair), *count_key]
    if contact is not None:
        sql, extra = _contact_sql(contact)
        parts.append(f", k AS ({sql})")
        params.extend(extra)
    parts.append(" SELECT id FROM r")
    return _fetchone("".join(parts), params) is not None


def _write_portable(
    values: list, pairs: list[tuple[int, int]], contact: tuple | None, count_key: list
) -> bool:
    insert = f"INSERT INTO {_R} ({_RESPONSE_COLUMNS}) VALUES ({_RESPONSE_PLACEHOLDERS})"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        if contact is not None:
            sql, extra = _contact_sql(contact)
            cursor.execute(sql, extra)
        try:
            with transaction.atomic():
                if connection.features.can_return_columns_from_insert:
                    cursor.execute(insert + " RETURNING id", values)
                    response_id = cursor.fetchone()[0]
                else:
                    cursor.execute(insert, values)
                    response_id = cursor.lastrowid
        except IntegrityError:
            if Response.all_objects.filter(
                agency_id=values[0], client_id=values[_CLIENT_ID_AT]
            ).exists():
                return False
            raise
        answer_rows = ", ".join(["(%s, %s, %s, %s)"] * len(pairs))
        cursor.execute(
            f"INSERT INTO {_A} (response_id, agency_id, element_id, value)"  # noqa: S608
            f" VALUES {answer_rows}",
            [x for e, v in pairs for x in (response_id, values[0], e, v)],
        )
        key, values = count_key[:6], count_key[7:]
        counts_add({tuple(key): dict(zip(COUNT_COLUMNS, values, strict=True))})
    return True


def _check_replay_origin(client_id: uuid.UUID, auth: _Auth) -> None:
    stored = (
        Response.all_objects.filter(agency_id=auth.agency_id, client_id=client_id)
        .values_list("unit_id", flat=True)
        .first()
    )
    if stored is not None and stored != auth.unit_id:
        raise SubmissionInvalid({"client_id": [_("This submission id is already used.")]})
