"""Follow-up plans: /staf/unit/<unit>/rtl/..., the overview /staf/rtl/ and the catalogue."""

from django.urls import path

from skm.dashboard import plans

P = "unit/<slug:unit_slug>/rtl/<int:plan_id>/"

urlpatterns = [
    path("rtl/", plans.plan_overview, name="plan_overview"),
    path("rtl/katalog/", plans.plan_catalogue, name="plan_catalogue"),
    path("unit/<slug:unit_slug>/rtl/", plans.plan_page, name="plan"),
    path("unit/<slug:unit_slug>/rtl/buat/", plans.plan_new, name="plan_new"),
    path(P + "prioritas/", plans.plan_priority_add, name="plan_priority_add"),
    path(
        P + "prioritas/<int:priority_id>/hapus/",
        plans.plan_priority_drop,
        name="plan_priority_drop",
    ),
    path(
        P + "prioritas/<int:priority_id>/geser/",
        plans.plan_priority_move,
        name="plan_priority_move",
    ),
    path(P + "prioritas/<int:priority_id>/butir/", plans.plan_item_add, name="plan_item_add"),
    path(P + "butir/<int:item_id>/", plans.plan_item, name="plan_item"),
    path(P + "butir/<int:item_id>/geser/", plans.plan_item_move, name="plan_item_move"),
    path(P + "butir/<int:item_id>/hapus/", plans.plan_item_delete, name="plan_item_delete"),
    path(
        P + "butir/<int:item_id>/realisasi/",
        plans.plan_item_realisation,
        name="plan_item_realisation",
    ),
    path(
        P + "butir/<int:item_id>/dokumentasi/",
        plans.plan_item_evidence,
        name="plan_item_evidence",
    ),
    path(
        P + "dokumentasi/<int:evidence_id>/",
        plans.plan_evidence_file,
        name="plan_evidence",
    ),
    path(
        P + "dokumentasi/<int:evidence_id>/kecil/",
        plans.plan_evidence_file,
        {"thumb": True},
        name="plan_evidence_thumb",
    ),
    path(
        P + "dokumentasi/<int:evidence_id>/hapus/",
        plans.plan_evidence_delete,
        name="plan_evidence_delete",
    ),
    path(
        P + "dokumentasi/<int:evidence_id>/publik/",
        plans.plan_evidence_public,
        name="plan_evidence_public",
    ),
    path(P + "final/", plans.plan_final, name="plan_final"),
    path(P + "buka/", plans.plan_reopen_view, name="plan_reopen"),
    path(P + "tanggal-laporan/", plans.plan_report_date, name="plan_report_date"),
    path(P + "strategi/", plans.plan_strategy_add, name="plan_strategy_add"),
    path(
        P + "strategi/<int:strategy_id>/hapus/",
        plans.plan_strategy_delete,
        name="plan_strategy_delete",
    ),
]
