"""QR posters and links of a unit's public survey form (unit administrators)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from skm.org.access import MANAGE_ROLES, unit_for_user
from skm.org.models import Service, Unit
from skm.transfer.posters import poster_data, poster_pdf
from skm.transfer.qr import qr_address_warning, qr_png, qr_svg, short_address


def public_path(unit: Unit, service: Service | None = None) -> str:
    # The public form's address as architecture.md documents it: /s/<unit>/[<service>/].
    path = f"/s/{unit.slug}/"
    return f"{path}{service.slug}/" if service else path


def public_url(request: HttpRequest, unit: Unit, service: Service | None = None) -> str:
    """Absolute public link: settings.PUBLIC_BASE_URL when set (the address people should
    see on a poster), else the address this request came in on."""
    path = public_path(unit, service)
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _service(unit: Unit, service_slug: str | None) -> Service | None:
    if service_slug is None:
        return None
    service = unit.services.filter(slug=service_slug, is_active=True).first()
    if service is None:
        raise Http404
    return service


def _file_name(unit: Unit, service: Service | None, suffix: str) -> str:
    # Slugs are ASCII letters, digits and hyphens: safe in any Content-Disposition.
    parts = ["skm", unit.slug, *([service.slug] if service else []), suffix]
    return "-".join(parts)


def _download(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def poster_page(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    services = [None, *unit.services.filter(is_active=True).order_by("name")]
    targets = [
        {"service": s, "url": (url := public_url(request, unit, s)), "short": short_address(url)}
        for s in services
    ]
    # Every link shares the unit's address, so one warning covers them all.
    return render(
        request,
        "dashboard/poster.html",
        {
            "unit": unit,
            "targets": targets,
            "warning": qr_address_warning(targets[0]["url"]),
            "from_request": not settings.PUBLIC_BASE_URL,
        },
    )


@login_required
@require_GET
def poster_qr_png(
    request: HttpRequest, unit_slug: str, service_slug: str | None = None
) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    service = _service(unit, service_slug)
    return _download(
        qr_png(public_url(request, unit, service)),
        "image/png",
        _file_name(unit, service, "qr.png"),
    )


@login_required
@require_GET
def poster_qr_svg(
    request: HttpRequest, unit_slug: str, service_slug: str | None = None
) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    service = _service(unit, service_slug)
    return _download(
        qr_svg(public_url(request, unit, service)),
        "image/svg+xml",
        _file_name(unit, service, "qr.svg"),
    )


@login_required
@require_GET
def poster_pdf_download(
    request: HttpRequest, unit_slug: str, service_slug: str | None = None
) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    service = _service(unit, service_slug)
    data = poster_data(unit=unit, service=service, url=public_url(request, unit, service))
    return _download(poster_pdf(data), "application/pdf", _file_name(unit, service, "poster.pdf"))
