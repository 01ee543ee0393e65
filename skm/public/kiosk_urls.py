"""Kiosk (tablet at the counter): /kios/..."""

from django.urls import path

from skm.public import kiosk

app_name = "kiosk"

urlpatterns = [
    path("", kiosk.screen, name="screen"),
    path("sw.js", kiosk.service_worker, name="service_worker"),
    path("manifest.webmanifest", kiosk.manifest, name="manifest"),
    path("pasang/<str:code>/", kiosk.setup, name="setup"),
    path("api/config", kiosk.api_config, name="config"),
    path("api/responses", kiosk.api_responses, name="responses"),
    path("api/heartbeat", kiosk.api_heartbeat, name="heartbeat"),
]
