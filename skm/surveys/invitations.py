"""Single-use invitations to the public form, and the API keys that mint them.

A unit with ``invitation_required`` accepts the public form only with a token printed on
the queue ticket (as a QR code) or sent by the unit's queue system: the token is the
invitation's id signed by this server (skm.surveys.abuse), the invitation row holds the
expiry and whether it was used. Using it is a conditional UPDATE in the transaction that
stores the response, so a token counts once even when two submissions race.

API keys: the plaintext is shown once; only its SHA-256 and a short prefix (to tell keys
apart in the back office) are stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skm.org.models import Service, Unit
from skm.surveys.abuse import (
    InvitationTokenInvalid,
    invitation_token_read,
    invitation_token_sign,
)
from skm.surveys.models import ApiKey, Invitation, Period, Rejection, Response
from skm.surveys.services import response_create

MAX_INVITATIONS_PER_CALL = 500
DEFAULT_VALID_FOR = dt.timedelta(hours=72)
MAX_VALID_FOR = dt.timedelta(days=30)
API_KEY_PREFIX = "skm_"


class InvitationError(Exception):
    """The invitation cannot be used; ``message`` says why in the visitor's language."""

    reason: str = Rejection.Reason.INVITATION_INVALID
    default_message: Any = ""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or str(self.default_message)
        super().__init__(self.message)


class InvitationMissing(InvitationError):
    reason = Rejection.Reason.INVITATION_MISSING
    default_message = gettext_lazy(
        "This survey can only be filled with an invitation. Scan the QR code on your queue "
        "ticket or open the link you received."
    )


class InvitationForged(InvitationError):
    reason = Rejection.Reason.INVITATION_INVALID
    default_message = gettext_lazy(
        "This invitation link is not valid. Check that the whole link was copied, or scan "
        "the QR code on your ticket again."
    )


class InvitationExpired(InvitationError):
    reason = Rejection.Reason.INVITATION_EXPIRED
    default_message = gettext_lazy(
        "This invitation has expired. Ask the service counter for a new one."
    )


class InvitationUsed(InvitationError):
    reason = Rejection.Reason.INVITATION_USED
    default_message = gettext_lazy(
        "This invitation has already been used to fill the survey. Each invitation can be "
        "used once."
    )


class InvitationOtherUnit(InvitationError):
    # The model has no reason of its own for this; a token for another unit or service is
    # counted as an invalid invitation.
    reason = Rejection.Reason.INVITATION_INVALID
    default_message = gettext_lazy(
        "This invitation is for another service unit or service. Open the link exactly as "
        "you received it."
    )


def offered_service(unit: Unit, slug: str) -> Service | None:
    """The active service ``slug`` of the unit or of a unit above it, nearest unit first
    (the services a unit's form offers)."""
    chain = [unit, *reversed(unit.ancestors())]
    found = {
        s.unit_id: s for s in Service.objects.filter(unit__in=chain, slug=slug, is_active=True)
    }
    return next((found[u.pk] for u in chain if u.pk in found), None)


def invitation_path(*, unit: Unit, service: Service | None, token: str) -> str:
    """The public form's path for an invitation (service locked when it has one)."""
    if service is not None:
        path = reverse("public:form_service", args=[unit.slug, service.slug])
    else:
        path = reverse("public:form", args=[unit.slug])
    return f"{path}?t={token}"


@transaction.atomic
def invitation_mint(
    *,
    unit: Unit,
    service: Service | None = None,
    valid_for: dt.timedelta = DEFAULT_VALID_FOR,
    count: int = 1,
    base_url: str | None = None,
) -> list[tuple[Invitation, str, str]]:
    """Create ``count`` invitations; returns (invitation, token, url) for each.

    ``url`` is absolute when ``base_url`` (default: settings.PUBLIC_BASE_URL) is set, the
    form's path otherwise.
    """
    if not 1 <= count <= MAX_INVITATIONS_PER_CALL:
        raise ValidationError(
            _("The number of invitations must be from 1 to %(max)s.")
            % {"max": MAX_INVITATIONS_PER_CALL}
        )
    if not dt.timedelta(0) < valid_for <= MAX_VALID_FOR:
        raise ValidationError(_("An invitation is valid for at least an hour and at most 30 days."))
    if service is not None:
        allowed = [unit.pk, *(u.pk for u in unit.ancestors())]
        if service.unit_id not in allowed or not service.is_active:
            raise ValidationError(
                _("%(service)s is not an active service of %(unit)s.")
                % {"service": service.name, "unit": unit.name}
            )
    expires_at = timezone.now() + valid_for
    invitations = Invitation.objects.bulk_create(
        Invitation(unit=unit, service=service, expires_at=expires_at) for _i in range(count)
    )
    if any(i.pk is None for i in invitations):  # a database that cannot return ids
        invitations = list(
            Invitation.objects.filter(unit=unit, expires_at=expires_at).order_by("-pk")[:count]
        )[::-1]
    base = (settings.PUBLIC_BASE_URL if base_url is None else base_url).rstrip("/")
    minted = []
    for invitation in invitations:
        token = invitation_token_sign(invitation.pk)
        url = base + invitation_path(unit=unit, service=service, token=token)
        minted.append((invitation, token, url))
    return minted


