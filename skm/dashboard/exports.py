"""Exports of a period's responses (unit administrators): CSV and the olah data workbook."""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from skm.dashboard.forms import ExportForm
from skm.org.access import MANAGE_ROLES, unit_for_user
from skm.org.models import Service, Unit
from skm.surveys.models import Period
from skm.surveys.results import default_period
from skm.transfer.exports import olah_data_write, responses_csv
from skm.transfer.jobs import periods_for_import


def export_services(unit: Unit):
    """Services a response in the unit's subtree may carry: above, own and below."""
    ids = [u.pk for u in unit.ancestors()] + list(unit.subtree().values_list("pk", flat=True))
    services = Service.objects.filter(unit__in=ids).select_related("unit")
    return services.order_by("unit__path", "name")


def _file_name(unit: Unit, period: Period, service: Service | None, extension: str) -> str:
    # Slugs only (ASCII letters, digits, hyphens): safe in Content-Disposition.
    parts = ["skm", unit.slug, period.slug, *([service.slug] if service else [])]
    stamp = timezone.localdate().strftime("%Y%m%d")
    return f"{'-'.join(parts)}-{stamp}.{extension}"


@login_required
@require_GET
def export_page(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    periods = periods_for_import(unit)
    services = export_services(unit)
    if "format" not in request.GET:
        # the period the results and reports pages open on (skm.surveys.results.default_period)
        period = default_period(unit, list(periods))
        form = ExportForm(
            periods=periods, services=services, initial={"format": "xlsx", "period": period}
        )
        return render(request, "dashboard/export.html", {"unit": unit, "form": form})
    form = ExportForm(request.GET, periods=periods, services=services)
    if not form.is_valid():
        return render(request, "dashboard/export.html", {"unit": unit, "form": form})
    period = form.cleaned_data["period"]
    service = form.cleaned_data["service"]
    if period.raw_removed_at is not None:
        from skm.surveys.retention import RawDataRemoved

        form.add_error("period", str(RawDataRemoved(period)))
        return render(request, "dashboard/export.html", {"unit": unit, "form": form})
    from skm.audit.signals import record

    record(
        "export",
        model="surveys.response",
        object_repr=f"{unit.name} {period.name} ({form.cleaned_data['format']})",
        unit=unit,
        note=f"service: {service.name}" if service else "",
    )
    if form.cleaned_data["format"] == "csv":
        response = StreamingHttpResponse(
            responses_csv(period, unit, service), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(
            True, _file_name(unit, period, service, "csv")
        )
        response["Cache-Control"] = "private, no-store"
        return response
    # A temporary file rather than memory: XlsxWriter's constant-memory mode keeps rows out
    # of memory, and the finished workbook is streamed from disk (deleted when closed).
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by FileResponse)
    try:
        olah_data_write(period=period, unit=unit, service=service, target=target)
        target.seek(0)
    except BaseException:
        target.close()
        raise
    response = FileResponse(
        target,
        as_attachment=True,
        filename=_file_name(unit, period, service, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response
