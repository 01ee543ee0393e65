"""A new unit administrator (no superuser, no back office) sets up a sub-unit, its services
and a period at a desktop, and sees the required sample appear while typing the population
(issue #15 point 4)."""

from __future__ import annotations

import datetime as dt

import pytest

from skm.method import required_sample
from skm.org.models import Service, Unit
from skm.org.services import agency_create, unit_create
from skm.surveys.models import Period
from tests.browser.conftest import staff_log_in, sub_unit_set_up, unit_admin_create

pytestmark = pytest.mark.django_db(transaction=True)
U = [f"U{i}" for i in range(1, 10)]


def test_unit_admin_sets_up_a_sub_unit_services_and_a_period(live_server, desktop):
    page = desktop
    # the unit page leads to the setup pages
    unit, visited = sub_unit_set_up(page, live_server.url)
    page.screenshot(path="/tmp/setup-units.png", full_page=True)
    sub_unit = Unit.objects.get(parent=unit, name="UPT Pelayanan Utara")
    assert set(Service.objects.filter(unit=sub_unit).values_list("name", flat=True)) == {
        "KTP-el",
        "Akta Kelahiran",
    }

    # the sub-unit's page, then its periods
    page.get_by_role("link", name="UPT Pelayanan Utara").first.click()
    page.get_by_role("link", name="Periode survei dan kuesioner").click()
    page.fill("#id_name", "Semester I 2027")
    page.fill("#id_start_date", "2027-01-01")
    page.fill("#id_end_date", "2027-06-30")
    sample = page.get_by_test_id("sample")
    assert sample.inner_text().strip() == ""
    page.locator("#id_population").press_sequentially("1200", delay=60)
    expected = f"Sampel minimal: {required_sample(1200)} responden untuk populasi 1.200"
    page.wait_for_selector(f"[data-testid=sample]:has-text('{expected}')")
    page.screenshot(path="/tmp/setup-period-form.png", full_page=True)
    page.get_by_role("button", name="Simpan periode").click()
    page.wait_for_selector("text=Periode Semester I 2027 disimpan.")
    assert page.get_by_test_id("required").inner_text().startswith(str(required_sample(1200)))
    page.screenshot(path="/tmp/setup-period.png", full_page=True)

    period = Period.objects.get(unit=sub_unit)
    assert (period.population, period.status, period.slug) == (1200, "open", "semester-i-2027")
    assert not [url for url in visited if "/admin/" in url]


