"""Staff pages for kiosks: unit admins only; the setup link is shown once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from skm.org.models import Membership
from skm.org.services import unit_create
from skm.surveys.kiosks import kiosk_create, token_hash
from skm.surveys.models import Kiosk


def _user(name, agency, unit, role):
    user = get_user_model().objects.create_user(name, password="rahasia-123")
    Membership.objects.create(user=user, agency=agency, unit=unit, role=role)
    return user


@pytest.fixture
def unit_admin(agency, unit):
    return _user("admin-unit", agency, unit, Membership.Role.UNIT_ADMIN)


def test_the_page_needs_a_login(client, unit):
    page = client.get(f"/staf/unit/{unit.slug}/kios/")
    assert page.status_code == 302
    assert page["Location"].startswith("/staf/masuk/")


@pytest.mark.parametrize("role", [Membership.Role.OPERATOR, Membership.Role.HEAD])
def test_roles_that_do_not_manage_get_404(client, agency, unit, role):
    client.force_login(_user("x", agency, unit, role))
    assert client.get(f"/staf/unit/{unit.slug}/kios/").status_code == 404
    assert client.post(f"/staf/unit/{unit.slug}/kios/", {"name": "A"}).status_code == 404
    assert Kiosk.objects.count() == 0


def test_another_units_admin_gets_404_everywhere(client, agency, unit):
    other = unit_create(agency=agency, name="Dinas Lain")
    client.force_login(_user("lain", agency, other, Membership.Role.UNIT_ADMIN))
    kiosk, _code = kiosk_create(unit=unit, name="Loket 1")
    base = f"/staf/unit/{unit.slug}/kios/"
    assert client.get(base).status_code == 404
    assert client.post(f"{base}{kiosk.pk}/tautan-baru/").status_code == 404
    assert client.get(f"{base}{kiosk.pk}/cabut/").status_code == 404
    assert client.post(f"{base}{kiosk.pk}/cabut/").status_code == 404
    # A kiosk of another unit through one's own unit's address is not found either.
    own = f"/staf/unit/{other.slug}/kios/{kiosk.pk}/cabut/"
    assert client.post(own).status_code == 404
    kiosk.refresh_from_db()
    assert kiosk.revoked_at is None


def test_register_shows_the_setup_link_once(client, unit_admin, unit, service):
    client.force_login(unit_admin)
    created = client.post(
        f"/staf/unit/{unit.slug}/kios/",
        {"name": "Loket 2", "service": service.pk, "idle_reset_seconds": "45"},
    )
    assert created.status_code == 302
    assert created["Location"] == f"/staf/unit/{unit.slug}/kios/"
    kiosk = Kiosk.objects.get()
    assert (kiosk.name, kiosk.service, kiosk.idle_reset_seconds) == ("Loket 2", service, 45)

    page = client.get(f"/staf/unit/{unit.slug}/kios/")
    text = page.content.decode()
    assert page["Cache-Control"] == "no-store"
    link = text.split('id="setup-link" type="text" readonly value="', 1)[1].split('"', 1)[0]
    assert link.startswith("http://testserver/kios/pasang/")
    code = link.rsplit("/", 2)[1]
    assert kiosk.setup_hash == token_hash(code)
    assert "<svg" in text
    assert "menunggu pemasangan" in text

    again = client.get(f"/staf/unit/{unit.slug}/kios/").content.decode()
    assert code not in again
    assert "setup-link" not in again


def test_the_setup_link_uses_the_public_base_url(client, unit_admin, unit, settings):
    settings.PUBLIC_BASE_URL = "https://skm.contoh.go.id"
    client.force_login(unit_admin)
    client.post(f"/staf/unit/{unit.slug}/kios/", {"name": "Loket", "idle_reset_seconds": "90"})
    text = client.get(f"/staf/unit/{unit.slug}/kios/").content.decode()
    assert 'value="https://skm.contoh.go.id/kios/pasang/' in text


def test_register_with_bad_input_says_where_and_writes_nothing(client, unit_admin, unit):
    client.force_login(unit_admin)
    page = client.post(f"/staf/unit/{unit.slug}/kios/", {"name": "", "idle_reset_seconds": "5"})
    text = page.content.decode()
    assert page.status_code == 400
    assert 'class="error-summary"' in text
    assert 'href="#id_name"' in text and 'href="#id_idle_reset_seconds"' in text
    assert Kiosk.objects.count() == 0


def test_new_setup_link_replaces_the_old_one(client, unit_admin, unit):
    client.force_login(unit_admin)
    kiosk, old_code = kiosk_create(unit=unit, name="Loket 1")
    answer = client.post(f"/staf/unit/{unit.slug}/kios/{kiosk.pk}/tautan-baru/")
    assert answer.status_code == 302
    kiosk.refresh_from_db()
    assert kiosk.setup_hash != token_hash(old_code)
    text = client.get(f"/staf/unit/{unit.slug}/kios/").content.decode()
    code = text.split("/kios/pasang/", 1)[1].split("/", 1)[0]
    assert kiosk.setup_hash == token_hash(code)
    assert client.get(f"/staf/unit/{unit.slug}/kios/{kiosk.pk}/tautan-baru/").status_code == 405


def test_revoke_asks_first_then_revokes(client, unit_admin, unit):
    client.force_login(unit_admin)
    kiosk, _code = kiosk_create(unit=unit, name="Loket 1")
    confirm = client.get(f"/staf/unit/{unit.slug}/kios/{kiosk.pk}/cabut/")
    assert confirm.status_code == 200
    assert 'method="post"' in confirm.content.decode()
    kiosk.refresh_from_db()
    assert kiosk.revoked_at is None
    done = client.post(f"/staf/unit/{unit.slug}/kios/{kiosk.pk}/cabut/")
    assert done.status_code == 302
    kiosk.refresh_from_db()
    assert kiosk.revoked_at is not None
    listing = client.get(f"/staf/unit/{unit.slug}/kios/").content.decode()
    assert 'data-state="revoked"' in listing
    assert f"/kios/{kiosk.pk}/cabut/" not in listing


def test_the_list_shows_state_last_contact_and_queue(client, unit_admin, unit):
    client.force_login(unit_admin)
    kiosk, _code = kiosk_create(unit=unit, name="Loket 1")
    contact = timezone.make_aware(dt.datetime(2025, 3, 4, 9, 15))
    Kiosk.objects.filter(pk=kiosk.pk).update(
        token_hash="a" * 64, setup_hash=None, last_contact_at=contact, last_queue_length=4
    )
    text = client.get(f"/staf/unit/{unit.slug}/kios/").content.decode()
    assert 'data-state="active"' in text
    assert "4 Mar 2025 09:15 WIB" in text
    assert '<td class="num" data-label="Menunggu di perangkat">4<' in text


def test_the_registration_forms_descriptions_point_at_existing_ids(client, unit_admin, unit):
    import re

    client.force_login(unit_admin)
    for page in (
        client.get(f"/staf/unit/{unit.slug}/kios/"),
        client.post(f"/staf/unit/{unit.slug}/kios/", {"name": "", "idle_reset_seconds": "5"}),
    ):
        text = page.content.decode()
        ids = set(re.findall(r'\bid="([^"]+)"', text))
        described = re.findall(r'aria-describedby="([^"]+)"', text)
        assert described  # the help texts are announced with their fields
        for value in described:
            assert set(value.split()) <= ids, value
