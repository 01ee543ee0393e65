"""The suggestions inbox page: listing, search, filters, pagination, escaping, access, PRG."""

from __future__ import annotations

import re

import pytest

from skm.org.services import service_create
from skm.surveys.models import SuggestionReview

pytestmark = pytest.mark.django_db


def _url(unit) -> str:
    return f"/staf/unit/{unit.slug}/saran/"


def _review_url(unit) -> str:
    return f"/staf/unit/{unit.slug}/saran/ubah/"


def _ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="saran-(\d+)"', page)]


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def test_the_inbox_lists_the_subtree_newest_first_with_service_unit_and_element(
    operator_client, add_response, unit, child
):
    ktp = service_create(unit=unit, name="KTP-el")
    old = add_response("Antrean terlalu lama", days_ago=3, service=ktp)
    new = add_response("Toilet kotor", days_ago=1, where=child)
    add_response("", days_ago=2)
    page = operator_client.get(_url(unit)).content.decode()
    assert "<h1>Saran dan masukan</h1>" in page
    assert _ids(page) == [new.pk, old.pk]
    first = page[page.index(f'id="saran-{new.pk}"') : page.index(f'id="saran-{old.pk}"')]
    assert "UPT Contoh" in first
    assert '<span class="tag element-tag">U9 Sarana dan Prasarana</span>' in first
    assert 'class="tag auto-tag"' in first
    second = page[page.index(f'id="saran-{old.pk}"') :]
    assert "KTP-el" in second
    assert '<span class="tag element-tag">U3 Waktu Penyelesaian</span>' in second
    # Opening the inbox gave both suggestions the lexicon's proposal.
    assert dict(SuggestionReview.objects.values_list("response_id", "suggested_element")) == {
        new.pk: "U9",
        old.pk: "U3",
    }
    assert "<script>" not in page
    assert 'style="' not in page


def test_suggestions_are_shown_escaped(operator_client, add_response, unit):
    add_response('<script>alert("x")</script> & <b>tebal</b>')
    page = operator_client.get(_url(unit)).content.decode()
    assert "<script>alert" not in page and "<b>tebal</b>" not in page
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;tebal&lt;/b&gt;"
    assert escaped in page


def test_search_and_filters_work_by_get(operator_client, add_response, unit, operator):
    a = add_response("Antrean terlalu lama", days_ago=3)
    b = add_response("Antrean cepat, petugas judes", days_ago=2)
    c = add_response("Ruang tunggu panas", days_ago=1)
    assert _ids(operator_client.get(_url(unit), {"q": "antrean lama"}).content.decode()) == [a.pk]
    assert _ids(operator_client.get(_url(unit), {"unsur": "U9"}).content.decode()) == [c.pk]
    SuggestionReview.objects.filter(response=b).update(status="ditindaklanjuti")
    page = operator_client.get(_url(unit), {"status": "baru"}).content.decode()
    assert _ids(page) == [c.pk, a.pk]
    # An unknown element is ignored, the other filters still apply.
    page = operator_client.get(_url(unit), {"unsur": "U99", "q": "antrean"}).content.decode()
    assert _ids(page) == [b.pk, a.pk]


def test_pagination_keeps_the_filters(operator_client, add_response, unit):
    made = [add_response(f"Antrean nomor {i}", days_ago=1 + i / 100) for i in range(51)]
    add_response("Parkir sempit", days_ago=5)
    first = operator_client.get(_url(unit), {"q": "antrean"}).content.decode()
    assert _ids(first) == [r.pk for r in made[:50]]
    assert "halaman=2" in first and "q=antrean&amp;halaman=2" in first
    second = operator_client.get(_url(unit), {"q": "antrean", "halaman": "2"}).content.decode()
    assert _ids(second) == [made[50].pk]


