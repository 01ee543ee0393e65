"""Paper entry: channel "paper", short codes, data kept on errors, a double submit stores once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from skm.org.services import service_create
from skm.surveys.models import Answer, Period, Response
from skm.surveys.services import period_create


def _url(unit) -> str:
    return f"/staf/unit/{unit.slug}/kertas/"


def _post(client, unit, period, **fields):
    data = {
        "client_id": str(uuid.uuid4()),
        "survey_date": timezone.localdate().isoformat(),
        **{f"u_U{i}": str(a) for i, a in enumerate((4, 4, 3, 4, 4, 4, 4, 3, 3), 1)},
        "gender": "p",
        "age": "34",
        "education": "4",
        "occupation": "6",
        "occupation_other": "  Pedagang   pasar ",
        "suggestion": "Antrean dipercepat",
    }
    data.update(fields)
    return client.post(f"{_url(unit)}?periode={period.pk}", data)


@pytest.fixture
def ktp(unit):
    return service_create(unit=unit, name="KTP-el")


def test_the_form_shows_the_period_in_force_codes_and_focus(
    operator_client, unit, current_period, ktp
):
    page = operator_client.get(_url(unit)).content.decode()
    assert "Entri kuesioner kertas" in page
    assert "<strong>Periode:</strong> Periode Berjalan" in page
    assert "Kuesioner yang diketik hari ini untuk unit ini: 0" in page
    assert 'name="u_U1"' in page and 'name="u_U9"' in page
    first = page.index('name="u_U1"')
    assert "autofocus" in page[page.rindex("<input", 0, first) : page.index(">", first)]
    assert '<span class="code">4</span> D1-D3' in page
    assert '<span class="code">6</span> Lainnya' in page
    assert "1 – KTP-el" in page
    assert 'src="/static/dashboard/paper.js"' in page
    assert "<script>" not in page and 'style="' not in page


def test_saving_stores_a_paper_response_and_returns_an_empty_form(
    operator_client, unit, current_period, ktp
):
    response = _post(operator_client, unit, current_period, service=str(ktp.pk))
    assert response.status_code == 302
    today = timezone.localdate().isoformat()
    assert response["Location"] == f"{_url(unit)}?periode={current_period.pk}&tanggal={today}"

    stored = Response.objects.get()
    assert (stored.channel, stored.period, stored.unit, stored.service) == (
        Response.Channel.PAPER,
        current_period,
        unit,
        ktp,
    )
    assert (stored.gender, stored.age, stored.education, stored.occupation) == (
        "P",
        34,
        "D1_D3",
        "LAINNYA",
    )
    assert stored.occupation_other == "Pedagang pasar"
    assert stored.suggestion == "Antrean dipercepat"
    assert timezone.localtime(stored.submitted_at).date() == timezone.localdate()
    values = dict(Answer.objects.values_list("element__code", "value"))
    assert values == {
        "U1": 4,
        "U2": 4,
        "U3": 3,
        "U4": 4,
        "U5": 4,
        "U6": 4,
        "U7": 4,
        "U8": 3,
        "U9": 3,
    }

    page = operator_client.get(response["Location"]).content.decode()
    assert "Tersimpan: kuesioner ke-1 hari ini." in page
    assert "Kuesioner yang diketik hari ini untuk unit ini: 1" in page
    assert 'value="Antrean dipercepat"' not in page


def test_missing_answers_are_stored_as_missing(operator_client, unit, current_period):
    _post(operator_client, unit, current_period, u_U4="", u_U8="")
    assert sorted(Answer.objects.values_list("element__code", flat=True)) == [
        "U1",
        "U2",
        "U3",
        "U5",
        "U6",
        "U7",
        "U9",
    ]


def test_invalid_input_keeps_everything_and_says_what_and_where(
    operator_client, unit, current_period
):
    response = _post(
        operator_client,
        unit,
        current_period,
        u_U2="5",
        age="7",
        education="9",
        gender="X",
        occupation="2",
        occupation_other="Petani",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert Response.objects.count() == 0
    assert "U2: ketik 1, 2, 3 atau 4 (kosongkan jika tidak dijawab)." in page
    assert "Ketik usia dalam tahun, 10 sampai 120." in page
    assert "Ketik angka 1 sampai 7 sesuai daftar, atau kosongkan." in page
    assert "Ketik L (laki-laki) atau P (perempuan), atau kosongkan." in page
    assert "Isi hanya jika pekerjaan 6 (Lainnya)." in page
    # what was typed is still there
    assert 'name="u_U1" value="4"' in page
    assert 'name="u_U2" value="5"' in page
    assert 'value="Antrean dipercepat"' in page
    assert 'value="Petani"' in page
    # the cursor goes to the first wrong field
    second = page.index('name="u_U2"')
    assert "autofocus" in page[page.rindex("<input", 0, second) : page.index(">", second)]


def test_a_questionnaire_without_answers_is_refused(operator_client, unit, current_period):
    blanks = {f"u_U{i}": "" for i in range(1, 10)}
    response = _post(operator_client, unit, current_period, **blanks)
    assert "Ketik sedikitnya satu jawaban." in response.content.decode()
    assert Response.objects.count() == 0


def test_a_date_outside_the_period_is_refused(operator_client, unit, current_period):
    response = _post(
        operator_client,
        unit,
        current_period,
        survey_date=current_period.start_date.replace(
            year=current_period.start_date.year - 1
        ).isoformat(),
    )
    assert "Tanggal harus di dalam periode" in response.content.decode()
    assert Response.objects.count() == 0


def test_an_earlier_date_is_stored_at_noon_and_kept_for_the_next_form(
    operator_client, unit, current_period
):
    day = timezone.localdate() - dt.timedelta(days=3)
    response = _post(operator_client, unit, current_period, survey_date=day.isoformat())
    stored = Response.objects.get()
    assert timezone.localtime(stored.submitted_at).replace(tzinfo=None) == dt.datetime.combine(
        day, dt.time(12, 0)
    )
    page = operator_client.get(response["Location"]).content.decode()
    assert f'value="{day.isoformat()}"' in page


def test_a_double_submit_stores_once(operator_client, unit, current_period):
    client_id = str(uuid.uuid4())
    first = _post(operator_client, unit, current_period, client_id=client_id)
    second = _post(operator_client, unit, current_period, client_id=client_id)
    assert (first.status_code, second.status_code) == (302, 302)
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 9


def test_a_draft_period_can_be_chosen_but_not_a_closed_one(operator_client, unit, current_period):
    today = timezone.localdate()
    draft = period_create(
        unit=unit,
        name="Uji Coba",
        kind=Period.Kind.OTHER,
        start_date=today - dt.timedelta(days=5),
        end_date=today + dt.timedelta(days=5),
        status=Period.Status.DRAFT,
    )
    closed = period_create(
        unit=unit,
        name="Tahun Lalu",
        kind=Period.Kind.YEAR,
        start_date=today - dt.timedelta(days=400),
        end_date=today - dt.timedelta(days=200),
        status=Period.Status.CLOSED,
    )
    page = operator_client.get(f"{_url(unit)}?periode={draft.pk}").content.decode()
    assert "Periode ini masih draf: hasilnya belum final." in page
    assert "Uji Coba" in page and "Tahun Lalu" not in page
    _post(operator_client, unit, draft)
    assert Response.objects.get().period == draft

    _post(operator_client, unit, closed)
    assert Response.objects.filter(period=closed).count() == 0
    assert Response.objects.filter(period=current_period).count() == 1


def test_a_unit_below_uses_the_period_of_the_unit_above(client, child, current_period):
    from tests.conftest import member as _member

    client.force_login(_member(child, "operator-upt", "operator"))
    _post(client, child, current_period)
    stored = Response.objects.get()
    assert (stored.unit, stored.period) == (child, current_period)


def test_an_open_period_not_covering_today_needs_a_date_from_the_questionnaire(
    operator_client, unit, period
):
    page = operator_client.get(_url(unit)).content.decode()
    assert "Semester I 2025" in page
    assert '<input type="date" name="survey_date"' in page
    assert 'name="survey_date" value=' not in page
    _post(operator_client, unit, period, survey_date="")
    assert Response.objects.count() == 0
    _post(operator_client, unit, period, survey_date="2025-03-14")
    stored = Response.objects.get()
    assert timezone.localtime(stored.submitted_at).date() == dt.date(2025, 3, 14)


def test_no_open_or_draft_period(operator_client, unit):
    page = operator_client.get(_url(unit)).content.decode()
    assert "Tidak ada periode terbuka atau draf untuk unit ini" in page
    assert 'name="u_U1"' not in page
