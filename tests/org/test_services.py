import pytest
from django.core.exceptions import ValidationError

from skm.org.models import Unit
from skm.org.selectors import service_by_ref, unit_by_ref
from skm.org.services import agency_create, service_create, unit_create, unit_rebuild_paths


def test_unit_tree_paths_and_subtree(agency, unit, child):
    grandchild = unit_create(agency=agency, name="Pos Pelayanan", parent=child)
    assert unit.path == f"/{unit.pk}/"
    assert child.path == f"/{unit.pk}/{child.pk}/"
    assert grandchild.depth == 2
    assert set(unit.subtree()) == {unit, child, grandchild}
    assert set(child.subtree()) == {child, grandchild}
    assert grandchild.ancestors() == [unit, child]


def test_unit_slug_gets_the_city_when_the_name_is_taken_elsewhere(db):
    a = agency_create(name="Pemerintah Kota Satu", city="Kota Satu")
    b = agency_create(name="Pemerintah Kota Dua", city="Kota Dua")
    first = unit_create(agency=a, name="Dinas Kependudukan dan Pencatatan Sipil")
    second = unit_create(agency=b, name="Dinas Kependudukan dan Pencatatan Sipil")
    assert first.slug == "dinas-kependudukan-dan-pencatatan-sipil"
    assert second.slug == "dinas-kependudukan-dan-pencatatan-sipil-kota-dua"
    # the name alone is now ambiguous: only slugs find these units
    assert unit_by_ref("Dinas Kependudukan dan Pencatatan Sipil") is None
    assert unit_by_ref(second.slug) == second


def test_unit_of_another_agency_cannot_be_a_child(agency, unit):
    other = agency_create(name="Pemerintah Kabupaten Lain")
    with pytest.raises(ValidationError):
        unit_create(agency=other, name="UPT", parent=unit)
    assert Unit.objects.filter(agency=other).count() == 0


def test_rebuild_paths_after_a_move_and_refuses_a_cycle(agency, unit, child):
    other = unit_create(agency=agency, name="Dinas Lain")
    Unit.objects.filter(pk=child.pk).update(parent=other)
    unit_rebuild_paths(agency=agency)
    child.refresh_from_db()
    assert child.path == f"/{other.pk}/{child.pk}/"
    Unit.objects.filter(pk=other.pk).update(parent=child)
    with pytest.raises(ValidationError):
        unit_rebuild_paths(agency=agency)


def test_service_found_by_slug_or_name_from_a_child_unit(unit, child, service):
    assert service.slug == "ktp-el"
    assert service_by_ref(child, "ktp-el") == service
    assert service_by_ref(child, "KTP-EL") == service
    assert service_by_ref(child, "Akta") is None
    second = service_create(unit=unit, name="KTP el")
    assert second.slug == "ktp-el-2"
