"""Staff side: the units a user may see, and a unit's overview."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from skm.dashboard.cycle import unit_cycle
from skm.dashboard.twofactor import has_two_factor
from skm.org.access import (
    ENTRY_ROLES,
    MANAGE_ROLES,
    agencies_for_user,
    unit_for_user,
    units_for_user,
    user_can,
)
from skm.reports.data import number_styles
from skm.surveys.held import held_count
from skm.surveys.models import Period
from skm.surveys.selectors import period_in_force, period_result


@login_required
def home(request: HttpRequest) -> HttpResponse:
    units = list(units_for_user(request.user).select_related("agency").order_by("path"))
    # Each unit with its IKM, respondents against the sample, period state and next action.
    styles = number_styles(units)  # each unit's number style, one query for all
    cycles = [unit_cycle(unit, until_next=True, style=styles[unit.pk]) for unit in units]
    is_admin = units_for_user(request.user, MANAGE_ROLES).exists()
    return render(
        request,
        "dashboard/home.html",
        {
            "units": units,
            "cycles": cycles,
            "can_manage_accounts": is_admin,
            "suggest_two_factor": is_admin and not has_two_factor(request.user),
            "can_read_audit": request.user.is_superuser or is_admin,
            # the agency-wide documents (the IKM recap) for a role on a whole agency
            "agencies": list(agencies_for_user(request.user).order_by("name")),
            # the unit tree of an agency the user administers as a whole (docs/setup.md)
            "setup_agencies": list(agencies_for_user(request.user, MANAGE_ROLES).order_by("name")),
        },
    )


@login_required
def unit_detail(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug)
    chain = [*unit.ancestors(), unit]
    periods = Period.objects.filter(unit__in=chain).order_by("-start_date")
    rows = []
    for period in periods:
        result = period_result(period, unit=unit)
        rows.append({"period": period, "result": result})
    chosen = next(
        (r["period"] for r in rows if r["period"].slug == request.GET.get("periode")), None
    )
    cycle = unit_cycle(unit, chosen)
    return render(
        request,
        "dashboard/unit.html",
        {
            "unit": unit,
            "chain": chain,
            "rows": rows,
            "cycle": cycle,
            "number_style": cycle.number_style,
            "services": unit.services.filter(is_active=True),
            "children": unit.children.all(),
            "in_force": period_in_force(unit),
            "can_enter": user_can(request.user, unit, ENTRY_ROLES),
            "can_manage": user_can(request.user, unit, MANAGE_ROLES),
            "held": held_count(unit),
        },
    )
