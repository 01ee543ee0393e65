"""An operator triages a suggestion in the inbox, without JavaScript-only controls."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from skm.org.models import Membership
from skm.surveys.models import Period, Response, SuggestionReview
from skm.surveys.services import period_create, response_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_operator_corrects_the_element_and_status(live_server, page, unit):
    today = timezone.localdate()
    period = period_create(
        unit=unit,
        name="Periode Berjalan",
        kind=Period.Kind.SEMESTER,
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=30),
        status=Period.Status.OPEN,
    )
    response = response_create(
        period=period,
        unit=unit,
        channel=Response.Channel.ONLINE,
        answers={f"U{i}": 3 for i in range(1, 10)},
        submitted_at=timezone.now() - dt.timedelta(hours=2),
        suggestion="Ruang tunggu panas <b>sekali</b>",
    )
    user = get_user_model().objects.create_user(username="operator", password="sandi-123-abc")
    Membership.objects.create(
        user=user, agency=unit.agency, unit=unit, role=Membership.Role.OPERATOR
    )
    page.goto(live_server.url + "/staf/masuk/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "sandi-123-abc")
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/staf/unit/{unit.slug}/")
    page.click(".action-groups a >> text=Saran dan masukan")
    card = page.locator(f"#saran-{response.pk}")
    assert card.locator("blockquote").inner_text() == "Ruang tunggu panas <b>sekali</b>"
    assert card.locator(".element-tag").inner_text() == "U9 Sarana dan Prasarana"
    card.locator("select[name=element]").select_option("U3")
    card.locator("select[name=status]").select_option("ditindaklanjuti")
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    card = page.locator(f"#saran-{response.pk}")
    assert card.locator(".element-tag").inner_text() == "U3 Waktu Penyelesaian"
    assert card.locator(".auto-tag").count() == 0
    review = SuggestionReview.objects.get()
    assert (review.suggested_element, review.element, review.status, review.updated_by) == (
        "U9",
        "U3",
        "ditindaklanjuti",
        user,
    )


def test_operator_triages_the_shown_complaints_at_once(live_server, browser, unit):
    today = timezone.localdate()
    period = period_create(
        unit=unit,
        name="Periode Berjalan",
        kind=Period.Kind.SEMESTER,
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=30),
        status=Period.Status.OPEN,
    )
    texts = [
        "Ruang tunggu panas",
        "Antrean lama sekali",
        "Toilet kotor dan bau",
        "Terima kasih, petugas ramah",
        "Pelayanan sudah baik",
    ]
    responses = {
        text: response_create(
            period=period,
            unit=unit,
            channel=Response.Channel.ONLINE,
            answers={f"U{i}": 3 for i in range(1, 10)},
            submitted_at=timezone.now() - dt.timedelta(hours=i + 1),
            suggestion=text,
        )
        for i, text in enumerate(texts)
    }
    user = get_user_model().objects.create_user(username="operator", password="sandi-123-abc")
    Membership.objects.create(
        user=user, agency=unit.agency, unit=unit, role=Membership.Role.OPERATOR
    )
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/staf/masuk/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "sandi-123-abc")
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/staf/unit/{unit.slug}/saran/")

    # the complaints only, through the filter form (GET)
    page.select_option("#id_tema", "keluhan")
    page.click("button >> text=Tampilkan")
    page.wait_for_load_state()
    assert "tema=keluhan" in page.url
    shown = page.locator("li.suggestion blockquote").all_inner_texts()
    assert sorted(shown) == sorted(texts[:3])

    # select all shown ticks every card; a status for all of them in one round trip
    page.check("#pilih-semua")
    boxes = page.locator("li.suggestion input[name=pilih]")
    assert boxes.count() == 3
    assert all(boxes.nth(i).is_checked() for i in range(3))
    boxes.nth(0).uncheck()
    assert not page.is_checked("#pilih-semua")
    page.select_option("#status-baru", "ditindaklanjuti")
    page.click("button[name=aksi][value=status]")
    page.wait_for_load_state()
    assert "2 saran diubah." in page.locator(".messages").inner_text()
    assert "tema=keluhan" in page.url
    acted = set(
        SuggestionReview.objects.filter(status="ditindaklanjuti").values_list(
            "response__suggestion", flat=True
        )
    )
    assert len(acted) == 2 and acted < set(texts[:3])

    # the automatic element accepted for every card shown
    page.click("button >> text=Terima unsur otomatis untuk semua yang tampil")
    page.wait_for_load_state()
    assert page.locator("li.suggestion .auto-tag").count() == 0
    review = SuggestionReview.objects.get(response=responses["Ruang tunggu panas"])
    assert (review.element, review.updated_by) == ("U9", user)
    untouched = SuggestionReview.objects.get(response=responses["Pelayanan sudah baik"])
    assert untouched.updated_by is None
    context.close()
