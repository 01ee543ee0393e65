"""The plan pages: who may do what, forms, uploads, downloads."""

import datetime as dt
import errno
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from skm.audit.models import AuditEvent
from skm.org.models import Membership
from skm.plans.models import CatalogueActivity, Evidence, ItemChange, Plan, PlanItem
from skm.plans.services import evidence_add, item_create, plan_create
from tests.conftest import member

from .conftest import item_data
from .test_evidence import PDF, jpeg_with_gps


@pytest.fixture
def plan(surveyed, unit, manager):
    return plan_create(period=surveyed, unit=unit, user=manager)


@pytest.fixture
def item(plan, manager):
    return item_create(plan.priorities.get(element_code="U3"), data=item_data(), user=manager)


@pytest.fixture
def photo(item, manager):
    return evidence_add(
        item, upload=SimpleUploadedFile("foto.jpg", jpeg_with_gps()), caption="", user=manager
    )


def _urls(unit, plan, item, photo):
    """(method, url) of every plan page of the unit."""
    p = f"/staf/unit/{unit.slug}/rtl/{plan.pk}/"
    priority = plan.priorities.first().pk
    strategy = 0
    return [
        ("get", f"/staf/unit/{unit.slug}/rtl/"),
        ("post", f"/staf/unit/{unit.slug}/rtl/buat/"),
        ("post", p + "prioritas/"),
        ("post", p + f"prioritas/{priority}/hapus/"),
        ("post", p + f"prioritas/{priority}/geser/"),
        ("post", p + f"prioritas/{priority}/butir/"),
        ("get", p + f"butir/{item.pk}/"),
        ("post", p + f"butir/{item.pk}/"),
        ("post", p + f"butir/{item.pk}/geser/"),
        ("post", p + f"butir/{item.pk}/hapus/"),
        ("post", p + f"butir/{item.pk}/realisasi/"),
        ("post", p + f"butir/{item.pk}/dokumentasi/"),
        ("get", p + f"dokumentasi/{photo.pk}/"),
        ("get", p + f"dokumentasi/{photo.pk}/kecil/"),
        ("post", p + f"dokumentasi/{photo.pk}/hapus/"),
        ("post", p + f"dokumentasi/{photo.pk}/publik/"),
        ("post", p + "final/"),
        ("post", p + "buka/"),
        ("post", p + "tanggal-laporan/"),
        ("post", p + "strategi/"),
        ("post", p + f"strategi/{strategy}/hapus/"),
    ]


def test_every_plan_url_sends_an_anonymous_visitor_to_the_login(client, unit, plan, item, photo):
    for method, url in _urls(unit, plan, item, photo):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/staf/masuk/"), url


def test_another_units_administrator_gets_404_everywhere(client, stranger, unit, plan, item, photo):
    client.force_login(stranger)
    for method, url in _urls(unit, plan, item, photo):
        assert getattr(client, method)(url).status_code == 404, url
    assert Evidence.objects.filter(pk=photo.pk).exists()
    assert Plan.objects.get(pk=plan.pk).status == "draft"


def test_a_plan_is_only_found_under_its_own_unit(client, unit, other_unit, plan, item, photo):
    """An administrator of both units cannot reach unit A's plan through unit B's address."""
    user = member(other_unit, "admin-b", Membership.Role.UNIT_ADMIN)
    client.force_login(user)
    for method, url in _urls(unit, plan, item, photo):
        if "/rtl/" + str(plan.pk) in url or url.endswith("/rtl/"):
            moved = url.replace(f"/unit/{unit.slug}/", f"/unit/{other_unit.slug}/")
            if moved.endswith("/rtl/") or moved.endswith("/buat/"):
                continue
            assert getattr(client, method)(moved).status_code == 404, moved


def test_the_head_reads_but_changes_nothing(client, head, unit, plan, item, photo):
    client.force_login(head)
    for method, url in _urls(unit, plan, item, photo):
        status = getattr(client, method)(url).status_code
        assert status == (200 if method == "get" else 404), url
    page = client.get(f"/staf/unit/{unit.slug}/rtl/{plan.pk}/butir/{item.pk}/")
    assert b"Simpan realisasi" not in page.content


