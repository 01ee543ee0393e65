"""Staff data pages of a unit: QR posters and links, paper entry, import, export."""

from django.urls import path

from skm.dashboard import exports, held, imports, paper, posters, responses

unit = "unit/<slug:unit_slug>/"
job = unit + "impor/<uuid:job_ref>/"

urlpatterns = [
    path(unit + "poster/", posters.poster_page, name="poster"),
    path(unit + "poster/kode-qr.png", posters.poster_qr_png, name="poster_png"),
    path(unit + "poster/kode-qr.svg", posters.poster_qr_svg, name="poster_svg"),
    path(unit + "poster/poster.pdf", posters.poster_pdf_download, name="poster_pdf"),
    path(
        unit + "poster/<slug:service_slug>/kode-qr.png",
        posters.poster_qr_png,
        name="poster_png",
    ),
    path(
        unit + "poster/<slug:service_slug>/kode-qr.svg",
        posters.poster_qr_svg,
        name="poster_svg",
    ),
    path(
        unit + "poster/<slug:service_slug>/poster.pdf",
        posters.poster_pdf_download,
        name="poster_pdf",
    ),
    path(unit + "kertas/", paper.paper_entry, name="paper"),
    path(unit + "kertas/urungkan/", paper.paper_undo, name="paper_undo"),
    path(unit + "impor/", imports.import_upload, name="import"),
    path(job, imports.import_job_page, name="import_job"),
    path(job + "status/", imports.import_job_status, name="import_job_status"),
    path(job + "muat/", imports.import_job_confirm_view, name="import_job_confirm"),
    path(job + "batal/", imports.import_job_cancel_view, name="import_job_cancel"),
    path(job + "kolom/", imports.import_job_columns_view, name="import_job_columns"),
    path(unit + "ekspor/", exports.export_page, name="export"),
    path(unit + "jawaban/", responses.response_list, name="responses"),
    path(
        unit + "jawaban/<int:response_id>/hapus/",
        responses.response_remove,
        name="response_delete",
    ),
    path(unit + "ditahan/", held.held_list, name="held"),
    path(unit + "ditahan/putuskan/", held.held_decide, name="held_decide"),
]
