"""Kiosk services: setup link, token, revocation, and the fast submission path."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from skm.surveys.kiosks import (
    KioskSetupRefused,
    KioskUnauthorized,
    SubmissionInvalid,
    kiosk_activate,
    kiosk_authenticate,
    kiosk_create,
    kiosk_revoke,
    kiosk_setup_link,
    kiosk_submit,
)
from skm.surveys.models import Answer, Kiosk, Period, Rejection, Response
from skm.surveys.services import period_create, response_create

ALL_FOUR = {f"U{i}": 4 for i in range(1, 10)}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _body(**overrides):
    body = {
        "client_id": str(uuid.uuid4()),
        "given_at": timezone.now().isoformat(),
        "service": None,
        "answers": dict(ALL_FOUR),
        "profile": {"gender": "P", "age": 34, "education": "SMA", "occupation": "SWASTA"},
        "suggestion": "Antrean cepat.",
        "queue_length": 0,
    }
    body.update(overrides)
    return body


def test_create_keeps_only_the_hash_of_the_setup_code(unit):
    kiosk, code = kiosk_create(unit=unit, name=" Loket 1 ", idle_reset_seconds=60)
    kiosk.refresh_from_db()
    assert kiosk.name == "Loket 1"
    assert kiosk.setup_hash == _sha(code)
    assert code not in str(Kiosk.objects.filter(pk=kiosk.pk).values().get())
    assert kiosk.token_hash is None
    assert kiosk.setup_expires_at - timezone.now() > dt.timedelta(hours=23, minutes=59)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": " "}, "Kios harus memiliki nama."),
        ({"name": "A", "idle_reset_seconds": 5}, "antara 10 dan 1800 detik"),
        ({"name": "A", "idle_reset_seconds": 4000}, "antara 10 dan 1800 detik"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(unit, kwargs, message):
    with pytest.raises(ValidationError) as error:
        kiosk_create(unit=unit, **kwargs)
    assert message in " ".join(error.value.messages)
    assert Kiosk.objects.count() == 0


def test_create_refuses_a_service_of_another_unit(unit, agency):
    from skm.org.services import service_create, unit_create

    other = unit_create(agency=agency, name="Dinas Lain")
    foreign = service_create(unit=other, name="Paspor")
    with pytest.raises(ValidationError):
        kiosk_create(unit=unit, name="Loket", service=foreign)
    assert Kiosk.objects.count() == 0


def test_create_refuses_a_second_active_kiosk_with_the_same_name(unit):
    kiosk_create(unit=unit, name="Loket 1")
    with pytest.raises(ValidationError):
        kiosk_create(unit=unit, name="Loket 1")
    assert Kiosk.objects.count() == 1


def test_setup_code_works_once_and_the_token_is_stored_hashed(kiosk_and_code):
    kiosk, code = kiosk_and_code
    activated, token = kiosk_activate(code=code)
    kiosk.refresh_from_db()
    assert activated.pk == kiosk.pk
    assert len(token) >= 43
    assert kiosk.token_hash == _sha(token)
    assert kiosk.setup_hash is None
    assert kiosk.activated_at is not None
    assert token not in str(Kiosk.objects.filter(pk=kiosk.pk).values().get())
    with pytest.raises(KioskSetupRefused) as refused:
        kiosk_activate(code=code)
    assert refused.value.reason == "unknown"
    kiosk.refresh_from_db()
    assert kiosk.token_hash == _sha(token)


def test_expired_setup_code_is_refused(kiosk_and_code):
    kiosk, code = kiosk_and_code
    Kiosk.objects.filter(pk=kiosk.pk).update(setup_expires_at=timezone.now())
    with pytest.raises(KioskSetupRefused) as refused:
        kiosk_activate(code=code)
    assert refused.value.reason == "expired"
    kiosk.refresh_from_db()
    assert kiosk.token_hash is None


def test_new_setup_link_replaces_the_old_one_and_the_old_device_works_until_used(kiosk_token):
    kiosk, old_token = kiosk_token
    code = kiosk_setup_link(kiosk=kiosk)
    assert kiosk_authenticate(token=old_token).pk == kiosk.pk
    _kiosk, new_token = kiosk_activate(code=code)
    assert kiosk_authenticate(token=new_token).pk == kiosk.pk
    with pytest.raises(KioskUnauthorized):
        kiosk_authenticate(token=old_token)


def test_revoke_stops_the_token_at_once_and_refuses_new_links(kiosk_token):
    kiosk, token = kiosk_token
    kiosk_revoke(kiosk=kiosk)
    with pytest.raises(KioskUnauthorized) as error:
        kiosk_authenticate(token=token)
    assert error.value.revoked is True
    with pytest.raises(ValidationError):
        kiosk_setup_link(kiosk=kiosk)
    assert Rejection.objects.get().reason == Rejection.Reason.KIOSK_REVOKED


def test_revoke_burns_a_pending_setup_code(kiosk_and_code):
    kiosk, code = kiosk_and_code
    kiosk_revoke(kiosk=kiosk)
    with pytest.raises(KioskSetupRefused):
        kiosk_activate(code=code)


def test_submit_stores_the_same_rows_as_response_create(kiosk_token, open_period, service):
    kiosk, token = kiosk_token
    given = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=5)
    answers = {"U1": 4, "U2": 3, "U3": None, "U4": 1}
    profile = {
        "gender": "L",
        "age": 61,
        "education": "D4_S1",
        "occupation": "LAINNYA",
        "occupation_other": "Petani",
    }
    result = kiosk_submit(
        token=token,
        data=_body(
            given_at=given.isoformat(),
            service=service.slug,
            answers=answers,
            profile=profile,
            suggestion="Ruang tunggu <b>panas</b>",
        ),
    )
    assert result.created is True
    reference = response_create(
        period=open_period,
        unit=kiosk.unit,
        channel=Response.Channel.KIOSK,
        answers=answers,
        service=service,
        submitted_at=given,
        suggestion="Ruang tunggu <b>panas</b>",
        client_id=uuid.uuid4(),
        kiosk=kiosk,
        **profile,
    )
    fields = [
        "period_id",
        "unit_id",
        "service_id",
        "channel",
        "submitted_at",
        "gender",
        "age",
        "education",
        "occupation",
        "occupation_other",
        "suggestion",
        "import_batch_id",
        "kiosk_id",
    ]
    stored = Response.objects.get(client_id=result.client_id)
    assert [getattr(stored, f) for f in fields] == [getattr(reference, f) for f in fields]

    def answer_rows(response):
        return sorted(response.answers.values_list("element_id", "value"))

    assert answer_rows(stored) == answer_rows(reference)
    assert answer_rows(stored) != []


def test_a_replay_is_stored_once(kiosk_token, open_period):
    _kiosk, token = kiosk_token
    body = _body()
    assert kiosk_submit(token=token, data=body).created is True
    again = kiosk_submit(token=token, data=body)
    assert again.created is False
    assert again.client_id == body["client_id"]
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 9


def test_a_client_id_used_by_another_unit_is_refused(kiosk_token, open_period, agency):
    from skm.org.services import unit_create

    _kiosk, token = kiosk_token
    other = unit_create(agency=agency, name="Dinas Lain")
    other_period = period_create(
        unit=other,
        name="Lain",
        kind=Period.Kind.OTHER,
        start_date=open_period.start_date,
        end_date=open_period.end_date,
        status=Period.Status.OPEN,
    )
    client_id = uuid.uuid4()
    response_create(
        period=other_period, unit=other, channel="online", answers={"U1": 3}, client_id=client_id
    )
    with pytest.raises(SubmissionInvalid) as invalid:
        kiosk_submit(token=token, data=_body(client_id=str(client_id)))
    assert list(invalid.value.errors) == ["client_id"]
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"answers": {}}, "answers"),
        ({"answers": {"U1": None}}, "answers"),
        ({"answers": {"U1": 5}}, "answers.U1"),
        ({"answers": {"U1": 0}}, "answers.U1"),
        ({"answers": {"U1": True}}, "answers.U1"),
        ({"answers": {"U1": "4"}}, "answers.U1"),
        ({"answers": {"U10": 3}}, "answers"),
        ({"answers": [4, 4]}, "answers"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"client_id": None}, "client_id"),
        ({"given_at": "kemarin"}, "given_at"),
        ({"profile": {"gender": "X"}}, "profile.gender"),
        ({"profile": {"age": 9}}, "profile.age"),
        ({"profile": {"age": 121}}, "profile.age"),
        ({"profile": {"age": "tiga puluh"}}, "profile.age"),
        ({"profile": {"education": "D3"}}, "profile.education"),
        ({"profile": {"occupation": "PETANI"}}, "profile.occupation"),
        ({"profile": {"occupation_other": "x" * 121}}, "profile.occupation_other"),
        ({"suggestion": "x" * 2001}, "suggestion"),
        ({"suggestion": 12}, "suggestion"),
        ({"service": "tidak-ada"}, "service"),
    ],
)
def test_invalid_submissions_write_nothing(kiosk_token, open_period, changes, field):
    _kiosk, token = kiosk_token
    with pytest.raises(SubmissionInvalid) as invalid:
        kiosk_submit(token=token, data=_body(**changes))
    assert field in invalid.value.errors
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0
    assert Rejection.objects.get().reason == Rejection.Reason.INVALID


def test_unknown_and_revoked_tokens_are_refused_before_anything_is_written(
    kiosk_token, open_period
):
    kiosk, token = kiosk_token
    with pytest.raises(KioskUnauthorized) as unknown:
        kiosk_submit(token="nope", data=_body())
    assert unknown.value.revoked is False
    kiosk_revoke(kiosk=kiosk)
    with pytest.raises(KioskUnauthorized) as revoked:
        kiosk_submit(token=token, data=_body())
    assert revoked.value.revoked is True
    assert Response.objects.count() == 0


def test_a_future_time_is_clamped_to_now(kiosk_token, open_period):
    _kiosk, token = kiosk_token
    now = timezone.now()
    result = kiosk_submit(
        token=token, data=_body(given_at=(now + dt.timedelta(days=2)).isoformat()), now=now
    )
    assert Response.objects.get(client_id=result.client_id).submitted_at == now


def test_a_response_queued_yesterday_goes_to_yesterdays_period(kiosk_token, unit):
    _kiosk, token = kiosk_token
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    old = period_create(
        unit=unit,
        name="Lama",
        kind=Period.Kind.OTHER,
        start_date=yesterday - dt.timedelta(days=10),
        end_date=yesterday,
        status=Period.Status.OPEN,
    )
    new = period_create(
        unit=unit,
        name="Baru",
        kind=Period.Kind.OTHER,
        start_date=today,
        end_date=today + dt.timedelta(days=10),
        status=Period.Status.OPEN,
    )
    given = timezone.now() - dt.timedelta(days=1)
    late = kiosk_submit(token=token, data=_body(given_at=given.isoformat()))
    fresh = kiosk_submit(token=token, data=_body())
    assert Response.objects.get(client_id=late.client_id).period == old
    assert Response.objects.get(client_id=late.client_id).submitted_at == given
    assert Response.objects.get(client_id=fresh.client_id).period == new


def test_a_parent_units_period_covers_a_kiosk_of_a_child_unit(agency, unit, child):
    today = timezone.localdate()
    parent_period = period_create(
        unit=unit,
        name="Dinas",
        kind=Period.Kind.OTHER,
        start_date=today,
        end_date=today,
        status=Period.Status.OPEN,
    )
    kiosk, code = kiosk_create(unit=child, name="UPT")
    _kiosk, token = kiosk_activate(code=code)
    result = kiosk_submit(token=token, data=_body())
    stored = Response.objects.get(client_id=result.client_id)
    assert (stored.period, stored.unit, stored.kiosk) == (parent_period, child, kiosk)


def test_a_device_clock_far_behind_is_dated_at_the_start_of_todays_period(kiosk_token, open_period):
    _kiosk, token = kiosk_token
    result = kiosk_submit(token=token, data=_body(given_at="1990-01-01T08:00:00+07:00"))
    stored = Response.objects.get(client_id=result.client_id)
    assert stored.period == open_period
    assert timezone.localtime(stored.submitted_at) == timezone.make_aware(
        dt.datetime.combine(open_period.start_date, dt.time.min)
    )


def test_no_open_period_refuses_and_counts_it(kiosk_token, period):
    _kiosk, token = kiosk_token  # ``period`` lies in 2025, not today
    Period.objects.filter(pk=period.pk).update(end_date=dt.date(2025, 1, 31))
    with pytest.raises(SubmissionInvalid) as invalid:
        kiosk_submit(token=token, data=_body())
    assert list(invalid.value.errors) == ["period"]
    assert Response.objects.count() == 0
    assert Rejection.objects.get().reason == Rejection.Reason.CLOSED


def test_a_kiosk_bound_to_a_service_stores_that_service(unit, service, open_period):
    _kiosk, code = kiosk_create(unit=unit, name="KTP", service=service)
    _kiosk, token = kiosk_activate(code=code)
    result = kiosk_submit(token=token, data=_body(service=None))
    assert Response.objects.get(client_id=result.client_id).service == service


def test_last_contact_is_written_at_most_every_30_seconds(kiosk_token, open_period):
    kiosk, token = kiosk_token
    start = timezone.now() + dt.timedelta(minutes=1)
    kiosk_submit(token=token, data=_body(queue_length=7), now=start)
    kiosk.refresh_from_db()
    assert (kiosk.last_contact_at, kiosk.last_queue_length) == (start, 7)
    kiosk_submit(token=token, data=_body(queue_length=6), now=start + dt.timedelta(seconds=10))
    kiosk.refresh_from_db()
    assert (kiosk.last_contact_at, kiosk.last_queue_length) == (start, 7)
    later = start + dt.timedelta(seconds=31)
    kiosk_submit(token=token, data=_body(queue_length=0), now=later)
    kiosk.refresh_from_db()
    assert (kiosk.last_contact_at, kiosk.last_queue_length) == (later, 0)
    assert Response.objects.count() == 3


def test_closing_the_period_between_two_submissions_refuses_the_second(kiosk_token, open_period):
    _kiosk, token = kiosk_token
    kiosk_submit(token=token, data=_body())
    Period.objects.filter(pk=open_period.pk).update(status=Period.Status.CLOSED)
    with pytest.raises(SubmissionInvalid) as invalid:
        kiosk_submit(token=token, data=_body())
    assert list(invalid.value.errors) == ["period"]
    assert Response.objects.count() == 1


def test_revoking_between_two_submissions_refuses_the_second(kiosk_token, open_period):
    kiosk, token = kiosk_token
    kiosk_submit(token=token, data=_body())
    kiosk_revoke(kiosk=kiosk)
    with pytest.raises(KioskUnauthorized):
        kiosk_submit(token=token, data=_body())
    assert Response.objects.count() == 1


def test_many_submissions_of_one_kiosk_each_store_nine_answers(kiosk_token, open_period):
    _kiosk, token = kiosk_token
    bodies = [_body(answers={**ALL_FOUR, "U9": 1 + i % 4}) for i in range(12)]
    for body in bodies:
        assert kiosk_submit(token=token, data=body).created is True
    for body in bodies[:3]:
        assert kiosk_submit(token=token, data=body).created is False
    assert Response.objects.count() == 12
    assert Answer.objects.count() == 108
    assert sorted(Answer.objects.filter(element__code="U9").values_list("value", flat=True)) == [
        1,
        1,
        1,
        2,
        2,
        2,
        3,
        3,
        3,
        4,
        4,
        4,
    ]
