import json

import pytest
from django.core.management import call_command

from skm.org.models import Unit
from skm.surveys.demo import SEED_SCORES, demo_load
from skm.surveys.models import Answer, Period, Response

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"


@pytest.fixture
def demo(db):
    return demo_load()


def _results(capsys, *args):
    call_command("results", *args)
    return capsys.readouterr().out


def test_demo_reproduces_the_seed_table_1(demo, capsys):
    data = json.loads(_results(capsys, "--unit", DUKCAPIL, "--period", "semester-i-2025", "--json"))
    assert [e["score"] for e in data["elements"]] == list(SEED_SCORES)
    assert {e["grade"] for e in data["elements"]} == {"A"}
    assert (data["ikm"], data["grade"], data["performance"]) == ("93.40", "A", "Sangat Baik")
    assert data["priorities"] == ["U3", "U7", "U9"]
    assert data["sample"] == {"population": 24000, "required": 378, "reached": True}
    assert data["respondents"] == 615


def test_demo_is_idempotent(demo):
    counts = (Unit.objects.count(), Period.objects.count(), Response.objects.count())
    answers = Answer.objects.count()
    again = demo_load()
    assert not again.created
    assert (Unit.objects.count(), Period.objects.count(), Response.objects.count()) == counts
    assert Answer.objects.count() == answers


def test_demo_has_a_tree_an_earlier_period_and_another_unit(demo, capsys):
    dinkes = Unit.objects.get(slug="dinas-kesehatan")
    assert {u.name for u in dinkes.children.all()} == {"Puskesmas Kramatsari", "Puskesmas Bendan"}
    earlier = json.loads(
        _results(capsys, "--unit", DUKCAPIL, "--period", "Semester II 2024", "--json")
    )
    assert earlier["respondents"] == 372
    # Puskesmas Bendan answers to the period of the Dinas above it; its U3 grades C and
    # becomes a priority even though it is not among the three lowest elsewhere.
    bendan = json.loads(
        _results(capsys, "--unit", "puskesmas-bendan", "--period", "semester-i-2025", "--json")
    )
    u3 = next(e for e in bendan["elements"] if e["code"] == "U3")
    assert u3["grade"] == "C"
    assert "U3" in bendan["priorities"]
    table = _results(capsys, "--unit", DUKCAPIL, "--period", "semester-i-2025")
    assert "93.40" in table and "Waktu Penyelesaian" in table


def test_results_refuses_unknown_unit_and_period(demo, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("results", "--unit", "tidak-ada", "--period", "semester-i-2025")
    assert exit_info.value.code == 2
    assert "tidak-ada" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        call_command("results", "--unit", DUKCAPIL, "--period", "semester-ii-2030")
    assert exit_info.value.code == 2
    assert "semester-i-2025" in capsys.readouterr().err


def test_verify_finds_the_demo_counts_exact_and_reports_a_tampered_one(demo, capsys):
    from skm.surveys.models import CellCount

    call_command("verify")  # no SystemExit: everything agrees
    assert capsys.readouterr().err == ""
    seed = Period.objects.get(unit__slug=DUKCAPIL, slug="semester-i-2025")
    row = CellCount.objects.filter(period=seed, e02_4__gt=0).first()
    CellCount.objects.filter(pk=row.pk).update(e02_4=row.e02_4 + 1)
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify", "--unit", DUKCAPIL, "--period", "semester-i-2025")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "e02_4" in err and f"{row.e02_4 + 1}" in err
    # --repair rebuilds the counts from the responses; then nothing differs
    from skm.surveys.counts import verify

    call_command("verify", "--unit", DUKCAPIL, "--period", "semester-i-2025", "--repair")
    assert verify() == []


def test_results_by_profile_groups_partition_the_respondents(demo, capsys):
    for by in ("sex", "age", "education", "occupation", "service", "channel"):
        data = json.loads(
            _results(
                capsys, "--unit", DUKCAPIL, "--period", "semester-i-2025", "--by", by, "--json"
            )
        )
        assert data["by"] == by
        assert sum(g["result"]["respondents"] for g in data["groups"]) == 615, by
    sex = json.loads(
        _results(capsys, "--unit", DUKCAPIL, "--period", "semester-i-2025", "--by", "sex", "--json")
    )
    assert [(g["key"], g["label"]) for g in sex["groups"]] == [
        ("L", "Laki-laki"),
        ("P", "Perempuan"),
    ]
    assert list(sex["groups"][0]["result"]) == list(
        json.loads(_results(capsys, "--unit", DUKCAPIL, "--period", "semester-i-2025", "--json"))
    )


def test_results_children_rank_the_puskesmas_and_pool_the_dinas(demo, capsys):
    data = json.loads(
        _results(
            capsys,
            "--unit",
            "dinas-kesehatan",
            "--period",
            "semester-i-2025",
            "--children",
            "--json",
        )
    )
    assert [c["unit"] for c in data["children"]] == ["puskesmas-kramatsari", "puskesmas-bendan"]
    assert data["rule"] == "pooled"
    pooled = json.loads(
        _results(capsys, "--unit", "dinas-kesehatan", "--period", "semester-i-2025", "--json")
    )
    assert data["rollup"]["ikm"] == pooled["ikm"]
    assert data["rollup"]["respondents"] == sum(
        c["result"]["respondents"] for c in data["children"]
    )
    table = _results(
        capsys, "--unit", "dinas-kesehatan", "--period", "semester-i-2025", "--children"
    )
    assert "Puskesmas Kramatsari" in table.splitlines()[4]
    with pytest.raises(SystemExit) as exit_info:
        call_command("results", "--unit", DUKCAPIL, "--period", "semester-i-2025", "--children")
    assert exit_info.value.code == 2


def test_demo_keeps_the_seed_decimal_point_on_every_unit(demo):
    """A new unit prints the Indonesian comma; the demo prints as the seed report does."""
    from skm.plans.demo import demo_plans
    from skm.reports.data import number_styles
    from skm.reports.models import ReportProfile

    units = list(Unit.objects.all())
    assert set(number_styles(units).values()) == {"."}
    demo_plans(demo.agency)  # the signatory joins the style on the Dukcapil unit
    profile = ReportProfile.objects.get(unit__slug=DUKCAPIL)
    assert (profile.decimal, profile.nip) == (".", "196905251990031005")
    # a choice made afterwards on the settings page survives loading the demo again
    ReportProfile.objects.filter(unit__slug=DUKCAPIL).update(decimal=",")
    demo_load()
    assert ReportProfile.objects.get(unit__slug=DUKCAPIL).decimal == ","
