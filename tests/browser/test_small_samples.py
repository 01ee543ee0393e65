"""Small samples, as a unit administrator at a desktop (1366x900) meets them in headless
Chromium (issue #15 points 6 and 7, docs/cycle.md):

- the results, plan (RTL) and reports pages, reached from the unit page's links, open on the
  last closed period while the open one is below its required sample, and on the open one
  once it reaches it;
- below the sample the results page shows counts and "Sampel belum cukup" instead of the
  interval, "signifikan" and the effect of the last plan, and drawing up a plan asks for a
  confirmation that states the sample.

tests/browser/test_cycle.py already follows the cycle's next step to the closed period and
opens the open one by its address; this file does not repeat that."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from skm.plans.models import Plan, PlanItem
from skm.plans.services import item_create, plan_create, plan_finalise, realisation_update
from skm.surveys.models import Period, Response
from skm.surveys.services import period_create
from tests.browser.conftest import staff_log_in, unit_admin_create
from tests.plans.conftest import item_data, store

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("SKM_SCREENSHOTS", "")

CLOSED = "Semester II 2024"
OPEN = "Semester I 2025"  # the conftest `period`
# How the reports page names a period in its documents (skm.reports.fmt.period_label)
REPORT_LABEL = {CLOSED: "Semester II Tahun 2024", OPEN: "Semester I Tahun 2025"}


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}-{name}.png", full_page=True)


def _closed_period(unit) -> Period:
    """Semester II 2024, closed: 10 of the 10 required (a census of a population of 10)."""
    closed = period_create(
        unit=unit,
        name=CLOSED,
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2024, 7, 1),
        end_date=dt.date(2024, 12, 31),
        population=10,
        status=Period.Status.OPEN,
    )
    store(closed, unit, 10, when=dt.datetime(2024, 8, 1, 9, tzinfo=dt.UTC))
    return closed


def _close(period: Period) -> None:
    period.status = Period.Status.CLOSED
    period.save()


def _selected_period(page) -> str:
    """The period chosen in the page's period select, by its address name (slug); each
    option starts with the period's name (the results page adds " – <unit>" for a period
    of a unit above)."""
    option = page.locator("#id_periode option:checked")
    period = Period.objects.get(slug=option.get_attribute("value"))
    assert option.inner_text().strip().startswith(period.name)
    return period.name


def _open_from_unit_page(page, base_url: str, unit, link: str) -> None:
    """Open the unit page and follow one of its action links, as a person would."""
    page.goto(f"{base_url}/staf/unit/{unit.slug}/")
    with page.expect_navigation():
        page.locator(".action-groups").get_by_role("link", name=link, exact=True).click()


def _pages_open_on(page, base_url: str, unit, name: str) -> None:
    """The results, plan and reports pages, each reached from the unit page, show ``name``."""
    _open_from_unit_page(page, base_url, unit, "Hasil survei")
    assert page.url == f"{base_url}/staf/unit/{unit.slug}/hasil/"
    assert name in page.locator(".lead").inner_text()
    assert _selected_period(page) == name

    _open_from_unit_page(page, base_url, unit, "Rencana Tindak Lanjut (RTL)")
    assert page.url == f"{base_url}/staf/unit/{unit.slug}/rtl/"
    assert _selected_period(page) == name
    lead = page.locator(".lead").inner_text()
    assert f"belum memiliki rencana tindak lanjut untuk {name}" in lead

    _open_from_unit_page(page, base_url, unit, "Laporan")
    assert page.url.startswith(f"{base_url}/staf/unit/{unit.slug}/laporan/")
    assert _selected_period(page) == name
    assert page.locator("#docs-title").inner_text() == f"Dokumen untuk {REPORT_LABEL[name]}"


def test_pages_open_on_the_closed_period_until_the_open_one_has_its_sample(
    live_server, desktop, unit, period
):
    page = desktop
    _close(_closed_period(unit))
    # The open period counts 10 service users: 10 respondents are required, 2 answered.
    Period.objects.filter(pk=period.pk).update(population=10)
    store(period, unit, 2)
    unit_admin_create(unit)
    staff_log_in(page, live_server.url)

    _pages_open_on(page, live_server.url, unit, CLOSED)
    # The open period is still offered in the period select (here the reports page's)
    options = page.locator("#id_periode option")
    assert [options.nth(i).get_attribute("value") for i in range(options.count())] == [
        period.slug,
        Period.objects.get(name=CLOSED).slug,
    ]

    # 9 of 10: one short of the sample, the results page still opens on the closed period
    store(period, unit, 7)
    _open_from_unit_page(page, live_server.url, unit, "Hasil survei")
    assert _selected_period(page) == CLOSED

    # 10 of 10: the open period has its sample, every page opens on it
    store(period, unit, 1)
    assert Response.objects.filter(period=period).count() == 10
    _pages_open_on(page, live_server.url, unit, OPEN)


def _earlier_final_plan(unit, closed: Period, user) -> Plan:
    """The closed period's plan, final, with a done item under its first priority."""
    plan = plan_create(period=closed, unit=unit, user=user)
    priority = plan.priorities.order_by("position").first()
    item = item_create(
        priority, data=item_data(year=2024, quarters="4", activity="Menambah loket"), user=user
    )
    realisation_update(
        item,
        status=PlanItem.Status.DONE,
        done_on=dt.date(2024, 12, 10),
        description="Loket tambahan dibuka setiap Senin.",
        obstacles="",
        user=user,
    )
    plan_finalise(plan, user=user)
    return plan


