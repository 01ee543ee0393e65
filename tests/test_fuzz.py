"""Hostile input on every public endpoint and the API (hypothesis): whatever arrives, the
answer is never a 500, and nothing is half-written: after each request the database holds
either the whole response (with its answers and counts) or nothing of it.

The number of examples per endpoint is FUZZ_EXAMPLES (environment; 60 by default, CI's
figure); docs/security.md reports a run with 1,000.
"""

from __future__ import annotations

import json
import os
import string

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skm.surveys.counts import verify
from skm.surveys.kiosks import clear_caches, kiosk_activate, kiosk_create
from skm.surveys.models import Answer, Response
from tests.public.helpers import form_data, open_period_for

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300)
weird = st.one_of(
    text,
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "5",
            "4.0",
            "1e9",
            "NaN",
            "∞",
            "<script>",
            "' OR 1=1 --",
            "\x00",
            "=HYPERLINK(1)",
            "٣",
            "ⅳ",
            "a" * 5000,
        ]
    ),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | text,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(text, inner, max_size=5),
    max_leaves=20,
)


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()
    clear_caches()
    yield
    cache.clear()
    clear_caches()


def _consistent() -> None:
    """No response without answers, no answer without a response, counts equal."""
    assert not Response.objects.filter(answers__isnull=True).exists()
    assert Answer.objects.filter(response__isnull=True).count() == 0
    assert verify() == []


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "gender",
                "age",
                "education",
                "occupation",
                "occupation_other",
                "suggestion",
                "website",
                "form_token",
                *(f"answer_U{i}" for i in range(1, 10)),
                "answer_U10",
                "service",
            ]
        ),
        weird,
        max_size=12,
    )
)
def test_the_public_form_never_fails_on_any_input(client, unit, fields):
    open_period_for(unit) if not unit.periods.exists() else None
    cache.clear()
    data = form_data(unit)
    data.update(fields)
    before = Response.objects.count()
    response = client.post(f"/s/{unit.slug}/", data)
    assert response.status_code < 500
    after = Response.objects.count()
    assert after in (before, before + 1)
    if after == before + 1:
        assert response.status_code in (302, 303)
    _consistent()


@FUZZ
@given(body=json_values, raw=st.binary(max_size=300), use_raw=st.booleans())
def test_the_kiosk_api_never_fails_on_any_body(client, unit, body, raw, use_raw):
    if not unit.periods.exists():
        open_period_for(unit)
    if not hasattr(unit, "_token"):
        _kiosk, code = kiosk_create(unit=unit, name="Loket")
        unit._token = kiosk_activate(code=code)[1]
    payload = raw if use_raw else json.dumps(body, allow_nan=True).encode()
    before = Response.objects.count()
    response = client.post(
        "/kios/api/responses",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {unit._token}",
    )
    assert response.status_code < 500
    assert Response.objects.count() in (before, before + 1)
    _consistent()


@FUZZ
@given(
    answers=st.dictionaries(
        st.sampled_from([f"U{i}" for i in range(0, 12)]), json_values, max_size=10
    ),
    profile=st.dictionaries(
        st.sampled_from(["gender", "age", "education", "occupation"]), json_values, max_size=4
    ),
    client_id=st.one_of(st.uuids().map(str), text),
)
def test_the_kiosk_api_never_fails_on_plausible_submissions(
    client, unit, answers, profile, client_id
):
    if not unit.periods.exists():
        open_period_for(unit)
    if not hasattr(unit, "_token"):
        _kiosk, code = kiosk_create(unit=unit, name="Loket")
        unit._token = kiosk_activate(code=code)[1]
    body = {"client_id": client_id, "answers": answers, "profile": profile}
    response = client.post(
        "/kios/api/responses",
        json.dumps(body, allow_nan=True),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {unit._token}",
    )
    assert response.status_code < 500
    _consistent()


@FUZZ
@given(
    segment=st.text(
        alphabet=string.ascii_letters + string.digits + "-_.%~", min_size=1, max_size=40
    ),
    query=st.dictionaries(
        st.sampled_from(["by", "children", "format", "size", "date", "periode", "q"]),
        weird,
        max_size=4,
    ),
)
def test_public_and_api_addresses_never_fail(client, unit, segment, query):
    for path in (
        f"/p/{segment}/",
        f"/p/{unit.slug}/{segment}/",
        f"/p/{unit.slug}/{segment}/data.csv",
        f"/s/{segment}/",
        f"/api/v1/results/{unit.slug}/{segment}",
        f"/api/v1/units/{segment}/periods",
        f"/api/v1/plans/{unit.slug}/{segment}",
        f"/api/v1/reports/{unit.slug}/{segment}/hasil",
    ):
        assert client.get(path, query).status_code < 500, path


@FUZZ
@given(
    body=json_values,
    raw=st.binary(max_size=200),
    use_raw=st.booleans(),
    key=st.one_of(st.none(), text),
)
def test_the_invitations_api_never_fails(client, unit, body, raw, use_raw, key):
    from skm.surveys.invitations import api_key_create

    if not unit.periods.exists():
        open_period_for(unit)
    if not hasattr(unit, "_key"):
        unit._key = api_key_create(unit=unit, name="antrean")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {unit._key if key is None else key}"}
    payload = raw if use_raw else json.dumps(body, allow_nan=True).encode()
    response = client.post(
        "/api/v1/invitations", payload, content_type="application/json", **headers
    )
    assert response.status_code < 500
