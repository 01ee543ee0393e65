"""Suggestions inbox: /staf/unit/<unit>/saran/..."""

from django.urls import path

from skm.dashboard import suggestions

urlpatterns = [
    path("unit/<slug:unit_slug>/saran/", suggestions.suggestion_inbox, name="suggestions"),
    path(
        "unit/<slug:unit_slug>/saran/ubah/",
        suggestions.suggestion_review,
        name="suggestion_review",
    ),
    path(
        "unit/<slug:unit_slug>/saran/massal/",
        suggestions.suggestion_bulk,
        name="suggestion_bulk",
    ),
]
