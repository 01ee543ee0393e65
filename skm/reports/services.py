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
from skm.reports.texts import DEFAULTS, TITLES, default_text
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
            default = default_text(report, key, unit=unit.name, period=label)
            if key in reset or not text or text == default:
                ReportText.objects.filter(unit=unit, period=period, report=report, key=key).delete()
            else:
                ReportText.objects.update_or_create(
                    unit=unit, period=period, report=report, key=key, defaults={"text": text}
                )
