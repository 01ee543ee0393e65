"""The audit trail: who changed what, when and from where (docs/security.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from skm.org.models import Agency, Unit


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        DELETE = "delete", _("Deleted")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Login failed")
        LOGOUT = "logout", _("Logged out")
        EXPORT = "export", _("Exported responses")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    address = models.CharField(
        _("address (keyed hash)"),
        max_length=16,
        blank=True,
        help_text=_(
            "A keyed hash of the network address: the same address gives the same "
            "value, the address itself is not kept."
        ),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    model = models.CharField(_("kind"), max_length=60, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    object_repr = models.CharField(_("description"), max_length=200, blank=True)
    # No database constraint: the trail keeps the events of a unit that was deleted
    # (unit_name says which it was).
    unit = models.ForeignKey(
        Unit,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    unit_name = models.CharField(_("unit name"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action} {self.model}"


class AuditScope(models.Model):
    """A unit (or, for an agency-wide role, an agency) whose administrators may read an event.

    An event about an account (disabled, enabled, changed, a role given or removed) belongs
    to every unit where that account holds a role when it is recorded, so that each of
    those units' and agencies' administrators see it in the trail.
    """

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="scopes")
    unit = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("audit scope")
        verbose_name_plural = _("audit scopes")
        indexes = [
            models.Index(fields=["unit"], name="audit_scope_unit"),
            models.Index(fields=["agency"], name="audit_scope_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: unit {self.unit_id or '-'}, agency {self.agency_id or '-'}"
