"""The results dashboard in a real browser: headline figures and visible SVG charts."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_dashboard_of_the_demo_unit_shows_headline_and_charts(live_server, admin_user, page):
    from skm.surveys.demo import demo_load

    demo_load()
    page.goto(live_server.url + "/staf/masuk/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    page.goto(live_server.url + "/staf/unit/dinas-kependudukan-dan-pencatatan-sipil/")
    page.click("a[href$='/hasil/']")
    page.wait_for_selector("[data-testid=ikm]")
    assert page.inner_text("[data-testid=ikm]") == "93.40"
    assert page.inner_text("[data-testid=ci]") == "93.12 – 93.67"
    charts = page.locator("svg.chart")
    assert charts.count() == 7  # Tabel 1, five profile breakdowns, the trend
    for i in range(charts.count()):
        assert charts.nth(i).is_visible()
        assert charts.nth(i).bounding_box()["height"] > 50
    assert page.locator("svg.chart-bars text", has_text="91.02").count() == 1
    # the filter form works without JavaScript: choose a service and submit
    page.select_option("#id_layanan", label="KTP-el")
    page.click(".results-filters button[type=submit]")
    page.wait_for_url("**layanan=ktp-el**")
    assert page.inner_text("[data-testid=ikm]") == "93.56"
