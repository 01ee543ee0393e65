"""Writes for reports: the narrative texts a unit rewrites for one period.

A text is cleaned like every free text (skm.surveys.text.clean_text) and may be at most
MAX_TEXT_LENGTH characters: the documents are made synchronously by the API and the
preview, and WeasyPrint's time grows with the text (a 1.1 MB text took 16.6 s, against the
web server's 60 s timeout). 20,000 characters is about eight pages, sixteen times the
longest default section (skm/reports/texts.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from skm.org.models import Unit
from skm.reports.models import ReportText
from skm.reports.texts import DEFAULTS, TITLES, collection_dates, default_text
from skm.surveys.models import Period
from skm.surveys.text import clean_text

MAX_TEXT_LENGTH = 20_000


def report_texts_save(
    *,
    unit: Unit,
    period: Period,
    report: str,
    label: str,
    texts: Mapping[str, str | None],
    reset: Collection[str] = (),
) -> None:
    """Save the sections of ``report`` for ``period``, all or nothing.

    A section that is empty, equal to its default (for ``label``, the period as printed)
    or in ``reset`` goes back to the default. ValidationError with one message per section
    key (naming the section) when any text is too long; nothing is saved then.
    """
    if report not in DEFAULTS:
        raise ValidationError(_("Unknown report."))
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key in DEFAULTS[report]:
        text = clean_text(texts.get(key))
        if len(text) > MAX_TEXT_LENGTH:
            errors[key] = _(
                "The text of “%(section)s” is too long: %(length)s characters, at most "
                "%(limit)s. Shorten it; nothing was saved."
            ) % {
                "section": TITLES[report][key],
                "length": f"{len(text):,}".replace(",", "."),
                "limit": f"{MAX_TEXT_LENGTH:,}".replace(",", "."),
            }
        cleaned[key] = text
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for key, text in cleaned.items():
            default = default_text(
                report, key, unit=unit.name, period=label, collection=collection_dates(period)
            )
            if key in reset or not text or text == default:
                ReportText.objects.filter(unit=unit, period=period, report=report, key=key).delete()
            else:
                ReportText.objects.update_or_create(
                    unit=unit, period=period, report=report, key=key, defaults={"text": text}
                )


def survey_photo_add(*, unit: Unit, period: Period, upload, caption: str, public: bool, user):
    """Store a photo of the survey itself for the Laporan Hasil's appendix, checked and
    cleaned by skm.plans.evidence (content sniffed, size and pixels bounded, EXIF removed);
    photos only (JPEG, PNG). EvidenceRefused with the reason otherwise; nothing is kept then.
    """
    from skm.plans import evidence as files
    from skm.reports.models import SurveyPhoto

    head = upload.read(16)
    upload.seek(0)
    if files.sniff(head) not in ("image/jpeg", "image/png"):
        raise files.EvidenceRefused(
            _(
                "Only photos (JPEG, PNG) are accepted for the survey's documentation; this "
                "file is not one."
            )
        )
    stored = files.store(upload)
    try:
        with transaction.atomic():
            return SurveyPhoto.objects.create(
                unit=unit,
                period=period,
                stored_name=stored.stored_name,
                thumbnail_name=stored.thumbnail_name,
                original_name=(getattr(upload, "name", "") or "foto")[:255],
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                caption=clean_text(caption)[:255],
                public=public,
                uploaded_by=user,
            )
    except Exception:
        files.remove(stored.stored_name, stored.thumbnail_name)
        raise


def survey_photo_delete(photo) -> None:
    """Remove a survey photo, then its files (the record first: a failure leaves a file
    without a record, never a record without its file)."""
    from skm.plans import evidence as files

    names = (photo.stored_name, photo.thumbnail_name)
    photo.delete()
    files.remove(*names)


def survey_photo_set_public(photo, public: bool) -> None:
    """Whether documents meant for publication print the photo (skm.reports.documents)."""
    photo.public = bool(public)
    photo.save(update_fields=["public"])


def _checked_url(url: str) -> str:
    """An http(s) address or ""; ValidationError naming the field otherwise."""
    from urllib.parse import urlsplit

    from django.core.validators import URLValidator

    url = clean_text(url).strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {"url": _("The link must be a web address starting with http:// or https://.")}
        ) from None
    if len(url) > 500 or not urlsplit(url).hostname:
        raise ValidationError({"url": _("The link is too long or has no host name.")})
    return url


def publication_medium_add(
    *,
    unit: Unit,
    period: Period | None,
    kind: str,
    published_on,
    url: str = "",
    description: str = "",
    upload=None,
    user=None,
):
    """Record where the unit published its results (PEKPPP indicators 6 and 7). The
    optional capture (a photo or screenshot, or a PDF) is checked, cleaned and stored by
    skm.plans.evidence as survey photos are; the link must be http or https. Either a link
    or a capture is required, so that the evaluator can check the medium.
    ValidationError (per field) or EvidenceRefused; nothing is kept then."""
    from skm.plans import evidence as files
    from skm.reports.models import PublicationMedium

    errors: dict[str, str] = {}
    if kind not in PublicationMedium.Kind.values:
        errors["kind"] = _("Choose the kind of medium.")
    if published_on is None:
        errors["published_on"] = _("Enter the date of publication.")
    if period is not None and period.unit_id not in {unit.pk, *(u.pk for u in unit.ancestors())}:
        errors["period"] = _("This period is not one of the unit's.")
    try:
        url = _checked_url(url or "")
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if not url and upload is None and "url" not in errors:
        errors["url"] = _("Give a link or a capture (photo or screenshot) of the publication.")
    if errors:
        raise ValidationError(errors)
    stored = files.store(upload) if upload is not None else None
    try:
        with transaction.atomic():
            return PublicationMedium.objects.create(
                unit=unit,
                period=period,
                kind=kind,
                published_on=published_on,
                url=url,
                description=" ".join(clean_text(description).split())[:255],
                stored_name=stored.stored_name if stored else "",
                thumbnail_name=stored.thumbnail_name if stored else "",
                original_name=((getattr(upload, "name", "") or "tangkapan")[:255])
                if stored
                else "",
                content_type=stored.content_type if stored else "",
                size=stored.size if stored else None,
                sha256=stored.sha256 if stored else "",
                created_by=user,
            )
    except Exception:
        if stored:
            files.remove(stored.stored_name, stored.thumbnail_name)
        raise


def publication_medium_delete(medium) -> None:
    """Remove a medium, then its capture (the record first, as for survey photos)."""
    from skm.plans import evidence as files

    names = (medium.stored_name, medium.thumbnail_name)
    medium.delete()
    files.remove(*names)
