"""The kiosk as a person at the counter uses it, in headless Chromium."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from skm.surveys.kiosks import clear_caches, kiosk_create
from skm.surveys.models import Answer, Kiosk, Period, Response
from skm.surveys.services import period_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kiosk_page(live_server, unit, page):
    """A kiosk set up through its setup link, showing its start screen."""
    clear_caches()
    today = timezone.localdate()
    period_create(
        unit=unit,
        name="Periode Berjalan",
        kind=Period.Kind.OTHER,
        start_date=today - dt.timedelta(days=7),
        end_date=today + dt.timedelta(days=7),
        status=Period.Status.OPEN,
    )
    kiosk, code = kiosk_create(unit=unit, name="Loket 1")
    # Far below what the staff form allows, so that the idle reset can be watched.
    Kiosk.objects.filter(pk=kiosk.pk).update(idle_reset_seconds=2)
    page.goto(f"{live_server.url}/kios/pasang/{code}/")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/kios/")
    page.wait_for_selector("body[data-screen=start]")
    yield page
    clear_caches()


def _answer_everything(page, score: int = 4) -> None:
    page.click(".k-start")
    for _ in range(9):
        page.click(f".k-answer[data-score='{score}']")
    page.click(".k-choice[data-code=P]")
    page.fill("#k-age", "45")
    page.click(".k-nav .k-primary")
    page.click(".k-choice[data-code=SMA]")
    page.click(".k-choice[data-code=WIRAUSAHA]")
    page.fill("#k-suggestion", "Ruang tunggu nyaman.")
    page.click(".k-submit")
    page.wait_for_selector("body[data-screen=thanks]")


def _wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_the_kiosk_comes_up_in_indonesian_with_big_targets(kiosk_page):
    page = kiosk_page
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.inner_text(".k-start") == "Mulai survei"
    page.click(".k-start")
    assert page.locator(".k-answer").count() == 4
    assert page.inner_text(".k-answer[data-score='1'] .k-answer-label") == "Tidak sesuai"
    for box in (page.locator(".k-answer").nth(i).bounding_box() for i in range(4)):
        assert box["height"] >= 64 and box["width"] >= 64


def test_english_on_the_kiosk_itself(kiosk_page):
    page = kiosk_page
    page.click(".k-lang-button[lang=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.inner_text(".k-start") == "Start the survey"


def test_a_response_is_stored_and_the_screen_resets_after_the_thank_you(kiosk_page, unit):
    page = kiosk_page
    _answer_everything(page)
    assert _wait_for(lambda: Response.objects.count() == 1)
    response = Response.objects.get()
    assert (response.channel, response.unit, response.kiosk.name) == ("kiosk", unit, "Loket 1")
    assert (response.gender, response.age, response.education, response.occupation) == (
        "P",
        45,
        "SMA",
        "WIRAUSAHA",
    )
    assert response.suggestion == "Ruang tunggu nyaman."
    assert sorted(Answer.objects.values_list("value", flat=True)) == [4] * 9
    # Nobody touches the screen: it goes back to the start for the next person.
    page.wait_for_selector("body[data-screen=start]", timeout=20000)
    assert page.locator(".k-answer").count() == 0


def test_a_half_filled_form_resets_after_the_idle_time(kiosk_page):
    page = kiosk_page
    page.click(".k-start")
    page.click(".k-answer[data-score='3']")
    page.click(".k-answer[data-score='2']")
    assert page.inner_text(".k-counter") == "Pertanyaan 3 dari 9"
    page.wait_for_selector("body[data-screen=start]", timeout=20000)
    page.click(".k-start")
    assert page.inner_text(".k-counter") == "Pertanyaan 1 dari 9"
    assert page.locator(".k-answer[aria-pressed=true]").count() == 0
    assert Response.objects.count() == 0


def test_offline_answers_wait_on_the_device_and_are_sent_once_in_order(kiosk_page):
    page = kiosk_page
    page.context.set_offline(True)
    for score in (1, 2, 3):
        _answer_everything(page, score=score)
        page.click(".k-screen-thanks .k-primary")
        page.wait_for_selector("body[data-screen=start]")
    page.wait_for_selector("#k-queue[data-count='3']")
    assert page.inner_text("#k-queue") == "3 menunggu dikirim"
    assert Response.objects.count() == 0

    page.context.set_offline(False)
    assert _wait_for(lambda: Response.objects.count() == 3)
    page.wait_for_selector("#k-queue[data-count='0']", state="attached")
    # Nothing arrives twice, even when the device retries.
    time.sleep(1)
    rows = list(Response.objects.order_by("pk").values_list("client_id", "submitted_at"))
    assert len({client_id for client_id, _at in rows}) == 3
    assert [at for _id, at in rows] == sorted(at for _id, at in rows)
    scores = [
        set(Answer.objects.filter(response__client_id=client_id).values_list("value", flat=True))
        for client_id, _at in rows
    ]
    assert scores == [{1}, {2}, {3}]


def test_a_kiosk_revoked_while_in_use_says_so_and_keeps_the_answers(kiosk_page):
    from skm.surveys.kiosks import kiosk_revoke

    page = kiosk_page
    page.click(".k-start")
    for _ in range(9):
        page.click(".k-answer[data-score='3']")
    for _ in range(4):
        page.click(".k-nav .k-secondary >> nth=1")  # skip the profile questions
    kiosk_revoke(kiosk=Kiosk.objects.get())
    page.click(".k-submit")
    page.wait_for_selector("body[data-screen=revoked]")
    assert page.inner_text("h1") == "Kios dicabut"
    assert page.inner_text(".k-warning") == "1 jawaban tidak terkirim."
    assert Response.objects.count() == 0


def test_a_revoked_kiosk_says_so_when_it_starts(kiosk_page, live_server):
    from skm.surveys.kiosks import kiosk_revoke

    page = kiosk_page
    kiosk_revoke(kiosk=Kiosk.objects.get())
    page.reload()
    page.wait_for_selector("body[data-screen=revoked]")
    assert page.inner_text("h1") == "Kios dicabut"
    assert page.locator(".k-start").count() == 0


def test_a_device_without_a_token_says_how_to_set_it_up(live_server, page):
    page.goto(f"{live_server.url}/kios/")
    page.wait_for_selector("body[data-screen=notsetup]")
    assert page.inner_text("h1") == "Kios belum dipasang"
    assert page.locator("a").count() == 0


def test_still_there_asks_before_the_idle_reset_and_keeps_the_answers(kiosk_page, axe_check):
    page = kiosk_page
    page.set_viewport_size({"width": 1024, "height": 768})
    # 9 s of idle time: the question comes after 6 s, with a 3 s countdown
    Kiosk.objects.update(idle_reset_seconds=9)
    clear_caches()
    page.reload()
    page.wait_for_selector("body[data-screen=start]")
    # the language buttons are a landmark of their own
    languages = page.locator("nav.k-lang[aria-label=Bahasa]")
    assert languages.locator(".k-lang-button").count() == 2
    page.click(".k-start")
    page.click(".k-answer[data-score='3']")
    page.click(".k-answer[data-score='2']")
    page.wait_for_selector("body[data-screen=stillhere]", timeout=15000)
    assert page.inner_text("h1") == "Masih di sini?"
    assert "detik" in page.inner_text("#k-still-countdown")
    page.screenshot(path="/tmp/smalls-shots/kiosk-still-here.png")
    axe_check(page)
    page.click(".k-continue")
    assert page.inner_text(".k-counter") == "Pertanyaan 3 dari 9"
    page.click(".k-nav .k-secondary")  # back: the answer given is still there
    assert page.locator(".k-answer[aria-pressed=true]").get_attribute("data-score") == "2"
    # nobody answers the question: the form is cleared for the next person
    page.wait_for_selector("body[data-screen=stillhere]", timeout=15000)
    page.wait_for_selector("body[data-screen=start]", timeout=10000)
    page.click(".k-start")
    assert page.locator(".k-answer[aria-pressed=true]").count() == 0
    axe_check(page)
