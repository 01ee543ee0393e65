"""Recording: every create, change and delete of the tracked models, and logins.

Who and from where come from the request being served (AuditContextMiddleware puts the
user and the keyed address hash in a context variable); outside a request (commands,
background jobs) the user is empty and the note says "system". Field values are recorded
as text; secrets are never recorded (a changed password is "(changed)").
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

IGNORED = {
    "created_at",
    "updated_at",
    "last_login",
    "last_used_at",
    "last_contact_at",
    "last_queue_length",
    "id",
}
SECRET = {"password", "key_hash", "setup_hash", "token_hash"}


@dataclass(frozen=True)
class Actor:
    user: Any
    address: str


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar(
    "skm_audit_actor", default=None
)


def address_hash(address: str) -> str:
    if not address:
        return ""
    return salted_hmac("skm.audit.address", address, algorithm="sha256").hexdigest()[:16]


class AuditContextMiddleware:
    """Makes the person and the address of the request known to the audit signals."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from skm.surveys.abuse import client_address

        user = getattr(request, "user", None)
        token = _actor.set(
            Actor(
                user=user if user is not None and user.is_authenticated else None,
                address=address_hash(client_address(request)),
            )
        )
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def _unit_of(instance) -> Any:
    """The unit an object belongs to, for scoping who may read its events."""
    from skm.org.models import Unit

    if isinstance(instance, Unit):
        return instance
    for path in ("unit", "priority.plan.unit", "item.priority.plan.unit", "plan.unit"):
        current = instance
        for part in path.split("."):
            # A missing relation (no such field, or a deleted row) ends this path.
            current = getattr(current, part, None) if current is not None else None
        if isinstance(current, Unit):
            return current
    return None


def _scopes_of(instance) -> list[tuple[int | None, int | None]]:
    """(unit id, agency id) pairs whose administrators may read an event about an account:
    the units of every role the account holds (for an agency-wide role, the agency)."""
    from django.contrib.auth import get_user_model

    from skm.org.models import Membership, RoleInvitation

    if isinstance(instance, get_user_model()):
        if instance.pk is None:
            return []
        pairs = Membership.objects.filter(user_id=instance.pk).values_list("unit_id", "agency_id")
        return sorted(set(pairs), key=str)
    if isinstance(instance, Membership | RoleInvitation):
        return [(instance.unit_id, instance.agency_id)]
    return []


def _value(field: models.Field, instance) -> Any:
    if field.name in SECRET:
        # Compared between before and after, never stored: see _hide.
        import hashlib

        raw = str(getattr(instance, field.attname, "") or "")
        return "secret:" + hashlib.sha256(raw.encode()).hexdigest()
    value = getattr(instance, field.attname, None)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _snapshot(instance) -> dict[str, Any]:
    return {
        f.name: _value(f, instance) for f in instance._meta.concrete_fields if f.name not in IGNORED
    }


def _hide(changes: dict) -> dict:
    """Secrets appear only as "(set)" or "(changed)"."""
    for name in SECRET & changes.keys():
        old, new = changes[name]
        if new is None:
            changes[name] = ["(set)", None]
        elif old is None:
            changes[name] = [None, "(set)"]
        else:
            changes[name] = ["", "(changed)"]
    return changes


def record(
    action: str,
    *,
    instance=None,
    changes: dict | None = None,
    note: str = "",
    user=None,
    model: str = "",
    object_id: str = "",
    object_repr: str = "",
    unit=None,
    scopes: list[tuple[int | None, int | None]] | None = None,
) -> None:
    from skm.audit.models import AuditEvent, AuditScope

    actor = _actor.get()
    who = user if user is not None else (actor.user if actor else None)
    if instance is not None:
        model = model or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:200]
        unit = unit if unit is not None else _unit_of(instance)
        if scopes is None:
            scopes = _scopes_of(instance)
    event = AuditEvent.objects.create(
        user=who if who is not None and getattr(who, "pk", None) else None,
        username=getattr(who, "username", "") or "",
        address=actor.address if actor else "",
        action=action,
        model=model,
        object_id=object_id,
        object_repr=object_repr[:200],
        unit_id=getattr(unit, "pk", None),
        unit_name=getattr(unit, "name", "")[:200],
        changes=_hide(dict(changes or {})),
        note=note or ("" if actor else "system"),
    )
    if scopes:
        AuditScope.objects.bulk_create(
            AuditScope(event=event, unit_id=u, agency_id=a) for u, a in scopes
        )


def _pre_save(sender, instance, **kwargs) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = _snapshot(old) if old is not None else None


def _post_save(sender, instance, created, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    after = _snapshot(instance)
    if created:
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "")}
        record("create", instance=instance, changes=changes)
        return
    before = getattr(instance, "_audit_before", None) or {}
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        record("change", instance=instance, changes=changes)


def _post_delete(sender, instance, **kwargs) -> None:
    from skm.org.models import Unit

    scopes = None
    if isinstance(instance, Unit):
        # The deleted unit is in nobody's tree any more: its deletion belongs to the
        # administrators of the unit above (of the whole agency for a unit at the top).
        scopes = [(instance.parent_id, instance.agency_id)]
    record(
        "delete",
        instance=instance,
        changes={k: [v, None] for k, v in _snapshot(instance).items()},
        scopes=scopes,
    )


def tracked_models() -> list[type[models.Model]]:
    from django.apps import apps

    labels = [
        "org.Agency",
        "org.Unit",
        "org.Service",
        "org.Membership",
        "org.RoleInvitation",
        "surveys.Period",
        "surveys.Questionnaire",
        "surveys.QuestionnaireElement",
        "surveys.Publication",
        "surveys.Kiosk",
        "surveys.ApiKey",
        "surveys.ImportBatch",
        "plans.Plan",
        "plans.PlanPriority",
        "plans.PlanItem",
        "plans.Strategy",
        "plans.Evidence",
        "plans.CatalogueActivity",
        "reports.ReportProfile",
        "reports.ReportText",
        "reports.SurveyPhoto",
        "reports.ReportJob",
    ]
    return [apps.get_model(label) for label in labels] + [get_user_model()]


def _logged_in(sender, request, user, **kwargs) -> None:
    record(
        "login",
        user=user,
        model="auth.user",
        object_id=str(user.pk),
        object_repr=user.get_username(),
    )


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(
            "logout",
            user=user,
            model="auth.user",
            object_id=str(user.pk),
            object_repr=user.get_username(),
        )


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str((credentials or {}).get("username", ""))[:150]
    record("login_failed", model="auth.user", object_repr=username, note="")


def connect() -> None:
    for model in tracked_models():
        uid = f"skm-audit-{model._meta.label_lower}"
        pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_post_save, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + "-del")
    user_logged_in.connect(_logged_in, dispatch_uid="skm-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="skm-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="skm-audit-login-failed")
