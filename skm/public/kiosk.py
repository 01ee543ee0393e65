"""Kiosk (a tablet at the counter): setup, the static screen, its service worker, its API.

The API speaks JSON with ``Authorization: Bearer <device token>``: no session, no cookie,
no CSRF token is involved, so its views are csrf_exempt and never touch request.session
or request.user (the session and auth middleware then do no database work for them).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skm.config.middleware import database_unavailable, unavailable_response
from skm.surveys.kiosks import (
    KioskSetupRefused,
    KioskUnauthorized,
    SubmissionInvalid,
    kiosk_activate,
    kiosk_authenticate,
    kiosk_by_setup_code,
    kiosk_config,
    kiosk_heartbeat,
    kiosk_submit,
)

MAX_BODY = 64 * 1024
THANKS_SECONDS = 6
# Files the service worker keeps so that the screen reloads without the network.
SHELL_FILES = ("kiosk/kiosk.css", "kiosk/kiosk.js", "kiosk/outbox.js", "kiosk/icon.svg")


# --------------------------------------------------------------------------------------
# Setup: GET shows a button (link previews and scanners only GET), POST activates.


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, code: str) -> HttpResponse:
    try:
        if request.method == "POST":
            kiosk, token = kiosk_activate(code=code)
            response = render(
                request,
                "kiosk/setup_done.html",
                {"kiosk": kiosk, "token": token, "screen_url": reverse("kiosk:screen")},
            )
        else:
            kiosk = kiosk_by_setup_code(code)
            response = render(request, "kiosk/setup.html", {"kiosk": kiosk})
    except KioskSetupRefused as refused:
        response = render(
            request,
            "kiosk/setup_refused.html",
            {"message": refused.message},
            status=410 if refused.reason == "expired" else 404,
        )
    # The code is in the address: do not hand it to other sites.
    response["Referrer-Policy"] = "same-origin"
    return response


# --------------------------------------------------------------------------------------
# The screen, its manifest and its service worker


@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    """The kiosk's single page. Static: everything specific comes from /kios/api/config."""
    response = render(request, "kiosk/screen.html")
    # Revalidated on every load while online; the service worker serves it when offline.
    response["Cache-Control"] = "no-cache"
    return response


