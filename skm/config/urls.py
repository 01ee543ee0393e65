from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from skm.config import views

admin.site.site_header = admin.site.site_title = "SKM"
admin.site.index_title = views.ADMIN_INDEX_TITLE

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
