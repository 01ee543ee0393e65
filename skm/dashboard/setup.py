"""Staff side: setting a unit up without the back office (docs/setup.md).

The units below a unit and its services; the unit's periods (open, close, reopen, the
population and the Krejcie-Morgan sample it requires); the questionnaire of a period and
the wording of its questions. Unit and agency administrators only (MANAGE_ROLES), each on
the units they administer and those below: a unit outside is a 404 (skm.org.access).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skm.method import required_sample
from skm.org.access import (
    MANAGE_ROLES,
    agency_for_user,
    manages_place,
    unit_for_user,
    units_for_user,
)
from skm.org.models import Service, Unit
from skm.org.services import (
    service_add,
    service_delete,
    service_update,
    sub_unit_create,
    unit_create,
    unit_delete,
    unit_delete_refusal,
    unit_move,
    unit_rename,
)
from skm.reports.data import number_style
from skm.reports.formatting import count
from skm.surveys.models import Period, Questionnaire, Response
from skm.surveys.selectors import questionnaire_elements
from skm.surveys.services import (
    default_questionnaire,
    period_has_answers,
    period_open,
    period_questionnaire_set,
    period_set_status,
    period_update,
    questionnaire_reword,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The largest population a period may state (a whole province's users in a year fit).
POPULATION_MAX = 100_000_000
# Dates a period may have (the retention date, years later, must stay a valid date).
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def _managed_unit(request: HttpRequest, unit_slug: str) -> Unit:
    return unit_for_user(request.user, unit_slug, MANAGE_ROLES)


# --------------------------------------------------------------------------------------
# Units and services


class NameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Please fill in a name."))
        return name


class ServiceForm(NameForm):
    is_active = forms.BooleanField(
        label=gettext_lazy("Active (shown on the survey form)"),
        required=False,
        help_text=gettext_lazy(
            "A service that is no longer offered is deactivated, never deleted: "
            "its responses stay in the results."
        ),
    )


# The value of "the top of the agency's tree" in the move form (a unit is its id).
TOP = "puncak"


class MoveForm(forms.Form):
    """Where to place a unit and its sub-units: a unit the user administers (not this unit
    or one below it) or, for a role on the whole agency, the top of the tree."""

    parent = forms.ChoiceField(
        label=gettext_lazy("New place: below"),
        help_text=gettext_lazy(
            "The units below this one move with it. Addresses (slugs) and QR posters stay."
        ),
    )

    def __init__(self, *args, unit: Unit, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        places = list(
            units_for_user(user, MANAGE_ROLES)
            .filter(agency_id=unit.agency_id)
            .exclude(path__startswith=unit.path)
            .exclude(pk=unit.parent_id)
            .order_by("path")
        )
        top = min((p.depth for p in places), default=0)
        choices: list[tuple[str, str]] = [("", _("Choose a unit"))]
        if unit.parent_id is not None and manages_place(user, unit.agency_id, None):
            choices.append((TOP, _("(the top of the tree)")))
        # indented by depth, as the tree above (no-break spaces survive in an option)
        choices += [(str(p.pk), "\u00a0\u00a0\u00a0" * (p.depth - top) + p.name) for p in places]
        self.fields["parent"].choices = choices
        self.places = {str(p.pk): p for p in places}

    def clean_parent(self) -> Unit | None:
        value = self.cleaned_data["parent"]
        return None if value == TOP else self.places[value]


def _tree(unit: Unit) -> list[Unit]:
    """The unit and every unit below it, in tree order, with their services."""
    units = list(unit.subtree().prefetch_related("services").order_by("path"))
    return _levels(units, unit.depth)


def _levels(units: list[Unit], top: int) -> list[Unit]:
    """Each unit's indentation on the page and its active services."""
    for u in units:
        u.level = min(u.depth - top, 4)
        u.active_services = [s for s in u.services.all() if s.is_active]
    return units


