"""Accounts and roles from the app: invitations with a one-time link, roles, disabling,
password reset by e-mail."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from skm.org.models import Membership, RoleInvitation
from tests.conftest import member

User = get_user_model()


@pytest.fixture
def boss(unit):
    user = member(unit, "bagor", Membership.Role.AGENCY_ADMIN)
    Membership.objects.filter(user=user).update(unit=None)
    return user


def _invite(client, unit, role="operator", email="", person="baru"):
    return client.post(
        "/staf/akun/", {"person": person, "email": email, "unit": unit.pk, "role": role}
    )


def _link(page) -> str:
    return re.search(r"http://testserver(/staf/undangan/[^<\s]+)", page.content.decode()).group(1)


def test_an_invited_person_makes_an_account_once_and_logs_in(client, unit, manager):
    client.force_login(manager)
    page = _invite(client, unit, email="baru@example.go.id")
    link = _link(page)
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    client.logout()
    form = client.get(link)
    assert form.status_code == 200 and "Operator" in form.content.decode()
    done = client.post(
        link,
        {
            "username": "baru",
            "email": "baru@example.go.id",
            "password1": "Sandi-Baru-2025!",
            "password2": "Sandi-Baru-2025!",
        },
    )
    assert done.status_code == 302
    user = User.objects.get(username="baru")
    assert Membership.objects.get(user=user).role == "operator"
    assert Membership.objects.get(user=user).unit == unit
    assert client.login(username="baru", password="Sandi-Baru-2025!")
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "sudah dipakai" in again.content.decode() or "kedaluwarsa" in again.content.decode()


def test_a_unit_administrator_cannot_make_agency_administrators(client, unit, manager):
    client.force_login(manager)
    _invite(client, unit, role="admin_instansi")
    assert not RoleInvitation.objects.exists()
    page = client.get("/staf/akun/").content.decode()
    assert 'value="admin_instansi"' not in page


def test_roles_removed_and_accounts_disabled_keep_the_person(client, unit, boss, operator):
    client.force_login(boss)
    membership = Membership.objects.get(user=operator)
    client.post(f"/staf/akun/{operator.pk}/aktif/", {"aktif": "0"})
    operator.refresh_from_db()
    assert not operator.is_active
    assert not client.login(username="operator", password="sandi-rahasia-123")
    client.force_login(boss)
    client.post(f"/staf/akun/peran/{membership.pk}/hapus/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=operator.pk).exists()


def test_other_units_people_are_out_of_reach(client, unit, other_unit, stranger, operator):
    client.force_login(stranger)
    page = client.get("/staf/akun/").content.decode()
    assert '<th scope="row">operator' not in page
    membership = Membership.objects.get(user=operator)
    assert client.post(f"/staf/akun/peran/{membership.pk}/hapus/").status_code == 404
    assert client.post(f"/staf/akun/{operator.pk}/aktif/", {"aktif": "0"}).status_code == 404
    client.force_login(operator)
    assert client.get("/staf/akun/").status_code == 404


def test_password_reset_by_e_mail(client, db):
    User.objects.create_user("lupa", email="lupa@example.go.id", password="sandi-lama-123")
    response = client.post("/staf/lupa-sandi/", {"email": "lupa@example.go.id"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/staf/sandi/" in mail.outbox[0].body
    client.post("/staf/lupa-sandi/", {"email": "tidak-ada@example.go.id"})
    assert len(mail.outbox) == 1  # unknown addresses get nothing, and the page says the same
