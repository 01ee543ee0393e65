"""QR codes of the public survey links, as PNG and SVG (segno).

Error correction Q (25 %) so that a poster with a smudge or a taped corner still scans;
boosting is off so that the symbol depends only on the link (tests rebuild it and compare).
The quiet zone is the standard four modules: phones fail on codes printed edge to edge.
"""

from __future__ import annotations

import io

import segno

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
