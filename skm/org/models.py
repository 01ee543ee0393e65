"""Agencies (instansi), the unit tree (OPD, UPT, ...) and services (jenis layanan)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


LOGO_MAX_BYTES = 2 * 1024 * 1024


def validate_logo(upload) -> None:
    """A logo is a PNG or JPEG by its content (never by its name) of at most 2 MB: no SVG
    or HTML, which a browser could run."""
    from django.core.exceptions import ValidationError

    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo is larger than 2 MB."))
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8)
    upload.seek(position)
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
        raise ValidationError(_("The logo must be a PNG or JPEG image."))


def logo_path(instance, filename: str) -> str:
    """A stored name that never comes from the upload (only the real type's extension)."""
    import uuid

    return f"logos/{uuid.uuid4().hex}.img"


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

    class Rollup(models.TextChoices):
        POOLED = "pooled", _("Pool the respondents of every unit below (respondent-weighted)")
        MEAN = "mean", _("Mean of the units' IKM (every unit weighs the same)")

    rollup = models.CharField(
        _("roll-up rule"), max_length=10, choices=Rollup.choices, default=Rollup.POOLED
    )
    logo = models.FileField(
        _("logo"),
        upload_to=logo_path,
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG or JPEG, at most 2 MB; printed on posters and reports."),
    )
    # The kop surat (letterhead) of reports: the emblem (logo), these lines, the unit's name.
    government_line = models.CharField(
        _("government line"),
        max_length=200,
        blank=True,
        help_text=_("The first line of the letterhead, e.g. PEMERINTAH KOTA PEKALONGAN."),
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)

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
    invitation_required = models.BooleanField(
        _("invitation required"),
        default=False,
        help_text=_(
            "The public form accepts only a single-use invitation token (QR on the ticket)."
        ),
    )
    submissions_per_hour = models.PositiveIntegerField(
        _("submissions per client per hour"),
        default=20,
        help_text=_(
            "Rate limit of the public form per client (address kept only as a keyed hash)."
        ),
    )
    # The unit's own letterhead contact lines; empty ones fall back to the agency's.
    address = models.CharField(
        _("address"),
        max_length=250,
        blank=True,
        help_text=_("Printed on the letterhead; empty: the agency's."),
    )
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)

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


class Membership(TimeStampedModel):
    """A user's role on a unit (and so on every unit below it), or on a whole agency."""

    class Role(models.TextChoices):
        AGENCY_ADMIN = "admin_instansi", _("Agency administrator")
        UNIT_ADMIN = "admin_unit", _("Unit administrator")
        OPERATOR = "operator", _("Operator")
        HEAD = "pimpinan", _("Head (read-only, sign-off)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("agency")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
        help_text=_("Empty: every unit of the agency."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "unit", "role"], name="membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} - {self.unit or self.agency}"


class RoleInvitation(TimeStampedModel):
    """An offer of a role on a unit, accepted through a one-time link (docs/security.md).

    Used for a new person (the account is made when they set a password through the link)
    and for an existing account that is not wholly in the inviter's care (the owner logs in
    and accepts). The inviter sees the same answer in both cases, so the form never tells
    whether a user name exists. Only the token's SHA-256 is stored.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    username = models.CharField(_("user name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="+", verbose_name=_("agency")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    accepted = models.BooleanField(_("accepted"), default=False)

    class Meta:
        verbose_name = _("role invitation")
        verbose_name_plural = _("role invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.username} - {self.get_role_display()} - {self.unit}"
