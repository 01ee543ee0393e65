"""An agency's documents: /staf/instansi/<agency>/laporan/ (docs/reports.md).

The Laporan Rekapitulasi IKM of a whole agency (a Pemerintah Kota and every unit in it),
for the people holding a role on the whole agency (a membership without a unit; an agency
administrator, typically the Bagian Organisasi); a role on one unit does not open it
(skm.org.access.agency_for_user: 404 otherwise). Made by the same background job as a
unit's documents (skm.reports.jobs), downloaded through the agency.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skm.dashboard.reports import PARTS, YearForm, job_download, job_page, recap_periods, years_of
from skm.org.access import READ_ROLES, agency_for_user
from skm.reports.documents import RECAP
from skm.reports.jobs import report_job_create
from skm.reports.models import ReportJob


def _page_url(agency, year=None) -> str:
    url = reverse("dashboard:agency_reports", args=[agency.slug])
    return url + (f"?tahun={year}" if year else "")


@login_required
@require_GET
def agency_report_page(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = agency_for_user(request.user, agency_slug, READ_ROLES)
    chosen = request.GET.get("tahun", "")
    return render(
        request,
        "dashboard/agency_reports.html",
        {
            "agency": agency,
            "years": years_of(recap_periods(agency=agency)),
            "year_chosen": int(chosen) if chosen.isdigit() else None,
            "parts": PARTS,
            "today": timezone.localdate().isoformat(),
            "jobs": list(ReportJob.objects.filter(agency=agency).order_by("-created_at")[:10]),
        },
    )


@login_required
@require_POST
def agency_report_make(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = agency_for_user(request.user, agency_slug, READ_ROLES)
    form = YearForm(request.POST, years=years_of(recap_periods(agency=agency)), kinds=(RECAP,))
    if not form.is_valid():
        messages.error(request, _("The document was not made: choose a year and a format."))
        return redirect(_page_url(agency))
    data = form.cleaned_data
    job = report_job_create(
        agency=agency,
        kind=RECAP,
        fmt=data["fmt"],
        year=data["year"],
        part=data["part"] or "",
        signed_on=data["signed_on"] or timezone.localdate(),
        user=request.user,
    )
    return redirect("dashboard:agency_report_job", agency.slug, job.ref)


def _job(agency, ref) -> ReportJob:
    job = ReportJob.objects.filter(ref=ref, agency=agency).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def agency_report_job(request: HttpRequest, agency_slug: str, ref) -> HttpResponse:
    agency = agency_for_user(request.user, agency_slug, READ_ROLES)
    job = _job(agency, ref)
    return job_page(request, job, agency=agency, back=_page_url(agency, job.year))


@login_required
@require_GET
def agency_report_download(request: HttpRequest, agency_slug: str, ref) -> FileResponse:
    agency = agency_for_user(request.user, agency_slug, READ_ROLES)
    return job_download(_job(agency, ref))
