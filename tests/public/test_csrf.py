"""A CSRF failure shows a page a person can act on, counted only for a public form."""

from __future__ import annotations

import pytest
from django.test import Client

from skm.surveys.models import Rejection, Response
from tests.public.helpers import form_data


@pytest.fixture(autouse=True)
def _csrf_view(settings):
    # The lead's setting; set here so that the tests do not depend on it being merged.
    settings.CSRF_FAILURE_VIEW = "skm.public.views.csrf_failure"


def test_csrf_failure_on_the_form_is_friendly_and_counted(unit, open_period):
    client = Client(enforce_csrf_checks=True)
    page = client.post(f"/s/{unit.slug}/", form_data(unit))
    html = page.content.decode()
    assert page.status_code == 403
    assert "Formulir tidak dapat dikirim" in html
    assert f'<a class="button" href="/s/{unit.slug}/">Buka survei lagi</a>' in html
    assert Response.objects.count() == 0
    assert dict(Rejection.objects.values_list("reason", "count")) == {"csrf": 1}


def test_csrf_failure_keeps_the_invitation_in_the_link_back(unit, open_period):
    client = Client(enforce_csrf_checks=True)
    page = client.post(f"/s/{unit.slug}/", form_data(unit, t="MQ:abc:def"))
    assert f'href="/s/{unit.slug}/?t=MQ%3Aabc%3Adef"' in page.content.decode()


def test_csrf_failure_elsewhere_is_not_counted(db, unit):
    client = Client(enforce_csrf_checks=True)
    for path in ("/staf/masuk/", "/s/tidak-ada/", "/i18n/setlang/"):
        page = client.post(path, {"username": "x"})
        assert page.status_code == 403
        html = page.content.decode()
        assert "Formulir tidak dapat dikirim" in html
        assert "Kembali ke halaman sebelumnya, muat ulang halaman, lalu coba lagi." in html
    assert Rejection.objects.count() == 0


def test_form_with_its_csrf_token_passes(unit, open_period):
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/s/{unit.slug}/")
    data = form_data(unit)
    data["csrfmiddlewaretoken"] = page.context["csrf_token"]
    assert client.post(f"/s/{unit.slug}/", data).status_code == 303
    assert Response.objects.count() == 1
