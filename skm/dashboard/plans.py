"""Follow-up plan pages: /staf/unit/<unit>/rtl/... and the agency overview /staf/rtl/.

Who may do what (docs/plans.md): everyone with a role on the unit reads the plan, its items,
history and evidence; operators and admins record realisation and evidence; admins make
the plan (priorities, items, strategies), make it final and reopen it. Every object is looked
up through the unit the user may see: anything else is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from skm.org.access import (
    ENTRY_ROLES,
    MANAGE_ROLES,
    READ_ROLES,
    Role,
    unit_for_user,
    units_for_user,
    user_can,
)
from skm.org.models import Membership, Unit
from skm.plans import evidence as evidence_files
from skm.plans.catalogue import DEFAULT_CATALOGUE
from skm.plans.models import CatalogueActivity, Evidence, Plan, PlanItem, PlanPriority, Strategy
from skm.plans.selectors import agency_overview, agency_totals, change_lines, plan_view
from skm.plans.services import (
    PlanError,
    evidence_add,
    evidence_remove,
    evidence_set_public,
    item_create,
    item_delete,
    item_move,
    item_update,
    plan_create,
    plan_finalise,
    plan_reopen,
    plan_set_report_date,
    priority_add,
    priority_drop,
    priority_move,
    realisation_update,
    strategy_create,
    strategy_delete,
)
from skm.reports.data import number_style, number_styles, shared_number_style
from skm.surveys.models import Period, Response
from skm.surveys.results import default_period, periods_covering
from skm.surveys.selectors import period_result, questionnaire_elements
from skm.surveys.suggestions import suggestion_reviews_backfill, suggestions_for

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
QUARTER_CHOICES = [(str(q), f"TW {q}") for q in (1, 2, 3, 4)]


# -- forms ---------------------------------------------------------------------------------


class ItemForm(forms.Form):
    catalogue = forms.ChoiceField(
        label=gettext_lazy("Start from the catalogue (optional)"), required=False
    )
    activity = forms.CharField(
        label=gettext_lazy("Programme / activity"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Leave empty to use the catalogue activity chosen above."),
    )
    quarters = forms.MultipleChoiceField(
        label=gettext_lazy("Quarters"),
        choices=QUARTER_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    horizon = forms.ChoiceField(
        label=gettext_lazy("Horizon"), choices=PlanItem.Horizon.choices, initial="pendek"
    )
    owner_title = forms.CharField(
        label=gettext_lazy("Responsible (position)"),
        max_length=160,
        required=False,
        help_text=gettext_lazy("For example Kepala Dinas, Sekretaris, Kepala Bidang."),
    )
    owner_user = forms.ModelChoiceField(
        label=gettext_lazy("Responsible (account, optional)"),
        queryset=None,
        required=False,
    )
    target_date = forms.DateField(
        label=gettext_lazy("Target date (optional)"), required=False, widget=DATE_INPUT
    )
    budget_note = forms.CharField(
        label=gettext_lazy("Budget note (optional)"), max_length=255, required=False
    )
    suggestions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Suggestions this item answers"),
        queryset=Response.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, catalogue=(), suggestions=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = unit_members(unit)
        self.fields["catalogue"].choices = [("", "—")] + [(str(i), t) for i, t in catalogue]
        self.catalogue_texts = {str(i): t for i, t in catalogue}
        if suggestions is not None:
            self.fields["suggestions"].queryset = suggestions
            self.fields["suggestions"].label_from_instance = lambda r: r.suggestion[:140]
        else:
            del self.fields["suggestions"]

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        if not (data.get("activity") or "").strip() and data.get("catalogue"):
            data["activity"] = self.catalogue_texts.get(data["catalogue"], "")
        data["quarters"] = "".join(sorted(data.get("quarters") or []))
        data.pop("catalogue", None)
        data.pop("suggestions", None)
        return data


class RealisationForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Followed up?"),
        choices=PlanItem.Status.choices,
        widget=forms.RadioSelect,
    )
    done_on = forms.DateField(label=gettext_lazy("Date done"), required=False, widget=DATE_INPUT)
    description = forms.CharField(
        label=gettext_lazy("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    obstacles = forms.CharField(
        label=gettext_lazy("Challenges / obstacles"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        """A date done belongs to "Done" only: with another status it is refused at the
        field (and kept in it) rather than dropped while the page says it was saved."""
        cleaned = super().clean()
        status = cleaned.get("status")
        if status and status != PlanItem.Status.DONE and cleaned.get("done_on"):
            self.add_error(
                "done_on",
                _(
                    "A date done is only given with the status Done: choose Done, "
                    "or clear the date."
                ),
            )
        return cleaned


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Documentation file"),
        help_text=gettext_lazy("A photo (JPEG, PNG) or a PDF, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    caption = forms.CharField(
        label=gettext_lazy("Caption (optional)"), max_length=255, required=False
    )


class PriorityAddForm(forms.Form):
    element = forms.ChoiceField(label=gettext_lazy("Element"))
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, elements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element"].choices = list(elements)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=1000)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportDateForm(forms.Form):
    reported_on = forms.DateField(
        label=gettext_lazy("Date of the survey result report"), required=False, widget=DATE_INPUT
    )
    followup_reported_on = forms.DateField(
        label=gettext_lazy("Date of the follow-up report (Laporan Tindak Lanjut)"),
        required=False,
        widget=DATE_INPUT,
    )


class StrategyForm(forms.Form):
    item = forms.ChoiceField(label=gettext_lazy("Follow-up (plan item)"), required=False)
    followup = forms.CharField(
        label=gettext_lazy("or describe the follow-up"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    strategy = forms.CharField(
        label=gettext_lazy("Strategy"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    target_quarter = forms.TypedChoiceField(
        label=gettext_lazy("Target quarter"),
        choices=[("", "—"), *QUARTER_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    target_date = forms.DateField(
        label=gettext_lazy("or target date"), required=False, widget=DATE_INPUT
    )
    owner_title = forms.CharField(label=gettext_lazy("Responsible"), max_length=160, required=False)
    stakeholders = forms.CharField(
        label=gettext_lazy("Stakeholders"),
        required=False,
        help_text=gettext_lazy("Separated by commas, e.g. pengguna layanan, PD terkait, media."),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—")] + [
            (str(i.item.pk), f"{i.number} {i.item.activity[:80]}") for i in items
        ]


# -- helpers -------------------------------------------------------------------------------


def _apply_errors(form: forms.Form, error: PlanError) -> None:
    for field, message in error.messages.items():
        form.add_error(field if field in form.fields else None, message)


def _plan_of(unit: Unit, plan_id: int) -> Plan:
    plan = Plan.objects.filter(pk=plan_id, unit=unit).select_related("period", "unit").first()
    if plan is None:
        raise Http404
    return plan


def _item_of(plan: Plan, item_id: int) -> PlanItem:
    item = (
        PlanItem.objects.filter(pk=item_id, priority__plan=plan)
        .select_related("priority", "carried_from__priority__plan__period")
        .first()
    )
    if item is None:
        raise Http404
    return item


def _plan_url(plan: Plan, anchor: str = "") -> str:
    url = reverse("dashboard:plan", args=[plan.unit.slug]) + f"?periode={plan.period.slug}"
    if plan.period.unit_id != plan.unit_id:
        url += f"&pemilik={plan.period.unit.slug}"
    return url + (f"#{anchor}" if anchor else "")


def _item_url(plan: Plan, item: PlanItem) -> str:
    return reverse("dashboard:plan_item", args=[plan.unit.slug, plan.pk, item.pk])


def unit_members(unit: Unit | None):
    """Active accounts holding a role on the unit or a unit above it (possible owners)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    users = get_user_model().objects.filter(is_active=True)
    if unit is None:
        return users.none()
    chain = [unit.pk, *(u.pk for u in unit.ancestors())]
    return (
        users.filter(
            Q(memberships__unit_id__in=chain)
            | Q(memberships__unit__isnull=True, memberships__agency_id=unit.agency_id)
        )
        .distinct()
        .order_by("username")
    )


