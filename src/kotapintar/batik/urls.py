from django.urls import URLPattern, URLResolver, path

from kotapintar.batik import views

app_name = "batik"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("kalender.ics", views.ical_all, name="ical"),
    path("acara/<slug:code>/", views.event_detail, name="event"),
    path("acara/<slug:code>/kalender.ics", views.event_ical, name="event_ical"),
    path("acara/<slug:code>/beli/", views.buy, name="buy"),
    path("tiket/<str:code>/", views.ticket_detail, name="ticket"),
    path("gerbang/", views.gate, name="gate"),
    path("saya/", views.me, name="me"),
    path("saya/masuk/", views.me_login, name="me_login"),
    path("saya/keluar/", views.me_logout, name="me_logout"),
    path("saya/pin/", views.me_pin, name="me_pin"),
    path("saya/kode/", views.me_code, name="me_code"),
    path("saya/hadiah/<slug:code>/", views.me_redeem, name="me_redeem"),
    path("saya/sw.js", views.service_worker, name="sw"),
    path("saya/manifest.webmanifest", views.manifest, name="manifest"),
    path("hadiah/", views.rewards, name="rewards"),
    path("analitik/", views.analytics, name="analytics"),
    path("analitik.csv", views.analytics_csv, name="analytics_csv"),
]
