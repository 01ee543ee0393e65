"""Periods, questionnaires (versioned data), responses and their answers."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from skm.method.profile import AGE_GROUPS, EDUCATIONS, GENDERS, OCCUPATIONS
from skm.org.models import Agency, Service, TimeStampedModel, Unit

# The base-5 pattern code (skm.method.Tally.from_codes) must fit a 64-bit integer, and
# CellCount has four columns per element position.
MAX_ELEMENTS = 20


class Questionnaire(TimeStampedModel):
    """A version of the questionnaire: which elements, in which order, with which weights.

    Agency-less questionnaires are the national default (the nine elements of Permen PANRB
    14/2017). A version that has answers is frozen: change means a new version.
    """

    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaires",
        verbose_name=_("agency"),
    )
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name", "version"], name="questionnaire_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_locked(self) -> bool:
        return Answer.objects.filter(element__questionnaire=self).exists()


class QuestionnaireElement(models.Model):
    """One element (unsur) as asked in a questionnaire version."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="elements",
        verbose_name=_("questionnaire"),
    )
    code = models.CharField(_("code"), max_length=8)
    name = models.CharField(_("name"), max_length=200)
    question = models.TextField(_("question"))
    label_1 = models.CharField(_("label for score 1"), max_length=120)
    label_2 = models.CharField(_("label for score 2"), max_length=120)
    label_3 = models.CharField(_("label for score 3"), max_length=120)
    label_4 = models.CharField(_("label for score 4"), max_length=120)
    weight = models.DecimalField(
        _("custom weight"),
        max_digits=7,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Used only by periods with the custom weighting; weights must sum to 1."),
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("questionnaire element")
        verbose_name_plural = _("questionnaire elements")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="element_code_unique_in_questionnaire"
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "position"],
                name="element_position_unique_in_questionnaire",
            ),
            models.CheckConstraint(
                condition=Q(position__lt=MAX_ELEMENTS), name="element_position_in_range"
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | (Q(weight__gt=0) & Q(weight__lte=1)),
                name="element_weight_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Period(TimeStampedModel):
    """A survey period of a unit, e.g. "Semester I 2025".

    A period covers its unit and every unit below it, so that a Dinas can run one
    period for all its UPT. Population is the number of service users in the period,
    for the Krejcie-Morgan sample.
    """

    class Kind(models.TextChoices):
        QUARTER = "triwulan", _("Quarter (triwulan)")
        SEMESTER = "semester", _("Semester")
        YEAR = "tahun", _("Year")
        OTHER = "lainnya", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Weighting(models.TextChoices):
        EXACT = "exact", _("Exact (1/number of elements)")
        W0111 = "0.111", _("0.111 per element (common Excel sheet)")
        W011 = "0.11", _("0.11 per element (as printed in the regulation)")
        CUSTOM = "custom", _("Custom weights of the questionnaire")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="periods", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    weighting = models.CharField(
        _("weighting"), max_length=10, choices=Weighting.choices, default=Weighting.EXACT
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="periods",
        verbose_name=_("questionnaire"),
    )
    # Set by `skm retention`: the individual responses are gone, the counts remain.
    raw_removed_at = models.DateTimeField(_("responses removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["unit", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "slug"], name="period_slug_unique_in_unit"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="period_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population__gt=0),
                name="period_population_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def save(self, *args, **kwargs) -> None:
        """Saving a switch to or from the custom weighting rebuilds the period's counts:
        their answered-weight groups and weighted sums depend on the weight units, which
        are all 1 under every other convention (skm.surveys.counts)."""
        from django.db import transaction

        custom = self.Weighting.CUSTOM
        before = None
        if self.pk is not None:
            before = Period.objects.filter(pk=self.pk).values_list("weighting", flat=True).first()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if before is not None and (before == custom) != (self.weighting == custom):
                from skm.surveys.counts import rebuild

                rebuild(period_id=self.pk)

    def clean(self) -> None:
        # A custom weighting is only usable when the questionnaire's weights make one.
        if self.weighting == self.Weighting.CUSTOM and self.questionnaire_id:
            from skm.method import WeightError, weights_for

            weights = list(
                self.questionnaire.elements.order_by("position").values_list("weight", flat=True)
            )
            try:
                if any(w is None for w in weights):
                    raise WeightError(_("Every element needs a weight."))
                weights_for("custom", len(weights), weights)
            except WeightError as error:
                raise ValidationError({"weighting": str(error)}) from error


class ImportBatch(models.Model):
    """One response file loaded by `skm import`; the checksum refuses loading it twice."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, verbose_name=_("period"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"))
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, db_index=True)
    rows = models.PositiveIntegerField(_("responses"))
    forced = models.BooleanField(_("loaded again on purpose"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


def distribution_column(*, on_delete=models.PROTECT, editable: bool = False) -> models.ForeignKey:
    """``agency``: the distribution column of the tables that grow with the respondents
    (docs/scaling.md), the agency of the row's unit. No index of its own: it leads the
    keys that need it."""
    return models.ForeignKey(
        Agency,
        on_delete=on_delete,
        related_name="+",
        db_index=False,
        editable=editable,
        verbose_name=_("agency"),
    )


class AgencyOfItsResponse:
    """Rows of a response (answers, reviews) take the response's agency when saved."""

    def save(self, *args, **kwargs) -> None:
        if self.agency_id is None and self.response_id is not None:
            self.agency_id = self.response.agency_id
        super().save(*args, **kwargs)


class ActiveResponses(models.Manager):
    """Responses that count: neither deleted nor held for review (``Response.all_objects``
    has every one)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True, held_at__isnull=True)


class Response(models.Model):
    """One anonymous respondent's questionnaire. No name, NIK, phone or address, ever."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online form")
        KIOSK = "kiosk", _("Kiosk")
        PAPER = "paper", _("Paper")
        IMPORT = "import", _("Imported file")

    class HoldReason(models.TextChoices):
        RATE_LIMIT = (
            "rate_limit",
            _("More forms from one network address in an hour than the unit's threshold"),
        )

    # The distribution column (docs/scaling.md): the agency of the unit, on every row of
    # the tables that grow with the respondents, so that a distributed PostgreSQL (Citus)
    # can keep an agency's responses, answers, reviews and counts together on one node.
    # Filled on every write; never changes (a unit does not change agency).
    agency = distribution_column()
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="responses", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="responses", verbose_name=_("unit")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("service"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    submitted_at = models.DateTimeField(_("submitted at"))
    gender = models.CharField(_("sex"), max_length=1, choices=GENDERS, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    education = models.CharField(_("education"), max_length=8, choices=EDUCATIONS, blank=True)
    occupation = models.CharField(_("occupation"), max_length=12, choices=OCCUPATIONS, blank=True)
    occupation_other = models.CharField(_("other occupation"), max_length=120, blank=True)
    suggestion = models.TextField(_("suggestion"), blank=True, max_length=2000)
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("import"),
    )
    kiosk = models.ForeignKey(
        "Kiosk",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("kiosk"),
    )
    # Idempotency: the id of the form instance (public form) or the one generated on the
    # kiosk device; a replay with the same id finds the stored response instead of a copy.
    # Unique within the agency (the distribution column must be part of a unique key).
    client_id = models.UUIDField(_("client id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A deleted response stays as a record (who, when, why); it counts nowhere.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )
    # A database default too: the kiosk writes responses with plain SQL.
    delete_reason = models.TextField(_("reason for deleting"), blank=True, db_default="")
    # Held for review (skm/surveys/held.py): stored, but outside every count and result
    # until staff accept it (held_at cleared, counted then) or reject it (deleted with the
    # reason; it was never counted). The reason it was held stays after the review.
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    hold_reason = models.CharField(
        _("reason held"), max_length=24, choices=HoldReason.choices, blank=True, db_default=""
    )

    objects = ActiveResponses()
    all_objects = models.Manager()  # noqa: DJ012 (a manager, not a field)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["period", "unit"], name="response_period_unit"),
            models.Index(fields=["unit", "submitted_at"], name="response_unit_time"),
            # The few responses waiting for review, found without reading the others.
            models.Index(
                fields=["unit", "held_at"],
                name="response_held",
                condition=Q(held_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(age__isnull=True) | (Q(age__gte=10) & Q(age__lte=120)),
                name="response_age_plausible",
            ),
            models.UniqueConstraint(
                fields=["agency", "client_id"], name="response_client_id_unique_in_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.submitted_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if self.agency_id is None and self.unit_id is not None:
            self.agency_id = Unit.objects.values_list("agency_id", flat=True).get(pk=self.unit_id)
        super().save(*args, **kwargs)


class Answer(AgencyOfItsResponse, models.Model):
    """A score 1..4 given to one element; at most one per element per response."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    # The response's agency: the distribution column (see Response.agency).
    agency = distribution_column()
    element = models.ForeignKey(
        QuestionnaireElement,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("element"),
    )
    value = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=1) & Q(value__lte=4), name="answer_value_1_to_4"
            ),
            models.UniqueConstraint(fields=["response", "element"], name="answer_one_per_element"),
        ]

    def __str__(self) -> str:
        return f"{self.element.code}={self.value}"


class Kiosk(TimeStampedModel):
    """A tablet at the counter, bound to a unit (and optionally a service).

    The device proves itself with a bearer token of which only the SHA-256 is stored; the
    admin hands it over through a one-time setup link. Revoking takes effect on the next
    request, since every request checks the stored state.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="kiosks", verbose_name=_("unit")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kiosks",
        verbose_name=_("service"),
    )
    name = models.CharField(_("name"), max_length=120)
    token_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    setup_hash = models.CharField(
        _("setup link hash"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    setup_expires_at = models.DateTimeField(_("setup link expires at"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    idle_reset_seconds = models.PositiveIntegerField(_("idle reset (seconds)"), default=90)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    last_queue_length = models.PositiveIntegerField(_("queued on the device"), default=0)

    class Meta:
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")
        ordering = ["unit", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class ApiKey(TimeStampedModel):
    """A unit's key for the API (e.g. the queue system minting invitations). Hash only."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # Keys read; only a key given this scope may also record the realisation of plan items
    # (e.g. a regional e-office system), through the same validation and history as staff.
    may_update_realisation = models.BooleanField(_("may update realisation"), default=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"


class Invitation(models.Model):
    """A single-use invitation to fill the survey; the signed token carries its id."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("unit")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("service"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["unit", "expires_at"], name="invitation_unit_expiry")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.unit}"


class Rejection(models.Model):
    """How many submissions a unit's form refused on a day, per reason. Nothing else."""

    class Reason(models.TextChoices):
        RATE_LIMIT = "rate_limit", _("Too many submissions from one client")
        HONEYPOT = "honeypot", _("Hidden field filled (bot)")
        TOO_FAST = "too_fast", _("Filled implausibly fast")
        CSRF = "csrf", _("Missing or invalid CSRF token")
        INVALID = "invalid", _("Invalid answers")
        CLOSED = "closed", _("Survey closed")
        INVITATION_MISSING = "invitation_missing", _("Invitation missing")
        INVITATION_INVALID = "invitation_invalid", _("Invitation forged")
        INVITATION_EXPIRED = "invitation_expired", _("Invitation expired")
        INVITATION_USED = "invitation_used", _("Invitation already used")
        KIOSK_REVOKED = "kiosk_revoked", _("Kiosk token revoked or unknown")

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="rejections", verbose_name=_("unit")
    )
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rejected submissions")
        verbose_name_plural = _("rejected submissions")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "reason"], name="rejection_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.day} {self.reason}: {self.count}"


class Publication(models.Model):
    """A unit's results of a period made public (Pasal 4): nothing unpublished is shown."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="publications", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="publications", verbose_name=_("unit")
    )
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="publication_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} - {self.period.name}"


class PublicationSnapshot(models.Model):
    """The public figures of a unit's closed period, frozen (docs/privacy.md): the public
    never sees figures recomputed per request, so one late response cannot be read off
    by comparing two readings. Refreshed only when at least MIN_CELL respondents came or
    went since (skm.surveys.publication)."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("unit")
    )
    respondents = models.PositiveIntegerField(_("respondents"))
    figures = models.JSONField(_("figures"))
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("publication snapshot")
        verbose_name_plural = _("publication snapshots")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="publication_snapshot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} - {self.period.name} ({self.respondents})"


class ImportJob(TimeStampedModel):
    """A response file uploaded in the web app, checked, then loaded in the background.

    The web request only stores the file and this record; a background worker reads it,
    so that a large file never holds a web worker for minutes.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        READY = "ready", _("Checked, waiting for confirmation")
        REFUSED = "refused", _("Refused: problems found")
        QUEUED = "queued", _("Confirmed, waiting to load")
        RUNNING = "running", _("Loading")
        DONE = "done", _("Loaded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, verbose_name=_("unit"))
    period = models.ForeignKey(Period, on_delete=models.CASCADE, verbose_name=_("period"))
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("service")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )
    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(_("stored file"), max_length=255, editable=False)
    sheet = models.CharField(_("sheet"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CHECKING
    )
    estimated_rows = models.PositiveIntegerField(_("estimated rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    preview = models.JSONField(_("columns and preview"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("number of problems"), default=0)
    batch = models.OneToOneField(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("import")
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Steps (check, load) a worker started: recorded, committed, before the work, so that
    # a step whose worker died is failed, never run again (skm.transfer.jobs).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    # How staff told the reader to read the file, when its own reading was wrong
    # (docs/operations.md, "Correcting how a file is read"): {"header_row": [first, last],
    # "columns": [meaning of each column, "-" = ignored], "order": "kuesioner"|"daftar"}.
    # Empty: the reader decides. The load reads with the same, and it stays with the job
    # (and through it with its ImportBatch) as the record of what was loaded.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


# The columns of CellCount that hold counts, in one fixed order (the upserts use it).
SCORE_COLUMNS: tuple[str, ...] = tuple(
    f"e{position:02d}_{score}" for position in range(MAX_ELEMENTS) for score in (1, 2, 3, 4)
)
PROFILE_COLUMNS: dict[tuple[str, str], str] = {
    **{("gender", code): f"sex_{code.lower()}" for code, _label in GENDERS},
    **{("age", code): f"age_{code}" for code, _lo, _hi, _label in AGE_GROUPS},
    **{("education", code): f"edu_{code.lower()}" for code, _label in EDUCATIONS},
    **{("occupation", code): f"occ_{code.lower()}" for code, _label in OCCUPATIONS},
}
MOMENT_COLUMNS: tuple[str, ...] = ("n", "sum_a", "sum_a2")
COUNT_COLUMNS: tuple[str, ...] = (*MOMENT_COLUMNS, *SCORE_COLUMNS, *PROFILE_COLUMNS.values())


def score_column(position: int, score: int) -> str:
    return f"e{position:02d}_{score}"


class CellCount(models.Model):
    """Running counts of one cell: a period, a unit, a service and a channel.

    What skm.method needs, and a bounded number of rows whatever the number of responses:
    per element position how many answered 1..4 (``eNN_S``), respondents by sex, age group,
    education and occupation, and, per *answered weight* ``weight_group`` (the sum of the
    integer weight units of the elements answered: the same for everyone who answered all),
    the respondents ``n``, the sum of their weighted totals ``sum_a`` and of its square
    ``sum_a2`` (the IKM interval; see skm.method.Summary). Element and profile counts are
    meaningful summed over a cell's rows. Kept up to date in the same transaction as every
    response write (skm.surveys.counts); ``skm verify`` recomputes them from the responses.
    ``service_key`` is the service id or 0 (a nullable column cannot take part in a portable
    unique key). ``shard`` spreads one busy cell over several rows, so that concurrent
    submissions to one unit do not queue on a single row lock; readers sum over shards.
    """

    # The unit's agency: the distribution column (see Response.agency), first in the key.
    agency = distribution_column(on_delete=models.CASCADE, editable=True)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, verbose_name=_("period"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, verbose_name=_("unit"))
    service_key = models.BigIntegerField(_("service id or 0"), default=0)
    channel = models.CharField(_("channel"), max_length=10)
    weight_group = models.IntegerField(_("answered weight"))
    shard = models.PositiveSmallIntegerField(_("shard"), default=0)
    n = models.IntegerField(_("responses"), default=0)
    sum_a = models.BigIntegerField(_("sum of weighted totals"), default=0)
    sum_a2 = models.BigIntegerField(_("sum of squared weighted totals"), default=0)

    class Meta:
        verbose_name = _("cell count")
        verbose_name_plural = _("cell counts")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "agency",
                    "period",
                    "unit",
                    "service_key",
                    "channel",
                    "weight_group",
                    "shard",
                ],
                name="cellcount_key",
            ),
            models.CheckConstraint(condition=Q(n__gte=0), name="cellcount_not_negative"),
        ]
        indexes = [models.Index(fields=["period", "unit"], name="cellcount_period_unit")]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.unit_id}/{self.service_key}/{self.channel}: {self.n}"


for _column in (*SCORE_COLUMNS, *PROFILE_COLUMNS.values()):
    CellCount.add_to_class(_column, models.IntegerField(default=0))


class SuggestionReview(AgencyOfItsResponse, TimeStampedModel):
    """Staff triage of a response's suggestion: which element it concerns, and its status.

    ``suggested_element`` is what the keyword lexicon proposed; ``element`` is what staff
    confirmed or corrected (empty: not about any element).
    """

    class Status(models.TextChoices):
        NEW = "baru", _("New")
        ACTED = "ditindaklanjuti", _("Followed up")
        IRRELEVANT = "tidak_relevan", _("Not relevant")

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="review", verbose_name=_("response")
    )
    # The response's agency: the distribution column (see Response.agency).
    agency = distribution_column()
    suggested_element = models.CharField(_("suggested element"), max_length=8, blank=True)
    element = models.CharField(_("element"), max_length=8, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("suggestion review")
        verbose_name_plural = _("suggestion reviews")

    def __str__(self) -> str:
        return f"#{self.response_id} {self.element or '-'} {self.status}"
