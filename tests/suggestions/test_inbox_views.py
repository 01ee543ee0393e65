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


# -- bulk actions and the theme filter (issue #15, point 12) ---------------------------------


def _bulk_url(unit) -> str:
    return f"/staf/unit/{unit.slug}/saran/massal/"


def _bulk(client, unit, period, **data):
    return client.post(_bulk_url(unit), {"periode": period.slug, **data})


def _reviews():
    return {
        r.response_id: (r.element, r.status, r.updated_by_id)
        for r in SuggestionReview.objects.all()
    }


def test_the_ticked_suggestions_get_one_status_and_one_audit_event(
    operator_client, add_response, unit, current_period, operator
):
    from skm.audit.models import AuditEvent

    hot = add_response("Ruang tunggu panas")
    queue = add_response("Antrean lama sekali")
    thanks = add_response("Terima kasih, petugas ramah")
    page = operator_client.get(_url(unit)).content.decode()
    assert 'id="bulk-form"' in page and f'name="pilih" value="{hot.pk}"' in page
    assert f'<input type="hidden" name="tampil" value="{thanks.pk}">' in page
    reply = _bulk(
        operator_client,
        unit,
        current_period,
        aksi="status",
        status_baru="ditindaklanjuti",
        pilih=[hot.pk, queue.pk],
        tampil=[hot.pk, queue.pk, thanks.pk],
        back="?status=baru",
    )
    assert reply.status_code == 302 and reply["Location"] == f"{_url(unit)}?status=baru"
    reviews = _reviews()
    assert reviews[hot.pk] == ("U9", "ditindaklanjuti", operator.pk)  # the element it showed
    assert reviews[queue.pk][1:] == ("ditindaklanjuti", operator.pk)
    assert reviews[thanks.pk][1:] == ("baru", None)
    event = AuditEvent.objects.get(model="surveys.suggestionreview")
    assert (event.user, event.unit, event.action) == (operator, unit, "change")
    assert sorted(event.changes["responses"][1]) == sorted([hot.pk, queue.pk])
    assert event.changes["status"] == [None, "ditindaklanjuti"]
    page = operator_client.get(reply["Location"]).content.decode()
    assert "2 saran diubah." in page


def test_select_all_shown_works_without_javascript_and_keeps_to_what_is_shown(
    operator_client, add_response, unit, current_period
):
    hot = add_response("Ruang tunggu panas")
    dirty = add_response("Toilet kotor")
    other = add_response("Antrean lama sekali")
    operator_client.get(_url(unit))
    reply = _bulk(
        operator_client,
        unit,
        current_period,
        aksi="unsur",
        unsur_baru="-",
        semua="1",
        tampil=[hot.pk, dirty.pk],
    )
    assert reply.status_code == 302
    reviews = _reviews()
    assert reviews[hot.pk][0] == "" and reviews[dirty.pk][0] == ""
    assert reviews[hot.pk][2] is not None  # confirmed: "not about an element"
    assert reviews[other.pk][2] is None
    page = operator_client.get(f"{_url(unit)}?unsur=-").content.decode()
    assert sorted(_ids(page)) == sorted([hot.pk, dirty.pk])


def test_accepting_the_automatic_element_leaves_confirmed_ones_alone(
    operator_client, add_response, unit, current_period, operator
):
    hot = add_response("Ruang tunggu panas")
    queue = add_response("Antrean lama sekali")
    odd = add_response("Xyz")
    operator_client.get(_url(unit))
    operator_client.post(
        _review_url(unit), {"response": queue.pk, "element": "U3", "status": "baru"}
    )
    page = operator_client.get(_url(unit)).content.decode()
    assert "Terima unsur otomatis untuk semua yang tampil" in page
    assert "1 saran yang tampil punya unsur otomatis yang belum dikonfirmasi." in page
    _bulk(operator_client, unit, current_period, aksi="otomatis", tampil=[hot.pk, queue.pk, odd.pk])
    reviews = _reviews()
    assert reviews[hot.pk] == ("U9", "baru", operator.pk)
    assert reviews[queue.pk][0] == "U3"
    assert reviews[odd.pk] == ("", "baru", None)  # no proposal: still undecided
    page = operator_client.get(_url(unit)).content.decode()
    assert 'class="tag auto-tag"' not in page
    assert "Terima unsur otomatis untuk semua yang tampil" not in page


