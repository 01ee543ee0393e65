"""A new unit's administrator at a desktop (1366x900) reads the unit's figures with the
Indonesian decimal comma, chooses the seed's point on the report settings, and every screen
follows, as the documents do (issue #15, point 13; docs/reports.md "Screens print the same
style"). The demo's point is checked in test_results.py, the public pages' comma in
test_portal.py."""

from __future__ import annotations

import pytest

from skm.reports.models import ReportProfile
from skm.surveys.selectors import period_result
from tests.browser.conftest import unit_admin_create
from tests.plans.conftest import store

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def test_the_unit_chooses_its_number_style_and_the_screens_follow(
    live_server, desktop, axe_check, unit, period
):
    page = desktop
    period.population = 1200
    period.save(update_fields=["population"])
    store(period, unit, 40)
    result = period_result(period, unit=unit)
    point = result.ikm_text
    comma = point.replace(".", ",")
    unit_admin_create(unit)
    page.goto(f"{live_server.url}/staf/masuk/")
    page.fill("#id_username", "admin-baru")
    page.fill("#id_password", "sandi-rahasia-1")
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_load_state()

    # "Unit saya" and the results: the Indonesian comma, a new unit's default
    row = page.locator("[data-testid=my-units] tbody tr").first
    assert row.locator("[data-testid=unit-ikm]").inner_text().startswith(f"{comma} (")
    row.locator("th a").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Hasil survei", exact=True).first.click()
    page.wait_for_selector("[data-testid=ikm]")
    assert page.inner_text("[data-testid=ikm]") == comma
    respondents = page.inner_text("[data-testid=respondents]")
    assert "populasi 1.200" in respondents
    lowest = result.elements[2].score_text.replace(".", ",")  # U3, the lowest
    assert page.locator("svg.chart-bars text", has_text=lowest).count() == 1
    axe_check(page)

    # the report settings: the style is asked once, next to the signature block
    page.goto(f"{live_server.url}/staf/unit/{unit.slug}/laporan/")
    style = page.get_by_label("Pemisah desimal")
    assert style.input_value() == ","
    style.select_option(label="91.83 (titik, seperti laporan contoh)")
    page.get_by_role("button", name="Simpan", exact=True).last.click()
    page.wait_for_load_state()
    assert ReportProfile.objects.get(unit=unit).decimal == "."

    page.goto(f"{live_server.url}/staf/unit/{unit.slug}/hasil/?periode={period.slug}")
    assert page.inner_text("[data-testid=ikm]") == point
    assert "populasi 1,200" in page.inner_text("[data-testid=respondents]")
    page.goto(f"{live_server.url}/staf/")
    row = page.locator("[data-testid=my-units] tbody tr").first
    assert row.locator("[data-testid=unit-ikm]").inner_text().startswith(f"{point} (")
