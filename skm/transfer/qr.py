"""QR codes of the public survey links, as PNG and SVG (segno).

Error correction Q (25 %) so that a poster with a smudge or a taped corner still scans;
boosting is off so that the symbol depends only on the link (tests rebuild it and compare).
The quiet zone is the standard four modules: phones fail on codes printed edge to edge.

qr_address_warning is the one check of the address a QR encodes, for the survey's QR posters
(skm.dashboard.posters) and the report poster (skm.reports.poster, `skm report poster`).
"""

from __future__ import annotations

import io
import ipaddress
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.utils.translation import gettext as _

ERROR = "q"
BORDER = 4


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR, micro=False, boost_error=False)


def qr_png(url: str, *, scale: int = 10) -> bytes:
    out = io.BytesIO()
    qr_code(url).save(out, kind="png", scale=scale, border=BORDER, dark="#000", light="#fff")
    return out.getvalue()


def qr_svg(url: str, *, scale: int = 10) -> bytes:
    out = io.BytesIO()
    qr_code(url).save(
        out,
        kind="svg",
        scale=scale,
        border=BORDER,
        dark="#000",
        light="#fff",
        xmldecl=True,
        svgns=True,
        title=url,
    )
    return out.getvalue()


def qr_svg_data_uri(url: str) -> str:
    """The QR as an SVG data URI, for the PDF poster (vector: sharp at any print size)."""
    return qr_code(url).svg_data_uri(scale=10, border=BORDER, dark="#000", light="#fff")


def address_is_local(url: str) -> bool:
    """Whether an address cannot be opened from a phone on the public internet: loopback,
    private ranges (10.*, 172.16-31.*, 192.168.*), link-local, *.local or a name without a
    dot (localhost, testserver, an intranet host)."""
    host = (urlsplit(url if "://" in url else f"http://{url}").hostname or "").rstrip(".")
    if not host:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host or host.endswith((".local", ".localhost", ".internal", ".lan"))
    return address.is_private or address.is_loopback or address.is_link_local or address.is_reserved


def qr_address_warning(url: str) -> str:
    """Why a QR code pointing to ``url`` should not be printed, or "" when nothing is wrong:
    the address is local or private (phones of the public cannot open it), or it is not under
    settings.PUBLIC_BASE_URL when that is set."""
    if address_is_local(url):
        return _(
            "The QR code points to %(url)s, a local or private address: people scanning it "
            "with their phones will not reach it. Set SKM_PUBLIC_BASE_URL to the public "
            "address of this site (for example https://skm.example.go.id) and make the "
            "poster again."
        ) % {"url": url}
    public = settings.PUBLIC_BASE_URL.rstrip("/")
    if public and url != public and not url.startswith(public + "/"):
        return _(
            "The QR code points to %(url)s, not to the public address set in "
            "SKM_PUBLIC_BASE_URL (%(public)s). Check the address before printing."
        ) % {"url": url, "public": public}
    return ""


def short_address(url: str) -> str:
    """The address as people type it: no scheme, no trailing slash."""
    return url.split("://", 1)[-1].rstrip("/")
