"""Forms over the per-address threshold are held for review, not refused (issue #12,
finding 8): stored, counted apart, outside every result until staff accept them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from skm.audit.models import AuditEvent
from skm.surveys import abuse
from skm.surveys.counts import verify
from skm.surveys.held import held_accept, held_count, held_reject, held_responses
from skm.surveys.models import Period, Rejection, Response
from skm.surveys.selectors import period_result, period_summary, period_tally
from skm.surveys.services import response_delete
from skm.surveys.suggestions import suggestion_counts, suggestions_for
from skm.transfer.exports import responses_csv
from tests.conftest import Role, member
from tests.public.helpers import form_data, open_period_for

ADDRESS = "203.0.113.7"


def post(client, unit, n: int, *, address: str = ADDRESS, **overrides) -> list[int]:
    return [
        client.post(
            f"/s/{unit.slug}/", form_data(unit, **overrides), REMOTE_ADDR=address
        ).status_code
        for _i in range(n)
    ]


def respondents(period: Period, unit) -> int:
    return period_result(period, unit=unit).respondents


@pytest.fixture
def period(unit):
    # 500 service users over 61 days: 8.2 a day, so the threshold is the unit's 20.
    return open_period_for(unit)


def test_sixty_forms_from_one_address_are_all_stored_the_extra_ones_held(client, unit, period):
    assert abuse.hold_threshold(unit, period) == 20
    assert post(client, unit, 20) == [303] * 20
    before = period_summary(period, unit=unit)
    result_before = period_result(period, unit=unit)
    statuses = post(client, unit, 40, gender="L", suggestion="Loket kurang.")
    assert statuses == [303] * 40  # the same thank-you page: nothing is lost
    assert Response.all_objects.count() == 60
    assert Response.objects.count() == 20
    assert held_count(unit) == 40
    assert set(held_responses(unit).values_list("hold_reason", flat=True)) == {"rate_limit"}
    assert Rejection.objects.count() == 0
    # results unchanged: counts, the tally (scan) and the computed result
    assert period_summary(period, unit=unit) == before
    assert period_tally(period, unit=unit).respondents == 20
    assert period_result(period, unit=unit) == result_before
    assert verify(period_id=period.pk) == []

    user = member(unit, "admin", Role.UNIT_ADMIN)
    ids = list(held_responses(unit).values_list("pk", flat=True))
    assert held_accept(unit=unit, ids=ids, user=user) == 40
    assert held_count(unit) == 0
    assert Response.objects.count() == 60
    assert respondents(period, unit) == 60
    assert period_tally(period, unit=unit).respondents == 60
    assert period_summary(period, unit=unit) != before
    assert verify(period_id=period.pk) == []
    events = AuditEvent.objects.filter(model="surveys.response", action="change")
    assert events.count() == 40
    assert all(e.user_id == user.pk for e in events)


def test_bulk_reject_keeps_held_responses_out_with_the_reason(client, unit, period):
    unit.submissions_per_hour = 2
    unit.save()
    Period.objects.filter(pk=period.pk).update(population=None)
    period.refresh_from_db()
    assert post(client, unit, 6) == [303] * 6
    assert held_count(unit) == 4
    user = member(unit, "admin", Role.UNIT_ADMIN)
    ids = list(held_responses(unit).values_list("pk", flat=True))
    # accept two, reject the rest
    assert held_accept(unit=unit, ids=ids[:2], user=user) == 2
    with pytest.raises(ValidationError):
        held_reject(unit=unit, ids=ids[2:], reason="  ", user=user)
    assert held_reject(unit=unit, ids=ids[2:], reason="Satu perangkat, isian sama", user=user) == 2
    assert held_count(unit) == 0
    assert respondents(period, unit) == 4
    rejected = Response.all_objects.filter(pk__in=ids[2:])
    assert all(r.deleted_at and r.delete_reason == "Satu perangkat, isian sama" for r in rejected)
    assert all(r.hold_reason == "rate_limit" and r.deleted_by == user for r in rejected)
    assert verify(period_id=period.pk) == []
    # decided already: a second decision finds nothing
    with pytest.raises(ValidationError):
        held_accept(unit=unit, ids=ids[2:], user=user)
    # an accepted response can be deleted later like any other, and leaves the counts
    response_delete(response=Response.objects.get(pk=ids[0]), reason="Ganda", user=user)
    assert respondents(period, unit) == 3
    assert verify(period_id=period.pk) == []


def test_the_hard_ceiling_still_answers_429(client, unit, period):
    unit.submissions_per_hour = 2
    unit.save()
    Period.objects.filter(pk=period.pk).update(population=None)
    period.refresh_from_db()
    threshold = abuse.hold_threshold(unit, period)
    ceiling = abuse.hard_ceiling(threshold)
    assert (threshold, ceiling) == (2, 20)
    assert post(client, unit, ceiling) == [303] * ceiling
    refused = client.post(f"/s/{unit.slug}/", form_data(unit), REMOTE_ADDR=ADDRESS)
    assert refused.status_code == 429
    assert "Terlalu banyak survei dikirim dari jaringan Anda" in refused.content.decode()
    assert Response.all_objects.count() == ceiling
    assert held_count(unit) == ceiling - threshold
    assert Rejection.objects.get().reason == "rate_limit"
    # another address is not affected
    assert post(client, unit, 1, address="198.51.100.1") == [303]


def test_a_replay_of_a_held_form_lands_on_thanks_and_stores_nothing(client, unit, period):
    unit.submissions_per_hour = 1
    unit.save()
    Period.objects.filter(pk=period.pk).update(population=None)
    post(client, unit, 1)
    data = form_data(unit)
    first = client.post(f"/s/{unit.slug}/", data, REMOTE_ADDR=ADDRESS)
    again = client.post(f"/s/{unit.slug}/", data, REMOTE_ADDR=ADDRESS)
    assert first.status_code == again.status_code == 303
    assert held_count(unit) == 1
    assert Response.all_objects.count() == 2


def test_held_responses_stay_out_of_suggestions_and_exports(client, unit, period):
    unit.submissions_per_hour = 1
    unit.save()
    Period.objects.filter(pk=period.pk).update(population=None)
    post(client, unit, 1, suggestion="Ramah sekali.")
    post(client, unit, 1, suggestion="Iklan obat murah di sini.")
    assert held_count(unit) == 1
    assert [r.suggestion for r in suggestions_for(unit, period)] == ["Ramah sekali."]
    assert suggestion_counts(unit, period).total == 1
    csv = "".join(responses_csv(period, unit))
    assert "Ramah sekali." in csv and "Iklan obat" not in csv


def test_the_threshold_follows_the_expected_daily_volume(unit):
    today = timezone.localdate()
    period = Period(
        unit=unit,
        start_date=today,
        end_date=today + dt.timedelta(days=179),
        population=24_000,  # the seed's Dinas Dukcapil: ~133 a day over 180 days
    )
    assert abuse.expected_daily(period) == pytest.approx(24_000 / 180)
    assert abuse.hold_threshold(unit, period) == 34  # ceil(0.25 * 133.3)
    assert abuse.hard_ceiling(34) == 340
    period.population = None
    assert abuse.hold_threshold(unit, period) == unit.submissions_per_hour == 20
    unit.submissions_per_hour = 100
    period.population = 24_000
    assert abuse.hold_threshold(unit, period) == 100


def hold_some(client, unit, period, n: int) -> None:
    unit.submissions_per_hour = 1
    unit.save()
    Period.objects.filter(pk=period.pk).update(population=None)
    post(client, unit, n + 1)


def test_the_unit_page_shows_held_responses_and_admins_decide_in_bulk(client, unit, period):
    hold_some(client, unit, period, 3)
    admin = member(unit, "admin", Role.UNIT_ADMIN)
    client.force_login(admin)
    page = client.get(f"/staf/unit/{unit.slug}/").content.decode()
    assert "3 tanggapan ditahan" in page
    assert f'href="/staf/unit/{unit.slug}/ditahan/"' in page
    html = client.get(f"/staf/unit/{unit.slug}/ditahan/").content.decode()
    ids = list(held_responses(unit).values_list("pk", flat=True))
    for pk in ids:
        assert f'name="ids" value="{pk}"' in html
    assert "More forms from one network address" not in html  # shown in Indonesian
    assert "Lebih banyak formulir dari satu alamat jaringan" in html
    decide = f"/staf/unit/{unit.slug}/ditahan/putuskan/"
    # rejecting without a reason changes nothing and says why
    page = client.post(decide, {"ids": ids[:1], "decision": "reject", "reason": ""}, follow=True)
    assert "Sebutkan alasan" in page.content.decode()
    assert held_count(unit) == 3
    client.post(decide, {"ids": ids[:1], "decision": "reject", "reason": "Uji coba petugas"})
    page = client.post(decide, {"ids": ids[1:], "decision": "accept"}, follow=True)
    assert "2 tanggapan yang ditahan diterima" in page.content.decode()
    assert held_count(unit) == 0
    assert respondents(period, unit) == 3
    assert verify(period_id=period.pk) == []
    assert "tanggapan ditahan" not in client.get(f"/staf/unit/{unit.slug}/").content.decode()


def test_only_administrators_of_the_unit_see_held_responses(client, agency, unit, period):
    from skm.org.services import unit_create

    hold_some(client, unit, period, 1)
    operator = member(unit, "operator", Role.OPERATOR)
    client.force_login(operator)
    page = client.get(f"/staf/unit/{unit.slug}/").content.decode()
    assert "1 tanggapan ditahan" in page and "/ditahan/" not in page
    assert client.get(f"/staf/unit/{unit.slug}/ditahan/").status_code == 404
    ids = list(held_responses(unit).values_list("pk", flat=True))
    decide = f"/staf/unit/{unit.slug}/ditahan/putuskan/"
    assert client.post(decide, {"ids": ids, "decision": "accept"}).status_code == 404
    # the administrator of another unit cannot reach these ids through their own unit
    other = unit_create(agency=agency, name="Dinas Lain")
    client.force_login(member(other, "admin-lain", Role.UNIT_ADMIN))
    client.post(f"/staf/unit/{other.slug}/ditahan/putuskan/", {"ids": ids, "decision": "accept"})
    assert held_count(unit) == 1
    assert client.get(f"/staf/unit/{unit.slug}/ditahan/").status_code == 404
