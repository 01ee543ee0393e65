"""Public publication: /p/<unit>/ (latest and archive), the Lampiran IV period page, the
embeddable widget and the open data. Only published results are reachable; anything else
is the same 404 as an unknown address, so that unpublished periods do not leak."""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from skm.org.models import Unit
from skm.public.portal import survey_url
from skm.reports.data import number_style
from skm.surveys.models import Publication
from skm.surveys.publication import (
    open_data_rows,
    published_period,
    published_periods,
    published_result,
    unit_by_public_slug,
)
from skm.transfer.exports import spreadsheet_text

# Published figures change only when a period is (un)published; a short public cache keeps
# a widget on a busy website cheap while a withdrawal still takes effect within minutes.
CACHE_SECONDS = 300


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "publication/not_found.html", status=404)


def _cached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def _lookup(unit_slug: str, period_slug: str | None) -> tuple[Unit | None, Publication | None]:
    unit = unit_by_public_slug(unit_slug)
    if unit is None:
        return None, None
    if period_slug is None:
        latest = published_periods(unit)
        return unit, latest[0] if latest else None
    return unit, published_period(unit, period_slug)


@require_safe
def unit_page(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_by_public_slug(unit_slug)
    publications = published_periods(unit) if unit else []
    if not publications:
        return _not_found(request)
    data = published_result(publications[0])
    style = number_style(unit)
    return _cached(
        render(
            request,
            "publication/period.html",
            {
                "data": data,
                "unit": unit,
                "number_style": style,
                "archive": publications[1:],
                "is_latest": True,
                "followup": _followup(unit, publications[0], style),
                "survey_url": survey_url(unit),
            },
        )
    )


@require_safe
def period_page(request: HttpRequest, unit_slug: str, period_slug: str) -> HttpResponse:
    unit, publication = _lookup(unit_slug, period_slug)
    if publication is None:
        return _not_found(request)
    data = published_result(publication)
    style = number_style(unit)
    return _cached(
        render(
            request,
            "publication/period.html",
            {
                "data": data,
                "unit": unit,
                "number_style": style,
                "followup": _followup(unit, publication, style),
                "survey_url": survey_url(unit),
            },
        )
    )


def _followup(unit: Unit, publication: Publication, style: str):
    from skm.plans.selectors import public_followup

    return public_followup(unit, publication.period, style)


@require_safe
def evidence_file(
    request: HttpRequest, unit_slug: str, period_slug: str, evidence_id: int, thumb: bool = False
) -> HttpResponse:
    """An evidence file an admin marked public, of the final plan of a published period."""
    from skm.plans.evidence import file_response
    from skm.plans.selectors import public_evidence

    unit, publication = _lookup(unit_slug, period_slug)
    if publication is None:
        return _not_found(request)
    row = public_evidence(unit, publication.period, evidence_id)
    if row is None:
        return _not_found(request)
    response = file_response(row, thumbnail=thumb)
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@xframe_options_exempt  # the one page other websites may frame (docs/security.md)
@require_safe
def widget(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit, publication = _lookup(unit_slug, None)
    if publication is None:
        return _not_found(request)
    data = published_result(publication)
    context = {"data": data, "unit": unit, "number_style": number_style(unit)}
    return _cached(render(request, "publication/widget.html", context))


def _open_data_headers(response: HttpResponse) -> HttpResponse:
    # Open data: any website may fetch it; no cookies are involved.
    response["Access-Control-Allow-Origin"] = "*"
    return _cached(response)


@require_safe
def data_json(request: HttpRequest, unit_slug: str, period_slug: str) -> HttpResponse:
    _, publication = _lookup(unit_slug, period_slug)
    if publication is None:
        return _not_found(request)
    data = published_result(publication)
    response = JsonResponse(data.to_dict(), json_dumps_params={"ensure_ascii": False})
    return _open_data_headers(response)


@require_safe
def data_csv(request: HttpRequest, unit_slug: str, period_slug: str) -> HttpResponse:
    unit, publication = _lookup(unit_slug, period_slug)
    if publication is None:
        return _not_found(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in open_data_rows(published_result(publication)):
        writer.writerow([spreadsheet_text(str(cell)) for cell in row])
    # A BOM so that spreadsheet programs read the unit names as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"skm-{unit.slug}-{publication.period.slug}.csv"
    response["Content-Disposition"] = content_disposition_header(False, name)
    return _open_data_headers(response)