@login_required
@require_http_methods(["GET", "POST"])
def unit_setup(request: HttpRequest, unit_slug: str) -> HttpResponse:
    """The unit tree below this unit, its name, its sub-units and its services."""
    unit = _managed_unit(request, unit_slug)
    rename = NameForm(prefix="rename", initial={"name": unit.name})
    sub_unit = NameForm(prefix="unit")
    service = NameForm(prefix="service")
    # moving or deleting needs the place above the unit (docs/setup.md)
    in_place = manages_place(request.user, unit.agency_id, unit.parent)
    move = MoveForm(prefix="move", unit=unit, user=request.user) if in_place else None
    failed = False
    if request.method == "POST":
        action = request.POST.get("action")
        prefixes = {"rename": "rename", "add_unit": "unit", "add_service": "service"}
        if action == "move" and move is not None:
            move = MoveForm(request.POST, prefix="move", unit=unit, user=request.user)
            if _move(request, unit, move):
                return redirect("dashboard:unit_setup", unit_slug=unit.slug)
            failed = True
        elif action not in prefixes:
            return redirect("dashboard:unit_setup", unit_slug=unit.slug)
        else:
            form = NameForm(request.POST, prefix=prefixes[action])
            if action == "rename":
                rename = form
            elif action == "add_unit":
                sub_unit = form
            else:
                service = form
            if form.is_valid():
                name = form.cleaned_data["name"]
                try:
                    if action == "rename":
                        unit_rename(unit=unit, name=name)
                        message = _("The unit is now called %(name)s.")
                    elif action == "add_unit":
                        sub_unit_create(parent=unit, name=name)
                        message = _("Unit %(name)s added below this unit.")
                    else:
                        service_add(unit=unit, name=name)
                        message = _("Service %(name)s added.")
                except ValidationError as error:
                    form.add_error("name", error)
                else:
                    messages.success(request, message % {"name": name})
                    return redirect("dashboard:unit_setup", unit_slug=unit.slug)
            failed = True
    return render(
        request,
        "dashboard/setup_units.html",
        {
            "unit": unit,
            "tree": _tree(unit),
            "services": unit.services.order_by("-is_active", "name"),
            "rename_form": rename,
            "unit_form": sub_unit,
            "service_form": service,
            "move_form": move,
            "in_place": in_place,
            "not_in_place": "" if in_place else _not_in_place(unit.parent),
            "refusal": unit_delete_refusal(unit) if in_place else "",
        },
        status=400 if failed else 200,
    )


def _move(request: HttpRequest, unit: Unit, form: MoveForm) -> bool:
    """The move asked for, with its message; False with the reason at the field."""
    if not form.is_valid():
        return False
    parent = form.cleaned_data["parent"]
    try:
        unit_move(unit=unit, parent=parent)
    except ValidationError as error:
        form.add_error("parent", error)
        return False
    if parent is None:
        text = _("%(name)s is now at the top of the tree.") % {"name": unit.name}
    else:
        text = _("%(name)s is now below %(parent)s.") % {"name": unit.name, "parent": parent.name}
    messages.success(request, text)
    return True


@login_required
@require_http_methods(["GET", "POST"])
def unit_remove(request: HttpRequest, unit_slug: str) -> HttpResponse:
    """Deleting a unit added by mistake: the confirmation (GET), the deletion (POST).
    Only an administrator of the place above it, and only while nothing is recorded for it
    (``unit_delete_blockers``); then back to the unit above, or to the agency's tree."""
    unit = _managed_unit(request, unit_slug)
    parent = unit.parent
    if not manages_place(request.user, unit.agency_id, parent):
        messages.error(request, _not_in_place(parent))
        return redirect("dashboard:unit_setup", unit_slug=unit.slug)
    if request.method == "POST":
        try:
            unit_delete(unit=unit)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("dashboard:unit_setup", unit_slug=unit.slug)
        messages.success(request, _("Unit %(name)s deleted.") % {"name": unit.name})
        if parent is not None:
            return redirect("dashboard:unit_setup", unit_slug=parent.slug)
        return redirect("dashboard:agency_units", agency_slug=unit.agency.slug)
    return render(
        request,
        "dashboard/setup_unit_delete.html",
        {
            "unit": unit,
            "refusal": unit_delete_refusal(unit),
            "services": unit.services.order_by("name"),
        },
    )


def _not_in_place(parent: Unit | None) -> str:
    if parent is None:
        return _(
            "Only an administrator of the whole agency can move or delete a unit at the top "
            "of the tree."
        )
    return _(
        "Only an administrator of %(parent)s (the unit above) can move or delete this unit."
    ) % {"parent": parent.name}


