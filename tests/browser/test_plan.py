"""A unit administrator draws up a plan, adds an activity, realises it with a photo and sees
the % realised change, in headless Chromium."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from skm.org.models import Membership
from skm.plans.models import Evidence, PlanItem
from skm.plans.services import item_create, plan_create
from tests.plans.conftest import store
from tests.plans.test_evidence import jpeg_with_gps

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def test_plan_item_realised_with_a_photo(live_server, page, unit, period, tmp_path):
    store(period, unit)
    user = get_user_model().objects.create_user(username="admin-unit", password="sandi-123-abc")
    Membership.objects.create(
        user=user, agency=unit.agency, unit=unit, role=Membership.Role.UNIT_ADMIN
    )
    page.goto(live_server.url + "/staf/masuk/")
    page.fill("#id_username", "admin-unit")
    page.fill("#id_password", "sandi-123-abc")
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/staf/unit/{unit.slug}/")
    page.click(".action-groups a >> text=Rencana Tindak Lanjut (RTL)")
    # 10 respondents of the 278 required: the plan is drawn up only once confirmed
    page.click("button >> text=Susun rencana tindak lanjut")
    assert page.locator("#konfirmasi_sampel").evaluate("e => !e.validity.valid")
    page.check("#konfirmasi_sampel")
    page.click("button >> text=Susun rencana tindak lanjut")
    page.wait_for_load_state()
    headings = page.locator("article.priority h3").all_inner_texts()
    assert [h.split()[1] for h in headings] == ["U3", "U7", "U9"]

    first = page.locator("article.priority").first
    first.locator("summary >> text=Tambah kegiatan").click()
    first.locator("textarea[name$=activity]").fill("Menambah loket pada jam sibuk")
    first.locator("input[name$=quarters][value='3']").check()
    first.locator("button >> text=Tambah").click()
    page.wait_for_load_state()
    row = page.locator("table.items tbody tr").first
    assert row.locator("th").inner_text() == "1.1"
    assert "0,00%" in page.locator(".plan-figures").inner_text()

    row.locator("a").click()
    page.wait_for_load_state()
    page.check("input[name=status][value=sudah]")
    page.fill("input[name=done_on]", "2025-08-15")
    page.fill("textarea[name=description]", "Loket tambahan dibuka setiap Senin")
    page.click("button >> text=Simpan realisasi")
    page.wait_for_load_state()
    photo = tmp_path / "loket.jpg"
    photo.write_bytes(jpeg_with_gps())
    page.set_input_files("input[name=file]", str(photo))
    with page.expect_navigation():
        page.click("button >> text=Unggah")
    thumbnail = page.locator(".evidence img")
    assert thumbnail.count() == 1
    # decode() waits for the image itself (a lazy or slow one is not there at "load")
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") == 320
    assert "Dokumentasi ditambahkan" in page.locator("ol.history").inner_text()

    page.click("text=Rencana tindak lanjut Semester I 2025")
    page.wait_for_load_state()
    figures = page.locator(".plan-figures").inner_text()
    assert "100,00%" in figures
    assert page.locator(".plan-figures .figure").nth(1).locator(".figure-value").inner_text() == "5"
    item = PlanItem.objects.get()
    assert (item.status, str(item.done_on)) == ("sudah", "2025-08-15")
    assert Evidence.objects.get().content_type == "image/jpeg"


def _log_in_at_a_desk(browser, live_server, unit):
    user = get_user_model().objects.create_user(username="admin-rtl", password="sandi-123-abc")
    Membership.objects.create(
        user=user, agency=unit.agency, unit=unit, role=Membership.Role.UNIT_ADMIN
    )
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/staf/masuk/")
    page.fill("#id_username", "admin-rtl")
    page.fill("#id_password", "sandi-123-abc")
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    return context, page


def test_a_refused_activity_stays_open_with_what_was_typed(live_server, browser, unit, period):
    store(period, unit)
    manager = get_user_model().objects.create_user(username="penyusun")
    plan = plan_create(period=period, unit=unit, user=manager)
    second = plan.priorities.get(element_code="U7")
    context, page = _log_in_at_a_desk(browser, live_server, unit)
    page.goto(f"{live_server.url}/staf/unit/{unit.slug}/rtl/?periode={period.slug}")
    article = page.locator(f"#prioritas-{second.pk}")
    article.locator("summary >> text=Tambah kegiatan").click()
    article.locator("textarea[name$=activity]").fill("Menambah papan penunjuk alur layanan")
    article.locator("input[name$=owner_title]").fill("Kepala Bidang Pelayanan")
    article.locator("button >> text=Tambah").click()  # no quarter ticked
    page.wait_for_load_state()

    details = page.locator(f"#tambah-{second.pk}")
    assert details.get_attribute("open") is not None
    summary = details.locator(".error-summary")
    assert "Pilih sedikitnya satu triwulan" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert summary.is_visible()
    box = summary.bounding_box()
    assert box is not None and 0 <= box["y"] < 900  # scrolled to the form, not the page top
    assert details.locator(".field-error").first.is_visible()
    assert (
        details.locator("textarea[name$=activity]").input_value()
        == "Menambah papan penunjuk alur layanan"
    )
    assert details.locator("input[name$=owner_title]").input_value() == "Kepala Bidang Pelayanan"
    summary.locator("a").first.click()  # the summary's link leads to the quarter boxes
    assert page.evaluate("document.activeElement.name").endswith("quarters")

    details.locator("input[name$=quarters][value='2']").check()
    details.locator("button >> text=Tambah").click()
    page.wait_for_load_state()
    item = PlanItem.objects.get(priority=second)
    assert (item.activity, item.quarters, item.owner_title) == (
        "Menambah papan penunjuk alur layanan",
        "2",
        "Kepala Bidang Pelayanan",
    )
    context.close()


def test_the_date_done_is_asked_only_for_done(live_server, browser, unit, period):
    store(period, unit)
    manager = get_user_model().objects.create_user(username="penyusun")
    plan = plan_create(period=period, unit=unit, user=manager)
    activity = (
        "Menyusun ulang alur pelayanan loket pengaduan dengan papan informasi yang jelas, "
        "nomor antrean digital dan pelatihan petugas tentang sikap ramah kepada pengguna"
    )
    item = item_create(
        plan.priorities.get(element_code="U3"),
        data={
            "activity": activity,
            "quarters": "3",
            "year": 2025,
            "horizon": "pendek",
            "owner_title": "Kepala Dinas",
        },
        user=manager,
    )
    context, page = _log_in_at_a_desk(browser, live_server, unit)
    page.goto(f"{live_server.url}/staf/unit/{unit.slug}/rtl/{plan.pk}/butir/{item.pk}/")
    assert page.locator("h1").inner_text() == f"1.1 {activity}"
    status = page.get_by_role("group", name="Sudah ditindaklanjuti?")
    assert status.get_by_role("radio").count() == 3
    date = page.locator("input[name=done_on]")
    assert not date.is_visible()  # "Belum" is chosen
    status.get_by_label("Sudah", exact=True).check()
    assert date.is_visible()
    date.fill("2025-08-15")
    status.get_by_label("Dalam proses").check()
    assert not date.is_visible()
    page.fill("textarea[name=description]", "Papan informasi sedang dicetak")
    page.click("button >> text=Simpan realisasi")
    page.wait_for_load_state()
    assert "Realisasi disimpan." in page.locator(".messages").inner_text()
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("proses", None)

    # without the script both fields show; a date with "Dalam proses" is refused and kept
    context.route("**/plans.js", lambda route: route.abort())
    page.reload()
    assert date.is_visible()
    date.fill("2025-08-15")
    page.click("button >> text=Simpan realisasi")
    page.wait_for_load_state()
    error = page.locator("#id_done_on_error")
    assert "hanya diisi bila statusnya Sudah" in error.inner_text()
    assert date.input_value() == "2025-08-15"
    item.refresh_from_db()
    assert item.done_on is None
    context.close()
