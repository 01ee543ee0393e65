"""The REST API (django-ninja): /api/v1/, OpenAPI schema at /api/v1/openapi.json.

Errors are JSON objects with a readable ``detail`` (in the interface language, Indonesian
by default) and, for bad bodies, one ``errors`` entry per field, so that an integrator can
tell what to fix without reading pydantic's internals.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from skm.api.invitations import router as invitations_router
from skm.api.plans import router as plans_router
from skm.api.reports import router as reports_router
from skm.api.results import router as results_router

api = NinjaAPI(
    title="SKM API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
)

api.add_router("", invitations_router)
api.add_router("", results_router)
api.add_router("", plans_router)
api.add_router("", reports_router)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = _(
        "Missing, unknown or revoked API key: send the unit's key in the header "
        "Authorization: Bearer <key>."
    )
    return api.create_response(request, {"detail": detail, "errors": []}, status=401)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja reports a body that is not JSON as a bare 400; it is a bad body like any other.
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        message = _("The request body must be a JSON object.")
        errors = [{"field": "", "message": message}]
        return api.create_response(request, {"detail": message, "errors": errors}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [_field_error(error) for error in exc.errors]
    detail = " ".join(dict.fromkeys(e["message"] for e in errors))
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _field_error(error: dict) -> dict[str, str]:
    # loc is e.g. ("body", "payload", "count"): the parts after the parameter name are
    # what the client wrote.
    loc = [str(part) for part in error.get("loc", ())]
    field = ".".join(loc[2:]) if len(loc) > 2 else ""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if not field:  # the body as a whole: not an object, or empty
        return {"field": "", "message": _("The request body must be a JSON object.")}
    names = {"field": field}
    if kind == "missing":
        message = _("%(field)s is required.") % names
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        message = _("%(field)s must be a whole number.") % names
    elif kind in ("greater_than_equal", "greater_than"):
        message = _("%(field)s must be at least %(limit)s.") % {
            **names,
            "limit": ctx.get("ge", ctx.get("gt")),
        }
    elif kind in ("less_than_equal", "less_than"):
        message = _("%(field)s must be at most %(limit)s.") % {
            **names,
            "limit": ctx.get("le", ctx.get("lt")),
        }
    elif kind == "string_type":
        message = _("%(field)s must be text.") % names
    elif kind == "string_too_long":
        message = _("%(field)s can have at most %(limit)s characters.") % {
            **names,
            "limit": ctx.get("max_length"),
        }
    elif kind == "extra_forbidden":
        message = _("%(field)s is not a known field.") % names
    else:
        message = f"{field}: {error.get('msg', kind)}" if field else str(error.get("msg", kind))
    return {"field": field, "message": message}
