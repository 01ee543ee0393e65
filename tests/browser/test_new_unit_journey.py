"""Issue #15's journey, in one test at a desktop (1366x900): a new unit administrator, with
no superuser or staff flag and without ever opening /admin/, creates a sub-unit and its
services, opens a period with its population, prints the QR poster, and watches the cycle
checklist on the unit page advance as citizens answer on their phones (docs/setup.md,
docs/cycle.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from skm.method import MINIMUM_RESPONDENTS, required_sample
from skm.org.models import Unit
from skm.surveys import abuse
from skm.surveys.models import Period, Response
from tests.browser.conftest import PHONE, sub_unit_set_up
from tests.public.helpers import ANSWERS

pytestmark = pytest.mark.django_db(transaction=True)

# A small population: everyone must answer (fewer than the minimum of respondents).
POPULATION = 3


@pytest.fixture(autouse=True)
def _no_wait(monkeypatch):
    # The citizens below are a script filling the form in a second; the live server runs in
    # this process, so the "filled too fast" rule is relaxed as in test_public_form.py.
    monkeypatch.setattr(abuse, "MIN_FILL_SECONDS", 0)
    cache.clear()


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def states(page) -> dict[str, str]:
    """The cycle checklist on the unit page: step key -> done/todo/passed."""
    steps = page.locator("[data-testid=cycle] .cycle-step")
    return {
        steps.nth(i).get_attribute("data-step"): steps.nth(i).get_attribute("data-state")
        for i in range(steps.count())
    }


def next_action(page) -> str:
    return page.get_by_test_id("next-action").inner_text()


def citizen_answers(browser, url: str, service: str) -> None:
    """A citizen scans the poster's QR code and answers on a phone."""
    context = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True)
    phone = context.new_page()
    try:
        phone.goto(url)
        phone.select_option("#id_service", label=service)
        phone.check("#id_gender_1")
        phone.fill("#id_age", "41")
        phone.check("#id_education_2")
        phone.check("#id_occupation_3")
        for code, value in ANSWERS.items():
            phone.check(f"#id_answer_{code}_{value - 1}")
        with phone.expect_navigation():
            phone.get_by_role("button", name="Kirim jawaban").click()
        assert phone.url.endswith("/terima-kasih/")
    finally:
        context.close()


def test_new_unit_administrator_without_admin(live_server, desktop, browser, axe_check):
    page = desktop
    # 1. A sub-unit and its services
    unit, visited = sub_unit_set_up(page, live_server.url)
    axe_check(page)
    sub_unit = Unit.objects.get(parent=unit, name="UPT Pelayanan Utara")

    # 2. A period covering today, with its population
    page.get_by_role("link", name="UPT Pelayanan Utara").first.click()
    page.get_by_role("link", name="Periode survei dan kuesioner").click()
    today = timezone.localdate()
    page.fill("#id_name", "Periode Berjalan")
    page.fill("#id_start_date", (today - dt.timedelta(days=10)).isoformat())
    page.fill("#id_end_date", (today + dt.timedelta(days=60)).isoformat())
    page.fill("#id_population", str(POPULATION))
    page.get_by_role("button", name="Simpan periode").click()
    page.wait_for_selector("text=Periode Periode Berjalan disimpan.")
    axe_check(page)
    period = Period.objects.get(unit=sub_unit)
    assert (period.population, period.status) == (POPULATION, Period.Status.OPEN)
    # everyone must answer: the sample and the minimum both come to the population
    required = max(required_sample(POPULATION), min(MINIMUM_RESPONDENTS, POPULATION))
    assert required == POPULATION

    # 3. The sub-unit's page: the period is open, the next step is the QR poster
    page.get_by_role("navigation", name="Organisasi").get_by_role(
        "link", name="UPT Pelayanan Utara"
    ).click()
    page.wait_for_selector("[data-testid=cycle]")
    before = states(page)
    assert before["open"] == "done"
    assert before["collect"] == "todo" and before["sample"] == "todo"
    assert "Cetak poster QR" in next_action(page)
    assert f"0 dari {required}" in page.locator("[data-step=sample]").inner_text()
    axe_check(page)

    # 4. The QR poster: from the next step to the poster page, then the A4 PDF
    page.get_by_test_id("next-action").get_by_role("link").click()
    page.wait_for_url(f"**/staf/unit/{sub_unit.slug}/poster/")
    public_url = page.locator(".public-link a").first.inner_text().strip()
    assert public_url.endswith(f"/s/{sub_unit.slug}/")
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Poster A4 (PDF)").first.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename.endswith(".pdf")

    # 5. Citizens answer; the checklist advances
    form_url = f"{live_server.url}/s/{sub_unit.slug}/"
    citizen_answers(browser, form_url, "KTP-el")
    page.goto(f"{live_server.url}/staf/unit/{sub_unit.slug}/")
    after_one = states(page)
    assert after_one["collect"] == "done" and after_one["sample"] == "todo"
    assert f"1 dari {required}" in page.locator("[data-step=sample]").inner_text()
    assert "Kumpulkan jawaban lagi" in next_action(page)

    for service in ("Akta Kelahiran", "KTP-el")[: required - 1]:
        citizen_answers(browser, form_url, service)
    page.reload()
    after_all = states(page)
    assert after_all["sample"] == "done"
    assert f"{required} dari {required}" in page.locator("[data-step=sample]").inner_text()
    assert "Administrator menutup periode" in next_action(page)
    axe_check(page)
    assert Response.objects.filter(period=period, unit=sub_unit).count() == required

    assert not [url for url in visited if "/admin/" in url]