def test_changing_element_and_status_stores_a_review_and_redirects_back(
    operator_client, add_response, unit, operator
):
    response = add_response("Ruang tunggu panas")
    operator_client.get(_url(unit))
    reply = operator_client.post(
        _review_url(unit),
        {
            "response": response.pk,
            "element": "U3",
            "status": "ditindaklanjuti",
            "back": "?unsur=U9&q=panas&evil=1",
        },
    )
    assert reply.status_code == 302
    assert reply["Location"] == f"{_url(unit)}?q=panas&unsur=U9#saran-{response.pk}"
    review = SuggestionReview.objects.get()
    assert (review.suggested_element, review.element, review.status, review.updated_by) == (
        "U9",
        "U3",
        "ditindaklanjuti",
        operator,
    )
    page = operator_client.get(_url(unit)).content.decode()
    assert '<span class="tag element-tag">U3 Waktu Penyelesaian</span>' in page
    assert 'class="tag auto-tag"' not in page


def test_a_bad_element_changes_nothing(operator_client, add_response, unit):
    response = add_response("Ruang tunggu panas")
    reply = operator_client.post(
        _review_url(unit), {"response": response.pk, "element": "U42", "status": "baru"}
    )
    assert reply.status_code == 302
    assert SuggestionReview.objects.count() == 0


def test_the_head_of_unit_reads_but_cannot_change(client, head, add_response, unit):
    response = add_response("Ruang tunggu panas")
    client.force_login(head)
    page = client.get(_url(unit)).content.decode()
    assert _ids(page) == [response.pk]
    assert '<form method="post"' not in page.split("</header>", 1)[1]
    reply = client.post(
        _review_url(unit), {"response": response.pk, "element": "U3", "status": "baru"}
    )
    assert reply.status_code == 404
    assert SuggestionReview.objects.get().updated_by is None


def test_another_unit_is_404_for_reading_and_changing(client, stranger, add_response, unit):
    response = add_response("Ruang tunggu panas")
    client.force_login(stranger)
    assert client.get(_url(unit)).status_code == 404
    reply = client.post(
        _review_url(unit), {"response": response.pk, "element": "U3", "status": "baru"}
    )
    assert reply.status_code == 404
    assert SuggestionReview.objects.count() == 0


def test_a_response_outside_the_unit_is_404(client, add_response, unit, child, agency):
    from skm.org.models import Membership
    from tests.conftest import member as _member

    response = add_response("Ruang tunggu panas", where=unit)
    child_operator = _member(child, "operator-upt", Membership.Role.OPERATOR)
    client.force_login(child_operator)
    reply = client.post(
        _review_url(child), {"response": response.pk, "element": "U3", "status": "baru"}
    )
    assert reply.status_code == 404
    assert SuggestionReview.objects.count() == 0


def test_anonymous_users_are_sent_to_log_in(client, unit):
    reply = client.get(_url(unit))
    assert reply.status_code == 302 and reply["Location"].startswith("/staf/masuk/")


def test_the_unit_page_links_to_the_inbox(operator_client, unit):
    page = operator_client.get(f"/staf/unit/{unit.slug}/").content.decode()
    # in the "Tindak lanjut" group of the unit's actions
    followup = page[page.index(">Tindak lanjut</h3>") :]
    assert f'<li><a href="{_url(unit)}">Saran dan masukan</a></li>' in followup.split("</ul>")[0]


def test_a_unit_without_periods_says_so(operator_client, unit):
    reply = operator_client.get(_url(unit))
    assert reply.status_code == 200
    assert _ids(reply.content.decode()) == []


def test_the_default_period_is_the_latest_with_responses(
    operator_client, add_response, unit, period, current_period
):
    import datetime as dt

    from django.utils import timezone

    earlier = add_response(
        "Antrean lama", period=period, days_ago=(timezone.localdate() - dt.date(2025, 3, 1)).days
    )
    page = operator_client.get(_url(unit)).content.decode()
    assert _ids(page) == [earlier.pk]
    assert f'<option value="{period.slug}" selected>' in page
    chosen = operator_client.get(_url(unit), {"periode": current_period.slug}).content.decode()
    assert _ids(chosen) == []
    assert f'<option value="{current_period.slug}" selected>' in chosen
