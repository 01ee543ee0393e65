"""The Lampiran IV publication poster: the IKM of a unit and period for the service room,
A4 or A3 PDF. Public figures, so it shows exactly what the publication page shows
(published_result, with the minimum-cell rule), whether or not the period is published yet.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from skm.org.models import Unit
from skm.reports import formatting as fmt
from skm.reports.data import _logo, data_uri, report_profile
from skm.surveys.models import Period, Publication
from skm.surveys.publication import published_result
from skm.transfer.qr import qr_svg_data_uri

# A3 is A4 scaled by the square root of 2: the same layout, printed larger.
ZOOM = {"a4": 1.0, "a3": 2**0.5}


def poster_html(unit: Unit, period: Period, *, size: str = "a4", base_url: str = "") -> str:
    publication = Publication.objects.filter(unit=unit, period=period).first() or Publication(
        unit=unit, period=period, published_at=timezone.now()
    )
    data = published_result(publication)
    decimal = report_profile(unit).decimal
    base = (base_url or settings.PUBLIC_BASE_URL or "").rstrip("/")
    link = f"{base}/p/{unit.slug}/{period.slug}/" if base else ""
    with translation.override("id"):
        return render_to_string(
            "reports/poster.html",
            {
                "d": data,
                "ikm": fmt.number(data.ikm, decimal) if data.ikm else "*",
                "elements": [
                    (i, e, fmt.number(e.score, decimal) if e.score else "*")
                    for i, e in enumerate(data.elements, 1)
                ],
                "start": fmt.date_long(period.start_date),
                "end": fmt.date_long(period.end_date),
                "logo": data_uri(_logo(unit)),
                "link": link,
                "qr": qr_svg_data_uri(link) if link else None,
            },
        )


def poster_pdf(unit: Unit, period: Period, *, size: str = "a4", base_url: str = "") -> bytes:
    from pathlib import Path

    from weasyprint import HTML

    html = poster_html(unit, period, size=size, base_url=base_url)
    return HTML(string=html, base_url=Path("/").as_uri()).write_pdf(
        pdf_tags=True, zoom=ZOOM.get(size, 1.0)
    )
