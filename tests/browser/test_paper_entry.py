"""An operator types paper questionnaires with the keyboard only; an incomplete one is saved
only with the explicit button, and the last one saved can be undone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from skm.org.models import Membership
from skm.org.services import agency_create, service_create, unit_create
from skm.surveys.counts import verify
from skm.surveys.models import Answer, Period, Response
from skm.surveys.selectors import period_summary
from skm.surveys.services import period_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup():
    agency = agency_create(name="Pemerintah Kota Contoh", city="Kota Contoh")
    unit = unit_create(agency=agency, name="Dinas Contoh")
    service_create(unit=unit, name="Akta Kelahiran")
    ktp = service_create(unit=unit, name="KTP-el")
    today = timezone.localdate()
    period = period_create(
        unit=unit,
        name="Periode Berjalan",
        kind=Period.Kind.SEMESTER,
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=30),
        status=Period.Status.OPEN,
    )
    user = get_user_model().objects.create_user(username="operator", password="sandi-rahasia-1")
    Membership.objects.create(user=user, agency=agency, unit=unit, role=Membership.Role.OPERATOR)
    return unit, ktp, period


def _autofocused(page, attribute: str, value: str) -> None:
    """Wait until the page's autofocus has landed on the element: Chromium applies
    ``autofocus`` a moment after the page is shown, and a key typed before that is lost."""
    # Polled from here: the page's Content-Security-Policy refuses wait_for_function's eval.
    for _ in range(100):
        if page.evaluate(f"document.activeElement && document.activeElement.{attribute}") == value:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"the focus never reached {attribute}={value!r}")


def _answers(response):
    return dict(Answer.objects.filter(response=response).values_list("element__code", "value"))


def test_operator_types_two_questionnaires_with_the_keyboard(live_server, page, setup):
    unit, ktp, period = setup
    page.goto(f"{live_server.url}/staf/unit/{unit.slug}/kertas/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "sandi-rahasia-1")
    page.keyboard.press("Enter")
    page.wait_for_selector("#paper-form")
    _autofocused(page, "name", "u_U1")

    # 1: nine digits move through U1..U9 by themselves, then the profile; the service list
    # takes its number ("2 – KTP-el"); Enter in the suggestion saves.
    page.keyboard.type("443444433")
    assert page.evaluate("document.activeElement.name") == "gender"
    page.keyboard.type("p")
    page.keyboard.type("34")
    page.keyboard.press("Tab")
    page.keyboard.type("5")  # D4/S1
    page.keyboard.type("4")  # Swasta; "other occupation" is skipped
    assert page.evaluate("document.activeElement.name") == "service"
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("Antrean cepat")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Tersimpan lengkap: kuesioner ke-1 hari ini.")
    _autofocused(page, "name", "u_U1")
    assert page.input_value("#id_u_U1") == ""

    # 2: U3 left empty with Tab; a wrong key (5) is refused on the spot; occupation 6 goes on
    # to "other occupation"; Enter saves from there.
    page.keyboard.type("44")
    page.keyboard.press("Tab")
    page.keyboard.type("5")
    assert page.input_value("#id_u_U4") == ""
    page.keyboard.type("333333")
    page.keyboard.type("L")
    page.keyboard.type("52")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.type("6")
    assert page.evaluate("document.activeElement.name") == "occupation_other"
    page.keyboard.type("Petani")
    page.keyboard.press("Enter")
    # U3 and the service are empty: Enter asks first, the explicit button saves
    page.wait_for_selector("#incomplete")
    assert page.locator("#incomplete li").all_inner_texts() == ["U3", "jenis layanan"]
    assert Response.objects.count() == 1
    page.click("button >> text=Simpan walau belum lengkap")
    page.wait_for_selector("text=Tersimpan TIDAK LENGKAP: kuesioner ke-2 hari ini")

    first, second = Response.objects.order_by("pk")
    assert (first.channel, second.channel) == (Response.Channel.PAPER, Response.Channel.PAPER)
    assert (first.period, first.unit, first.service) == (period, unit, ktp)
    assert (first.gender, first.age, first.education, first.occupation) == (
        "P",
        34,
        "D4_S1",
        "SWASTA",
    )
    assert first.suggestion == "Antrean cepat"
    assert _answers(first) == {
        "U1": 4, "U2": 4, "U3": 3, "U4": 4, "U5": 4, "U6": 4, "U7": 4, "U8": 3, "U9": 3,
    }  # fmt: skip
    assert (second.gender, second.age, second.education, second.occupation) == (
        "L",
        52,
        "SMA",
        "LAINNYA",
    )
    assert (second.occupation_other, second.service) == ("Petani", None)
    assert _answers(second) == {
        "U1": 4, "U2": 4, "U4": 3, "U5": 3, "U6": 3, "U7": 3, "U8": 3, "U9": 3,
    }  # fmt: skip


def test_a_stray_enter_does_not_save_an_incomplete_questionnaire(live_server, browser, setup):
    unit, _ktp, period = setup
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/staf/unit/{unit.slug}/kertas/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "sandi-rahasia-1")
    page.keyboard.press("Enter")
    page.wait_for_selector("#paper-form")
    empty = period_summary(period, unit=unit)
    _autofocused(page, "name", "u_U1")

    # U1 and U2, then a stray Enter in the first profile field
    page.keyboard.type("43")
    page.click("#id_gender")
    page.keyboard.press("Enter")
    page.wait_for_selector("#incomplete")
    assert Response.objects.count() == 0
    notice = page.locator("#incomplete")
    _autofocused(page, "id", "incomplete")
    assert notice.locator("li").all_inner_texts() == [
        *(f"U{i}" for i in range(3, 10)),
        "jenis kelamin",
        "usia",
        "pendidikan",
        "pekerjaan",
        "jenis layanan",
    ]
    assert page.input_value("#id_u_U1") == "4" and page.input_value("#id_u_U2") == "3"
    # Enter again, on the notice and in a field, still saves nothing
    page.keyboard.press("Enter")
    page.click("#id_age")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.wait_for_selector("#incomplete")
    assert Response.objects.count() == 0
    # the link in the notice leads to the field
    notice.locator("a >> text=U3").click()
    assert page.evaluate("document.activeElement.name") == "u_U3"

    page.click("button >> text=Simpan walau belum lengkap")
    page.wait_for_selector(".messages li.warning")
    message = page.locator(".messages").inner_text()
    assert "Tersimpan TIDAK LENGKAP: kuesioner ke-1 hari ini, tanpa U3" in message
    assert "Tersimpan lengkap" not in message
    stored = Response.objects.get()
    assert _answers(stored) == {"U1": 4, "U2": 3}
    assert period_summary(period, unit=unit) != empty

    # taken back from the page: gone from the counts, the form ready for the next one
    last = page.locator("form.last-entry")
    assert "tidak lengkap" in last.inner_text()
    last.get_by_role("button", name="Urungkan").click()
    page.wait_for_selector("text=Diurungkan: kuesioner yang terakhir disimpan tidak dihitung lagi")
    assert Response.objects.count() == 0
    assert Response.all_objects.get(pk=stored.pk).deleted_at is not None
    assert period_summary(period, unit=unit) == empty
    assert verify(period_id=period.pk) == []
    assert page.locator("form.last-entry").count() == 0
    context.close()
