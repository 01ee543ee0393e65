"""Security headers every response carries (docs/security.md).

Content-Security-Policy: scripts and styles only from this site's own files (no inline
script or style, no eval, no other origin; the report preview, which is the HTML a PDF is
made from, allows its inline styles with REPORT_CSP); images from us and data: URIs (QR
codes, report previews); nothing may frame our pages except the embeddable widget, whose view is
marked with Django's @xframe_options_exempt and gets no frame-ancestors directive.
Permissions-Policy switches off camera, microphone and location for every page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# No frame-ancestors at all: `*` would not match a page with an opaque origin.
CSP_FRAMEABLE = CSP.replace("; frame-ancestors 'none'", "")
REPORT_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            frameable = getattr(response, "xframe_options_exempt", False)
            response["Content-Security-Policy"] = CSP_FRAMEABLE if frameable else CSP
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        return response
