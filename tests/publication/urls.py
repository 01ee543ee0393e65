"""The project's URLs with the staff publication pages included, for as long as
skm/dashboard/urls.py does not include skm.dashboard.publish_urls yet."""

from django.urls import include, path

from skm.config import urls as project_urls
from skm.dashboard import urls as dashboard_urls

_dashboard = (
    [*dashboard_urls.urlpatterns, path("", include("skm.dashboard.publish_urls"))],
    "dashboard",
)
urlpatterns = [
    path("staf/", include(_dashboard)) if str(p.pattern) == "staf/" else p
    for p in project_urls.urlpatterns
]
