"""Every response carries the security headers; only the widget may be framed."""

from __future__ import annotations

import datetime as dt

import pytest

from skm.surveys.models import Period
from skm.surveys.services import period_create, publication_publish, response_create


@pytest.fixture
def published(unit):
    period = period_create(
        unit=unit,
        name="Semester I 2025",
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 6, 30),
        status=Period.Status.CLOSED,
    )
    for _ in range(6):
        response_create(
            period=period, unit=unit, channel="paper", answers={f"U{i}": 4 for i in range(1, 10)}
        )
    publication_publish(period=period, unit=unit)
    return period


def _csp(response) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
    }


@pytest.mark.parametrize("path", ["/staf/masuk/", "/healthz", "/api/v1/docs", "/kios/"])
def test_pages_forbid_inline_scripts_and_framing(client, db, path):
    response = client.get(path)
    csp = _csp(response)
    assert csp["script-src"] == "'self'" and "unsafe" not in csp["script-src"]
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_api_docs_use_our_own_files(client, db):
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr.net" not in page and "/static/ninja/swagger-ui-bundle.js" in page


def test_only_the_widget_may_be_framed(client, unit, published):
    widget = client.get(f"/p/{unit.slug}/widget/")
    assert widget.status_code == 200
    assert "frame-ancestors" not in _csp(widget) and "X-Frame-Options" not in widget
    assert _csp(widget)["script-src"] == "'self'"
    page = client.get(f"/p/{unit.slug}/")
    assert _csp(page)["frame-ancestors"] == "'none'"


def test_the_kiosk_api_answers_carry_headers_too(client, db):
    response = client.get("/kios/api/config")
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
