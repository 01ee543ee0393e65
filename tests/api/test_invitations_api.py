"""POST /api/v1/invitations with a unit's API key."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.utils import timezone

from skm.org.services import service_create, unit_create
from skm.surveys import abuse
from skm.surveys.invitations import api_key_create, api_key_revoke, api_key_verify
from skm.surveys.models import ApiKey, Invitation

URL = "/api/v1/invitations"


@pytest.fixture
def key(unit):
    return api_key_create(unit=unit, name="Sistem antrean")


def post(client, body, plaintext=None, **headers):
    if plaintext is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {plaintext}"
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


def test_defaults_mint_one_invitation_valid_72_hours(client, unit, key):
    _api_key, plaintext = key
    before = timezone.now()
    page = post(client, {}, plaintext)
    assert page.status_code == 201
    (item,) = page.json()["invitations"]
    invitation = Invitation.objects.get()
    assert invitation.unit == unit and invitation.service is None
    assert abuse.invitation_token_read(item["token"]) == invitation.pk
    assert item["url"] == f"http://testserver/s/{unit.slug}/?t={item['token']}"
    expires = dt.datetime.fromisoformat(item["expires_at"].replace("Z", "+00:00"))
    assert abs(expires - invitation.expires_at) < dt.timedelta(milliseconds=1)
    assert before + dt.timedelta(hours=72) <= invitation.expires_at
    assert invitation.expires_at <= timezone.now() + dt.timedelta(hours=72)


def test_count_service_and_validity(client, unit, service, key):
    page = post(client, {"count": 3, "service": "ktp-el", "valid_hours": 2}, key[1])
    assert page.status_code == 201
    items = page.json()["invitations"]
    assert len(items) == 3 == Invitation.objects.filter(service=service).count()
    for item in items:
        assert item["url"] == f"http://testserver/s/{unit.slug}/ktp-el/?t={item['token']}"
    assert len({i["token"] for i in items}) == 3


def test_service_of_a_unit_above_may_be_named(client, unit, child, service):
    _api_key, plaintext = api_key_create(unit=child, name="Antrean UPT")
    page = post(client, {"service": "ktp-el"}, plaintext)
    assert page.status_code == 201
    assert Invitation.objects.get().unit == child
    assert page.json()["invitations"][0]["url"].startswith(
        f"http://testserver/s/{child.slug}/ktp-el/"
    )


def test_public_base_url_makes_the_links(client, settings, unit, key):
    settings.PUBLIC_BASE_URL = "https://skm.pekalongankota.go.id"
    item = post(client, {}, key[1]).json()["invitations"][0]
    assert item["url"] == f"https://skm.pekalongankota.go.id/s/{unit.slug}/?t={item['token']}"


def test_key_is_stored_as_its_hash_with_a_short_prefix(unit, key):
    _api_key, plaintext = key
    stored = ApiKey.objects.get()
    assert stored.key_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert stored.prefix == plaintext[:12]
    assert plaintext.startswith("skm_") and len(plaintext) > 40
    row = ApiKey.objects.values_list().get()
    assert all(plaintext not in str(value) for value in row)


def test_using_a_key_records_when(client, key):
    assert ApiKey.objects.get().last_used_at is None
    post(client, {}, key[1])
    assert ApiKey.objects.get().last_used_at is not None


UNAUTHORIZED = {
    "detail": (
        "Kunci API tidak ada, tidak dikenal, atau sudah dicabut: kirim kunci unit di header "
        "Authorization: Bearer <kunci>."
    ),
    "errors": [],
}


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer skm_unknown", "Token {key}", "Basic {key}", "{key}"],
)
def test_missing_unknown_or_malformed_key_is_401(client, key, header):
    headers = {}
    if header is not None:
        headers["HTTP_AUTHORIZATION"] = header.format(key=key[1])
    page = post(client, {}, **headers)
    assert page.status_code == 401
    assert page.json() == UNAUTHORIZED
    assert Invitation.objects.count() == 0


def test_revoked_key_is_401(client, key):
    api_key, plaintext = key
    api_key_revoke(api_key=api_key)
    assert api_key_verify(key=plaintext) is None
    page = post(client, {}, plaintext)
    assert page.status_code == 401
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"count": 0}, [("count", "count minimal 1.")]),
        ({"count": 501}, [("count", "count maksimal 500.")]),
        ({"count": "3"}, [("count", "count harus bilangan bulat.")]),
        ({"count": 2.5}, [("count", "count harus bilangan bulat.")]),
        ({"valid_hours": 0}, [("valid_hours", "valid_hours minimal 1.")]),
        ({"valid_hours": 721}, [("valid_hours", "valid_hours maksimal 720.")]),
        ({"service": 5}, [("service", "service harus berupa teks.")]),
        (
            {"count": 1, "valid_hour": 5},
            [("valid_hour", "valid_hour bukan kolom yang dikenal.")],
        ),
        ("bukan json", [("", "Badan permintaan harus berupa objek JSON.")]),
        ("[1, 2]", [("", "Badan permintaan harus berupa objek JSON.")]),
    ],
)
def test_bad_bodies_are_422_with_clear_messages(client, key, body, errors):
    page = post(client, body, key[1])
    assert page.status_code == 422
    payload = page.json()
    assert [(e["field"], e["message"]) for e in payload["errors"]] == errors
    assert payload["detail"] == " ".join(message for _f, message in errors)
    assert Invitation.objects.count() == 0


def test_unknown_or_foreign_service_is_422(client, agency, unit, key):
    foreign = service_create(unit=unit_create(agency=agency, name="Dinas Lain"), name="Izin")
    for slug in ("tidak-ada", foreign.slug):
        page = post(client, {"service": slug}, key[1])
        assert page.status_code == 422
        message = f'"{slug}" bukan jenis layanan aktif Dinas Contoh.'
        assert page.json() == {
            "detail": message,
            "errors": [{"field": "service", "message": message}],
        }
    assert Invitation.objects.count() == 0


def test_a_key_mints_only_for_its_own_unit(client, agency, unit, key):
    other = unit_create(agency=agency, name="Dinas Lain")
    _other_key, other_plaintext = api_key_create(unit=other, name="Antrean lain")
    post(client, {"count": 2}, key[1])
    post(client, {"count": 1}, other_plaintext)
    assert sorted(Invitation.objects.values_list("unit__slug", flat=True)) == sorted(
        [unit.slug, unit.slug, other.slug]
    )


def test_minted_link_opens_the_form(client, unit, open_period, key):
    unit.invitation_required = True
    unit.save()
    url = post(client, {}, key[1]).json()["invitations"][0]["url"]
    page = client.get(url.removeprefix("http://testserver"))
    assert page.status_code == 200


def test_openapi_schema_lists_the_endpoint(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/invitations"]["post"]
    assert set(operation["responses"]) == {"201", "401", "422"}


def test_apikey_command_creates_lists_and_revokes(unit, capsys):
    from django.core.management import call_command

    from skm.surveys.models import ApiKey

    call_command("apikey", "--unit", unit.slug, "--create", "Antrean")
    plaintext = capsys.readouterr().out.strip().splitlines()[-1]
    key = ApiKey.objects.get(unit=unit, name="Antrean")
    assert plaintext.startswith(key.prefix) and key.key_hash != plaintext
    call_command("apikey", "--unit", unit.slug, "--list")
    assert key.prefix in capsys.readouterr().out
    call_command("apikey", "--unit", unit.slug, "--revoke", key.prefix)
    key.refresh_from_db()
    assert key.revoked_at is not None
