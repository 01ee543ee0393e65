"""Paper entry: channel "paper", short codes, data kept on errors, a double submit stores once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from skm.audit.models import AuditEvent
from skm.org.services import service_create
from skm.surveys.counts import verify
from skm.surveys.models import Answer, Period, Response
from skm.surveys.selectors import period_summary
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
    assert "Tersimpan lengkap: kuesioner ke-1 hari ini." in page
    assert "Kuesioner yang diketik hari ini untuk unit ini: 1" in page
    assert 'value="Antrean dipercepat"' not in page


def test_missing_answers_are_stored_as_missing(operator_client, unit, current_period):
    _post(operator_client, unit, current_period, u_U4="", u_U8="", simpan_tidak_lengkap="1")
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


def _incomplete(**extra):
    """The questionnaire of the issue: U1 and U2 only, no profile."""
    fields = {f"u_U{i}": "" for i in range(3, 10)}
    fields.update(gender="", age="", education="", occupation="", occupation_other="")
    fields.update(extra)
    return fields


def test_an_incomplete_questionnaire_is_not_saved_without_the_confirm_button(
    operator_client, unit, current_period, ktp
):
    response = _post(operator_client, unit, current_period, **_incomplete())
    assert response.status_code == 200
    assert Response.objects.count() == 0
    page = response.content.decode()
    notice = page.split('id="incomplete"')[1].split("</div>")[0]
    assert "autofocus" in notice and "Kuesioner ini belum lengkap" in notice
    for what, field in (
        ("U3", "u_U3"),
        ("U9", "u_U9"),
        ("jenis kelamin", "gender"),
        ("usia", "age"),
        ("pendidikan", "education"),
        ("pekerjaan", "occupation"),
        ("jenis layanan", "service"),
    ):
        assert f'<a href="#id_{field}">{what}</a>' in notice
    assert "U1<" not in notice and "saran" not in notice.lower()
    # what was typed is kept; "Simpan" stays the first button (the one Enter presses)
    assert 'name="u_U1" value="4"' in page and 'value="Antrean dipercepat"' in page
    form = page.split('id="paper-form"')[1]
    first, second = form.split("<button")[1:3]
    assert 'name="simpan_tidak_lengkap"' not in first
    assert 'name="simpan_tidak_lengkap" value="1">Simpan walau belum lengkap' in second
    # pressing "Simpan" again (what Enter does) still saves nothing
    again = _post(operator_client, unit, current_period, **_incomplete())
    assert again.status_code == 200 and Response.objects.count() == 0


def test_the_confirm_button_saves_it_and_the_message_says_incomplete(
    operator_client, unit, current_period, ktp
):
    response = _post(operator_client, unit, current_period, **_incomplete(simpan_tidak_lengkap="1"))
    assert response.status_code == 302
    stored = Response.objects.get()
    assert sorted(stored.answers.values_list("element__code", flat=True)) == ["U1", "U2"]
    page = operator_client.get(response["Location"]).content.decode()
    assert "Tersimpan TIDAK LENGKAP: kuesioner ke-1 hari ini, tanpa U3, U4" in page
    assert "jenis kelamin, usia, pendidikan, pekerjaan, jenis layanan." in page
    assert "Tersimpan lengkap" not in page
    assert '<li class="warning">' in page
    assert "Urungkan" in page and f'name="response" value="{stored.pk}"' in page


def test_a_complete_questionnaire_needs_no_confirmation(operator_client, unit, current_period, ktp):
    response = _post(operator_client, unit, current_period, service=str(ktp.pk), suggestion="")
    assert response.status_code == 302 and Response.objects.count() == 1
    page = operator_client.get(response["Location"]).content.decode()
    assert "Tersimpan lengkap: kuesioner ke-1 hari ini." in page


def test_undo_takes_the_last_entry_back_and_the_counts_with_it(
    operator_client, operator, unit, current_period, ktp
):
    _post(operator_client, unit, current_period, service=str(ktp.pk))
    before = period_summary(current_period, unit=unit)
    _post(operator_client, unit, current_period, **_incomplete(simpan_tidak_lengkap="1"))
    last = Response.objects.order_by("-pk").first()
    assert period_summary(current_period, unit=unit) != before

    response = operator_client.post(f"{_url(unit)}urungkan/", {"response": str(last.pk)})
    assert response.status_code == 302
    assert list(Response.objects.values_list("pk", flat=True)) == [last.pk - 1]
    last = Response.all_objects.get(pk=last.pk)
    assert last.deleted_by == operator and "Diurungkan" in last.delete_reason
    assert period_summary(current_period, unit=unit) == before
    assert verify(period_id=current_period.pk) == []
    event = AuditEvent.objects.get(action="delete", object_id=str(last.pk))
    assert event.user == operator and event.model == "surveys.response"
    page = operator_client.get(response["Location"]).content.decode()
    assert "Diurungkan: kuesioner yang terakhir disimpan tidak dihitung lagi" in page
    assert 'name="response" value=' not in page  # nothing left to undo
    # a second undo, or the one before, is refused
    for pk in (last.pk, last.pk - 1):
        operator_client.post(f"{_url(unit)}urungkan/", {"response": str(pk)})
    assert Response.objects.count() == 1


def test_undo_is_only_for_the_entry_saved_in_this_session(
    client, operator, manager, unit, current_period, ktp
):
    client.force_login(operator)
    _post(client, unit, current_period, service=str(ktp.pk))
    stored = Response.objects.get()
    client.logout()
    client.force_login(manager)  # another person (and session): nothing of theirs to undo
    page = client.get(_url(unit)).content.decode()
    assert 'name="response"' not in page
    response = client.post(f"{_url(unit)}urungkan/", {"response": str(stored.pk)}, follow=True)
    assert "Hanya kuesioner yang terakhir Anda simpan" in response.content.decode()
    assert Response.objects.filter(pk=stored.pk).exists()
