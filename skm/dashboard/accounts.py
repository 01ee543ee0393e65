"""Accounts and roles from the app: /staf/akun/ (docs/operations.md).

An agency administrator manages the people of the agency's units; a unit administrator
manages roles on the unit and the units below it, and cannot hand out the agency
administrator role. A new person is invited with a one-time link (Django's password-reset
token: it stops working once the password is set) shown on screen and, when an e-mail
address is given and mail is configured, sent by e-mail. Accounts are disabled, never
deleted, so that the audit trail keeps its names.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from skm.org.access import MANAGE_ROLES, Role, units_for_user
from skm.org.models import Membership

User = get_user_model()


def _manageable_units(user):
    return units_for_user(user, MANAGE_ROLES).select_related("agency").order_by("path")


def _grantable_roles(user) -> list[tuple[str, str]]:
    is_agency_admin = (
        user.is_superuser or Membership.objects.filter(user=user, role=Role.AGENCY_ADMIN).exists()
    )
    return [(v, label) for v, label in Role.choices if is_agency_admin or v != Role.AGENCY_ADMIN]


class InviteForm(forms.Form):
    username = forms.RegexField(
        label=gettext_lazy("User name"),
        regex=r"^[\w.@+-]{3,150}$",
        error_messages={"invalid": gettext_lazy("3 to 150 letters, digits or . @ + - _")},
    )
    email = forms.EmailField(label=gettext_lazy("E-mail (optional)"), required=False)
    unit = forms.ChoiceField(label=gettext_lazy("Unit"))
    role = forms.ChoiceField(label=gettext_lazy("Role"))

    def __init__(self, *args, units=(), roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        self.fields["role"].choices = roles


def activation_link(request: HttpRequest, user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return request.build_absolute_uri(
        reverse("dashboard:password_reset_confirm", args=[uid, token])
    )


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    units = list(_manageable_units(request.user))
    if not units:
        raise Http404
    roles = _grantable_roles(request.user)
    form = InviteForm(units=units, roles=roles)
    link = None
    if request.method == "POST":
        form = InviteForm(request.POST, units=units, roles=roles)
        if form.is_valid():
            unit = next(u for u in units if str(u.pk) == form.cleaned_data["unit"])
            username = form.cleaned_data["username"]
            with transaction.atomic():
                user = User.objects.filter(username=username).first()
                created = user is None
                if created:
                    user = User(username=username, email=form.cleaned_data["email"])
                    user.set_unusable_password()
                    user.save()
                Membership.objects.get_or_create(
                    user=user, agency=unit.agency, unit=unit, role=form.cleaned_data["role"]
                )
            if created:
                link = activation_link(request, user)
                if user.email:
                    send_mail(
                        _("Your SKM account"),
                        _("Set your password with this link (it works once): %(link)s")
                        % {"link": link},
                        None,
                        [user.email],
                        fail_silently=True,
                    )
                messages.success(
                    request,
                    _("%(user)s was invited. Give them the one-time link below.")
                    % {"user": username},
                )
            else:
                messages.success(request, _("The role was given to %(user)s.") % {"user": username})
            form = InviteForm(units=units, roles=roles)
    memberships = (
        Membership.objects.filter(unit__in=units)
        .select_related("user", "unit")
        .order_by("user__username", "unit__path")
    )
    people: dict = {}
    for m in memberships:
        people.setdefault(m.user, []).append(m)
    return render(
        request,
        "dashboard/accounts.html",
        {"form": form, "people": sorted(people.items(), key=lambda p: p[0].username), "link": link},
    )


@login_required
@require_POST
def membership_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    units = _manageable_units(request.user)
    membership = Membership.objects.filter(pk=membership_id, unit__in=units).first()
    if membership is None or membership.user_id == request.user.pk:
        raise Http404
    if membership.role == Role.AGENCY_ADMIN and Role.AGENCY_ADMIN not in dict(
        _grantable_roles(request.user)
    ):
        raise Http404
    membership.delete()
    messages.success(request, _("The role was removed."))
    return redirect("dashboard:accounts")


@login_required
@require_POST
def account_active(request: HttpRequest, user_id: int) -> HttpResponse:
    units = _manageable_units(request.user)
    person = User.objects.filter(pk=user_id, memberships__unit__in=units).distinct().first()
    if person is None or person.pk == request.user.pk or person.is_superuser:
        raise Http404
    person.is_active = request.POST.get("aktif") == "1"
    person.save(update_fields=["is_active"])
    text = _("%(user)s can log in again.") if person.is_active else _("%(user)s was disabled.")
    messages.success(request, text % {"user": person.username})
    return redirect("dashboard:accounts")
