"""Project-level views: the health check used by load balancers and `make run`, the
privacy page, and the handler of uncaught errors."""

from __future__ import annotations

import sys

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.http import require_GET

ADMIN_INDEX_TITLE = _("Back office")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 otherwise (never a 500)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 + Retry-After when the error is a database that is away.

    DatabaseUnavailableMiddleware only sees the errors of views; this catches the same
    errors raised by other middleware (loading a staff session, the audit context). Django
    calls it while handling the exception, so ``sys.exc_info()`` is that exception.
    """
    from skm.config.middleware import database_unavailable, unavailable_response

    error = sys.exc_info()[1]
    if database_unavailable(error):
        return unavailable_response(request, error)
    return defaults.server_error(request)


def privacy(request):
    """What the survey keeps, why, for how long (UU PDP 27/2022): public, no data."""
    from django.conf import settings
    from django.shortcuts import render

    from skm.surveys.publication import MIN_CELL

    return render(
        request,
        "skm/privacy.html",
        {"years": settings.RETENTION_YEARS, "min_cell": MIN_CELL},
    )
