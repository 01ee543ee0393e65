"""Correcting the unit tree: deleting a unit added by mistake, moving a subtree
(skm.org.services.unit_delete / unit_move, skm.org.access.manages_place; docs/setup.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from skm.audit.models import AuditEvent
from skm.org.access import manages_place
from skm.org.models import Membership, Service, Unit
from skm.org.services import (
    agency_create,
    role_invitation_create,
    service_create,
    unit_create,
    unit_delete,
    unit_delete_blockers,
    unit_move,
)
from skm.surveys.models import Period, Publication, Response
from skm.surveys.services import period_create, response_create
from tests.conftest import member

pytestmark = pytest.mark.django_db

Role = Membership.Role
ANSWERS = {f"U{i}": 3 for i in range(1, 10)}


def _period(unit: Unit, name: str = "Semester I 2025") -> Period:
    return period_create(
        unit=unit,
        name=name,
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 6, 30),
        population=100,
        status=Period.Status.OPEN,
    )


def _fresh(*units: Unit) -> list[Unit]:
    return [Unit.objects.get(pk=u.pk) for u in units]


# -- deleting ------------------------------------------------------------------------------


def test_an_empty_unit_is_deleted_with_its_unused_services_and_recorded(agency, unit, child):
    typo = service_create(unit=child, name="Layanan salah ketik")
    assert unit_delete_blockers(child) == []
    child_pk, typo_pk = child.pk, typo.pk
    unit_delete(unit=child)
    assert not Unit.objects.filter(pk=child_pk).exists()
    assert not Service.objects.filter(pk=typo_pk).exists()
    event = AuditEvent.objects.get(model="org.unit", object_id=str(child_pk), action="delete")
    assert event.unit_name == "UPT Contoh"
    # the unit is in nobody's tree any more: its deletion belongs to the unit above
    assert list(event.scopes.values_list("unit_id", "agency_id")) == [(unit.pk, agency.pk)]
    assert AuditEvent.objects.filter(
        model="org.service", object_id=str(typo_pk), action="delete"
    ).exists()


def _sub_unit(unit, child):
    unit_create(agency=unit.agency, name="Pos Pelayanan", parent=child)


def _deleted_response(unit, child):
    response = response_create(period=_period(unit), unit=child, channel="paper", answers=ANSWERS)
    Response.all_objects.filter(pk=response.pk).update(deleted_at=timezone.now())
    assert not Response.objects.filter(unit=child).exists()


def _own_period(unit, child):
    _period(child, "Triwulan I 2025")


def _plan(unit, child):
    from skm.plans.models import Plan

    Plan.objects.create(period=_period(unit), unit=child, reported_on=dt.date(2025, 7, 1))


def _publication(unit, child):
    Publication.objects.create(period=_period(unit), unit=child, published_at=timezone.now())


def _kiosk(unit, child):
    from skm.surveys.kiosks import kiosk_create

    kiosk_create(unit=child, name="Loket 1")


def _membership(unit, child):
    member(child, "operator-upt", Role.OPERATOR)


def _role_invitation(unit, child):
    role_invitation_create(unit=child, role=Role.OPERATOR)


def _report_setting(unit, child):
    from skm.reports.models import ReportProfile

    ReportProfile.objects.create(unit=child, place="Kota Contoh")


def _report_text(unit, child):
    from skm.reports.models import ReportText

    ReportText.objects.create(unit=child, period=_period(unit), report="hasil", key="a", text="x")


def _api_key(unit, child):
    from skm.surveys.invitations import api_key_create

    api_key_create(unit=child, name="Sistem antrean")


def _refused_submissions(unit, child):
    from skm.surveys.services import rejection_record

    rejection_record(unit=child, reason="rate")


def _service_named_by_a_kiosk(unit, child):
    from skm.surveys.kiosks import kiosk_create

    # the sub-unit's service, named by a kiosk of the unit below it
    below = unit_create(agency=unit.agency, name="Pos Pelayanan", parent=child)
    kiosk_create(unit=below, name="Loket", service=service_create(unit=child, name="KTP-el"))


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (_sub_unit, "unit di bawahnya"),
        (_deleted_response, "responden"),
        (_own_period, "periode"),
        (_plan, "rencana tindak lanjut"),
        (_publication, "publikasi"),
        (_kiosk, "kios"),
        (_membership, "keanggotaan"),
        (_role_invitation, "undangan peran"),
        (_report_setting, "pengaturan laporan"),
        (_report_text, "teks laporan"),
        (_api_key, "kunci API"),
        (_refused_submissions, "pengisian yang ditolak"),
        (_service_named_by_a_kiosk, "kios"),
    ],
    ids=lambda v: getattr(v, "__name__", v).strip("_") if callable(v) else "",
)
def test_a_unit_with_anything_recorded_is_not_deleted(agency, unit, child, make, kind):
    make(unit, child)
    assert kind in unit_delete_blockers(child)
    with pytest.raises(ValidationError) as refused:
        unit_delete(unit=child)
    assert refused.value.messages == [
        f"UPT Contoh tidak dapat dihapus: unit ini masih memiliki "
        f"{', '.join(unit_delete_blockers(child))}. Hanya unit yang ditambahkan karena "
        "keliru, yang belum memiliki catatan apa pun, yang dapat dihapus."
    ]
    assert Unit.objects.filter(pk=child.pk).exists()


def test_a_closed_role_invitation_goes_with_the_unit(agency, unit, child):
    """Withdrawn, accepted or expired, it gives nothing any more (an accepted one's role is
    a membership, which keeps the unit); deleted with the unit and recorded."""
    from skm.org.models import RoleInvitation
    from skm.org.services import role_invitation_close

    withdrawn, _token = role_invitation_create(unit=child, role=Role.OPERATOR)
    role_invitation_close(withdrawn)
    expired, _token = role_invitation_create(unit=child, role=Role.OPERATOR)
    RoleInvitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert unit_delete_blockers(child) == []
    unit_delete(unit=child)
    assert not RoleInvitation.objects.filter(pk__in=[withdrawn.pk, expired.pk]).exists()
    assert AuditEvent.objects.filter(
        model="org.roleinvitation", object_id=str(withdrawn.pk), action="delete"
    ).exists()


def test_the_database_refuses_what_the_check_did_not_see(agency, unit, child, monkeypatch):
    """on_delete=PROTECT stays the last word: a sub-unit added after the check."""
    from skm.org import services

    unit_create(agency=agency, name="Pos Pelayanan", parent=child)
    monkeypatch.setattr(services, "unit_delete_refusal", lambda unit: "")
    with pytest.raises(ValidationError, match="sementara itu ada catatan baru"):
        unit_delete(unit=child)
    assert Unit.objects.filter(pk=child.pk).exists()


# -- moving --------------------------------------------------------------------------------


def test_a_three_level_subtree_moves_with_its_paths_and_depths(agency, unit, child):
    grandchild = unit_create(agency=agency, name="Pos Pelayanan", parent=child)
    great = unit_create(agency=agency, name="Loket Keliling", parent=grandchild)
    other = unit_create(agency=agency, name="Dinas Lain")
    target = unit_create(agency=agency, name="Bidang Layanan", parent=other)
    slugs = {u.pk: u.slug for u in (child, grandchild, great)}

    unit_move(unit=child, parent=target)
    child, grandchild, great, unit = _fresh(child, grandchild, great, unit)
    assert child.parent == target
    assert child.path == f"/{other.pk}/{target.pk}/{child.pk}/"
    assert grandchild.path == f"{child.path}{grandchild.pk}/"
    assert great.path == f"{grandchild.path}{great.pk}/"
    assert (child.depth, grandchild.depth, great.depth) == (2, 3, 4)
    assert {u.pk: u.slug for u in (child, grandchild, great)} == slugs
    assert set(unit.subtree()) == {unit}
    assert set(other.subtree()) == {other, target, child, grandchild, great}
    assert great.ancestors() == [other, target, child, grandchild]
    event = AuditEvent.objects.filter(model="org.unit", object_id=str(child.pk)).first()
    assert event.action == "change"
    assert event.changes["parent"] == [unit.pk, target.pk]
    assert event.changes["path"] == [f"/{unit.pk}/{child.pk}/", child.path]

    # and to the top of the tree, one level up for each
    unit_move(unit=child, parent=None)
    child, grandchild, great = _fresh(child, grandchild, great)
    assert (child.path, child.depth, child.parent) == (f"/{child.pk}/", 0, None)
    assert great.path == f"/{child.pk}/{grandchild.pk}/{great.pk}/"
    assert (grandchild.depth, great.depth) == (1, 2)


def test_a_unit_is_never_moved_below_itself_or_its_own_units(agency, unit, child):
    grandchild = unit_create(agency=agency, name="Pos Pelayanan", parent=child)
    for target in (unit, child, grandchild):
        with pytest.raises(ValidationError) as refused:
            unit_move(unit=unit, parent=target)
        assert refused.value.messages == [
            "Dinas Contoh tidak dapat ditempatkan di bawah dirinya sendiri atau di bawah "
            "salah satu unit di bawahnya."
        ]
    assert _fresh(unit, child, grandchild)[2].path == f"/{unit.pk}/{child.pk}/{grandchild.pk}/"


def test_another_agency_a_taken_name_and_the_same_place_are_refused(agency, unit, child):
    foreign = unit_create(agency=agency_create(name="Kabupaten Lain"), name="Dinas Asing")
    with pytest.raises(ValidationError, match="instansi yang sama"):
        unit_move(unit=child, parent=foreign)
    other = unit_create(agency=agency, name="Dinas Lain")
    unit_create(agency=agency, name="upt contoh", parent=other)
    with pytest.raises(ValidationError) as refused:
        unit_move(unit=child, parent=other)
    assert refused.value.messages == ["Sudah ada unit bernama UPT Contoh di bawah Dinas Lain."]
    unit_create(agency=agency, name="UPT Contoh")
    with pytest.raises(ValidationError, match="di puncak pohon"):
        unit_move(unit=child, parent=None)
    with pytest.raises(ValidationError, match="sudah berada di sana"):
        unit_move(unit=child, parent=unit)
    assert _fresh(child)[0].parent == unit


def test_a_move_out_of_a_period_with_responses_is_refused(agency, unit, child):
    """A response belongs to a period of its unit or of a unit above it; moving the unit
    away from that period's owner would leave the response outside its own period."""
    grandchild = unit_create(agency=agency, name="Pos Pelayanan", parent=child)
    other = unit_create(agency=agency, name="Dinas Lain")
    period = _period(unit)
    response = response_create(period=period, unit=grandchild, channel="paper", answers=ANSWERS)
    Response.all_objects.filter(pk=response.pk).update(deleted_at=timezone.now())  # even so
    with pytest.raises(ValidationError) as refused:
        unit_move(unit=child, parent=other)
    assert refused.value.messages == [
        "UPT Contoh tidak dapat dipindahkan ke sana: unit ini (atau unit di bawahnya) "
        "memiliki responden pada periode Semester I 2025 milik Dinas Contoh, yang tidak "
        "akan lagi mencakupnya."
    ]
    assert _fresh(child)[0].parent == unit
    # further down below the same owner the period still covers it: allowed
    sibling = unit_create(agency=agency, name="UPT Selatan", parent=unit)
    unit_move(unit=child, parent=sibling)
    assert _fresh(grandchild)[0].path.startswith(period.unit.path)