def test_an_operator_records_realisation_and_evidence_but_does_not_plan(
    client, operator, unit, plan, item
):
    client.force_login(operator)
    base = f"/staf/unit/{unit.slug}/rtl/{plan.pk}/"
    response = client.post(
        base + f"butir/{item.pk}/realisasi/",
        {"status": "sudah", "done_on": "2025-08-15", "description": "Pembinaan dilakukan"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("sudah", dt.date(2025, 8, 15))
    assert item.changes.filter(action="realisation", user=operator).exists()
    response = client.post(
        base + f"butir/{item.pk}/dokumentasi/",
        {"file": SimpleUploadedFile("undangan.pdf", PDF), "caption": "Undangan"},
    )
    assert response.status_code == 302 and item.evidence.count() == 1
    for url in (base + "final/", base + f"prioritas/{plan.priorities.first().pk}/butir/"):
        assert client.post(url, {}).status_code == 404


def test_a_manager_builds_a_plan_from_the_page(client, manager, unit, surveyed):
    client.force_login(manager)
    page = client.get(f"/staf/unit/{unit.slug}/rtl/?periode={surveyed.slug}")
    assert "Susun rencana tindak lanjut" in page.content.decode()
    # 10 respondents of the 278 required: the plan needs an explicit confirmation
    assert "10 responden dari 278 yang dibutuhkan" in page.content.decode()
    response = client.post(f"/staf/unit/{unit.slug}/rtl/buat/", {"period": surveyed.pk})
    assert response.status_code == 302 and not Plan.objects.filter(unit=unit).exists()
    response = client.post(
        f"/staf/unit/{unit.slug}/rtl/buat/", {"period": surveyed.pk, "konfirmasi_sampel": "1"}
    )
    plan = Plan.objects.get(unit=unit, period=surveyed)
    assert response.status_code == 302
    priority = plan.priorities.get(element_code="U7")
    # an item from the catalogue: the activity is left empty and a catalogue entry chosen
    response = client.post(
        f"/staf/unit/{unit.slug}/rtl/{plan.pk}/prioritas/{priority.pk}/butir/",
        {
            f"p{priority.pk}-catalogue": "d0",
            f"p{priority.pk}-activity": "",
            f"p{priority.pk}-quarters": ["3", "4"],
            f"p{priority.pk}-year": "2025",
            f"p{priority.pk}-horizon": "pendek",
            f"p{priority.pk}-owner_title": "Kepala Dinas",
        },
    )
    assert response.status_code == 302
    item = PlanItem.objects.get(priority=priority)
    assert item.activity.startswith("Memberikan pembinaan kepada petugas agar menerapkan 5S")
    page = client.get(f"/staf/unit/{unit.slug}/rtl/?periode={surveyed.slug}").content.decode()
    assert "2.1" in page and "0.00%" in page
    # a refused item says why, and nothing is stored
    response = client.post(
        f"/staf/unit/{unit.slug}/rtl/{plan.pk}/prioritas/{priority.pk}/butir/",
        {f"p{priority.pk}-year": "2025", f"p{priority.pk}-horizon": "pendek"},
        follow=True,
    )
    text = response.content.decode()
    assert "Uraikan program/kegiatan" in text and "Pilih sedikitnya satu triwulan" in text
    assert PlanItem.objects.filter(priority=priority).count() == 1


def test_a_refused_realisation_shows_the_fields_to_correct(client, manager, unit, plan, item):
    client.force_login(manager)
    response = client.post(
        f"/staf/unit/{unit.slug}/rtl/{plan.pk}/butir/{item.pk}/realisasi/",
        {"status": "sudah", "done_on": "", "description": ""},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Isi tanggal butir ini selesai." in text and "Uraikan tindak lanjut" in text
    item.refresh_from_db()
    assert item.status == "belum"


def test_a_refused_upload_says_why_and_stores_nothing(client, manager, unit, plan, item, data_dir):
    client.force_login(manager)
    response = client.post(
        f"/staf/unit/{unit.slug}/rtl/{plan.pk}/butir/{item.pk}/dokumentasi/",
        {"file": SimpleUploadedFile("foto.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")},
    )
    assert response.status_code == 400
    assert "Hanya foto (JPEG, PNG) dan dokumen PDF" in response.content.decode()
    assert not Evidence.objects.exists()


class _DiskFills:
    """A file that takes the first ``room`` bytes, then fails like a full disk does."""

    def __init__(self, path, room: int) -> None:
        self.file = open(path, "wb")  # noqa: SIM115
        self.room = room

    def write(self, data: bytes) -> int:
        self.file.write(data[: self.room])
        self.file.flush()
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return len(data)

    def __getattr__(self, name):
        return getattr(self.file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()


@pytest.mark.parametrize("name, content", [("foto.jpg", None), ("undangan.pdf", PDF * 40)])
def test_a_full_storage_says_so_and_leaves_nothing_behind(
    client, manager, unit, plan, item, data_dir, name, content
):
    """The page of the upload, with the disk full half-way through the file (tmpfs for
    real: tests/faults/test_evidence_storage_full.py)."""
    client.force_login(manager)
    before = AuditEvent.objects.count()
    written = []

    def fills(path, mode="r", *args, **kwargs):
        written.append(Path(path))
        return _DiskFills(path, room=100)

    with mock.patch("skm.plans.evidence.open", fills, create=True):
        response = client.post(
            f"/staf/unit/{unit.slug}/rtl/{plan.pk}/butir/{item.pk}/dokumentasi/",
            {"file": SimpleUploadedFile(name, content or jpeg_with_gps()), "caption": "Rapat"},
        )
    assert response.status_code == 400
    assert "penyimpanan penuh" in response.content.decode()
    assert written and written[0].name.endswith(".part")  # it did start writing
    assert list((data_dir / "evidence").iterdir()) == []  # and removed what it wrote
    assert not Evidence.objects.exists()
    assert not item.changes.filter(action=ItemChange.Action.EVIDENCE_ADDED).exists()
    assert AuditEvent.objects.count() == before
    # With room again, the same upload goes through.
    response = client.post(
        f"/staf/unit/{unit.slug}/rtl/{plan.pk}/butir/{item.pk}/dokumentasi/",
        {"file": SimpleUploadedFile(name, content or jpeg_with_gps()), "caption": "Rapat"},
    )
    assert response.status_code == 302 and item.evidence.count() == 1


def test_evidence_is_served_with_its_real_type_inline_and_nosniff(client, head, unit, plan, photo):
    client.force_login(head)
    response = client.get(f"/staf/unit/{unit.slug}/rtl/{plan.pk}/dokumentasi/{photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="foto.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xff\xd8") and b"KameraMerek" not in body
    thumb = client.get(f"/staf/unit/{unit.slug}/rtl/{plan.pk}/dokumentasi/{photo.pk}/kecil/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


def test_the_item_page_shows_the_history(client, manager, unit, plan, item, photo):
    client.force_login(manager)
    text = client.get(f"/staf/unit/{unit.slug}/rtl/{plan.pk}/butir/{item.pk}/").content.decode()
    assert "Riwayat" in text and "Dibuat" in text and "Dokumentasi ditambahkan" in text
    assert "foto.jpg" in text
    # recorded values in words: field labels, choice labels, quarters as TW
    assert "triwulan</span>: <ins>TW 3, TW 4</ins>" in text
    assert "jangka waktu</span>: <ins>Jangka pendek (kurang dari 12 bulan)</ins>" in text


def test_user_text_is_escaped(client, manager, unit, plan):
    client.force_login(manager)
    evil = '<script>alert("x")</script>'
    item_create(
        plan.priorities.first(), data=item_data(activity=evil, owner_title=evil), user=manager
    )
    text = client.get(f"/staf/unit/{unit.slug}/rtl/?periode={plan.period.slug}").content.decode()
    assert evil not in text and "&lt;script&gt;" in text


def test_final_and_reopen_from_the_page(client, manager, unit, plan, item):
    client.force_login(manager)
    client.post(f"/staf/unit/{unit.slug}/rtl/{plan.pk}/final/", {"note": "ok"})
    assert Plan.objects.get(pk=plan.pk).is_final
    response = client.post(f"/staf/unit/{unit.slug}/rtl/{plan.pk}/buka/", {"note": ""})
    assert Plan.objects.get(pk=plan.pk).is_final  # a reopening needs a reason
    assert response.status_code == 302
    client.post(f"/staf/unit/{unit.slug}/rtl/{plan.pk}/buka/", {"note": "Tambah kegiatan"})
    assert not Plan.objects.get(pk=plan.pk).is_final


def test_the_overview_lists_only_visible_units_and_sorts(
    client, manager, stranger, unit, other_unit, plan, item, surveyed
):
    from skm.surveys.models import Period
    from skm.surveys.services import period_create
    from tests.plans.conftest import store

    other_period = period_create(
        unit=other_unit,
        name="Semester I 2025",
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 6, 30),
    )
    store(other_period, other_unit)
    plan_create(period=other_period, unit=other_unit, user=None)
    client.force_login(manager)
    text = client.get(reverse("dashboard:plan_overview")).content.decode()
    assert unit.name in text and other_unit.name not in text
    client.force_login(stranger)
    text = client.get(reverse("dashboard:plan_overview") + "?urut=persen&turun=1").content.decode()
    assert other_unit.name in text and unit.name not in text


def test_the_catalogue_is_for_agency_administrators(client, agency, unit, manager, plan):
    client.force_login(manager)
    assert client.get(reverse("dashboard:plan_catalogue")).status_code == 404
    boss = member(unit, "bagian-organisasi", Membership.Role.AGENCY_ADMIN)
    Membership.objects.filter(user=boss).update(unit=None)
    client.force_login(boss)
    assert client.get(reverse("dashboard:plan_catalogue")).status_code == 200
    client.post(reverse("dashboard:plan_catalogue"), {"aksi": "salin"})
    assert CatalogueActivity.objects.filter(agency=agency).count() > 9
    CatalogueActivity.objects.filter(agency=agency, element_code="U3").delete()
    client.post(
        reverse("dashboard:plan_catalogue"),
        {"element": "U3", "text": "Membuka loket tambahan pada hari Senin."},
    )
    from skm.dashboard.plans import catalogue_for

    assert [t for _k, t in catalogue_for(unit, "U3")] == ["Membuka loket tambahan pada hari Senin."]
    assert ItemChange.objects.count() == 0


def test_the_owner_account_is_one_of_the_units_people(
    client, manager, operator, stranger, unit, plan
):
    client.force_login(manager)
    priority = plan.priorities.get(element_code="U9")
    url = f"/staf/unit/{unit.slug}/rtl/{plan.pk}/prioritas/{priority.pk}/butir/"
    data = {
        f"p{priority.pk}-activity": "Kursi tambahan",
        f"p{priority.pk}-quarters": ["2"],
        f"p{priority.pk}-year": "2025",
        f"p{priority.pk}-horizon": "pendek",
        f"p{priority.pk}-owner_title": "Sekretaris",
    }
    client.post(url, {**data, f"p{priority.pk}-owner_user": stranger.pk})
    assert not PlanItem.objects.filter(priority=priority).exists()
    client.post(url, {**data, f"p{priority.pk}-owner_user": operator.pk})
    assert PlanItem.objects.get(priority=priority).owner_user == operator


def test_both_report_dates_are_set_on_the_plan_page(client, manager, head, unit, plan):
    url = f"/staf/unit/{unit.slug}/rtl/{plan.pk}/tanggal-laporan/"
    client.force_login(manager)
    page = client.get(f"/staf/unit/{unit.slug}/rtl/?periode={plan.period.slug}").content.decode()
    assert 'name="followup_reported_on"' in page
    response = client.post(url, {"reported_on": "2025-07-10", "followup_reported_on": "2025-09-01"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.reported_on == dt.date(2025, 7, 10)
    assert plan.followup_reported_on == dt.date(2025, 9, 1)
    # a follow-up report before the result report is refused, nothing changes
    response = client.post(
        url, {"reported_on": "2025-07-10", "followup_reported_on": "2025-07-01"}, follow=True
    )
    assert "tidak boleh bertanggal sebelum Laporan Hasil SKM" in response.content.decode()
    plan.refresh_from_db()
    assert plan.followup_reported_on == dt.date(2025, 9, 1)
    # the head reads both dates and the evaluators' indicator 9 with the old measure beside
    client.force_login(head)
    page = client.get(f"/staf/unit/{unit.slug}/rtl/?periode={plan.period.slug}").content.decode()
    assert "1 September 2025" in page and "Sebagai informasi" in page
    assert client.post(url, {"reported_on": "", "followup_reported_on": ""}).status_code == 404


def test_a_date_done_with_another_status_is_refused_at_the_field_and_kept(
    client, manager, unit, plan, item
):
    client.force_login(manager)
    response = client.post(
        f"/staf/unit/{unit.slug}/rtl/{plan.pk}/butir/{item.pk}/realisasi/",
        {"status": "proses", "done_on": "2025-08-15", "description": "Sedang disiapkan"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Tanggal selesai hanya diisi bila statusnya Sudah" in text
    assert 'id="id_done_on_error"' in text
    assert 'value="2025-08-15"' in text and "Sedang disiapkan" in text
    assert "Realisasi disimpan" not in text
    item.refresh_from_db()
    assert (item.status, item.done_on, item.description) == ("belum", None, "")
    # without a date the same status is saved
    response = client.post(
        f"/staf/unit/{unit.slug}/rtl/{plan.pk}/butir/{item.pk}/realisasi/",
        {"status": "proses", "done_on": "", "description": "Sedang disiapkan"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("proses", None)


def test_the_item_page_asks_the_status_in_a_fieldset_and_shows_the_whole_activity(
    client, manager, unit, plan, item
):
    long = "Memperluas ruang tunggu dan menambah kursi " + "serta papan informasi " * 8 + "akhir"
    item.activity = long
    item.save(update_fields=["activity"])
    client.force_login(manager)
    text = client.get(f"/staf/unit/{unit.slug}/rtl/{plan.pk}/butir/{item.pk}/").content.decode()
    assert long + "</h1>" in text
    form = text.split('class="realisation-form"')[1].split("</form>")[0]
    assert "<legend>Sudah ditindaklanjuti?</legend>" in form
    assert '<label for="">' not in form and 'for="id_status"' not in form
    assert 'data-shown-for-status="sudah"' in form
    assert "dashboard/plans.js" in text


def test_a_refused_activity_reopens_its_form_with_the_errors_and_what_was_typed(
    client, manager, unit, plan
):
    client.force_login(manager)
    priority = plan.priorities.get(element_code="U7")
    other = plan.priorities.get(element_code="U3")
    response = client.post(
        f"/staf/unit/{unit.slug}/rtl/{plan.pk}/prioritas/{priority.pk}/butir/",
        {
            f"p{priority.pk}-activity": "Menambah petugas loket pada jam sibuk",
            f"p{priority.pk}-year": "2025",
            f"p{priority.pk}-horizon": "menengah",
            f"p{priority.pk}-owner_title": "Sekretaris",
            f"p{priority.pk}-budget_note": "DPA 2025",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    section = text.split(f'id="tambah-{priority.pk}"')[1].split("</details>")[0]
    assert section.startswith(" open>")
    assert 'class="error-summary" role="alert" tabindex="-1" autofocus' in section
    assert f'href="#id_p{priority.pk}-quarters_0">Pilih sedikitnya satu triwulan' in section
    assert f'id="id_p{priority.pk}-quarters_error"' in section
    assert "Menambah petugas loket pada jam sibuk</textarea>" in section
    assert 'value="Sekretaris"' in section and 'value="DPA 2025"' in section
    assert 'value="menengah" selected' in section
    # the other priorities' forms stay closed and empty
    assert f'id="tambah-{other.pk}" open' not in text
    assert not PlanItem.objects.filter(priority=priority).exists()
