"""Accounts and roles from the app: /staf/akun/ (docs/operations.md, docs/security.md).

An agency administrator manages the people of the agency's units; a unit administrator
manages roles on the unit and the units below it, and cannot hand out the agency
administrator role. Who may disable, re-enable or change an account is decided by all of
that account's roles (``account_in_reach``). A role goes directly to someone whose every
role is already in the administrator's care; anyone else, new or not, gets a one-time link
(``RoleInvitation``) shown on screen and, when an e-mail address is given and mail is
configured, sent by e-mail: they log in with their own account and accept, or make a new
account. Accounts are disabled, never deleted, so that the audit trail keeps their names.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from skm.org.access import MANAGE_ROLES, Role, account_in_reach, units_for_user
from skm.org.models import Membership, RoleInvitation
from skm.org.services import (
    INVITATION_DAYS,
    role_invitation_accept,
    role_invitation_close,
    role_invitation_create,
    role_invitation_open,
)

User = get_user_model()


def _manageable_units(user):
    return units_for_user(user, MANAGE_ROLES).select_related("agency").order_by("path")


def _grantable_roles(user) -> list[tuple[str, str]]:
    is_agency_admin = (
        user.is_superuser or Membership.objects.filter(user=user, role=Role.AGENCY_ADMIN).exists()
    )
    return [(v, label) for v, label in Role.choices if is_agency_admin or v != Role.AGENCY_ADMIN]


NEW_PERSON = "baru"


class InviteForm(forms.Form):
    """A role for someone already in the inviter's care, or a one-time link for anyone.

    There is no user name to type: a name typed here would tell whether it exists anywhere
    in the installation (finding 1 of issue #12). People whose every role lies in the
    inviter's units are listed; anyone else (a new person, or an account of another unit
    or agency) gets a one-time link and accepts it themselves.
    """

    person = forms.ChoiceField(label=gettext_lazy("Person"))
    email = forms.EmailField(
        label=gettext_lazy("E-mail for the link (optional)"),
        required=False,
        help_text=gettext_lazy("Only for a new person or someone outside your units."),
    )
    unit = forms.ChoiceField(label=gettext_lazy("Unit"))
    role = forms.ChoiceField(label=gettext_lazy("Role"))

    def __init__(self, *args, units=(), roles=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            (NEW_PERSON, _("New person or someone outside my units (one-time link)")),
            *[(str(p.pk), p.username) for p in people],
        ]
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        self.fields["role"].choices = roles


def _people(user, units) -> dict:
    """The people holding a role on ``units``: person -> their roles there."""
    memberships = (
        Membership.objects.filter(unit__in=units)
        .select_related("user", "unit")
        .order_by("user__username", "unit__path")
    )
    people: dict = {}
    for m in memberships:
        people.setdefault(m.user, []).append(m)
    return people


def _invitation_link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("dashboard:invitation", args=[token]))


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    units = list(_manageable_units(request.user))
    if not units:
        raise Http404
    roles = _grantable_roles(request.user)
    people = _people(request.user, units)
    reachable = [p for p in people if account_in_reach(request.user, p)]
    form = InviteForm(units=units, roles=roles, people=reachable)
    link = None
    if request.method == "POST":
        form = InviteForm(request.POST, units=units, roles=roles, people=reachable)
        if form.is_valid():
            data = form.cleaned_data
            unit = next(u for u in units if str(u.pk) == data["unit"])
            if data["person"] == NEW_PERSON:
                invitation, token = role_invitation_create(
                    unit=unit, role=data["role"], email=data["email"], invited_by=request.user
                )
                link = _invitation_link(request, token)
                if invitation.email:
                    send_mail(
                        _("Your SKM account"),
                        _(
                            "You are invited as %(role)s of %(unit)s. Open this link to "
                            "accept (it works once, for %(days)s days): %(link)s"
                        )
                        % {
                            "role": invitation.get_role_display(),
                            "unit": unit.name,
                            "days": INVITATION_DAYS,
                            "link": link,
                        },
                        None,
                        [invitation.email],
                        fail_silently=True,
                    )
                messages.success(
                    request, _("The invitation was made. Give the one-time link below.")
                )
            else:
                person = next(p for p in reachable if str(p.pk) == data["person"])
                with transaction.atomic():
                    Membership.objects.get_or_create(
                        user=person, agency=unit.agency, unit=unit, role=data["role"]
                    )
                messages.success(
                    request, _("The role was given to %(user)s.") % {"user": person.username}
                )
                return redirect("dashboard:accounts")
            form = InviteForm(units=units, roles=roles, people=reachable)
    pending = RoleInvitation.objects.filter(
        unit__in=units, closed_at=None, expires_at__gt=timezone.now()
    ).select_related("unit", "invited_by")
    return render(
        request,
        "dashboard/accounts.html",
        {
            "form": form,
            "people": sorted(people.items(), key=lambda p: p[0].username),
            "reachable": {p.pk for p in reachable},
            "pending": pending,
            "link": link,
        },
    )


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    units = _manageable_units(request.user)
    invitation = RoleInvitation.objects.filter(pk=invitation_id, unit__in=units).first()
    if invitation is None:
        raise Http404
    role_invitation_close(invitation)
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("dashboard:accounts")


class NewAccountForm(UserCreationForm):
    email = forms.EmailField(label=gettext_lazy("E-mail (optional)"), required=False)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link: accept with one's own account, or make a new one.

    Public by design (the link is the credential). Someone logged in accepts or declines
    for their own account; a visitor logs in first or makes a new account here.
    """
    offer = role_invitation_open(token)
    if offer is None:
        return render(request, "dashboard/invitation.html", {"used": True}, status=410)
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            if request.POST.get("jawab") == "terima":
                if role_invitation_accept(offer, user=request.user):
                    messages.success(
                        request,
                        _("You now have the role %(role)s on %(unit)s.")
                        % {"role": offer.get_role_display(), "unit": offer.unit.name},
                    )
                return redirect("dashboard:home")
            role_invitation_close(offer)
            messages.success(request, _("The invitation was declined."))
            return redirect("dashboard:home")
    else:
        form = NewAccountForm(request.POST or None, initial={"email": offer.email})
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                user = form.save()
                if not role_invitation_accept(offer, user=user):
                    transaction.set_rollback(True)
                    return render(request, "dashboard/invitation.html", {"used": True}, status=410)
            messages.success(
                request, _("Your account is ready. Log in with your user name and password.")
            )
            return redirect("dashboard:login")
    return render(
        request,
        "dashboard/invitation.html",
        {
            "offer": offer,
            "form": form,
            "login_url": reverse("dashboard:login") + "?" + urlencode({"next": request.path}),
        },
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
    person = User.objects.filter(pk=user_id).first()
    if person is None or not account_in_reach(request.user, person):
        raise Http404
    person.is_active = request.POST.get("aktif") == "1"
    person.save(update_fields=["is_active"])
    text = _("%(user)s can log in again.") if person.is_active else _("%(user)s was disabled.")
    messages.success(request, text % {"user": person.username})
    return redirect("dashboard:accounts")
