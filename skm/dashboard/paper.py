"""Paper entry: an operator types paper questionnaires, keyboard only, one after another.

Period: the one chosen in the list, else the period in force today. The list holds the open
and draft periods covering the unit (questionnaires collected in a period are often typed
days later, and a draft period can be tried out before it opens); closed periods are not
offered because their results have been reported.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from skm.dashboard.forms import EDUCATION_CODES, OCCUPATION_CODES, PaperForm, PaperPeriodForm
from skm.org.access import ENTRY_ROLES, unit_for_user
from skm.org.models import Unit
from skm.surveys.models import Period, Response
from skm.surveys.selectors import period_in_force, questionnaire_elements
from skm.surveys.services import response_create, response_delete
from skm.surveys.text import clean_text
from skm.transfer.jobs import services_for_unit


def paper_periods(unit: Unit):
    """Open and draft periods covering the unit, open first, newest first."""
    return (
        Period.objects.filter(
            unit__in=[unit, *unit.ancestors()],
            status__in=[Period.Status.OPEN, Period.Status.DRAFT],
        )
        .select_related("unit")
        .order_by("-status", "-start_date", "-unit__depth")
    )


def paper_count_today(unit: Unit) -> int:
    """Paper questionnaires typed today (Asia/Jakarta) for this unit."""
    return Response.objects.filter(
        unit=unit, channel=Response.Channel.PAPER, created_at__date=timezone.localdate()
    ).count()


def _chosen_period(request: HttpRequest, unit: Unit, periods) -> Period | None:
    ref = request.GET.get("periode", "")
    if ref.isdigit():
        chosen = periods.filter(pk=int(ref)).first()
        if chosen is not None:
            return chosen
    in_force = period_in_force(unit)
    if in_force is not None and periods.filter(pk=in_force.pk).exists():
        return in_force
    return periods.first()


def _default_date(request: HttpRequest, period: Period) -> dt.date | None:
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("tanggal", ""))
    except ValueError:
        day = today
    if period.start_date <= day <= min(period.end_date, today):
        return day
    if period.start_date <= today <= period.end_date:
        return today
    return None


# The button that saves an incomplete questionnaire, and the session key of the entry the
# person saved last (the one "Urungkan" takes back).
CONFIRM = "simpan_tidak_lengkap"
LAST_KEY = "paper_last"


def _save(request: HttpRequest, unit: Unit, period: Period, form: PaperForm):
    """Store the questionnaire; a redirect to a fresh form, or None (errors on the form)."""
    data = form.cleaned_data
    missing = form.missing()
    try:
        response = response_create(
            period=period,
            unit=unit,
            channel=Response.Channel.PAPER,
            answers=data["answers"],
            service=data.get("service"),
            submitted_at=form.submitted_at(),
            gender=data["gender"],
            age=data["age"],
            education=data["education"],
            occupation=data["occupation"],
            occupation_other=data["occupation_other"],
            suggestion=clean_text(data["suggestion"]),
            client_id=data["client_id"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    request.session[LAST_KEY] = {
        "response": response.pk,
        "unit": unit.pk,
        "missing": [str(what) for _name, what in missing],
    }
    n = paper_count_today(unit)
    if missing:
        messages.warning(
            request,
            _("Saved INCOMPLETE: questionnaire no. %(n)s today, without %(missing)s.")
            % {"n": n, "missing": ", ".join(str(what) for _name, what in missing)},
        )
    else:
        messages.success(request, _("Saved complete: questionnaire no. %(n)s today.") % {"n": n})
    query = urlencode({"periode": period.pk, "tanggal": data["survey_date"].isoformat()})
    return redirect(f"{reverse('dashboard:paper', args=[unit.slug])}?{query}")


def _last_entry(request: HttpRequest, unit: Unit) -> Response | None:
    """The questionnaire this person saved last in this session for this unit, while it
    still counts."""
    last = request.session.get(LAST_KEY) or {}
    if last.get("unit") != unit.pk:
        return None
    return (
        Response.objects.filter(pk=last.get("response"), unit=unit, channel=Response.Channel.PAPER)
        .select_related("period")
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, ENTRY_ROLES)
    periods = paper_periods(unit)
    period = _chosen_period(request, unit, periods)
    context = {
        "unit": unit,
        "period": period,
        "period_form": PaperPeriodForm(
            periods=periods, initial={"periode": period.pk if period else None}
        ),
        "period_count": periods.count(),
        "today_count": paper_count_today(unit),
        "education_codes": EDUCATION_CODES,
        "occupation_codes": OCCUPATION_CODES,
    }
    if period is None:
        return render(request, "dashboard/paper.html", context)

    form_args = {
        "period": period,
        "elements": questionnaire_elements(period),
        "services": services_for_unit(unit),
    }
    missing: list[tuple[str, str]] = []
    if request.method == "POST":
        form = PaperForm(request.POST, **form_args)
        if form.is_valid():
            missing = form.missing()
            # Only the explicit button saves an incomplete questionnaire: Enter presses the
            # form's first button ("Simpan"), which checks again and asks once more.
            if not missing or request.POST.get(CONFIRM) == "1":
                saved = _save(request, unit, period, form)
                if saved is not None:
                    return saved
    else:
        form = PaperForm(initial=PaperForm.initial_for(_default_date(request, period)), **form_args)
    if form.errors:
        missing = []
    last = _last_entry(request, unit)
    if not missing:  # else the notice of what is missing takes the focus (autofocus)
        form.focus_first()
    context.update(
        {
            "form": form,
            "action": f"?{urlencode({'periode': period.pk})}",
            "missing": missing,
            "confirm_name": CONFIRM,
            "last_entry": last,
            "last_missing": (request.session.get(LAST_KEY) or {}).get("missing", [])
            if last
            else [],
        }
    )
    return render(request, "dashboard/paper.html", context)


@login_required
@require_POST
def paper_undo(request: HttpRequest, unit_slug: str) -> HttpResponse:
    """Take back the questionnaire this person saved last in this session: deleted as any
    response is (response_delete: counts taken off in the same transaction, the reason kept,
    an audit event). Any other response, or a second undo, is refused."""
    unit = unit_for_user(request.user, unit_slug, ENTRY_ROLES)
    last = _last_entry(request, unit)
    if last is None or request.POST.get("response") != str(last.pk):
        messages.error(request, _("Only the questionnaire you saved last can be undone here."))
        return redirect(reverse("dashboard:paper", args=[unit.slug]))
    try:
        response_delete(
            response=last,
            reason=_("Undone by the person who typed it, right after saving (paper entry)."),
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Undone: the questionnaire saved last no longer counts; type it again."),
        )
    request.session.pop(LAST_KEY, None)
    query = urlencode(
        {"periode": last.period_id, "tanggal": timezone.localtime(last.submitted_at).date()}
    )
    return redirect(f"{reverse('dashboard:paper', args=[unit.slug])}?{query}")
