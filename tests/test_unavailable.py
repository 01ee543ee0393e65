"""A database that is away answers 503 + Retry-After (never 500), and the app recovers.

The fault tests (tests/faults, `make fault`) restart a real PostgreSQL under load; these
are the fast checks of the same code paths, with the failure simulated.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from unittest import mock

import pytest
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.test import Client
from django.utils import timezone

from skm.config.middleware import RETRY_AFTER_SECONDS, database_unavailable
from skm.surveys.kiosks import clear_caches, kiosk_activate, kiosk_create, kiosk_submit
from skm.surveys.models import Period, Response
from skm.surveys.services import period_create

MESSAGE_ID = "Layanan sedang tidak dapat digunakan untuk sementara"
MESSAGE_EN = "The service is temporarily unavailable"


def _gone() -> OperationalError:
    return OperationalError("server closed the connection unexpectedly")


def _assert_503(response, *, json_body: bool):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "Traceback" not in text and "OperationalError" not in text
    if json_body:
        assert response["Content-Type"].startswith("application/json")
        return json.loads(text)
    assert response["Content-Type"].startswith("text/html")
    return text


@pytest.fixture
def kiosk_token(unit):
    today = timezone.localdate()
    period_create(
        unit=unit,
        name="Periode Berjalan",
        kind=Period.Kind.OTHER,
        start_date=today.replace(day=1),
        end_date=today.replace(day=28) if today.day <= 28 else today,
        status=Period.Status.OPEN,
    )
    _kiosk, code = kiosk_create(unit=unit, name="Loket 1")
    clear_caches()
    yield kiosk_activate(code=code)[1]
    clear_caches()


def _submission() -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "given_at": None,
        "answers": {f"U{i}": 3 for i in range(1, 10)},
        "profile": {"gender": "P", "age": 30, "education": "SMA", "occupation": "SWASTA"},
    }


def test_the_kiosk_api_answers_503_json_in_indonesian(client):
    # KioskApiMiddleware serves this path itself, ahead of the other middleware.
    with mock.patch("skm.public.kiosk.kiosk_submit", side_effect=_gone()):
        response = client.post(
            "/kios/api/responses",
            data=json.dumps(_submission()),
            content_type="application/json",
            HTTP_AUTHORIZATION="Bearer abc",
        )
    body = _assert_503(response, json_body=True)
    assert body["error"] == "unavailable"
    assert MESSAGE_ID in body["message"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_broken_connection_is_503_too(client):
    with mock.patch("skm.public.kiosk.kiosk_authenticate", side_effect=InterfaceError("closed")):
        response = client.get("/kios/api/config", HTTP_AUTHORIZATION="Bearer abc")
    _assert_503(response, json_body=True)


def test_a_page_whose_view_fails_gets_the_friendly_page(client, unit):
    with mock.patch("skm.public.views._unit", side_effect=_gone()):
        response = client.get(f"/s/{unit.slug}/")
    text = _assert_503(response, json_body=False)
    assert MESSAGE_ID in text and '<html lang="id">' in text
    # The page goes through the rest of the stack: the security headers are there.
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_page_follows_the_chosen_language(client, unit):
    client.cookies["django_language"] = "en"
    with mock.patch("skm.public.views._unit", side_effect=_gone()):
        response = client.get(f"/s/{unit.slug}/")
    text = _assert_503(response, json_body=False)
    assert MESSAGE_EN in text and '<html lang="en">' in text


def test_a_failure_outside_the_view_is_503_not_500(db, manager):
    """Loading a staff session happens in middleware, before any view: handler500."""
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=_gone()):
        response = client.get("/staf/")
    assert MESSAGE_ID in _assert_503(response, json_body=False)


def test_the_rest_api_answers_in_its_own_error_shape(db):
    client = Client(raise_request_exception=False)
    with mock.patch("skm.api.results.api_key_verify", side_effect=_gone()):
        response = client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer skm_nothing")
    body = _assert_503(response, json_body=True)
    assert MESSAGE_ID in body["detail"]


def test_other_errors_stay_500(db):
    client = Client(raise_request_exception=False)
    with mock.patch("skm.public.views._unit", side_effect=RuntimeError("a bug")):
        response = client.get("/s/dinas/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    with mock.patch("skm.public.views._unit", side_effect=DatabaseError("a bad query")):
        assert client.get("/s/dinas/").status_code == 500


def test_sqlite_mistakes_are_not_taken_for_an_outage():
    def wrapped(message: str) -> OperationalError:
        error = OperationalError(message)
        error.__cause__ = sqlite3.OperationalError(message)
        return error

    assert database_unavailable(wrapped("database is locked"))
    assert database_unavailable(wrapped("disk I/O error"))
    assert not database_unavailable(wrapped("no such table: surveys_response"))
    assert not database_unavailable(wrapped('near "SELEC": syntax error'))
    assert database_unavailable(_gone()) and database_unavailable(InterfaceError("closed"))
    assert not database_unavailable(ValueError("x")) and not database_unavailable(None)


@pytest.mark.django_db(transaction=True)
def test_a_kiosk_connection_dropped_by_the_server_is_replaced_on_the_next_submission(
    kiosk_token,
):
    """The fast path skips Django's health check; a connection the server dropped (a
    restart: its prepared statements are gone too) is replaced within the request."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the kiosk's prepared single-statement path")
    import psycopg

    first = kiosk_submit(token=kiosk_token, data=_submission())
    assert first.created
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    for _ in range(3):  # both paths: the single statement, then (unknown kiosk) the full one
        data = _submission()
        assert kiosk_submit(token=kiosk_token, data=data).created
        assert Response.objects.filter(client_id=data["client_id"]).count() == 1
    assert connection.connection.info.backend_pid != pid