def test_periods_moving_with_the_subtree_do_not_hold_it(agency, unit, child):
    own = _period(child, "Triwulan I 2025")
    response_create(period=own, unit=child, channel="paper", answers=ANSWERS)
    other = unit_create(agency=agency, name="Dinas Lain")
    unit_move(unit=child, parent=other)
    assert _fresh(child)[0].parent == other


def test_a_move_away_from_a_service_above_that_is_named_is_refused(agency, unit, child, service):
    other = unit_create(agency=agency, name="Dinas Lain")
    from skm.surveys.kiosks import kiosk_create

    kiosk_create(unit=child, name="Loket 1", service=service)  # the Dinas's service
    with pytest.raises(ValidationError) as refused:
        unit_move(unit=child, parent=other)
    assert refused.value.messages == [
        "UPT Contoh tidak dapat dipindahkan ke sana: unit ini (atau unit di bawahnya) "
        "memiliki kios yang menyebut layanan KTP-el milik Dinas Contoh, yang tidak akan "
        "lagi berada di atasnya."
    ]


def test_a_plan_in_a_period_above_holds_the_unit_too(agency, unit, child):
    from skm.plans.models import Plan

    Plan.objects.create(period=_period(unit), unit=child, reported_on=dt.date(2025, 7, 1))
    with pytest.raises(ValidationError, match="rencana tindak lanjut pada periode"):
        unit_move(unit=child, parent=None)


