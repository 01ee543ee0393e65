"""The public survey form: /s/<unit>/, /s/<unit>/<service>/ and the thank-you page.

Anonymous visitors only. A POST passes, in this order: survey open? honeypot (silent),
form-instance token, replay of an accepted form (lands on the thank-you page again),
invitation, answers, fill time, rate limit; then one service call stores the response
(held for review when its address sent more forms this hour than the unit's threshold,
refused only above the hard ceiling: skm.surveys.abuse.rate_check).
Every refusal is counted per unit, day and reason (``rejection_record``), nothing else.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from skm.org.models import Service, Unit
from skm.public.forms import SurveyForm
from skm.reports.data import number_style
from skm.surveys import abuse
from skm.surveys.invitations import (
    InvitationError,
    InvitationMissing,
    invitation_check,
    offered_service,
    response_create_invited,
)
from skm.surveys.models import Period, Rejection, Response
from skm.surveys.publication import published_result
from skm.surveys.selectors import (
    latest_publication,
    period_in_force,
    questionnaire_elements,
)
from skm.surveys.services import rejection_record, response_create

Reason = Rejection.Reason


def _see_other(url: str) -> HttpResponseRedirect:
    # 303: the browser follows with a GET, and "back" never offers to resend the answers.
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "public/not_found.html", status=404)


def _unit(slug: str) -> Unit | None:
    return Unit.objects.select_related("agency").filter(slug=slug).first()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def survey_form(
    request: HttpRequest, unit_slug: str, service_slug: str | None = None
) -> HttpResponse:
    unit = _unit(unit_slug)
    if unit is None:
        return _not_found(request)
    service = None
    if service_slug is not None:
        service = offered_service(unit, service_slug)
        if service is None:
            return _not_found(request)
    return _survey(request, unit, service)


def _survey(request: HttpRequest, unit: Unit, service: Service | None) -> HttpResponse:
    period = period_in_force(unit)
    posted = request.method == "POST"
    if period is None:
        if posted:
            rejection_record(unit=unit, reason=Reason.CLOSED)
        return render(
            request,
            "public/closed.html",
            {"unit": unit, "publication": latest_publication(unit)},
        )
    thanks = reverse("public:thanks", args=[unit.slug])

    if posted and abuse.honeypot_filled(request.POST):
        # A bot: it gets the same answer as a person, so it learns nothing to adapt to.
        rejection_record(unit=unit, reason=Reason.HONEYPOT)
        return _see_other(thanks)

    invitation_token = (request.POST if posted else request.GET).get("t", "").strip()
    notice = ""
    instance = None
    if posted:
        try:
            instance = abuse.form_token_read(request.POST.get("form_token", ""), unit=unit)
        except abuse.FormTokenInvalid:
            rejection_record(unit=unit, reason=Reason.INVALID)
            notice = _(
                "This form could not be accepted because it was open too long or was "
                "altered. Your answers are kept below: check them and send the form again."
            )
        else:
            if Response.all_objects.filter(
                agency_id=unit.agency_id, client_id=instance.id, unit=unit
            ).exists():
                return _see_other(thanks)

    invitation = None
    if unit.invitation_required:
        try:
            invitation = invitation_check(unit=unit, token=invitation_token, service=service)
        except InvitationError as error:
            if posted:
                rejection_record(unit=unit, reason=error.reason)
            return _invitation_refused(request, unit, error)
        service = service or invitation.service

    elements = questionnaire_elements(period)
    form_kwargs = {"elements": elements, "unit": unit, "service_locked": service is not None}
    if not posted:
        form = SurveyForm(
            initial={"form_token": abuse.form_token_issue(unit=unit), "t": invitation_token},
            **form_kwargs,
        )
        return _render_form(request, unit, period, service, form)

    data = request.POST.copy()
    if instance is None:
        data["form_token"] = abuse.form_token_issue(unit=unit)
    form = SurveyForm(data, **form_kwargs)
    if instance is None:
        form.is_valid()  # show the field errors too, with the fresh token
        return _render_form(request, unit, period, service, form, notice=notice, status=400)
    if not form.is_valid():
        rejection_record(unit=unit, reason=Reason.INVALID)
        return _render_form(request, unit, period, service, form, status=400)
    if abuse.filled_too_fast(instance):
        rejection_record(unit=unit, reason=Reason.TOO_FAST)
        # Not "thank you": nothing was sent yet, and the respondent must act (issue #15).
        notice = _(
            "Your answers have not been sent yet. Please check them below, then press "
            "“Send answers” again."
        )
        return _render_form(request, unit, period, service, form, notice=notice, status=400)
    verdict = abuse.rate_check(request=request, unit=unit, period=period)
    if verdict is abuse.Verdict.REFUSE:
        rejection_record(unit=unit, reason=Reason.RATE_LIMIT)
        notice = _(
            "Too many surveys were sent from your network in the last hour. Your answers "
            "are kept: please try again later."
        )
        return _render_form(request, unit, period, service, form, notice=notice, status=429)

    fields = {
        "period": period,
        "unit": unit,
        "channel": Response.Channel.ONLINE,
        "answers": form.answers(),
        "service": service or form.chosen_service(),
        "gender": form.cleaned_data["gender"],
        "age": form.cleaned_data["age"],
        "education": form.cleaned_data["education"],
        "occupation": form.cleaned_data["occupation"],
        "occupation_other": form.cleaned_data["occupation_other"],
        "suggestion": form.cleaned_data["suggestion"],
        "client_id": instance.id,
        # The respondent sees the same thank-you page: a held answer is not lost.
        "hold_reason": Response.HoldReason.RATE_LIMIT if verdict is abuse.Verdict.HOLD else "",
    }
    if invitation is not None:
        try:
            response_create_invited(token=invitation_token, **fields)
        except InvitationError as error:
            rejection_record(unit=unit, reason=error.reason)
            return _invitation_refused(request, unit, error)
    else:
        response_create(**fields)
    return _see_other(thanks)


def _invitation_refused(request: HttpRequest, unit: Unit, error: InvitationError) -> HttpResponse:
    context = {
        "unit": unit,
        "message": error.message,
        "missing": isinstance(error, InvitationMissing),
    }
    return render(request, "public/invitation_refused.html", context, status=403)


def _render_form(
    request: HttpRequest,
    unit: Unit,
    period: Period,
    service: Service | None,
    form: SurveyForm,
    *,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "unit": unit,
        "period": period,
        "service": service,
        "form": form,
        "summary": form.error_summary() if form.is_bound else [],
        "notice": notice,
        "honeypot": form[abuse.HONEYPOT_FIELD],
    }
    return render(request, "public/form.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def thanks(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = _unit(unit_slug)
    if unit is None:
        return _not_found(request)
    publication = latest_publication(unit)
    result = None
    if publication is not None:
        # The public figures only (docs/privacy.md): none of a period that is not closed,
        # which is the one a person just answered, and none under the minimum-cell rule.
        result = published_result(publication)
        if result.ikm is None:
            result = None
    return render(
        request,
        "public/thanks.html",
        {
            "unit": unit,
            "publication": publication,
            "result": result,
            "number_style": number_style(unit),
        },
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a page a person can act on instead of Django's 403.

    Counted as a rejection only on the public form, whose unit the URL names; a refused
    staff form is not a survey submission.
    """
    unit = None
    form_url = None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is not None and match.view_name in ("public:form", "public:form_service"):
        unit = _unit(match.kwargs.get("unit_slug", ""))
        if unit is not None:
            rejection_record(unit=unit, reason=Reason.CSRF)
            form_url = request.get_full_path()
            token = request.POST.get("t", "").strip() if request.method == "POST" else ""
            if token and "t=" not in form_url:
                form_url = f"{request.path}?{urlencode({'t': token})}"
    return render(
        request, "public/csrf_failure.html", {"unit": unit, "form_url": form_url}, status=403
    )
