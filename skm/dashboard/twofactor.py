"""Optional two-factor login with an authenticator app (TOTP, django-otp), docs/security.md.

Any staff account may turn it on at /staf/akun/dua-faktor/; it is recommended for
administrators (the home page says so to an administrator who has not). Once on:

- the login asks for the password, then for the 6-digit code of the app (or one of ten
  single-use backup codes, shown once when two-factor is turned on). Between the two steps
  the session holds only the pending account's id, for PENDING_SECONDS; the person is not
  logged in until the code is right.
- wrong codes count towards the same per-account lock as wrong passwords (login.py), and
  django-otp slows down repeated failures on the device itself;
- the back office (/admin/) logs in through the same two steps;
- turning it off needs a current code, and both changes are in the audit trail.
"""

from __future__ import annotations

import base64
import io
import time

from django import forms
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from skm.audit.signals import record
from skm.dashboard import login as throttle

PENDING_KEY = "skm_2fa_pending"
PENDING_SECONDS = 5 * 60
BACKUP_CODES = 10
APP_DEVICE = "authenticator"
BACKUP_DEVICE = "backup"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        help_text=gettext_lazy(
            "The 6-digit code shown by your authenticator app, or one of your backup codes."
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def has_two_factor(user) -> bool:
    return bool(user.is_authenticated and user_has_device(user, confirmed=True))


def verify(user, code: str):
    """The device that accepts the code (the app's for six digits, else a backup code)."""
    if code.isdigit() and len(code) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    with transaction.atomic():
        for device in devices.select_for_update():
            if device.verify_is_allowed()[0] and device.verify_token(code):
                return device
    return None


def start_pending(request: HttpRequest, user, next_url: str) -> HttpResponse:
    """After a right password, for an account with two-factor: remember who, ask the code."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", ""),
        "next": next_url,
        "at": int(time.time()),
    }
    return redirect("dashboard:login_code")


def _pending_user(request: HttpRequest):
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, None
    user = auth.get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.error(request, _("Log in again: the login took too long."))
        return redirect("dashboard:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_key = throttle._account_key(user.get_username())
        if throttle._count(account_key) >= throttle.LOCK_AFTER:
            request.session.pop(PENDING_KEY, None)
            form.add_error(
                None,
                _(
                    "This account is locked for %(minutes)s minutes after %(n)s failed "
                    "logins. Try again later or ask an administrator."
                )
                % {"minutes": throttle.WINDOW // 60, "n": throttle.LOCK_AFTER},
            )
        else:
            device = verify(user, form.cleaned_data["code"])
            if device is None:
                throttle._bump(account_key)
                record(
                    "login_failed",
                    user=user,
                    model="auth.user",
                    object_id=str(user.pk),
                    object_repr=user.get_username(),
                    note="two-factor code",
                )
                form.add_error("code", _("This code is not right or was already used."))
            else:
                del request.session[PENDING_KEY]
                auth.login(request, user, backend=pending.get("backend") or None)
                otp_login(request, device)
                throttle.cache.delete(account_key)
                if isinstance(device, StaticDevice):
                    left = StaticToken.objects.filter(device=device).count()
                    messages.warning(
                        request,
                        _("You used a backup code; %(n)s are left.") % {"n": left},
                    )
                next_url = pending.get("next") or ""
                if not url_has_allowed_host_and_scheme(
                    next_url, {request.get_host()}, require_https=request.is_secure()
                ):
                    next_url = ""
                return redirect(next_url or "dashboard:home")
    return render(request, "dashboard/login_code.html", {"form": form})


def _qr_svg(url: str) -> SafeString:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, title="QR"
    )
    # Our own SVG of the otpauth:// URL we built; nothing from a user is in it.
    return mark_safe(buffer.getvalue().decode())  # noqa: S308


def _new_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def _audit(user, on: bool) -> None:
    record(
        "change",
        user=user,
        model="auth.user",
        object_id=str(user.pk),
        object_repr=user.get_username(),
        changes={"two_factor": [not on, on]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    app = TOTPDevice.objects.filter(user=user, name=APP_DEVICE).first()
    enabled = app is not None and app.confirmed
    form = CodeForm(request.POST or None)
    context: dict = {"enabled": enabled, "form": form}
    action = request.POST.get("action", "")
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if not enabled and action == "on" and app is not None:
            if app.verify_token(code):
                with transaction.atomic():
                    app.confirmed = True
                    app.save(update_fields=["confirmed"])
                    codes = _new_backup_codes(user)
                    _audit(user, True)
                otp_login(request, app)
                messages.success(request, _("Two-factor login is on."))
                return render(
                    request,
                    "dashboard/two_factor.html",
                    {"enabled": True, "backup_codes": codes, "form": CodeForm()},
                )
            form.add_error("code", _("This code is not right. Check the clock of your phone."))
        elif enabled and action in {"off", "codes"}:
            if verify(user, code) is None:
                form.add_error("code", _("This code is not right or was already used."))
            elif action == "off":
                with transaction.atomic():
                    TOTPDevice.objects.filter(user=user).delete()
                    StaticDevice.objects.filter(user=user).delete()
                    _audit(user, False)
                messages.success(request, _("Two-factor login is off."))
                return redirect("dashboard:two_factor")
            else:
                codes = _new_backup_codes(user)
                messages.success(request, _("New backup codes; the old ones no longer work."))
                return render(
                    request,
                    "dashboard/two_factor.html",
                    {"enabled": True, "backup_codes": codes, "form": CodeForm()},
                )
    if not enabled:
        if app is None:
            app = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
        context.update(
            qr=_qr_svg(app.config_url),
            secret=_spaced(base64.b32encode(app.bin_key).decode().rstrip("=")),
        )
    else:
        context["codes_left"] = StaticToken.objects.filter(device__user=user).count()
    return render(request, "dashboard/two_factor.html", context)


def _spaced(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
