"""Abuse resistance of the public survey form, without storing anything about the person.

Three cheap filters sit in front of ``response_create`` (see docs/security.md):

- a rate limit per client per unit, counted in Django's cache under a keyed hash of the
  client's address (the address itself is never stored, logged or used as a key), kept for
  at most one hour. Many people share one address (the unit's guest Wi-Fi, an office, a
  carrier's NAT), so a form over the unit's threshold is not refused but stored and held
  for review (skm/surveys/held.py); only a hard ceiling far above it is refused;
- a signed form-instance token: it carries the idempotency key of the response (so a double
  click stores one response) and the time the form was shown (so a bot that posts within
  seconds is told to check its answers);
- a honeypot field that people never see and bots fill.

Nothing here writes to the database; refusals are counted by the caller through
``rejection_record`` (unit, day, reason: nothing else).
"""

from __future__ import annotations

import enum
import logging
import math
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from skm.org.models import Unit
from skm.surveys.models import Period

logger = logging.getLogger(__name__)

# Seconds a person needs at least to read and answer the form (fourteen questions). Bots
# post within a second or two; the fastest people we observed need well over half a
# minute. Tests monkeypatch this module constant; production never changes it.
MIN_FILL_SECONDS = 10
# A form left open longer than this is re-issued (answers kept) rather than accepted, so
# that a token copied once cannot be replayed for ever.
FORM_TOKEN_MAX_AGE = 24 * 3600
FORM_TOKEN_SALT = "skm.surveys.abuse.form-instance"  # noqa: S105 (a salt, not a secret)

RATE_WINDOW_SECONDS = 3600
# The threshold per address per hour is at least Unit.submissions_per_hour and at least
# the share of the expected daily volume that can come in one busy hour: a quarter of a
# day's respondents (opening hours are about eight, and the morning queue is the peak).
PEAK_HOUR_SHARE = 0.25
# Above the threshold forms are held for review; above this many times the threshold
# they are refused (429), so that a flood from one address cannot fill the database.
CEILING_FACTOR = 10
_RATE_PURPOSE = "skm.surveys.abuse.rate-limit"
# 128 bits: no collisions in practice, and nothing to gain by keeping the full digest.
_RATE_KEY_HEX = 32

# The honeypot's field name: plausible enough for a form-filling bot, never autofilled by
# browsers for people (unlike "email" or "name", which password managers fill).
HONEYPOT_FIELD = "website"


# -- client address and rate limit ------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The address the rate limit is keyed on; it is hashed at once and never stored.

    Behind ``settings.SKM_TRUSTED_PROXY_COUNT`` reverse proxies (default 0: none) the client
    is the address the outermost trusted proxy appended to X-Forwarded-For, i.e. the N-th
    entry from the right. Entries further left were written by the client itself and would
    let anyone pick a fresh identity per request.
    """
    trusted = int(getattr(settings, "SKM_TRUSTED_PROXY_COUNT", 0) or 0)
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if trusted <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if not hops:
        return remote
    return hops[-trusted] if len(hops) >= trusted else hops[0]


def client_key(address: str, unit: Unit) -> str:
    """HMAC-SHA256 of address and unit under a key derived from SECRET_KEY, truncated.

    Keyed, so that the stored counter keys cannot be reversed by hashing the whole IPv4
    address space; per unit, so that one busy unit does not lock a client out of another.
    """
    digest = salted_hmac(_RATE_PURPOSE, f"{address}|{unit.pk}", algorithm="sha256")
    return digest.hexdigest()[:_RATE_KEY_HEX]


def _rate_cache_key(key: str) -> str:
    return f"skm:rate:{key}"


def expected_daily(period: Period) -> float | None:
    """Respondents a day the period expects: its population (service users in the period)
    over its days, calendar days included; None without a population."""
    if not period.population:
        return None
    days = (period.end_date - period.start_date).days + 1
    return period.population / max(days, 1)


def hold_threshold(unit: Unit, period: Period) -> int:
    """Forms per address per hour accepted straight away; the ones after it are held.

    ``max(Unit.submissions_per_hour, ceil(PEAK_HOUR_SHARE * expected daily volume))``:
    a Dinas serving 200 people a day may see 50 of them in its busiest hour, all on its
    guest Wi-Fi. The volume is the period's (it covers the units below the period's
    unit too, so a sub-unit gets its whole period's allowance: an upper bound).
    """
    daily = expected_daily(period)
    derived = math.ceil(PEAK_HOUR_SHARE * daily) if daily else 0
    return max(unit.submissions_per_hour, derived, 1)


def hard_ceiling(threshold: int) -> int:
    """Forms per address per hour above which the answer is 429 (nothing stored)."""
    return threshold * CEILING_FACTOR


class Verdict(enum.Enum):
    ACCEPT = "accept"  # stored and counted
    HOLD = "hold"  # stored, held for review, counted only once accepted
    REFUSE = "refuse"  # over the hard ceiling: 429, nothing stored


def rate_check(*, request: HttpRequest, unit: Unit, period: Period) -> Verdict:
    """Count one submission of this client to this unit and say what to do with it.

    The window starts with the client's first submission and lasts an hour (the counter's
    expiry), so the hashed key is kept at most an hour. Refused attempts count too, so a
    flood never reopens the window early. Up to ``hold_threshold`` forms are accepted, up
    to ``hard_ceiling`` of it held, the rest refused.
    """
    threshold = hold_threshold(unit, period)
    count = _rate_count(request, unit)
    if count <= threshold:
        return Verdict.ACCEPT
    if count <= hard_ceiling(threshold):
        return Verdict.HOLD
    return Verdict.REFUSE


def _rate_count(request: HttpRequest, unit: Unit) -> int:
    """This client's submissions to this unit in its current window, this one included;
    0 when the cache is away."""
    key = _rate_cache_key(client_key(client_address(request), unit))
    try:
        cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:
            # The key expired between add() and incr(): the first of a new window.
            cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
            count = 1
    except Exception:
        # The cache (Redis) is down: the survey stays open rather than refusing everyone;
        # the other filters still apply. Logged without the key, which is per client.
        logger.warning("Rate limit not applied: the cache is unavailable.", exc_info=True)
        return 0
    return count


# -- form-instance token -----------------------------------------------------------------


class FormTokenInvalid(Exception):
    """The form-instance token is missing, forged, for another unit, or too old."""


@dataclass(frozen=True)
class FormInstance:
    """One rendering of the form: the response's idempotency key and when it was shown."""

    id: uuid.UUID
    issued_at: float
    token: str


