"""Publishing a unit's results (unit administrators): /staf/unit/<unit>/publikasi/."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from skm.org.access import MANAGE_ROLES, unit_for_user
from skm.org.models import Unit
from skm.reports.data import number_style
from skm.surveys.models import Period, Publication
from skm.surveys.publication import covering_periods, publication_rows, publication_unpublish
from skm.surveys.services import publication_publish

PUBLISH, UNPUBLISH = "publish", "unpublish"


class PublicationForm(forms.Form):
    period = forms.ModelChoiceField(queryset=Period.objects.none(), label=gettext_lazy("Period"))
    action = forms.ChoiceField(
        choices=[(PUBLISH, gettext_lazy("Publish")), (UNPUBLISH, gettext_lazy("Withdraw"))],
        label=gettext_lazy("Action"),
    )

    def __init__(self, *args, unit: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only periods covering this unit can be chosen: a tampered id is a form error.
        ids = [p.pk for p in covering_periods(unit)]
        self.fields["period"].queryset = Period.objects.filter(pk__in=ids)


def _base_url(request: HttpRequest) -> str:
    return settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")


def _absolute(request: HttpRequest, path: str) -> str:
    return path if path.startswith(("http://", "https://")) else _base_url(request) + path


@login_required
@require_GET
def publish_page(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    rows = publication_rows(unit)
    context: dict[str, object] = {
        "unit": unit,
        "rows": rows,
        "number_style": number_style(unit),
    }
    if any(row["published"] for row in rows):
        widget_url = _absolute(request, reverse("publication:widget", args=[unit.slug]))
        script_url = _absolute(request, static("publication/widget.js"))
        context.update(
            public_url=_absolute(request, reverse("publication:unit", args=[unit.slug])),
            iframe_snippet=(
                f'<iframe src="{widget_url}" title="Indeks Kepuasan Masyarakat" '
                'width="300" height="220" loading="lazy"></iframe>'
            ),
            script_snippet=f'<script src="{script_url}" data-unit="{unit.slug}" async></script>',
        )
    return render(request, "dashboard/publish.html", context)


@login_required
@require_GET
def publish_confirm(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    form = PublicationForm(request.GET, unit=unit)
    if not form.is_valid():
        raise Http404
    period = form.cleaned_data["period"]
    action = form.cleaned_data["action"]
    published = Publication.objects.filter(period=period, unit=unit).exists()
    return render(
        request,
        "dashboard/publish_confirm.html",
        {
            "unit": unit,
            "period": period,
            "action": action,
            "publish": action == PUBLISH,
            "already": published == (action == PUBLISH),
            "still_open": period.status == Period.Status.OPEN,
        },
    )


@login_required
@require_POST
def publish_action(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    form = PublicationForm(request.POST, unit=unit)
    back = redirect("dashboard:publish", unit_slug=unit.slug)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: choose a period of this unit."))
        return back
    period = form.cleaned_data["period"]
    if form.cleaned_data["action"] == PUBLISH:
        publication_publish(period=period, unit=unit)
        messages.success(
            request,
            _("The results of %(period)s are public now.") % {"period": period.name},
        )
    else:
        publication_unpublish(period=period, unit=unit)
        messages.success(
            request,
            _("The results of %(period)s are no longer public.") % {"period": period.name},
        )
    return back