@login_required
@require_http_methods(["GET", "POST"])
def agency_units(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """The whole unit tree of an agency and a new unit at its top: for a role on the whole
    agency (an administrator of one unit adds units below it on the unit's page)."""
    agency = agency_for_user(request.user, agency_slug, MANAGE_ROLES)
    form = NameForm(prefix="unit")
    if request.method == "POST":
        form = NameForm(request.POST, prefix="unit")
        if form.is_valid():
            name = form.cleaned_data["name"]
            roots = Unit.objects.filter(agency=agency, parent=None, name__iexact=name)
            if roots.exists():
                form.add_error("name", _("Another unit at this level already has this name."))
            else:
                try:
                    unit_create(agency=agency, name=name)
                except ValidationError as error:
                    form.add_error("name", error)
                else:
                    messages.success(request, _("Unit %(name)s added.") % {"name": name})
                    return redirect("dashboard:agency_units", agency_slug=agency.slug)
    units = list(Unit.objects.filter(agency=agency).prefetch_related("services").order_by("path"))
    _levels(units, 0)
    return render(
        request,
        "dashboard/setup_agency.html",
        {"agency": agency, "tree": units, "unit_form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, unit_slug: str, service_slug: str) -> HttpResponse:
    unit = _managed_unit(request, unit_slug)
    service = get_object_or_404(Service, unit=unit, slug=service_slug)
    if request.method == "POST":
        form = ServiceForm(request.POST)
        if form.is_valid():
            try:
                service_update(
                    service=service,
                    name=form.cleaned_data["name"],
                    is_active=form.cleaned_data["is_active"],
                )
            except ValidationError as error:
                form.add_error("name", error)
            else:
                messages.success(request, _("Service %(name)s saved.") % {"name": service.name})
                return redirect("dashboard:unit_setup", unit_slug=unit.slug)
    else:
        form = ServiceForm(initial={"name": service.name, "is_active": service.is_active})
    return render(
        request,
        "dashboard/setup_service.html",
        {
            "unit": unit,
            "service": service,
            "form": form,
            "responses": Response.all_objects.filter(service=service).count(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def service_remove(request: HttpRequest, unit_slug: str, service_slug: str) -> HttpResponse:
    unit = _managed_unit(request, unit_slug)
    service = get_object_or_404(Service, unit=unit, slug=service_slug)
    try:
        service_delete(service=service)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dashboard:service_edit", unit_slug=unit.slug, service_slug=service.slug)
    messages.success(request, _("Service %(name)s deleted.") % {"name": service.name})
    return redirect("dashboard:unit_setup", unit_slug=unit.slug)


# --------------------------------------------------------------------------------------
# Periods


def retention_date(end_date: dt.date) -> dt.date:
    """When `skm retention` removes a period's individual responses (docs/privacy.md)."""
    years = settings.RETENTION_YEARS
    try:
        return end_date.replace(year=end_date.year + years)
    except ValueError:  # 29 February
        return end_date.replace(year=end_date.year + years, day=28)


def _semester(today: dt.date) -> tuple[str, dt.date, dt.date]:
    if today.month <= 6:
        return f"Semester I {today.year}", dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    return f"Semester II {today.year}", dt.date(today.year, 7, 1), dt.date(today.year, 12, 31)


def _questionnaires(unit: Unit):
    return Questionnaire.objects.filter(Q(agency=None) | Q(agency_id=unit.agency_id)).order_by(
        "name", "version"
    )


class PeriodFieldsForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=120,
        help_text=gettext_lazy('As printed on the reports, e.g. "Semester I 2026".'),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Period.Kind.choices)
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=DATE_INPUT)
    end_date = forms.DateField(label=gettext_lazy("End date"), widget=DATE_INPUT)
    population = forms.IntegerField(
        label=gettext_lazy("Population (service users in the period)"),
        min_value=1,
        max_value=POPULATION_MAX,
        help_text=gettext_lazy(
            "The number of people served in the period (from the service log or last "
            "year's figure). It sets the minimum number of respondents (Krejcie-Morgan table, "
            "Permen PANRB 14/2017)."
        ),
        error_messages={
            "min_value": gettext_lazy("The population must be a whole number of at least 1."),
            "invalid": gettext_lazy("The population must be a whole number, e.g. 1200."),
            "max_value": gettext_lazy("The population is too large (at most 100,000,000)."),
        },
    )

    def clean(self):
        data = super().clean()
        for name in ("start_date", "end_date"):
            day = data.get(name)
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Please enter a date between 2000 and 2099."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The end date must be after the start date."))
        return data


def _add_error(form: forms.Form, error: ValidationError) -> None:
    """A service's error on the form: at its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PeriodForm(PeriodFieldsForm):
    questionnaire = forms.ModelChoiceField(
        label=gettext_lazy("Questionnaire"),
        queryset=Questionnaire.objects.none(),
        empty_label=None,
    )
    open_now = forms.BooleanField(
        label=gettext_lazy("Open the survey now (the public form accepts answers in these dates)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, unit: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = _questionnaires(unit)


def _with_live_sample(form: PeriodFieldsForm, target: str) -> PeriodFieldsForm:
    """Mark the population field for setup.js, which shows the sample in ``target``."""
    form.fields["population"].widget.attrs["data-sample"] = target
    return form


def _sample_text(population: int, style: str) -> str:
    """The sample sentence, its figures in the unit's number style (``number_style``)."""
    return _(
        "Minimum sample: %(required)s respondents for a population of %(population)s "
        "(Krejcie-Morgan)."
    ) % {
        "required": count(required_sample(population), style),
        "population": count(population, style),
    }


@login_required
@require_http_methods(["GET", "POST"])
def period_list(request: HttpRequest, unit_slug: str) -> HttpResponse:
    """The unit's periods and the form that opens a new one ("Preview" shows the sample
    without saving, for a browser without JavaScript)."""
    unit = _managed_unit(request, unit_slug)
    style = number_style(unit)
    preview = None
    if request.method == "POST":
        form = PeriodForm(request.POST, unit=unit)
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                preview = _sample_text(data["population"], style)
            else:
                try:
                    period = period_open(
                        unit=unit,
                        name=data["name"],
                        kind=data["kind"],
                        start_date=data["start_date"],
                        end_date=data["end_date"],
                        population=data["population"],
                        status=Period.Status.OPEN if data["open_now"] else Period.Status.DRAFT,
                        questionnaire=data["questionnaire"],
                    )
                except ValidationError as error:
                    _add_error(form, error)
                else:
                    messages.success(
                        request,
                        _("Period %(name)s saved. %(sample)s")
                        % {"name": period.name, "sample": _sample_text(period.population, style)},
                    )
                    return redirect(
                        "dashboard:period_setup", unit_slug=unit.slug, period_slug=period.slug
                    )
        elif form["population"].value() and not form.errors.get("population"):
            preview = _sample_text(form.cleaned_data["population"], style)
    else:
        name, start, end = _semester(timezone.localdate())
        form = PeriodForm(
            unit=unit,
            initial={
                "name": name,
                "kind": Period.Kind.SEMESTER,
                "start_date": start,
                "end_date": end,
                "questionnaire": default_questionnaire(),
            },
        )
    end = getattr(form, "cleaned_data", {}).get("end_date") or form.initial.get("end_date")
    periods = Period.objects.filter(unit=unit).select_related("questionnaire")
    return render(
        request,
        "dashboard/setup_periods.html",
        {
            "unit": unit,
            "number_style": style,
            "form": _with_live_sample(form, "sample"),
            "preview": preview,
            "periods": [{"period": p, "deleted_on": retention_date(p.end_date)} for p in periods],
            # periods of the units above also cover this unit (shown, changed there)
            "inherited": Period.objects.filter(unit__in=unit.ancestors())
            .select_related("unit")
            .order_by("-start_date"),
            "years": settings.RETENTION_YEARS,
            "end_date": end,
            "deleted_on": retention_date(end) if end else None,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
@require_GET
def period_sample(request: HttpRequest, unit_slug: str) -> JsonResponse:
    """The Krejcie-Morgan sample of a population, for the live display while it is typed."""
    unit = _managed_unit(request, unit_slug)
    raw = request.GET.get("populasi", "").strip().replace(".", "").replace(",", "")
    if not raw.isdigit() or not 1 <= int(raw) <= POPULATION_MAX:
        return JsonResponse(
            {"required": None, "text": _("The population must be a whole number of at least 1.")}
        )
    population = int(raw)
    text = _sample_text(population, number_style(unit))
    return JsonResponse({"required": required_sample(population), "text": text})


class QuestionnaireChoiceForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        label=gettext_lazy("Questionnaire"), queryset=Questionnaire.objects.none(), empty_label=None
    )

    def __init__(self, *args, unit: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = _questionnaires(unit)


def _period(request: HttpRequest, unit_slug: str, period_slug: str) -> tuple[Unit, Period]:
    unit = _managed_unit(request, unit_slug)
    return unit, get_object_or_404(
        Period.objects.select_related("questionnaire"), unit=unit, slug=period_slug
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_setup(request: HttpRequest, unit_slug: str, period_slug: str) -> HttpResponse:
    """One period: its dates, sample, status and questionnaire (chosen or reworded)."""
    unit, period = _period(request, unit_slug, period_slug)
    style = number_style(unit)
    answered = period_has_answers(period)
    elements = questionnaire_elements(period)
    choice = QuestionnaireChoiceForm(unit=unit, initial={"questionnaire": period.questionnaire})
    fields = ("name", "kind", "start_date", "end_date", "population")
    edit = PeriodFieldsForm(prefix="edit", initial={f: getattr(period, f) for f in fields})
    reword_errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "edit":
            edit = PeriodFieldsForm(request.POST, prefix="edit")
            if edit.is_valid():
                try:
                    period_update(period=period, **edit.cleaned_data)
                except ValidationError as error:
                    _add_error(edit, error)
                else:
                    messages.success(
                        request,
                        _("Period %(name)s saved. %(sample)s")
                        % {"name": period.name, "sample": _sample_text(period.population, style)},
                    )
                    return redirect(request.path)
            period.refresh_from_db()
            status = 400
        elif action == "questionnaire":
            choice = QuestionnaireChoiceForm(request.POST, unit=unit)
            if choice.is_valid():
                try:
                    period_questionnaire_set(
                        period=period, questionnaire=choice.cleaned_data["questionnaire"]
                    )
                except ValidationError as error:
                    choice.add_error("questionnaire", error)
                else:
                    messages.success(
                        request,
                        _("The period now uses %(name)s.") % {"name": period.questionnaire},
                    )
                    return redirect(request.path)
            status = 400
        elif action == "reword":
            questions = {e.code: request.POST.get(f"q-{e.code}", e.question) for e in elements}
            for element in elements:
                if not questions[element.code].strip():
                    reword_errors[element.code] = _("The question cannot be empty.")
                elif len(questions[element.code]) > 1000:
                    reword_errors[element.code] = _("At most 1,000 characters.")
            if not reword_errors:
                try:
                    questionnaire = questionnaire_reword(period=period, questions=questions)
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(
                        request,
                        _("The questions are saved as %(name)s, used by this period.")
                        % {"name": questionnaire},
                    )
                return redirect(request.path)
            for element in elements:
                element.question = questions[element.code]
            status = 400
        else:
            return redirect(request.path)
    return render(
        request,
        "dashboard/setup_period.html",
        {
            "unit": unit,
            "period": period,
            "number_style": style,
            "required": required_sample(period.population) if period.population else None,
            "deleted_on": retention_date(period.end_date),
            "years": settings.RETENTION_YEARS,
            "answered": answered,
            "elements": elements,
            "choice": choice,
            "edit": _with_live_sample(edit, "edit-sample"),
            "reword_errors": reword_errors,
            "statuses": Period.Status,
        },
        status=status,
    )


@login_required
@require_POST
def period_status(request: HttpRequest, unit_slug: str, period_slug: str) -> HttpResponse:
    unit, period = _period(request, unit_slug, period_slug)
    wanted = request.POST.get("status", "")
    try:
        period_set_status(period=period, status=wanted)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        texts = {
            Period.Status.OPEN: _("Period %(name)s is open: the survey accepts answers."),
            Period.Status.CLOSED: _("Period %(name)s is closed: the survey accepts nothing."),
            Period.Status.DRAFT: _("Period %(name)s is back to draft."),
        }
        messages.success(request, texts[Period.Status(wanted)] % {"name": period.name})
    return redirect("dashboard:period_setup", unit_slug=unit.slug, period_slug=period.slug)
