"""Staff login, throttled: repeated failures lock an account for a while and slow down an
address that tries many accounts (docs/security.md).

- Per account (the username, case-insensitive): after LOCK_AFTER failures within WINDOW the
  account refuses every password, even the right one, until WINDOW has passed since the
  last failure. A success clears the count.
- Per address: after ADDRESS_LIMIT failures within WINDOW from one address, every login
  from it is refused for the rest of the window. The address is kept only as a keyed hash
  (HMAC with the secret key), in the cache, and only for WINDOW.
Counts live in the cache (Redis in production, shared by every app server).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from skm.surveys.abuse import client_address

WINDOW = 15 * 60
LOCK_AFTER = 5
ADDRESS_LIMIT = 20


def _account_key(username: str) -> str:
    digest = salted_hmac("skm.login.account", username.strip().lower(), algorithm="sha256")
    return f"login:acct:{digest.hexdigest()}"


def _address_key(address: str) -> str:
    digest = salted_hmac("skm.login.address", address, algorithm="sha256")
    return f"login:addr:{digest.hexdigest()}"


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def _bump(key: str) -> None:
    try:
        cache.incr(key)
        cache.touch(key, WINDOW)
    except ValueError:
        cache.set(key, 1, WINDOW)


class ThrottleMixin:
    """For an AuthenticationForm: refuse while the account or the address is throttled,
    count failures, clear the account's count on success."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request is not None else ""
        account_key, address_key = _account_key(username), _address_key(address)
        minutes = WINDOW // 60
        if _count(address_key) >= ADDRESS_LIMIT:
            raise forms.ValidationError(
                _("Too many failed logins from this network. Try again in %(minutes)s minutes.")
                % {"minutes": minutes},
                code="throttled",
            )
        if username and _count(account_key) >= LOCK_AFTER:
            raise forms.ValidationError(
                _(
                    "This account is locked for %(minutes)s minutes after %(n)s failed "
                    "logins. Try again later or ask an administrator."
                )
                % {"minutes": minutes, "n": LOCK_AFTER},
                code="locked",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                _bump(account_key)
            _bump(address_key)
            raise
        cache.delete(account_key)
        return cleaned


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    template_name = "dashboard/login.html"
    authentication_form = ThrottledAuthenticationForm

    def form_valid(self, form):
        from skm.dashboard import twofactor

        user = form.get_user()
        if twofactor.has_two_factor(user):
            return twofactor.start_pending(self.request, user, self.get_redirect_url())
        return super().form_valid(form)


def admin_login(request, extra_context=None):
    """The back office logs in through the staff login (throttled, two-factor)."""
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.http import urlencode

    if request.user.is_active and request.user.is_staff:
        return redirect("admin:index")
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(reverse("dashboard:login") + "?" + urlencode({"next": target}))
