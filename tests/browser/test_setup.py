"""A new unit administrator (no superuser, no back office) sets up a sub-unit, its services
and a period at a desktop, and sees the required sample appear while typing the population
(issue #15 point 4)."""

from __future__ import annotations

import pytest

from skm.method import required_sample
from skm.org.models import Service, Unit
from skm.org.services import agency_create, unit_create
from skm.surveys.models import Period
from tests.browser.conftest import sub_unit_set_up, unit_admin_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_unit_admin_sets_up_a_sub_unit_services_and_a_period(live_server, desktop):
    page = desktop
    # the unit page leads to the setup pages
    unit, visited = sub_unit_set_up(page, live_server.url)
    page.screenshot(path="/tmp/setup-units.png", full_page=True)
    sub_unit = Unit.objects.get(parent=unit, name="UPT Pelayanan Utara")
    assert set(Service.objects.filter(unit=sub_unit).values_list("name", flat=True)) == {
        "KTP-el",
        "Akta Kelahiran",
    }

    # the sub-unit's page, then its periods
    page.get_by_role("link", name="UPT Pelayanan Utara").first.click()
    page.get_by_role("link", name="Periode survei dan kuesioner").click()
    page.fill("#id_name", "Semester I 2027")
    page.fill("#id_start_date", "2027-01-01")
    page.fill("#id_end_date", "2027-06-30")
    sample = page.get_by_test_id("sample")
    assert sample.inner_text().strip() == ""
    page.locator("#id_population").press_sequentially("1200", delay=60)
    expected = f"Sampel minimal: {required_sample(1200)} responden untuk populasi 1.200"
    page.wait_for_selector(f"[data-testid=sample]:has-text('{expected}')")
    page.screenshot(path="/tmp/setup-period-form.png", full_page=True)
    page.get_by_role("button", name="Simpan periode").click()
    page.wait_for_selector("text=Periode Semester I 2027 disimpan.")
    assert page.get_by_test_id("required").inner_text().startswith(str(required_sample(1200)))
    page.screenshot(path="/tmp/setup-period.png", full_page=True)

    period = Period.objects.get(unit=sub_unit)
    assert (period.population, period.status, period.slug) == (1200, "open", "semester-i-2027")
    assert not [url for url in visited if "/admin/" in url]


def test_without_javascript_the_sample_shows_on_request_and_after_saving(live_server, browser):
    agency = agency_create(name="Pemerintah Kota Contoh", city="Kota Contoh")
    unit = unit_create(agency=agency, name="Dinas Kependudukan")
    unit_admin_create(unit)
    context = browser.new_context(
        locale="id-ID", viewport={"width": 1366, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/staf/masuk/?next=/staf/unit/{unit.slug}/periode/")
        page.fill("#id_username", "admin-baru")
        page.fill("#id_password", "sandi-rahasia-1")
        page.get_by_role("button", name="Masuk", exact=True).click()
        page.fill("#id_start_date", "2027-01-01")
        page.fill("#id_end_date", "2027-06-30")
        page.fill("#id_population", "1200")
        assert page.get_by_test_id("sample").inner_text().strip() == ""
        page.get_by_role("button", name="Tampilkan sampel minimal").click()
        expected = f"Sampel minimal: {required_sample(1200)} responden untuk populasi 1.200"
        assert expected in page.get_by_test_id("sample").inner_text()
        assert not Period.objects.filter(unit=unit).exists()
        page.get_by_role("button", name="Simpan periode").click()
        assert page.get_by_test_id("required").inner_text().startswith(str(required_sample(1200)))
    finally:
        context.close()
