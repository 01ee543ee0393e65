"""The pages work under the Content-Security-Policy: Chromium reports no violation."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"
PAGES = [
    "/",
    "/staf/",
    f"/staf/unit/{DUKCAPIL}/hasil/?periode=semester-i-2025",
    f"/staf/unit/{DUKCAPIL}/rtl/?periode=semester-i-2025",
    f"/staf/unit/{DUKCAPIL}/laporan/?periode=semester-i-2025",
    f"/staf/unit/{DUKCAPIL}/laporan/pratinjau/hasil/?periode=semester-i-2025",
    f"/staf/unit/{DUKCAPIL}/kertas/",
    f"/staf/unit/{DUKCAPIL}/pengaturan/",
    f"/staf/unit/{DUKCAPIL}/periode/",
    f"/staf/unit/{DUKCAPIL}/periode/semester-i-2025/",
    "/staf/rtl/",
    "/admin/",
    "/admin/surveys/period/{period}/change/",
    "/api/v1/docs",
    f"/s/{DUKCAPIL}/",
    f"/p/{DUKCAPIL}/",
    "/kios/",
]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def test_no_page_breaks_the_policy(live_server, page):
    call_command("demo")
    get_user_model().objects.create_superuser("admin", password="sandi-123-abc")
    # Every page records the policy violations the browser reports.
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    violations: list[str] = []
    page.goto(live_server.url + "/staf/masuk/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "sandi-123-abc")
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    from skm.surveys.models import Period

    first = Period.objects.order_by("pk").first().pk
    for path in (p.replace("{period}", str(first)) for p in PAGES):
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert response.status < 400, (path, response.status)
        violations += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
    assert violations == []
    # the API documentation really rendered (its scripts ran)
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=10000)
    # The detector works: an injected inline script is refused and reported.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__csp") == ["script-src-elem inline"]
