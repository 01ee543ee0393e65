"""Disclosure control on every public surface (docs/privacy.md, "What the public sees").

- One function (``published_result``) decides what any public surface shows for a unit and
  period: the publication page, the unit page, the widget, data.json, data.csv, the
  anonymous results API, the thank-you page and the poster.
- Open periods show no figures at all, so that differencing two readings around one
  submission, or padding a small unit with known responses, learns nothing.
- A closed period's figures are a snapshot: a late change of fewer than MIN_CELL responses
  does not show.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from skm.org.models import Unit
from skm.reports.poster import poster_html
from skm.surveys.invitations import api_key_create
from skm.surveys.models import Period
from skm.surveys.publication import MIN_CELL
from skm.surveys.selectors import period_result
from skm.surveys.services import publication_publish, response_create

from .conftest import add_responses

# One respondent with answers that give a recognisable IKM (58.33).
ONE = {"U1": 1, "U2": 2, "U3": 3, "U4": 4, "U5": 1, "U6": 2, "U7": 3, "U8": 4, "U9": 1}


def _surfaces(client, unit: Unit, period: Period) -> dict[str, str]:
    """Every public surface that could show a figure of the unit's period, as text."""
    paths = {
        "unit page": f"/p/{unit.slug}/",
        "period page": f"/p/{unit.slug}/{period.slug}/",
        "widget": f"/p/{unit.slug}/widget/",
        "data.json": f"/p/{unit.slug}/{period.slug}/data.json",
        "data.csv": f"/p/{unit.slug}/{period.slug}/data.csv",
        "api": f"/api/v1/results/{unit.slug}/{period.slug}",
        "thank-you": f"/s/{unit.slug}/terima-kasih/",
    }
    seen = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        # The language switch's CSRF token differs per request; it holds no figure.
        text = response.content.decode("utf-8-sig")
        seen[name] = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    seen["poster"] = poster_html(unit, period)
    return seen


def _closed(period: Period) -> Period:
    period.status = Period.Status.CLOSED
    period.save(update_fields=["status"])
    return period


@pytest.fixture
def one_respondent(unit, period):
    response_create(period=period, unit=unit, channel="paper", answers=ONE, gender="P")
    _closed(period)
    publication_publish(period=period, unit=unit)
    return unit, period


def test_no_public_surface_shows_one_respondent(client, one_respondent):
    unit, period = one_respondent
    result = period_result(period, unit=unit)
    assert (result.respondents, result.ikm_text) == (1, "58.33")
    for name, text in _surfaces(client, unit, period).items():
        assert "58.33" not in text, name
        for element in result.elements:
            assert element.score_text not in text, (name, element.code)
            assert element.nrr_text not in text, (name, element.code)
        assert not re.search(r'"respondents":\s*1\b', text), name
        assert "respondents,,,1," not in text, name
        assert "Jumlah responden" not in text, name
        assert not re.search(r"\b1 orang", text), name


def test_the_api_shows_anonymous_callers_the_published_figures_only(client, one_respondent):
    unit, period = one_respondent
    url = f"/api/v1/results/{unit.slug}/{period.slug}"
    anonymous = client.get(url).json()
    assert anonymous == client.get(f"/p/{unit.slug}/{period.slug}/data.json").json()
    assert anonymous["respondents"] is None and anonymous["ikm"] is None
    # The unit's own key (its staff, by machine) still reads the unit's raw figures.
    _key, plaintext = api_key_create(unit=unit, name="uji")
    own = client.get(url, HTTP_AUTHORIZATION=f"Bearer {plaintext}").json()
    assert (own["respondents"], own["ikm"]) == (1, "58.33")


def test_differencing_one_submission_learns_nothing(client, unit, period):
    """Read every surface, submit one response to the open published period, read again."""
    add_responses(period, unit, 6)
    publication_publish(period=period, unit=unit)
    before = _surfaces(client, unit, period)
    response_create(period=period, unit=unit, channel="online", answers=ONE, gender="P")
    after = _surfaces(client, unit, period)
    for name, text in before.items():
        assert after[name] == text, name
    # Nothing to difference: an open period publishes no figure at all.
    data = client.get(f"/p/{unit.slug}/{period.slug}/data.json").json()
    assert data["respondents"] is None and data["ikm"] is None
    assert {e["score"] for e in data["elements"]} == {None}
    assert data["note"].startswith("Nilai belum diumumkan")
    assert 'data-testid="pending"' in after["period page"]
    assert "belum diumumkan" in after["poster"]


@pytest.mark.parametrize("genuine", [(1, 1), (4, 4)])
def test_padding_a_small_unit_learns_nothing_while_the_period_is_open(
    client, unit, period, genuine
):
    """Two genuine respondents, then five known all-4 responses to lift the cell over the
    minimum: the surfaces are the same whatever the two genuine respondents answered."""
    for value in genuine:
        answers = {f"U{k}": value for k in range(1, 10)}
        response_create(period=period, unit=unit, channel="online", answers=answers)
    publication_publish(period=period, unit=unit)
    add_responses(period, unit, MIN_CELL, value=4)
    assert period_result(period, unit=unit).respondents == 2 + MIN_CELL
    surfaces = _surfaces(client, unit, period)
    data = client.get(f"/p/{unit.slug}/{period.slug}/data.json").json()
    assert data["respondents"] is None and data["ikm"] is None
    assert {(e["answered"], e["nrr"]) for e in data["elements"]} == {(None, None)}
    assert set(data["respondents_by_sex"].values()) == {None}
    # The same text whatever the genuine answers were (the figures 2x1 and 2x4 would give
    # are 78.57 and 100.00 for the seven): nothing depends on them.
    for text in surfaces.values():
        assert "78.57" not in text and "100.00" not in text


def test_a_closed_period_is_a_snapshot_that_hides_a_late_single_response(client, unit, period):
    add_responses(period, unit, 6)
    _closed(period)
    publication_publish(period=period, unit=unit)
    before = _surfaces(client, unit, period)
    data = client.get(f"/p/{unit.slug}/{period.slug}/data.json").json()
    assert (data["respondents"], data["ikm"]) == (6, "100.00")
    # A late paper form entered after the close: the public figures stay as they were.
    response_create(
        period=period,
        unit=unit,
        channel="paper",
        answers=ONE,
        submitted_at=dt.datetime(2025, 6, 30, 10, tzinfo=dt.UTC),
    )
    after = _surfaces(client, unit, period)
    for name, text in before.items():
        assert after[name] == text, name
    # Enough late responses (MIN_CELL) to be an aggregate of their own refresh it.
    add_responses(period, unit, MIN_CELL - 1)
    refreshed = client.get(f"/p/{unit.slug}/{period.slug}/data.json").json()
    assert refreshed["respondents"] == 6 + MIN_CELL


def test_reopening_a_closed_period_withdraws_its_figures(client, unit, period):
    add_responses(period, unit, 6)
    _closed(period)
    publication_publish(period=period, unit=unit)
    assert client.get(f"/p/{unit.slug}/{period.slug}/data.json").json()["respondents"] == 6
    period.status = Period.Status.OPEN
    period.save(update_fields=["status"])
    assert client.get(f"/p/{unit.slug}/{period.slug}/data.json").json()["respondents"] is None