def test_small_sample_results_and_a_confirmed_plan(live_server, desktop, unit, period, axe_check):
    page = desktop
    user = unit_admin_create(unit)
    closed = _closed_period(unit)
    earlier = _earlier_final_plan(unit, closed, user)
    code = earlier.priorities.order_by("position").first().element_code
    _close(closed)
    # The open period: 10 of the 278 required (population 1000), U3 better than before.
    store(period, unit, 10, low={"U3": 3, "U7": 3, "U9": 4})
    staff_log_in(page, live_server.url)

    # From the unit page the results open on the closed period; the person picks the open one
    _open_from_unit_page(page, live_server.url, unit, "Hasil survei")
    assert _selected_period(page) == CLOSED
    page.locator("#id_periode").select_option(value=period.slug)
    with page.expect_navigation():
        page.get_by_role("button", name="Tampilkan").click()
    assert f"periode={period.slug}" in page.url
    assert OPEN in page.locator(".lead").inner_text()

    notice = page.get_by_test_id("small-sample")
    assert notice.is_visible()
    assert "Sampel belum cukup" in notice.inner_text()
    assert "10 responden dari 278 yang dibutuhkan" in notice.inner_text()
    # counts, not intervals, significance or effects
    assert "10 dari 278" in page.get_by_test_id("respondents").inner_text()
    assert page.get_by_test_id("ci").count() == 0
    assert page.locator("#effects-title").count() == 0
    assert "menaikkan nilai" not in page.locator("main").inner_text()
    assert page.locator(".significant").count() == 0
    trend = page.locator("section[aria-labelledby=trend] table").first
    rows = trend.locator("tbody tr")
    assert rows.count() == 2
    latest = rows.filter(has_text=OPEN)
    assert "signifikan" not in latest.inner_text()
    assert "sampel belum cukup" in latest.inner_text()
    # the interval column of the open period stays empty; the census before it has one
    assert latest.locator("td").nth(3).inner_text().strip() == "–"
    assert rows.filter(has_text=CLOSED).locator("td").nth(3).inner_text().strip() != "–"
    axe_check(page)
    _shot(page, "small-sample-results")

    # The plan page: from the unit page, then the open period chosen in the period select
    _open_from_unit_page(page, live_server.url, unit, "Rencana Tindak Lanjut (RTL)")
    assert _selected_period(page) == CLOSED
    page.locator("#id_periode").select_option(value=period.slug)
    with page.expect_navigation():
        page.get_by_role("button", name="Tampilkan").click()
    assert f"untuk {OPEN}" in page.locator(".lead").inner_text()
    warning = page.get_by_test_id("plan-small-sample")
    assert "Sampel belum cukup" in warning.inner_text()
    assert "10 responden dari 278 yang dibutuhkan" in warning.inner_text()
    confirm = page.get_by_label(
        "Saya memahami bahwa rencana ini disusun dari 10 responden dari 278 yang dibutuhkan."
    )
    assert confirm.is_visible() and not confirm.is_checked()
    axe_check(page)
    _shot(page, "small-sample-confirm")

    # Unticked, the browser keeps the form: the box is required and no plan is made
    draft = page.get_by_role("button", name="Susun rencana tindak lanjut")
    before = page.url
    draft.click()
    assert confirm.evaluate("e => !e.validity.valid && e.validationMessage !== ''")
    assert page.url == before
    assert not Plan.objects.filter(period=period).exists()

    # A browser that sends the form anyway (no validation): the server refuses it too
    confirm.evaluate("e => e.removeAttribute('required')")
    with page.expect_navigation():
        draft.click()
    assert "Sampel periode ini belum cukup" in page.locator("main").inner_text()
    assert "Rencana belum dibuat." in page.locator("main").inner_text()
    assert not Plan.objects.filter(period=period).exists()
    assert _selected_period(page) == OPEN
    _shot(page, "small-sample-refused")

    # Ticked, the plan is drawn up and says what it rests on
    page.get_by_label(
        "Saya memahami bahwa rencana ini disusun dari 10 responden dari 278 yang dibutuhkan."
    ).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Susun rencana tindak lanjut").click()
    done = page.locator("main").inner_text()
    assert "Rencana dibuat dengan unsur prioritas yang diusulkan." in done
    drafted = page.get_by_test_id("plan-small-sample")
    assert "Rencana ini disusun dari 10 responden dari 278 yang dibutuhkan" in drafted.inner_text()
    assert page.locator("article.priority").count() >= 1
    assert Plan.objects.filter(period=period, unit=unit).count() == 1
    assert Plan.objects.count() == 2  # with the earlier, final plan

    # Once the open period has its sample (a census of 10), the same page shows the
    # interval, the significant change and the effect of the earlier plan: the checks above
    # looked where these appear.
    Period.objects.filter(pk=period.pk).update(population=10)
    page.goto(f"{live_server.url}/staf/unit/{unit.slug}/hasil/?periode={period.slug}")
    assert page.get_by_test_id("small-sample").count() == 0
    assert page.get_by_test_id("ci").is_visible()
    effects = page.locator("#effects-title")
    assert effects.inner_text() == f"Apakah tindak lanjut {CLOSED} menaikkan nilai?"
    assert "Menambah loket" in page.locator("section[aria-labelledby=effects-title]").inner_text()
    assert code in page.locator("section[aria-labelledby=effects-title]").inner_text()
    assert "signifikan" in page.locator(".significant").first.inner_text()
