"""The questionnaire in force, without the back office (issue #15, point 4): a unit
administrator at a desktop (1366x900) rewords a question of the open period's questionnaire,
is told what is wrong when a question is left empty (everything typed kept), saves a new
version, and a citizen's phone shows the new wording; the back office names the two-factor
apps in Indonesian for a superuser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from skm.surveys.models import Questionnaire
from tests.browser.conftest import staff_log_in, unit_admin_create
from tests.public.helpers import open_period_for

pytestmark = pytest.mark.django_db(transaction=True)

NEW_U4 = "Apakah biaya layanan KTP-el di loket ini sesuai dengan yang diumumkan?"


def test_unit_admin_rewords_a_question_and_the_form_shows_it(
    live_server, desktop, browser, axe_check, unit
):
    period = open_period_for(unit)
    before = period.questionnaire
    unit_admin_create(unit)
    page = desktop
    staff_log_in(page, live_server.url)

    # from the unit page to the period and its questions
    page.goto(f"{live_server.url}/staf/unit/{unit.slug}/")
    page.get_by_role("link", name="Periode survei dan kuesioner").click()
    page.get_by_role("link", name=period.name).first.click()
    page.wait_for_selector("#questionnaire-title")
    axe_check(page)
    assert page.locator("textarea[name^=q-]").count() == 9

    # an emptied question is refused with the others' new text kept
    page.fill("#q-U4", NEW_U4)
    page.fill("#q-U6", "   ")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan redaksi").click()
    summary = page.locator(".question-edit .error-summary")
    assert "Kompetensi Pelaksana: Pertanyaan tidak boleh kosong." in summary.inner_text()
    assert summary.locator("a").get_attribute("href") == "#q-U6"
    assert page.input_value("#q-U4") == NEW_U4
    assert page.locator("#q-U6-error").inner_text() == "Pertanyaan tidak boleh kosong."
    assert Questionnaire.objects.count() == 1
    axe_check(page)

    # the U6 question given back, the new wording is saved as a new version
    page.fill("#q-U6", "Bagaimana kemampuan petugas dalam memberikan pelayanan?")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan redaksi").click()
    assert "dipakai periode ini" in page.locator(".messages").inner_text()
    period.refresh_from_db()
    assert period.questionnaire != before
    assert period.questionnaire.elements.get(code="U4").question == NEW_U4
    assert before.elements.get(code="U4").question != NEW_U4  # the old version is unchanged

    # a citizen on a phone reads the new question
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    try:
        form = phone.new_page()
        form.goto(f"{live_server.url}/s/{unit.slug}/")
        questions = form.locator("fieldset.element legend .question").all_inner_texts()
        assert questions[3] == NEW_U4
        assert questions[5] == "Bagaimana kemampuan petugas dalam memberikan pelayanan?"
    finally:
        phone.close()


def test_the_back_office_names_the_two_factor_apps_in_indonesian(live_server, desktop):
    get_user_model().objects.create_superuser("super", "", "sandi-rahasia-1")
    staff_log_in(desktop, live_server.url, "super", "sandi-rahasia-1")
    desktop.goto(f"{live_server.url}/admin/")
    text = desktop.locator("#content-main").text_content()  # as written, not as CSS capitalises it
    assert "Aplikasi autentikator (dua faktor)" in text
    assert "Kode cadangan (dua faktor)" in text
    for raw in ("OTP_STATIC", "Otp_Static", "Static devices", "TOTP devices", "Otp_Totp"):
        assert raw not in text
