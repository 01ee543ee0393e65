"""Project middleware: the language of a request, and a database that is away.

Language selection: Indonesian unless the person chose English.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show English
to most Indonesian civil servants (their browsers are often set to English). The product
is Indonesian by default; only an explicit choice (the language cookie written by
django.views.i18n.set_language) switches it.

Database away (a restart, a failover, a network cut): every request that needs it fails
with django.db.OperationalError or InterfaceError. Those become 503 Service Unavailable with
``Retry-After`` (a JSON body on the APIs, a short page otherwise), never a 500 with a
traceback: a kiosk keeps the submission queued and sends it again, a person reloads.
DatabaseUnavailableMiddleware turns the errors of views into that answer; the kiosk fast
path (skm.public.kiosk.KioskApiMiddleware) and handler500 (skm.config.views.server_error,
for errors raised by other middleware, e.g. loading the session) use the same function.
Nothing has to be reset by hand: Django closes a connection that failed at the end of the
request (``close_if_unusable_or_obsolete``), and the next request connects again.

Sessions (SessionMiddleware below): a request that only reads does not write its session.
Django's SESSION_SAVE_EVERY_REQUEST wrote the session row on every staff request, so while
SQLite's single write lock was held (a long import) every staff page, even a read-only one,
failed with 400 "The request's session was deleted". The idle timeout is kept by renewing
the session at most once every SESSION_RENEW_SECONDS; a renewal that meets a locked database
is skipped (the next request renews), and a session change that must be written (a login, a
message) answers the 503 + Retry-After above instead of 400.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger("skm.unavailable")

# Seconds a client is asked to wait before trying again: a PostgreSQL restart takes a few.
RETRY_AFTER_SECONDS = 5
# Paths answered in JSON (machines read them); everything else gets a page.
JSON_PREFIXES = ("/kios/api/", "/api/")
_SQLITE_TRANSIENT = ("locked", "busy", "unable to open", "disk i/o", "is full")


class DefaultLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # Threads are reused between requests: never let one person's choice leak.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response


def database_unavailable(error: BaseException | None) -> bool:
    """True for the errors of a database that cannot be reached or whose connection broke
    (PostgreSQL also reports a lock or statement timeout so: worth retrying a moment later).

    SQLite reports a mistake in a query (no such table, a syntax error) as an
    OperationalError too; only its busy, locked and I/O errors count here, so that a bug
    stays a 500 and is not hidden as "try again".
    """
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        text = str(cause).lower()
        return any(word in text for word in _SQLITE_TRANSIENT)
    return True


def _wants_json(request: HttpRequest) -> bool:
    if request.path_info.startswith(JSON_PREFIXES):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def unavailable_response(request: HttpRequest, error: BaseException | None = None) -> HttpResponse:
    """503 + Retry-After in the request's language: JSON for the APIs, a page otherwise.

    Renders without the request's context (no session, no user, no messages), so that
    building the answer never touches the database that is away.
    """
    logger.warning(
        "database unavailable, answered 503: %s %s (%s: %s)",
        request.method,
        request.path,
        type(error).__name__ if error is not None else "-",
        str(error).strip().splitlines()[0] if error is not None and str(error).strip() else "",
    )
    message = _("The service is temporarily unavailable. Please try again in a few moments.")
    if _wants_json(request):
        if request.path_info.startswith("/api/"):
            body = {"detail": message}  # the shape of the REST API's other errors
        else:
            body = {"error": "unavailable", "message": message}
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), content_type="application/json", status=503
        )
    else:
        response = HttpResponse(
            render_to_string(
                "skm/unavailable.html",
                {
                    "message": message,
                    "stylesheet": _stylesheet(),
                    "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
                },
            ),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _stylesheet() -> str:
    from django.templatetags.static import static

    try:
        return static("skm/site.css")
    except ValueError:  # a manifest without the file (collectstatic not run): no styles
        return ""


class DatabaseUnavailableMiddleware:
    """A view (or its template) that fails because the database is away answers 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_unavailable(exception):
            return None
        return unavailable_response(request, exception)


# A session is renewed (its expiry moved to SESSION_COOKIE_AGE from now, one write) at most
# this often: a staff session ends after between SESSION_COOKIE_AGE minus this and
# SESSION_COOKIE_AGE of inactivity (25 to 30 minutes by default).
SESSION_RENEW_SECONDS = 5 * 60
RENEWED_KEY = "_skm_renewed"


def _database_cause(error: BaseException) -> BaseException | None:
    """The database error behind a failed session save (UpdateError hides it)."""
    seen = error
    while seen is not None:
        if isinstance(seen, (OperationalError, InterfaceError)):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


@contextlib.contextmanager
def _no_wait():
    """On SQLite, do not wait for the write lock (a renewal can wait for the next request,
    a person should not wait 20 s for it); elsewhere nothing changes."""
    if connection.vendor != "sqlite":
        yield
        return
    waited = int(float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)) * 1000)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {waited}")


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, with a renewal at most every SESSION_RENEW_SECONDS
    instead of a write on every request, and a database that is away or locked answered
    with 503 + Retry-After instead of 400 (settings.SESSION_SAVE_EVERY_REQUEST is False)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        renewal_only = False
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if session.modified:
                session[RENEWED_KEY] = now  # written anyway: counts as a renewal
            elif now - int(session.get(RENEWED_KEY, 0)) >= SESSION_RENEW_SECONDS:
                session[RENEWED_KEY] = now
                renewal_only = True
        try:
            with _no_wait() if renewal_only else contextlib.nullcontext():
                return super().process_response(request, response)
        except (SessionInterrupted, UpdateError) as error:
            cause = _database_cause(error)
            if not database_unavailable(cause):
                raise
            if renewal_only:
                # Nothing but the expiry would have changed: the page stands, and the next
                # request renews the session.
                logger.info("session renewal skipped, database busy: %s", cause)
                return response
            return unavailable_response(request, cause)
        except (OperationalError, InterfaceError) as error:
            if not database_unavailable(error):
                raise
            if renewal_only:
                logger.info("session renewal skipped, database busy: %s", error)
                return response
            return unavailable_response(request, error)