def invitation_check(*, unit: Unit, token: str, service: Service | None = None) -> Invitation:
    """The usable invitation behind ``token`` for ``unit`` (and ``service`` if given).

    Raises InvitationMissing, InvitationForged, InvitationOtherUnit, InvitationExpired or
    InvitationUsed. Reads only: the invitation is used by ``response_create_invited``.
    """
    token = (token or "").strip()
    if not token:
        raise InvitationMissing
    try:
        invitation_id = invitation_token_read(token)
    except InvitationTokenInvalid as error:
        raise InvitationForged from error
    invitation = Invitation.objects.select_related("service").filter(pk=invitation_id).first()
    if invitation is None:
        # Signed by us but gone (the unit was deleted with its invitations): as good as forged.
        raise InvitationForged
    if invitation.unit_id != unit.pk:
        raise InvitationOtherUnit
    if (
        service is not None
        and invitation.service_id is not None
        and invitation.service_id != service.pk
    ):
        raise InvitationOtherUnit
    if invitation.used_at is not None:
        raise InvitationUsed
    if invitation.expires_at <= timezone.now():
        raise InvitationExpired
    return invitation


def invitation_redeem(*, invitation: Invitation) -> None:
    """Mark the invitation used, once: a conditional UPDATE, so of two concurrent
    submissions exactly one succeeds; the other gets InvitationUsed. Call it inside the
    transaction that stores the response, so that a failed store leaves it unused."""
    now = timezone.now()
    updated = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not updated:
        invitation.refresh_from_db(fields=["used_at", "expires_at"])
        if invitation.used_at is None:
            raise InvitationExpired
        raise InvitationUsed
    invitation.used_at = now


def response_create_invited(
    *,
    token: str,
    unit: Unit,
    period: Period,
    client_id: uuid.UUID,
    service: Service | None = None,
    **fields: Any,
) -> Response:
    """Store a response that uses an invitation: both or neither.

    A replay of the same form instance (same ``client_id``) returns the stored response
    without touching the invitation, also when it raced with the first submission.
    """
    existing = Response.all_objects.filter(
        agency_id=unit.agency_id, client_id=client_id, unit=unit
    ).first()
    if existing is not None:
        return existing
    invitation = invitation_check(unit=unit, token=token, service=service)
    try:
        with transaction.atomic():
            invitation_redeem(invitation=invitation)
            return response_create(
                period=period,
                unit=unit,
                service=service or invitation.service,
                client_id=client_id,
                **fields,
            )
    except InvitationUsed:
        # The other copy of this very submission won the race: that is a replay, not a
        # second use.
        existing = Response.all_objects.filter(
            agency_id=unit.agency_id, client_id=client_id, unit=unit
        ).first()
        if existing is not None:
            return existing
        raise


# -- API keys ------------------------------------------------------------------------------


def _key_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, unit: Unit, name: str, may_update_realisation: bool = False
) -> tuple[ApiKey, str]:
    """A new API key for the unit; the plaintext is returned once and never stored.
    ``may_update_realisation`` lets the key record the realisation of plan items."""
    name = name.strip()
    if not name:
        raise ValidationError(_("The API key needs a name (e.g. the system that uses it)."))
    plaintext = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        unit=unit,
        name=name[:120],
        prefix=plaintext[: ApiKey._meta.get_field("prefix").max_length],
        key_hash=_key_hash(plaintext),
        may_update_realisation=may_update_realisation,
    )
    return key, plaintext


def api_key_verify(*, key: str) -> ApiKey | None:
    """The unrevoked API key with this plaintext, or None. Records when it was last used
    (at most once a minute, so that a busy queue system does not write on every call)."""
    key = (key or "").strip()
    if not key.startswith(API_KEY_PREFIX) or len(key) > 200:
        return None
    found = (
        ApiKey.objects.select_related("unit")
        .filter(key_hash=_key_hash(key), revoked_at__isnull=True)
        .first()
    )
    if found is None:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > dt.timedelta(minutes=1):
        ApiKey.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> None:
    """Revoke a key; the next request with it is refused (every request reads the state)."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at", "updated_at"])
