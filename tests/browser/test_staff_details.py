"""Smaller staff pages in a real browser at a desktop's size (1366x900): the QR poster page's
address check, and the other small points of issue 15 (point 13), each with axe-core."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"
SHOTS = "/tmp/smalls-shots"


@pytest.fixture
def staff(live_server, admin_user, page):
    """The demo office, and the superuser logged in at the staff desktop's size."""
    from skm.surveys.demo import demo_load

    demo_load()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/staf/masuk/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    return page


def test_the_poster_page_shows_the_address_and_warns_when_it_is_local(
    live_server, staff, axe_check, settings
):
    page = staff
    page.goto(f"{live_server.url}/staf/unit/{DUKCAPIL}/poster/")
    alert = page.locator("[role=alert]")
    assert alert.is_visible()
    # the live server is 127.0.0.1 or localhost: the public cannot open that address
    assert "SKM_PUBLIC_BASE_URL" in alert.inner_text()
    first = page.locator(".poster-card").first
    encoded = first.locator(".public-link").inner_text()
    assert encoded == f"{live_server.url}/s/{DUKCAPIL}/"
    assert encoded in alert.inner_text()
    short = first.locator(".short-link").inner_text()
    assert short == encoded.split("://", 1)[1].rstrip("/")
    axe_check(page)
    page.screenshot(path=f"{SHOTS}/poster-local.png", full_page=True)

    settings.PUBLIC_BASE_URL = "https://skm.contoh.go.id"
    page.reload()
    assert page.locator("[role=alert]").count() == 0
    assert page.locator(".short-link").first.inner_text() == f"skm.contoh.go.id/s/{DUKCAPIL}"
    axe_check(page)


def test_the_report_job_page_names_the_document(live_server, staff, axe_check):
    from skm.reports.jobs import report_job_run
    from skm.reports.models import ReportJob

    page = staff
    page.goto(f"{live_server.url}/staf/unit/{DUKCAPIL}/laporan/?periode=semester-i-2025")
    page.locator("form:has(input[name=kind][value=hasil]) button[value=pdf]").click()
    page.wait_for_url("**/laporan/tugas/**")
    heading = page.locator("h1").inner_text()
    assert heading.startswith("Dokumen: Laporan Hasil SKM Semester I 2025")
    report_job_run(ReportJob.objects.latest("created_at"))
    page.reload()
    assert page.locator("h1").inner_text() == heading
    axe_check(page)


def test_the_login_focus_ring_leaves_the_label_readable(live_server, page, axe_check):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/staf/masuk/")
    for field in ("username", "password"):
        page.focus(f"#id_{field}")
        ring = page.evaluate(
            """(id) => {
                const s = getComputedStyle(document.getElementById(id));
                const shadow = s.boxShadow.match(/0px 0px 0px ([\\d.]+)px/);
                const spread = shadow ? parseFloat(shadow[1]) : 0;
                return Math.max(spread, parseFloat(s.outlineOffset) + parseFloat(s.outlineWidth));
            }""",
            f"id_{field}",
        )
        assert ring >= 5  # the ring is there
        label = page.locator(f"label[for=id_{field}]").bounding_box()
        control = page.locator(f"#id_{field}").bounding_box()
        assert label["y"] + label["height"] <= control["y"] - ring
    page.screenshot(path=f"{SHOTS}/login-focus.png")
    axe_check(page)


def test_the_favicon_is_served_and_drawn(live_server, staff):
    page = staff
    page.goto(f"{live_server.url}/staf/unit/{DUKCAPIL}/poster/")
    href = page.get_attribute("link[rel=icon]", "href")
    response = page.request.get(live_server.url + href)
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")
    # drawn by the browser as it would be in a tab (an image that fails to decode has no width)
    width = page.evaluate(
        """async (href) => { const img = new Image(); img.src = href; await img.decode();
                             return img.naturalWidth; }""",
        href,
    )
    assert width > 0


def test_the_export_form_opens_on_a_period_and_says_what_is_missing(live_server, staff, axe_check):
    from skm.org.models import Unit
    from skm.surveys.models import Period
    from skm.surveys.results import default_period

    page = staff
    page.goto(f"{live_server.url}/staf/unit/{DUKCAPIL}/ekspor/")
    unit = Unit.objects.get(slug=DUKCAPIL)
    periods = list(
        Period.objects.filter(unit__in=[unit, *unit.ancestors()]).order_by("-start_date")
    )
    expected = default_period(unit, periods)
    assert page.input_value("#id_period") == str(expected.pk)
    axe_check(page)
    page.select_option("#id_period", value="")
    page.click(".export-form button[type=submit]")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert "Pilih periode yang jawabannya ingin Anda unduh." in summary.inner_text()
    page.screenshot(path=f"{SHOTS}/export-error.png", full_page=True)
    axe_check(page)


def test_the_audit_page_speaks_indonesian(live_server, staff, axe_check):
    from skm.reports.jobs import report_job_run
    from skm.reports.models import ReportJob

    page = staff
    page.goto(f"{live_server.url}/staf/unit/{DUKCAPIL}/laporan/?periode=semester-i-2025")
    page.locator("form:has(input[name=kind][value=hasil]) button[value=pdf]").click()
    page.wait_for_url("**/laporan/tugas/**")
    job = ReportJob.objects.latest("created_at")
    if job.status != ReportJob.Status.DONE:
        report_job_run(job)
    page.goto(f"{live_server.url}/staf/audit/?model=tugas+laporan")
    table = page.locator("table").inner_text()
    assert "reports.reportjob" not in table and "running" not in table
    assert "Tugas laporan: Laporan Hasil SKM Semester I 2025 (PDF)" in table
    assert "Status: Sedang dibuat → Siap" in table
    page.screenshot(path=f"{SHOTS}/audit.png", full_page=True)
    axe_check(page)


def test_a_refused_import_counts_its_problems_in_a_sentence(live_server, staff, axe_check):
    import re

    page = staff
    header = ["Tanggal", "Jenis Layanan", "Jenis Kelamin", "Usia", "Pendidikan", "Pekerjaan"]
    header += [f"U{i}" for i in range(1, 10)] + ["Saran"]
    rows = [["01/03/2025 09:00", "KTP-el", "P", "30", "SMA", "Swasta", "7", *["4"] * 8, ""]]
    body = "\n".join(";".join(r) for r in [header, *rows]) + "\n"
    page.goto(f"{live_server.url}/staf/unit/{DUKCAPIL}/impor/")
    page.set_input_files(
        "#id_file", {"name": "jawaban.csv", "mimeType": "text/csv", "buffer": body.encode()}
    )
    page.click("form button.primary[type=submit]")
    page.wait_for_selector(".error-summary", timeout=20000)
    summary = page.locator(".error-summary").inner_text()
    assert re.search(r"File ini memiliki \d+ masalah, tercantum di bawah\.", summary)
    assert not re.search(r": \d+\.", summary)
    axe_check(page)
