"""GET /api/v1/units, /units/<unit>/periods and /results/<unit>/<period>: same figures as
`skm results --json`, published results open to all, the rest to the unit's key or staff."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from skm.org.models import Membership, Unit
from skm.surveys.demo import demo_load
from skm.surveys.invitations import api_key_create

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"
SEED = f"/api/v1/results/{DUKCAPIL}/semester-i-2025"


@pytest.fixture
def demo(db):
    return demo_load()


def _bearer(unit_slug):
    _key, plaintext = api_key_create(unit=Unit.objects.get(slug=unit_slug), name="uji")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_published_results_are_the_open_data_for_the_public(demo, client, capsys):
    """Anonymous callers get exactly the published open data (minimum-cell rule, nothing of
    an open period); the unit's key gets the `skm results --json` figures."""
    response = client.get(SEED)
    assert response.status_code == 200
    assert response.json() == client.get(f"/p/{DUKCAPIL}/semester-i-2025/data.json").json()
    assert response.json()["ikm"] == "93.40"
    assert "total" not in response.json()["elements"][0]
    call_command("results", "--unit", DUKCAPIL, "--period", "semester-i-2025", "--json")
    expected = json.loads(capsys.readouterr().out)
    assert client.get(SEED, **_bearer(DUKCAPIL)).json() == expected


def test_unpublished_results_need_the_unit_key_or_a_role(demo, client):
    earlier = f"/api/v1/results/{DUKCAPIL}/semester-ii-2024"
    assert client.get(earlier).status_code == 404
    assert client.get(earlier, **_bearer(DUKCAPIL)).status_code == 200
    # a key of another unit sees nothing of this one
    assert client.get(earlier, **_bearer("dinas-kesehatan")).status_code == 404
    # a revoked or made-up key is refused outright
    assert client.get(earlier, HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401
    user = get_user_model().objects.create_user("pimpinan", password="x")
    unit = Unit.objects.get(slug=DUKCAPIL)
    Membership.objects.create(user=user, agency=unit.agency, unit=unit, role="pimpinan")
    client.force_login(user)
    assert client.get(earlier).json()["respondents"] == 372


def test_a_parent_key_covers_the_units_below(demo, client):
    url = "/api/v1/results/puskesmas-bendan/semester-i-2025"
    assert client.get(url).status_code == 404
    data = client.get(url, **_bearer("dinas-kesehatan")).json()
    assert data["respondents"] == 198


def test_breakdowns_and_children_are_for_staff_only(demo, client):
    assert client.get(SEED + "?by=sex").status_code == 404
    headers = _bearer(DUKCAPIL)
    sex = client.get(SEED + "?by=sex", **headers).json()
    assert [g["key"] for g in sex["groups"]] == ["L", "P"]
    assert client.get(SEED + "?by=shoe", **headers).status_code == 422
    children = client.get(
        "/api/v1/results/dinas-kesehatan/semester-i-2025?children=true",
        **_bearer("dinas-kesehatan"),
    ).json()
    assert [c["unit"] for c in children["children"]] == [
        "puskesmas-kramatsari",
        "puskesmas-bendan",
    ]


def test_units_and_periods_listings(demo, client):
    public = client.get("/api/v1/units").json()
    assert [u["slug"] for u in public] == [DUKCAPIL]
    periods = client.get(f"/api/v1/units/{DUKCAPIL}/periods").json()
    assert [(p["slug"], p["published"]) for p in periods] == [("semester-i-2025", True)]
    full = client.get(f"/api/v1/units/{DUKCAPIL}/periods", **_bearer(DUKCAPIL)).json()
    assert {p["slug"] for p in full} >= {"semester-i-2025", "semester-ii-2024"}
    assert client.get("/api/v1/units/dinas-kesehatan/periods").status_code == 404
    assert client.get("/api/v1/units/tidak-ada/periods").status_code == 404
