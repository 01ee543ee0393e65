"""Staff login: throttled per account and per address, sessions end after inactivity,
password rules speak Indonesian."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError

from skm.dashboard import login

PASSWORD = "sandi-rahasia-123"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("petugas", password=PASSWORD)


def _login(client, username, password, address="10.0.0.1"):
    return client.post(
        "/staf/masuk/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_an_account_locks_after_five_failures_even_for_the_right_password(client, staff):
    for _ in range(login.LOCK_AFTER):
        assert _login(client, "petugas", "salah").status_code == 200
    response = _login(client, "Petugas", PASSWORD)  # case does not help
    assert response.status_code == 200
    assert "dikunci" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()  # the window passed
    assert _login(client, "petugas", PASSWORD).status_code == 302


def test_a_success_clears_the_count(client, staff):
    for _ in range(login.LOCK_AFTER - 1):
        _login(client, "petugas", "salah")
    assert _login(client, "petugas", PASSWORD).status_code == 302
    client.logout()
    for _ in range(login.LOCK_AFTER - 1):
        _login(client, "petugas", "salah")
    assert _login(client, "petugas", PASSWORD).status_code == 302


def test_an_address_trying_many_accounts_is_slowed_down(client, staff):
    for i in range(login.ADDRESS_LIMIT):
        _login(client, f"orang{i}", "salah", address="10.9.9.9")
    response = _login(client, "petugas", PASSWORD, address="10.9.9.9")
    assert "_auth_user_id" not in client.session
    assert "Terlalu banyak" in response.content.decode()
    # another address is not affected, and nothing of the address is stored in clear
    assert _login(client, "petugas", PASSWORD, address="10.1.1.1").status_code == 302
    keys = list(cache._cache) if hasattr(cache, "_cache") else []
    assert not any("10.9.9.9" in str(k) for k in keys)


def test_the_back_office_login_is_the_throttled_staff_login(client, db):
    get_user_model().objects.create_superuser("kepala", password=PASSWORD)
    response = client.post("/admin/login/?next=/admin/", {"username": "kepala", "password": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/staf/masuk/?next=")
    for _ in range(login.LOCK_AFTER):
        _login(client, "kepala", "salah")
    assert _login(client, "kepala", PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_sessions_end_after_inactivity(client, settings, staff):
    """30 minutes idle ends a session; a request renews it at most every 5 minutes, so that
    reading pages does not write (SQLite's write lock: tests/test_unavailable.py)."""
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from skm.config.middleware import RENEWED_KEY, SESSION_RENEW_SECONDS

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    client.force_login(staff)
    assert client.get("/staf/").status_code == 200  # first request: renewed
    stamp = Session.objects.get().get_decoded()[RENEWED_KEY]
    expiry = Session.objects.get().expire_date
    assert client.get("/staf/").status_code == 200  # within 5 minutes: nothing written
    assert Session.objects.get().expire_date == expiry
    session = client.session
    session[RENEWED_KEY] = stamp - SESSION_RENEW_SECONDS  # the last renewal 5 minutes ago
    session.save()
    assert client.get("/staf/").status_code == 200
    assert Session.objects.get().get_decoded()[RENEWED_KEY] >= stamp
    # 30 minutes without a request: the session is over.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/staf/")
    assert response.status_code == 302 and "/staf/masuk/" in response["Location"]


def test_password_rules_speak_indonesian(db):
    with pytest.raises(ValidationError) as refused:
        validate_password("12345")
    text = " ".join(refused.value.messages)
    assert "terlalu pendek" in text and "seluruhnya terdiri dari angka" in text
