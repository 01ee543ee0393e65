"""Reports: /staf/unit/<unit>/laporan/..."""

from django.urls import path

from skm.dashboard import reports

urlpatterns = [
    path("unit/<slug:unit_slug>/laporan/", reports.report_page, name="reports"),
    path(
        "unit/<slug:unit_slug>/laporan/penandatangan/",
        reports.report_profile_save,
        name="report_profile",
    ),
    path("unit/<slug:unit_slug>/laporan/buat/", reports.report_make, name="report_make"),
    path(
        "unit/<slug:unit_slug>/laporan/tahunan/buat/",
        reports.report_make_year,
        name="report_make_year",
    ),
    path("unit/<slug:unit_slug>/laporan/tugas/<uuid:ref>/", reports.report_job, name="report_job"),
    path(
        "unit/<slug:unit_slug>/laporan/tugas/<uuid:ref>/unduh/",
        reports.report_download,
        name="report_download",
    ),
    path(
        "unit/<slug:unit_slug>/laporan/pratinjau/<str:kind>/",
        reports.report_preview,
        name="report_preview",
    ),
    path(
        "unit/<slug:unit_slug>/laporan/teks/<str:report>/",
        reports.report_texts,
        name="report_texts",
    ),
    path("unit/<slug:unit_slug>/laporan/foto/", reports.report_photo_add, name="report_photo_add"),
    path(
        "unit/<slug:unit_slug>/laporan/foto/<int:photo_id>/hapus/",
        reports.report_photo_delete,
        name="report_photo_delete",
    ),
    path(
        "unit/<slug:unit_slug>/laporan/foto/<int:photo_id>/publik/",
        reports.report_photo_public,
        name="report_photo_public",
    ),
    path("unit/<slug:unit_slug>/laporan/media/", reports.report_media, name="report_media"),
    path(
        "unit/<slug:unit_slug>/laporan/media/<int:medium_id>/hapus/",
        reports.report_medium_delete,
        name="report_medium_delete",
    ),
    path(
        "unit/<slug:unit_slug>/laporan/media/<int:medium_id>/berkas/",
        reports.report_medium_file,
        name="report_medium_file",
    ),
]
