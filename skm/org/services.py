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
    _lock_tree(agency.id)
    if parent is not None:  # its path as it is now (a move may have changed it)
        parent = Unit.objects.get(pk=parent.pk)
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


# --------------------------------------------------------------------------------------
# Correcting the tree: deleting a unit added by mistake, moving a subtree (docs/setup.md)


def _lock_tree(agency_id: int) -> None:
    """Serialise the edits of one agency's tree (a move reads paths that another move or a
    new unit could be changing): the agency's row is locked until the transaction ends."""
    list(Agency.objects.select_for_update().filter(pk=agency_id).values_list("pk", flat=True))


def _relations(model):
    """Every relation that points at ``model``, except the audit trail's, which keeps the
    events of a deleted unit on purpose (no database constraint, nothing done on delete)."""
    from django.db import models

    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created
        and not f.concrete
        and (f.one_to_many or f.one_to_one)
        and f.on_delete is not models.DO_NOTHING
    ]


def _kind(model) -> str:
    return str(model._meta.verbose_name_plural)


def unit_delete_blockers(unit: Unit) -> list[str]:
    """What keeps ``unit`` from being deleted, as kinds of records ("sub-units",
    "periods", "responses", ...); empty when it can go.

    Every relation to a unit counts, whatever its ``on_delete``: a membership or a report
    setting would be deleted silently by the database, so they refuse too. Only the
    unit's own services are deleted with it, while nothing names them, and the role
    invitations that can no longer be used (accepted, withdrawn or expired: the roles they
    gave are memberships, which do count).
    """
    from django.utils import timezone

    from skm.org.models import RoleInvitation

    kinds: list[str] = []
    for relation in _relations(Unit):
        model = relation.related_model
        rows = model._base_manager.filter(**{relation.field.name: unit})  # deleted ones too
        if model is RoleInvitation:
            rows = rows.filter(closed_at=None, expires_at__gt=timezone.now())
        if model is Service:  # its services go with it, unless something names them
            for named in _relations(Service):
                naming = named.related_model._base_manager
                if naming.filter(**{f"{named.field.name}__unit": unit}).exists():
                    kinds.append(_kind(named.related_model))
        elif rows.exists():
            kinds.append(_("sub-units") if model is Unit else _kind(model))
    return list(dict.fromkeys(kinds))


def unit_delete_refusal(unit: Unit) -> str:
    """Why ``unit`` cannot be deleted, as the pages say it; empty when it can."""
    blockers = unit_delete_blockers(unit)
    if not blockers:
        return ""
    return _(
        "%(unit)s cannot be deleted: it still has %(records)s. Only a unit added by "
        "mistake, with nothing recorded for it yet, can be deleted."
    ) % {"unit": unit.name, "records": ", ".join(blockers)}


@transaction.atomic
def unit_delete(*, unit: Unit) -> None:
    """Delete a unit added by mistake, with its unused services: only while nothing else
    points at it (no sub-unit, response, even a deleted one, period, plan, publication,
    kiosk, role, open role invitation, report setting ...). Who may is decided by the caller
    (``skm.org.access.manages_place``: the place above the unit)."""
    from django.db.models import ProtectedError

    _lock_tree(unit.agency_id)
    refusal = unit_delete_refusal(unit)
    if refusal:
        raise ValidationError(refusal)
    try:
        for service in Service.objects.filter(unit=unit):
            service.delete()
        unit.delete()
    except ProtectedError as error:  # something was added meanwhile: the database refuses
        raise ValidationError(
            _("%(unit)s cannot be deleted: records were added to it meanwhile.")
            % {"unit": unit.name}
        ) from error


def _owned_records_leaving(subtree, lost: list[int]):
    """The first record of a unit in ``subtree`` that names something owned by a unit in
    ``lost`` (a period, a service), as (model, the thing named); None when there is none.

    Found by walking the models: any model with a foreign key to a unit and another to a
    model that itself belongs to a unit (``unit``), so a new kind of record is covered
    without a change here. Responses come first, deleted and held ones included.
    """
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist
    from django.db import models

    def unit_field(model):
        try:
            field = model._meta.get_field("unit")
        except FieldDoesNotExist:  # not a unit's record
            return None
        return field if getattr(field, "related_model", None) is Unit else None

    response = apps.get_model("surveys", "Response")
    ordered = [response, *(m for m in apps.get_models() if m is not response)]
    for model in ordered:
        own = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is Unit and f.db_constraint
        ]
        named = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey)
            and f.related_model is not Unit
            and unit_field(f.related_model) is not None
        ]
        for own_field in own:
            for named_field in named:
                target_id = (
                    model._base_manager.filter(
                        **{
                            f"{own_field.name}__in": subtree,
                            f"{named_field.name}__unit_id__in": lost,
                        }
                    )
                    .values_list(named_field.attname, flat=True)
                    .first()
                )
                if target_id is not None:
                    target = named_field.related_model._base_manager.select_related("unit").get(
                        pk=target_id
                    )
                    return model, target
    return None


