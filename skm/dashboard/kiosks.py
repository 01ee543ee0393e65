"""Staff side: a unit's kiosks (register, new setup link, revoke). Unit admins only."""

from __future__ import annotations

import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from skm.org.access import MANAGE_ROLES, unit_for_user
from skm.org.models import Service, Unit
from skm.surveys.kiosks import (
    IDLE_MAX_SECONDS,
    IDLE_MIN_SECONDS,
    SETUP_LINK_HOURS,
    KioskState,
    kiosk_create,
    kiosk_held_counts,
    kiosk_revoke,
    kiosk_setup_link,
    kiosk_state,
)
from skm.surveys.models import Kiosk

# The fresh setup link waits in the session only until the next page shows it, once.
SESSION_KEY = "skm_kiosk_setup_link"


class KioskForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=120,
        help_text=gettext_lazy('Where it stands, e.g. "Loket 1" or "Ruang tunggu".'),
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=gettext_lazy("(any: the respondent chooses)"),
        help_text=gettext_lazy("Leave empty when the kiosk serves several services."),
    )
    idle_reset_seconds = forms.IntegerField(
        label=gettext_lazy("Reset after inactivity (seconds)"),
        min_value=IDLE_MIN_SECONDS,
        max_value=IDLE_MAX_SECONDS,
        initial=90,
        help_text=gettext_lazy("A half-filled questionnaire is cleared after this long untouched."),
    )

    def __init__(self, *args, unit: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(
            unit_id__in=[unit.pk, *(u.pk for u in unit.ancestors())], is_active=True
        ).order_by("name")


def _setup_url(request: HttpRequest, code: str) -> str:
    path = reverse("kiosk:setup", args=[code])
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path)


def _qr_svg(url: str) -> SafeString:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, title="QR"
    )
    # Our own SVG of a URL we built; nothing from a user is in it.
    return mark_safe(buffer.getvalue().decode())  # noqa: S308


def _remember_link(request: HttpRequest, kiosk: Kiosk, code: str) -> None:
    request.session[SESSION_KEY] = {"kiosk": kiosk.pk, "url": _setup_url(request, code)}


@login_required
@require_http_methods(["GET", "POST"])
def kiosk_list(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    if request.method == "POST":
        form = KioskForm(request.POST, unit=unit)
        if form.is_valid():
            try:
                kiosk, code = kiosk_create(
                    unit=unit,
                    name=form.cleaned_data["name"],
                    service=form.cleaned_data["service"],
                    idle_reset_seconds=form.cleaned_data["idle_reset_seconds"],
                )
            except ValidationError as error:
                form.add_error("name", error)
            else:
                _remember_link(request, kiosk, code)
                messages.success(request, _("Kiosk %(name)s registered.") % {"name": kiosk.name})
                return redirect("dashboard:kiosks", unit_slug=unit.slug)
    else:
        form = KioskForm(unit=unit)
    kiosks = list(Kiosk.objects.filter(unit=unit).select_related("service").order_by("name"))
    held = kiosk_held_counts(kiosks)
    fresh = request.session.pop(SESSION_KEY, None) if request.method == "GET" else None
    rows = [
        {"kiosk": k, "state": kiosk_state(k), "held": held.get(k.pk, 0), "fresh": None}
        for k in kiosks
    ]
    fresh_row = None
    if fresh:
        for row in rows:
            if row["kiosk"].pk == fresh["kiosk"]:
                row["fresh"] = fresh["url"]
                fresh_row = row
    response = render(
        request,
        "dashboard/kiosks.html",
        {
            "unit": unit,
            "form": form,
            "rows": rows,
            "fresh": fresh_row,
            "fresh_qr": _qr_svg(fresh_row["fresh"]) if fresh_row else None,
            "states": KioskState,
            "setup_hours": SETUP_LINK_HOURS,
        },
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )
    # The page may hold a setup link: never keep it in a cache.
    response["Cache-Control"] = "no-store"
    return response


def _kiosk(request: HttpRequest, unit_slug: str, kiosk_id: int) -> tuple[Unit, Kiosk]:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    return unit, get_object_or_404(Kiosk, pk=kiosk_id, unit=unit)


@login_required
@require_POST
def kiosk_link(request: HttpRequest, unit_slug: str, kiosk_id: int) -> HttpResponse:
    unit, kiosk = _kiosk(request, unit_slug, kiosk_id)
    try:
        code = kiosk_setup_link(kiosk=kiosk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _remember_link(request, kiosk, code)
        messages.success(
            request,
            _("New setup link for %(name)s: earlier links no longer work.") % {"name": kiosk.name},
        )
    return redirect("dashboard:kiosks", unit_slug=unit.slug)


@login_required
@require_http_methods(["GET", "POST"])
def kiosk_revoke_view(request: HttpRequest, unit_slug: str, kiosk_id: int) -> HttpResponse:
    unit, kiosk = _kiosk(request, unit_slug, kiosk_id)
    if request.method == "POST":
        kiosk_revoke(kiosk=kiosk)
        messages.success(
            request,
            _("Kiosk %(name)s revoked: it no longer accepts answers.") % {"name": kiosk.name},
        )
        return redirect("dashboard:kiosks", unit_slug=unit.slug)
    return render(
        request,
        "dashboard/kiosks_revoke.html",
        {"unit": unit, "kiosk": kiosk, "revoked": kiosk.revoked_at is not None},
    )
