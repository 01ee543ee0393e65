from django.contrib import admin
from django.urls import include, path

from skm.api.api import api
from skm.config import views
from skm.dashboard.login import admin_login
from skm.public import portal

admin.site.site_header = admin.site.site_title = "SKM"
admin.site.index_title = views.ADMIN_INDEX_TITLE
admin.site.login = admin_login

# Uncaught errors: 503 + Retry-After when the database is away, Django's 500 otherwise.
handler500 = "skm.config.views.server_error"

urlpatterns = [
    path("", portal.portal, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("privasi/", views.privacy, name="privacy"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("staf/", include("skm.dashboard.urls")),
    path("s/", include("skm.public.form_urls")),
    path("kios/", include("skm.public.kiosk_urls")),
    path("p/", include("skm.public.publication_urls")),
]
