"""Optional two-factor login (TOTP): turning it on and off, the two-step login, backup
codes, the lock on wrong codes, and the back office going through the same steps."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from skm.audit.models import AuditEvent
from skm.dashboard import login, twofactor
from skm.org.models import Membership
from tests.conftest import member

PASSWORD = "sandi-rahasia-123"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def code(device: TOTPDevice, steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def person(db):
    return get_user_model().objects.create_user("kepala", password=PASSWORD)


@pytest.fixture
def protected(person):
    device = TOTPDevice.objects.create(user=person, name=twofactor.APP_DEVICE, confirmed=True)
    twofactor._new_backup_codes(person)
    return person, device


def _password(client, username="kepala", password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/staf/masuk/", data)


def test_turning_it_on_needs_a_right_code_and_shows_backup_codes_once(client, person):
    client.force_login(person)
    page = client.get("/staf/akun/dua-faktor/").content.decode()
    assert "<svg" in page and "Kunci" in page
    device = TOTPDevice.objects.get(user=person)
    assert not device.confirmed
    wrong = client.post("/staf/akun/dua-faktor/", {"action": "on", "code": "000000"})
    assert "tidak benar" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and not twofactor.has_two_factor(person)
    assert device.throttling_failure_count == 1  # django-otp slows the next try down
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)

    right = client.post("/staf/akun/dua-faktor/", {"action": "on", "code": code(device)})
    body = right.content.decode()
    device.refresh_from_db()
    assert device.confirmed and twofactor.has_two_factor(person)
    tokens = list(StaticToken.objects.filter(device__user=person).values_list("token", flat=True))
    assert len(tokens) == twofactor.BACKUP_CODES
    assert all(t in body for t in tokens)
    again = client.get("/staf/akun/dua-faktor/").content.decode()
    assert not any(t in again for t in tokens)
    assert "Tersisa 10 kode cadangan" in again
    events = AuditEvent.objects.filter(model="auth.user", object_id=str(person.pk))
    assert [e.changes for e in events if "two_factor" in e.changes] == [
        {"two_factor": [False, True]}
    ]


def test_login_asks_for_the_code_after_the_password(client, protected):
    person, device = protected
    response = _password(client, next_url="/staf/akun/")
    assert response.status_code == 302 and response["Location"] == "/staf/masuk/kode/"
    assert "_auth_user_id" not in client.session
    # the pending account cannot reach a staff page
    assert client.get("/staf/").status_code == 302

    wrong = client.post("/staf/masuk/kode/", {"code": "123456"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    assert "tidak benar" in wrong.content.decode()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    right = client.post("/staf/masuk/kode/", {"code": code(device, 1)})
    assert right.status_code == 302 and right["Location"] == "/staf/akun/"
    assert client.session["_auth_user_id"] == str(person.pk)
    assert AuditEvent.objects.filter(action="login_failed", username="kepala").exists()


def test_a_wrong_password_never_reaches_the_code_step(client, protected):
    response = _password(client, password="salah")
    assert response.status_code == 200
    assert client.get("/staf/masuk/kode/").status_code == 302


def test_a_backup_code_works_once(client, protected):
    person, _ = protected
    token = StaticToken.objects.filter(device__user=person).first().token
    _password(client)
    assert client.post("/staf/masuk/kode/", {"code": token.upper()}).status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)
    client.logout()
    _password(client)
    again = client.post("/staf/masuk/kode/", {"code": token})
    assert again.status_code == 200 and "_auth_user_id" not in client.session
    assert StaticToken.objects.filter(device__user=person).count() == twofactor.BACKUP_CODES - 1


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, protected):
    _, device = protected
    _password(client)
    for _ in range(login.LOCK_AFTER):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        client.post("/staf/masuk/kode/", {"code": "999999"})
    assert _password(client).status_code == 200  # the password step is locked now
    assert "dikunci" in _password(client).content.decode()


def test_the_code_step_expires(client, protected):
    _, device = protected
    _password(client)
    session = client.session
    session[twofactor.PENDING_KEY]["at"] -= twofactor.PENDING_SECONDS + 1
    session.save()
    response = client.post("/staf/masuk/kode/", {"code": code(device, 1)})
    assert response.status_code == 302 and response["Location"] == "/staf/masuk/"
    assert "_auth_user_id" not in client.session


def test_an_outside_next_address_is_not_followed(client, protected):
    _, device = protected
    _password(client, next_url="https://contoh.invalid/")
    response = client.post("/staf/masuk/kode/", {"code": code(device, 1)})
    assert response.status_code == 302 and response["Location"] == "/staf/"


def test_turning_it_off_needs_a_code(client, protected):
    person, device = protected
    client.force_login(person)
    refused = client.post("/staf/akun/dua-faktor/", {"action": "off", "code": "000000"})
    assert refused.status_code == 200 and twofactor.has_two_factor(person)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    done = client.post("/staf/akun/dua-faktor/", {"action": "off", "code": code(device, 1)})
    assert done.status_code == 302 and not twofactor.has_two_factor(person)
    assert not StaticToken.objects.filter(device__user=person).exists()


def test_the_back_office_logs_in_through_the_same_steps(client, db):
    admin = get_user_model().objects.create_superuser("super", password=PASSWORD)
    device = TOTPDevice.objects.create(user=admin, name=twofactor.APP_DEVICE, confirmed=True)
    response = client.get("/admin/login/?next=/admin/surveys/")
    assert response.status_code == 302
    assert response["Location"] == "/staf/masuk/?next=%2Fadmin%2Fsurveys%2F"
    assert _password(client, "super", next_url="/admin/")["Location"] == "/staf/masuk/kode/"
    assert client.get("/admin/").status_code == 302
    assert client.post("/staf/masuk/kode/", {"code": code(device, 1)})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_administrators_are_told_about_it(client, unit):
    person = member(unit, "admin-dinas", Membership.Role.UNIT_ADMIN)
    client.force_login(person)
    assert "Aktifkan login dua langkah" in client.get("/staf/").content.decode()
    TOTPDevice.objects.create(user=person, name=twofactor.APP_DEVICE, confirmed=True)
    assert "Aktifkan login dua langkah" not in client.get("/staf/").content.decode()
