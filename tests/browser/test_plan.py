"""A unit administrator draws up a plan, adds an activity, realises it with a photo and sees
the % realised change, in headless Chromium."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from skm.org.models import Membership
from skm.plans.models import Evidence, PlanItem
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
    assert "0.00%" in page.locator(".plan-figures").inner_text()

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
    page.click("button >> text=Unggah")
    page.wait_for_load_state()
    thumbnail = page.locator(".evidence img")
    assert thumbnail.count() == 1
    assert page.evaluate("(img) => img.naturalWidth", thumbnail.element_handle()) == 320
    assert "Dokumentasi ditambahkan" in page.locator("ol.history").inner_text()

    page.click("text=Rencana tindak lanjut Semester I 2025")
    page.wait_for_load_state()
    figures = page.locator(".plan-figures").inner_text()
    assert "100.00%" in figures
    assert page.locator(".plan-figures .figure").nth(1).locator(".figure-value").inner_text() == "5"
    item = PlanItem.objects.get()
    assert (item.status, str(item.done_on)) == ("sudah", "2025-08-15")
    assert Evidence.objects.get().content_type == "image/jpeg"
