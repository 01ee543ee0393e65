"""The printable A4 QR poster of a unit's (or a service's) public survey link.

Built once as ``PosterData``, rendered to HTML by a template (kept testable: tests read the
HTML), then to PDF by WeasyPrint. The poster is always Indonesian, whatever language the
staff member who prints it uses: it hangs in the service room for the public.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from skm.org.models import Service, Unit
from skm.transfer.qr import qr_svg_data_uri, short_address

POSTER_LANGUAGE = "id"
# Logos larger than this are not embedded (the upload form promises at most 2 MB).
MAX_LOGO_BYTES = 2 * 1024 * 1024
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


@dataclass(frozen=True)
class PosterData:
    agency_name: str
    unit_name: str
    service_name: str | None
    url: str
    qr_data_uri: str
    logo_data_uri: str | None

    @property
    def short_link(self) -> str:
        """The link as people type it (skm.transfer.qr.short_address)."""
        return short_address(self.url)


def poster_data(*, unit: Unit, service: Service | None, url: str) -> PosterData:
    agency = unit.agency
    return PosterData(
        agency_name=agency.name,
        unit_name=unit.name,
        service_name=service.name if service else None,
        url=url,
        qr_data_uri=qr_svg_data_uri(url),
        logo_data_uri=_logo_data_uri(agency),
    )


def _logo_data_uri(agency) -> str | None:
    """The agency logo as a data URI, or None when there is none or it is not an image.

    Embedded rather than linked so that the PDF renderer never fetches anything (see
    _no_fetch); only PNG, JPEG and GIF are accepted, by content, since an SVG could
    reference outside resources.
    """
    if not agency.logo:
        return None
    try:
        with agency.logo.open("rb") as fh:
            data = fh.read(MAX_LOGO_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(data) > MAX_LOGO_BYTES:
        return None
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return None


def poster_html(data: PosterData) -> str:
    with translation.override(POSTER_LANGUAGE):
        return render_to_string("transfer/poster.html", {"poster": data})


def poster_css() -> str:
    return render_to_string("transfer/poster.css")


def _data_only_fetcher():
    """A WeasyPrint URL fetcher that serves data: URIs only.

    Poster text comes from staff input; refusing every network and file URL means a crafted
    name or logo can never make the server fetch anything (no SSRF, no local file reads).
    """
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint < 66: fetchers were plain functions
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args, **kwargs):
            if not url.startswith("data:"):
                raise ValueError("external resources are not allowed in posters")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols=("data",))


def poster_pdf(data: PosterData) -> bytes:
    # Imported here: WeasyPrint loads Pango at import time, which only PDF requests need.
    from weasyprint import CSS, HTML

    fetcher = _data_only_fetcher()
    html = HTML(string=poster_html(data), url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[CSS(string=poster_css(), url_fetcher=fetcher)])
