"""The import page: upload a response file, see its check, confirm, watch it load.

Operators and administrators (ENTRY_ROLES) import; the work happens in skm.transfer.jobs,
outside the request.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skm.dashboard.forms import ImportConfirmForm, ImportUploadForm
from skm.org.access import ENTRY_ROLES, unit_for_user
from skm.org.models import Unit
from skm.surveys.models import ImportJob
from skm.surveys.selectors import method_elements, period_in_force, questionnaire_elements
from skm.transfer.jobs import (
    _FIELD_LABELS,
    PROFILE_TOKENS,
    import_job_cancel,
    import_job_confirm,
    import_job_correctable,
    import_job_create,
    import_job_progress,
    import_job_remap,
    megabytes,
    periods_for_import,
    services_for_unit,
)

Status = ImportJob.Status
RECENT_JOBS = 10
# Pages of jobs still moving reload themselves (no JavaScript needed).
REFRESH_SECONDS = 2


class _SizeLimit(FileUploadHandler):
    """Stops storing an upload as soon as it passes settings.IMPORT_MAX_BYTES.

    Django would otherwise write the whole body to a temporary file before the view could
    look at its size.
    """

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.IMPORT_MAX_BYTES:
            self.request.import_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _job(unit: Unit, job_ref) -> ImportJob:
    job = (
        ImportJob.objects.filter(unit=unit, stored_name=str(job_ref))
        .select_related("period", "period__unit", "service", "unit", "batch")
        .first()
    )
    if job is None:
        raise Http404
    return job


@login_required
@csrf_exempt
def import_upload(request: HttpRequest, unit_slug: str) -> HttpResponse:
    # The size limit must be in place before anything reads the body (the CSRF check
    # does), hence csrf_exempt here and csrf_protect on the real view.
    request.upload_handlers.insert(0, _SizeLimit(request))
    return _import_upload(request, unit_slug)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _import_upload(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, ENTRY_ROLES)
    periods = periods_for_import(unit)
    services = services_for_unit(unit)
    max_mb = megabytes(settings.IMPORT_MAX_BYTES)
    if request.method == "POST":
        form = ImportUploadForm(
            request.POST, request.FILES, periods=periods, services=services, max_mb=max_mb
        )
        if getattr(request, "import_too_large", False):
            form.add_error(
                "file",
                _("The file is too large; at most %(max)s MB can be imported.") % {"max": max_mb},
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                job = import_job_create(
                    unit=unit,
                    period=data["period"],
                    service=data["service"],
                    upload=data["file"],
                    sheet=data["sheet"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return redirect("dashboard:import_job", unit.slug, job.stored_name)
    else:
        in_force = period_in_force(unit)
        form = ImportUploadForm(
            periods=periods,
            services=services,
            max_mb=max_mb,
            initial={"period": in_force.pk if in_force else None},
        )
    jobs = ImportJob.objects.filter(unit=unit).select_related("period")[:RECENT_JOBS]
    return render(
        request,
        "dashboard/import_upload.html",
        {
            "unit": unit,
            "form": form,
            "jobs": jobs,
        },
    )


def _job_context(job: ImportJob) -> dict:
    preview = job.preview or {}
    done = import_job_progress(job)
    total = job.estimated_rows or 0
    moving = job.status in (Status.CHECKING, Status.QUEUED, Status.RUNNING)
    return {
        "job": job,
        "preview": preview,
        "columns": preview.get("columns", []),
        "preview_rows": preview.get("rows", []),
        "element_codes": preview.get("elements", []),
        "profile_fields": preview.get("profile_fields", []),
        "done": done,
        "total": total,
        "percent": min(100, round(100 * done / total)) if total else None,
        "moving": moving,
        "refresh": REFRESH_SECONDS if moving else None,
        "more_problems": max(0, job.problem_count - len(job.problems or [])),
        **_columns_context(job),
    }


def _columns_context(job: ImportJob) -> dict:
    """The form that corrects how each column is read (issue #13, point 9)."""
    if not import_job_correctable(job):
        return {"correctable": False}
    preview = job.preview
    elements = method_elements(questionnaire_elements(job.period))
    choices = [("-", _("Ignored"))]
    choices += [(e.code, f"{e.code} {e.name}") for e in elements]
    choices += [(token, _FIELD_LABELS[field]) for field, token in PROFILE_TOKENS.items()]
    rows = []
    for index, column in enumerate(preview["all_columns"]):
        role = column.get("role") or ""
        current = PROFILE_TOKENS.get(role, role) or "-"
        rows.append({**column, "name": f"kolom_{index}", "current": current})
    return {
        "correctable": True,
        "column_rows": rows,
        "column_choices": choices,
        "order": (job.mapping or {}).get("order", ""),
        "orders": [
            ("", _("As the reader decides (numbered: the questionnaire's order)")),
            ("kuesioner", _("Questionnaire order: 8 = facilities, 9 = complaints")),
            ("daftar", _("List of elements (BAB I): 8 = complaints, 9 = facilities")),
        ],
    }


@login_required
@require_POST
def import_job_columns_view(request: HttpRequest, unit_slug: str, job_ref) -> HttpResponse:
    """Check the file again with the columns as staff corrected them."""
    unit = unit_for_user(request.user, unit_slug, ENTRY_ROLES)
    job = _job(unit, job_ref)
    context = _columns_context(job)
    if not context["correctable"]:
        messages.error(request, _("The columns of this import can no longer be changed."))
        return redirect("dashboard:import_job", unit.slug, job.stored_name)
    allowed = {value for value, _label in context["column_choices"]}
    columns = []
    for row in context["column_rows"]:
        value = request.POST.get(row["name"], "-")
        columns.append(value if value in allowed else "-")
    order = request.POST.get("urutan", "")
    try:
        import_job_remap(job=job, columns=columns, order=order)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file is checked again with your column choices."))
    return redirect("dashboard:import_job", unit.slug, job.stored_name)


@login_required
@require_GET
def import_job_page(request: HttpRequest, unit_slug: str, job_ref) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, ENTRY_ROLES)
    job = _job(unit, job_ref)
    context = {"unit": unit, **_job_context(job), "confirm_form": ImportConfirmForm()}
    return render(request, "dashboard/import_job.html", context)


@login_required
@require_GET
def import_job_status(request: HttpRequest, unit_slug: str, job_ref) -> JsonResponse:
    unit = unit_for_user(request.user, unit_slug, ENTRY_ROLES)
    job = _job(unit, job_ref)
    context = _job_context(job)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": str(job.get_status_display()),
            "rows_done": context["done"],
            "estimated_rows": job.estimated_rows,
            "percent": context["percent"],
            "problem_count": job.problem_count,
            "finished": not context["moving"],
        }
    )


@login_required
@require_POST
def import_job_confirm_view(request: HttpRequest, unit_slug: str, job_ref) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, ENTRY_ROLES)
    job = _job(unit, job_ref)
    form = ImportConfirmForm(request.POST)
    if form.is_valid():
        try:
            import_job_confirm(job=job, force=form.cleaned_data["force"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("dashboard:import_job", unit.slug, job.stored_name)
    context = {"unit": unit, **_job_context(job), "confirm_form": form}
    return render(request, "dashboard/import_job.html", context)


@login_required
@require_POST
def import_job_cancel_view(request: HttpRequest, unit_slug: str, job_ref) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, ENTRY_ROLES)
    job = _job(unit, job_ref)
    try:
        import_job_cancel(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dashboard:import_job", unit.slug, job.stored_name)
    messages.success(request, _("Import of %(name)s cancelled.") % {"name": job.original_name})
    return redirect("dashboard:import", unit.slug)
