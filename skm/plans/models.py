"""The follow-up loop: a unit's plan (RTL) for a period, its priority elements, items with
their realisation and evidence, strategies, and the history of every change.

Numbers (1, 1.1, 2.1 ...) are never stored: they follow from the order of the included
priorities and of the items within each (``position``), so that reordering renumbers the
screen, the reports and the API alike (skm.plans.selectors).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from skm.org.models import Agency, TimeStampedModel, Unit
from skm.surveys.models import Period, Response

QUARTERS = (1, 2, 3, 4)


def validate_quarters(value: str) -> None:
    if not re.fullmatch(r"[1-4]{1,4}", value or "") or len(set(value)) != len(value):
        raise ValidationError(_("Choose at least one quarter (TW 1 to TW 4)."))


class Plan(TimeStampedModel):
    """The Rencana Tindak Lanjut of one unit for one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="plans", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("unit")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    reported_on = models.DateField(
        _("date of the survey result report"),
        null=True,
        blank=True,
        help_text=_("PEKPPP indicator 9 counts the months from this date."),
    )
    followup_reported_on = models.DateField(
        _("date of the follow-up report (Laporan Tindak Lanjut)"),
        null=True,
        blank=True,
        help_text=_(
            "The issue date of the Laporan Tindak Lanjut; PEKPPP indicator 9 counts the "
            "months up to this date."
        ),
    )
    finalised_at = models.DateTimeField(_("made final at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made final by"),
    )

    class Meta:
        verbose_name = _("follow-up plan")
        verbose_name_plural = _("follow-up plans")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="plan_one_per_unit_period")
        ]

    def __str__(self) -> str:
        return f"RTL {self.unit} {self.period.name}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class PlanEvent(models.Model):
    """Decisions on the plan as a whole: made final, reopened, priorities added or dropped."""

    class Action(models.TextChoices):
        CREATED = "created", _("Plan created")
        FINAL = "final", _("Made final")
        REOPENED = "reopened", _("Reopened")
        PRIORITY_ADDED = "priority_added", _("Priority added")
        PRIORITY_DROPPED = "priority_dropped", _("Priority dropped")
        PRIORITY_RESTORED = "priority_restored", _("Priority restored")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"


class PlanPriority(models.Model):
    """An element the plan works on: proposed from the results, added by staff, or carried
    with unfinished items from the previous plan. Dropping keeps the row and the reason."""

    class Source(models.TextChoices):
        PROPOSED = "proposed", _("Proposed from the results")
        ADDED = "added", _("Added by staff")
        CARRIED = "carried", _("Carried over")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    element_code = models.CharField(_("element"), max_length=8)
    element_name = models.CharField(_("element name"), max_length=120)
    position = models.PositiveIntegerField(_("position"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    included = models.BooleanField(_("in the plan"), default=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("priority element")
        verbose_name_plural = _("priority elements")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "element_code"], name="priority_once_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.element_code} {self.element_name}"


class PlanItem(TimeStampedModel):
    """A programme or activity under a priority element, with its realisation."""

    class Horizon(models.TextChoices):
        SHORT = "pendek", _("Short term (under 12 months)")
        MEDIUM = "menengah", _("Medium term (12 to 24 months)")
        LONG = "panjang", _("Long term (over 24 months)")

    class Status(models.TextChoices):
        NOT_STARTED = "belum", _("Not yet")
        IN_PROGRESS = "proses", _("In progress")
        DONE = "sudah", pgettext_lazy("plan item status", "Done")

    priority = models.ForeignKey(PlanPriority, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("position"))
    activity = models.TextField(_("programme / activity"))
    quarters = models.CharField(_("quarters"), max_length=4, validators=[validate_quarters])
    year = models.PositiveSmallIntegerField(_("year"))
    horizon = models.CharField(
        _("horizon"), max_length=10, choices=Horizon.choices, default=Horizon.SHORT
    )
    owner_title = models.CharField(_("responsible (position)"), max_length=160)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible (account)"),
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    budget_note = models.CharField(_("budget note"), max_length=255, blank=True)
    suggestions = models.ManyToManyField(
        Response, blank=True, related_name="plan_items", verbose_name=_("suggestions answered")
    )
    status = models.CharField(
        _("realisation"), max_length=8, choices=Status.choices, default=Status.NOT_STARTED
    )
    done_on = models.DateField(_("date done"), null=True, blank=True)
    description = models.TextField(_("what was done"), blank=True)
    obstacles = models.TextField(_("challenges / obstacles"), blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("continued from"),
    )

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["priority__position", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sudah") | Q(done_on__isnull=False),
                name="item_done_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.activity[:60]

    @property
    def quarter_list(self) -> list[int]:
        return sorted(int(q) for q in self.quarters)


class ItemChange(models.Model):
    """One change of a plan item: who, when, and each field's old and new value."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        REALISATION = "realisation", _("Realisation updated")
        EVIDENCE_ADDED = "evidence_added", _("Evidence added")
        EVIDENCE_REMOVED = "evidence_removed", _("Evidence removed")
        EVIDENCE_PUBLIC = "evidence_public", _("Evidence visibility changed")
        MOVED = "moved", _("Moved")
        CARRIED = "carried", _("Carried over from the previous plan")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    via = models.CharField(_("via"), max_length=40, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan item change")
        verbose_name_plural = _("plan item changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"


class Evidence(models.Model):
    """A documentation file of a plan item (JPEG, PNG or PDF), stored outside static files
    under a random name; images are re-encoded without their metadata (EXIF/GPS)."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="evidence")
    stored_name = models.CharField(_("stored name"), max_length=64, unique=True, editable=False)
    thumbnail_name = models.CharField(_("thumbnail"), max_length=64, blank=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Shown on the publication page once the period is published."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Strategy(models.Model):
    """A row of the BAB IV strategy table."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="strategies")
    position = models.PositiveIntegerField(_("position"))
    item = models.ForeignKey(
        PlanItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="strategies",
        verbose_name=_("plan item"),
    )
    followup = models.TextField(_("follow-up concerned"), blank=True)
    strategy = models.TextField(_("strategy"))
    target_quarter = models.PositiveSmallIntegerField(
        _("target quarter"), null=True, blank=True, choices=[(q, f"TW {q}") for q in QUARTERS]
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    owner_title = models.CharField(_("responsible"), max_length=160)
    stakeholders = models.TextField(
        _("stakeholders"), blank=True, help_text=_("One per line or separated by commas.")
    )

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.strategy[:60]

    def stakeholder_list(self) -> list[str]:
        return [s.strip() for s in re.split(r"[\n,;]+", self.stakeholders) if s.strip()]


class CatalogueActivity(models.Model):
    """A typical activity for an element, offered as a starting point. Rows without an
    agency are the national defaults; an agency's own rows replace them for its units."""

    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="catalogue",
        verbose_name=_("agency"),
    )
    element_code = models.CharField(_("element"), max_length=8)
    text = models.TextField(_("activity"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("catalogue activity")
        verbose_name_plural = _("catalogue of activities")
        ordering = ["agency", "element_code", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.element_code}: {self.text[:60]}"
