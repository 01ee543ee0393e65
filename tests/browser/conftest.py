"""Browser tests in Debian's headless Chromium (Playwright's own browser download does not
work on these machines). Skipped, with the reason, where Chromium is not installed;
.ci/run installs it so that CI always runs them."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("SKM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# fixtures in that same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--headless=new",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


PHONE = {"width": 390, "height": 844}  # a citizen's phone


@pytest.fixture
def phone(browser):
    """A citizen's phone (390x844, touch, Indonesian)."""
    context = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser):
    """A staff member's desktop browser (1366x900, Indonesian)."""
    context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def unit_admin_create(unit, username: str = "admin-baru", password: str = "sandi-rahasia-1"):
    """A user whose only right is the unit-admin role on ``unit`` (no superuser, no staff
    flag: the back office /admin/ stays closed to them)."""
    from django.contrib.auth import get_user_model

    from skm.org.models import Membership

    user = get_user_model().objects.create_user(username=username, password=password)
    Membership.objects.create(
        user=user, agency=unit.agency, unit=unit, role=Membership.Role.UNIT_ADMIN
    )
    assert not user.is_superuser and not user.is_staff
    return user


def staff_log_in(
    page, base_url: str, username: str = "admin-baru", password: str = "sandi-rahasia-1"
):
    """Sign in on the staff login page and wait for "Unit saya"."""
    page.goto(f"{base_url}/staf/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    yield page
    context.close()


AXE_STATIC = "vendor/axe-core/axe.min.js"  # skm/static/vendor/axe-core (README.md there)
AXE_BLOCKING = ("serious", "critical")


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations (all impacts).

    axe is loaded as a script from the page's own origin (the live server's static files),
    so the app's Content-Security-Policy (script-src 'self', docs/security.md) stays in
    force: no ``bypass_csp`` context is needed, and an inline copy (``add_script_tag`` with
    ``path=``) would be refused by that policy.
    """
    from urllib.parse import urlsplit

    from django.templatetags.static import static

    if not page.evaluate("() => typeof window.axe === 'object'"):
        parts = urlsplit(page.url)
        page.add_script_tag(url=f"{parts.scheme}://{parts.netloc}{static(AXE_STATIC)}")
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))"
    )


@pytest.fixture
def axe_check():
    """``axe_check(page)``: fail with a readable list when axe-core finds a violation of
    impact "serious" or "critical" on the page as it is now; returns the minor and moderate
    ones (for a test that wants to look at them)."""

    def check(page) -> list[dict]:
        violations = axe_violations(page)
        blocking = [v for v in violations if v["impact"] in AXE_BLOCKING]
        if blocking:
            lines = [f"axe-core on {page.url}:"]
            for v in blocking:
                lines.append(f"- [{v['impact']}] {v['id']}: {v['help']}")
                lines += [f"    {target}" for target in v["nodes"][:5]]
            pytest.fail("\n".join(lines), pytrace=False)
        return violations

    return check


def sub_unit_set_up(page, base_url: str):
    """What a new unit administrator does first, without /admin/ (issue #15 point 4): a
    fresh agency and unit with an administrator of that unit only, who logs in, adds the
    sub-unit "UPT Pelayanan Utara" and its services KTP-el and Akta Kelahiran, and stays on
    the sub-unit's setup page. Returns (unit, list of every address the page requested)."""
    from skm.org.services import agency_create, unit_create

    agency = agency_create(name="Pemerintah Kota Contoh", city="Kota Contoh")
    unit = unit_create(agency=agency, name="Dinas Kependudukan")
    unit_admin_create(unit)
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))

    staff_log_in(page, base_url)
    page.get_by_role("link", name="Dinas Kependudukan").first.click()
    page.get_by_role("link", name="Unit dan layanan").click()
    page.get_by_label("Nama").first.fill("UPT Pelayanan Utara")
    page.get_by_role("button", name="Tambahkan unit").click()
    page.wait_for_selector("text=Unit UPT Pelayanan Utara ditambahkan di bawah unit ini.")
    page.get_by_test_id("unit-tree").get_by_role("link", name="UPT Pelayanan Utara").click()
    page.wait_for_selector("h1:has-text('Unit dan layanan')")
    for name in ("KTP-el", "Akta Kelahiran"):
        page.locator("#id_service-name").fill(name)
        page.get_by_role("button", name="Tambahkan layanan").click()
        page.wait_for_selector(f"text=Layanan {name} ditambahkan.")
    return unit, visited