@transaction.atomic
def unit_move(*, unit: Unit, parent: Unit | None) -> Unit:
    """Place ``unit`` and everything below it under ``parent`` (None: the top of the tree).

    The slugs stay (printed on QR posters); the paths and depths of the whole subtree are
    recomputed in one statement. Refused: another agency, below itself or one of its own
    units, a name a new sibling already has, and a move that would take a record of the
    subtree away from the unit it depends on: a response (or a plan, a report, a kiosk...)
    in a period, or naming a service, of a unit above that would no longer be above.
    Who may is decided by the caller (``skm.org.access.manages_place``, old and new place).
    """
    from django.db.models import F, Value
    from django.db.models.functions import Concat, Substr
    from django.utils import timezone

    _lock_tree(unit.agency_id)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if parent is not None:
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
        if parent.agency_id != unit.agency_id:
            raise ValidationError(_("A unit must belong to the same agency as its parent unit."))
        if parent.path.startswith(unit.path):
            raise ValidationError(
                _("%(unit)s cannot be placed below itself or below one of its own sub-units.")
                % {"unit": unit.name}
            )
    if unit.parent_id == (parent.pk if parent else None):
        raise ValidationError(_("%(unit)s is already there.") % {"unit": unit.name})
    siblings = Unit.objects.filter(agency_id=unit.agency_id, parent=parent)
    if _name_taken(siblings, unit.name, unit.pk):
        raise ValidationError(
            _("A unit named %(name)s is already below %(parent)s.")
            % {"name": unit.name, "parent": parent.name}
            if parent
            else _("A unit named %(name)s is already at the top of the tree.") % {"name": unit.name}
        )
    old_path = unit.path
    new_path = f"{parent.path if parent else '/'}{unit.pk}/"
    subtree = Unit.objects.filter(path__startswith=old_path)
    longest = max(len(p) for p in subtree.values_list("path", flat=True))
    if longest - len(old_path) + len(new_path) > Unit._meta.get_field("path").max_length:
        raise ValidationError(_("The tree would become too deep there."))
    staying = {int(i) for i in (parent.path if parent else "").strip("/").split("/") if i}
    lost = [int(i) for i in old_path.strip("/").split("/")[:-1] if int(i) not in staying]
    if lost:
        found = _owned_records_leaving(subtree.values("pk"), lost)
        if found is not None:
            model, target = found
            values = {
                "unit": unit.name,
                "records": _kind(model),
                "name": getattr(target, "name", None) or str(target),
                "owner": target.unit.name,
            }
            if target._meta.label == "surveys.Period":
                message = _(
                    "%(unit)s cannot be moved there: it (or a unit below it) has %(records)s "
                    "in the period %(name)s of %(owner)s, which would no longer cover it."
                )
            elif isinstance(target, Service):
                message = _(
                    "%(unit)s cannot be moved there: it (or a unit below it) has %(records)s "
                    "naming the service %(name)s of %(owner)s, which would no longer be "
                    "above it."
                )
            else:
                message = _(
                    "%(unit)s cannot be moved there: it (or a unit below it) has %(records)s "
                    "tied to %(name)s of %(owner)s, which would no longer be above it."
                )
            raise ValidationError(message % values)
    depth = parent.depth + 1 if parent else 0
    # the units below first (their parent does not change: no audit event, the moved
    # unit's own event records the move), then the unit itself through save (audited)
    subtree.exclude(pk=unit.pk).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + (depth - unit.depth),
        updated_at=timezone.now(),  # what caches keyed on the units' changes see
    )
    unit.parent, unit.path, unit.depth = parent, new_path, depth
    unit.save(update_fields=["parent", "path", "depth", "updated_at"])
    return unit


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
