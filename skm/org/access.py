"""Access helpers: the only way staff code reaches a unit (and through it, its data).

A role on a unit covers every unit below it; a membership without a unit covers the whole
agency. Superusers see everything. An object the user may not see is a 404, never a 403,
so that its existence does not leak.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from skm.org.models import Membership, Unit

Role = Membership.Role
# Who may do what. Reading results: everyone with a role; entering data: operators and
# admins; managing a unit (kiosks, posters, exports, imports): admins.
READ_ROLES = frozenset(Role.values)
ENTRY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.UNIT_ADMIN, Role.OPERATOR})
MANAGE_ROLES = frozenset({Role.AGENCY_ADMIN, Role.UNIT_ADMIN})


def units_for_user(
    user: AbstractBaseUser | AnonymousUser, roles: Iterable[str] = READ_ROLES
) -> QuerySet[Unit]:
    """Every unit the user holds one of ``roles`` on (directly or through an ancestor)."""
    if not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    memberships = Membership.objects.filter(user=user, role__in=list(roles)).select_related("unit")
    condition = Q(pk__in=[])
    for membership in memberships:
        if membership.unit_id is None:
            condition |= Q(agency_id=membership.agency_id)
        else:
            condition |= Q(path__startswith=membership.unit.path)
    return Unit.objects.filter(condition)


def unit_for_user(
    user: AbstractBaseUser | AnonymousUser, slug: str, roles: Iterable[str] = READ_ROLES
) -> Unit:
    """The unit with this slug if the user holds one of ``roles`` on it; Http404 otherwise."""
    unit = units_for_user(user, roles).filter(slug=slug).first()
    if unit is None:
        raise Http404
    return unit


def user_can(user: AbstractBaseUser | AnonymousUser, unit: Unit, roles: Iterable[str]) -> bool:
    return units_for_user(user, roles).filter(pk=unit.pk).exists()
