"""axe-core on the main staff pages at a desktop (1366x900), signed in as a unit
administrator of a unit with a closed period (its results, suggestions and follow-up plan),
an open period and a kiosk, including forms shown with their errors: the test fails on any
serious or critical violation (tests/browser/conftest.py axe_check; docs/setup.md)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.contrib.auth import get_user_model

from skm.org.models import Membership
from skm.plans.services import item_create, plan_create
from skm.surveys.kiosks import kiosk_create
from skm.surveys.models import Period
from skm.surveys.services import period_create
from tests.browser.conftest import staff_log_in, unit_admin_create
from tests.plans.conftest import item_data, store

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("SKM_SCREENSHOTS", "")  # e.g. /tmp/axe: one screenshot per page


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


# Pages under /staf/ ("" is "Unit saya") and under /staf/unit/<unit>/ ("" is the unit page).
STAFF_PAGES = {
    "my units": "",
    "plans overview": "rtl/",
    "two-factor sign-in": "akun/dua-faktor/",
}
UNIT_PAGES = {
    "unit": "",
    "results": "hasil/",
    "results, open period with a small sample": "hasil/?periode={period}",
    "plan (RTL)": "rtl/",
    "plan item": "rtl/{plan}/butir/{item}/",
    "suggestions": "saran/",
    "paper entry": "kertas/",
    "reports": "laporan/",
    "setup: units and services": "pengaturan/",
    "setup: periods": "periode/",
    "setup: one period": "periode/{period}/",
    "QR poster": "poster/",
    "kiosks": "kios/",
    "responses": "jawaban/",
    "export": "ekspor/",
    "held responses": "ditahan/",
    "file import": "impor/",
    "publication": "publikasi/",
}


def test_main_staff_pages_have_no_serious_axe_violation(
    live_server, desktop, axe_check, unit, service, period
):
    closed = period_create(
        unit=unit,
        name="Semester II 2024",
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2024, 7, 1),
        end_date=dt.date(2024, 12, 31),
        population=10,
        status=Period.Status.OPEN,
    )
    store(
        closed,
        unit,
        10,
        when=dt.datetime(2024, 8, 1, 9, tzinfo=dt.UTC),
        suggestion="Ruang tunggu panas.",
    )
    closed.status = Period.Status.CLOSED
    closed.save()
    store(period, unit, 2)
    plan = plan_create(period=closed, unit=unit, user=None)
    item = item_create(plan.priorities.first(), data=item_data(), user=None)
    kiosk_create(unit=unit, name="Kios lobi", service=service)
    unit_admin_create(unit)
    page = desktop
    page.goto(f"{live_server.url}/staf/masuk/")
    axe_check(page)
    staff_log_in(page, live_server.url)

    base = f"{live_server.url}/staf/unit/{unit.slug}/"
    urls = {name: f"{live_server.url}/staf/{path}" for name, path in STAFF_PAGES.items()}
    for name, path in UNIT_PAGES.items():
        urls[name] = base + path.format(period=period.slug, plan=plan.pk, item=item.pk)
    for name, url in urls.items():
        response = page.goto(url)
        assert response.ok and page.url == url, f"{name}: {response.status} {page.url}"
        axe_check(page)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}-{name.replace(' ', '-')}.png", full_page=True)

    # forms as they come back with errors
    page.goto(base + "kertas/")
    page.get_by_role("button", name="Simpan (Enter)").click()
    page.wait_for_selector(".errorlist, [role=alert], .error-summary")
    axe_check(page)
    page.goto(base + "periode/")
    page.fill("#id_start_date", "2027-06-30")
    page.fill("#id_end_date", "2027-01-01")
    page.get_by_role("button", name="Simpan periode").click()
    page.wait_for_selector(".errorlist, [role=alert], .error-summary")
    axe_check(page)


def test_agency_administrator_pages_have_no_serious_axe_violation(
    live_server, desktop, axe_check, unit, service
):
    user = get_user_model().objects.create_user(username="admin-baru", password="sandi-rahasia-1")
    Membership.objects.create(user=user, agency=unit.agency, role=Membership.Role.AGENCY_ADMIN)
    staff_log_in(desktop, live_server.url)
    for path in (
        "akun/",
        "audit/",
        f"instansi/{unit.agency.slug}/unit/",
        f"instansi/{unit.agency.slug}/laporan/",
        "rtl/katalog/",
        f"unit/{unit.slug}/pengaturan/layanan/{service.slug}/",
    ):
        url = f"{live_server.url}/staf/{path}"
        response = desktop.goto(url)
        assert response.ok and desktop.url == url, f"{response.status} {desktop.url}"
        axe_check(desktop)


def test_axe_check_fails_on_a_serious_violation_in_a_staff_page(
    live_server, desktop, axe_check, unit
):
    """The check is live on staff pages under their CSP: an unlabelled field fails it."""
    unit_admin_create(unit)
    staff_log_in(desktop, live_server.url)
    desktop.goto(f"{live_server.url}/staf/unit/{unit.slug}/")
    desktop.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<input type=text name=unlabelled>')"
    )
    with pytest.raises(pytest.fail.Exception, match="label"):
        axe_check(desktop)
