from django.urls import URLPattern, URLResolver, path

from kotapintar.controlroom import views

app_name = "controlroom"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.room, name="room"),
    path("data.json", views.room_data, name="data"),
    path("publik/", views.public, name="public"),
    path("publik/data.json", views.public_data, name="public_data"),
    path("layar/baru/", views.display_create, name="display_create"),
    path("layar/<uuid:public_id>/cabut/", views.display_revoke, name="display_revoke"),
    path("layar/<str:token>/", views.kiosk, name="kiosk"),
    path("layar/<str:token>/data.json", views.kiosk_data, name="kiosk_data"),
]
