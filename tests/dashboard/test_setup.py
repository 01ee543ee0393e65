"""Setting a unit up without the back office: units, services, periods, questionnaire."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from skm.method import required_sample
from skm.org.models import Membership, Service, Unit
from skm.org.services import service_create, unit_create
from skm.surveys.models import Period, Questionnaire
from skm.surveys.services import period_create, response_create
from tests.conftest import member

pytestmark = pytest.mark.django_db

Role = Membership.Role


def _period_data(**extra):
    data = {
        "name": "Semester II 2026",
        "kind": "semester",
        "start_date": "2026-07-01",
        "end_date": "2026-12-31",
        "population": "1200",
        "questionnaire": str(Questionnaire.objects.order_by("pk").first().pk),
        "open_now": "on",
        "save": "",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def questionnaire(db):
    from skm.surveys.services import default_questionnaire

    return default_questionnaire()


# -- access --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.HEAD])
def test_operators_and_heads_cannot_open_the_setup_pages(client, unit, period, service, role):
    client.force_login(member(unit, "orang", role))
    for url in (
        reverse("dashboard:unit_setup", args=[unit.slug]),
        reverse("dashboard:service_edit", args=[unit.slug, service.slug]),
        reverse("dashboard:periods", args=[unit.slug]),
        reverse("dashboard:period_sample", args=[unit.slug]) + "?populasi=100",
        reverse("dashboard:period_setup", args=[unit.slug, period.slug]),
    ):
        assert client.get(url).status_code == 404, url


def test_an_admin_of_another_unit_gets_404_and_changes_nothing(client, unit, period, stranger):
    client.force_login(stranger)
    response = client.post(
        reverse("dashboard:unit_setup", args=[unit.slug]),
        {"action": "add_unit", "unit-name": "UPT Curang"},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("dashboard:period_status", args=[unit.slug, period.slug]), {"status": "closed"}
    )
    assert response.status_code == 404
    assert not Unit.objects.filter(name="UPT Curang").exists()
    period.refresh_from_db()
    assert period.status == Period.Status.OPEN


def test_a_unit_admin_manages_the_units_below_but_not_the_one_above(client, agency, unit, child):
    client.force_login(member(child, "admin-upt", Role.UNIT_ADMIN))
    assert client.get(reverse("dashboard:unit_setup", args=[child.slug])).status_code == 200
    assert client.get(reverse("dashboard:unit_setup", args=[unit.slug])).status_code == 404
    assert client.get(reverse("dashboard:periods", args=[unit.slug])).status_code == 404


def test_an_agency_admin_manages_every_unit_of_the_agency_only(client, agency, unit):
    from skm.org.services import agency_create

    admin = member(unit, "admin-instansi", Role.AGENCY_ADMIN)
    Membership.objects.filter(user=admin).update(unit=None)
    other_agency = agency_create(name="Kabupaten Lain")
    foreign = unit_create(agency=other_agency, name="Dinas Asing")
    client.force_login(admin)
    assert client.get(reverse("dashboard:unit_setup", args=[unit.slug])).status_code == 200
    assert client.get(reverse("dashboard:unit_setup", args=[foreign.slug])).status_code == 404


# -- units and services -----------------------------------------------------------------


def test_unit_page_links_to_the_setup_pages_for_admins_only(client, unit, manager, operator):
    client.force_login(manager)
    page = client.get(reverse("dashboard:unit", args=[unit.slug])).content.decode()
    assert reverse("dashboard:unit_setup", args=[unit.slug]) in page
    assert reverse("dashboard:periods", args=[unit.slug]) in page
    client.force_login(operator)
    page = client.get(reverse("dashboard:unit", args=[unit.slug])).content.decode()
    assert reverse("dashboard:unit_setup", args=[unit.slug]) not in page


def test_sub_unit_gets_a_unique_slug_from_its_name(manager_client, agency, unit):
    unit_create(agency=agency, name="UPT Puskesmas Utara")  # the plain slug is taken
    url = reverse("dashboard:unit_setup", args=[unit.slug])
    response = manager_client.post(url, {"action": "add_unit", "unit-name": "UPT Puskesmas Utara"})
    assert response.status_code == 302
    created = Unit.objects.get(parent=unit, name="UPT Puskesmas Utara")
    assert created.slug != "upt-puskesmas-utara"
    assert created.slug.startswith("upt-puskesmas-utara")
    assert created.path == f"{unit.path}{created.pk}/"
    page = manager_client.get(url).content.decode()
    assert "UPT Puskesmas Utara" in page and f"/s/{created.slug}/" in page


def test_a_sibling_with_the_same_name_is_refused_at_the_field(manager_client, agency, unit, child):
    url = reverse("dashboard:unit_setup", args=[unit.slug])
    with translation.override("id"):
        response = manager_client.post(
            url, {"action": "add_unit", "unit-name": child.name.upper()}, HTTP_ACCEPT_LANGUAGE="id"
        )
    assert response.status_code == 400
    assert "Sudah ada unit di bawah unit ini dengan nama ini." in response.content.decode()
    assert Unit.objects.filter(parent=unit).count() == 1


def test_empty_name_is_refused(manager_client, unit):
    response = manager_client.post(
        reverse("dashboard:unit_setup", args=[unit.slug]),
        {"action": "add_service", "service-name": "  "},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not Service.objects.filter(unit=unit).exists()


def test_rename_keeps_the_slug(manager_client, unit):
    slug = unit.slug
    response = manager_client.post(
        reverse("dashboard:unit_setup", args=[unit.slug]),
        {"action": "rename", "rename-name": "Dinas Kependudukan"},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "Dinas Kependudukan" and unit.slug == slug


def test_services_are_added_renamed_and_deactivated_never_deleted(manager_client, unit, period):
    url = reverse("dashboard:unit_setup", args=[unit.slug])
    assert (
        manager_client.post(url, {"action": "add_service", "service-name": "Akta Kelahiran"})
    ).status_code == 302
    service = Service.objects.get(unit=unit, name="Akta Kelahiran")
    assert service.slug == "akta-kelahiran" and service.is_active
    response_create(
        period=period,
        unit=unit,
        channel="paper",
        answers={f"U{i}": 3 for i in range(1, 10)},
        service=service,
    )
    duplicate = manager_client.post(
        url, {"action": "add_service", "service-name": "akta kelahiran"}
    )
    assert duplicate.status_code == 400
    edit = reverse("dashboard:service_edit", args=[unit.slug, service.slug])
    page = manager_client.get(edit).content.decode()
    assert "Jawaban yang menyebut layanan ini: 1." in page
    assert manager_client.post(edit, {"name": "Akta Lahir"}).status_code == 302
    service.refresh_from_db()
    assert service.name == "Akta Lahir" and not service.is_active
    assert service.responses.count() == 1


def test_a_service_of_another_unit_is_404(manager_client, unit, other_unit):
    foreign = service_create(unit=other_unit, name="Rahasia")
    url = reverse("dashboard:service_edit", args=[unit.slug, foreign.slug])
    assert manager_client.get(url).status_code == 404


# -- periods ---------------------------------------------------------------------------


def test_open_a_period_with_its_population_and_sample(manager_client, unit, questionnaire):
    url = reverse("dashboard:periods", args=[unit.slug])
    page = manager_client.get(url)
    assert page.status_code == 200
    response = manager_client.post(url, _period_data())
    assert response.status_code == 302
    period = Period.objects.get(unit=unit)
    assert period.slug == "semester-ii-2026"
    assert period.status == Period.Status.OPEN
    assert period.population == 1200
    detail = manager_client.get(response["Location"]).content.decode()
    assert f"{required_sample(1200)} responden" in detail
    # the same name again: another slug, and dates that do not overlap
    again = manager_client.post(
        url,
        _period_data(start_date="2027-01-01", end_date="2027-06-30", open_now=""),
    )
    assert again.status_code == 302
    second = Period.objects.get(unit=unit, start_date=dt.date(2027, 1, 1))
    assert second.slug == "semester-ii-2026-2" and second.status == Period.Status.DRAFT


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"end_date": "2026-06-30"}, "end_date", "Tanggal selesai harus setelah tanggal mulai."),
        ({"end_date": "2026-07-01"}, "end_date", "Tanggal selesai harus setelah tanggal mulai."),
        ({"population": "0"}, "population", "Populasi harus bilangan bulat paling sedikit 1."),
        ({"population": "-5"}, "population", "Populasi harus bilangan bulat paling sedikit 1."),
        ({"population": "banyak"}, "population", "Populasi harus bilangan bulat, mis. 1200."),
        ({"population": ""}, "population", "Bidang ini tidak boleh kosong."),
        ({"end_date": "9999-12-31"}, "end_date", "Isi tanggal antara tahun 2000 dan 2099."),
        ({"start_date": "1999-12-31"}, "start_date", "Isi tanggal antara tahun 2000 dan 2099."),
        ({"start_date": "31-02-2026"}, "start_date", "Masukkan tanggal yang valid."),
    ],
)
def test_period_form_messages_at_the_field(
    manager_client, unit, questionnaire, extra, field, message
):
    response = manager_client.post(
        reverse("dashboard:periods", args=[unit.slug]),
        _period_data(**extra),
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    page = response.content.decode()
    assert f'id="id_{field}_error">{message}' in page
    assert not Period.objects.filter(unit=unit).exists()


def test_overlapping_periods_are_refused(manager_client, unit, questionnaire):
    period_create(
        unit=unit,
        name="Semester II 2026 lama",
        kind="semester",
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 8, 31),
        population=50,
    )
    response = manager_client.post(
        reverse("dashboard:periods", args=[unit.slug]), _period_data(), HTTP_ACCEPT_LANGUAGE="id"
    )
    assert response.status_code == 400
    assert "bertumpang tindih dengan periode Semester II 2026 lama" in response.content.decode()
    assert Period.objects.filter(unit=unit).count() == 1


def test_preview_shows_the_sample_without_saving(manager_client, unit, questionnaire):
    response = manager_client.post(
        reverse("dashboard:periods", args=[unit.slug]),
        _period_data(save=None, preview=""),
        HTTP_ACCEPT_LANGUAGE="id",
    )
    page = response.content.decode()
    assert f"Sampel minimal: {required_sample(1200)} responden untuk populasi 1.200" in page
    assert not Period.objects.filter(unit=unit).exists()


def test_sample_endpoint_uses_krejcie_morgan(manager_client, unit):
    url = reverse("dashboard:period_sample", args=[unit.slug])
    for population, expected in ((100, 80), (1000, 278), (1_000_000, 384)):
        data = manager_client.get(url, {"populasi": population}).json()
        assert data["required"] == expected == required_sample(population)
    assert manager_client.get(url, {"populasi": "abc"}).json()["required"] is None
    assert manager_client.get(url, {"populasi": "0"}).json()["required"] is None


def test_retention_date_is_shown(manager_client, unit, period, settings):
    settings.RETENTION_YEARS = 5
    page = manager_client.get(reverse("dashboard:periods", args=[unit.slug])).content.decode()
    assert "30 Jun 2030" in page or "30 Jun. 2030" in page


def test_close_and_reopen(manager_client, unit, period):
    url = reverse("dashboard:period_status", args=[unit.slug, period.slug])
    assert manager_client.post(url, {"status": "closed"}).status_code == 302
    period.refresh_from_db()
    assert period.status == Period.Status.CLOSED
    assert manager_client.post(url, {"status": "open"}).status_code == 302
    period.refresh_from_db()
    assert period.status == Period.Status.OPEN
    manager_client.post(url, {"status": "nonsense"})
    period.refresh_from_db()
    assert period.status == Period.Status.OPEN


def test_a_period_whose_responses_were_removed_stays_closed(manager_client, unit, period):
    from django.utils import timezone

    Period.objects.filter(pk=period.pk).update(status="closed", raw_removed_at=timezone.now())
    url = reverse("dashboard:period_status", args=[unit.slug, period.slug])
    manager_client.post(url, {"status": "open"})
    period.refresh_from_db()
    assert period.status == Period.Status.CLOSED


def test_a_child_admin_cannot_touch_the_parents_period(client, unit, child, period):
    client.force_login(member(child, "admin-upt", Role.UNIT_ADMIN))
    url = reverse("dashboard:period_setup", args=[child.slug, period.slug])
    assert client.get(url).status_code == 404


# -- questionnaire ------------------------------------------------------------------------


def test_questionnaire_is_shown_chosen_and_reworded(manager_client, agency, unit, period):
    url = reverse("dashboard:period_setup", args=[unit.slug, period.slug])
    page = manager_client.get(url).content.decode()
    assert str(period.questionnaire) in page
    assert "kesesuaian persyaratan pelayanan" in page
    from skm.surveys.services import questionnaire_create

    other = questionnaire_create(name="Kuesioner Instansi", agency=agency)
    response = manager_client.post(url, {"action": "questionnaire", "questionnaire": other.pk})
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.questionnaire == other
    questions = {f"q-U{i}": f"Pertanyaan {i} yang disesuaikan?" for i in range(1, 10)}
    response = manager_client.post(url, {"action": "reword", **questions})
    assert response.status_code == 302
    period.refresh_from_db()
    elements = list(period.questionnaire.elements.order_by("position"))
    assert period.questionnaire.agency == agency
    assert [e.code for e in elements] == [f"U{i}" for i in range(1, 10)]
    assert elements[0].question == "Pertanyaan 1 yang disesuaikan?"
    assert elements[0].label_4 == other.elements.get(code="U1").label_4
    # the questionnaire it replaced keeps its wording
    assert "kesesuaian" in other.elements.get(code="U1").question


def test_an_empty_question_is_refused_at_the_field(manager_client, unit, period):
    url = reverse("dashboard:period_setup", args=[unit.slug, period.slug])
    before = period.questionnaire_id
    response = manager_client.post(
        url, {"action": "reword", "q-U3": "   "}, HTTP_ACCEPT_LANGUAGE="id"
    )
    assert response.status_code == 400
    assert 'id="q-U3-error">Pertanyaan tidak boleh kosong.' in response.content.decode()
    period.refresh_from_db()
    assert period.questionnaire_id == before


def test_a_period_with_responses_keeps_its_questionnaire(manager_client, agency, unit, period):
    response_create(
        period=period, unit=unit, channel="paper", answers={f"U{i}": 3 for i in range(1, 10)}
    )
    from skm.surveys.services import questionnaire_create

    other = questionnaire_create(name="Kuesioner Instansi", agency=agency)
    url = reverse("dashboard:period_setup", args=[unit.slug, period.slug])
    page = manager_client.get(url).content.decode()
    assert "<textarea" not in page
    manager_client.post(url, {"action": "questionnaire", "questionnaire": other.pk})
    manager_client.post(url, {"action": "reword", "q-U1": "Baru?"})
    period.refresh_from_db()
    assert period.questionnaire != other
    assert period.questionnaire.elements.get(code="U1").question != "Baru?"


def test_another_agencys_questionnaire_cannot_be_chosen(manager_client, unit, period):
    from skm.org.services import agency_create
    from skm.surveys.services import questionnaire_create

    foreign = questionnaire_create(name="Asing", agency=agency_create(name="Kab Lain"))
    url = reverse("dashboard:period_setup", args=[unit.slug, period.slug])
    response = manager_client.post(url, {"action": "questionnaire", "questionnaire": foreign.pk})
    assert response.status_code == 400
    period.refresh_from_db()
    assert period.questionnaire != foreign


# -- back office names -------------------------------------------------------------------------


@override_settings(LANGUAGE_CODE="id")
def test_two_factor_apps_have_indonesian_names():
    with translation.override("id"):
        assert str(apps.get_app_config("otp_static").verbose_name) == "Kode cadangan (dua faktor)"
        assert (
            str(apps.get_app_config("otp_totp").verbose_name)
            == "Aplikasi autentikator (dua faktor)"
        )
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        assert str(StaticDevice._meta.verbose_name_plural) == "set kode cadangan"
        assert str(TOTPDevice._meta.verbose_name_plural) == "aplikasi autentikator (TOTP)"
        tasks = apps.get_app_config("django_tasks_database")
        assert str(tasks.verbose_name) == "Tugas latar belakang"
        assert str(tasks.get_model("DBTaskResult")._meta.verbose_name_plural) == "Hasil tugas"


# -- editing a period, deleting a service --------------------------------------------------


def _edit(period, **extra):
    data = {
        "action": "edit",
        "edit-name": period.name,
        "edit-kind": period.kind,
        "edit-start_date": f"{period.start_date:%Y-%m-%d}",
        "edit-end_date": f"{period.end_date:%Y-%m-%d}",
        "edit-population": str(period.population),
    }
    data.update({f"edit-{k}": v for k, v in extra.items()})
    return data


def test_period_population_and_name_change_slug_stays(manager_client, unit, period):
    url = reverse("dashboard:period_setup", args=[unit.slug, period.slug])
    response = manager_client.post(url, _edit(period, population="5000", name="Semester I/2025"))
    assert response.status_code == 302
    slug = period.slug
    period.refresh_from_db()
    assert (period.population, period.name, period.slug) == (5000, "Semester I/2025", slug)
    page = manager_client.get(url).content.decode()
    assert f"{required_sample(5000)} responden" in page


def test_period_edit_keeps_its_responses_inside_the_dates(manager_client, unit, period):
    from django.utils import timezone

    response_create(
        period=period,
        unit=unit,
        channel="paper",
        answers={f"U{i}": 3 for i in range(1, 10)},
        submitted_at=timezone.make_aware(dt.datetime(2025, 3, 10, 10, 0)),
    )
    url = reverse("dashboard:period_setup", args=[unit.slug, period.slug])
    response = manager_client.post(
        url, _edit(period, start_date="2025-04-01"), HTTP_ACCEPT_LANGUAGE="id"
    )
    assert response.status_code == 400
    assert "mencakup jawaban yang sudah masuk, dari 10-03-2025" in response.content.decode()
    # extending the end date is fine
    assert manager_client.post(url, _edit(period, end_date="2025-07-31")).status_code == 302
    period.refresh_from_db()
    assert period.end_date == dt.date(2025, 7, 31) and period.start_date == dt.date(2025, 1, 1)


def test_period_edit_refuses_an_overlap_and_a_bad_population(manager_client, unit, period):
    period_create(
        unit=unit,
        name="Semester II 2025",
        kind="semester",
        start_date=dt.date(2025, 7, 1),
        end_date=dt.date(2025, 12, 31),
        population=10,
    )
    url = reverse("dashboard:period_setup", args=[unit.slug, period.slug])
    response = manager_client.post(url, _edit(period, end_date="2025-08-31"))
    assert response.status_code == 400
    assert 'id="id_edit-start_date_error"' in response.content.decode()
    response = manager_client.post(url, _edit(period, population="0"))
    assert 'id="id_edit-population_error"' in response.content.decode()
    period.refresh_from_db()
    assert (period.end_date, period.population) == (dt.date(2025, 6, 30), 1000)


def test_a_service_without_responses_can_be_deleted_one_with_responses_not(
    manager_client, unit, period
):
    typo = service_create(unit=unit, name="KTP-el salah ketik")
    used = service_create(unit=unit, name="KTP-el")
    response_create(
        period=period,
        unit=unit,
        channel="paper",
        answers={f"U{i}": 3 for i in range(1, 10)},
        service=used,
    )
    page = manager_client.get(reverse("dashboard:service_edit", args=[unit.slug, used.slug]))
    assert "service_remove" not in page.content.decode()
    assert "/hapus/" not in page.content.decode()
    remove = reverse("dashboard:service_remove", args=[unit.slug, used.slug])
    assert manager_client.post(remove).status_code == 302
    assert Service.objects.filter(pk=used.pk).exists()
    remove = reverse("dashboard:service_remove", args=[unit.slug, typo.slug])
    assert manager_client.post(remove).status_code == 302
    assert not Service.objects.filter(pk=typo.pk).exists()


# -- the agency's tree ----------------------------------------------------------------------


def test_an_agency_admin_adds_a_unit_at_the_top(client, agency, unit):
    admin = member(unit, "admin-instansi", Role.AGENCY_ADMIN)
    Membership.objects.filter(user=admin).update(unit=None)
    client.force_login(admin)
    home = client.get(reverse("dashboard:home")).content.decode()
    url = reverse("dashboard:agency_units", args=[agency.slug])
    assert url in home
    assert unit.name in client.get(url).content.decode()
    assert client.post(url, {"unit-name": "Dinas Perhubungan"}).status_code == 302
    created = Unit.objects.get(name="Dinas Perhubungan")
    assert created.parent is None and created.agency == agency and created.depth == 0
    again = client.post(url, {"unit-name": "dinas perhubungan"}, HTTP_ACCEPT_LANGUAGE="id")
    assert again.status_code == 400
    assert "Unit lain pada tingkat ini sudah memakai nama ini." in again.content.decode()


def test_a_unit_admin_gets_no_agency_tree(client, agency, manager):
    client.force_login(manager)
    url = reverse("dashboard:agency_units", args=[agency.slug])
    assert url not in client.get(reverse("dashboard:home")).content.decode()
    assert client.get(url).status_code == 404
    assert client.post(url, {"unit-name": "Liar"}).status_code == 404
    assert not Unit.objects.filter(name="Liar").exists()


def test_a_sub_units_periods_page_shows_the_period_above(client, unit, child, period):
    client.force_login(member(child, "admin-upt", Role.UNIT_ADMIN))
    response = client.get(reverse("dashboard:periods", args=[child.slug]))
    page = response.content.decode()
    assert "Periode unit di atas juga mencakup unit ini" in page
    assert period.name in page
    assert reverse("dashboard:period_setup", args=[unit.slug, period.slug]) not in page


# -- correcting the tree: moving and deleting units ------------------------------------------


def _agency_admin(client, unit):
    admin = member(unit, "admin-instansi", Role.AGENCY_ADMIN)
    Membership.objects.filter(user=admin).update(unit=None)
    client.force_login(admin)
    return admin


def test_an_agency_admin_moves_a_sub_unit_to_another_parent(client, agency, unit, child):
    _agency_admin(client, unit)
    other = unit_create(agency=agency, name="Dinas Lain")
    below = unit_create(agency=agency, name="Bidang Lain", parent=other)
    url = reverse("dashboard:unit_setup", args=[child.slug])
    page = client.get(url).content.decode()
    # every place the unit could go, indented by depth; never itself or its own units
    assert '<option value="puncak">(puncak pohon)</option>' in page
    assert f'<option value="{below.pk}">\xa0\xa0\xa0Bidang Lain</option>' in page
    assert f'<option value="{child.pk}"' not in page
    assert f'<option value="{unit.pk}"' not in page  # where it is now
    response = client.post(url, {"action": "move", "move-parent": str(below.pk)}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "UPT Contoh kini berada di bawah Bidang Lain." in response.content.decode()
    child.refresh_from_db()
    assert (child.parent, child.path, child.depth) == (below, f"{below.path}{child.pk}/", 2)
    response = client.post(url, {"action": "move", "move-parent": "puncak"}, follow=True)
    assert "UPT Contoh kini berada di puncak pohon." in response.content.decode()
    child.refresh_from_db()
    assert (child.parent, child.path) == (None, f"/{child.pk}/")


def test_a_refused_move_says_why_at_the_field(client, agency, unit, child, period):
    _agency_admin(client, unit)
    other = unit_create(agency=agency, name="Dinas Lain")
    response_create(
        period=period, unit=child, channel="paper", answers={f"U{i}": 3 for i in range(1, 10)}
    )
    url = reverse("dashboard:unit_setup", args=[child.slug])
    response = client.post(url, {"action": "move", "move-parent": str(other.pk)})
    assert response.status_code == 400
    assert (
        "memiliki responden pada periode Semester I 2025 milik Dinas Contoh, yang tidak akan "
        "lagi mencakupnya." in response.content.decode()
    )
    grandchild = unit_create(agency=agency, name="Pos Pelayanan", parent=child)
    response = client.post(
        reverse("dashboard:unit_setup", args=[unit.slug]),
        {"action": "move", "move-parent": str(grandchild.pk)},  # not offered: its own unit
    )
    assert response.status_code == 400
    assert "Masukkan pilihan yang valid." in response.content.decode()
    child.refresh_from_db()
    assert child.parent == unit


def test_a_unit_admin_moves_and_deletes_below_their_unit_never_their_unit(
    client, agency, unit, child, other_unit
):
    client.force_login(member(unit, "admin-dinas", Role.UNIT_ADMIN))
    own = reverse("dashboard:unit_setup", args=[unit.slug])
    page = client.get(own).content.decode()
    assert "Hanya administrator seluruh instansi yang dapat memindahkan" in page
    assert 'name="move-parent"' not in page
    assert reverse("dashboard:unit_remove", args=[unit.slug]) not in page
    client.post(own, {"action": "move", "move-parent": str(other_unit.pk)})
    response = client.post(reverse("dashboard:unit_remove", args=[unit.slug]), follow=True)
    assert "Hanya administrator seluruh instansi" in response.content.decode()
    unit.refresh_from_db()
    assert unit.parent is None

    # the sub-unit: moved below another of their units, never to the top or elsewhere
    sibling = unit_create(agency=agency, name="UPT Selatan", parent=unit)
    url = reverse("dashboard:unit_setup", args=[child.slug])
    page = client.get(url).content.decode()
    assert 'value="puncak"' not in page
    assert f'<option value="{other_unit.pk}"' not in page
    for place in ("puncak", str(other_unit.pk)):
        response = client.post(url, {"action": "move", "move-parent": place})
        assert response.status_code == 400
    child.refresh_from_db()
    assert child.parent == unit
    assert client.post(url, {"action": "move", "move-parent": str(sibling.pk)}).status_code == 302
    child.refresh_from_db()
    assert child.parent == sibling

    # the administrator of the sub-unit cannot move or delete it
    client.force_login(member(child, "admin-upt", Role.UNIT_ADMIN))
    page = client.get(url).content.decode()
    assert "Hanya administrator UPT Selatan (unit di atasnya)" in page
    client.post(reverse("dashboard:unit_remove", args=[child.slug]))
    assert Unit.objects.filter(pk=child.pk).exists()


def test_deleting_an_empty_sub_unit_asks_first_then_goes_to_the_unit_above(
    manager_client, unit, child
):
    service_create(unit=child, name="Layanan salah ketik")
    setup_page = manager_client.get(reverse("dashboard:unit_setup", args=[child.slug]))
    remove = reverse("dashboard:unit_remove", args=[child.slug])
    assert remove in setup_page.content.decode()
    confirm = manager_client.get(remove)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "ikut dihapus:</p>" not in text and "Layanan salah ketik" in text
    assert Unit.objects.filter(pk=child.pk).exists()  # asking deletes nothing
    child_pk = child.pk
    response = manager_client.post(remove, follow=True)
    assert response.redirect_chain == [(reverse("dashboard:unit_setup", args=[unit.slug]), 302)]
    assert "Unit UPT Contoh dihapus." in response.content.decode()
    assert not Unit.objects.filter(pk=child_pk).exists()
    assert not Service.objects.filter(unit_id=child_pk).exists()
    # the deletion stays in the trail of the administrator of the unit above
    trail = manager_client.get(reverse("dashboard:audit") + "?action=delete").content.decode()
    assert "UPT Contoh" in trail


def test_a_unit_with_records_shows_why_it_stays(manager_client, unit, child, period):
    response_create(
        period=period, unit=child, channel="paper", answers={f"U{i}": 3 for i in range(1, 10)}
    )
    member(child, "operator-upt", Role.OPERATOR)
    reason = (
        "UPT Contoh tidak dapat dihapus: unit ini masih memiliki keanggotaan, responden, "
        "rekapitulasi jawaban. Hanya unit yang ditambahkan karena keliru"
    )
    remove = reverse("dashboard:unit_remove", args=[child.slug])
    page = manager_client.get(reverse("dashboard:unit_setup", args=[child.slug])).content.decode()
    assert reason in page and remove not in page
    confirm = manager_client.get(remove).content.decode()
    assert reason in confirm and "<form" not in confirm.split("<main", 1)[-1]
    response = manager_client.post(remove, follow=True)
    assert reason in response.content.decode()
    assert Unit.objects.filter(pk=child.pk).exists()


def test_an_agency_admin_deletes_a_unit_at_the_top(client, agency, unit):
    _agency_admin(client, unit)
    mistake = unit_create(agency=agency, name="Dinas Salah Ketik")
    response = client.post(reverse("dashboard:unit_remove", args=[mistake.slug]))
    assert response["Location"] == reverse("dashboard:agency_units", args=[agency.slug])
    assert not Unit.objects.filter(name="Dinas Salah Ketik").exists()