# -- who may ---------------------------------------------------------------------------------


def test_the_place_above_decides_who_may_move_or_delete(agency, unit, child):
    grandchild = unit_create(agency=agency, name="Pos Pelayanan", parent=child)
    unit_admin = member(unit, "admin-dinas", Role.UNIT_ADMIN)
    child_admin = member(child, "admin-upt", Role.UNIT_ADMIN)
    operator = member(unit, "operator", Role.OPERATOR)
    agency_admin = member(unit, "admin-instansi", Role.AGENCY_ADMIN)
    Membership.objects.filter(user=agency_admin).update(unit=None)

    # the unit's own place is its parent: a unit administrator manages below their unit
    assert manages_place(unit_admin, agency.pk, child)  # grandchild's place
    assert manages_place(unit_admin, agency.pk, unit)  # child's place
    assert not manages_place(unit_admin, agency.pk, None)  # the top: their own unit's place
    assert manages_place(child_admin, agency.pk, child)  # grandchild's place
    assert not manages_place(child_admin, agency.pk, unit)  # never their own unit
    assert not manages_place(operator, agency.pk, unit)
    assert manages_place(agency_admin, agency.pk, None)
    assert manages_place(agency_admin, agency.pk, grandchild)
    other_agency = agency_create(name="Kabupaten Lain")
    assert not manages_place(agency_admin, other_agency.pk, None)
