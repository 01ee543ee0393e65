"""Report pages: /staf/unit/<unit>/laporan/... (docs/reports.md).

Everyone with a role on the unit previews and downloads the documents (the head of unit
signs them); administrators set the signature block and the number style (remembered per
unit) and rewrite the narrative texts of a period. Documents are made by a background job
whose page refreshes itself until the file is ready (no JavaScript needed).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from skm.config.security import REPORT_CSP
from skm.org.access import MANAGE_ROLES, READ_ROLES, unit_for_user, user_can
from skm.org.models import Unit
from skm.plans.models import Plan
from skm.reports import formatting as fmt
from skm.reports.checks import report_checks
from skm.reports.data import report_profile
from skm.reports.documents import (
    CONTENT_TYPES,
    EVIDENCE_ALL,
    EVIDENCE_PUBLIC,
    KINDS,
    PERIOD_FORMATS,
    PERIOD_TITLES,
    PUBLISHED_KINDS,
    RECAP,
    SCOPED_KINDS,
    default_evidence_scope,
    scoped_title,
)
from skm.reports.jobs import job_file, report_job_create
from skm.reports.models import ReportJob, ReportProfile, ReportText, SurveyPhoto
from skm.reports.services import MAX_TEXT_LENGTH, report_texts_save
from skm.reports.texts import (
    DEFAULTS,
    FOLLOWUP,
    RESULTS,
    TITLES,
    collection_dates,
    default_text,
)
from skm.surveys.models import Period
from skm.surveys.results import default_period, periods_covering

DOCUMENTS = (
    (FOLLOWUP, PERIOD_TITLES[FOLLOWUP], ("docx", "pdf")),
    (RESULTS, PERIOD_TITLES[RESULTS], ("docx", "pdf")),
    ("poster", PERIOD_TITLES["poster"], ("pdf", "docx")),
)
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfileForm(forms.ModelForm):
    """The signature block in structured fields; each one line (a line break typed or
    pasted from a printed document is not kept: the document breaks the jabatan itself)."""

    class Meta:
        model = ReportProfile
        fields = ["place", "acting", "position", "name", "rank", "nip", "decimal"]

    def clean(self):
        data = super().clean()
        for name in ("place", "position", "name", "rank", "nip"):
            if isinstance(data.get(name), str):
                data[name] = " ".join(data[name].split())
        return data


class MakeForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS])
    fmt = forms.ChoiceField(choices=[(f, f) for f in PERIOD_FORMATS])
    size = forms.ChoiceField(choices=[("a4", "A4"), ("a3", "A3")], required=False)
    signed_on = forms.DateField(
        label=gettext_lazy("Date of signing"), required=False, widget=DATE_INPUT
    )
    evidence_scope = forms.ChoiceField(
        choices=[(EVIDENCE_PUBLIC, EVIDENCE_PUBLIC), (EVIDENCE_ALL, EVIDENCE_ALL)], required=False
    )


def _signed_on(request: HttpRequest):
    """The date of signing chosen on the page (?tanggal=YYYY-MM-DD), else today."""
    field = forms.DateField(required=False)
    try:
        return field.clean(request.GET.get("tanggal", "")) or timezone.localdate()
    except ValidationError:
        return timezone.localdate()


def _checks(unit: Unit, period: Period, signed_on) -> list[dict]:
    """The consistency checks of every document (skm.reports.checks), each message once with
    the documents it concerns; shown on the page, never printed."""
    merged: dict[str, dict] = {}
    for kind, name, _formats in DOCUMENTS:
        for check in report_checks(unit, period, kind, signed_on, default_evidence_scope(kind)):
            entry = merged.setdefault(check.message, {"check": check, "documents": []})
            entry["documents"].append(name)
    return list(merged.values())


def _period(request: HttpRequest, unit: Unit, ref: str | None = None) -> tuple[list, Period | None]:
    periods = periods_covering(unit)
    ref = ref if ref is not None else request.GET.get("periode", "")
    for period in periods:
        if period.slug == ref:
            return periods, period
    return periods, default_period(unit, periods) if periods else None


def _poster_warning(request: HttpRequest) -> dict:
    """The loud warning when the poster's QR would point to a local or private address."""
    from skm.reports.poster import poster_base
    from skm.transfer.qr import qr_address_warning

    return {"poster_warning": qr_address_warning(poster_base(request.build_absolute_uri("/")))}


