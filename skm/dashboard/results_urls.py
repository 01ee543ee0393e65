"""Staff results dashboard: /staf/unit/<unit>/hasil/ (page and table downloads)."""

from django.urls import path

from skm.dashboard import results

urlpatterns = [
    path("unit/<slug:unit_slug>/hasil/", results.results_page, name="results"),
]
