"""POST /api/v1/invitations: a unit's queue system mints single-use survey invitations.

Authenticated by the unit's API key (``Authorization: Bearer <key>``); the invitations are
for the key's unit, so a key can never mint for another unit.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import ConfigDict

from skm.surveys.invitations import (
    DEFAULT_VALID_FOR,
    MAX_INVITATIONS_PER_CALL,
    api_key_verify,
    invitation_mint,
    offered_service,
)
from skm.surveys.models import ApiKey

MAX_VALID_HOURS = 720


class ApiKeyAuth(HttpBearer):
    """The unit's API key as a bearer token; request.auth becomes the ApiKey."""

    def __call__(self, request: HttpRequest) -> ApiKey | None:
        # Not HttpBearer.__call__: in DEBUG it logs a malformed header, key included.
        scheme, _sep, key = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not key.strip():
            return None
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return api_key_verify(key=token)


class InvitationRequest(Schema):
    # Unknown fields are refused: a typo such as "valid_hour" must not silently mean 72.
    model_config = ConfigDict(extra="forbid")

    count: Annotated[int, Field(strict=True, ge=1, le=MAX_INVITATIONS_PER_CALL)] = 1
    service: Annotated[str | None, Field(max_length=120)] = None
    valid_hours: Annotated[int, Field(strict=True, ge=1, le=MAX_VALID_HOURS)] = int(
        DEFAULT_VALID_FOR.total_seconds() // 3600
    )


class InvitationOut(Schema):
    token: str
    url: str
    expires_at: dt.datetime


class InvitationsOut(Schema):
    invitations: list[InvitationOut]


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


router = Router(tags=["invitations"])


@router.post(
    "/invitations",
    auth=ApiKeyAuth(),
    response={201: InvitationsOut, 401: ErrorOut, 422: ErrorOut},
    summary="Mint single-use survey invitations",
)
def invitations_create(request: HttpRequest, payload: InvitationRequest):
    """Mint ``count`` invitations for the key's unit (optionally locked to a service),
    valid for ``valid_hours``. Each comes with its token and the absolute form URL to put
    in a QR code or a message."""
    unit = request.auth.unit
    service = None
    if payload.service:
        service = offered_service(unit, payload.service.strip())
        if service is None:
            message = _('"%(service)s" is not an active service of %(unit)s.') % {
                "service": payload.service,
                "unit": unit.name,
            }
            errors = [{"field": "service", "message": message}]
            return Status(422, {"detail": message, "errors": errors})
    base = settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")
    try:
        minted = invitation_mint(
            unit=unit,
            service=service,
            valid_for=dt.timedelta(hours=payload.valid_hours),
            count=payload.count,
            base_url=base,
        )
    except ValidationError as error:
        message = " ".join(error.messages)
        return Status(422, {"detail": message, "errors": []})
    items = [
        {"token": token, "url": url, "expires_at": invitation.expires_at}
        for invitation, token, url in minted
    ]
    return Status(201, {"invitations": items})