def _page_url(unit: Unit, period: Period) -> str:
    return reverse("dashboard:reports", args=[unit.slug]) + f"?periode={period.slug}"


@login_required
@require_GET
def report_page(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    periods, period = _period(request, unit)
    can_manage = user_can(request.user, unit, MANAGE_ROLES)
    profile = report_profile(unit)
    context = {
        "unit": unit,
        "periods": periods,
        "period": period,
        "can_manage": can_manage,
        "documents": DOCUMENTS,
        "today": timezone.localdate().isoformat(),
        "profile_form": ProfileForm(instance=profile) if can_manage else None,
        "profile": profile,
        "profile_inherited": profile.pk is not None and profile.unit_id != unit.pk,
        **_poster_warning(request),
    }
    if period is not None:
        context["plan"] = Plan.objects.filter(unit=unit, period=period).first()
        context["jobs"] = list(
            ReportJob.objects.filter(Q(period=period) | Q(year__isnull=False), unit=unit)
            .select_related("period")
            .order_by("-created_at")[:10]
        )
        context["label"] = fmt.period_label(
            period.kind, period.start_date, period.end_date, period.name
        )
        signed_on = _signed_on(request)
        context["today"] = signed_on.isoformat()
        context["signed_label"] = fmt.date_long(signed_on)
        context["checks"] = _checks(unit, period, signed_on)
        context["published_kinds"] = PUBLISHED_KINDS
        from skm.reports.results_report import results_missing

        context["results_fields"] = results_missing(period, unit)
        context.update(_year_context(request, unit, periods))
    return render(request, "dashboard/reports.html", context)


@login_required
@require_POST
def report_profile_save(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    profile = ReportProfile.objects.filter(unit=unit).first() or ReportProfile(unit=unit)
    form = ProfileForm(request.POST, instance=profile)
    if form.is_valid():
        form.save()
        messages.success(request, _("The signature block was saved for this unit."))
    else:
        messages.error(request, _("The signature block was not saved: check the fields."))
    _periods, period = _period(request, unit, request.POST.get("periode", ""))
    if period is None:
        return redirect("dashboard:reports", unit.slug)
    return redirect(_page_url(unit, period))


@login_required
@require_POST
def report_make(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    _periods, period = _period(request, unit, request.POST.get("periode", ""))
    form = MakeForm(request.POST)
    if period is None or not form.is_valid():
        raise Http404
    job = report_job_create(
        unit=unit,
        period=period,
        kind=form.cleaned_data["kind"],
        fmt=form.cleaned_data["fmt"],
        size=form.cleaned_data["size"] or "a4",
        signed_on=form.cleaned_data["signed_on"] or timezone.localdate(),
        user=request.user,
        base_url=request.build_absolute_uri("/"),
        evidence_scope=form.cleaned_data["evidence_scope"]
        or default_evidence_scope(form.cleaned_data["kind"]),
    )
    return redirect("dashboard:report_job", unit.slug, job.ref)


def _job(unit: Unit, ref) -> ReportJob:
    job = ReportJob.objects.filter(ref=ref, unit=unit).select_related("period").first()
    if job is None:
        raise Http404
    return job


def job_page(request: HttpRequest, job: ReportJob, *, unit=None, agency=None, back: str):
    """The page of a document being made: polls until ready, then offers the download and
    the notes to check (never printed): the consistency checks of a period's document, the
    warnings of the PEKPPP pack."""
    waiting = job.status in (ReportJob.Status.QUEUED, ReportJob.Status.RUNNING)
    scoped = job.kind in SCOPED_KINDS
    scope = job.evidence_scope or default_evidence_scope(job.kind)
    checks: list[str] = []
    if not waiting and scoped and job.kind != RECAP:
        from skm.reports.pekppp_pack import pack_warnings

        checks = pack_warnings(job.unit, job.year)
    elif not waiting and not scoped:
        # the checks for this job's own date and evidence choice, once the file is made
        checks = [
            c.message
            for c in report_checks(
                job.unit, job.period, job.kind, job.signed_on, job.evidence_scope or None
            )
        ]
    response = render(
        request,
        "dashboard/report_job.html",
        {
            "unit": unit,
            "agency": agency,
            "job": job,
            "title": job.title,
            "scoped": scoped,
            "waiting": waiting,
            "back": back,
            "checks": checks,
            "all_evidence": job.kind != "poster" and scope == EVIDENCE_ALL,
            "download": reverse("dashboard:report_download", args=[unit.slug, job.ref])
            if unit is not None
            else reverse("dashboard:agency_report_download", args=[agency.slug, job.ref]),
        },
    )
    if waiting:
        response["Refresh"] = "2"
    return response


@login_required
@require_GET
def report_job(request: HttpRequest, unit_slug: str, ref) -> HttpResponse:
    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    job = _job(unit, ref)
    if job.period is not None:
        back = _page_url(unit, job.period)
    else:
        back = reverse("dashboard:reports", args=[unit.slug]) + f"?tahun={job.year}"
    return job_page(request, job, unit=unit, back=back)


def job_download(job: ReportJob) -> FileResponse:
    if job.status != ReportJob.Status.DONE:
        raise Http404
    try:
        handle = open(job_file(job), "rb")  # noqa: SIM115 (FileResponse closes it)
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=CONTENT_TYPES[job.fmt])
    response["Content-Disposition"] = content_disposition_header(True, job.filename)
    return response


# -- documents of a year: the PEKPPP evidence pack, the IKM recap --------------------------


def years_of(periods) -> list[int]:
    """The years a year's document can be asked for: those in which a period ends, and the
    year after each (the PEKPPP evaluation of year N reads the periods of N-1), up to the
    current year; newest first."""
    this_year = timezone.localdate().year
    years = set()
    for period in periods:
        years.add(period.end_date.year)
        if period.end_date.year + 1 <= this_year:
            years.add(period.end_date.year + 1)
    return sorted(years, reverse=True)


PARTS = [
    ("", gettext_lazy("the whole year")),
    ("S1", "Semester I"),
    ("S2", "Semester II"),
    ("TW1", "Triwulan I"),
    ("TW2", "Triwulan II"),
    ("TW3", "Triwulan III"),
    ("TW4", "Triwulan IV"),
]


class YearForm(forms.Form):
    """A year's document: the kind, the year (one the page offered), part and format."""

    kind = forms.ChoiceField(choices=[(k, k) for k in SCOPED_KINDS])
    year = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Year"))
    part = forms.ChoiceField(choices=PARTS, required=False)
    fmt = forms.ChoiceField(choices=[(f, f) for f in ("zip", "docx", "pdf")])
    signed_on = forms.DateField(
        label=gettext_lazy("Date of signing"), required=False, widget=DATE_INPUT
    )

    def __init__(self, *args, years=(), kinds=SCOPED_KINDS, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
        self.fields["kind"].choices = [(k, k) for k in kinds]

    def clean(self):
        from skm.reports.documents import PEKPPP, SCOPED_FORMATS

        data = super().clean()
        kind, fmt_ = data.get("kind"), data.get("fmt")
        if kind and fmt_ and fmt_ not in SCOPED_FORMATS[kind]:
            raise ValidationError(_("This document is not made in that format."))
        if kind == PEKPPP and data.get("part"):
            raise ValidationError(_("The PEKPPP pack covers a whole year."))
        return data


def recap_periods(*, unit: Unit | None = None, agency=None):
    """The periods a recap can read: of the agency's units, or of the unit's subtree and the
    units above it (a period covers its subtree)."""
    if agency is not None:
        return Period.objects.filter(unit__agency=agency)
    return Period.objects.filter(Q(unit__path__startswith=unit.path) | Q(unit__in=unit.ancestors()))


def _year_context(request: HttpRequest, unit: Unit, periods) -> dict:
    pack_years = years_of(periods)
    has_units_below = unit.children.exists()
    recap_years = years_of(recap_periods(unit=unit)) if has_units_below else []
    chosen = request.GET.get("tahun", "")
    return {
        "pack_years": pack_years,
        "recap_years": recap_years,
        "year_chosen": int(chosen) if chosen.isdigit() else None,
        "parts": PARTS,
        "pack_title": scoped_title("pekppp", None),
    }


@login_required
@require_POST
def report_make_year(request: HttpRequest, unit_slug: str) -> HttpResponse:
    """A year's document of a unit: the PEKPPP pack, or the recap of a unit with units
    below it; made by a background job like the period's documents."""
    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    kinds = SCOPED_KINDS if unit.children.exists() else ("pekppp",)
    years = sorted(set(years_of(periods_covering(unit))) | set(years_of(recap_periods(unit=unit))))
    form = YearForm(request.POST, years=years, kinds=kinds)
    if not form.is_valid():
        messages.error(request, _("The document was not made: choose a year and a format."))
        return redirect("dashboard:reports", unit.slug)
    data = form.cleaned_data
    job = report_job_create(
        unit=unit,
        kind=data["kind"],
        fmt=data["fmt"],
        year=data["year"],
        part=data["part"] or "",
        signed_on=data["signed_on"] or timezone.localdate(),
        user=request.user,
    )
    return redirect("dashboard:report_job", unit.slug, job.ref)


@login_required
@require_GET
def report_download(request: HttpRequest, unit_slug: str, ref) -> FileResponse:
    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    return job_download(_job(unit, ref))


@login_required
@require_GET
def report_preview(request: HttpRequest, unit_slug: str, kind: str) -> HttpResponse:
    """The HTML the PDF is made from, for reading on screen."""
    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    _periods, period = _period(request, unit)
    if period is None or kind not in KINDS:
        raise Http404
    if kind == FOLLOWUP:
        from skm.reports.data import followup_report
        from skm.reports.pdf_render import followup_html

        plan = Plan.objects.filter(unit=unit, period=period).first()
        if plan is None:
            raise Http404
        html = followup_html(followup_report(plan))
    elif kind == RESULTS:
        from skm.reports.blocks import to_html
        from skm.reports.results_report import results_blocks

        parts, title = results_blocks(period, unit)
        html = to_html(parts, title=title, author=unit.name)
    else:
        from skm.reports.poster import poster_html

        html = poster_html(unit, period, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(html)
    # The document's own <style> (the same HTML makes the PDF); scripts stay forbidden.
    response["Content-Security-Policy"] = REPORT_CSP
    return response


@login_required
def report_texts(request: HttpRequest, unit_slug: str, report: str) -> HttpResponse:
    """The narrative sections of one report for one period, editable (defaults shown)."""
    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    if report not in DEFAULTS:
        raise Http404
    ref = request.POST.get("periode") if request.method == "POST" else None
    _periods, period = _period(request, unit, ref)
    if period is None:
        raise Http404
    label = fmt.period_label(period.kind, period.start_date, period.end_date, period.name)
    saved = {t.key: t for t in ReportText.objects.filter(unit=unit, period=period, report=report)}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            report_texts_save(
                unit=unit,
                period=period,
                report=report,
                label=label,
                texts={key: request.POST.get(key) for key in DEFAULTS[report]},
                reset={key for key in DEFAULTS[report] if request.POST.get(f"reset-{key}")},
            )
        except ValidationError as error:
            errors = {key: " ".join(texts) for key, texts in error.message_dict.items()}
        else:
            messages.success(request, _("The texts were saved for this period."))
            return redirect(_page_url(unit, period))
    sections = [
        {
            "key": key,
            "title": TITLES[report][key],
            # refused: the texts as typed, so that nothing typed is lost
            "text": request.POST.get(key, "")
            if errors
            else saved[key].text
            if key in saved
            else default_text(
                report, key, unit=unit.name, period=label, collection=collection_dates(period)
            ),
            "edited": key in saved,
            "error": errors.get(key, ""),
        }
        for key in DEFAULTS[report]
    ]
    return render(
        request,
        "dashboard/report_texts.html",
        {
            "unit": unit,
            "period": period,
            "report": report,
            "report_name": {k: n for k, n, _f in DOCUMENTS}[report],
            "sections": sections,
            "errors": list(errors.items()),
            "max_length": MAX_TEXT_LENGTH,
            "photos": list(SurveyPhoto.objects.filter(unit=unit, period=period))
            if report == RESULTS
            else None,
            "photo_form": PhotoForm() if report == RESULTS else None,
        },
    )


class PhotoForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Photo (JPEG or PNG)"))
    caption = forms.CharField(
        label=gettext_lazy("Caption"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("E.g. Pengisian kuesioner di kios pelayanan."),
    )
    public = forms.BooleanField(
        label=gettext_lazy("Public (printed in documents meant for publication)"),
        required=False,
        initial=True,
    )


def _texts_url(unit: Unit, period: Period) -> str:
    return reverse("dashboard:report_texts", args=[unit.slug, RESULTS]) + f"?periode={period.slug}"


@login_required
@require_POST
def report_photo_add(request: HttpRequest, unit_slug: str) -> HttpResponse:
    """Upload a photo of the survey itself (the Laporan Hasil's Lampiran 3)."""
    from skm.plans.evidence import EvidenceRefused
    from skm.reports.services import survey_photo_add

    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    _periods, period = _period(request, unit, request.POST.get("periode", ""))
    if period is None:
        raise Http404
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("The photo was not saved: choose a JPEG or PNG file."))
        return redirect(_texts_url(unit, period))
    try:
        survey_photo_add(
            unit=unit,
            period=period,
            upload=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
            public=form.cleaned_data["public"],
            user=request.user,
        )
    except EvidenceRefused as refused:
        messages.error(request, _("The photo was not saved: %(reason)s") % {"reason": refused})
    else:
        messages.success(request, _("The photo was added to the survey's documentation."))
    return redirect(_texts_url(unit, period))


@login_required
@require_POST
def report_photo_delete(request: HttpRequest, unit_slug: str, photo_id: int) -> HttpResponse:
    from skm.reports.services import survey_photo_delete

    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    photo = SurveyPhoto.objects.filter(pk=photo_id, unit=unit).select_related("period").first()
    if photo is None:
        raise Http404
    survey_photo_delete(photo)
    messages.success(request, _("The photo was removed from the survey's documentation."))
    return redirect(_texts_url(unit, photo.period))


@login_required
@require_POST
def report_photo_public(request: HttpRequest, unit_slug: str, photo_id: int) -> HttpResponse:
    """Mark a survey photo public (printed in documents meant for publication) or not."""
    from skm.reports.services import survey_photo_set_public

    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    photo = SurveyPhoto.objects.filter(pk=photo_id, unit=unit).select_related("period").first()
    if photo is None:
        raise Http404
    public = request.POST.get("public") == "1"
    survey_photo_set_public(photo, public)
    if public:
        messages.success(request, _("The photo is public: documents for publication print it."))
    else:
        messages.success(
            request, _("The photo is not public: only documents with all evidence print it.")
        )
    return redirect(_texts_url(unit, photo.period))


# -- publication media (PEKPPP indicators 6 and 7) -------------------------------------------


class MediumForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Medium"), choices=())
    period = forms.ChoiceField(label=gettext_lazy("Results of the period"), required=False)
    published_on = forms.DateField(label=gettext_lazy("Published on"), widget=DATE_INPUT)
    url = forms.CharField(
        label=gettext_lazy("Link"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("The web address of the publication (http:// or https://)."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("E.g. Poster di ruang tunggu loket 1."),
    )
    file = forms.FileField(
        label=gettext_lazy("Capture (photo, screenshot or PDF)"),
        required=False,
        help_text=gettext_lazy(
            "A dated photo or screenshot of the publication (JPEG, PNG or PDF, at most 10 MB)."
        ),
    )

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        from skm.reports.models import PublicationMedium

        self.fields["kind"].choices = PublicationMedium.Kind.choices
        self.fields["period"].choices = [("", "–")] + [(p.slug, p.name) for p in periods]


def _media_url(unit: Unit) -> str:
    return reverse("dashboard:report_media", args=[unit.slug])


@login_required
def report_media(request: HttpRequest, unit_slug: str) -> HttpResponse:
    """The unit's publication media: list (everyone with a role on the unit), add
    (administrators, as for the report texts)."""
    from skm.plans.evidence import EvidenceRefused
    from skm.reports.models import PublicationMedium
    from skm.reports.services import publication_medium_add

    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    can_manage = user_can(request.user, unit, MANAGE_ROLES)
    periods = periods_covering(unit)
    errors: list[str] = []
    if request.method == "POST":
        if not can_manage:
            raise Http404
        form = MediumForm(request.POST, request.FILES, periods=periods)
        if form.is_valid():
            data = form.cleaned_data
            period = next((p for p in periods if p.slug == data["period"]), None)
            try:
                publication_medium_add(
                    unit=unit,
                    period=period,
                    kind=data["kind"],
                    published_on=data["published_on"],
                    url=data["url"],
                    description=data["description"],
                    upload=data["file"],
                    user=request.user,
                )
            except ValidationError as error:
                for field, texts in error.message_dict.items():
                    label = form.fields[field].label if field in form.fields else ""
                    errors += [f"{label}: {t}" if label else t for t in texts]
            except EvidenceRefused as refused:
                errors.append(f"{form.fields['file'].label}: {refused}")
            else:
                messages.success(request, _("The publication medium was recorded."))
                return redirect(_media_url(unit))
        else:
            errors = [
                f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                for f, e in form.errors.items()
            ]
    else:
        form = MediumForm(periods=periods, initial={"published_on": timezone.localdate()})
    media = list(
        PublicationMedium.objects.filter(unit=unit)
        .select_related("period")
        .order_by("-published_on", "-pk")
    )
    return render(
        request,
        "dashboard/report_media.html",
        {
            "unit": unit,
            "media": media,
            "form": form if can_manage else None,
            "errors": errors,
            "can_manage": can_manage,
        },
        status=400 if errors else 200,
    )


def _medium(unit: Unit, medium_id: int):
    from skm.reports.models import PublicationMedium

    medium = PublicationMedium.objects.filter(pk=medium_id, unit=unit).first()
    if medium is None:
        raise Http404
    return medium


@login_required
@require_POST
def report_medium_delete(request: HttpRequest, unit_slug: str, medium_id: int) -> HttpResponse:
    from skm.reports.services import publication_medium_delete

    unit = unit_for_user(request.user, unit_slug, MANAGE_ROLES)
    publication_medium_delete(_medium(unit, medium_id))
    messages.success(request, _("The publication medium was removed."))
    return redirect(_media_url(unit))


@login_required
@require_GET
def report_medium_file(request: HttpRequest, unit_slug: str, medium_id: int) -> FileResponse:
    """The medium's capture (?thumb=1: its thumbnail), served as plan evidence is: stored
    name only, real type, inline under a harmless name, nosniff."""
    from skm.plans.evidence import file_response

    unit = unit_for_user(request.user, unit_slug, READ_ROLES)
    medium = _medium(unit, medium_id)
    if not medium.stored_name:
        raise Http404
    return file_response(medium, thumbnail=request.GET.get("thumb") == "1")
