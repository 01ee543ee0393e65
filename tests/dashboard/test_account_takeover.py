"""Issue #12, finding 1: a unit administrator must not take over accounts of other units.

The review's attack: a Puskesmas administrator "invited" the agency administrator, another
unit's administrator and an administrator of another agency as operators of the Puskesmas
(the form gave an existing account a role by its name), then disabled all three. Also the
form told whether a user name existed, and disable events were seen only by superusers.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from skm.audit.models import AuditEvent
from skm.org.models import Membership, RoleInvitation
from skm.org.services import agency_create, unit_create
from tests.conftest import member

User = get_user_model()
Role = Membership.Role


@pytest.fixture
def world(agency, unit):
    """A Pemkot with a Dinas (unit) and its Puskesmas, another Dinas, and another Pemkot."""
    puskesmas = unit_create(agency=agency, name="Puskesmas Contoh", parent=unit)
    dinas_b = unit_create(agency=agency, name="Dinas B")
    kepala = member(unit, "kepala", Role.AGENCY_ADMIN)
    Membership.objects.filter(user=kepala).update(unit=None)
    other_agency = agency_create(name="Pemerintah Kota Lain", city="Kota Lain")
    far = unit_create(agency=other_agency, name="Dinas Kota Lain")
    return {
        "puskesmas": puskesmas,
        "attacker": member(puskesmas, "admin-pkm", Role.UNIT_ADMIN),
        "kepala": kepala,
        "admin_a": member(dinas_b, "admin_a", Role.UNIT_ADMIN),
        "far_admin": member(far, "admin-kota-lain", Role.UNIT_ADMIN),
        "own_operator": member(puskesmas, "operator-pkm", Role.OPERATOR),
    }


def _give(client, unit, person, role="operator"):
    return client.post(
        "/staf/akun/",
        {"person": str(person.pk), "email": "", "unit": unit.pk, "role": role},
    )


def test_the_reviews_attack_locks_nobody_out(client, world):
    client.force_login(world["attacker"])
    for name in ("kepala", "admin_a", "far_admin"):
        victim = world[name]
        # The old form took a user name; the new one offers only people in one's care.
        client.post(
            "/staf/akun/",
            {"username": victim.username, "unit": world["puskesmas"].pk, "role": "operator"},
        )
        _give(client, world["puskesmas"], victim)
        assert not Membership.objects.filter(user=victim, unit=world["puskesmas"]).exists()
        response = client.post(f"/staf/akun/{victim.pk}/aktif/", {"aktif": "0"})
        assert response.status_code == 404
        victim.refresh_from_db()
        assert victim.is_active, name


def test_an_account_with_one_role_outside_ones_units_is_out_of_reach(client, world):
    """Even an operator of one's own unit is out of reach once they also work elsewhere."""
    operator = world["own_operator"]
    client.force_login(world["attacker"])
    assert client.post(f"/staf/akun/{operator.pk}/aktif/", {"aktif": "0"}).status_code == 302
    operator.refresh_from_db()
    assert not operator.is_active
    client.post(f"/staf/akun/{operator.pk}/aktif/", {"aktif": "1"})
    Membership.objects.create(
        user=operator,
        agency=world["puskesmas"].agency,
        unit=world["admin_a"].memberships.get().unit,
        role=Role.OPERATOR,
    )
    assert client.post(f"/staf/akun/{operator.pk}/aktif/", {"aktif": "0"}).status_code == 404
    operator.refresh_from_db()
    assert operator.is_active
    # The agency administrator reaches both of that operator's units.
    client.force_login(world["kepala"])
    assert client.post(f"/staf/akun/{operator.pk}/aktif/", {"aktif": "0"}).status_code == 302


def test_agency_administrators_act_within_their_agency_only(client, world):
    client.force_login(world["kepala"])
    far = world["far_admin"]
    assert client.post(f"/staf/akun/{far.pk}/aktif/", {"aktif": "0"}).status_code == 404
    far.refresh_from_db()
    assert far.is_active
    admin_a = world["admin_a"]
    assert client.post(f"/staf/akun/{admin_a.pk}/aktif/", {"aktif": "0"}).status_code == 302


