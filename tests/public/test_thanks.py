"""The thank-you page: the unit's latest published IKM, and nothing unpublished."""

from __future__ import annotations

from skm.surveys.services import publication_publish, response_create
from tests.public.helpers import ANSWERS


def test_without_a_publication_no_result_is_shown(client, unit, period):
    response_create(period=period, unit=unit, channel="paper", answers=ANSWERS)
    page = client.get(f"/s/{unit.slug}/terima-kasih/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Terima kasih atas penilaian yang telah Anda berikan" in html
    assert "Nilai IKM" not in html
    assert "91,67" not in html


def _close(period):
    period.status = period.Status.CLOSED
    period.save(update_fields=["status"])


def test_latest_publication_is_shown_with_grade_and_period(client, unit, period):
    for _ in range(5):
        response_create(period=period, unit=unit, channel="paper", answers=ANSWERS)
    publication_publish(period=period, unit=unit)
    _close(period)
    html = client.get(f"/s/{unit.slug}/terima-kasih/").content.decode()
    assert '<span class="value">91,67</span>' in html
    assert '<span class="grade">Mutu pelayanan A: Sangat Baik</span>' in html
    assert "Periode survei Semester I 2025 (1 Januari 2025 s.d. 30 Juni 2025)" in html
    assert "Jumlah responden: 5" in html


def test_an_open_period_or_a_small_one_shows_no_figure(client, unit, child, period):
    """The period a person just answered is open: its figures, which their answers just
    changed, are not shown (docs/privacy.md); nor are those of fewer than 5 respondents."""
    for _ in range(5):
        response_create(period=period, unit=unit, channel="online", answers=ANSWERS)
    for _ in range(4):
        response_create(period=period, unit=child, channel="online", answers=ANSWERS)
    publication_publish(period=period, unit=unit)
    publication_publish(period=period, unit=child)
    html = client.get(f"/s/{unit.slug}/terima-kasih/").content.decode()
    assert "91,67" not in html and "Jumlah responden" not in html
    _close(period)
    html = client.get(f"/s/{child.slug}/terima-kasih/").content.decode()
    assert "91,67" not in html and "Jumlah responden" not in html


def test_publication_without_answers_shows_nothing(client, unit, period):
    publication_publish(period=period, unit=unit)
    assert "Nilai IKM" not in client.get(f"/s/{unit.slug}/terima-kasih/").content.decode()


def test_child_unit_shows_its_own_publication_only(client, unit, child, period):
    response_create(period=period, unit=unit, channel="paper", answers=ANSWERS)
    publication_publish(period=period, unit=unit)
    assert "Nilai IKM" not in client.get(f"/s/{child.slug}/terima-kasih/").content.decode()
