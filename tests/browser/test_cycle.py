"""A unit administrator at a desktop (1366x900) opens "Unit saya", reads each unit's IKM,
sample and next step, opens the unit page, reads the cycle checklist and the grouped actions
and follows the next step, in headless Chromium (docs/cycle.md)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.contrib.auth import get_user_model

from skm.org.models import Membership
from skm.surveys.models import Period, Response
from skm.surveys.services import period_create
from tests.plans.conftest import store

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("SKM_SCREENSHOTS", "")


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}-{name}.png", full_page=True)


def test_staff_follows_the_cycle_from_my_units(live_server, desktop, unit, period):
    page = desktop
    # The last closed period: 10 of 10 service users answered, some by the QR link.
    closed = period_create(
        unit=unit,
        name="Semester II 2024",
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2024, 7, 1),
        end_date=dt.date(2024, 12, 31),
        population=10,
        status=Period.Status.OPEN,
    )
    store(closed, unit, 10, when=dt.datetime(2024, 8, 1, 9, tzinfo=dt.UTC))
    Response.objects.filter(period=closed).update(channel=Response.Channel.ONLINE)
    closed.status = Period.Status.CLOSED
    closed.save()
    # The open period: 2 of the 278 required so far.
    store(period, unit, 2)

    user = get_user_model().objects.create_user(username="admin-unit", password="sandi-123-abc")
    Membership.objects.create(
        user=user, agency=unit.agency, unit=unit, role=Membership.Role.UNIT_ADMIN
    )
    page.goto(live_server.url + "/staf/masuk/")
    page.fill("#id_username", "admin-unit")
    page.fill("#id_password", "sandi-123-abc")
    page.press("#id_password", "Enter")
    page.wait_for_load_state()

    # "Unit saya": the unit with its IKM, sample, period state and next step
    page.goto(live_server.url + "/staf/")
    row = page.locator("[data-testid=my-units] tbody tr").first
    assert unit.name in row.locator("th").inner_text()
    assert "Semester II 2024" in row.inner_text() and "Ditutup" in row.inner_text()
    assert row.locator("[data-testid=unit-ikm]").inner_text().strip() != "–"
    assert row.locator("[data-testid=unit-sample]").inner_text().strip() == "10 dari 10"
    assert row.locator("[data-testid=unit-next]").inner_text().strip() == "Telaah hasil survei"
    _shot(page, "home")

    # The unit page: the checklist of the period that matters and the grouped actions
    row.locator("th a").click()
    page.wait_for_load_state()
    cycle = page.locator("[data-testid=cycle]")
    assert "Siklus SKM Semester II 2024" in cycle.locator("h2").inner_text()
    steps = cycle.locator(".cycle-step")
    assert steps.count() == 12
    states = [steps.nth(i).get_attribute("data-state") for i in range(12)]
    assert states[:4] == ["done"] * 4 and states[4] == "todo"
    groups = page.locator(".action-groups h3").all_inner_texts()
    assert groups == ["Kumpulkan data", "Hasil", "Tindak lanjut", "Publikasi", "Pengaturan"]
    # period names are links
    page.locator("table a >> text=Semester I 2025").wait_for()
    _shot(page, "unit")

    # The next step opens the results of the closed period, with its interval
    cycle.locator("[data-testid=next-action] a").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}/staf/unit/{unit.slug}/hasil/")
    assert "Semester II 2024" in page.locator(".lead").inner_text()
    assert page.locator("[data-testid=ci]").is_visible()
    assert page.locator("[data-testid=small-sample]").count() == 0
    _shot(page, "results")

    # The open period, chosen in the address: counts and "sampel belum cukup"
    page.goto(f"{live_server.url}/staf/unit/{unit.slug}/hasil/?periode={period.slug}")
    notice = page.locator("[data-testid=small-sample]")
    assert "Sampel belum cukup" in notice.inner_text()
    assert "2 responden dari 278" in notice.inner_text()
    assert page.locator("[data-testid=ci]").count() == 0
    _shot(page, "small-sample")
