"""Units that require an invitation: single-use signed tokens, refused by reason."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from skm.org.services import service_create, unit_create
from skm.surveys import abuse
from skm.surveys.invitations import (
    InvitationExpired,
    InvitationForged,
    InvitationMissing,
    InvitationOtherUnit,
    InvitationUsed,
    invitation_check,
    invitation_mint,
    invitation_redeem,
    response_create_invited,
)
from skm.surveys.models import Invitation, Rejection, Response
from tests.public.helpers import ANSWERS, form_data, hidden_value, open_period_for

USED = (
    "Undangan ini sudah digunakan untuk mengisi survei. Setiap undangan hanya dapat "
    "digunakan satu kali."
)
MISSING = (
    "Survei ini hanya dapat diisi dengan undangan. Pindai kode QR pada tiket antrean Anda "
    "atau buka tautan yang Anda terima."
)
FORGED = (
    "Tautan undangan ini tidak sah. Pastikan seluruh tautan tersalin, atau pindai ulang kode "
    "QR pada tiket Anda."
)
EXPIRED = "Undangan ini sudah kedaluwarsa. Mintalah undangan baru di loket pelayanan."
OTHER = (
    "Undangan ini untuk unit layanan atau jenis layanan lain. Buka tautan persis seperti "
    "yang Anda terima."
)


@pytest.fixture
def invited_unit(unit, open_period):
    unit.invitation_required = True
    unit.save()
    return unit


def rejections(unit) -> dict[str, int]:
    return dict(Rejection.objects.filter(unit=unit).values_list("reason", "count"))


def mint_one(unit, **kwargs):
    ((invitation, token, url),) = invitation_mint(unit=unit, **kwargs)
    return invitation, token, url


# -- services ------------------------------------------------------------------------------


def test_mint_returns_signed_tokens_and_form_urls(unit, service):
    before = timezone.now()
    minted = invitation_mint(unit=unit, service=service, count=3, valid_for=dt.timedelta(hours=5))
    assert len(minted) == 3 == Invitation.objects.count()
    for invitation, token, url in minted:
        assert abuse.invitation_token_read(token) == invitation.pk
        assert url == f"/s/{unit.slug}/ktp-el/?t={token}"
        assert invitation.service == service
        assert invitation.used_at is None
        assert before + dt.timedelta(hours=5) <= invitation.expires_at
        assert invitation.expires_at <= timezone.now() + dt.timedelta(hours=5)
    assert len({token for _i, token, _u in minted}) == 3


@override_settings(PUBLIC_BASE_URL="https://skm.pekalongankota.go.id")
def test_mint_urls_are_absolute_with_the_public_base_url(unit):
    _invitation, token, url = mint_one(unit)
    assert url == f"https://skm.pekalongankota.go.id/s/{unit.slug}/?t={token}"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": 0}, "Jumlah undangan harus antara 1 dan 500."),
        ({"count": 501}, "Jumlah undangan harus antara 1 dan 500."),
        ({"valid_for": dt.timedelta(days=31)}, "Masa berlaku undangan paling singkat satu jam"),
    ],
)
def test_mint_refuses_bad_arguments_and_writes_nothing(unit, kwargs, message):
    with pytest.raises(ValidationError) as error:
        invitation_mint(unit=unit, **kwargs)
    assert error.value.messages[0].startswith(message)
    assert Invitation.objects.count() == 0


def test_mint_refuses_a_service_of_another_unit(agency, unit):
    foreign = service_create(unit=unit_create(agency=agency, name="Dinas Lain"), name="Izin")
    with pytest.raises(ValidationError):
        invitation_mint(unit=unit, service=foreign)
    assert Invitation.objects.count() == 0


def test_check_names_each_problem(agency, unit, service):
    other = unit_create(agency=agency, name="Dinas Lain")
    _i, token, _u = mint_one(unit)
    assert invitation_check(unit=unit, token=token).unit == unit
    cases = [
        ("", InvitationMissing),
        ("MQ:1xX4nl:forged", InvitationForged),
        (abuse.invitation_token_sign(999999), InvitationForged),
        (mint_one(other)[1], InvitationOtherUnit),
    ]
    for bad, error in cases:
        with pytest.raises(error):
            invitation_check(unit=unit, token=bad)
    expired, expired_token, _u = mint_one(unit)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    with pytest.raises(InvitationExpired):
        invitation_check(unit=unit, token=expired_token)
    _locked, locked_token, _u = mint_one(unit, service=service)
    other_service = service_create(unit=unit, name="Akta")
    with pytest.raises(InvitationOtherUnit):
        invitation_check(unit=unit, token=locked_token, service=other_service)


def test_redeem_is_a_conditional_update_that_succeeds_once(unit):
    invitation, token, _u = mint_one(unit)
    first = Invitation.objects.get(pk=invitation.pk)
    second = Invitation.objects.get(pk=invitation.pk)  # a concurrent request's copy
    invitation_redeem(invitation=first)
    with pytest.raises(InvitationUsed):
        invitation_redeem(invitation=second)
    assert Invitation.objects.get().used_at == first.used_at
    with pytest.raises(InvitationUsed):
        invitation_check(unit=unit, token=token)


def test_a_failed_store_leaves_the_invitation_unused(unit, open_period):
    _invitation, token, _u = mint_one(unit)
    with pytest.raises(ValidationError):
        response_create_invited(
            token=token,
            unit=unit,
            period=open_period,
            client_id=uuid.uuid4(),
            channel="online",
            answers={"U1": 7},
        )
    assert Invitation.objects.get().used_at is None
    assert Response.objects.count() == 0


# -- the form ------------------------------------------------------------------------------


def test_form_without_invitation_is_refused(client, invited_unit):
    page = client.get(f"/s/{invited_unit.slug}/")
    assert page.status_code == 403
    html = page.content.decode()
    assert "Survei ini khusus dengan undangan" in html
    assert MISSING in html
    assert 'class="survey"' not in html
    posted = client.post(f"/s/{invited_unit.slug}/", form_data(invited_unit))
    assert posted.status_code == 403
    assert Response.objects.count() == 0
    assert rejections(invited_unit) == {"invitation_missing": 1}


def test_valid_invitation_is_carried_through_the_form_and_used_once(client, invited_unit):
    _invitation, token, url = mint_one(invited_unit)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert hidden_value(html, "t") == token
    data = form_data(invited_unit, t=token)
    posted = client.post(f"/s/{invited_unit.slug}/", data)
    assert posted.status_code == 303
    assert posted["Location"] == f"/s/{invited_unit.slug}/terima-kasih/"
    response = Response.objects.get()
    assert response.channel == "online"
    assert {a.element.code: a.value for a in response.answers.all()} == ANSWERS
    assert Invitation.objects.get().used_at is not None
    # the same POST again (double click): the thank-you page, not "already used"
    again = client.post(f"/s/{invited_unit.slug}/", data)
    assert again.status_code == 303
    assert Response.objects.count() == 1
    assert rejections(invited_unit) == {}
    # the link once more: refused with the message
    reopened = client.get(url)
    assert reopened.status_code == 403
    assert USED in reopened.content.decode()


def test_second_form_with_a_used_invitation_is_refused(client, invited_unit):
    _invitation, token, url = mint_one(invited_unit)
    first = form_data(invited_unit, t=token)
    second = form_data(invited_unit, t=token)  # another form instance, same invitation
    assert client.post(url, first).status_code == 303
    refused = client.post(url, second)
    assert refused.status_code == 403
    assert USED in refused.content.decode()
    assert Response.objects.count() == 1
    assert rejections(invited_unit) == {"invitation_used": 1}


@pytest.mark.parametrize(
    ("case", "message", "reason"),
    [
        ("forged", FORGED, "invitation_invalid"),
        ("expired", EXPIRED, "invitation_expired"),
        ("other_unit", OTHER, "invitation_invalid"),
    ],
)
def test_bad_invitations_are_refused_by_reason(client, agency, invited_unit, case, message, reason):
    other = unit_create(agency=agency, name="Dinas Lain")
    invitation, token, _u = mint_one(invited_unit)
    if case == "forged":
        token = token[:-3] + "abc"
    elif case == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
    else:
        token = mint_one(other)[1]
    shown = client.get(f"/s/{invited_unit.slug}/?t={token}")
    assert shown.status_code == 403
    assert message in shown.content.decode()
    posted = client.post(f"/s/{invited_unit.slug}/", form_data(invited_unit, t=token))
    assert posted.status_code == 403
    assert message in posted.content.decode()
    assert Response.objects.count() == 0
    assert Invitation.objects.filter(used_at__isnull=False).count() == 0
    assert rejections(invited_unit) == {reason: 1}


def test_invitation_with_a_service_locks_it(client, invited_unit, service):
    service_create(unit=invited_unit, name="Akta Kelahiran")
    _invitation, token, url = mint_one(invited_unit, service=service)
    assert url == f"/s/{invited_unit.slug}/ktp-el/?t={token}"
    html = client.get(f"/s/{invited_unit.slug}/?t={token}").content.decode()
    assert "<strong>KTP-el</strong>" in html
    assert 'name="service"' not in html
    assert (
        client.post(f"/s/{invited_unit.slug}/", form_data(invited_unit, t=token)).status_code == 303
    )
    assert Response.objects.get().service == service


def test_invitation_for_one_service_refused_on_another_services_form(client, invited_unit, service):
    akta = service_create(unit=invited_unit, name="Akta Kelahiran")
    _invitation, token, _url = mint_one(invited_unit, service=service)
    page = client.get(f"/s/{invited_unit.slug}/{akta.slug}/?t={token}")
    assert page.status_code == 403
    assert OTHER in page.content.decode()


def test_rejected_answers_keep_the_invitation_unused(client, invited_unit):
    _invitation, token, url = mint_one(invited_unit)
    page = client.post(url, form_data(invited_unit, t=token, age=None))
    assert page.status_code == 400
    assert hidden_value(page.content.decode(), "t") == token
    assert Invitation.objects.get().used_at is None
    assert client.post(url, form_data(invited_unit, t=token)).status_code == 303


def test_units_without_invitations_ignore_a_token(client, unit, open_period):
    assert client.get(f"/s/{unit.slug}/?t=anything").status_code == 200


def test_child_unit_inherits_nothing_from_a_parents_invitation(client, invited_unit, child):
    # invitation_required is per unit: the child's own setting applies
    open_period_for(child)
    assert client.get(f"/s/{child.slug}/").status_code == 200
