from django.urls import URLPattern, URLResolver, path

from kotapintar.masterplan import live_views, views

app_name = "masterplan"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("publik/", views.public, name="public"),
    path("rencana/", views.plan_page, name="plan"),
    path("kesiapan/", views.readiness, name="readiness"),
    path("kertas-kerja/", views.worksheet_list, name="worksheets"),
    path("kertas-kerja/<uuid:public_id>/", views.worksheet_detail, name="worksheet"),
    path("kertas-kerja/<uuid:public_id>/ubah/", views.worksheet_edit, name="worksheet_edit"),
    path("kertas-kerja/<uuid:public_id>/program/", views.programme_add, name="programme_add"),
    path("kertas-kerja/<uuid:public_id>/<slug:action>/", views.worksheet_action, name="worksheet_action"),
    path("opd/<slug:opd_code>/kertas-kerja.xlsx", views.worksheet_xlsx, name="worksheet_xlsx"),
    path("opd/<slug:opd_code>/unggah/", views.worksheet_upload, name="worksheet_upload"),
    path("klinik/", views.clinic, name="clinic"),
    path(
        "klinik/slot/<uuid:public_id>/mulai-sekarang/", views.slot_reschedule_now, name="slot_reschedule_now"
    ),
    path("dewan/", views.council, name="council"),
    path("dewan/<uuid:public_id>/", views.meeting, name="meeting"),
    path(
        "dewan/<uuid:public_id>/mulai-sekarang/", views.meeting_reschedule_now, name="meeting_reschedule_now"
    ),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("anggaran/", views.budget, name="budget"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("indikator/<uuid:public_id>/data-langsung/", live_views.indicator_bind, name="indicator_bind"),
    path("program/<uuid:public_id>/realisasi-anggaran/", live_views.budget_realised, name="budget_realised"),
    path("evaluasi/", views.evaluation, name="evaluation"),
    path("evaluasi/paket/", views.evaluation_pack, name="evaluation_pack"),
    path("unduh/<str:fmt>/", views.export, name="export"),
]
