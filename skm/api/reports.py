"""Reports API: the official documents of a unit and period, for authorised clients.

`GET /api/v1/reports/{unit}/{period}/{kind}?format=docx|pdf&size=a4|a3&date=YYYY-MM-DD`
`&bukti=publik|semua` with kind tindak-lanjut, hasil or poster (bukti: the evidence printed,
by default public only for the Laporan Hasil and all for the Laporan Tindak Lanjut).
Access as the plans API: a staff session with a role on the unit, or an API key of the
unit or a unit above it; anything else is a 404.
The document is made during the request (a few seconds at most, docs/performance.md); the
web pages use a background job instead.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Router
from ninja.errors import HttpError

from skm.api.plans import _caller
from skm.org.access import READ_ROLES, units_for_user
from skm.org.models import Unit
from skm.reports.documents import EVIDENCE_SCOPES, KINDS, ReportUnavailable, build
from skm.surveys.results import periods_covering

router = Router(tags=["reports"])


@router.get(
    "/reports/{unit_slug}/{period_slug}/{kind}",
    summary="A report of a unit and period as DOCX or PDF (tindak-lanjut, hasil, poster)",
)
def report(
    request: HttpRequest,
    unit_slug: str,
    period_slug: str,
    kind: str,
    format: str = "pdf",
    size: str = "a4",
    date: dt.date | None = None,
    bukti: str | None = None,
):
    key = _caller(request)
    unit = Unit.objects.filter(slug=unit_slug).first()
    if unit is None or kind not in KINDS:
        raise Http404
    if key is not None:
        allowed = unit.path.startswith(key.unit.path)
    elif request.user.is_authenticated:
        allowed = units_for_user(request.user, READ_ROLES).filter(pk=unit.pk).exists()
    else:
        allowed = False
    if not allowed:
        raise Http404
    period = next((p for p in periods_covering(unit) if p.slug == period_slug), None)
    if period is None:
        raise Http404
    if format not in ("docx", "pdf") or size not in ("a4", "a3"):
        raise HttpError(422, "format: docx|pdf; size: a4|a3")
    if bukti is not None and bukti not in EVIDENCE_SCOPES:
        raise HttpError(422, "bukti: publik|semua")
    try:
        document = build(
            kind,
            unit=unit,
            period=period,
            fmt=format,
            size=size,
            signed_on=date,
            base_url=request.build_absolute_uri("/"),
            evidence=bukti,
        )
    except ReportUnavailable as reason:
        raise HttpError(409, str(reason)) from None
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    return response