def test_without_javascript_the_sample_shows_on_request_and_after_saving(live_server, browser):
    agency = agency_create(name="Pemerintah Kota Contoh", city="Kota Contoh")
    unit = unit_create(agency=agency, name="Dinas Kependudukan")
    unit_admin_create(unit)
    context = browser.new_context(
        locale="id-ID", viewport={"width": 1366, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/staf/masuk/?next=/staf/unit/{unit.slug}/periode/")
        page.fill("#id_username", "admin-baru")
        page.fill("#id_password", "sandi-rahasia-1")
        page.get_by_role("button", name="Masuk", exact=True).click()
        page.fill("#id_start_date", "2027-01-01")
        page.fill("#id_end_date", "2027-06-30")
        page.fill("#id_population", "1200")
        assert page.get_by_test_id("sample").inner_text().strip() == ""
        page.get_by_role("button", name="Tampilkan sampel minimal").click()
        expected = f"Sampel minimal: {required_sample(1200)} responden untuk populasi 1.200"
        assert expected in page.get_by_test_id("sample").inner_text()
        assert not Period.objects.filter(unit=unit).exists()
        page.get_by_role("button", name="Simpan periode").click()
        assert page.get_by_test_id("required").inner_text().startswith(str(required_sample(1200)))
    finally:
        context.close()


def test_agency_admin_moves_a_sub_unit_and_deletes_a_mistaken_unit(live_server, desktop, axe_check):
    """Correcting the tree without the back office: an agency administrator moves a
    sub-unit (with the unit below it) under another unit, then deletes a unit added by
    mistake after its confirmation page; a unit with records shows why it stays."""
    from skm.org.models import Membership
    from skm.surveys.services import period_create, response_create

    page = desktop
    agency = agency_create(name="Pemerintah Kota Contoh", city="Kota Contoh")
    dinas = unit_create(agency=agency, name="Dinas Kesehatan")
    other = unit_create(agency=agency, name="Dinas Kependudukan")
    upt = unit_create(agency=agency, name="UPT Pelayanan Keliling", parent=dinas)
    post = unit_create(agency=agency, name="Pos Keliling Utara", parent=upt)
    mistake = unit_create(agency=agency, name="Dinas Salah Ketik")
    period = period_create(
        unit=other,
        name="Semester I 2027",
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 6, 30),
        population=100,
        status=Period.Status.OPEN,
    )
    response_create(period=period, unit=other, channel="paper", answers=dict.fromkeys(U, 3))
    admin = unit_admin_create(dinas, username="admin-instansi")
    Membership.objects.filter(user=admin).update(unit=None, role=Membership.Role.AGENCY_ADMIN)
    staff_log_in(page, live_server.url, username="admin-instansi")

    page.goto(f"{live_server.url}/staf/unit/{upt.slug}/pengaturan/")
    select = page.get_by_label("Tempat baru: di bawah")
    options = select.locator("option").all_inner_texts()
    assert "Dinas Kependudukan" in options and "(puncak pohon)" in options
    assert not any("Pos Keliling Utara" in o or "UPT Pelayanan" in o for o in options)
    axe_check(page)
    page.screenshot(path="/tmp/setup-tree-move.png", full_page=True)
    select.select_option(label="Dinas Kependudukan")
    page.get_by_role("button", name="Pindahkan unit").click()
    page.wait_for_selector("text=UPT Pelayanan Keliling kini berada di bawah Dinas Kependudukan.")
    upt.refresh_from_db()
    post.refresh_from_db()
    assert upt.parent == other and upt.slug == "upt-pelayanan-keliling"
    assert post.path == f"/{other.pk}/{upt.pk}/{post.pk}/" and post.depth == 2
    axe_check(page)

    # a unit with responses says why it stays
    page.goto(f"{live_server.url}/staf/unit/{other.slug}/pengaturan/")
    refused = page.get_by_test_id("delete-refused").inner_text()
    assert refused.startswith("Dinas Kependudukan tidak dapat dihapus: unit ini masih memiliki")
    assert "unit di bawahnya" in refused and "responden" in refused

    # the unit added by mistake: its page, the confirmation, then the agency's tree
    page.goto(f"{live_server.url}/staf/unit/{mistake.slug}/pengaturan/")
    page.screenshot(path="/tmp/setup-tree-empty.png", full_page=True)
    page.get_by_role("link", name="Hapus Dinas Salah Ketik…").click()
    page.wait_for_selector("h1:has-text('Hapus Dinas Salah Ketik')")
    assert Unit.objects.filter(pk=mistake.pk).exists()
    axe_check(page)
    page.screenshot(path="/tmp/setup-tree-confirm.png", full_page=True)
    page.get_by_role("button", name="Hapus Dinas Salah Ketik").click()
    page.wait_for_selector("text=Unit Dinas Salah Ketik dihapus.")
    assert page.url.endswith(f"/staf/instansi/{agency.slug}/unit/")
    assert not Unit.objects.filter(name="Dinas Salah Ketik").exists()
    tree = page.get_by_test_id("unit-tree").inner_text()
    assert "Dinas Salah Ketik" not in tree
    assert tree.index("Dinas Kependudukan") < tree.index("UPT Pelayanan Keliling")
    page.screenshot(path="/tmp/setup-tree-deleted.png", full_page=True)
