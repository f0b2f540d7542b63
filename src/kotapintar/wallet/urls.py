from django.urls import URLPattern, URLResolver, path

from kotapintar.wallet import views

app_name = "wallet"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("kasir/<slug:code>/", views.pos, name="pos"),
    path("kasir/<slug:code>/qris.svg", views.merchant_qris_svg, name="merchant_qris"),
    path("loket/", views.booth, name="booth"),
    path("loket/kartu/<str:number>/", views.card_panel, name="card_panel"),
    path("loket/isi-ulang/<str:topup_id>/qris.svg", views.topup_qris_svg, name="topup_qris"),
    path("loket/isi-ulang/<str:topup_id>/demo-konfirmasi/", views.topup_qris_demo_confirm, name="topup_demo"),
    path("kartu/<str:number>/qr.svg", views.card_qr, name="card_qr"),
    path("setelmen/", views.settlement, name="settlement"),
    path("setelmen.csv", views.settlement_csv, name="settlement_csv"),
]
