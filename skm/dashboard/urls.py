"""Staff side. Every view reaches units through skm.org.access."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from skm.dashboard import audit, login, views

app_name = "dashboard"

urlpatterns = [
    path("masuk/", login.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("audit/", audit.audit_page, name="audit"),
    path("unit/<slug:unit_slug>/", views.unit_detail, name="unit"),
    path("", include("skm.dashboard.kiosk_urls")),
    path("", include("skm.dashboard.data_urls")),
    path("", include("skm.dashboard.results_urls")),
    path("", include("skm.dashboard.suggestions_urls")),
    path("", include("skm.dashboard.publish_urls")),
    path("", include("skm.dashboard.plans_urls")),
    path("", include("skm.dashboard.reports_urls")),
]
