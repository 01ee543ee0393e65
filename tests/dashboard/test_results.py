"""The staff results dashboard: exact figures on small constructed data and on the demo."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from skm.org.models import Agency
from skm.org.services import service_create
from skm.surveys.models import Response
from skm.surveys.results import (
    children_results,
    filtered_result,
    own_result,
    profile_breakdowns,
    unit_rollup,
    unit_trend,
)
from skm.surveys.services import response_create

ALL = [f"U{i}" for i in range(1, 10)]


def _url(unit):
    return f"/staf/unit/{unit.slug}/hasil/"


def _answer(period, unit, value, *, day=1, service=None, age=None, gender="", channel=None):
    return response_create(
        period=period,
        unit=unit,
        channel=channel or Response.Channel.ONLINE,
        answers=dict.fromkeys(ALL, value),
        service=service,
        submitted_at=timezone.make_aware(dt.datetime(2025, 2, day, 9, 0)),
        age=age,
        gender=gender,
    )


@pytest.fixture
def tree(unit, child, period):
    """The parent's own respondent answers 4 everywhere, the child's two answer 3."""
    _answer(period, unit, 4, age=19, gender="L")
    _answer(period, child, 3, age=20, gender="P")
    _answer(period, child, 3, age=60, gender="P", channel=Response.Channel.PAPER)
    return period


def test_pooled_rollup_counts_every_respondent_once(unit, child, tree):
    children = children_results(tree, unit=unit)
    assert [(c.label, c.result.respondents, c.result.ikm_text) for c in children] == [
        ("UPT Contoh", 2, "75.00")
    ]
    rollup = unit_rollup(tree, unit=unit, children=children)
    # per element (4 + 3 + 3) / 3 = 10/3 -> 83.33, B
    assert (rollup.rule, rollup.result.respondents, rollup.result.ikm_text) == (
        "pooled",
        3,
        "83.33",
    )
    assert rollup.result.grade.letter == "B"


def test_mean_rollup_treats_the_parents_own_respondents_as_one_unit(agency, unit, child, tree):
    Agency.objects.filter(pk=agency.pk).update(rollup=Agency.Rollup.MEAN)
    unit.refresh_from_db()
    assert own_result(tree, unit=unit).ikm_text == "100.00"
    rollup = unit_rollup(tree, unit=unit, children=children_results(tree, unit=unit))
    # (NI 4 + NI 3) / 2 = 3.5 -> 87.50
    assert (rollup.rule, rollup.units_used, rollup.result.ikm_text) == ("mean", 2, "87.50")
    assert rollup.result.element("U1").score_text == "87.50"


def test_profile_counts_and_age_groups(unit, tree):
    by_name = {b.name: b for b in profile_breakdowns(tree, unit=unit)}
    assert [(r.label, r.count, r.percent) for r in by_name["sex"].rows] == [
        ("Laki-laki", 1, "33.3"),
        ("Perempuan", 2, "66.7"),
    ]
    ages = [(r.key, r.count) for r in by_name["age"].rows]
    assert ages == [
        ("lt20", 1),
        ("20_29", 1),
        ("30_39", 0),
        ("40_49", 0),
        ("50_59", 0),
        ("ge60", 1),
    ]
    assert by_name["education"].rows[-1].label == "Tidak diisi"
    assert by_name["education"].rows[-1].count == 3


def test_trend_flags_a_change_only_when_intervals_are_apart(unit, period):
    from skm.surveys.models import Period
    from skm.surveys.services import period_create

    earlier = period_create(
        unit=unit,
        name="Semester II 2024",
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2024, 7, 1),
        end_date=dt.date(2024, 12, 31),
        status=Period.Status.CLOSED,
    )
    for value in (3, 3, 2):
        response_create(
            period=earlier,
            unit=unit,
            channel=Response.Channel.PAPER,
            answers=dict.fromkeys(ALL, value),
            submitted_at=timezone.make_aware(dt.datetime(2024, 8, 1, 9)),
        )
    for value in (3, 3, 3):
        _answer(period, unit, value)
    rows = unit_trend(unit)
    assert [(r.period.name, r.result.ikm_text, r.change, r.significant) for r in rows] == [
        ("Semester II 2024", "66.67", None, False),
        ("Semester I 2025", "75.00", "+8.33", False),
    ]


def test_page_shows_tabel_1_of_the_demo(client, admin_user):
    from skm.surveys.demo import demo_load

    demo_load()
    client.force_login(admin_user)
    response = client.get("/staf/unit/dinas-kependudukan-dan-pencatatan-sipil/hasil/")
    assert response.status_code == 200
    board = response.context["board"]
    assert board.period.name == "Semester I 2025"
    result = response.context["result"]
    assert [e.score_text for e in result.elements] == [
        "91.83", "92.32", "91.02", "99.80", "91.91", "92.89", "91.26", "98.01", "91.54",
    ]  # fmt: skip
    assert (result.ikm_text, result.grade.letter) == ("93.40", "A")
    assert result.priorities == ("U3", "U7", "U9")
    page = response.content.decode()
    assert '<p class="headline-value" data-testid="ikm">93.40</p>' in page
    assert page.count('<tr class="priority">') >= 3
    assert "<svg" in page
    # the trend compares with Semester II 2024
    assert [r.period.name for r in board.trend] == ["Semester II 2024", "Semester I 2025"]


def test_filter_by_service(client, admin_user, unit, period, service):
    _answer(period, unit, 4, service=service)
    _answer(period, unit, 3)
    client.force_login(admin_user)
    everything = client.get(_url(unit), {"periode": period.slug}).context["result"]
    assert (everything.respondents, everything.ikm_text) == (2, "87.50")
    filtered = client.get(_url(unit), {"periode": period.slug, "layanan": service.slug})
    assert (filtered.context["result"].respondents, filtered.context["result"].ikm_text) == (
        1,
        "100.00",
    )


def test_filter_by_date(client, admin_user, unit, period):
    _answer(period, unit, 4, day=1)
    _answer(period, unit, 2, day=20)
    client.force_login(admin_user)
    response = client.get(_url(unit), {"periode": period.slug, "dari": "2025-02-10"})
    assert (response.context["result"].respondents, response.context["result"].ikm_text) == (
        1,
        "50.00",
    )
    assert filtered_result(period, unit=unit).ikm_text == "75.00"


def test_date_outside_the_period_is_refused_with_a_message(client, admin_user, unit, period):
    client.force_login(admin_user)
    response = client.get(_url(unit), {"periode": period.slug, "dari": "2024-01-01"})
    assert response.status_code == 200
    assert "board" not in response.context
    assert response.context["form"].errors["dari"] == [
        "Tanggal harus berada dalam periode (01-01-2025 sampai 30-06-2025)."
    ]


def test_anonymous_goes_to_login(client, unit, period):
    response = client.get(_url(unit))
    assert response.status_code == 302
    assert response["Location"] == f"/staf/masuk/?next={_url(unit)}"


def test_member_of_another_unit_gets_404(client, stranger, unit, period):
    client.force_login(stranger)
    assert client.get(_url(unit)).status_code == 404
    assert client.get(_url(unit), {"format": "csv", "table": "elements"}).status_code == 404


def test_a_head_of_the_unit_may_read(client, head, unit, tree):
    client.force_login(head)
    assert client.get(_url(unit)).status_code == 200


def test_csv_download_is_formula_safe(client, admin_user, unit, period):
    evil = service_create(unit=unit, name="=HYPERLINK(1)")
    _answer(period, unit, 4, service=evil)
    client.force_login(admin_user)
    response = client.get(
        _url(unit), {"periode": period.slug, "format": "csv", "table": "services"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="skm-dinas-contoh-semester-i-2025-services.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:5] == ["'=HYPERLINK(1)", "1", "U1 Persyaratan", "4.0000", "100.00"]
    assert rows[-1][:6] == [
        "'=HYPERLINK(1)",
        "",
        "IKM unit layanan",
        "",
        "100.00",
        "A (Sangat Baik)",
    ]


def test_xlsx_download_reopens_with_the_same_figures(client, admin_user, unit, tree):
    client.force_login(admin_user)
    response = client.get(_url(unit), {"periode": tree.slug, "format": "xlsx", "table": "elements"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "No"
    assert rows[1][:4] == (1, "U1 Persyaratan", 3.3333, 83.33)
    assert len(rows) == 10


def test_unknown_table_is_404(client, admin_user, unit, tree):
    client.force_login(admin_user)
    assert client.get(_url(unit), {"format": "csv", "table": "nope"}).status_code == 404
    assert client.get(_url(unit), {"format": "pdf", "table": "elements"}).status_code == 404


def test_the_period_select_names_the_owner_only_for_a_period_of_a_unit_above(
    client, admin_user, unit, child, period
):
    client.force_login(admin_user)
    own = client.get(f"/staf/unit/{unit.slug}/hasil/").content.decode()
    assert f'<option value="{period.slug}" selected>{period.name}</option>' in own
    below = client.get(f"/staf/unit/{child.slug}/hasil/").content.decode()
    assert f"{period.name} – {unit.name}</option>" in below
