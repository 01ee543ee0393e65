"""The public portal at / (and /s/, /p/): which units it lists, the search without
JavaScript, and only published figures (issue #15)."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from skm.org.services import service_create, unit_create
from skm.surveys.services import publication_publish, response_create
from tests.public.helpers import ANSWERS, open_period_for


def _close(period):
    period.status = period.Status.CLOSED
    period.save(update_fields=["status"])


def _cards(html: str) -> list[str]:
    return re.findall(r'<li class="card portal-unit" data-unit="([^"]+)"', html)


def test_lists_units_with_an_open_survey_and_their_services(client, unit, child, service):
    open_period_for(unit)  # covers the child too, as the form does
    other = unit_create(agency=unit.agency, name="Dinas Tanpa Survei")
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200
    assert _cards(html) == [unit.slug, child.slug]
    assert other.name not in html
    assert f'href="/s/{unit.slug}/"' in html and f'href="/s/{child.slug}/"' in html
    assert f'href="/s/{unit.slug}/{service.slug}/"' in html
    assert ">Isi survei<" in html
    # nothing published: no results link, no figure
    assert "/p/" not in html and "IKM" not in html.split("<main", 1)[1]
    # the child names the unit above it
    assert f'<p class="eyebrow">{unit.name}</p>' in html
    # staff sign-in is one quiet link in the footer
    assert html.count('href="/staf/masuk/"') == 1
    assert 'class="staff-link"' in html


def test_published_ikm_shown_only_for_a_closed_published_period(client, unit, period, child):
    for _ in range(5):
        response_create(period=period, unit=unit, channel="paper", answers=ANSWERS)
    html = client.get("/").content.decode()
    assert _cards(html) == []  # the period is not open today and nothing is published
    assert "Belum ada unit layanan" in html

    publication_publish(period=period, unit=unit)
    html = client.get("/").content.decode()
    # published but still open: listed with its results page, no figure (docs/privacy.md)
    assert _cards(html) == [unit.slug]
    assert f'href="/p/{unit.slug}/"' in html and ">Lihat hasil<" in html
    assert "91,67" not in html and 'data-testid="portal-ikm"' not in html
    # not open today: no "Isi survei"
    assert f'href="/s/{unit.slug}/"' not in html
    assert "Saat ini tidak ada survei yang dibuka." in html

    _close(period)
    html = client.get("/").content.decode()
    assert '<span class="ikm-figure">IKM 91,67</span>' in html
    assert "Mutu pelayanan A: Sangat Baik" in html
    assert "Periode survei Semester I 2025" in html


def test_unpublished_and_small_results_never_show(client, unit, child, period):
    """A closed period's figures appear only once published, and never under 5."""
    for _ in range(5):
        response_create(period=period, unit=unit, channel="paper", answers=ANSWERS)
    for _ in range(4):
        response_create(period=period, unit=child, channel="paper", answers=ANSWERS)
    _close(period)
    open_period_for(unit, name="Semester II")  # both listed, for their open survey
    html = client.get("/").content.decode()
    assert _cards(html) == [unit.slug, child.slug]
    assert "91,67" not in html and "/p/" not in html

    publication_publish(period=period, unit=child)  # 4 respondents: minimum-cell rule
    html = client.get("/").content.decode()
    assert f'href="/p/{child.slug}/"' in html
    assert "91,67" not in html


def test_invitation_units_say_how_to_take_part(client, unit):
    open_period_for(unit)
    unit.invitation_required = True
    unit.save(update_fields=["invitation_required"])
    html = client.get("/").content.decode()
    assert _cards(html) == [unit.slug]
    assert f'href="/s/{unit.slug}/"' not in html
    assert "pindai kode QR pada tiket" in html


def test_search_works_without_javascript(client, unit, child, service):
    open_period_for(unit)
    service_create(unit=child, name="Imunisasi Anak")
    page = client.get("/", {"q": "  ktp-EL "})
    html = page.content.decode()
    assert page.status_code == 200
    assert _cards(html) == [unit.slug]  # by a service's name, case-insensitive
    assert "Unit yang cocok dengan “ktp-EL”: 1" in html
    assert 'value="ktp-EL"' in html  # the box keeps the query
    assert '<details class="portal-services" open>' in html  # the service is shown
    assert 'href="/"' in html  # show all again

    # every word must match: unit, unit above or agency names count
    assert _cards(client.get("/", {"q": "contoh imunisasi"}).content.decode()) == [child.slug]
    assert _cards(client.get("/", {"q": "upt"}).content.decode()) == [child.slug]

    html = client.get("/", {"q": "pajak kendaraan"}).content.decode()
    assert _cards(html) == []
    assert "Tidak ada yang cocok dengan pencarian Anda." in html
    # a query is text, never markup
    html = client.get("/", {"q": "<script>x</script>"}).content.decode()
    assert "<script>x" not in html and "&lt;script&gt;x" in html
    assert client.get("/", {"q": "x" * 5000}).status_code == 200


