"""Publishing results: /staf/unit/<unit>/publikasi/ (included by skm/dashboard/urls.py)."""

from django.urls import path

from skm.dashboard import publish

urlpatterns = [
    path("unit/<slug:unit_slug>/publikasi/", publish.publish_page, name="publish"),
    path(
        "unit/<slug:unit_slug>/publikasi/konfirmasi/",
        publish.publish_confirm,
        name="publish_confirm",
    ),
    path("unit/<slug:unit_slug>/publikasi/ubah/", publish.publish_action, name="publish_action"),
]