@cache
def _shell_version() -> str:
    digest = hashlib.sha256()
    for name in (*SHELL_FILES, "kiosk/sw.js"):
        path = finders.find(name)
        if path:
            with open(path, "rb") as fh:
                digest.update(fh.read())
    digest.update(render_to_string("kiosk/screen.html").encode())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    # Served from /kios/ rather than /static/ so that its scope covers the kiosk screen.
    path = finders.find("kiosk/sw.js")
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    shell = [reverse("kiosk:screen"), *(static(name) for name in SHELL_FILES)]
    header = (
        f"const SHELL_VERSION = {json.dumps(_shell_version())};\n"
        f"const SHELL_FILES = {json.dumps(shell)};\n"
        f"const CONFIG_PATH = {json.dumps(reverse('kiosk:config'))};\n"
    )
    response = HttpResponse(header + source, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("kiosk:screen")
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "name": "SKM Kiosk",
            "short_name": "SKM",
            "start_url": reverse("kiosk:screen"),
            "scope": reverse("kiosk:screen"),
            "display": "fullscreen",
            "orientation": "any",
            "background_color": "#ffffff",
            "theme_color": "#0b4f8a",
            "icons": [{"src": static("kiosk/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
    )


# --------------------------------------------------------------------------------------
# The API


def _bearer(request: HttpRequest) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _json(body: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/json", status=status
    )
    response["Cache-Control"] = "no-store"
    return response


def _unauthorized(error: KioskUnauthorized) -> HttpResponse:
    message = (
        _("This kiosk has been revoked. Ask the unit administrator.")
        if error.revoked
        else _("This kiosk is not registered (unknown token). Ask the unit administrator.")
    )
    response = _json(
        {"error": "revoked" if error.revoked else "unknown", "message": message}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="kiosk"'
    return response


def _read_body(request: HttpRequest) -> tuple[object, HttpResponse | None]:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return None, _json(
            {"error": "too_large", "message": _("The submission is too large.")}, 413
        )
    try:
        return json.loads(request.body or b"null"), None
    except (ValueError, UnicodeDecodeError):
        return None, _json(
            {"error": "invalid", "message": _("The submission is not valid JSON."), "errors": {}},
            400,
        )


def _labels(pairs, translated: dict[str, str]) -> list[dict[str, str]]:
    return [{"code": code, "label": translated.get(code, label)} for code, label in pairs]


def _texts() -> dict[str, str]:
    """Every sentence the screen shows, in the active language."""
    return {
        "start_title": _("How was our service today?"),
        "start_lead": _("Please give your opinion. It takes about one minute and is anonymous."),
        "start": _("Start the survey"),
        "service_question": _("Which service did you receive?"),
        "service_skip": _("Another service / not sure"),
        "question_of": _("Question %(n)s of %(total)s"),
        "back": _("Back"),
        "skip": _("Skip"),
        "next": _("Next"),
        "profile_title": _("About you (optional)"),
        "gender": _("Sex"),
        "age": _("Age (years)"),
        "age_invalid": _("Enter an age from 10 to 120, or skip."),
        "education": _("Last education"),
        "occupation": _("Occupation"),
        "occupation_other": _("Other occupation, namely"),
        "suggestion_title": _("Suggestions for us (optional)"),
        "suggestion_hint": _("Do not write your name, NIK or telephone number."),
        "submit": _("Send"),
        "thanks_title": _("Thank you!"),
        "thanks_lead": _("Your answers have been recorded."),
        "thanks_saved_offline": _(
            "Your answers are saved on this device and will be sent when the connection returns."
        ),
        "thanks_reset": _("The screen resets for the next person in %(n)s seconds."),
        "done": _("Done"),
        "still_here_title": _("Still there?"),
        "still_here_lead": _(
            "Nobody has touched the screen for a while. To keep your answers, press Continue."
        ),
        "still_here_reset": _("The answers are cleared for the next person in %(n)s seconds."),
        "still_here_continue": _("Continue"),
        "queued_one": _("1 waiting to be sent"),
        "queued_many": _("%(n)s waiting to be sent"),
        "held": _("%(n)s refused by the server (staff: see the kiosk page)"),
        "offline": _("No connection: answers are kept on this device."),
        "closed_title": _("The survey is not open"),
        "closed_lead": _("No survey period is open for this unit today."),
        "revoked_title": _("Kiosk revoked"),
        "revoked_lead": _(
            "This kiosk has been revoked and no longer accepts answers. "
            "Ask the unit administrator to set it up again."
        ),
        "unsent": _("%(n)s answers were not sent."),
        "not_set_up_title": _("Kiosk not set up"),
        "not_set_up_lead": _(
            "Open the setup link from the staff page on this device to start the kiosk."
        ),
        "loading": _("Loading…"),
        "language": _("Language"),
    }


def _config_body(config, language: str) -> dict:
    kiosk = config.kiosk
    period = config.period
    genders = {"L": _("Male"), "P": _("Female")}
    occupations = {
        "PNS": _("Civil servant (PNS)"),
        "TNI": _("Armed forces (TNI)"),
        "POLRI": _("Police (POLRI)"),
        "SWASTA": _("Private employee"),
        "WIRAUSAHA": _("Self-employed"),
        "LAINNYA": _("Other"),
    }
    from skm.method.profile import AGE_MAX, AGE_MIN, EDUCATIONS, GENDERS, OCCUPATIONS

    return {
        "language": language,
        "languages": [{"code": code, "name": str(name)} for code, name in settings.LANGUAGES],
        "kiosk": {"name": kiosk.name, "idle_reset_seconds": kiosk.idle_reset_seconds},
        "unit": {"name": kiosk.unit.name, "agency": kiosk.unit.agency.name},
        "service": (
            {"slug": kiosk.service.slug, "name": kiosk.service.name} if kiosk.service else None
        ),
        "services": [{"slug": s.slug, "name": s.name} for s in config.services],
        "period": (
            {
                "id": period.pk,
                "name": period.name,
                "start_date": period.start_date.isoformat(),
                "end_date": period.end_date.isoformat(),
            }
            if period
            else None
        ),
        "elements": [
            {
                "code": e.code,
                "name": e.name,
                "question": e.question,
                "labels": [e.label_1, e.label_2, e.label_3, e.label_4],
            }
            for e in config.elements
        ],
        "profile": {
            "genders": _labels(GENDERS, genders),
            "educations": _labels(EDUCATIONS, {}),
            "occupations": _labels(OCCUPATIONS, occupations),
            "age_min": AGE_MIN,
            "age_max": AGE_MAX,
        },
        "thanks_seconds": THANKS_SECONDS,
        "texts": _texts(),
        "server_time": timezone.now().isoformat(),
    }


@require_GET
def api_config(request: HttpRequest) -> HttpResponse:
    """The device's configuration; ?lang=en|id picks the kiosk's own language."""
    try:
        kiosk = kiosk_authenticate(token=_bearer(request))
    except KioskUnauthorized as error:
        return _unauthorized(error)
    supported = {code for code, _name in settings.LANGUAGES}
    language = request.GET.get("lang", "")
    language = language if language in supported else settings.LANGUAGE_CODE
    with translation.override(language):
        return _json(_config_body(kiosk_config(kiosk=kiosk), language))


@csrf_exempt
@require_POST
def api_responses(request: HttpRequest) -> HttpResponse:
    """Store one submission: 201 when new, 200 for a replay, 401, 422 with field errors."""
    data, refused = _read_body(request)
    if refused is not None:
        return refused
    try:
        result = kiosk_submit(token=_bearer(request), data=data)
    except KioskUnauthorized as error:
        return _unauthorized(error)
    except SubmissionInvalid as invalid:
        return _json(
            {
                "error": "invalid",
                "message": _("The submission was refused."),
                "errors": invalid.errors,
            },
            status=422,
        )
    return _json({"id": result.client_id, "stored": True}, status=201 if result.created else 200)


@csrf_exempt
@require_POST
def api_heartbeat(request: HttpRequest) -> HttpResponse:
    data, refused = _read_body(request)
    if refused is not None:
        return refused
    try:
        kiosk = kiosk_authenticate(token=_bearer(request))
    except KioskUnauthorized as error:
        return _unauthorized(error)
    data = data if isinstance(data, dict) else {}

    def count(key: str) -> int:
        value = data.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    kiosk_heartbeat(kiosk=kiosk, queue_length=count("queue_length"), held=count("held"))
    return _json({"ok": True, "server_time": timezone.now().isoformat()})


class KioskApiMiddleware:
    """Serves the kiosk API ahead of the rest of the middleware stack.

    Meant to be the first entry of MIDDLEWARE. The kiosk API needs none of what the stack
    does for pages (session, CSRF, authentication, messages, language cookie, frame
    options): it authenticates each call by its bearer token. Skipping the stack roughly
    halves the CPU Django spends on a submission (docs/performance.md). Every other path
    goes through the stack unchanged.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.views: dict[str, object] | None = None

    def _routes(self) -> dict[str, object]:
        if self.views is None:
            self.views = {
                reverse("kiosk:responses"): api_responses,
                reverse("kiosk:heartbeat"): api_heartbeat,
                reverse("kiosk:config"): api_config,
            }
        return self.views

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self._routes().get(request.path_info)
        if view is None:
            return self.get_response(request)
        request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware would check it
        translation.activate(settings.LANGUAGE_CODE)
        try:
            response = view(request)
        except (OperationalError, InterfaceError) as error:
            # The database is away: 503 + Retry-After, the device keeps the submission
            # queued and sends it again (DatabaseUnavailableMiddleware does this for the
            # rest of the site, which this path skips).
            if not database_unavailable(error):
                raise
            response = unavailable_response(request, error)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"
        )
        response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
        return response
