"""A citizen on a phone (390x844) finds a unit on the portal, fills in its survey and
reaches its published results; axe-core checks every page on the way (issue #15)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from skm.org.services import service_create, unit_create
from skm.surveys import abuse
from skm.surveys.models import Response
from skm.surveys.services import publication_publish, response_create
from tests.browser.conftest import PHONE
from tests.public.helpers import ANSWERS, open_period_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_wait(monkeypatch):
    monkeypatch.setattr(abuse, "MIN_FILL_SECONDS", 0)
    cache.clear()


@pytest.fixture
def published(unit, period):
    """The unit's last semester, closed and published (91,67 in a new unit's Indonesian
    number style, 5 respondents), and a period open today."""
    for _ in range(5):
        response_create(period=period, unit=unit, channel="paper", answers=ANSWERS)
    publication_publish(period=period, unit=unit)
    period.status = period.Status.CLOSED
    period.save(update_fields=["status"])
    return open_period_for(unit)


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_citizen_finds_a_unit_fills_the_survey_and_sees_the_results(
    live_server, phone, axe_check, unit, service, published
):
    other = unit_create(agency=unit.agency, name="Dinas Perhubungan")
    service_create(unit=other, name="Uji KIR")
    open_period_for(other)

    phone.goto(live_server.url + "/")
    assert phone.locator("h1").inner_text() == "Survei Kepuasan Masyarakat"
    assert phone.locator(".portal-unit").count() == 2
    assert fits(phone)
    axe_check(phone)

    # the search is an ordinary form: type, press Enter
    phone.fill("#portal-q", "ktp")
    with phone.expect_navigation():
        phone.press("#portal-q", "Enter")
    assert phone.url == f"{live_server.url}/?q=ktp"
    card = phone.locator(".portal-unit")
    assert card.count() == 1
    assert card.locator("h3").inner_text() == unit.name
    assert card.locator("[data-testid=portal-ikm] .ikm-figure").inner_text() == "IKM 91,67"
    assert card.locator("a.matched").inner_text() == service.name  # its list is open
    axe_check(phone)

    with phone.expect_navigation():
        card.get_by_role("link", name=f"Isi survei {unit.name}").click()
    assert phone.url == f"{live_server.url}/s/{unit.slug}/"
    assert fits(phone)
    # progress: three parts, nine numbered questions, no element codes
    steps = phone.locator("h2 .step").all_inner_texts()
    assert [s.upper() for s in steps] == ["BAGIAN 1 DARI 3", "BAGIAN 2 DARI 3", "BAGIAN 3 DARI 3"]
    metas = phone.locator(".element-meta").all_inner_texts()
    assert metas == [f"Pertanyaan {n} dari 9" for n in range(1, 10)]
    legends = " ".join(phone.locator("fieldset.element legend").all_inner_texts())
    assert not any(f"{code} " in legends for code in ANSWERS)
    assert "hash" not in phone.locator(".privacy").inner_text()

    # "If other" appears only with "Lainnya"
    other_field = phone.locator("#id_occupation_other")
    assert not other_field.is_visible()
    axe_check(phone)
    phone.select_option("#id_service", str(service.pk))
    phone.check("#id_gender_1")
    phone.fill("#id_age", "41")
    phone.check("#id_education_3")
    phone.check("#id_occupation_5")  # Lainnya
    assert other_field.is_visible()
    phone.check("#id_occupation_4")  # changed mind: Wirausaha
    assert not other_field.is_visible()
    phone.check("#id_occupation_5")
    other_field.fill("Petani")
    for code, value in ANSWERS.items():
        phone.check(f"#id_answer_{code}_{value - 1}")
    axe_check(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Kirim jawaban").click()

    assert phone.url == f"{live_server.url}/s/{unit.slug}/terima-kasih/"
    response = Response.objects.get(channel="online")
    assert (response.occupation, response.occupation_other) == ("LAINNYA", "Petani")
    assert response.service == service
    assert fits(phone)
    axe_check(phone)
    with phone.expect_navigation():
        phone.get_by_role("link", name=f"Lihat hasil survei {unit.name}").click()
    assert phone.url == f"{live_server.url}/p/{unit.slug}/"
    assert phone.get_by_test_id("ikm-value").inner_text() == "91,67"  # the unit's style
    assert fits(phone)
    axe_check(phone)
    # and from the results back to the survey
    assert phone.locator(".survey-cta a").inner_text() == "Isi survei"
    assert phone.locator(".survey-cta a").get_attribute("href") == f"/s/{unit.slug}/"


def test_portal_on_a_desktop(live_server, browser, axe_check, unit, child, published):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.goto(live_server.url + "/p/")  # /p/ is the same list
    assert page.url == live_server.url + "/"
    assert page.locator(".portal-unit").count() == 2
    axe_check(page)
    # the staff door is one quiet footer link
    links = page.get_by_role("link", name="Masuk petugas")
    assert links.count() == 1
    assert page.locator(".site-footer .staff-link").count() == 1
    context.close()


def test_search_without_javascript(live_server, browser, unit, published):
    context = browser.new_context(viewport=PHONE, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/s/")
    page.fill("#portal-q", "contoh")
    with page.expect_navigation():
        page.get_by_role("button", name="Cari").click()
    assert page.url == f"{live_server.url}/?q=contoh"
    assert page.locator(".portal-unit h3").all_inner_texts() == [unit.name]
    context.close()
