"""Public survey form: /s/<unit>/ and /s/<unit>/<service>/."""

from django.urls import path

from skm.public import portal, views

app_name = "public"

# The thank-you page comes first: a service slugged "terima-kasih" would otherwise hide it.
urlpatterns = [
    path("", portal.to_portal, name="index"),
    path("<slug:unit_slug>/terima-kasih/", views.thanks, name="thanks"),
    path("<slug:unit_slug>/", views.survey_form, name="form"),
    path("<slug:unit_slug>/<slug:service_slug>/", views.survey_form, name="form_service"),
]
