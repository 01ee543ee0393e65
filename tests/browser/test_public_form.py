"""The public form as a respondent uses it: a phone, the keyboard, an invitation."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from skm.surveys import abuse
from skm.surveys.invitations import invitation_mint
from skm.surveys.models import Invitation, Response
from tests.browser.conftest import PHONE
from tests.public.helpers import ANSWERS, open_period_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_wait(monkeypatch):
    # A script fills the form in a second or two; the live server runs in this process.
    monkeypatch.setattr(abuse, "MIN_FILL_SECONDS", 0)
    cache.clear()


def focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, name: e.name || '', id: e.id || '', type: e.type || ''}; }"
    )


def tab_to(page, name: str | None = None, *, tag: str | None = None, limit: int = 60) -> None:
    """Press Tab until the field ``name`` (or an element ``tag``) has the focus."""
    for _i in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if (name is not None and now["name"] == name) or (tag is not None and now["tag"] == tag):
            return
    raise AssertionError(f"Tab never reached {name or tag}")


def choose(page, name: str, index: int) -> None:
    """Tab into a radio group, check the first answer with Space, arrow down to ``index``."""
    tab_to(page, name)
    page.keyboard.press("Space")
    for _i in range(index):
        page.keyboard.press("ArrowDown")
    checked = page.evaluate(f"() => document.querySelector('input[name={name}]:checked').id")
    assert checked == f"id_{name}_{index}"


def checked_value(page, name: str) -> str | None:
    return page.evaluate(
        f"() => {{ const e = document.querySelector('input[name={name}]:checked');"
        " return e ? e.value : null; }"
    )


def test_phone_keyboard_only_fill_and_thank_you(live_server, phone, unit, service):
    period = open_period_for(unit)
    phone.goto(f"{live_server.url}/s/{unit.slug}/")
    assert phone.locator("h1").inner_text().startswith("Survei Kepuasan Masyarakat")
    # nothing wider than the phone
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    tab_to(phone, "service")
    phone.keyboard.press("ArrowDown")
    assert phone.eval_on_selector("#id_service", "e => e.value") == str(service.pk)
    choose(phone, "gender", 1)  # Perempuan
    tab_to(phone, "age")
    phone.keyboard.type("34")
    choose(phone, "education", 4)  # D4/S1
    choose(phone, "occupation", 4)  # Wirausaha
    for code, value in ANSWERS.items():
        choose(phone, f"answer_{code}", value - 1)
    tab_to(phone, "suggestion")
    phone.keyboard.type("Ruang tunggu nyaman.")
    tab_to(phone, tag="BUTTON")
    assert phone.evaluate("() => document.activeElement.textContent") == "Kirim jawaban"
    with phone.expect_navigation():
        phone.keyboard.press("Enter")

    assert phone.url == f"{live_server.url}/s/{unit.slug}/terima-kasih/"
    assert phone.locator("h1").inner_text() == "Terima kasih atas penilaian yang telah Anda berikan"
    response = Response.objects.get()
    assert (response.period, response.unit, response.service) == (period, unit, service)
    assert (response.channel, response.gender, response.age) == ("online", "P", 34)
    assert (response.education, response.occupation) == ("D4_S1", "WIRAUSAHA")
    assert response.suggestion == "Ruang tunggu nyaman."
    assert {a.element.code: a.value for a in response.answers.all()} == ANSWERS


def test_honeypot_is_unreachable_by_keyboard_and_hidden(live_server, phone, unit):
    open_period_for(unit)
    phone.goto(f"{live_server.url}/s/{unit.slug}/")
    assert not phone.is_visible("#id_website") or phone.evaluate(
        "() => document.getElementById('id_website').getBoundingClientRect().right < 0"
    )
    names = set()
    for _i in range(80):
        phone.keyboard.press("Tab")
        names.add(focused(phone)["name"])
    assert "website" not in names


def test_rejected_form_keeps_the_answers_and_focuses_the_summary(live_server, phone, unit):
    open_period_for(unit)
    phone.goto(f"{live_server.url}/s/{unit.slug}/")
    phone.check("#id_gender_0")
    phone.check("#id_education_2")
    phone.check("#id_occupation_5")
    phone.fill("#id_occupation_other", "Mahasiswa")
    for code, value in ANSWERS.items():
        phone.check(f"#id_answer_{code}_{value - 1}")
    phone.fill("#id_suggestion", "Parkir sempit.")
    with phone.expect_navigation():
        phone.click("button.primary")

    assert focused(phone)["id"] == "error-summary"
    summary = phone.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.locator("a").all_inner_texts() == ["Isi usia Anda dalam tahun."]
    assert phone.locator("#id_age").get_attribute("aria-invalid") == "true"
    assert phone.locator("#id_age_error").inner_text() == "Isi usia Anda dalam tahun."
    assert checked_value(phone, "gender") == "L"
    assert checked_value(phone, "education") == "SMA"
    assert checked_value(phone, "occupation") == "LAINNYA"
    assert phone.input_value("#id_occupation_other") == "Mahasiswa"
    assert phone.input_value("#id_suggestion") == "Parkir sempit."
    for code, value in ANSWERS.items():
        assert checked_value(phone, f"answer_{code}") == str(value)
    assert Response.objects.count() == 0

    # the summary link leads to the field; the corrected form goes through
    phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    assert focused(phone)["id"] == "id_age"
    phone.keyboard.type("52")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert phone.url.endswith(f"/s/{unit.slug}/terima-kasih/")
    response = Response.objects.get()
    assert (response.age, response.occupation_other) == (52, "Mahasiswa")


def test_invitation_used_twice_is_refused_the_second_time(live_server, browser, unit):
    open_period_for(unit)
    unit.invitation_required = True
    unit.save()
    ((_invitation, token, _url),) = invitation_mint(unit=unit)
    link = f"{live_server.url}/s/{unit.slug}/?t={token}"
    pages = []
    for _i in range(2):  # two people (or two tabs) with the same ticket
        context = browser.new_context(viewport=PHONE, locale="id-ID")
        page = context.new_page()
        page.goto(link)
        page.check("#id_gender_1")
        page.fill("#id_age", "29")
        page.check("#id_education_2")
        page.check("#id_occupation_3")
        for code, value in ANSWERS.items():
            page.check(f"#id_answer_{code}_{value - 1}")
        pages.append((context, page))
    try:
        first, second = pages[0][1], pages[1][1]
        with first.expect_navigation():
            first.click("button.primary")
        assert first.url.endswith("/terima-kasih/")
        with second.expect_navigation():
            second.click("button.primary")
        assert second.locator("h1").inner_text() == "Undangan tidak dapat digunakan"
        assert second.locator("[role=alert]").inner_text() == (
            "Undangan ini sudah digunakan untuk mengisi survei. Setiap undangan hanya dapat "
            "digunakan satu kali."
        )
        assert Response.objects.count() == 1
        assert Invitation.objects.get().used_at is not None
        # opening the link again says the same
        second.goto(link)
        assert "sudah digunakan" in second.locator("[role=alert]").inner_text()
    finally:
        for context, _page in pages:
            context.close()


def test_other_occupation_without_javascript_is_shown_and_sent(live_server, browser, unit):
    """Progressive enhancement: with JavaScript off the "If other" field is simply there."""
    open_period_for(unit)
    context = browser.new_context(viewport=PHONE, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{unit.slug}/")
    assert page.locator("#id_occupation_other").is_visible()
    page.check("#id_gender_0")
    page.fill("#id_age", "23")
    page.check("#id_education_2")
    page.check("#id_occupation_5")  # Lainnya
    page.fill("#id_occupation_other", "Mahasiswa")
    for code, value in ANSWERS.items():
        page.check(f"#id_answer_{code}_{value - 1}")
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim jawaban").click()
    assert page.url.endswith(f"/s/{unit.slug}/terima-kasih/")
    assert Response.objects.values_list("occupation", "occupation_other").get() == (
        "LAINNYA",
        "Mahasiswa",
    )
    context.close()


def test_other_occupation_with_an_error_stays_visible(live_server, phone, unit):
    """A refused "If other" text is shown with its error even when another occupation
    is chosen, so that the respondent sees what to correct."""
    open_period_for(unit)
    phone.goto(f"{live_server.url}/s/{unit.slug}/")
    phone.check("#id_occupation_5")
    phone.evaluate(
        "() => document.getElementById('id_occupation_other').removeAttribute('maxlength')"
    )
    phone.fill("#id_occupation_other", "x" * 200)  # longer than the field allows
    phone.check("#id_occupation_0")  # PNS after all: the field hides, its text stays
    assert not phone.locator("#id_occupation_other").is_visible()
    with phone.expect_navigation():
        phone.click("button.primary")
    assert phone.locator("#id_occupation_other").is_visible()
    assert phone.locator("#id_occupation_other_error").is_visible()
    assert checked_value(phone, "occupation") == "PNS"


def test_too_fast_says_the_answers_were_not_sent(live_server, phone, axe_check, monkeypatch, unit):
    open_period_for(unit)
    monkeypatch.setattr(abuse, "MIN_FILL_SECONDS", 3600)
    phone.goto(f"{live_server.url}/s/{unit.slug}/")
    phone.check("#id_gender_1")
    phone.fill("#id_age", "30")
    phone.check("#id_education_2")
    phone.check("#id_occupation_1")
    for code, value in ANSWERS.items():
        phone.check(f"#id_answer_{code}_{value - 1}")
    with phone.expect_navigation():
        phone.click("button.primary")
    notice = phone.locator("#form-notice")
    assert focused(phone)["id"] == "form-notice"
    assert notice.inner_text().startswith("Jawaban Anda belum terkirim.")
    assert "Terima kasih" not in notice.inner_text()
    assert "“Kirim jawaban” sekali lagi" in notice.inner_text()
    assert Response.objects.count() == 0
    axe_check(phone)
    # waiting is enough: the same form goes through
    monkeypatch.setattr(abuse, "MIN_FILL_SECONDS", 0)
    with phone.expect_navigation():
        phone.click("button.primary")
    assert phone.url.endswith(f"/s/{unit.slug}/terima-kasih/")
    assert Response.objects.count() == 1
