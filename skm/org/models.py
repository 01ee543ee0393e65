"""Agencies (instansi), the unit tree (OPD, UPT, ...) and services (jenis layanan)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Agency(TimeStampedModel):
    """A government body running SKM for its units, e.g. Pemerintah Kota Pekalongan."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    city = models.CharField(
        _("city or region"),
        max_length=120,
        blank=True,
        help_text=_("As printed on report covers, e.g. Kota Pekalongan."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(TimeStampedModel):
    """A service unit in the organisation tree; any depth (Pemkot > OPD > UPT).

    ``path`` is a materialised path of ids ("/3/17/") kept by the services, so that a
    whole subtree is one indexed prefix query instead of a recursive walk.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="units", verbose_name=_("agency")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    path = models.CharField(_("tree path"), max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="unit_not_own_parent"
            ),
            models.UniqueConstraint(
                fields=["agency", "parent", "name"], name="unit_name_unique_among_siblings"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def subtree(self) -> models.QuerySet[Unit]:
        """This unit and every unit below it."""
        return Unit.objects.filter(path__startswith=self.path)

    def ancestors(self) -> list[Unit]:
        """Units above this one, root first."""
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]


class Service(TimeStampedModel):
    """A service type (jenis layanan) of a unit, e.g. KTP-el or Akta Kelahiran."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="services", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["unit", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "slug"], name="service_slug_unique_in_unit"),
            models.UniqueConstraint(fields=["unit", "name"], name="service_name_unique_in_unit"),
        ]

    def __str__(self) -> str:
        return self.name