def _normalised(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_invite_form_does_not_tell_whether_a_name_exists(client, world):
    """The old form answered "The role was given to X" or "X was invited"; now a name typed
    into the form (there is no such field any more) gets one and the same answer."""
    client.force_login(world["attacker"])
    page = client.get("/staf/akun/").content.decode()
    assert 'name="username"' not in page
    assert "admin-kota-lain" not in page and ">kepala<" not in page
    answers = []
    for name in ("admin-kota-lain", "tidak-ada-nama-ini"):
        response = client.post(
            "/staf/akun/",
            {"username": name, "person": name, "unit": world["puskesmas"].pk, "role": "operator"},
        )
        answers.append(_normalised(response.content.decode()).replace(name, "NAME"))
    assert answers[0] == answers[1]
    assert not User.objects.filter(username="tidak-ada-nama-ini").exists()


def test_an_existing_account_accepts_an_invitation_itself(client, world):
    client.force_login(world["attacker"])
    page = client.post(
        "/staf/akun/",
        {"person": "baru", "email": "", "unit": world["puskesmas"].pk, "role": "operator"},
    ).content.decode()
    link = re.search(r"http://testserver(/staf/undangan/[^<\s]+)", page).group(1)
    far = world["far_admin"]
    # Before the person accepts, they are still out of the inviter's reach.
    assert client.post(f"/staf/akun/{far.pk}/aktif/", {"aktif": "0"}).status_code == 404
    client.force_login(far)
    assert "Dinas Kota Lain" not in client.get(link).content.decode()
    client.post(link, {"jawab": "terima"})
    assert Membership.objects.filter(user=far, unit=world["puskesmas"]).exists()
    # Holding a role elsewhere too, the account stays out of the Puskesmas admin's reach.
    client.force_login(world["attacker"])
    assert client.post(f"/staf/akun/{far.pk}/aktif/", {"aktif": "0"}).status_code == 404
    assert client.get(link).status_code == 410
    assert RoleInvitation.objects.get().accepted


def test_declining_closes_the_invitation(client, world):
    client.force_login(world["attacker"])
    page = client.post(
        "/staf/akun/",
        {"person": "baru", "email": "", "unit": world["puskesmas"].pk, "role": "operator"},
    ).content.decode()
    link = re.search(r"http://testserver(/staf/undangan/[^<\s]+)", page).group(1)
    client.force_login(world["admin_a"])
    client.post(link, {"jawab": "tolak"})
    assert not Membership.objects.filter(user=world["admin_a"], unit=world["puskesmas"]).exists()
    assert client.get(link).status_code == 410


def test_account_events_are_seen_by_the_administrators_of_the_accounts_units(client, world):
    operator = world["own_operator"]
    client.force_login(world["attacker"])
    client.post(f"/staf/akun/{operator.pk}/aktif/", {"aktif": "0"})
    event = AuditEvent.objects.filter(model="auth.user", object_id=str(operator.pk)).latest("pk")
    assert event.changes["is_active"] == [True, False]
    assert {s.unit_id for s in event.scopes.all()} == {world["puskesmas"].pk}

    def sees(user) -> bool:
        client.force_login(user)
        response = client.get("/staf/audit/?action=change")
        return response.status_code == 200 and "operator-pkm" in response.content.decode()

    assert sees(world["kepala"])  # agency administrator (a role on the whole agency)
    assert sees(world["attacker"])  # the Puskesmas's own administrator
    assert not sees(world["admin_a"])  # another unit's administrator
    client.force_login(world["far_admin"])
    assert "operator-pkm" not in client.get("/staf/audit/").content.decode()


def test_an_agency_wide_role_is_scoped_to_its_agency(client, world):
    kepala = world["kepala"]
    client.force_login(User.objects.create_superuser("root", password="sandi-rahasia-123"))
    client.post(f"/staf/akun/{kepala.pk}/aktif/", {"aktif": "0"})
    event = AuditEvent.objects.filter(model="auth.user", object_id=str(kepala.pk)).latest("pk")
    [scope] = event.scopes.all()
    assert scope.unit_id is None and scope.agency_id == world["puskesmas"].agency_id
