"""Responses held for review (skm/surveys/held.py), accepted or rejected in bulk:
/staf/unit/<unit>/ditahan/ (unit and agency administrators, as the Responses page).

The public form holds a form instead of refusing it when more forms than the unit's
threshold came from one network address within an hour. Held responses are in no count
or result; this page shows them with the reason they were held, and accepting them
counts them, rejecting them deletes them as records with the reason given.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skm.org.access import MANAGE_ROLES, unit_for_user
from skm.surveys import abuse
from skm.surveys.held import REASON_MAX, held_accept, held_reject, held_responses
from skm.surveys.selectors import period_in_force

PER_PAGE = 100


@login_required
@require_GET
def held_list(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    rows = (
        held_responses(unit)
        .select_related("service", "unit", "period")
        .prefetch_related("answers__element")
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("halaman"))
    for response in page.object_list:
        response.scores = " ".join(
            f"{a.element.code}:{a.value}"
            for a in sorted(response.answers.all(), key=lambda a: a.element.position)
        )
    period = period_in_force(unit)
    threshold = abuse.hold_threshold(unit, period) if period is not None else None
    context = {
        "unit": unit,
        "page": page,
        "threshold": threshold,
        "ceiling": abuse.hard_ceiling(threshold) if threshold else None,
        "reason_max": REASON_MAX,
    }
    return render(request, "dashboard/held.html", context)


@login_required
@require_POST
def held_decide(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    decision = request.POST.get("decision", "")
    try:
        if decision == "accept":
            n = held_accept(unit=unit, ids=ids, user=request.user)
            messages.success(
                request,
                _("%(n)s held responses were accepted: they now count in the results.") % {"n": n},
            )
        elif decision == "reject":
            n = held_reject(
                unit=unit, ids=ids, reason=request.POST.get("reason", ""), user=request.user
            )
            messages.success(
                request,
                _("%(n)s held responses were rejected; the reason is recorded.") % {"n": n},
            )
        else:
            messages.error(request, _("Choose whether to accept or reject the selection."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("dashboard:held", args=[unit.slug]))
