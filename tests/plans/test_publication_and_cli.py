"""The plan outside its own page: publication, suggestions inbox, results page, `skm plan`,
and the demo's seed plan."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from skm.plans.services import (
    evidence_add,
    evidence_set_public,
    item_create,
    plan_create,
    plan_finalise,
    realisation_update,
)
from skm.surveys.models import Response
from skm.surveys.services import publication_publish

from .conftest import item_data
from .test_evidence import PDF, jpeg_with_gps


@pytest.fixture
def realised(surveyed, unit, manager):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    item = item_create(plan.priorities.get(element_code="U3"), data=item_data(), user=manager)
    realisation_update(
        item,
        status="sudah",
        done_on=dt.date(2025, 7, 10),
        description="ok",
        obstacles="",
        user=manager,
        today=dt.date(2025, 7, 10),
    )
    shown = evidence_add(
        item, upload=SimpleUploadedFile("a.jpg", jpeg_with_gps()), caption="Foto", user=manager
    )
    hidden = evidence_add(
        item, upload=SimpleUploadedFile("b.pdf", PDF), caption="Internal", user=manager
    )
    evidence_set_public(shown, public=True, user=manager)
    return plan, item, shown, hidden


def test_the_publication_page_shows_a_final_plan_and_only_public_evidence(client, realised, unit):
    plan, item, shown, hidden = realised
    base = f"/p/{unit.slug}/{plan.period.slug}/"
    assert client.get(base + f"dokumentasi/{shown.pk}/").status_code == 404  # not published
    publication_publish(period=plan.period, unit=unit)
    page = client.get(base).content.decode()
    assert "Tindak lanjut hasil survei ini" not in page  # the plan is still a draft
    assert client.get(base + f"dokumentasi/{shown.pk}/").status_code == 404
    plan_finalise(plan, user=None)
    page = client.get(base).content.decode()
    assert "Tindak lanjut hasil survei ini" in page and item.activity in page
    assert f"dokumentasi/{shown.pk}/kecil/" in page and f"dokumentasi/{hidden.pk}/" not in page
    response = client.get(base + f"dokumentasi/{shown.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(base + f"dokumentasi/{shown.pk}/kecil/").status_code == 200
    assert client.get(base + f"dokumentasi/{hidden.pk}/").status_code == 404


def test_the_inbox_links_a_suggestion_to_the_item_that_answers_it(client, manager, surveyed, unit):
    from tests.plans.conftest import store

    store(surveyed, unit, 1, suggestion="Antrean terlalu lama, petugas datang terlambat")
    answered = Response.objects.exclude(suggestion="").get()
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    item = item_create(
        plan.priorities.get(element_code="U3"),
        data=item_data(),
        user=manager,
        suggestions=[answered],
    )
    client.force_login(manager)
    page = client.get(f"/staf/unit/{unit.slug}/saran/?periode={surveyed.slug}").content.decode()
    assert "Dijawab rencana tindak lanjut" in page
    assert f"/rtl/{plan.pk}/butir/{item.pk}/" in page


def test_the_next_periods_results_page_shows_the_effect_of_done_items(
    client, manager, realised, next_period, unit
):
    client.force_login(manager)
    # 10 respondents of the 278 required (population 1000): no effect table (docs/cycle.md)
    page = client.get(f"/staf/unit/{unit.slug}/hasil/?periode={next_period.slug}")
    text = page.content.decode()
    assert "Sampel belum cukup" in text
    assert "Apakah tindak lanjut Semester I 2025 menaikkan nilai?" not in text
    # the 10 are every service user of a population of 10: the effect is shown
    next_period.population = 10
    next_period.save()
    page = client.get(f"/staf/unit/{unit.slug}/hasil/?periode={next_period.slug}")
    text = page.content.decode()
    assert "Apakah tindak lanjut Semester I 2025 menaikkan nilai?" in text
    assert "+25,00" in text  # U3: 50,00 -> 75,00 (a new unit's comma)


def test_skm_plan_prints_the_plan_and_its_json(realised, unit, capsys):
    plan = realised[0]
    call_command("plan", "--unit", unit.slug, "--period", plan.period.slug)
    text = capsys.readouterr().out
    assert "1.1" in text and "1/1 = 100.00%" in text and "PEKPPP 8: 5" in text
    call_command("plan", "--unit", unit.slug, "--period", plan.period.slug, "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["realised_percent"] == "100.00" and data["pekppp"]["indicator_8"] == 5


def test_skm_plan_without_a_plan_says_so(surveyed, unit, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("plan", "--unit", unit.slug, "--period", surveyed.slug)
    assert exit_info.value.code == 1
    assert "belum memiliki rencana tindak lanjut" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_demo_reproduces_the_seed_plan(capsys):
    call_command("demo")
    call_command("demo")  # idempotent
    capsys.readouterr()
    call_command(
        "plan",
        "--unit",
        "dinas-kependudukan-dan-pencatatan-sipil",
        "--period",
        "semester-i-2025",
        "--json",
    )
    data = json.loads(capsys.readouterr().out)
    assert [(p["number"], p["code"]) for p in data["priorities"]] == [
        (1, "U3"),
        (2, "U7"),
        (3, "U9"),
    ]
    items = [
        (i["number"], i["quarters"], i["year"], i["owner"], i["status"])
        for p in data["priorities"]
        for i in p["items"]
    ]
    assert items == [
        ("1.1", [3, 4], 2025, "Kepala Dinas", "sudah"),
        ("1.2", [3, 4], 2025, "Kepala Dinas", "sudah"),
        ("2.1", [3, 4], 2025, "Kepala Dinas", "sudah"),
        ("2.2", [3], 2025, "Kepala Dinas", "sudah"),
        ("3.1", [3], 2025, "Kepala Dinas", "sudah"),
    ]
    assert data["priorities"][0]["items"][1]["activity"].startswith(
        "Memberikan pembinaan kepada pelaksana pelayanan agar senantiasa menerapkan 5S"
    )
    assert data["realised_percent"] == "100.00" and data["status"] == "final"
    [strategy] = data["strategies"]
    assert strategy["strategy"] == "Mengadakan Public Hearing Peninjauan Standar Pelayanan"
    assert strategy["target_quarter"] == 3 and strategy["owner"] == "Plt. Kepala Dinas"
    assert strategy["stakeholders"] == [
        "Pengguna layanan",
        "PD terkait",
        "ormas",
        "akademisi",
        "media massa",
    ]