# --- SQLite's write lock held by another connection (a long import) ------------------
#
# The test database is in memory, where another connection cannot hold SQLite's write
# lock as a second process does; the check runs in a child process on a file database.

LOCK_PROBE = r"""
import json, os, sqlite3, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
connection.settings_dict["OPTIONS"]["timeout"] = 1  # a writer waits 1 s, not 20
connection.close()

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client, RequestFactory
from skm.config.middleware import RENEWED_KEY, SessionMiddleware
from skm.org.models import Membership
from skm.org.services import agency_create, unit_create

unit = unit_create(agency=agency_create(name="Kota Uji", city="Kota Uji"), name="Dinas Uji")
user = get_user_model().objects.create_user("pimpinan", password="x")
Membership.objects.create(user=user, agency=unit.agency, unit=unit, role=Membership.Role.HEAD)
client = Client()
client.force_login(user)
connection.close()

from django.contrib.sessions.models import Session
expiry = Session.objects.get().expire_date
connection.close()

lock = sqlite3.connect(os.environ["PROBE_DB"], isolation_level=None)
lock.execute("BEGIN IMMEDIATE")  # what a long import holds until it commits
seen = {}
for path in ("/staf/", f"/staf/unit/{unit.slug}/", f"/staf/unit/{unit.slug}/hasil/"):
    response = client.get(path)
    seen[path] = [response.status_code, response.get("Retry-After")]

def changes_the_session(request):  # a view whose only write is to its session
    request.session["chosen"] = 1
    return HttpResponse("ok")

cookie = client.cookies["sessionid"].value
request = RequestFactory().get("/staf/", HTTP_COOKIE=f"sessionid={cookie}")
response = SessionMiddleware(changes_the_session)(request)
seen["session write"] = [response.status_code, response.get("Retry-After")]
response = client.post("/staf/keluar/")
seen["logout"] = [response.status_code, response.get("Retry-After")]
lock.execute("ROLLBACK")
lock.close()

connection.close()
seen["expiry unchanged"] = Session.objects.get().expire_date == expiry
response = client.get("/staf/")
seen["after"] = [response.status_code, response.get("Retry-After")]
session = Session.objects.get().get_decoded()
seen["renewed after"] = RENEWED_KEY in session
print(json.dumps(seen))
"""


def test_staff_pages_read_while_sqlite_is_locked_and_writes_answer_503(tmp_path):
    import os
    import subprocess
    import sys

    database = tmp_path / "skm.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "skm.config.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "SKM_DATA_DIR": str(tmp_path),
        "PROBE_DB": str(database),
    }
    env.pop("SKM_ENV", None)
    done = subprocess.run(
        [sys.executable, "-c", LOCK_PROBE], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    retry = str(RETRY_AFTER_SECONDS)
    # Reading pages need no write: 200 while the lock is held (was 400 "session deleted").
    assert seen["/staf/"] == [200, None]
    assert seen["/staf/unit/dinas-uji/"] == [200, None]
    assert seen["/staf/unit/dinas-uji/hasil/"] == [200, None]
    # What has to write waits for the lock, then gets 503 + Retry-After, never 400 or 500.
    assert seen["session write"] == [503, retry]
    assert seen["logout"] == [503, retry]
    # The renewal that met the lock was skipped; the next request renews.
    assert seen["expiry unchanged"] is True
    assert seen["after"] == [200, None]
    assert seen["renewed after"] is True
