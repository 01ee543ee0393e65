"""The audit trail page /staf/audit/ (unit and agency administrators; read-only).

An administrator sees the events of the units in their care, and the events about accounts
that hold a role there (AuditScope: an account's event belongs to the units of all its
roles; a role on a whole agency to its agency administrators); a superuser sees every
event, also those that belong to no unit (logins). Nothing here changes
the trail: there is no form that writes it.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET

from skm.audit.models import AuditEvent, AuditScope
from skm.org.access import MANAGE_ROLES, units_for_user
from skm.org.models import Membership

PER_PAGE = 100


class AuditFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", "—"), *AuditEvent.Action.choices],
    )
    model = forms.CharField(label=gettext_lazy("Kind"), required=False)
    dari = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sampai = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _model(label: str):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _shown(field, value):
    """A recorded value as people read it: a choice by its label, yes/no, the placeholders
    of a secret in the page's language; anything else as recorded."""
    if value is None:
        return None
    if value in ("(set)", "(changed)"):
        return gettext("(set)") if value == "(set)" else gettext("(changed)")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


def readable(event: AuditEvent) -> AuditEvent:
    """The event as the page shows it (the trail itself is never rewritten): the kind by the
    model's verbose name ("Tugas laporan", not "reports.reportjob"), each changed field by
    its verbose name and choice values by their labels ("Status: Sedang dibuat → Siap")."""
    model = _model(event.model)
    event.kind_label = capfirst(model._meta.verbose_name) if model else event.model
    event.readable_changes = []
    for name, values in (event.changes or {}).items():
        pair = isinstance(values, list) and len(values) == 2
        old, new = values if pair else (None, values)
        try:
            field = model._meta.get_field(name) if model else None
        except LookupError:
            field = None
        label = (
            capfirst(field.verbose_name)
            if field is not None and hasattr(field, "verbose_name")
            else name
        )
        event.readable_changes.append((label, _shown(field, old), _shown(field, new)))
    event.note_label = gettext("system") if event.note == "system" else event.note
    return event


@login_required
@require_GET
def audit_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_superuser:
        events = AuditEvent.objects.all()
    else:
        units = units_for_user(user, MANAGE_ROLES)
        if not units.exists():
            raise Http404
        unit_ids = units.values("pk")
        whole_agencies = Membership.objects.filter(
            user=user, role__in=list(MANAGE_ROLES), unit=None
        ).values("agency_id")
        scoped = AuditScope.objects.filter(
            Q(unit_id__in=unit_ids) | Q(unit_id=None, agency_id__in=whole_agencies)
        ).values("event_id")
        events = AuditEvent.objects.filter(Q(unit_id__in=unit_ids) | Q(pk__in=scoped))
    form = AuditFilter(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            events = events.filter(object_repr__icontains=data["q"]) | events.filter(
                username__icontains=data["q"]
            )
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["model"]:
            # the kind as the page shows it ("tugas laporan") or as stored ("reportjob")
            typed = data["model"].lower()
            named = [
                m._meta.label_lower
                for m in apps.get_models()
                if typed in str(m._meta.verbose_name).lower()
            ]
            events = events.filter(Q(model__icontains=typed) | Q(model__in=named))
        if data["dari"]:
            events = events.filter(at__date__gte=data["dari"])
        if data["sampai"]:
            events = events.filter(at__date__lte=data["sampai"])
    page = Paginator(events.order_by("-at", "-pk"), PER_PAGE).get_page(request.GET.get("halaman"))
    page.object_list = [readable(e) for e in page.object_list]
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "dashboard/audit.html",
        {"page": page, "form": form, "query": query.urlencode()},
    )
