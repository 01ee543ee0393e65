"""Suggestions inbox: every saran/masukan of a unit's subtree for a period, with its element
and status. Everyone with a role reads; operators and admins change element and status.

A member who may only read (pimpinan) gets 404 on the change form's POST, like any object
they cannot change: the access helpers never answer 403, so nothing about what exists leaks.
Opening the inbox gives suggestions that have no review yet the lexicon's proposal (a
small idempotent write), so that filters and counts by element cover every suggestion.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from skm.org.access import ENTRY_ROLES, READ_ROLES, unit_for_user, user_can
from skm.org.models import Unit
from skm.surveys.models import Period, Response, SuggestionReview
from skm.surveys.selectors import questionnaire_elements
from skm.surveys.suggestions import (
    BULK_ACCEPT,
    BULK_ELEMENT,
    BULK_STATUS,
    NO_ELEMENT,
    SuggestionReviewError,
    suggestion_counts,
    suggestion_review_set,
    suggestion_reviews_backfill,
    suggestion_reviews_bulk,
    suggestion_themes,
    suggestions_for,
)

PER_PAGE = 50
# The query parameters of the inbox that a change form carries back after saving.
FILTER_KEYS = ("periode", "q", "status", "unsur", "tema", "halaman")


def _periods(unit: Unit):
    return (
        Period.objects.filter(unit__in=[unit, *unit.ancestors()])
        .select_related("unit", "questionnaire")
        .order_by("-start_date", "-unit__depth")
    )


def _chosen_period(unit: Unit, periods, ref: str) -> Period | None:
    """The period named by slug (the nearest unit's when slugs repeat up the tree), else the
    latest period with responses in the unit's subtree, else the latest period."""
    listed = list(periods)
    if ref:
        for period in sorted(listed, key=lambda p: -p.unit.depth):
            if period.slug == ref:
                return period
    for period in listed:
        if Response.objects.filter(period=period, unit__path__startswith=unit.path).exists():
            return period
    return listed[0] if listed else None


def _element_choices(period: Period) -> list[tuple[str, str]]:
    return [(e.code, f"{e.code} {e.name}") for e in questionnaire_elements(period)]


class SuggestionFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Words in the text"), required=False, max_length=200)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    unsur = forms.ChoiceField(label=gettext_lazy("Element"), required=False)
    tema = forms.ChoiceField(label=gettext_lazy("Theme"), required=False)

    def __init__(self, *args, elements: list[tuple[str, str]], themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("All statuses")),
            *SuggestionReview.Status.choices,
        ]
        self.fields["unsur"].choices = [
            ("", _("All elements")),
            *elements,
            (NO_ELEMENT, _("No element")),
        ]
        self.fields["tema"].choices = [("", _("All themes")), *themes]


