"""Plans API: the follow-up plan of a unit and period (the `skm plan --json` shape), its
evidence files, and the realisation of an item for integrating systems (e-office).

Who: a staff session with a role on the unit, or an API key of the unit or of a unit above
it, reads. Recording realisation (PATCH) needs a session with the operator or admin role
(and the CSRF token, as any form) or an API key created with the realisation scope
(`skm apikey --create NAME --realisation`); it goes through the same validation and leaves
the same history as the item page. Plans are never public: anything else is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from skm.api.invitations import ErrorOut
from skm.org.access import ENTRY_ROLES, READ_ROLES, units_for_user
from skm.org.models import Unit
from skm.plans import evidence
from skm.plans.models import Evidence, Plan
from skm.plans.selectors import item_by_number, plan_dict, plan_view
from skm.plans.services import PlanError, realisation_update
from skm.surveys.invitations import api_key_verify
from skm.surveys.models import ApiKey
from skm.surveys.results import periods_covering

router = Router(tags=["plans"])


def _caller(request: HttpRequest) -> ApiKey | None:
    """The API key of the request (None without one); 401 for an unknown key."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    key = api_key_verify(key=token.strip())
    if key is None:
        raise HttpError(401, _("Unknown or revoked API key."))
    return key


def _plan(request: HttpRequest, unit_slug: str, period_slug: str, *, write: bool = False):
    key = _caller(request)
    unit = Unit.objects.filter(slug=unit_slug).first()
    if unit is None:
        raise Http404
    if key is not None:
        allowed = unit.path.startswith(key.unit.path) and (not write or key.may_update_realisation)
    elif request.user.is_authenticated:
        roles = ENTRY_ROLES if write else READ_ROLES
        allowed = units_for_user(request.user, roles).filter(pk=unit.pk).exists()
    else:
        allowed = False
    if not allowed:
        raise Http404
    period = next((p for p in periods_covering(unit) if p.slug == period_slug), None)
    plan = Plan.objects.filter(unit=unit, period=period).select_related("period", "unit").first()
    if period is None or plan is None:
        raise Http404
    return plan, key


def _evidence_url(request: HttpRequest, plan: Plan):
    def url(evidence: Evidence) -> str:
        return request.build_absolute_uri(
            reverse(
                "api:plan_evidence",
                args=[plan.unit.slug, plan.period.slug, evidence.pk],
            )
        )

    return url


@router.get(
    "/plans/{unit_slug}/{period_slug}",
    summary="The follow-up plan of a unit and period (the `skm plan --json` shape)",
)
def plan_detail(request: HttpRequest, unit_slug: str, period_slug: str) -> dict:
    plan, _key = _plan(request, unit_slug, period_slug)
    return plan_dict(plan_view(plan), evidence_url=_evidence_url(request, plan))


@router.get(
    "/plans/{unit_slug}/{period_slug}/evidence/{evidence_id}",
    summary="An evidence file of the plan (JPEG, PNG or PDF)",
    url_name="plan_evidence",
)
def plan_evidence(request: HttpRequest, unit_slug: str, period_slug: str, evidence_id: int):
    plan, _key = _plan(request, unit_slug, period_slug)
    row = Evidence.objects.filter(pk=evidence_id, item__priority__plan=plan).first()
    if row is None:
        raise Http404
    return evidence.file_response(row)


class RealisationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Literal["belum", "proses", "sudah"]
    done_on: dt.date | None = None
    description: Annotated[str, Field(max_length=5000)] = ""
    obstacles: Annotated[str, Field(max_length=5000)] = ""


@router.patch(
    "/plans/{unit_slug}/{period_slug}/items/{number}",
    summary="Record the realisation of a plan item (number as in the plan, e.g. 1.2)",
    response={200: dict, 422: ErrorOut},
)
def plan_item_realisation(
    request: HttpRequest, unit_slug: str, period_slug: str, number: str, payload: RealisationIn
) -> dict:
    plan, key = _plan(request, unit_slug, period_slug, write=True)
    if key is None:
        # A browser session: the same CSRF protection as the forms.
        refused = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if refused is not None:
            raise HttpError(403, _("CSRF token missing or incorrect."))
    view = plan_view(plan)
    found = item_by_number(view, number)
    if found is None:
        raise Http404
    try:
        realisation_update(
            found.item,
            status=payload.status,
            done_on=payload.done_on,
            description=payload.description,
            obstacles=payload.obstacles,
            user=request.user if key is None else None,
            via=f"API: {key.name}" if key is not None else "API",
        )
    except PlanError as error:
        errors = [{"field": f, "message": m} for f, m in error.messages.items()]
        return Status(422, {"detail": " ".join(error.messages.values()), "errors": errors})
    updated = plan_view(plan)
    data = plan_dict(updated, evidence_url=_evidence_url(request, plan))
    item = next(i for p in data["priorities"] for i in p["items"] if i["number"] == number)
    return {
        "item": item,
        "planned": data["planned"],
        "realised": data["realised"],
        "realised_percent": data["realised_percent"],
        "pekppp": data["pekppp"],
    }