def test_bulk_actions_respect_access(
    client, stranger, head, add_response, unit, child, current_period
):
    from skm.org.models import Membership
    from tests.conftest import member as _member

    above = add_response("Ruang tunggu panas", where=unit)
    below = add_response("Toilet kotor", where=child)
    data = {"aksi": "status", "status_baru": "tidak_relevan", "pilih": [above.pk, below.pk]}
    for who in (stranger, head):
        client.force_login(who)
        assert _bulk(client, unit, current_period, **data).status_code == 404
    client.logout()
    assert _bulk(client, unit, current_period, **data).status_code == 302  # to the login
    assert not SuggestionReview.objects.filter(updated_by__isnull=False).exists()
    # an operator of the unit below changes only what lies below, whatever ids are sent
    client.force_login(_member(child, "operator-upt", Membership.Role.OPERATOR))
    reply = _bulk(client, child, current_period, **data)
    assert reply.status_code == 302
    changed = SuggestionReview.objects.filter(status="tidak_relevan")
    assert list(changed.values_list("response_id", flat=True)) == [below.pk]


def test_a_bulk_action_without_a_choice_changes_nothing_and_says_why(
    operator_client, add_response, unit, current_period
):
    hot = add_response("Ruang tunggu panas")
    reply = _bulk(operator_client, unit, current_period, aksi="status", pilih=[hot.pk])
    page = operator_client.get(reply["Location"]).content.decode()
    assert "Tidak ada yang diubah. Pilih status untuk saran yang dipilih." in page
    reply = _bulk(operator_client, unit, current_period, aksi="status", status_baru="baru")
    page = operator_client.get(reply["Location"]).content.decode()
    assert "Centang sedikitnya satu saran" in page
    assert (
        _bulk(operator_client, unit, current_period, aksi="hapus", pilih=[hot.pk]).status_code
        == 302
    )
    assert not SuggestionReview.objects.filter(updated_by__isnull=False).exists()
    assert client_404(operator_client, unit)


def client_404(client, unit) -> bool:
    return (
        client.post(_bulk_url(unit), {"periode": "tidak-ada", "aksi": "status"}).status_code == 404
    )


def test_the_theme_filter_by_get(operator_client, add_response, unit):
    queue = [add_response("Antrean lama!"), add_response("antrean   lama")]
    hot = add_response("Ruang tunggu panas")
    thanks = add_response("Terima kasih, petugas ramah")
    page = operator_client.get(_url(unit)).content.decode()
    assert re.search(r"<option value=\"t:antrean lama\">[Aa]ntrean lama \(2\)</option>", page)
    page = operator_client.get(f"{_url(unit)}?tema=pujian").content.decode()
    assert _ids(page) == [thanks.pk]
    page = operator_client.get(f"{_url(unit)}?tema=keluhan").content.decode()
    assert sorted(_ids(page)) == sorted([q.pk for q in queue] + [hot.pk])
    page = operator_client.get(f"{_url(unit)}?tema=t%3Aantrean+lama").content.decode()
    assert sorted(_ids(page)) == sorted(q.pk for q in queue)
    # the theme survives a single edit's round trip
    reply = operator_client.post(
        _review_url(unit),
        {"response": hot.pk, "element": "U9", "status": "baru", "back": "?tema=keluhan"},
    )
    assert reply["Location"].startswith(f"{_url(unit)}?tema=keluhan")


def test_a_single_edit_is_in_the_audit_trail(operator_client, add_response, unit, operator):
    from skm.audit.models import AuditEvent

    hot = add_response("Ruang tunggu panas")
    operator_client.get(_url(unit))
    operator_client.post(
        _review_url(unit), {"response": hot.pk, "element": "U3", "status": "ditindaklanjuti"}
    )
    event = AuditEvent.objects.get(model="surveys.suggestionreview")
    assert (event.user, event.object_id) == (operator, str(hot.pk))
    assert event.changes == {"element": ["U9", "U3"], "status": ["baru", "ditindaklanjuti"]}