def catalogue_for(unit: Unit, code: str) -> list[tuple[str, str]]:
    """(key, text) of the catalogue activities for an element: the agency's own list for
    the element if it has one, else the national defaults."""
    own = list(
        CatalogueActivity.objects.filter(agency=unit.agency, element_code=code).order_by(
            "position", "pk"
        )
    )
    if own:
        return [(f"a{row.pk}", row.text) for row in own]
    return [(f"d{i}", text) for i, text in enumerate(DEFAULT_CATALOGUE.get(code, ()))]


def _tagged_suggestions(plan: Plan, code: str):
    return suggestions_for(plan.unit, plan.period, element=code)[:50]


def _choose_period(request: HttpRequest, unit: Unit) -> tuple[list[Period], Period | None]:
    periods = periods_covering(unit)
    ref = request.GET.get("periode", "")
    owner = request.GET.get("pemilik", "")
    for period in periods:
        if period.slug == ref and (not owner or period.unit.slug == owner):
            return periods, period
    return periods, default_period(unit, periods) if periods else None


# -- pages ---------------------------------------------------------------------------------


@login_required
@require_GET
def plan_page(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    periods, period = _choose_period(request, unit)
    return render(request, "dashboard/plan.html", _plan_context(request, unit, periods, period))


def _plan_context(
    request: HttpRequest,
    unit: Unit,
    periods: list[Period],
    period: Period | None,
    item_forms: dict[int, ItemForm] | None = None,
) -> dict:
    """The plan page's context; ``item_forms`` holds a bound "add an activity" form per
    priority id, shown open with its errors instead of an empty one."""
    can_manage = user_can(request.user, unit, MANAGE_ROLES)
    can_enter = user_can(request.user, unit, ENTRY_ROLES)
    context: dict = {
        "unit": unit,
        "periods": periods,
        "period": period,
        "can_manage": can_manage,
        "can_enter": can_enter,
        "number_style": number_style(unit),
    }
    if period is None:
        return context
    plan = Plan.objects.filter(period=period, unit=unit).first()
    context["plan"] = plan
    if plan is None:
        context["sample"] = _sample_of(period, unit)
        return context
    suggestion_reviews_backfill(unit=unit, period=period)
    view = plan_view(plan)
    names = {e.code: e.name for e in questionnaire_elements(period)}
    included = {p.priority.element_code for p in view.priorities}
    add_choices = [(code, f"{code} {name}") for code, name in names.items() if code not in included]
    item_forms = item_forms or {}
    context.update(
        view=view,
        element_names=names,
        sections=[
            (
                p,
                item_forms.get(p.priority.pk)
                or ItemForm(
                    prefix=f"p{p.priority.pk}",
                    unit=unit,
                    catalogue=catalogue_for(unit, p.priority.element_code),
                    initial={"year": period.end_date.year, "owner_title": _("Kepala Dinas")},
                )
                if can_manage and not plan.is_final
                else None,
            )
            for p in view.priorities
        ],
        priority_form=PriorityAddForm(elements=add_choices) if add_choices else None,
        strategy_form=StrategyForm(items=view.items),
        report_form=ReportDateForm(
            initial={
                "reported_on": plan.reported_on,
                "followup_reported_on": plan.followup_reported_on,
            }
        ),
        reopen_form=NoteForm(),
        events=list(plan.events.select_related("user")),
    )
    return context


def _sample_of(period: Period, unit: Unit) -> dict:
    """The period's respondents against what a plan should rest on (docs/cycle.md): below
    a sufficient sample, drawing up the plan asks for an explicit confirmation."""
    from skm.method import MINIMUM_RESPONDENTS

    result = period_result(period, unit=unit)
    return {
        "respondents": result.respondents,
        "required": result.sample.required if result.sample else None,
        "minimum": MINIMUM_RESPONDENTS,
        "sufficient": result.sample_sufficient,
    }


@login_required
@require_POST
def plan_new(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    periods = periods_covering(unit)
    period = next((p for p in periods if str(p.pk) == request.POST.get("period", "")), None)
    if period is None:
        raise Http404
    if request.POST.get("konfirmasi_sampel") != "1" and not (
        Plan.objects.filter(period=period, unit=unit).exists()
        or _sample_of(period, unit)["sufficient"]
    ):
        messages.error(
            request,
            _(
                "The sample of this period is not sufficient: confirm that the plan may rest "
                "on it, or wait for more respondents. No plan was created."
            ),
        )
        query = urlencode({"periode": period.slug, "pemilik": period.unit.slug})
        return redirect(f"{reverse('dashboard:plan', args=[unit.slug])}?{query}")
    try:
        plan = plan_create(period=period, unit=unit, user=request.user)
    except PlanError as error:
        messages.error(request, " ".join(error.messages.values()))
        plan = Plan.objects.get(period=period, unit=unit)
    else:
        suggestion_reviews_backfill(unit=unit, period=period)
        messages.success(request, _("The plan was created with the proposed priorities."))
    return redirect(_plan_url(plan))


def _manage(request: HttpRequest, unit_slug: str, plan_id: int, roles=MANAGE_ROLES):
    unit = unit_for_user(request.user, unit_slug, roles)
    return unit, _plan_of(unit, plan_id)


@login_required
@require_POST
def plan_priority_add(request: HttpRequest, unit_slug: str, plan_id: int) -> HttpResponse:
    _unit, plan = _manage(request, unit_slug, plan_id)
    names = {e.code: e.name for e in questionnaire_elements(plan.period)}
    form = PriorityAddForm(request.POST, elements=list(names.items()))
    if form.is_valid():
        try:
            priority_add(
                plan,
                element_code=form.cleaned_data["element"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
            messages.success(request, _("The element was added to the plan."))
        except PlanError as error:
            messages.error(request, " ".join(error.messages.values()))
    else:
        messages.error(request, _("Choose an element and give a reason."))
    return redirect(_plan_url(plan, "prioritas"))


@login_required
@require_POST
def plan_priority_drop(
    request: HttpRequest, unit_slug: str, plan_id: int, priority_id: int
) -> HttpResponse:
    _unit, plan = _manage(request, unit_slug, plan_id)
    priority = PlanPriority.objects.filter(pk=priority_id, plan=plan).first()
    if priority is None:
        raise Http404
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise PlanError({"reason": _("Say why this element is dropped.")})
        priority_drop(priority, reason=form.cleaned_data["reason"], user=request.user)
        messages.success(request, _("The element was dropped from the plan; the reason is kept."))
    except PlanError as error:
        messages.error(request, " ".join(error.messages.values()))
    return redirect(_plan_url(plan, "prioritas"))


@login_required
@require_POST
def plan_priority_move(
    request: HttpRequest, unit_slug: str, plan_id: int, priority_id: int
) -> HttpResponse:
    _unit, plan = _manage(request, unit_slug, plan_id)
    priority = PlanPriority.objects.filter(pk=priority_id, plan=plan).first()
    if priority is None:
        raise Http404
    try:
        priority_move(priority, -1 if request.POST.get("arah") == "naik" else 1)
    except PlanError as error:
        messages.error(request, " ".join(error.messages.values()))
    return redirect(_plan_url(plan, f"prioritas-{priority.pk}"))


@login_required
@require_POST
def plan_item_add(
    request: HttpRequest, unit_slug: str, plan_id: int, priority_id: int
) -> HttpResponse:
    unit, plan = _manage(request, unit_slug, plan_id)
    priority = PlanPriority.objects.filter(pk=priority_id, plan=plan).first()
    if priority is None:
        raise Http404
    form = ItemForm(
        request.POST,
        prefix=f"p{priority.pk}",
        unit=unit,
        catalogue=catalogue_for(unit, priority.element_code),
    )
    if form.is_valid():
        try:
            item = item_create(priority, data=form.data_for_service(), user=request.user)
        except PlanError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The item was added."))
            return redirect(_plan_url(plan, f"butir-{item.pk}"))
    # The page again, this form open with its errors and everything typed; its error
    # summary has autofocus, so the browser lands on it (a #fragment would cancel that).
    context = _plan_context(
        request, unit, periods_covering(unit), plan.period, item_forms={priority.pk: form}
    )
    return render(request, "dashboard/plan.html", context, status=400)


def _item_context(request, unit: Unit, plan: Plan, item: PlanItem, **forms_) -> dict:
    view = plan_view(plan)
    item_view = (
        next(i for i in view.items if i.item.pk == item.pk) if item.priority.included else None
    )
    chain = []
    earlier = item.carried_from
    while earlier is not None:
        chain.append(earlier)
        earlier = earlier.carried_from
    can_manage = user_can(request.user, unit, MANAGE_ROLES)
    can_enter = user_can(request.user, unit, ENTRY_ROLES)
    context = {
        "unit": unit,
        "plan": plan,
        "view": view,
        "item": item,
        "item_view": item_view,
        "history": _history(item),
        "earlier": [(old, _history(old), list(old.evidence.all())) for old in chain],
        "evidence": list(item.evidence.select_related("uploaded_by")),
        "suggestions": list(item.suggestions.all()),
        "can_manage": can_manage,
        "can_enter": can_enter,
        "plan_url": _plan_url(plan, f"butir-{item.pk}"),
        "today": timezone.localdate(),
    }
    if can_enter:
        context["realisation_form"] = forms_.get("realisation_form") or RealisationForm(
            initial={
                "status": item.status,
                "done_on": item.done_on,
                "description": item.description,
                "obstacles": item.obstacles,
            }
        )
        context["evidence_form"] = forms_.get("evidence_form") or EvidenceForm()
    if can_manage and not plan.is_final:
        context["item_form"] = forms_.get("item_form") or ItemForm(
            initial={
                "activity": item.activity,
                "quarters": list(item.quarters),
                "year": item.year,
                "horizon": item.horizon,
                "owner_title": item.owner_title,
                "owner_user": item.owner_user_id,
                "target_date": item.target_date,
                "budget_note": item.budget_note,
                "suggestions": list(item.suggestions.values_list("pk", flat=True)),
            },
            catalogue=catalogue_for(unit, item.priority.element_code),
            suggestions=_suggestion_choices(plan, item),
            unit=unit,
        )
    return context


def _history(item: PlanItem) -> list:
    rows = list(item.changes.select_related("user"))
    for row in rows:
        row.lines = change_lines(row.changes)
    return rows


def _suggestion_choices(plan: Plan, item: PlanItem):
    ids = list(_tagged_suggestions(plan, item.priority.element_code).values_list("pk", flat=True))
    ids += list(item.suggestions.values_list("pk", flat=True))
    return Response.objects.filter(pk__in=ids).order_by("-submitted_at")


@login_required
def plan_item(request: HttpRequest, unit_slug: str, plan_id: int, item_id: int) -> HttpResponse:
    """The item: its plan fields (editable by admins while the plan is a draft), its
    realisation, evidence and history."""
    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    plan = _plan_of(unit, plan_id)
    item = _item_of(plan, item_id)
    if request.method == "POST":
        if not user_can(request.user, unit, MANAGE_ROLES):
            raise Http404
        form = ItemForm(
            request.POST,
            catalogue=catalogue_for(unit, item.priority.element_code),
            suggestions=_suggestion_choices(plan, item),
            unit=unit,
        )
        if form.is_valid():
            try:
                item_update(
                    item,
                    data=form.data_for_service(),
                    user=request.user,
                    suggestions=form.cleaned_data.get("suggestions") or [],
                )
            except PlanError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The item was saved."))
                return redirect(_item_url(plan, item))
        return render(
            request,
            "dashboard/plan_item.html",
            _item_context(request, unit, plan, item, item_form=form),
            status=400,
        )
    return render(request, "dashboard/plan_item.html", _item_context(request, unit, plan, item))


@login_required
@require_POST
def plan_item_move(
    request: HttpRequest, unit_slug: str, plan_id: int, item_id: int
) -> HttpResponse:
    _unit, plan = _manage(request, unit_slug, plan_id)
    item = _item_of(plan, item_id)
    try:
        item_move(item, -1 if request.POST.get("arah") == "naik" else 1, user=request.user)
    except PlanError as error:
        messages.error(request, " ".join(error.messages.values()))
    return redirect(_plan_url(plan, f"butir-{item.pk}"))


@login_required
@require_POST
def plan_item_delete(
    request: HttpRequest, unit_slug: str, plan_id: int, item_id: int
) -> HttpResponse:
    _unit, plan = _manage(request, unit_slug, plan_id)
    item = _item_of(plan, item_id)
    try:
        item_delete(item, user=request.user)
        messages.success(request, _("The item was removed."))
    except PlanError as error:
        messages.error(request, " ".join(error.messages.values()))
        return redirect(_item_url(plan, item))
    return redirect(_plan_url(plan, "prioritas"))


@login_required
@require_POST
def plan_item_realisation(
    request: HttpRequest, unit_slug: str, plan_id: int, item_id: int
) -> HttpResponse:
    unit, plan = _manage(request, unit_slug, plan_id, ENTRY_ROLES)
    item = _item_of(plan, item_id)
    form = RealisationForm(request.POST)
    if form.is_valid():
        try:
            realisation_update(
                item,
                status=form.cleaned_data["status"],
                done_on=form.cleaned_data["done_on"],
                description=form.cleaned_data["description"],
                obstacles=form.cleaned_data["obstacles"],
                user=request.user,
                via="web",
            )
        except PlanError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The realisation was saved."))
            return redirect(_item_url(plan, item))
    return render(
        request,
        "dashboard/plan_item.html",
        _item_context(request, unit, plan, item, realisation_form=form),
        status=400,
    )


@login_required
@require_POST
def plan_item_evidence(
    request: HttpRequest, unit_slug: str, plan_id: int, item_id: int
) -> HttpResponse:
    unit, plan = _manage(request, unit_slug, plan_id, ENTRY_ROLES)
    item = _item_of(plan, item_id)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence_add(
                item,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                user=request.user,
                via="web",
            )
        except PlanError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The documentation file was added."))
            return redirect(_item_url(plan, item) + "#dokumentasi")
    return render(
        request,
        "dashboard/plan_item.html",
        _item_context(request, unit, plan, item, evidence_form=form),
        status=400,
    )


def _evidence_of(plan: Plan, evidence_id: int) -> Evidence:
    row = (
        Evidence.objects.filter(pk=evidence_id, item__priority__plan=plan)
        .select_related("item")
        .first()
    )
    if row is None:
        raise Http404
    return row


@login_required
@require_GET
def plan_evidence_file(
    request: HttpRequest, unit_slug: str, plan_id: int, evidence_id: int, thumb: bool = False
) -> FileResponse:
    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    plan = _plan_of(unit, plan_id)
    return evidence_files.file_response(_evidence_of(plan, evidence_id), thumbnail=thumb)


@login_required
@require_POST
def plan_evidence_delete(
    request: HttpRequest, unit_slug: str, plan_id: int, evidence_id: int
) -> HttpResponse:
    _unit, plan = _manage(request, unit_slug, plan_id, ENTRY_ROLES)
    row = _evidence_of(plan, evidence_id)
    item = row.item
    evidence_remove(row, user=request.user)
    messages.success(request, _("The documentation file was removed."))
    return redirect(_item_url(plan, item) + "#dokumentasi")


@login_required
@require_POST
def plan_evidence_public(
    request: HttpRequest, unit_slug: str, plan_id: int, evidence_id: int
) -> HttpResponse:
    _unit, plan = _manage(request, unit_slug, plan_id)
    row = _evidence_of(plan, evidence_id)
    evidence_set_public(row, public=request.POST.get("publik") == "1", user=request.user)
    return redirect(_item_url(plan, row.item) + "#dokumentasi")


@login_required
@require_POST
def plan_final(request: HttpRequest, unit_slug: str, plan_id: int) -> HttpResponse:
    _unit, plan = _manage(request, unit_slug, plan_id)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        plan_finalise(plan, user=request.user, note=form.cleaned_data.get("note", ""))
        messages.success(request, _("The plan is final; the reports now print it."))
    except PlanError as error:
        messages.error(request, " ".join(error.messages.values()))
    return redirect(_plan_url(plan))


@login_required
@require_POST
def plan_reopen_view(request: HttpRequest, unit_slug: str, plan_id: int) -> HttpResponse:
    _unit, plan = _manage(request, unit_slug, plan_id)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        plan_reopen(plan, user=request.user, note=form.cleaned_data.get("note", ""))
        messages.success(request, _("The plan was reopened; the change is recorded."))
    except PlanError as error:
        messages.error(request, " ".join(error.messages.values()))
    return redirect(_plan_url(plan))


@login_required
@require_POST
def plan_report_date(request: HttpRequest, unit_slug: str, plan_id: int) -> HttpResponse:
    _unit, plan = _manage(request, unit_slug, plan_id)
    form = ReportDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The report date is not a valid date."))
        return redirect(_plan_url(plan, "pekppp"))
    try:
        plan_set_report_date(
            plan, form.cleaned_data["reported_on"], form.cleaned_data["followup_reported_on"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report dates were saved."))
    return redirect(_plan_url(plan, "pekppp"))


@login_required
@require_POST
def plan_strategy_add(request: HttpRequest, unit_slug: str, plan_id: int) -> HttpResponse:
    _unit, plan = _manage(request, unit_slug, plan_id)
    view = plan_view(plan)
    form = StrategyForm(request.POST, items=view.items)
    if form.is_valid():
        data = dict(form.cleaned_data)
        item_ref = data.pop("item")
        data["item"] = next((i.item for i in view.items if str(i.item.pk) == item_ref), None)
        try:
            strategy_create(plan, data=data)
            messages.success(request, _("The strategy was added."))
        except PlanError as error:
            messages.error(request, " ".join(error.messages.values()))
    else:
        messages.error(request, _("The strategy was not added: check the dates."))
    return redirect(_plan_url(plan, "strategi"))


@login_required
@require_POST
def plan_strategy_delete(
    request: HttpRequest, unit_slug: str, plan_id: int, strategy_id: int
) -> HttpResponse:
    _unit, plan = _manage(request, unit_slug, plan_id)
    row = Strategy.objects.filter(pk=strategy_id, plan=plan).first()
    if row is None:
        raise Http404
    strategy_delete(row)
    messages.success(request, _("The strategy was removed."))
    return redirect(_plan_url(plan, "strategi"))


# -- agency overview and catalogue ---------------------------------------------------------

SORTS = {
    "unit": lambda r: (r.plan.unit.name, r.plan.period.start_date),
    "periode": lambda r: (r.plan.period.start_date, r.plan.unit.name),
    "persen": lambda r: (r.percent is None, r.percent or 0, r.plan.unit.name),
    "terlambat": lambda r: (-r.overdue, r.plan.unit.name),
}


@login_required
@require_GET
def plan_overview(request: HttpRequest) -> HttpResponse:
    """Every plan of the units the user may read, with % realised and overdue items."""
    units = units_for_user(request.user, READ_ROLES)
    rows = agency_overview(units)
    sort = request.GET.get("urut", "unit")
    if sort not in SORTS:
        sort = "unit"
    descending = request.GET.get("turun") == "1"
    rows.sort(key=SORTS[sort], reverse=descending)
    planned, realised, percent = agency_totals(rows)
    from skm.method.pekppp import percent_text

    styles = number_styles([r.plan.unit for r in rows])
    return render(
        request,
        "dashboard/plan_overview.html",
        {
            "rows": [(r, styles[r.plan.unit_id]) for r in rows],
            "number_style": shared_number_style(styles),
            "sort": sort,
            "descending": descending,
            "planned": planned,
            "realised": realised,
            "percent": percent_text(percent),
            "can_edit_catalogue": _catalogue_agency(request) is not None,
        },
    )


def _catalogue_agency(request: HttpRequest):
    """The agency whose catalogue the user may edit (agency administrators), or None."""
    user = request.user
    membership = (
        Membership.objects.filter(user=user, role=Role.AGENCY_ADMIN, unit__isnull=True)
        .select_related("agency")
        .first()
    )
    if membership is not None:
        return membership.agency
    if user.is_superuser:
        unit = units_for_user(user).select_related("agency").first()
        return unit.agency if unit else None
    return None


class CatalogueForm(forms.Form):
    element = forms.ChoiceField(label=gettext_lazy("Element"))
    text = forms.CharField(
        label=gettext_lazy("Activity"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args, elements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element"].choices = list(elements)


@login_required
def plan_catalogue(request: HttpRequest) -> HttpResponse:
    """The agency's catalogue of typical activities per element (agency administrators)."""
    agency = _catalogue_agency(request)
    if agency is None:
        raise Http404
    from skm.method import DEFAULT_ELEMENTS

    elements = [(e.code, f"{e.code} {e.name}") for e in DEFAULT_ELEMENTS]
    form = CatalogueForm(elements=elements)
    if request.method == "POST":
        action = request.POST.get("aksi")
        if action == "salin":
            if not CatalogueActivity.objects.filter(agency=agency).exists():
                CatalogueActivity.objects.bulk_create(
                    CatalogueActivity(agency=agency, element_code=code, text=text, position=i)
                    for code, texts in DEFAULT_CATALOGUE.items()
                    for i, text in enumerate(texts)
                )
            messages.success(request, _("The national catalogue was copied; edit it below."))
            return redirect("dashboard:plan_catalogue")
        if action == "hapus":
            ref = request.POST.get("id", "")
            if ref.isdigit():
                CatalogueActivity.objects.filter(agency=agency, pk=int(ref)).delete()
            return redirect("dashboard:plan_catalogue")
        form = CatalogueForm(request.POST, elements=elements)
        if form.is_valid():
            code = form.cleaned_data["element"]
            CatalogueActivity.objects.create(
                agency=agency,
                element_code=code,
                text=form.cleaned_data["text"].strip(),
                position=CatalogueActivity.objects.filter(agency=agency, element_code=code).count(),
            )
            messages.success(request, _("The activity was added to the catalogue."))
            return redirect("dashboard:plan_catalogue")
    own = list(
        CatalogueActivity.objects.filter(agency=agency).order_by("element_code", "position", "pk")
    )
    groups = []
    for code, label in elements:
        rows = [r for r in own if r.element_code == code]
        groups.append(
            {
                "code": code,
                "label": label,
                "own": rows,
                "defaults": [] if rows else list(DEFAULT_CATALOGUE.get(code, ())),
            }
        )
    return render(
        request,
        "dashboard/plan_catalogue.html",
        {"agency": agency, "groups": groups, "form": form, "has_own": bool(own)},
    )
