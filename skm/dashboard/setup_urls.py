"""Staff side: setting a unit up (units, services, periods, questionnaire); docs/setup.md."""

from django.urls import path

from skm.dashboard import setup

urlpatterns = [
    path("instansi/<slug:agency_slug>/unit/", setup.agency_units, name="agency_units"),
    path("unit/<slug:unit_slug>/pengaturan/", setup.unit_setup, name="unit_setup"),
    path("unit/<slug:unit_slug>/pengaturan/hapus/", setup.unit_remove, name="unit_remove"),
    path(
        "unit/<slug:unit_slug>/pengaturan/layanan/<slug:service_slug>/",
        setup.service_edit,
        name="service_edit",
    ),
    path(
        "unit/<slug:unit_slug>/pengaturan/layanan/<slug:service_slug>/hapus/",
        setup.service_remove,
        name="service_remove",
    ),
    path("unit/<slug:unit_slug>/periode/", setup.period_list, name="periods"),
    path("unit/<slug:unit_slug>/sampel-minimal/", setup.period_sample, name="period_sample"),
    path(
        "unit/<slug:unit_slug>/periode/<slug:period_slug>/",
        setup.period_setup,
        name="period_setup",
    ),
    path(
        "unit/<slug:unit_slug>/periode/<slug:period_slug>/status/",
        setup.period_status,
        name="period_status",
    ),
]