def form_token_issue(*, unit: Unit, now: float | None = None) -> str:
    """A signed token for a freshly rendered form of ``unit``."""
    payload = {
        "u": unit.pk,
        "i": uuid.uuid4().hex,
        "t": int(now if now is not None else time.time()),
    }
    return signing.dumps(payload, salt=FORM_TOKEN_SALT)


def form_token_read(token: str, *, unit: Unit, now: float | None = None) -> FormInstance:
    """The form instance of a posted token; FormTokenInvalid when it cannot be trusted."""
    if not token or len(token) > 500:
        raise FormTokenInvalid
    try:
        payload = signing.loads(token, salt=FORM_TOKEN_SALT)
        unit_id, instance_id, issued = payload["u"], uuid.UUID(hex=payload["i"]), payload["t"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise FormTokenInvalid from error
    now = now if now is not None else time.time()
    if unit_id != unit.pk or not isinstance(issued, int):
        raise FormTokenInvalid
    # A minute of tolerance for clocks of several web servers that disagree slightly.
    if not -60 <= now - issued <= FORM_TOKEN_MAX_AGE:
        raise FormTokenInvalid
    return FormInstance(id=instance_id, issued_at=float(issued), token=token)


def filled_too_fast(instance: FormInstance, *, now: float | None = None) -> bool:
    """True when the form came back sooner than a person can have read it."""
    now = now if now is not None else time.time()
    return now - instance.issued_at < MIN_FILL_SECONDS


def honeypot_filled(data) -> bool:
    """True when the field that people never see came back with something in it."""
    return bool(str(data.get(HONEYPOT_FIELD, "") or "").strip())


# -- invitation tokens -------------------------------------------------------------------

INVITATION_SALT = "skm.surveys.invitation"


class InvitationTokenInvalid(Exception):
    """The invitation token was not signed by this server (typed wrongly or forged)."""


def invitation_token_sign(invitation_id: int) -> str:
    """The URL-safe token for an invitation: its id, signed. Expiry and use live in the
    database, so the token itself need not carry them."""
    return signing.dumps(invitation_id, salt=INVITATION_SALT)


def invitation_token_read(token: str) -> int:
    """The invitation id a token was signed for; InvitationTokenInvalid otherwise."""
    if not token or len(token) > 200:
        raise InvitationTokenInvalid
    try:
        invitation_id = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature as error:
        raise InvitationTokenInvalid from error
    if not isinstance(invitation_id, int) or isinstance(invitation_id, bool):
        raise InvitationTokenInvalid
    return invitation_id
