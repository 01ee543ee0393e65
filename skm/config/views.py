"""Project-level views: the health check used by load balancers and `make run`."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
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
