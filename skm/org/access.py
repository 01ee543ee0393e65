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

from skm.org.models import Agency, Membership, Unit

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


def agencies_for_user(
    user: AbstractBaseUser | AnonymousUser, roles: Iterable[str] = READ_ROLES
) -> QuerySet[Agency]:
    """Agencies on which the user holds one of ``roles`` as a whole (a membership without a
    unit); a role on one unit gives no agency-wide page."""
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    return Agency.objects.filter(
        pk__in=Membership.objects.filter(user=user, unit__isnull=True, role__in=list(roles)).values(
            "agency_id"
        )
    )


def agency_for_user(
    user: AbstractBaseUser | AnonymousUser, slug: str, roles: Iterable[str] = READ_ROLES
) -> Agency:
    """The agency with this slug if the user holds one of ``roles`` on all of it; Http404
    otherwise (as unit_for_user)."""
    agency = agencies_for_user(user, roles).filter(slug=slug).first()
    if agency is None:
        raise Http404
    return agency


def user_can(user: AbstractBaseUser | AnonymousUser, unit: Unit, roles: Iterable[str]) -> bool:
    return units_for_user(user, roles).filter(pk=unit.pk).exists()


def manages_place(
    user: AbstractBaseUser | AnonymousUser, agency_id: int, parent: Unit | None
) -> bool:
    """Whether the user administers a place in an agency's tree: below ``parent`` (an
    administrator of that unit or of one above it), or, for None, the top of the tree (a
    role on the whole agency). Deleting a unit needs its place; moving one needs its old
    and its new place, so a unit administrator moves and deletes the units below their
    unit, never their own unit (docs/setup.md)."""
    if parent is not None:
        return user_can(user, parent, MANAGE_ROLES)
    return agencies_for_user(user, MANAGE_ROLES).filter(pk=agency_id).exists()


def account_in_reach(user: AbstractBaseUser | AnonymousUser, person: AbstractBaseUser) -> bool:
    """Whether ``user`` may disable, re-enable or otherwise change ``person``'s account.

    Decided by *all* of the person's roles: every one must lie inside the units the user
    administers (a role on the whole agency only for someone who administers the whole
    agency), and an agency administrator role only for agency administrators. An account
    without any role, a superuser and one's own account are out of reach (superusers
    excepted for the first).
    """
    if not user.is_authenticated or not user.is_active or person.pk == user.pk:
        return False
    if person.is_superuser:
        return False
    if user.is_superuser:
        return True
    roles = list(
        Membership.objects.filter(user_id=person.pk).values_list("unit_id", "agency_id", "role")
    )
    if not roles:
        return False
    managed = set(units_for_user(user, MANAGE_ROLES).values_list("pk", flat=True))
    own = Membership.objects.filter(user=user, role__in=list(MANAGE_ROLES))
    whole_agencies = set(own.filter(unit=None).values_list("agency_id", flat=True))
    admin_of = set(own.filter(role=Role.AGENCY_ADMIN).values_list("agency_id", flat=True))
    for unit_id, agency_id, role in roles:
        if role == Role.AGENCY_ADMIN and agency_id not in admin_of:
            return False
        if unit_id is None:
            if agency_id not in whole_agencies:
                return False
        elif unit_id not in managed:
            return False
    return True