def test_s_and_p_lead_to_the_portal_with_the_search(client, unit):
    open_period_for(unit)
    for path in ("/s/", "/p/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, "/")
        response = client.get(path, {"q": "dinas  contoh"})
        assert response["Location"] == "/?q=dinas+contoh"
        page = client.get(path, {"q": "dinas"}, follow=True)
        assert _cards(page.content.decode()) == [unit.slug]
    assert client.post("/").status_code == 405


def test_queries_do_not_grow_with_the_units(client, agency):
    root = unit_create(agency=agency, name="Pemerintah")
    open_period_for(root)
    for i in range(3):
        service_create(unit=unit_create(agency=agency, name=f"UPT {i}", parent=root), name="A")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for i in range(3, 12):
        service_create(unit=unit_create(agency=agency, name=f"UPT {i}", parent=root), name="A")
    with CaptureQueriesContext(connection) as many:
        html = client.get("/").content.decode()
    assert len(_cards(html)) == 13
    assert len(many) == len(few)


def test_publication_page_offers_the_survey_and_thanks_links_the_results(client, unit, period):
    for _ in range(5):
        response_create(period=period, unit=unit, channel="paper", answers=ANSWERS)
    publication_publish(period=period, unit=unit)
    _close(period)
    html = client.get(f"/p/{unit.slug}/").content.decode()
    assert "Isi survei" not in html  # no survey open today
    assert 'href="/"' in html  # all units

    open_period_for(unit, name="Semester II")
    html = client.get(f"/p/{unit.slug}/").content.decode()
    assert f'<a class="button" href="/s/{unit.slug}/">Isi survei</a>' in html
    html = client.get(f"/p/{unit.slug}/{period.slug}/").content.decode()
    assert f'href="/s/{unit.slug}/"' in html

    html = client.get(f"/s/{unit.slug}/terima-kasih/").content.decode()
    assert f'href="/p/{unit.slug}/"' in html
    assert f"Lihat hasil survei {unit.name} yang sudah diumumkan" in html
    assert 'href="/">Semua unit layanan<' in html


def test_thanks_without_publication_links_only_the_portal(client, unit):
    open_period_for(unit)
    html = client.get(f"/s/{unit.slug}/terima-kasih/").content.decode()
    assert "/p/" not in html
    assert 'href="/">Semua unit layanan<' in html


def test_closed_survey_points_to_the_results_and_the_other_units(client, unit, period):
    # ``period`` is Semester I 2025: open, but not covering today.
    html = client.get(f"/s/{unit.slug}/").content.decode()
    assert "Survei sedang ditutup" in html
    assert 'href="/">Semua unit layanan<' in html and "/p/" not in html
    for _ in range(5):
        response_create(period=period, unit=unit, channel="paper", answers=ANSWERS)
    publication_publish(period=period, unit=unit)
    html = client.get(f"/s/{unit.slug}/").content.decode()
    assert f'href="/p/{unit.slug}/"' in html


def test_the_list_is_cached_until_what_it_shows_changes(client, unit, period):
    from skm.surveys.publication import publication_unpublish

    for _ in range(5):
        response_create(period=period, unit=unit, channel="paper", answers=ANSWERS)
    publication_publish(period=period, unit=unit)
    with CaptureQueriesContext(connection) as first:
        assert _cards(client.get("/").content.decode()) == [unit.slug]
    with CaptureQueriesContext(connection) as again:
        assert _cards(client.get("/").content.decode()) == [unit.slug]
    assert len(again) <= 5 < len(first)
    # closing the period (a status change only) shows its figure at once
    _close(period)
    assert "IKM 91,67" in client.get("/").content.decode()
    # so do a withdrawal, a new open survey and a new service
    publication_unpublish(period=period, unit=unit)
    assert _cards(client.get("/").content.decode()) == []
    open_period_for(unit, name="Semester II")
    assert _cards(client.get("/").content.decode()) == [unit.slug]
    service_create(unit=unit, name="Kartu Keluarga")
    assert "Kartu Keluarga" in client.get("/").content.decode()
