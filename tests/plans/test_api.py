"""The plans API: reading by session or key, evidence, and realisation by authorised clients."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from skm.plans.models import ItemChange
from skm.plans.services import evidence_add, item_create, plan_create
from skm.surveys.invitations import api_key_create

from .conftest import item_data
from .test_evidence import jpeg_with_gps


@pytest.fixture
def plan(surveyed, unit, manager):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    item = item_create(plan.priorities.get(element_code="U3"), data=item_data(), user=manager)
    evidence_add(
        item, upload=SimpleUploadedFile("f.jpg", jpeg_with_gps()), caption="", user=manager
    )
    item_create(plan.priorities.get(element_code="U7"), data=item_data(activity="B"), user=manager)
    return plan


def _url(plan, rest=""):
    return f"/api/v1/plans/{plan.unit.slug}/{plan.period.slug}{rest}"


def test_the_plan_json_has_the_documented_shape(client, head, plan):
    client.force_login(head)
    data = client.get(_url(plan)).json()
    assert {
        "unit",
        "period",
        "priorities",
        "strategies",
        "planned",
        "realised",
        "realised_percent",
        "pekppp",
    } <= set(data)
    first = data["priorities"][0]
    assert {"code", "name", "number", "score", "grade", "items"} <= set(first)
    item = first["items"][0]
    assert {
        "number",
        "activity",
        "quarters",
        "year",
        "horizon",
        "owner",
        "status",
        "done_on",
        "description",
        "obstacles",
        "evidence",
    } <= set(item)
    assert (item["number"], item["quarters"], first["code"]) == ("1.1", [3, 4], "U3")
    assert data["pekppp"]["indicator_8"] == 1 and data["realised_percent"] == "0.00"
    assert item["evidence"][0].startswith("http://testserver/api/v1/plans/")


def test_who_reads_the_plan(client, stranger, plan, unit, other_unit):
    assert client.get(_url(plan)).status_code == 404  # plans are never public
    client.force_login(stranger)
    assert client.get(_url(plan)).status_code == 404
    client.logout()
    _k, own = api_key_create(unit=unit, name="e-office")
    _k, other = api_key_create(unit=other_unit, name="lain")
    assert client.get(_url(plan), HTTP_AUTHORIZATION=f"Bearer {own}").status_code == 200
    assert client.get(_url(plan), HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    assert client.get(_url(plan), HTTP_AUTHORIZATION="Bearer skm_bukan").status_code == 401


def test_evidence_through_the_api(client, plan, unit):
    _k, key = api_key_create(unit=unit, name="e-office")
    url = client.get(_url(plan), HTTP_AUTHORIZATION=f"Bearer {key}").json()["priorities"][0][
        "items"
    ][0]["evidence"][0]
    response = client.get(url.replace("http://testserver", ""), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(url.replace("http://testserver", "")).status_code == 404


def _patch(client, url, body, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


def test_only_a_key_with_the_realisation_scope_records_realisation(client, plan, unit):
    _k, reader = api_key_create(unit=unit, name="dasbor")
    key, writer = api_key_create(unit=unit, name="e-office", may_update_realisation=True)
    body = {"status": "sudah", "done_on": "2025-08-15", "description": "Selesai"}
    url = _url(plan, "/items/1.1")
    assert _patch(client, url, body, HTTP_AUTHORIZATION=f"Bearer {reader}").status_code == 404
    response = _patch(client, url, body, HTTP_AUTHORIZATION=f"Bearer {writer}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["item"]["status"] == "sudah" and data["realised_percent"] == "50.00"
    change = ItemChange.objects.get(action="realisation")
    assert change.via == "API: e-office" and change.user is None
    assert key.may_update_realisation


def test_realisation_errors_are_per_field(client, plan, unit):
    _k, writer = api_key_create(unit=unit, name="e-office", may_update_realisation=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {writer}"}
    response = _patch(client, _url(plan, "/items/1.1"), {"status": "sudah"}, **auth)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"done_on", "description"}
    response = _patch(client, _url(plan, "/items/1.1"), {"status": "selesai"}, **auth)
    assert response.status_code == 422
    response = _patch(client, _url(plan, "/items/1.1"), {"status": "belum", "x": 1}, **auth)
    assert response.status_code == 422
    assert _patch(client, _url(plan, "/items/9.9"), {"status": "belum"}, **auth).status_code == 404
    assert not ItemChange.objects.filter(action="realisation").exists()


def test_a_session_needs_the_csrf_token_and_an_entry_role(plan, operator, head):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(operator)
    body = {"status": "proses"}
    assert _patch(browser, _url(plan, "/items/2.1"), body).status_code == 403
    browser.get("/staf/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = _patch(browser, _url(plan, "/items/2.1"), body, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert ItemChange.objects.get(action="realisation").user == operator
    browser.force_login(head)
    browser.get("/staf/")
    token = browser.cookies["csrftoken"].value
    assert (
        _patch(browser, _url(plan, "/items/2.1"), body, HTTP_X_CSRFTOKEN=token).status_code == 404
    )
