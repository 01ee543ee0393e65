"""Reads for the organisation tree."""

from __future__ import annotations

from django.db.models import Q

from skm.org.models import Service, Unit


def unit_by_ref(ref: str) -> Unit | None:
    """The unit whose slug is ``ref`` or, failing that, whose exact name is ``ref``.

    Several units with the same name (every city has a Dinas Dukcapil) make a name
    ambiguous; then only the slug works and None is returned.
    """
    ref = ref.strip()
    unit = Unit.objects.filter(slug=ref).first()
    if unit:
        return unit
    matches = list(Unit.objects.filter(name=ref)[:2])
    return matches[0] if len(matches) == 1 else None


def service_by_ref(unit: Unit, ref: str) -> Service | None:
    """A service of ``unit`` or of a unit above it, by slug or exact (case-insensitive) name."""
    ref = ref.strip()
    units = [unit.pk, *[u.pk for u in unit.ancestors()]]
    qs = Service.objects.filter(unit_id__in=units).filter(Q(slug=ref) | Q(name__iexact=ref))
    matches = list(qs[:2])
    return matches[0] if len(matches) == 1 else None
