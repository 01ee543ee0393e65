"""What a unit's reports need beyond the data: who signs, where, the number style, and the
narrative texts the unit edited for a period (docs/reports.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from skm.org.models import Agency, TimeStampedModel, Unit
from skm.surveys.models import Period


class ReportProfile(TimeStampedModel):
    """Asked once per unit and remembered: the signature block and the number style."""

    class Decimal(models.TextChoices):
        POINT = ".", _("91.83 (point, as in the seed report)")
        COMMA = ",", _("91,83 (comma, Indonesian standard)")

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="report_profile", verbose_name=_("unit")
    )

    class Acting(models.TextChoices):
        NONE = "", _("(definitive holder)")
        PLT = "Plt.", _("Plt. (pelaksana tugas)")
        PLH = "Plh.", _("Plh. (pelaksana harian)")

    place = models.CharField(_("place of signing"), max_length=80, blank=True)
    acting = models.CharField(
        _("acting"),
        max_length=4,
        choices=Acting.choices,
        blank=True,
        default="",
        help_text=_("Printed before the position: Plt. or Plh. when the head is acting."),
    )
    position = models.CharField(
        _("position (jabatan)"),
        max_length=200,
        blank=True,
        help_text=_(
            "One line, without Plt./Plh., e.g. Kepala Dinas Kependudukan dan Pencatatan Sipil "
            "Kota Pekalongan; the document breaks it between words."
        ),
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    rank = models.CharField(_("rank / grade (pangkat/golongan)"), max_length=120, blank=True)
    nip = models.CharField(_("NIP"), max_length=30, blank=True)
    decimal = models.CharField(
        _("decimal separator"), max_length=1, choices=Decimal.choices, default=Decimal.COMMA
    )

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self) -> str:
        return f"{self.unit}: {self.name or '-'}"


class ReportText(TimeStampedModel):
    """A narrative section a unit rewrote for one period's report (else the default)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, verbose_name=_("unit"))
    period = models.ForeignKey(Period, on_delete=models.CASCADE, verbose_name=_("period"))
    report = models.CharField(_("report"), max_length=20)
    key = models.CharField(_("section"), max_length=40)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("report text")
        verbose_name_plural = _("report texts")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "report", "key"], name="report_text_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period} {self.report}/{self.key}"


class ReportJob(TimeStampedModel):
    """A document being made in the background; the page polls its status (docs/reports.md)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Part(models.TextChoices):
        """The span of a document made for a year rather than a period (the recap)."""

        YEAR = "", _("the whole year")
        S1 = "S1", _("Semester I")
        S2 = "S2", _("Semester II")
        TW1 = "TW1", _("Quarter I")
        TW2 = "TW2", _("Quarter II")
        TW3 = "TW3", _("Quarter III")
        TW4 = "TW4", _("Quarter IV")

    ref = models.UUIDField(_("reference"), unique=True, editable=False)
    # Exactly one of unit and agency: a unit's documents, or the recap of a whole agency.
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("unit")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("agency")
    )
    # A period's documents have a period; the PEKPPP pack and the recap a year (and a part).
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("period")
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    part = models.CharField(
        _("part of the year"), max_length=3, choices=Part.choices, blank=True, default=""
    )
    kind = models.CharField(_("document"), max_length=20)
    fmt = models.CharField(_("format"), max_length=4)
    size = models.CharField(_("paper size"), max_length=2, default="a4")
    signed_on = models.DateField(_("date of signing"), null=True, blank=True)
    evidence_scope = models.CharField(
        _("evidence printed"),
        max_length=6,
        blank=True,
        help_text=_("publik: public evidence only; semua: all; empty: the document's default."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, agency__isnull=True)
                | Q(unit__isnull=True, agency__isnull=False),
                name="report_job_unit_or_agency",
            ),
            models.CheckConstraint(
                condition=Q(period__isnull=False) | Q(year__isnull=False),
                name="report_job_period_or_year",
            ),
        ]

    @property
    def title(self) -> str:
        """The document's title: a period's ("Laporan Hasil SKM Semester I 2025"), a year's
        ("Paket bukti PEKPPP 2026"); never the kind's slug."""
        from skm.reports.documents import PERIOD_TITLES, SCOPED_KINDS, scoped_title

        if self.kind in SCOPED_KINDS:
            return scoped_title(self.kind, self.year, self.part)
        name = PERIOD_TITLES.get(self.kind, self.kind)
        return f"{name} {self.period.name}" if self.period_id else str(name)

    def __str__(self) -> str:
        # what the audit trail and the back office name it: the title, never the slug
        return f"{self.title} ({self.fmt.upper()}), {self.unit or self.agency}"


class SurveyPhoto(models.Model):
    """A photo of the survey itself (the kiosk, the paper questionnaires, an FGD) for the
    appendix "Dokumentasi Pelaksanaan Survei" of the Laporan Hasil; checked, cleaned and
    stored like plan evidence (skm.plans.evidence), images only."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, verbose_name=_("unit"))
    period = models.ForeignKey(Period, on_delete=models.CASCADE, verbose_name=_("period"))
    stored_name = models.CharField(_("stored name"), max_length=64, unique=True, editable=False)
    thumbnail_name = models.CharField(_("thumbnail"), max_length=64, blank=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    public = models.BooleanField(
        _("public"), default=True, help_text=_("Printed in documents meant for publication.")
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
        verbose_name = _("survey photo")
        verbose_name_plural = _("survey photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.caption or self.original_name


class PublicationMedium(models.Model):
    """Where a unit published its SKM results (PEKPPP indicators 6 and 7): the kind of
    medium, when, a link and/or a dated capture (photo or screenshot, stored and checked
    like plan evidence by skm.plans.evidence: JPEG, PNG or PDF)."""

    class Kind(models.TextChoices):
        POSTER = "poster", _("Poster at the service counter")
        BANNER = "banner", _("Banner (spanduk)")
        BOARD = "board", _("Information board")
        WEBSITE = "website", _("Website")
        SOCIAL = "social", _("Social media")
        PRINT = "print", _("Print media (newspaper)")
        SIPPN = "sippn", _("SIPPN")
        BROADCAST = "broadcast", _("Radio or television")
        OTHER = "other", _("Other")

    # Electronic media (PEKPPP indicator 6, level 4); the rest are non-electronic.
    ELECTRONIC = frozenset({Kind.WEBSITE, Kind.SOCIAL, Kind.SIPPN, Kind.BROADCAST})

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, verbose_name=_("unit"))
    period = models.ForeignKey(
        Period,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("period published"),
        help_text=_("The period whose results were published."),
    )
    kind = models.CharField(_("medium"), max_length=10, choices=Kind.choices)
    published_on = models.DateField(_("published on"))
    url = models.URLField(_("link"), max_length=500, blank=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    stored_name = models.CharField(_("stored name"), max_length=64, blank=True, editable=False)
    thumbnail_name = models.CharField(_("thumbnail"), max_length=64, blank=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=40, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication medium")
        verbose_name_plural = _("publication media")
        ordering = ["published_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.published_on:%Y-%m-%d})"

    @property
    def electronic(self) -> bool:
        return self.kind in self.ELECTRONIC

    @property
    def has_capture(self) -> bool:
        return bool(self.stored_name)
