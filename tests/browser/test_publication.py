import pytest

from skm.surveys.demo import demo_load

pytestmark = pytest.mark.django_db(transaction=True)

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"


def test_public_page_shows_the_ikm_and_prints_on_a4(live_server, page, tmp_path):
    demo_load()
    page.goto(f"{live_server.url}/p/{DUKCAPIL}/")
    assert page.locator("[data-testid=ikm-value]").inner_text() == "93.40"
    assert page.locator("[data-testid=sex-L]").inner_text() == "303"
    assert page.locator(".unsur-table tbody tr").count() == 9
    assert page.locator(".site-header").is_visible()

    page.emulate_media(media="print")
    # The print layout drops the header, footer and links; the Lampiran IV content stays.
    assert not page.locator(".site-header").is_visible()
    # the demo's open survey adds "Isi survei" above the results: on screen only
    assert page.locator(".survey-cta").count() == 1
    hidden = page.locator(".screen-only")
    assert hidden.count() == 2
    assert not any(hidden.nth(i).is_visible() for i in range(hidden.count()))
    assert page.locator("[data-testid=ikm-value]").is_visible()
    page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") <= 2


def test_widget_script_inserts_the_frame(live_server, page):
    demo_load()
    page.set_content(
        "<p>Situs unit</p>"
        f'<script src="{live_server.url}/static/publication/widget.js" '
        f'data-unit="{DUKCAPIL}" async></script>'
    )
    frame = page.wait_for_selector("iframe")
    assert frame.get_attribute("src") == f"{live_server.url}/p/{DUKCAPIL}/widget/"
    inner = frame.content_frame()
    inner.wait_for_selector(".widget-value")
    assert inner.locator(".widget-value").inner_text() == "93.40"
