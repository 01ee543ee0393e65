"""Writes for agencies, units and services. Every write goes through these functions."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from skm.org.models import Agency, Service, Unit


def unique_slug(base: str, exists: Callable[[str], bool], *, max_length: int = 80) -> str:
    """A slug from ``base`` that ``exists`` does not know yet ("x", "x-2", "x-3", ...)."""
    root = slugify(base)[:max_length].strip("-") or "x"
    candidate, n = root, 1
    while exists(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = root[: max_length - len(suffix)] + suffix
    return candidate


@transaction.atomic
def agency_create(*, name: str, city: str = "", slug: str | None = None) -> Agency:
    name = name.strip()
    if not name:
        raise ValidationError(_("The agency needs a name."))
    slug = slug or unique_slug(name, lambda s: Agency.objects.filter(slug=s).exists())
    return Agency.objects.create(name=name, city=city.strip(), slug=slug)


@transaction.atomic
def unit_create(
    *, agency: Agency, name: str, parent: Unit | None = None, slug: str | None = None
) -> Unit:
    """Create a unit under ``parent`` (or as a root of the agency's tree).

    Unit slugs appear in public URLs (/s/<slug>/) and must be unique nationally; a name
    already taken elsewhere gets the agency's city or name appended.
    """
    name = name.strip()
    if not name:
        raise ValidationError(_("The unit needs a name."))
    if parent is not None and parent.agency_id != agency.id:
        raise ValidationError(_("A unit must belong to the same agency as its parent unit."))
    if slug is None:

        def taken(s: str) -> bool:
            return Unit.objects.filter(slug=s).exists()

        slug = slugify(name)[:120]
        if not slug or taken(slug):
            slug = unique_slug(f"{name} {agency.city or agency.name}", taken, max_length=120)
    unit = Unit.objects.create(
        agency=agency,
        parent=parent,
        name=name,
        slug=slug,
        path="",
        depth=0 if parent is None else parent.depth + 1,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def service_create(*, unit: Unit, name: str, slug: str | None = None) -> Service:
    name = name.strip()
    if not name:
        raise ValidationError(_("The service needs a name."))
    slug = slug or unique_slug(
        name, lambda s: Service.objects.filter(unit=unit, slug=s).exists(), max_length=120
    )
    return Service.objects.create(unit=unit, name=name, slug=slug)


def _name_taken(queryset, name: str, exclude_pk: int | None = None) -> bool:
    """Whether ``name`` is already used in ``queryset``, ignoring case."""
    found = queryset.filter(name__iexact=name)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.exists()


@transaction.atomic
def unit_rename(*, unit: Unit, name: str) -> Unit:
    """A new name; the slug stays, because it is printed on QR posters and public links."""
    name = name.strip()
    if not name:
        raise ValidationError(_("The unit needs a name."))
    siblings = Unit.objects.filter(agency_id=unit.agency_id, parent_id=unit.parent_id)
    if _name_taken(siblings, name, unit.pk):
        raise ValidationError(_("Another unit at this level already has this name."))
    unit.name = name
    unit.save(update_fields=["name", "updated_at"])
    return unit


def sub_unit_create(*, parent: Unit, name: str) -> Unit:
    """A unit below ``parent`` (its slug made from the name, unique nationally)."""
    name = name.strip()
    if _name_taken(Unit.objects.filter(agency_id=parent.agency_id, parent=parent), name):
        raise ValidationError(_("A unit below this one already has this name."))
    return unit_create(agency=parent.agency, parent=parent, name=name)


def service_add(*, unit: Unit, name: str) -> Service:
    """``service_create`` with a clear message for a name the unit already uses."""
    if _name_taken(Service.objects.filter(unit=unit), name.strip()):
        raise ValidationError(_("This unit already has a service with this name."))
    return service_create(unit=unit, name=name)


@transaction.atomic
def service_update(*, service: Service, name: str, is_active: bool) -> Service:
    """Rename or (de)activate a service; its slug stays. Services are never deleted here:
    a deactivated one keeps its responses and drops out of the forms."""
    name = name.strip()
    if not name:
        raise ValidationError(_("The service needs a name."))
    if _name_taken(Service.objects.filter(unit_id=service.unit_id), name, service.pk):
        raise ValidationError(_("This unit already has a service with this name."))
    service.name = name
    service.is_active = is_active
    service.save(update_fields=["name", "is_active", "updated_at"])
    return service


@transaction.atomic
def service_delete(*, service: Service) -> None:
    """Delete a service typed by mistake: only one that no response, kiosk or invitation
    names (every one, even deleted responses, is protected by the database as well)."""
    from django.db.models import ProtectedError

    refused = ValidationError(
        _("This service is named by responses, a kiosk or invitations; deactivate it instead.")
    )
    if service.invitations.exists():
        raise refused
    try:
        service.delete()
    except ProtectedError as error:
        raise refused from error


@transaction.atomic
def unit_rebuild_paths(*, agency: Agency) -> None:
    """Recompute path and depth of every unit of the agency from the parent links.

    Used after edits that may move a subtree (the back office). A cycle is refused.
    """
    units = list(Unit.objects.filter(agency=agency).select_for_update())
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    seen: set[int] = set()
    stack: list[tuple[Unit, str, int]] = [(u, "/", 0) for u in by_parent.get(None, [])]
    while stack:
        unit, prefix, depth = stack.pop()
        seen.add(unit.pk)
        path = f"{prefix}{unit.pk}/"
        if unit.path != path or unit.depth != depth:
            unit.path, unit.depth = path, depth
            unit.save(update_fields=["path", "depth"])
        stack.extend((child, path, depth + 1) for child in by_parent.get(unit.pk, []))
    if len(seen) != len(units):
        raise ValidationError(_("A unit cannot be placed below itself."))


# --------------------------------------------------------------------------------------
# Role invitations (docs/security.md, "Accounts and roles")

INVITATION_DAYS = 7


def _token_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def role_invitation_create(*, unit: Unit, role: str, email: str = "", invited_by=None):
    """A one-time link offering ``role`` on ``unit``; returns (invitation, token).

    The link does not name an account: whoever opens it either logs in with their own
    account and accepts, or makes a new account. So the inviter never types a user name,
    and nothing tells the inviter whether a name exists elsewhere.
    """
    import datetime as dt
    import secrets

    from django.utils import timezone

    from skm.org.models import RoleInvitation

    token = secrets.token_urlsafe(32)
    invitation = RoleInvitation.objects.create(
        token_hash=_token_hash(token),
        username="",
        email=email.strip(),
        agency=unit.agency,
        unit=unit,
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    return invitation, token


def role_invitation_open(token: str):
    """The invitation of this token if it can still be used; None otherwise."""
    from django.utils import timezone

    from skm.org.models import RoleInvitation

    if not token or len(token) > 100:
        return None
    return (
        RoleInvitation.objects.select_related("unit", "agency", "invited_by")
        .filter(token_hash=_token_hash(token), closed_at=None, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def role_invitation_accept(invitation, *, user) -> bool:
    """Give the invitation's role to ``user`` and close it; False if it was used meanwhile."""
    from django.utils import timezone

    from skm.org.models import Membership, RoleInvitation

    fresh = RoleInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if fresh is None or fresh.closed_at is not None or fresh.expires_at <= timezone.now():
        return False
    Membership.objects.get_or_create(
        user=user, agency_id=fresh.agency_id, unit_id=fresh.unit_id, role=fresh.role
    )
    fresh.username = user.get_username()
    fresh.accepted = True
    fresh.closed_at = timezone.now()
    fresh.save(update_fields=["username", "accepted", "closed_at", "updated_at"])
    return True


@transaction.atomic
def role_invitation_close(invitation) -> None:
    """Declined by the person or withdrawn by an administrator: the link stops working."""
    from django.utils import timezone

    from skm.org.models import RoleInvitation

    fresh = RoleInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if fresh is not None and fresh.closed_at is None:
        fresh.closed_at = timezone.now()
        fresh.save(update_fields=["closed_at", "updated_at"])
