"""Numbers on screens follow the unit's number style, as its documents do (issue #15, point
13): a new unit prints the Indonesian comma (91,67; 24.000), the demo keeps the seed's point,
and a style chosen on the report settings page changes screens and documents alike."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from skm.method import required_sample
from skm.org.services import unit_create
from skm.reports.data import DEFAULT_NUMBER_STYLE, number_style, number_styles
from skm.reports.models import ReportProfile
from skm.reports.templatetags.skm_numbers import cnt, num
from skm.surveys.selectors import period_result
from skm.surveys.services import publication_publish
from tests.plans.conftest import store


def _close(period):
    period.status = period.Status.CLOSED
    period.save(update_fields=["status"])


def test_filters_change_only_the_separators():
    assert num("93.40", ",") == "93,40"
    assert num("93.40", ".") == "93.40"
    assert num("-13.25", ",") == "-13,25"
    assert cnt(24000, ",") == "24.000"
    assert cnt(24000, ".") == "24,000"
    assert cnt(615, ",") == "615"
    # nothing to print stays empty, so that |default:"–" applies
    assert num(None, ",") == "" and num("", ",") == "" and cnt(None, ".") == ""
    # a context without the style prints the default, the Indonesian comma
    assert DEFAULT_NUMBER_STYLE == ","
    assert num("93.40", "") == "93,40"


def test_a_new_unit_prints_the_comma_and_inherits_what_is_set_above(agency, unit, child):
    other = unit_create(agency=agency, name="Dinas Lain")
    assert ReportProfile().decimal == ","  # the model's default for a new unit
    assert number_styles([unit, child, other]) == {unit.pk: ",", child.pk: ",", other.pk: ","}

    ReportProfile.objects.create(unit=unit, decimal=".")
    grandchild = unit_create(agency=agency, name="Pos Pelayanan", parent=child)
    with CaptureQueriesContext(connection) as queries:
        styles = number_styles([unit, child, grandchild, other])
    assert len(queries) == 1
    assert styles == {unit.pk: ".", child.pk: ".", grandchild.pk: ".", other.pk: ","}
    assert number_style(grandchild) == "."

    # the nearest setting wins
    ReportProfile.objects.create(unit=child, decimal=",")
    assert number_styles([grandchild])[grandchild.pk] == ","


def test_staff_pages_print_a_new_unit_in_the_comma_style(client, manager, unit, period):
    store(period, unit, 10)
    result = period_result(period, unit=unit)
    point, comma = result.ikm_text, result.ikm_text.replace(".", ",")
    assert "." in point
    client.force_login(manager)

    results = client.get(f"/staf/unit/{unit.slug}/hasil/?periode={period.slug}")
    html = results.content.decode()
    assert f'data-testid="ikm">{comma}</p>' in html
    assert f"<strong>{comma}</strong>" in html  # Tabel 1's total row
    element = result.elements[0].score_text.replace(".", ",")
    assert f'<td class="num">{element}</td>' in html
    assert f">{point}<" not in html

    unit_page = client.get(f"/staf/unit/{unit.slug}/").content.decode()
    assert f'<td class="num">{comma}</td>' in unit_page
    home = client.get("/staf/").content.decode()
    assert f'data-testid="unit-ikm">{comma} (' in home
    assert (
        f'<td class="num">{comma}</td>'
        in client.get(f"/staf/unit/{unit.slug}/publikasi/").content.decode()
    )

    # the unit chooses the seed's point on its report settings: every screen follows
    ReportProfile.objects.create(unit=unit, decimal=".")
    html = client.get(f"/staf/unit/{unit.slug}/hasil/?periode={period.slug}").content.decode()
    assert f'data-testid="ikm">{point}</p>' in html
    assert f'data-testid="unit-ikm">{point} (' in client.get("/staf/").content.decode()


def test_population_and_sample_in_the_unit_style(client, manager, unit, period):
    period.population = 24000
    period.save(update_fields=["population"])
    client.force_login(manager)
    html = client.get(f"/staf/unit/{unit.slug}/periode/").content.decode()
    assert '<td class="num">24.000</td>' in html
    sample = client.get(f"/staf/unit/{unit.slug}/sampel-minimal/?populasi=24000").json()
    assert sample["required"] == required_sample(24000) == 378
    assert "378 responden untuk populasi 24.000" in sample["text"]


@pytest.mark.parametrize("style", [",", "."])
def test_public_pages_print_the_unit_style(client, unit, period, style):
    if style == ".":
        ReportProfile.objects.create(unit=unit, decimal=".")
    store(period, unit, 10)
    publication_publish(period=period, unit=unit)
    _close(period)
    ikm = period_result(period, unit=unit).ikm_text.replace(".", style)

    assert f'<span class="ikm-figure">IKM {ikm}</span>' in client.get("/").content.decode()
    page = client.get(f"/p/{unit.slug}/").content.decode()
    assert f'data-testid="ikm-value">{ikm}</p>' in page
    assert (
        f'<p class="widget-value">{ikm}</p>'
        in client.get(f"/p/{unit.slug}/widget/").content.decode()
    )
    thanks = client.get(f"/s/{unit.slug}/terima-kasih/").content.decode()
    assert f'<span class="value">{ikm}</span>' in thanks
    # the open data stays machine-readable: a decimal point whatever the style
    data = client.get(f"/p/{unit.slug}/{period.slug}/data.json").json()
    assert data["ikm"] == period_result(period, unit=unit).ikm_text


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_point_for_existing_offices():
    """Units that existed before the comma became the default printed with the point; the
    migration gives each top-level unit without settings the point explicitly."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = [("reports", "0007_report_job_scope")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    agency_model = apps.get_model("org", "Agency")
    unit_model = apps.get_model("org", "Unit")
    profile_model = apps.get_model("reports", "ReportProfile")
    agency = agency_model.objects.create(name="Pemkot Lama", slug="pemkot-lama")
    root = unit_model.objects.create(agency=agency, name="Dinas A", slug="dinas-a", path="/")
    root.path = f"/{root.pk}/"
    root.save()
    below = unit_model.objects.create(
        agency=agency, name="UPT A", slug="upt-a", parent=root, path=f"/{root.pk}/x/"
    )
    chosen = unit_model.objects.create(agency=agency, name="Dinas B", slug="dinas-b", path="/")
    profile_model.objects.create(unit=chosen, decimal=",", name="KEPALA")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    stored = dict(ReportProfile.objects.values_list("unit__slug", "decimal"))
    assert stored == {"dinas-a": ".", "dinas-b": ","}  # a choice made is kept
    assert not ReportProfile.objects.filter(unit_id=below.pk).exists()  # inherits the root's
