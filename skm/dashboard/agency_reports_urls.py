"""An agency's own documents: /staf/instansi/<agency>/laporan/... (the IKM recap)."""

from django.urls import path

from skm.dashboard import agency_reports

A = "instansi/<slug:agency_slug>/laporan/"

urlpatterns = [
    path(A, agency_reports.agency_report_page, name="agency_reports"),
    path(A + "buat/", agency_reports.agency_report_make, name="agency_report_make"),
    path(A + "tugas/<uuid:ref>/", agency_reports.agency_report_job, name="agency_report_job"),
    path(
        A + "tugas/<uuid:ref>/unduh/",
        agency_reports.agency_report_download,
        name="agency_report_download",
    ),
]