class SuggestionReviewForm(forms.Form):
    response = forms.IntegerField(widget=forms.HiddenInput)
    element = forms.ChoiceField(label=gettext_lazy("Element"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=SuggestionReview.Status.choices
    )
    back = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)

    def __init__(self, *args, elements: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element"].choices = [*elements, ("", _("Not about an element"))]


def _back_query(raw: str) -> str:
    """Only the inbox's own filter parameters survive the round trip."""
    given = QueryDict(raw.lstrip("?"))
    kept = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        value = given.get(key)
        if value:
            kept[key] = value
    return kept.urlencode()


def _inbox_url(unit: Unit, query: str) -> str:
    url = reverse("dashboard:suggestions", args=[unit.slug])
    return f"{url}?{query}" if query else url


@login_required
@require_GET
def suggestion_inbox(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    periods = _periods(unit)
    period = _chosen_period(unit, periods, request.GET.get("periode", ""))
    context: dict = {"unit": unit, "period": period, "periods": periods}
    if period is None:
        return render(request, "dashboard/suggestions.html", context)

    suggestion_reviews_backfill(unit=unit, period=period)
    elements = _element_choices(period)
    element_names = dict(elements)
    filters = SuggestionFilterForm(
        request.GET, elements=elements, themes=suggestion_themes(unit, period)
    )
    # An invalid field (an element of another period's questionnaire) is dropped alone.
    filters.is_valid()
    chosen = filters.cleaned_data
    rows = suggestions_for(
        unit,
        period,
        query=chosen.get("q") or None,
        status=chosen.get("status") or None,
        element=chosen.get("unsur") or None,
        theme=chosen.get("tema") or None,
    ).prefetch_related("plan_items__priority__plan__unit")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("halaman"))
    can_change = user_can(request.user, unit, ENTRY_ROLES)
    back = _back_query(request.GET.urlencode())
    items = []
    for response in page.object_list:
        items.append(
            {
                "response": response,
                "element_name": element_names.get(response.review_element, ""),
                "status_label": SuggestionReview.Status(response.review_status).label,
                "form": SuggestionReviewForm(
                    initial={
                        "response": response.pk,
                        "element": response.review_element,
                        "status": response.review_status,
                        "back": back,
                    },
                    elements=elements,
                    auto_id=f"r{response.pk}_%s",
                )
                if can_change
                else None,
            }
        )
    counts = suggestion_counts(unit, period)
    page_query = QueryDict(mutable=True)
    for key in ("periode", "q", "status", "unsur", "tema"):
        if request.GET.get(key):
            page_query[key] = request.GET[key]
    context.update(
        {
            "filters": filters,
            "page": page,
            "items": items,
            "can_change": can_change,
            "counts": counts,
            "status_counts": [
                (value, label, counts.by_status.get(value, 0))
                for value, label in SuggestionReview.Status.choices
            ],
            "element_counts": [
                (code, name, counts.by_element.get(code, 0)) for code, name in elements
            ]
            + [(NO_ELEMENT, _("No element"), counts.by_element.get("", 0))],
            "page_query": page_query.urlencode(),
            "filtered": any(request.GET.get(key) for key in ("q", "status", "unsur", "tema")),
            "back": back,
            "bulk_elements": [("", "–"), *elements, (NO_ELEMENT, _("Not about an element"))],
            "bulk_statuses": [("", "–"), *SuggestionReview.Status.choices],
            "unconfirmed_shown": sum(
                1
                for item in items
                if item["element_name"] and not item["response"].review_confirmed
            ),
        }
    )
    return render(request, "dashboard/suggestions.html", context)


@login_required
@require_POST
def suggestion_review(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, ENTRY_ROLES)
    ref = request.POST.get("response", "")
    if not ref.isdigit():
        raise Http404
    response = (
        Response.objects.filter(pk=int(ref), unit__path__startswith=unit.path)
        .exclude(suggestion="")
        .select_related("period__questionnaire")
        .first()
    )
    if response is None:
        raise Http404
    form = SuggestionReviewForm(request.POST, elements=_element_choices(response.period))
    back = _back_query(request.POST.get("back", ""))
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(errors)}"
            for name, errors in form.errors.items()
            if name in form.fields
        )
        messages.error(
            request,
            _("The suggestion was not changed. %(problems)s") % {"problems": problems},
        )
        return redirect(_inbox_url(unit, back))
    try:
        suggestion_review_set(
            response=response,
            element=form.cleaned_data["element"],
            status=form.cleaned_data["status"],
            user=request.user,
        )
    except SuggestionReviewError as error:
        messages.error(request, error.message)
        return redirect(_inbox_url(unit, back))
    messages.success(request, _("Suggestion saved."))
    return redirect(f"{_inbox_url(unit, back)}#saran-{response.pk}")


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()][: PER_PAGE * 2]


@login_required
@require_POST
def suggestion_bulk(request: HttpRequest, unit_slug: str) -> HttpResponse:
    """One decision for the suggestions ticked (or all those shown) in the inbox: a status,
    an element, or the automatic element accepted. Only the suggestions of the units the
    person may change (ENTRY_ROLES on this unit and those below it) are touched; the
    service ignores any other id."""
    unit = unit_for_user(request.user, unit_slug, ENTRY_ROLES)
    ref = request.POST.get("periode", "")
    period = next(
        (p for p in sorted(_periods(unit), key=lambda p: -p.unit.depth) if p.slug == ref), None
    )
    if period is None:
        raise Http404
    back = _back_query(request.POST.get("back", ""))
    action = request.POST.get("aksi", "")
    everything = action == BULK_ACCEPT or request.POST.get("semua") == "1"
    ids = _ids(request.POST.getlist("tampil" if everything else "pilih"))
    element = request.POST.get("unsur_baru", "")
    status = request.POST.get("status_baru", "")
    problem = ""
    if not ids:
        problem = _("Tick at least one suggestion, or “select all shown”.")
    elif action == BULK_STATUS and not status:
        problem = _("Choose the status to give the selected suggestions.")
    elif action == BULK_ELEMENT and not element:
        problem = _("Choose the element to give the selected suggestions.")
    if problem:
        messages.error(request, _("Nothing was changed. %(problem)s") % {"problem": problem})
        return redirect(_inbox_url(unit, back))
    try:
        changed = suggestion_reviews_bulk(
            unit=unit,
            period=period,
            response_ids=ids,
            action=action,
            user=request.user,
            element="" if element == NO_ELEMENT else element,
            status=status,
        )
    except SuggestionReviewError as error:
        messages.error(request, error.message)
        return redirect(_inbox_url(unit, back))
    messages.success(
        request,
        ngettext("%(n)s suggestion changed.", "%(n)s suggestions changed.", changed)
        % {"n": changed},
    )
    return redirect(_inbox_url(unit, back))
