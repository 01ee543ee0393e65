"""A period's individual responses of a unit, and deleting one with a reason:
/staf/unit/<unit>/jawaban/ (unit and agency administrators; docs/operations.md).

Deleting keeps the response as a record (who, when, why), takes it out of every count and
result, and writes the audit trail; nothing is ever removed for good from here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skm.org.access import MANAGE_ROLES, unit_for_user
from skm.surveys.models import Response
from skm.surveys.results import newest_with_responses, periods_covering
from skm.surveys.services import response_delete

PER_PAGE = 50


def _period(unit, ref: str):
    periods = periods_covering(unit)
    for period in periods:
        if period.slug == ref:
            return periods, period
    return periods, newest_with_responses(unit, periods)


@login_required
@require_GET
def response_list(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    periods, period = _period(unit, request.GET.get("periode", ""))
    context: dict = {"unit": unit, "periods": periods, "period": period}
    if period is not None:
        rows = (
            Response.objects.filter(period=period, unit__path__startswith=unit.path)
            .select_related("service", "unit")
            .prefetch_related("answers__element")
            .order_by("-submitted_at", "-pk")
        )
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get("halaman"))
        for response in page.object_list:
            response.scores = " ".join(
                f"{a.element.code}:{a.value}"
                for a in sorted(response.answers.all(), key=lambda a: a.element.position)
            )
        context["page"] = page
        context["deleted"] = list(
            Response.all_objects.filter(
                period=period, unit__path__startswith=unit.path, deleted_at__isnull=False
            )
            .select_related("deleted_by")
            .order_by("-deleted_at")[:50]
        )
    return render(request, "dashboard/responses.html", context)


@login_required
@require_POST
def response_remove(request: HttpRequest, unit_slug: str, response_id: int) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    response = (
        Response.objects.filter(pk=response_id, unit__path__startswith=unit.path)
        .select_related("period")
        .first()
    )
    if response is None:
        raise Http404
    try:
        response_delete(response=response, reason=request.POST.get("reason", ""), user=request.user)
        messages.success(
            request,
            _("Response #%(id)s was deleted; the reason is recorded.") % {"id": response_id},
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    url = reverse("dashboard:responses", args=[unit.slug]) + f"?periode={response.period.slug}"
    return redirect(url)
