"""The favicon: one small SVG in the app's colours, linked from every page built on the base
templates (public, staff) and from the back office."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

LINK = '<link rel="icon" href="/static/skm/favicon.svg" type="image/svg+xml">'


def test_the_favicon_is_a_small_svg_in_the_brand_colour():
    path = finders.find("skm/favicon.svg")
    assert path, "skm/static/skm/favicon.svg is missing"
    text = Path(path).read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "#0b4f8a" in text  # --brand in site.css
    assert len(text) < 1024 and "<script" not in text and "href" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/staf/masuk/", "/privasi/", "/admin/"])
def test_pages_link_the_favicon(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    assert LINK in response.content.decode()
