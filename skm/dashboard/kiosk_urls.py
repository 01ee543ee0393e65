"""Staff side: a unit's kiosks."""

from django.urls import path

from skm.dashboard import kiosks

urlpatterns = [
    path("unit/<slug:unit_slug>/kios/", kiosks.kiosk_list, name="kiosks"),
    path(
        "unit/<slug:unit_slug>/kios/<int:kiosk_id>/tautan-baru/",
        kiosks.kiosk_link,
        name="kiosk_link",
    ),
    path(
        "unit/<slug:unit_slug>/kios/<int:kiosk_id>/cabut/",
        kiosks.kiosk_revoke_view,
        name="kiosk_revoke",
    ),
]
