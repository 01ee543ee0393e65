"""The audit trail records who changed what, when and from where, and cannot be edited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from skm.audit.models import AuditEvent
from skm.audit.signals import address_hash
from skm.org.models import Membership
from skm.org.services import unit_create
from skm.surveys.models import Period
from skm.surveys.services import period_create, publication_publish, response_create
from tests.conftest import member


def _events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("pk"))


def test_changes_through_the_web_record_who_and_from_where(client, unit, manager, period):
    client.force_login(manager)
    client.post(
        f"/staf/unit/{unit.slug}/laporan/penandatangan/",
        {
            "periode": period.slug,
            "place": "Kota",
            "position": "Kepala",
            "name": "Nama",
            "rank": "",
            "nip": "",
            "decimal": ".",
        },
        REMOTE_ADDR="203.0.113.7",
    )
    [event] = _events(model="reports.reportprofile")
    assert (event.action, event.user, event.username, event.unit) == (
        "create",
        manager,
        "admin-unit",
        unit,
    )
    assert event.address == address_hash("203.0.113.7") and "203.0.113" not in event.address
    assert event.changes["name"] == [None, "Nama"]


def test_model_changes_are_recorded_with_old_and_new_values(db, agency, unit):
    period = period_create(
        unit=unit,
        name="Tahun 2025",
        kind=Period.Kind.YEAR,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
    )
    period.population = 500
    period.save()
    [created, changed] = _events(model="surveys.period")
    assert created.action == "create" and created.note == "system"
    assert changed.action == "change" and changed.changes == {"population": [None, 500]}
    other = unit_create(agency=agency, name="UPT Baru", parent=unit)
    pk = other.pk
    other.delete()
    actions = [e.action for e in _events(model="org.unit", object_id=str(pk))]
    assert actions[0] == "create" and actions[-1] == "delete"
    deleted = _events(model="org.unit", object_id=str(pk))[-1]
    assert deleted.unit_name == "UPT Baru" and deleted.changes["name"] == ["UPT Baru", None]


def test_accounts_and_roles_never_record_a_secret(db, unit):
    user = get_user_model().objects.create_user("baru", password="sandi-rahasia-123")
    user.set_password("sandi-lain-456")
    user.save()
    membership = Membership.objects.create(
        user=user, agency=unit.agency, unit=unit, role=Membership.Role.OPERATOR
    )
    membership.role = Membership.Role.UNIT_ADMIN
    membership.save()
    created, changed = _events(model="auth.user")
    assert created.changes["password"] == [None, "(set)"]
    assert changed.changes == {"password": ["", "(changed)"]}
    assert "sandi" not in str(created.changes) + str(changed.changes)
    assert "secret:" not in str(AuditEvent.objects.values_list("changes", flat=True))
    role_change = _events(model="org.membership", action="change")[0]
    assert role_change.changes == {"role": ["operator", "admin_unit"]}
    assert role_change.unit == unit


def test_logins_failures_publications_and_exports_are_recorded(client, unit, manager, period):
    client.post("/staf/masuk/", {"username": "admin-unit", "password": "salah"})
    client.post("/staf/masuk/", {"username": "admin-unit", "password": "sandi-rahasia-123"})
    assert [e.action for e in _events(model="auth.user")][-2:] == ["login_failed", "login"]
    for _ in range(5):
        response_create(
            period=period, unit=unit, channel="paper", answers={f"U{i}": 4 for i in range(1, 10)}
        )
    publication_publish(period=period, unit=unit)
    assert _events(model="surveys.publication", action="create")
    client.get(f"/staf/unit/{unit.slug}/ekspor/?period={period.pk}&format=csv")
    [export] = _events(action="export")
    assert export.user == manager and export.unit == unit


def test_the_trail_page_is_for_agency_administrators_and_scoped(
    client, agency, unit, other_unit, operator
):
    unit_create(agency=agency, name="UPT Anak", parent=unit)
    boss = member(unit, "bagor", Membership.Role.AGENCY_ADMIN)
    client.force_login(operator)
    assert client.get("/staf/audit/").status_code == 404
    client.force_login(boss)
    text = client.get("/staf/audit/").content.decode()
    assert "UPT Anak" in text and "Dinas Lain" not in text
    su = get_user_model().objects.create_superuser("root", password="sandi-rahasia-123")
    client.force_login(su)
    assert "Dinas Lain" in client.get("/staf/audit/").content.decode()


def test_the_trail_cannot_be_edited_from_the_app(admin_client, db, unit):
    event = AuditEvent.objects.first()
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    response = admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403 and AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("action", [a for a, _l in AuditEvent.Action.choices])
def test_every_action_has_an_indonesian_label(action):
    from django.utils import translation

    with translation.override("id"):
        assert str(dict(AuditEvent.Action.choices)[action]) != ""


def test_the_trail_page_names_kinds_fields_and_states_in_indonesian(admin_client, unit, period):
    import uuid

    from skm.reports.models import ReportJob

    job = ReportJob.objects.create(
        ref=uuid.uuid4(), unit=unit, period=period, kind="hasil", fmt="pdf"
    )
    job.status = ReportJob.Status.RUNNING
    job.save()
    job.status = ReportJob.Status.DONE
    job.save()
    page = admin_client.get("/staf/audit/").content.decode()
    assert "reports.reportjob" not in page and "running" not in page
    assert (
        '<span class="field-name">Tugas laporan</span>: '
        "Laporan Hasil SKM Semester I 2025 (PDF), Dinas Contoh" in page
    )
    assert '<span class="field-name">Status</span>: <del>Sedang dibuat</del> → Siap' in page
    # the filter finds the kind by the name the page shows
    found = admin_client.get("/staf/audit/", {"model": "tugas laporan"}).content.decode()
    assert "Laporan Hasil SKM Semester I 2025" in found
    other = admin_client.get("/staf/audit/", {"model": "publikasi"}).content.decode()
    assert "Laporan Hasil SKM Semester I 2025" not in other
