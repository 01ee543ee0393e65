"""skm.surveys.abuse on its own: client address, keyed hash, tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
from django.test import RequestFactory

from skm.org.services import unit_create
from skm.surveys import abuse
from skm.surveys.models import Period


def request(remote="192.0.2.10", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/s/x/", **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "192.0.2.10"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        # a client writing its own X-Forwarded-For does not choose its identity
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),
        (1, "", "192.0.2.10"),
    ],
)
def test_client_address(settings, proxies, forwarded, expected):
    settings.SKM_TRUSTED_PROXY_COUNT = proxies
    assert abuse.client_address(request(forwarded=forwarded)) == expected


def test_client_key_is_keyed_per_unit_and_reveals_nothing(agency, unit):
    other = unit_create(agency=agency, name="Dinas Lain")
    key = abuse.client_key("203.0.113.9", unit)
    assert len(key) == 32
    assert key == abuse.client_key("203.0.113.9", unit)
    assert key != abuse.client_key("203.0.113.9", other)
    assert key != abuse.client_key("203.0.113.10", unit)
    # not a plain hash that anyone could recompute over all addresses
    plain = hashlib.sha256(f"203.0.113.9|{unit.pk}".encode()).hexdigest()
    assert key != plain[:32]


def test_client_key_changes_with_the_secret_key(settings, unit):
    key = abuse.client_key("203.0.113.9", unit)
    settings.SECRET_KEY = "another-secret-" + "y" * 40
    assert abuse.client_key("203.0.113.9", unit) != key


def test_form_token_round_trip_and_fill_time(unit):
    now = time.time()
    token = abuse.form_token_issue(unit=unit, now=now)
    instance = abuse.form_token_read(token, unit=unit, now=now + 3)
    assert instance.token == token
    assert abuse.filled_too_fast(instance, now=now + abuse.MIN_FILL_SECONDS - 1)
    assert not abuse.filled_too_fast(instance, now=now + abuse.MIN_FILL_SECONDS)
    assert abuse.MIN_FILL_SECONDS == 10
    second = abuse.form_token_read(abuse.form_token_issue(unit=unit, now=now), unit=unit)
    assert second.id != instance.id


@pytest.mark.parametrize("token", ["", "x" * 600, "abc", "eyJ1IjoxfQ:1xX:sig"])
def test_malformed_form_tokens_are_refused(unit, token):
    with pytest.raises(abuse.FormTokenInvalid):
        abuse.form_token_read(token, unit=unit)


def test_form_token_from_the_future_is_refused(unit):
    token = abuse.form_token_issue(unit=unit, now=time.time() + 3600)
    with pytest.raises(abuse.FormTokenInvalid):
        abuse.form_token_read(token, unit=unit)


def test_invitation_tokens(db):
    token = abuse.invitation_token_sign(42)
    assert abuse.invitation_token_read(token) == 42
    assert ":" in token and "/" not in token and "+" not in token and "=" not in token
    for bad in ("", token + "x", token.replace("NDI", "NDM"), "a" * 300):
        with pytest.raises(abuse.InvitationTokenInvalid):
            abuse.invitation_token_read(bad)
    # a form-instance token is not an invitation (different salt)
    with pytest.raises(abuse.InvitationTokenInvalid):
        abuse.invitation_token_read(abuse.form_token_issue(unit=type("U", (), {"pk": 1})()))


def test_honeypot():
    assert abuse.honeypot_filled({"website": "http://x"})
    assert not abuse.honeypot_filled({"website": "  "})
    assert not abuse.honeypot_filled({})


def test_rate_limit_lets_forms_through_when_the_cache_is_down(unit, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(abuse.cache, "add", broken)
    unit.submissions_per_hour = 0
    period = Period(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 1, 31))
    assert abuse.rate_check(request=request(), unit=unit, period=period) is abuse.Verdict.ACCEPT


def test_rate_limit_window_accepts_then_holds_then_refuses(unit):
    unit.submissions_per_hour = 2
    period = Period(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 1, 31))
    verdicts = [abuse.rate_check(request=request(), unit=unit, period=period) for _i in range(21)]
    Verdict = abuse.Verdict
    assert verdicts == [Verdict.ACCEPT] * 2 + [Verdict.HOLD] * 18 + [Verdict.REFUSE]
    other = abuse.rate_check(request=request(remote="192.0.2.99"), unit=unit, period=period)
    assert other is Verdict.ACCEPT


def test_the_threshold_grows_with_the_expected_daily_volume(unit):
    # 3,100 service users over 31 days: 100 a day, a quarter of them in the busiest hour
    period = Period(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 1, 31), population=3100)
    assert abuse.hold_threshold(unit, period) == 25
    verdicts = [abuse.rate_check(request=request(), unit=unit, period=period) for _i in range(26)]
    assert verdicts[24] is abuse.Verdict.ACCEPT
    assert verdicts[25] is abuse.Verdict.HOLD
