"""The public survey form: rendering, validation, storing, and what it refuses."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from skm.org.services import service_create, unit_create
from skm.surveys import abuse
from skm.surveys.models import Answer, Period, Rejection, Response
from skm.surveys.services import period_create
from tests.public.helpers import ANSWERS, form_data, hidden_value, old_token, open_period_for

LABELS = [
    "Tidak sesuai",
    "Kurang sesuai",
    "Sesuai",
    "Sangat sesuai",
    "Tidak mudah",
    "Sangat mudah",
    "Tidak cepat",
    "Sangat cepat",
    "Sangat mahal",
    "Cukup mahal",
    "Murah",
    "Gratis",
    "Tidak kompeten",
    "Sangat kompeten",
    "Tidak sopan dan ramah",
    "Sangat sopan dan ramah",
    "Tidak ada",
    "Ada tetapi tidak berfungsi",
    "Berfungsi kurang maksimal",
    "Dikelola dengan baik",
    "Buruk",
    "Cukup",
    "Baik",
    "Sangat Baik",
]


def rejections(unit) -> dict[str, int]:
    return dict(Rejection.objects.filter(unit=unit).values_list("reason", "count"))


def test_form_shows_nine_element_groups_with_every_label(client, unit, service, open_period):
    page = client.get(f"/s/{unit.slug}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Content-Language"] == "id"
    assert html.count('<fieldset class="field group element') == 9
    # profile groups: sex, education, occupation
    assert html.count("<fieldset") == 12
    assert html.count('type="radio"') == 9 * 4 + 2 + 7 + 6
    for label in LABELS:
        assert f'<span class="choice-text">{label}</span>' in html
    # a citizen sees where they are, never the internal element codes (issue #15)
    assert 'class="element-code"' not in html
    for code in ANSWERS:
        assert f">{code} " not in html and f" {code}<" not in html
    assert (
        '<legend><span class="element-meta">Pertanyaan 1 dari 9</span> <span class="question">'
        "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis "
        "pelayanannya?</span></legend>"
    ) in html
    assert "Pertanyaan 9 dari 9" in html
    for n in (1, 2, 3):
        assert f'<span class="step">Bagian {n} dari 3</span>' in html
    assert f'<option value="{service.pk}">KTP-el</option>' in html
    assert "Survei Kepuasan Masyarakat" in html
    assert "Periode survei Periode Berjalan." in html
    assert "Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi" in html
    # the privacy note in plain words: what is not kept, and no jargon
    assert (
        "Kami tidak meminta dan tidak menyimpan nama, NIK, nomor telepon, maupun alamat "
        "internet (IP) Anda."
    ) in html
    assert "hash" not in html.lower()
    assert 'name="website" id="id_website" value="" tabindex="-1" autocomplete="off"' in html
    assert '<div class="hp" aria-hidden="true">' in html
    # one script, a static file (the Content-Security-Policy allows no inline script)
    assert html.count("<script") == 1
    assert '<script src="/static/public/form.js" defer></script>' in html
    assert 'style="' not in html
    # without JavaScript the "other occupation" field is there (the script hides it)
    assert 'id="id_occupation_other"' in html and " hidden" not in html


def test_answers_are_listed_from_score_1_to_4(client, unit, open_period):
    html = client.get(f"/s/{unit.slug}/").content.decode()
    values = re.findall(r'name="answer_U1" id="id_answer_U1_\d" value="(\d)"', html)
    assert values == ["1", "2", "3", "4"]


def test_service_in_the_url_is_shown_and_locked(client, unit, service, open_period):
    html = client.get(f"/s/{unit.slug}/{service.slug}/").content.decode()
    assert (
        '<p class="field locked-service"><span class="locked-label">Jenis layanan yang '
        "diterima</span> <strong>KTP-el</strong></p>"
    ) in html
    assert 'name="service"' not in html


def test_a_service_of_a_unit_above_is_offered_and_lockable(client, unit, child, service):
    open_period_for(unit)
    own = service_create(unit=child, name="Konsultasi")
    html = " ".join(client.get(f"/s/{child.slug}/").content.decode().split())
    assert (
        f'<optgroup label="UPT Contoh"> <option value="{own.pk}">Konsultasi</option> </optgroup> '
        f'<optgroup label="Dinas Contoh"> <option value="{service.pk}">KTP-el</option> </optgroup>'
    ) in html
    page = client.get(f"/s/{child.slug}/{service.slug}/")
    assert page.status_code == 200
    assert "<strong>KTP-el</strong>" in page.content.decode()


def test_service_of_another_unit_unknown_or_inactive_is_404(client, agency, unit, open_period):
    other = unit_create(agency=agency, name="Dinas Lain")
    foreign = service_create(unit=other, name="Izin Usaha")
    retired = service_create(unit=unit, name="Lama")
    retired.is_active = False
    retired.save()
    for slug in (foreign.slug, "tidak-ada", retired.slug):
        page = client.get(f"/s/{unit.slug}/{slug}/")
        assert page.status_code == 404
        assert "Halaman tidak ditemukan" in page.content.decode()


def test_unknown_unit_is_a_404_page(client, db):
    page = client.get("/s/tidak-ada/")
    assert page.status_code == 404
    assert "Tidak ada survei di alamat ini." in page.content.decode()
    assert client.get("/s/tidak-ada/terima-kasih/").status_code == 404


def test_closed_when_no_period_covers_today(client, unit, period):
    # ``period`` is Semester I 2025: open, but not covering today.
    page = client.get(f"/s/{unit.slug}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Survei sedang ditutup" in html
    assert 'class="survey"' not in html
    posted = client.post(f"/s/{unit.slug}/", form_data(unit))
    assert posted.status_code == 200
    assert "Survei sedang ditutup" in posted.content.decode()
    assert Response.objects.count() == 0
    assert rejections(unit) == {"closed": 1}


def test_draft_or_closed_period_covering_today_does_not_open_the_form(client, unit):
    today = timezone.localdate()
    for status in (Period.Status.DRAFT, Period.Status.CLOSED):
        period_create(
            unit=unit,
            name=f"P {status}",
            kind=Period.Kind.OTHER,
            start_date=today,
            end_date=today,
            status=status,
        )
    assert "Survei sedang ditutup" in client.get(f"/s/{unit.slug}/").content.decode()


def test_success_stores_one_online_response_and_redirects(client, unit, service, open_period):
    token = old_token(unit)
    data = form_data(unit, token=token, service=service.pk, occupation="LAINNYA")
    data["occupation_other"] = "  Mahasiswa   pascasarjana "
    page = client.post(f"/s/{unit.slug}/", data)
    assert page.status_code == 303
    assert page["Location"] == f"/s/{unit.slug}/terima-kasih/"
    response = Response.objects.get()
    assert response.channel == "online"
    assert response.period == open_period
    assert response.unit == unit
    assert response.service == service
    assert (response.gender, response.age, response.education) == ("P", 34, "D4_S1")
    assert (response.occupation, response.occupation_other) == ("LAINNYA", "Mahasiswa pascasarjana")
    assert response.suggestion == "Antrean perlu papan nomor."
    assert response.client_id == abuse.form_token_read(token, unit=unit).id
    assert dict(Answer.objects.values_list("element__code", "value")) == ANSWERS
    assert rejections(unit) == {}


def test_locked_service_is_stored(client, unit, service, open_period):
    page = client.post(f"/s/{unit.slug}/{service.slug}/", form_data(unit))
    assert page.status_code == 303
    assert Response.objects.get().service == service


def test_other_occupation_text_is_dropped_for_a_listed_occupation(client, unit, open_period):
    client.post(f"/s/{unit.slug}/", form_data(unit, occupation="PNS", occupation_other="Guru"))
    assert Response.objects.values_list("occupation", "occupation_other").get() == ("PNS", "")


def test_child_unit_answers_in_the_period_of_the_unit_above(client, unit, child, open_period):
    page = client.post(f"/s/{child.slug}/", form_data(child))
    assert page.status_code == 303
    response = Response.objects.get()
    assert (response.unit, response.period) == (child, open_period)


def test_replaying_the_same_post_stores_one_response(client, unit, open_period):
    data = form_data(unit)
    first = client.post(f"/s/{unit.slug}/", data)
    second = client.post(f"/s/{unit.slug}/", data)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"] == f"/s/{unit.slug}/terima-kasih/"
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 9
    assert rejections(unit) == {}


def test_rejected_form_keeps_answers_and_shows_the_summary(client, unit, service, open_period):
    data = form_data(
        unit, service=service.pk, age=None, answer_U3=None, suggestion="Ruang tunggu <panas>"
    )
    page = client.post(f"/s/{unit.slug}/", data)
    html = page.content.decode()
    assert page.status_code == 400
    assert (
        '<div class="error-summary attention" role="alert" tabindex="-1" id="error-summary" '
        'aria-labelledby="error-summary-title" autofocus>'
    ) in html
    assert "Mohon perbaiki isian berikut" in html
    summary = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', html)
    assert summary == [
        ("id_age", "Isi usia Anda dalam tahun."),
        ("id_answer_U3_0", "Jawab pertanyaan nomor 3 (Waktu Penyelesaian)."),
    ]
    # the error next to the field, tied to it for screen readers
    assert '<p class="field-error" id="id_age_error">Isi usia Anda dalam tahun.</p>' in html
    assert 'aria-describedby="id_age_hint id_age_error"' in html
    assert 'aria-invalid="true"' in html
    assert (
        '<fieldset class="field group has-error element" aria-describedby="id_answer_U3_error">'
        in html
    )
    # every given answer is still chosen
    assert 'id="id_gender_1" value="P" checked' in html
    assert 'id="id_education_4" value="D4_S1" checked' in html
    assert 'id="id_answer_U1_3" value="4" checked' in html
    assert 'id="id_answer_U9_2" value="3" checked' in html
    assert html.count(" checked") == 8 + 3  # eight elements, sex, education, occupation
    assert f'<option value="{service.pk}" selected>KTP-el</option>' in html
    assert "Ruang tunggu &lt;panas&gt;</textarea>" in html
    assert hidden_value(html, "form_token") == data["form_token"]
    assert Response.objects.count() == 0
    assert rejections(unit) == {"invalid": 1}


@pytest.mark.parametrize(
    ("age", "message"),
    [
        ("9", "Usia harus antara 10 dan 120 tahun."),
        ("121", "Usia harus antara 10 dan 120 tahun."),
        ("tiga puluh", "Isi usia Anda dengan angka tahun saja, misalnya 35."),
    ],
)
def test_implausible_age_is_refused(client, unit, open_period, age, message):
    page = client.post(f"/s/{unit.slug}/", form_data(unit, age=age))
    assert page.status_code == 400
    assert f'<p class="field-error" id="id_age_error">{message}</p>' in page.content.decode()
    assert Response.objects.count() == 0


def test_every_profile_question_and_the_service_are_required(client, unit, service, open_period):
    data = form_data(unit, gender=None, education=None, occupation=None)
    html = client.post(f"/s/{unit.slug}/", data).content.decode()
    summary = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', html)
    assert summary == [
        ("id_service", "Pilih jenis layanan yang Anda terima."),
        ("id_gender_0", "Pilih jenis kelamin Anda."),
        ("id_education_0", "Pilih pendidikan terakhir Anda."),
        ("id_occupation_0", "Pilih pekerjaan Anda."),
    ]
    assert Response.objects.count() == 0


def test_a_service_of_another_unit_cannot_be_chosen(client, agency, unit, service, open_period):
    foreign = service_create(unit=unit_create(agency=agency, name="Dinas Lain"), name="Izin")
    html = client.post(f"/s/{unit.slug}/", form_data(unit, service=foreign.pk)).content.decode()
    assert (
        '<p class="field-error" id="id_service_error">Pilih jenis layanan yang Anda terima.</p>'
        in html
    )
    assert Response.objects.count() == 0


def test_scores_outside_1_to_4_are_refused(client, unit, open_period):
    page = client.post(f"/s/{unit.slug}/", form_data(unit, answer_U1="5"))
    assert page.status_code == 400
    assert "Jawab pertanyaan nomor 1 (Persyaratan)." in page.content.decode()
    assert Response.objects.count() == 0


def test_suggestion_longer_than_2000_characters_is_refused(client, unit, open_period):
    page = client.post(f"/s/{unit.slug}/", form_data(unit, suggestion="a" * 2001))
    assert (
        '<p class="field-error" id="id_suggestion_error">Saran paling banyak 2000 karakter '
        "(saat ini 2001 karakter).</p>"
    ) in page.content.decode()
    assert Response.objects.count() == 0


def test_honeypot_gets_the_thank_you_redirect_and_stores_nothing(client, unit, open_period):
    page = client.post(f"/s/{unit.slug}/", form_data(unit, website="http://spam.example"))
    assert page.status_code == 303
    assert page["Location"] == f"/s/{unit.slug}/terima-kasih/"
    assert Response.objects.count() == 0
    assert rejections(unit) == {"honeypot": 1}


def test_too_fast_asks_politely_and_accepts_the_same_form_later(
    client, unit, open_period, monkeypatch
):
    token = abuse.form_token_issue(unit=unit)  # shown just now
    data = form_data(unit, token=token)
    page = client.post(f"/s/{unit.slug}/", data)
    html = page.content.decode()
    assert page.status_code == 400
    # said as what it is: nothing was sent yet (not "Terima kasih!", issue #15)
    assert (
        "Jawaban Anda belum terkirim. Periksa kembali jawaban Anda di bawah, lalu tekan "
        "“Kirim jawaban” sekali lagi."
    ) in html
    assert "Terima kasih" not in html
    assert 'id="id_answer_U1_3" value="4" checked' in html
    # the same form instance (same time of showing) comes back, so waiting is enough
    assert hidden_value(html, "form_token") == token
    assert Response.objects.count() == 0
    assert rejections(unit) == {"too_fast": 1}

    monkeypatch.setattr(abuse, "MIN_FILL_SECONDS", 0)
    assert client.post(f"/s/{unit.slug}/", data).status_code == 303
    assert Response.objects.get().client_id == abuse.form_token_read(token, unit=unit).id


@pytest.mark.parametrize("kind", ["forged", "missing", "other_unit", "too_old"])
def test_untrustworthy_form_token_gets_a_message_and_a_fresh_form(
    client, agency, unit, open_period, kind
):
    other = unit_create(agency=agency, name="Dinas Lain")
    token = {
        "forged": old_token(unit)[:-2] + "xx",
        "missing": "",
        "other_unit": old_token(other),
        "too_old": old_token(unit, seconds=abuse.FORM_TOKEN_MAX_AGE + 60),
    }[kind]
    page = client.post(f"/s/{unit.slug}/", form_data(unit, token=token))
    html = page.content.decode()
    assert page.status_code == 400
    assert (
        "Formulir ini tidak dapat diterima karena terlalu lama terbuka atau telah diubah. "
        "Jawaban Anda tetap tersimpan di bawah: periksa kembali, lalu kirim ulang formulir."
    ) in html
    fresh = hidden_value(html, "form_token")
    assert fresh != token
    assert abuse.form_token_read(fresh, unit=unit)
    assert 'id="id_answer_U1_3" value="4" checked' in html
    assert Response.objects.count() == 0
    assert rejections(unit) == {"invalid": 1}


def test_rate_limit_per_client_and_unit_stores_nothing_about_the_address(
    client, agency, unit, open_period
):
    unit.submissions_per_hour = 2
    unit.save()
    Period.objects.filter(pk=open_period.pk).update(population=None)  # threshold: the 2
    address = "203.0.113.7"
    # 2 accepted, 18 more held for review (the hard ceiling is 10 times the threshold)
    for _i in range(20):
        page = client.post(f"/s/{unit.slug}/", form_data(unit), REMOTE_ADDR=address)
        assert page.status_code == 303
    refused = client.post(f"/s/{unit.slug}/", form_data(unit), REMOTE_ADDR=address)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Terlalu banyak survei dikirim dari jaringan Anda dalam satu jam terakhir." in html
    assert 'id="id_answer_U1_3" value="4" checked' in html
    assert Response.objects.count() == 2
    assert Response.all_objects.filter(held_at__isnull=False).count() == 18
    assert rejections(unit) == {"rate_limit": 1}
    # another client is not affected, nor is this client at another unit
    assert (
        client.post(f"/s/{unit.slug}/", form_data(unit), REMOTE_ADDR="198.51.100.1").status_code
        == 303
    )
    other = unit_create(agency=agency, name="Dinas Lain")
    open_period_for(other)
    assert (
        client.post(f"/s/{other.slug}/", form_data(other), REMOTE_ADDR=address).status_code == 303
    )
    # nothing about the address anywhere in the stored rows
    stored = [
        *Response.objects.values_list(),
        *Rejection.objects.values_list(),
        *Answer.objects.values_list(),
    ]
    assert Response.objects.count() == 4
    stored += list(Response.all_objects.values_list())
    assert all(address not in str(value) for row in stored for value in row)
    assert address not in abuse.client_key(address, unit)


def test_rate_limit_counts_only_accepted_forms(client, unit, open_period):
    unit.submissions_per_hour = 1
    unit.save()
    Period.objects.filter(pk=open_period.pk).update(population=None)  # threshold: the 1
    client.post(f"/s/{unit.slug}/", form_data(unit, age=None))  # refused: no age
    assert client.post(f"/s/{unit.slug}/", form_data(unit)).status_code == 303
    assert client.post(f"/s/{unit.slug}/", form_data(unit)).status_code == 303
    assert Response.objects.count() == 1  # the second one is held
    assert Response.all_objects.count() == 2


def test_rejections_count_per_day_and_reason(client, unit, open_period):
    for _i in range(3):
        client.post(f"/s/{unit.slug}/", form_data(unit, website="x"))
    row = Rejection.objects.get()
    assert (row.unit, row.day, row.reason, row.count) == (
        unit,
        timezone.localdate(),
        "honeypot",
        3,
    )


def test_response_time_is_now(client, unit, open_period):
    before = timezone.now()
    client.post(f"/s/{unit.slug}/", form_data(unit))
    assert before <= Response.objects.get().submitted_at <= timezone.now()


def test_a_unit_without_services_asks_for_none(client, unit, open_period):
    html = client.get(f"/s/{unit.slug}/").content.decode()
    assert 'name="service"' not in html
    assert client.post(f"/s/{unit.slug}/", form_data(unit)).status_code == 303
    assert Response.objects.get().service is None


def test_the_form_switches_to_english(client, unit, open_period):
    client.cookies["django_language"] = "en"
    page = client.get(f"/s/{unit.slug}/")
    html = page.content.decode()
    assert page["Content-Language"] == "en"
    assert "<h1>Public satisfaction survey" in html
    assert '<span class="choice-text">Female</span>' in html
    # the questionnaire is data: its questions and labels stay as the unit wrote them
    assert '<span class="choice-text">Sangat sesuai</span>' in html
