"""Public publication pages, widget and open data: /p/<unit>/..."""

from django.urls import path

from skm.public import portal, publication

app_name = "publication"

# The widget comes before the period page: a period slugged "widget" would otherwise hide it.
urlpatterns = [
    path("", portal.to_portal, name="index"),
    path("<slug:unit_slug>/", publication.unit_page, name="unit"),
    path("<slug:unit_slug>/widget/", publication.widget, name="widget"),
    path("<slug:unit_slug>/<slug:period_slug>/", publication.period_page, name="period"),
    path("<slug:unit_slug>/<slug:period_slug>/data.json", publication.data_json, name="json"),
    path("<slug:unit_slug>/<slug:period_slug>/data.csv", publication.data_csv, name="csv"),
    path(
        "<slug:unit_slug>/<slug:period_slug>/dokumentasi/<int:evidence_id>/",
        publication.evidence_file,
        name="evidence",
    ),
    path(
        "<slug:unit_slug>/<slug:period_slug>/dokumentasi/<int:evidence_id>/kecil/",
        publication.evidence_file,
        {"thumb": True},
        name="evidence_thumb",
    ),
]
