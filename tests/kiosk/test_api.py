"""The kiosk's HTTP side: setup pages, the static screen, config, submissions, heartbeat."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone

from skm.surveys.kiosks import kiosk_revoke, token_hash
from skm.surveys.models import Answer, Kiosk, Response

ALL_THREE = {f"U{i}": 3 for i in range(1, 10)}


def _post(client, url, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data=payload, content_type="application/json", **headers)


def _submission(**overrides):
    body = {
        "client_id": str(uuid.uuid4()),
        "given_at": timezone.now().isoformat(),
        "service": None,
        "answers": dict(ALL_THREE),
        "profile": {"gender": "L", "age": 40, "education": "SMP", "occupation": "PNS"},
        "suggestion": "",
        "queue_length": 2,
    }
    body.update(overrides)
    return body


# --------------------------------------------------------------------------------------
# Setup link


def test_setup_get_shows_a_button_and_does_not_burn_the_link(client, kiosk_and_code):
    kiosk, code = kiosk_and_code
    page = client.get(f"/kios/pasang/{code}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Loket 1" in text and "Dinas Contoh" in text
    assert 'method="post"' in text
    assert page["Referrer-Policy"] == "same-origin"
    kiosk.refresh_from_db()
    assert kiosk.token_hash is None and kiosk.setup_hash == token_hash(code)


def test_setup_post_hands_the_token_over_once(client, kiosk_and_code):
    kiosk, code = kiosk_and_code
    page = client.post(f"/kios/pasang/{code}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    kiosk.refresh_from_db()
    token = text.split('data-token="', 1)[1].split('"', 1)[0]
    assert kiosk.token_hash == token_hash(token)
    assert 'data-next="/kios/"' in text
    assert "kiosk/setup.js" in text

    again = client.post(f"/kios/pasang/{code}/")
    assert again.status_code == 404
    assert "data-token" not in again.content.decode()
    assert client.get(f"/kios/pasang/{code}/").status_code == 404
    kiosk.refresh_from_db()
    assert kiosk.token_hash == token_hash(token)


def test_expired_setup_link_is_refused_with_410(client, kiosk_and_code):
    kiosk, code = kiosk_and_code
    Kiosk.objects.filter(pk=kiosk.pk).update(
        setup_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    page = client.post(f"/kios/pasang/{code}/")
    assert page.status_code == 410
    assert "Tautan pemasangan ini sudah kedaluwarsa" in page.content.decode()
    kiosk.refresh_from_db()
    assert kiosk.token_hash is None


# --------------------------------------------------------------------------------------
# The static screen and its service worker


def test_the_screen_is_static_and_has_no_inline_script_or_style(client, db):
    page = client.get("/kios/")
    text = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-cache"
    assert "<script>" not in text and "style=" not in text and "<style" not in text
    assert '<script type="module" src="/static/kiosk/kiosk.js"></script>' in text
    assert 'data-responses-url="/kios/api/responses"' in text
    assert "<a " not in text


def test_the_service_worker_is_served_from_the_kiosk_scope(client, db):
    page = client.get("/kios/sw.js")
    text = page.content.decode()
    assert page.status_code == 200
    assert page["Content-Type"] == "text/javascript; charset=utf-8"
    assert page["Service-Worker-Allowed"] == "/kios/"
    assert 'const SHELL_FILES = ["/kios/", "/static/kiosk/kiosk.css"' in text
    assert 'const CONFIG_PATH = "/kios/api/config";' in text


def test_the_manifest_opens_the_kiosk_full_screen(client, db):
    manifest = client.get("/kios/manifest.webmanifest").json()
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/kios/",
        "/kios/",
        "fullscreen",
    )


# --------------------------------------------------------------------------------------
# Configuration


def test_config_needs_the_token(client, kiosk_token, open_period):
    refused = client.get("/kios/api/config")
    assert refused.status_code == 401
    assert refused.json()["error"] == "unknown"
    assert refused["WWW-Authenticate"] == 'Bearer realm="kiosk"'


def test_config_gives_the_questionnaire_choices_and_texts(
    client, kiosk_token, open_period, service
):
    _kiosk, token = kiosk_token
    config = client.get("/kios/api/config", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert config["language"] == "id"
    assert config["unit"] == {"name": "Dinas Contoh", "agency": "Pemerintah Kota Contoh"}
    assert config["kiosk"] == {"name": "Loket 1", "idle_reset_seconds": 90}
    assert config["service"] is None
    assert config["services"] == [{"slug": "ktp-el", "name": "KTP-el"}]
    assert config["period"]["id"] == open_period.pk
    assert [e["code"] for e in config["elements"]] == [f"U{i}" for i in range(1, 10)]
    assert config["elements"][0]["labels"] == [
        "Tidak sesuai",
        "Kurang sesuai",
        "Sesuai",
        "Sangat sesuai",
    ]
    assert [c["code"] for c in config["profile"]["educations"]] == [
        "SD",
        "SMP",
        "SMA",
        "D1_D3",
        "D4_S1",
        "S2",
        "S3",
    ]
    assert config["profile"]["genders"] == [
        {"code": "L", "label": "Laki-laki"},
        {"code": "P", "label": "Perempuan"},
    ]
    assert config["texts"]["start"] == "Mulai survei"
    # the question before an idle reset (kiosk.js, screen "stillhere")
    assert config["texts"]["still_here_title"] == "Masih di sini?"
    assert config["texts"]["still_here_continue"] == "Lanjutkan"
    assert "%(n)s detik" in config["texts"]["still_here_reset"]


def test_config_in_english_on_request(client, kiosk_token, open_period):
    _kiosk, token = kiosk_token
    config = client.get("/kios/api/config?lang=en", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert config["language"] == "en"
    assert config["texts"]["start"] == "Start the survey"
    assert config["profile"]["genders"][0] == {"code": "L", "label": "Male"}


def test_config_without_an_open_period_says_so(client, kiosk_token):
    _kiosk, token = kiosk_token
    config = client.get("/kios/api/config", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (config["period"], config["elements"]) == (None, [])


# --------------------------------------------------------------------------------------
# Submissions


def test_a_submission_is_stored_once_with_channel_kiosk(client, kiosk_token, open_period):
    kiosk, token = kiosk_token
    body = _submission()
    created = _post(client, "/kios/api/responses", body, token)
    assert created.status_code == 201
    assert created.json() == {"id": body["client_id"], "stored": True}
    stored = Response.objects.get()
    assert (stored.channel, stored.kiosk, stored.period, stored.unit) == (
        "kiosk",
        kiosk,
        open_period,
        kiosk.unit,
    )
    assert str(stored.client_id) == body["client_id"]
    assert Answer.objects.filter(response=stored).count() == 9

    replay = _post(client, "/kios/api/responses", body, token)
    assert replay.status_code == 200
    assert replay.json() == {"id": body["client_id"], "stored": True}
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 9


def test_invalid_submission_gets_422_with_indonesian_field_errors(client, kiosk_token, open_period):
    _kiosk, token = kiosk_token
    body = _submission(answers={"U1": 7, "U2": 3}, profile={"age": 300})
    refused = _post(client, "/kios/api/responses", body, token)
    assert refused.status_code == 422
    assert refused.json() == {
        "error": "invalid",
        "message": "Kiriman ditolak.",
        "errors": {"profile.age": ["Usia harus bilangan bulat dari 10 sampai 120."]},
    }
    answers = _post(client, "/kios/api/responses", _submission(answers={"U1": 7}), token)
    assert answers.status_code == 422
    assert answers.json()["errors"] == {"answers.U1": ["Jawaban untuk U1 harus 1 sampai 4."]}
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0


def test_malformed_json_gets_400_and_writes_nothing(client, kiosk_token, open_period):
    _kiosk, token = kiosk_token
    refused = _post(client, "/kios/api/responses", b"{not json", token)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid"
    assert Response.objects.count() == 0


def test_an_oversized_body_is_refused(client, kiosk_token, open_period):
    _kiosk, token = kiosk_token
    refused = _post(client, "/kios/api/responses", _submission(suggestion="x" * 70000), token)
    assert refused.status_code == 413
    assert Response.objects.count() == 0


def test_the_endpoint_needs_no_csrf_token_but_a_bearer_token(kiosk_token, open_period):
    from django.test import Client

    _kiosk, token = kiosk_token
    strict = Client(enforce_csrf_checks=True)
    assert _post(strict, "/kios/api/responses", _submission(), token).status_code == 201
    unknown = _post(strict, "/kios/api/responses", _submission(), "x" * 43)
    assert unknown.status_code == 401
    missing = _post(strict, "/kios/api/responses", _submission())
    assert missing.status_code == 401
    assert Response.objects.count() == 1


def test_revoking_stops_the_kiosk_at_once(client, kiosk_token, open_period):
    kiosk, token = kiosk_token
    assert _post(client, "/kios/api/responses", _submission(), token).status_code == 201
    kiosk_revoke(kiosk=kiosk)
    refused = _post(client, "/kios/api/responses", _submission(), token)
    assert refused.status_code == 401
    assert refused.json() == {
        "error": "revoked",
        "message": "Kios ini telah dicabut. Hubungi admin unit.",
    }
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/kios/api/config", **auth).status_code == 401
    assert _post(client, "/kios/api/heartbeat", {"queue_length": 1}, token).status_code == 401
    assert Response.objects.count() == 1


def test_get_on_the_submission_endpoint_is_refused(client, kiosk_token):
    assert client.get("/kios/api/responses").status_code == 405


# --------------------------------------------------------------------------------------
# Heartbeat


def test_heartbeat_records_last_contact_and_queue(client, kiosk_token):
    kiosk, token = kiosk_token
    Kiosk.objects.filter(pk=kiosk.pk).update(last_contact_at=None)
    before = timezone.now()
    answer = _post(client, "/kios/api/heartbeat", {"queue_length": 3, "held": 1}, token)
    assert answer.status_code == 200
    assert answer.json()["ok"] is True
    kiosk.refresh_from_db()
    assert kiosk.last_queue_length == 3
    assert kiosk.last_contact_at >= before
    from skm.surveys.kiosks import kiosk_held_counts

    assert kiosk_held_counts([kiosk]) == {kiosk.pk: 1}


@pytest.mark.parametrize("body", [{"queue_length": "x"}, {"queue_length": -5}, [], None])
def test_heartbeat_tolerates_odd_counts(client, kiosk_token, body):
    kiosk, token = kiosk_token
    assert _post(client, "/kios/api/heartbeat", body, token).status_code == 200
    kiosk.refresh_from_db()
    assert kiosk.last_queue_length == 0


# --------------------------------------------------------------------------------------
# The optional middleware that serves the API ahead of the stack


@pytest.fixture
def fast_stack(settings):
    settings.MIDDLEWARE = ["skm.public.kiosk.KioskApiMiddleware", *settings.MIDDLEWARE]


def test_the_api_behind_the_kiosk_middleware(client, fast_stack, kiosk_token, open_period):
    _kiosk, token = kiosk_token
    body = _submission()
    created = _post(client, "/kios/api/responses", body, token)
    assert created.status_code == 201
    assert created["X-Content-Type-Options"] == "nosniff"
    assert created["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in created
    assert _post(client, "/kios/api/responses", body, token).status_code == 200
    invalid = _post(client, "/kios/api/responses", _submission(answers={"U1": 9}), token)
    assert invalid.status_code == 422
    assert invalid.json()["errors"] == {"answers.U1": ["Jawaban untuk U1 harus 1 sampai 4."]}
    assert _post(client, "/kios/api/responses", _submission(), "salah").status_code == 401
    assert client.get("/kios/api/responses").status_code == 405
    config = client.get("/kios/api/config?lang=en", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert config.json()["texts"]["start"] == "Start the survey"
    assert _post(client, "/kios/api/heartbeat", {"queue_length": 1}, token).status_code == 200
    assert Response.objects.count() == 1


def test_the_kiosk_middleware_leaves_other_pages_alone(client, fast_stack, db):
    page = client.get("/kios/")
    assert page.status_code == 200
    assert page["Content-Language"] == "id"
    assert client.get("/kios/api/nope").status_code == 404


def test_the_kiosk_middleware_checks_the_host(client, fast_stack, kiosk_token):
    _kiosk, token = kiosk_token
    answer = client.post(
        "/kios/api/heartbeat",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_HOST="evil.example",
    )
    assert answer.status_code == 400


def test_kiosk_submissions_keep_the_counts_exact(client, kiosk_token, open_period):
    """Every kiosk write path (first and repeated submissions, replays) keeps the
    answer-pattern counts equal to the raw answers, so results include kiosk responses."""
    from skm.surveys.counts import verify
    from skm.surveys.selectors import period_result

    _kiosk, token = kiosk_token
    bodies = [_submission() for _ in range(3)]
    for body in bodies:
        assert _post(client, "/kios/api/responses", body, token).status_code == 201
    assert _post(client, "/kios/api/responses", bodies[0], token).status_code == 200
    assert verify(period_id=open_period.pk) == []
    assert period_result(open_period).respondents == 3
